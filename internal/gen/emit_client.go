package main

import (
	"fmt"
	"strconv"
	"strings"
)

// emitClient writes p's resource descriptors and its Client. It returns nil
// for a package without resources.
func emitClient(p *pkg) ([]byte, []string, error) {
	if len(p.resources) == 0 {
		return nil, nil, nil
	}
	var w writer
	imports := []string{importLine("rest"), importLine("typed")}
	gv := p.groupVersion()
	usesMeta := false
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
		w.p("%sResource = typed.Resource{Group: %q, Version: %q, Resource: %q, Kind: %q, Namespaced: %t%s}",
			k, p.group, p.version, r.plural, k, r.namespaced, subList)
	}
	w.p(")")

	w.p("\n// Client is the typed client of %s: one method per kind, each returning the", gv)
	w.p("// typed.Interface for it. The methods are not inlined, so that the generic")
	w.p("// client is compiled for these kinds here, once, not in every caller.")
	w.p("type Client struct {")
	w.p("c *rest.Client")
	w.p("}")
	w.p("\n// New returns a Client that sends its requests through c.")
	w.p("func New(c *rest.Client) *Client { return &Client{c: c} }")
	methods := map[string]string{}
	for _, k := range kinds {
		r := p.resources[k]
		name := pluralKind(k)
		if strings.ToLower(name) != r.plural {
			name = pluralFromResource(k, r.plural)
		}
		if prev, ok := methods[name]; ok {
			return nil, nil, fmt.Errorf("%s: method %s for both %s and %s", p.name, name, prev, k)
		}
		methods[name] = k
		list := k + "List"
		listNote := ""
		if p.types[list] == nil {
			list = "metav1.Status"
			usesMeta = true
			listNote = fmt.Sprintf("\n// %s cannot be listed: the list type parameter is metav1.Status, unused.", r.plural)
		}
		if r.namespaced {
			w.p("\n// %s returns the client of %s in namespace (\"\" for all namespaces on list and watch).%s", name, r.plural, listNote)
			w.p("//go:noinline")
			w.p("func (c *Client) %s(namespace string) typed.Interface[%s, %s] {", name, k, list)
			w.p("return typed.New[%s, %s](c.c, &%sResource, namespace)", k, list, k)
		} else {
			w.p("\n// %s returns the client of %s, which are cluster-scoped.%s", name, r.plural, listNote)
			w.p("//go:noinline")
			w.p("func (c *Client) %s() typed.Interface[%s, %s] {", name, k, list)
			w.p("return typed.New[%s, %s](c.c, &%sResource, \"\")", k, list, k)
		}
		w.p("}")
	}
	if usesMeta && p.name != metaPkg {
		imports = append(imports, importLine(metaPkg))
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
