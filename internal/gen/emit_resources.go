package main

import (
	"fmt"
	"strconv"
	"strings"
)

// emitResources writes p's resource descriptors and, for each kind, the
// methods that tie the kind to its descriptor and list type, which
// typed.For reads. It returns nil for a package without resources.
func emitResources(p *pkg) ([]byte, []string, error) {
	if len(p.resources) == 0 {
		return nil, nil, nil
	}
	var w writer
	var imports []string
	if p.name != metaPkg {
		imports = append(imports, p.importLine(metaPkg))
	}
	meta := metaPkg + "."
	if p.name == metaPkg {
		meta = ""
	}
	gv := p.groupVersion()
	w.p("\n// Resource descriptors of the kinds served in %s.", gv)
	w.p("var (")
	kinds := sortedKeys(p.resources)
	for _, k := range kinds {
		r := p.resources[k]
		if p.types[k] == nil {
			return nil, nil, fmt.Errorf("%s: resource %s has no type", p.name, k)
		}
		if p.types[k+"Resource"] != nil {
			return nil, nil, fmt.Errorf("%s: descriptor %sResource collides with a type", p.name, k)
		}
		var subs []string
		for _, s := range sortedKeys(r.subresources) {
			subs = append(subs, strconv.Quote(s))
		}
		subList := ""
		if len(subs) > 0 {
			subList = ", Subresources: []string{" + strings.Join(subs, ", ") + "}"
		}
		scope := "cluster-scoped"
		if r.namespaced {
			scope = "namespaced"
		}
		w.p("// %sResource describes %s, %s; verbs: %s.", k, r.plural, scope, strings.Join(sortedKeys(r.verbs), ", "))
		w.p("%sResource = %sResource{Group: %q, Version: %q, Resource: %q, Kind: %q, Namespaced: %t%s}",
			k, meta, p.group, p.version, r.plural, k, r.namespaced, subList)
	}
	w.p(")")
	for _, k := range kinds {
		list := k + "List"
		note := ""
		if p.types[list] == nil {
			list = meta + "Status"
			note = fmt.Sprintf(" %s cannot be listed: its list type is %s, never sent.", p.resources[k].plural, list)
		}
		w.p("\n// APIResource returns the descriptor of %s.", k)
		w.p("func (*%s) APIResource() *%sResource { return &%sResource }", k, meta, k)
		w.p("\n// NewList returns an empty list of %s, the list type typed.For pairs with it.%s", k, note)
		w.p("func (*%s) NewList() *%s { return new(%s) }", k, list, list)
	}
	return w.Bytes(), imports, nil
}

// pluralFromResource spells a kind's plural after its resource name when
// the usual rules disagree with the server's plural: the kind's casing for
// the common prefix, then the rest of the resource name.
func pluralFromResource(kind, plural string) string {
	lower := strings.ToLower(kind)
	n := 0
	for n < len(lower) && n < len(plural) && lower[n] == plural[n] {
		n++
	}
	return kind[:n] + plural[n:]
}
