package fake

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/internal/apischema"
)

// A field set is flat: each member is a path of fieldsV1 keys ("f:spec",
// "k:{\"name\":\"c\"}", "v:\"x\"", ".") joined by sep, mapped to the
// value at that path (nil for "." members).
type fieldSet map[string]any

const sep = "\x00"

// ignoredMeta are the metadata fields no manager owns.
var ignoredMeta = map[string]bool{
	"name": true, "namespace": true, "uid": true, "resourceVersion": true, "generation": true,
	"creationTimestamp": true, "managedFields": true, "selfLink": true, "deletionTimestamp": true,
	"deletionGracePeriodSeconds": true,
}

// rootType is the patch metadata of the resource's kind.
func rootType(ri *resInfo) *apischema.Type {
	return apischema.KindType(ri.Group, ri.Version, ri.Kind)
}

// fieldsOf returns the field set of o: status only for the status
// subresource, everything but status for a kind with one.
func fieldsOf(ri *resInfo, o obj, sub string) fieldSet {
	return fieldsOfMode(ri, o, sub, false)
}

// updateFieldsOf is fieldsOf with the "." members the real server records
// for a non-apply write: a map (or an object whose schema carries no list
// or map metadata, which in the built-in types is a map or an optional
// struct) is itself a member, so a write that adds it owns it.
func updateFieldsOf(ri *resInfo, o obj, sub string) fieldSet {
	return fieldsOfMode(ri, o, sub, true)
}

func fieldsOfMode(ri *resInfo, o obj, sub string, dots bool) fieldSet {
	fs := fieldSet{}
	w := fieldWalker{fs: fs, dots: dots, zero: true}
	t := rootType(ri)
	for k, v := range o {
		switch {
		case k == "apiVersion" || k == "kind":
			continue
		case sub == "status" && !ri.statusWrites(k):
			continue
		case sub == "" && k == "status" && ri.hasStatus():
			continue
		case k == "metadata":
			md, _ := v.(map[string]any)
			for mk, mv := range md {
				if ignoredMeta[mk] || sub == "status" && !slices.Contains(ri.statusMeta(), mk) {
					continue
				}
				f, _ := apischema.TypeNamed("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").Field(mk)
				w.walk("f:metadata"+sep+"f:"+mk, mv, f)
			}
			continue
		}
		if ri.CRD != "" && ri.Schema != nil {
			w.walkCR("f:"+k, v, ri.Schema.Properties[k])
			continue
		}
		f, _ := t.Field(k)
		w.walk("f:"+k, v, f)
	}
	return fs
}

// walkCR is walk for a custom resource, whose lists are described by its
// CRD's schema (s, nil where the schema says nothing): a set's items are
// "v:" members and a map list's "k:" members, as the real field manager
// records them; other lists are atomic, objects granular.
func (w fieldWalker) walkCR(path string, v any, s *crdSchema) {
	fs := w.fs
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			fs[path] = v
			return
		}
		if w.dots {
			fs[path+sep+"."] = nil
		}
		for k, cv := range x {
			var cs *crdSchema
			if s != nil {
				if cs = s.Properties[k]; cs == nil {
					cs = s.Additional
				}
			}
			w.walkCR(path+sep+"f:"+k, cv, cs)
		}
	case []any:
		lt := ""
		if s != nil {
			lt = s.ListType
		}
		if lt != "set" && lt != "map" || len(x) == 0 {
			fs[path] = v
			return
		}
		if w.dots {
			fs[path+sep+"."] = nil
		}
		for _, it := range x {
			if lt == "set" {
				b, _ := json.Marshal(it)
				fs[path+sep+"v:"+string(b)] = it
				continue
			}
			m, ok := it.(map[string]any)
			if !ok {
				fs[path] = v
				return
			}
			item := path + sep + itemKey(m, s.ListMapKeys, "")
			fs[item+sep+"."] = nil
			for k, cv := range m {
				var cs *crdSchema
				if s.Items != nil {
					cs = s.Items.Properties[k]
				}
				w.walkCR(item+sep+"f:"+k, cv, cs)
			}
		}
	default:
		fs[path] = v
	}
}

type fieldWalker struct {
	fs   fieldSet
	dots bool
	// zero is true while the walk is in what the kind's zero value
	// already holds: the root and the structs held by value under it.
	zero bool
}

func (w fieldWalker) walk(path string, v any, f apischema.Field) {
	fs := w.fs
	child := apischema.TypeNamed(f.Type)
	switch x := v.(type) {
	case map[string]any:
		// x-kubernetes-map-type: atomic (LabelSelector, a Service's
		// selector, ...) makes the whole object one member.
		if len(x) == 0 && f.Value && !f.Map && w.zero {
			// A struct held by value that the kind's zero value
			// already has, left empty, changes nothing: no member.
			return
		}
		if f.Atomic() || len(x) == 0 {
			fs[path] = v
			return
		}
		// A map, or a struct the Go types hold by pointer, is itself a
		// member of a non-apply write that adds it; a struct held by
		// value is too, unless the kind's zero value already has it.
		if w.dots && (f.Map || !f.Value || !w.zero) {
			fs[path+sep+"."] = nil
		}
		cw := w
		cw.zero = w.zero && f.Value && !f.Map
		for k, cv := range x {
			cf, _ := child.Field(k)
			if f.Map {
				cf = apischema.Field{Type: f.Type}
			}
			cw.walk(path+sep+"f:"+k, cv, cf)
		}
	case []any:
		// A keyed list or a set the client adds is itself a member
		// too, except containers where the kind's zero value has them
		// (the real types always serialise them); an atomic list is
		// one member.
		dot := func() {
			if w.dots && len(x) > 0 && (!w.zero || !strings.HasSuffix(path, sep+"f:containers")) {
				fs[path+sep+"."] = nil
			}
		}
		keys := f.ListMapKeys
		if len(keys) == 0 && f.PatchMergeKey != "" && f.HasStrategy("merge") {
			keys = []string{f.PatchMergeKey}
		}
		switch {
		case f.ListType == "map" || len(keys) > 0 && f.ListType != "atomic":
			dot()
			for _, it := range x {
				m, ok := it.(map[string]any)
				if !ok {
					fs[path] = v
					return
				}
				item := path + sep + itemKey(m, keys, f.Item)
				if f.ItemAtomic() {
					fs[item] = it
					continue
				}
				fs[item+sep+"."] = nil
				cw := w
				cw.zero = false
				for k, cv := range m {
					cf, _ := child.Field(k)
					cw.walk(item+sep+"f:"+k, cv, cf)
				}
			}
		case f.ListType == "set" || f.HasStrategy("merge") && f.ListType != "atomic":
			dot()
			for _, it := range x {
				b, _ := json.Marshal(it)
				fs[path+sep+"v:"+string(b)] = it
			}
		default:
			fs[path] = v
		}
	default:
		fs[path] = v
	}
}

// itemKey is the "k:" member naming a list item by its map keys. A key
// the item leaves out has the schema default of its field in typ, the
// item's type (a built-in's; "" for a custom resource's item, whose left
// out keys are skipped).
func itemKey(m map[string]any, keys []string, typ string) string {
	ks := append([]string(nil), keys...)
	sort.Strings(ks)
	var b strings.Builder
	b.WriteString("k:{")
	n := 0
	for _, k := range ks {
		v, ok := m[k]
		if !ok {
			// A key field left out has its schema default, as
			// server-side apply keys items (a port's protocol TCP).
			if typ == "" {
				continue
			}
			f, _ := apischema.ShapeNamed(typ).Field(k)
			if f.Default == "" {
				continue
			}
			var dv any
			if json.Unmarshal([]byte(f.Default), &dv) != nil {
				continue
			}
			v = normalizeNumbers(dv)
		}
		if n > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
		n++
	}
	b.WriteByte('}')
	return b.String()
}

// toFieldsV1 builds the nested fieldsV1 form of a field set. A node that
// is a member with no member below it is written {} rather than {".": {}},
// as the real server writes it (after another manager took its children).
func (fs fieldSet) toFieldsV1() map[string]any {
	root := map[string]any{}
	for p := range fs {
		cur := root
		for _, seg := range strings.Split(p, sep) {
			next, ok := cur[seg].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[seg] = next
			}
			cur = next
		}
	}
	dropLoneDots(root)
	return root
}

func dropLoneDots(m map[string]any) {
	for _, c := range m {
		cm, _ := c.(map[string]any)
		if _, dot := cm["."]; dot && len(cm) == 1 {
			delete(cm, ".")
		}
		dropLoneDots(cm)
	}
}

// fromFieldsV1 flattens a fieldsV1 tree (values unknown: nil).
func fromFieldsV1(v any) fieldSet {
	fs := fieldSet{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, c := range m {
			p := k
			if prefix != "" {
				p = prefix + sep + k
			}
			cm, _ := c.(map[string]any)
			if len(cm) == 0 {
				fs[p] = nil
				continue
			}
			walk(p, cm)
		}
	}
	if m, ok := v.(map[string]any); ok {
		walk("", m)
	}
	return fs
}

// pathString prints a field path as conflict messages do:
// .spec.containers[name="c"].image.
func pathString(p string) string {
	var b strings.Builder
	for _, seg := range strings.Split(p, sep) {
		switch {
		case strings.HasPrefix(seg, "f:"):
			b.WriteString("." + seg[2:])
		case strings.HasPrefix(seg, "k:"):
			var m map[string]any
			json.Unmarshal([]byte(seg[2:]), &m)
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				vb, _ := json.Marshal(m[k])
				parts[i] = k + "=" + string(vb)
			}
			b.WriteString("[" + strings.Join(parts, ",") + "]")
		case strings.HasPrefix(seg, "v:"):
			b.WriteString("[=" + seg[2:] + "]")
		}
	}
	return b.String()
}

// managedEntry is one metadata.managedFields item.
type managedEntry struct {
	Manager     string `json:"manager,omitempty"`
	Operation   string `json:"operation,omitempty"`
	APIVersion  string `json:"apiVersion,omitempty"`
	Time        string `json:"time,omitempty"`
	FieldsType  string `json:"fieldsType,omitempty"`
	FieldsV1    any    `json:"fieldsV1,omitempty"`
	Subresource string `json:"subresource,omitempty"`
	set         fieldSet
}

func readManaged(o obj) []*managedEntry {
	var out []*managedEntry
	for _, raw := range asList(meta(o)["managedFields"]) {
		b, _ := json.Marshal(raw)
		var e managedEntry
		if json.Unmarshal(b, &e) == nil {
			e.set = fromFieldsV1(e.FieldsV1)
			out = append(out, &e)
		}
	}
	return out
}

func writeManaged(o obj, entries []*managedEntry) {
	var list []any
	for _, e := range entries {
		if len(e.set) == 0 {
			continue
		}
		e.FieldsType, e.FieldsV1 = "FieldsV1", e.set.toFieldsV1()
		b, _ := json.Marshal(e)
		m, _ := decodeJSON(b)
		list = append(list, m)
	}
	if list == nil {
		delete(meta(o), "managedFields")
		return
	}
	meta(o)["managedFields"] = list
}

// setManagedFields records a non-apply write by rq.manager into o: it owns
// the fields it changed in view (the object as it wrote it, see
// managedView; nil means o); fields it removed are no one's.
func setManagedFields(o, view obj, rq *request, old obj, op string) {
	if view == nil {
		view = o
	}
	if _, ok := meta(o)["managedFields"]; ok && old != nil && !equalJSON(meta(o)["managedFields"], meta(old)["managedFields"]) {
		return // the client wrote managedFields itself
	}
	if old != nil && op == "Update" && len(readManaged(old)) == 0 {
		// kube-apiserver tracks fields from an object's create or first
		// apply: an update of an object that has no managedFields (one
		// created with nothing set) records none (its skip-non-applied
		// field manager).
		return
	}
	var entries []*managedEntry
	var before fieldSet
	if old != nil {
		entries = readManaged(old)
		before = updateFieldsOf(rq.ri, old, rq.sub)
	}
	after := updateFieldsOf(rq.ri, view, rq.sub)
	changed := fieldSet{}
	for p, v := range after {
		if bv, ok := before[p]; !ok || !equalJSON(bv, v) {
			changed[p] = v
		}
	}
	// A field still set keeps its owners, also when it was written
	// empty and has members now (a container's resources that admission
	// filled in).
	present := map[string]bool{}
	for p := range after {
		for i := range len(p) {
			if p[i] == sep[0] {
				present[p[:i]] = true
			}
		}
		present[p] = true
	}
	for _, e := range entries {
		for p := range e.set {
			if !present[p] && (e.Subresource == rq.sub) {
				delete(e.set, p)
			}
			if _, ch := changed[p]; ch && !(e.Manager == rq.manager && e.Operation == op && e.Subresource == rq.sub) {
				delete(e.set, p)
			}
		}
	}
	var mine *managedEntry
	for _, e := range entries {
		if e.Manager == rq.manager && e.Operation == op && e.Subresource == rq.sub && e.APIVersion == rq.ri.groupVersion() {
			mine = e
		}
	}
	if len(changed) > 0 {
		if mine == nil {
			mine = &managedEntry{Manager: rq.manager, Operation: op, APIVersion: rq.ri.groupVersion(), Subresource: rq.sub, set: fieldSet{}}
			entries = append(entries, mine)
		}
		mine.Time = now()
		for p, v := range changed {
			mine.set[p] = v
		}
	}
	writeManaged(o, entries)
}
