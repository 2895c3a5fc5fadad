package fake

import (
	"fmt"
	"strings"
	"time"
)

// column is one Table column: its definition and how to compute a cell.
type column struct {
	name, typ, format string
	priority          int
	cell              func(o obj) any
}

var nameColumn = column{name: "Name", typ: "string", format: "name", cell: func(o obj) any { return metaString(o, "name") }}
var ageColumn = column{name: "Age", typ: "string", cell: func(o obj) any { return age(metaString(o, "creationTimestamp")) }}

// tableColumns are the columns kubectl prints for the well-known kinds;
// other kinds get NAME and AGE.
func tableColumns(ri *resInfo) []column {
	switch ri.storageKey() {
	case "/pods":
		return []column{nameColumn,
			{name: "Ready", typ: "string", cell: podReady},
			{name: "Status", typ: "string", cell: func(o obj) any { return podStatus(o) }},
			{name: "Restarts", typ: "string", cell: podRestarts},
			ageColumn,
			{name: "IP", typ: "string", priority: 1, cell: func(o obj) any { return orNone(nested(o, "status", "podIP")) }},
			{name: "Node", typ: "string", priority: 1, cell: func(o obj) any { return orNone(nested(o, "spec", "nodeName")) }},
		}
	case "/namespaces":
		return []column{nameColumn, {name: "Status", typ: "string", cell: func(o obj) any { return fmt.Sprint(orEmpty(nested(o, "status", "phase"))) }}, ageColumn}
	case "/configmaps":
		return []column{nameColumn, {name: "Data", typ: "integer", cell: func(o obj) any { return len(nestedMap(o, "data")) + len(nestedMap(o, "binaryData")) }}, ageColumn}
	case "/secrets":
		return []column{nameColumn, {name: "Type", typ: "string", cell: func(o obj) any { return fmt.Sprint(orEmpty(o["type"])) }},
			{name: "Data", typ: "integer", cell: func(o obj) any { return len(nestedMap(o, "data")) }}, ageColumn}
	case "/services":
		return []column{nameColumn,
			{name: "Type", typ: "string", cell: func(o obj) any { return fmt.Sprint(orDefault(nested(o, "spec", "type"), "ClusterIP")) }},
			{name: "Cluster-IP", typ: "string", cell: func(o obj) any { return orNone(nested(o, "spec", "clusterIP")) }},
			{name: "External-IP", typ: "string", cell: func(o obj) any { return "<none>" }},
			{name: "Port(s)", typ: "string", cell: servicePorts},
			ageColumn}
	case "apps/deployments":
		return []column{nameColumn,
			{name: "Ready", typ: "string", cell: func(o obj) any {
				return fmt.Sprintf("%v/%v", orZero(nested(o, "status", "readyReplicas")), orDefault(nested(o, "spec", "replicas"), "1"))
			}},
			{name: "Up-to-date", typ: "integer", cell: func(o obj) any { return orZero(nested(o, "status", "updatedReplicas")) }},
			{name: "Available", typ: "integer", cell: func(o obj) any { return orZero(nested(o, "status", "availableReplicas")) }},
			ageColumn}
	case "/nodes":
		return []column{nameColumn, {name: "Status", typ: "string", cell: func(o obj) any { return "Unknown" }},
			{name: "Roles", typ: "string", cell: func(o obj) any { return "<none>" }}, ageColumn,
			{name: "Version", typ: "string", cell: func(o obj) any { return fmt.Sprint(orEmpty(nested(o, "status", "nodeInfo", "kubeletVersion"))) }}}
	}
	return []column{nameColumn, ageColumn}
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func orDefault(v any, d string) any {
	if v == nil {
		return d
	}
	return v
}

func orZero(v any) any { return orDefault(v, "0") }

func orNone(v any) any {
	if s, _ := v.(string); s != "" {
		return s
	}
	return "<none>"
}

func podReady(o obj) any {
	total := len(asList(nested(o, "spec", "containers")))
	ready := 0
	for _, cs := range asList(nested(o, "status", "containerStatuses")) {
		if m, ok := cs.(map[string]any); ok && m["ready"] == true {
			ready++
		}
	}
	return fmt.Sprintf("%d/%d", ready, total)
}

func podStatus(o obj) string {
	if metaString(o, "deletionTimestamp") != "" {
		return "Terminating"
	}
	if r, _ := nested(o, "status", "reason").(string); r != "" {
		return r
	}
	p, _ := nested(o, "status", "phase").(string)
	if p == "" {
		return "Unknown"
	}
	return p
}

func podRestarts(o obj) any {
	var n int64
	for _, cs := range asList(nested(o, "status", "containerStatuses")) {
		if m, ok := cs.(map[string]any); ok {
			c, _ := numberInt(m["restartCount"])
			n += c
		}
	}
	return fmt.Sprint(n)
}

func servicePorts(o obj) any {
	var parts []string
	for _, p := range asList(nested(o, "spec", "ports")) {
		m, _ := p.(map[string]any)
		proto, _ := m["protocol"].(string)
		if proto == "" {
			proto = "TCP"
		}
		parts = append(parts, fmt.Sprintf("%v/%s", m["port"], proto))
	}
	if parts == nil {
		return "<none>"
	}
	return strings.Join(parts, ",")
}

// age prints a duration as kubectl does ("45s", "5m", "3h4m", "12d").
func age(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return "<unknown>"
	}
	d := time.Since(t)
	if d < 0 {
		d = 0
	}
	s := int(d.Seconds())
	m, h, days := s/60, s/3600, s/86400
	switch {
	case d < 2*time.Minute:
		return fmt.Sprintf("%ds", s)
	case d < 10*time.Minute:
		if s%60 == 0 {
			return fmt.Sprintf("%dm", m)
		}
		return fmt.Sprintf("%dm%ds", m, s%60)
	case d < 3*time.Hour:
		return fmt.Sprintf("%dm", m)
	case d < 8*time.Hour:
		if m%60 == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", h)
	case d < 8*24*time.Hour:
		if h%24 == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, h%24)
	case d < 2*365*24*time.Hour:
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dy", days/365)
}

// table renders objects as a meta.k8s.io/v1 Table.
func (s *Server) table(rq *request, items []obj, rv string) obj {
	cols := tableColumns(rq.ri)
	defs := make([]any, len(cols))
	for i, c := range cols {
		defs[i] = obj{"name": c.name, "type": c.typ, "format": c.format, "description": "", "priority": c.priority}
	}
	include := rq.q.Get("includeObject")
	rows := make([]any, 0, len(items))
	for _, o := range items {
		cells := make([]any, len(cols))
		for i, c := range cols {
			cells[i] = c.cell(o)
		}
		row := obj{"cells": cells}
		switch include {
		case "None":
		case "Object":
			row["object"] = o
		default:
			row["object"] = partial(o)
		}
		rows = append(rows, row)
	}
	md := obj{}
	if rv != "" {
		md["resourceVersion"] = rv
	}
	return obj{"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": md, "columnDefinitions": defs, "rows": rows}
}
