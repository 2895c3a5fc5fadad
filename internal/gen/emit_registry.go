package main

import (
	"fmt"
	"sort"
)

// registryPath is where the registry is written, relative to api/.
const registryPath = "../internal/apiregistry/zz_generated_registry.go"

// emitRegistry writes internal/apiregistry's table: every kind and list
// Kubernetes encodes in protobuf, by group, version and kind, to a
// constructor of its Go type. It is for the fake server, which converts
// bodies between JSON and protobuf; the api packages do not import it.
func emitRegistry(m *model, tg *target) ([]byte, error) {
	type entry struct {
		group, version, kind, pkg, typ string
		typeMeta                       bool
	}
	var entries []entry
	imports := map[string]bool{}
	for _, pn := range sortedKeys(m.pkgs) {
		p := m.pkgs[pn]
		for _, tn := range sortedKeys(p.types) {
			t := p.types[tn]
			if t.alias != nil || !standalone(t) || !hasProto(t.schema) {
				continue
			}
			for _, g := range m.sp.Schemas[t.schema].GVK {
				entries = append(entries, entry{g.Group, g.Version, g.Kind, p.name, t.name, len(t.fields) > 0 && t.fields[0].inline})
				imports[p.name] = true
			}
		}
	}
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.group != b.group {
			return a.group < b.group
		}
		if a.version != b.version {
			return a.version < b.version
		}
		return a.kind < b.kind
	})
	var w writer
	w.p("\n// kinds are the constructors of the built-in kinds and lists.")
	w.p("var kinds = map[GVK]kind{")
	seen := map[entry]bool{}
	for _, e := range entries {
		k := entry{group: e.group, version: e.version, kind: e.kind}
		if seen[k] {
			return nil, fmt.Errorf("registry: %s/%s %s has two Go types", e.group, e.version, e.kind)
		}
		seen[k] = true
		tm := "nil"
		if e.typeMeta {
			tm = fmt.Sprintf("func(o Object) *metav1.TypeMeta { return &o.(*%s.%s).TypeMeta }", e.pkg, e.typ)
		}
		w.p("{%q, %q, %q}: {func() Object { return new(%s.%s) }, %s},", e.group, e.version, e.kind, e.pkg, e.typ, tm)
	}
	w.p("}")
	lines := []string{`"` + tg.meta + `"`}
	imports[metaPkg] = false
	for _, name := range sortedKeys(imports) {
		if !imports[name] {
			continue
		}
		lines = append(lines, `"`+tg.prefix+"/"+name+`"`)
	}
	return file("apiregistry", lines, w.Bytes())
}
