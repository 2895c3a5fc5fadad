// Command gen writes internal/apischema's data file from the Kubernetes
// OpenAPI v3 spec: the built-in resources (from the paths and their
// x-kubernetes-action and x-kubernetes-group-version-kind extensions) and the
// list and map metadata of every object schema a resource's kind reaches.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	spec := flag.String("spec", "../../../shared/openapi/v1.37.2/v3", "directory of the OpenAPI v3 spec files (*_openapi.json)")
	out := flag.String("out", "zz_generated.go", "output file; - for stdout")
	facts := flag.String("facts", "../gen/apifacts.txt", "internal/gen's record of how k8s.io/api holds scalar fields (pointer or value, omitempty)")
	flag.Parse()
	src, err := Generate(*spec, *facts)
	if err != nil {
		log.Fatal(err)
	}
	if *out == "-" {
		os.Stdout.Write(src)
		return
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

type gvk struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

type operation struct {
	Action string `json:"x-kubernetes-action"`
	GVK    *gvk   `json:"x-kubernetes-group-version-kind"`
}

type schema struct {
	Ref                  string             `json:"$ref"`
	AllOf                []*schema          `json:"allOf"`
	Type                 string             `json:"type"`
	Items                *schema            `json:"items"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
	Properties           map[string]*schema `json:"properties"`
	PatchStrategy        string             `json:"x-kubernetes-patch-strategy"`
	PatchMergeKey        string             `json:"x-kubernetes-patch-merge-key"`
	ListType             string             `json:"x-kubernetes-list-type"`
	ListMapKeys          []string           `json:"x-kubernetes-list-map-keys"`
	MapType              string             `json:"x-kubernetes-map-type"`
	Default              json.RawMessage    `json:"default"`
	Format               string             `json:"format"`
	OneOf                []*schema          `json:"oneOf"`
	GVKs                 []gvk              `json:"x-kubernetes-group-version-kind"`
}

type document struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

type resource struct {
	Group, Version, Resource, Kind string
	Namespaced                     bool
	Verbs                          map[string]bool
	Subs                           map[string]*subresource
}

type subresource struct {
	Group, Version, Kind string
	Verbs                map[string]bool
}

type field struct {
	Type                                   string
	List, Map                              bool
	PatchStrategy, PatchMergeKey, ListType string
	ListMapKeys                            []string
	MapType                                string
	Value                                  bool
	Item                                   string
}

// Generate reads the spec directory and returns the formatted Go source.
func Generate(dir, factsFile string) ([]byte, error) {
	facts, err := readFacts(factsFile)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*_openapi.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *_openapi.json files in %s", dir)
	}
	sort.Strings(files)
	schemas := map[string]*schema{}
	res := map[string]*resource{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var d document
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for n, s := range d.Components.Schemas {
			schemas[n] = s
		}
		for p, ops := range d.Paths {
			for method, raw := range ops {
				var op operation
				if json.Unmarshal(raw, &op) != nil || op.Action == "" || op.GVK == nil {
					continue
				}
				addPath(res, p, method, op)
			}
		}
	}
	var list []*resource
	for _, r := range res {
		if r.Kind != "" && len(r.Verbs) > 0 {
			list = append(list, r)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Resource < b.Resource
	})

	// Kind roots: the schema carrying each resource kind's GVK.
	byGVK := map[gvk]string{}
	for n, s := range schemas {
		for _, g := range s.GVKs {
			byGVK[g] = n
		}
	}
	roots := map[string]string{}
	for _, r := range list {
		if n, ok := byGVK[gvk{r.Group, r.Version, r.Kind}]; ok {
			roots[r.Group+"/"+r.Version+"/"+r.Kind] = n
		}
	}
	types := patchTypes(schemas, roots)
	for k, n := range roots {
		if _, ok := types[n]; !ok {
			delete(roots, k)
		}
	}
	typeMaps := map[string]string{}
	for n := range types {
		if s := schemas[n]; s != nil && s.MapType != "" {
			typeMaps[n] = s.MapType
		}
	}
	src, err := render(list, types, typeMaps, roots)
	if err != nil {
		return nil, err
	}
	all, sroots := shapes(schemas, byGVK, facts)
	return renderShapes(src, all, sroots, facts)
}

// addPath records what one operation on one path says about its resource.
func addPath(res map[string]*resource, p, method string, op operation) {
	var group, version string
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		version, parts = parts[1], parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		group, version, parts = parts[1], parts[2], parts[3:]
	default:
		return
	}
	if parts[0] == "watch" {
		parts = parts[1:]
	}
	namespaced := false
	if len(parts) >= 3 && parts[0] == "namespaces" && parts[1] == "{namespace}" {
		namespaced, parts = true, parts[2:]
	}
	if len(parts) == 0 || strings.HasPrefix(parts[0], "{") {
		return
	}
	key := group + "/" + version + "/" + parts[0]
	r := res[key]
	if r == nil {
		r = &resource{Group: group, Version: version, Resource: parts[0], Verbs: map[string]bool{}, Subs: map[string]*subresource{}}
		res[key] = r
	}
	if namespaced {
		r.Namespaced = true
	}
	verb := actionVerb(op.Action, method)
	if verb == "" {
		return
	}
	if len(parts) >= 3 {
		s := r.Subs[parts[2]]
		if s == nil {
			s = &subresource{Group: op.GVK.Group, Version: op.GVK.Version, Kind: op.GVK.Kind, Verbs: map[string]bool{}}
			r.Subs[parts[2]] = s
		}
		s.Verbs[verb] = true
		return
	}
	r.Kind = op.GVK.Kind
	r.Verbs[verb] = true
}

func actionVerb(action, method string) string {
	switch action {
	case "get", "list", "patch", "delete", "deletecollection":
		return action
	case "watch", "watchlist":
		return "watch"
	case "post":
		return "create"
	case "put":
		return "update"
	case "connect":
		switch method {
		case "get":
			return "get"
		case "post":
			return "create"
		case "put":
			return "update"
		case "patch":
			return "patch"
		case "delete":
			return "delete"
		}
	}
	return ""
}

// refName returns the schema a property refers to, directly or via allOf.
func refName(s *schema) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	for _, a := range s.AllOf {
		if n := refName(a); n != "" {
			return n
		}
	}
	return ""
}

// patchTypes returns the metadata of every schema reachable from a root that
// has a field with metadata, carries x-kubernetes-map-type itself, or leads
// to one that does.
func patchTypes(schemas map[string]*schema, roots map[string]string) map[string]map[string]field {
	all := map[string]map[string]field{}
	var visit func(n string)
	visit = func(n string) {
		if _, ok := all[n]; ok {
			return
		}
		s := schemas[n]
		if s == nil {
			return
		}
		fields := map[string]field{}
		all[n] = fields
		for name, p := range s.Properties {
			f := field{PatchStrategy: p.PatchStrategy, PatchMergeKey: p.PatchMergeKey, ListType: p.ListType, ListMapKeys: p.ListMapKeys, MapType: p.MapType}
			child := refName(p)
			// A struct the Go types hold by value has "default": {}.
			f.Value = child != "" && bytes.Equal(bytes.TrimSpace(p.Default), []byte("{}"))
			switch {
			case p.Type == "array":
				f.List, child = true, refName(p.Items)
				if len(p.ListMapKeys) > 0 || p.PatchMergeKey != "" {
					f.Item = child
				}
			case p.Type == "object" && len(p.AdditionalProperties) > 0:
				var ap schema
				if json.Unmarshal(p.AdditionalProperties, &ap) == nil {
					f.Map, child = true, refName(&ap)
				}
			}
			f.Type = child
			fields[name] = f
			if child != "" {
				visit(child)
			}
		}
	}
	for _, n := range roots {
		visit(n)
	}
	// Keep a type when it has a field with metadata or a kept child; iterate
	// to a fixed point (schemas may be recursive).
	hasMeta := func(f field) bool {
		return f.PatchStrategy != "" || f.PatchMergeKey != "" || f.ListType != "" || f.MapType != ""
	}
	keep := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for n, fs := range all {
			if keep[n] {
				continue
			}
			if s := schemas[n]; s != nil && s.MapType != "" {
				keep[n], changed = true, true
				continue
			}
			for _, f := range fs {
				if hasMeta(f) || keep[f.Type] {
					keep[n], changed = true, true
					break
				}
			}
		}
	}
	out := map[string]map[string]field{}
	for n := range keep {
		fs := map[string]field{}
		for name, f := range all[n] {
			if !keep[f.Type] {
				f.Type = ""
			}
			if hasMeta(f) || f.Type != "" || f.Value || f.Item != "" {
				fs[name] = f
			}
		}
		out[n] = fs
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func render(list []*resource, types map[string]map[string]field, typeMaps, roots map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/apischema/gen from the Kubernetes OpenAPI v3 spec. DO NOT EDIT.\n\npackage apischema\n\n")
	b.WriteString("var resources = []Resource{\n")
	for _, r := range list {
		fmt.Fprintf(&b, "{%q, %q, %q, %q, %q, %v, %s, ", r.Group, r.Version, r.Resource, strings.ToLower(r.Kind), r.Kind, r.Namespaced, strs(sortedKeys(r.Verbs)))
		if len(r.Subs) == 0 {
			b.WriteString("nil},\n")
			continue
		}
		b.WriteString("[]Subresource{")
		for _, n := range sortedKeys(r.Subs) {
			s := r.Subs[n]
			fmt.Fprintf(&b, "{%q, %q, %q, %q, %s}, ", n, s.Group, s.Version, s.Kind, strs(sortedKeys(s.Verbs)))
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n\nvar kindRoots = map[string]string{\n")
	for _, k := range sortedKeys(roots) {
		fmt.Fprintf(&b, "%q: %q,\n", k, roots[k])
	}
	b.WriteString("}\n\nvar types = map[string]*Type{\n")
	for _, n := range sortedKeys(types) {
		fmt.Fprintf(&b, "%q: {Name: %q, ", n, n)
		if m := typeMaps[n]; m != "" {
			fmt.Fprintf(&b, "MapType: %q, ", m)
		}
		b.WriteString("Fields: map[string]Field{\n")
		fs := types[n]
		for _, fn := range sortedKeys(fs) {
			f := fs[fn]
			fmt.Fprintf(&b, "%q: {", fn)
			var parts []string
			if f.Type != "" {
				parts = append(parts, fmt.Sprintf("Type: %q", f.Type))
			}
			if f.List {
				parts = append(parts, "List: true")
			}
			if f.Map {
				parts = append(parts, "Map: true")
			}
			if f.PatchStrategy != "" {
				parts = append(parts, fmt.Sprintf("PatchStrategy: %q", f.PatchStrategy))
			}
			if f.PatchMergeKey != "" {
				parts = append(parts, fmt.Sprintf("PatchMergeKey: %q", f.PatchMergeKey))
			}
			if f.ListType != "" {
				parts = append(parts, fmt.Sprintf("ListType: %q", f.ListType))
			}
			if len(f.ListMapKeys) > 0 {
				parts = append(parts, "ListMapKeys: "+strs(f.ListMapKeys))
			}
			if f.MapType != "" {
				parts = append(parts, fmt.Sprintf("MapType: %q", f.MapType))
			}
			if f.Value {
				parts = append(parts, "Value: true")
			}
			if f.Item != "" {
				parts = append(parts, fmt.Sprintf("Item: %q", f.Item))
			}
			b.WriteString(strings.Join(parts, ", "))
			b.WriteString("},\n")
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func strs(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}
