package fake

import (
	_ "embed"
	"encoding/json"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// tableColumnsJSON records the Table column definitions kube-apiserver
// v1.37.2 serves for each built-in resource, by group-version and resource
// ("v1/pods", "apps/v1/deployments"). It is written and checked against a
// real server by TestTableColumnsData (internal/integration).
//
//go:embed tablecolumns.json
var tableColumnsJSON []byte

// columnDef is one Table column definition.
type columnDef struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format"`
	Description string `json:"description"`
	Priority    int64  `json:"priority"`
}

var (
	tableColumnsOnce sync.Once
	tableColumnsData map[string][]columnDef
)

// recordedColumns returns the real column definitions of a built-in
// resource, nil when none are recorded.
func recordedColumns(gvr string) []columnDef {
	tableColumnsOnce.Do(func() {
		if err := json.Unmarshal(tableColumnsJSON, &tableColumnsData); err != nil {
			tableColumnsData = map[string][]columnDef{}
		}
	})
	return tableColumnsData[gvr]
}

// rowPrinter computes a row's cells, one per recorded column, wide
// columns included (kube-apiserver always serves them; kubectl hides those
// of priority > 0 unless -o wide). list holds every object of the answer
// (for printers that look across rows); it is nil for a single object.
type rowPrinter func(o obj, list []obj) []any

// rowPrinters are the printers by storage key ("group/resource"), one
// map per kind family.
var rowPrinters = mergePrinters(workloadPrinters, corePrinters, clusterPrinters, morePrinters)

func mergePrinters(maps ...map[string]rowPrinter) map[string]rowPrinter {
	out := map[string]rowPrinter{}
	for _, m := range maps {
		for k, p := range m {
			out[k] = p
		}
	}
	return out
}

// recordedColumnsOfResource returns the recorded columns of a resource at
// any version, nil when none are recorded.
func recordedColumnsOfResource(group, resource string) []columnDef {
	recordedColumns("")
	keys := make([]string, 0, 2)
	for k := range tableColumnsData {
		gv, res := path.Split(k)
		g, _, _ := strings.Cut(strings.TrimSuffix(gv, "/"), "/")
		if res == resource && (g == group || (group == "" && !strings.Contains(strings.TrimSuffix(gv, "/"), "/"))) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	return tableColumnsData[keys[0]]
}

// defaultColumns are those of kube-apiserver's default table convertor
// (Name and Created At), as recorded for LimitRanges, which use it.
func defaultColumns() []columnDef { return recordedColumns("v1/limitranges") }

// metaDoc returns the documentation of ObjectMeta's name (i == 0) or
// creationTimestamp (i == 1), as the default columns describe them.
func metaDoc(i int) string {
	if d := defaultColumns(); len(d) == 2 {
		return d[i].Description
	}
	return ""
}

// tableColumns returns the column definitions and the printer for a
// resource.
func (s *Server) tableColumns(ri *resInfo) ([]columnDef, rowPrinter) {
	if ri.CRD != "" {
		return s.customColumns(ri)
	}
	cols := recordedColumns(ri.groupVersion() + "/" + ri.Resource)
	if cols == nil {
		// A version not served by default (WithRuntimeConfig): the real
		// server prints every version of a resource alike.
		cols = recordedColumnsOfResource(ri.Group, ri.Resource)
	}
	if cols == nil {
		cols = defaultColumns()
	}
	if p := rowPrinters[ri.storageKey()]; p != nil {
		return cols, p
	}
	return cols, genericPrinter(cols)
}

// genericPrinter fills the cells it can name for a resource the fake has
// no printer for: Name, Age and Created At; every other cell is null.
func genericPrinter(cols []columnDef) rowPrinter {
	return func(o obj, _ []obj) []any {
		cells := make([]any, len(cols))
		for i, c := range cols {
			switch c.Name {
			case "Name":
				cells[i] = metaString(o, "name")
			case "Age":
				cells[i] = cellAge(o)
			case "Created At":
				cells[i] = createdAt(o)
			}
		}
		return cells
	}
}

// createdAt is the Created At cell: the creation time in UTC, RFC 3339.
func createdAt(o obj) any {
	t, ok := parseTime(metaString(o, "creationTimestamp"))
	if !ok {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339)
}

// table renders objects as a meta.k8s.io/v1 Table: a list's when isList
// (its caller sets the list's metadata), else one object's, whose
// resourceVersion the Table carries.
func (s *Server) table(rq *request, items []obj, isList bool) obj {
	cols, printRow := s.tableColumns(rq.ri)
	defs := make([]any, len(cols))
	for i, c := range cols {
		defs[i] = obj{"name": c.Name, "type": c.Type, "format": c.Format, "description": c.Description, "priority": c.Priority}
	}
	include := rq.q.Get("includeObject")
	rows := make([]any, 0, len(items))
	var list []obj
	if isList {
		list = items
	}
	for _, o := range items {
		row := obj{"cells": printRow(o, list)}
		if conds := rowConditions(rq.ri, o); conds != nil {
			row["conditions"] = conds
		}
		switch include {
		case "None":
		case "Object":
			row["object"] = o
		default:
			row["object"] = tablePartial(rq.ri, o)
		}
		rows = append(rows, row)
	}
	md := obj{}
	if !isList && len(items) == 1 {
		if v := metaString(items[0], "resourceVersion"); v != "" {
			md["resourceVersion"] = v
		}
	}
	return obj{"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": md, "columnDefinitions": defs, "rows": rows}
}

// tableListMeta is a list's metadata as a Table carries it: the
// resourceVersion, and continue and remainingItemCount when set (a custom
// resource list's empty continue is not).
func tableListMeta(lm map[string]any) obj {
	md := obj{}
	for _, k := range []string{"resourceVersion", "continue", "remainingItemCount"} {
		if v, ok := lm[k]; ok && v != "" && v != nil {
			md[k] = v
		}
	}
	return md
}

// tablePartial is a row's object as PartialObjectMetadata. The real server
// takes it from its internal object, which holds a DaemonSet's template
// generation as a field, not as the annotation its v1 form shows.
func tablePartial(ri *resInfo, o obj) obj {
	p := partial(o)
	if ri.CRD != "" || ri.storageKey() != "apps/daemonsets" {
		return p
	}
	const key = "deprecated.daemonset.template.generation"
	ann := nestedMap(o, "metadata", "annotations")
	if _, ok := ann[key]; !ok {
		return p
	}
	md := map[string]any{}
	for k, v := range asMap(p["metadata"]) {
		md[k] = v
	}
	rest := map[string]any{}
	for k, v := range ann {
		if k != key {
			rest[k] = v
		}
	}
	if len(rest) == 0 {
		delete(md, "annotations")
	} else {
		md["annotations"] = rest
	}
	p["metadata"] = md
	return p
}
