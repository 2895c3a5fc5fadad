package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"strings"
)

// fact is how k8s.io/api holds one scalar field (internal/gen/apifacts.txt):
// by pointer or by value, with omitempty or always written.
type fact struct {
	pointer, omitempty bool
	// order is a schema's JSON field names in its Go type's order.
	order []string
}

// readFacts reads internal/gen/apifacts.txt: "SCHEMA.FIELD pointer|value
// omitempty|always" per scalar field and "SCHEMA order FIELD..." per
// schema.
func readFacts(path string) (map[string]fact, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]fact{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) < 2 || strings.HasPrefix(parts[0], "#") {
			continue
		}
		if parts[1] == "order" {
			out[parts[0]] = fact{order: parts[2:]}
			continue
		}
		if len(parts) == 3 {
			out[parts[0]] = fact{pointer: parts[1] == "pointer", omitempty: parts[2] == "omitempty"}
		}
	}
	return out, sc.Err()
}

// fieldOrder is the order the server writes the fields of schema n in:
// its Go type's field order as facts record it, then any field the facts
// do not name, by name.
func fieldOrder(n string, fields map[string]shapeField, facts map[string]fact) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range facts[n].order {
		if _, ok := fields[name]; ok && !seen[name] {
			out = append(out, name)
			seen[name] = true
		}
	}
	for _, name := range sortedKeys(fields) {
		if !seen[name] {
			out = append(out, name)
		}
	}
	return out
}

// shapeField is one property of an object schema as the fake needs it to
// prune, default and check fields.
type shapeField struct {
	Kind, Elem, Type, Default string
	OmitZero, Always, Struct  bool
	Null                      bool
}

// special are schemas that are one JSON value rather than an object.
var special = map[string]string{
	"io.k8s.apimachinery.pkg.api.resource.Quantity":                                         "quantity",
	"io.k8s.apimachinery.pkg.util.intstr.IntOrString":                                       "int-or-string",
	"io.k8s.apimachinery.pkg.apis.meta.v1.Time":                                             "string",
	"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime":                                        "string",
	"io.k8s.apimachinery.pkg.runtime.RawExtension":                                          "any",
	"io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1":                                         "any",
	"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON":                         "any",
	"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps":              "any",
	"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray":       "any",
	"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool":        "any",
	"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "any",
}

// valueKind is the kind of a schema's value: a scalar type, "object" for a
// schema with properties, "any", or one of special.
func valueKind(schemas map[string]*schema, s *schema) (kind, typ string) {
	if s == nil {
		return "any", ""
	}
	if n := refName(s); n != "" {
		if k, ok := special[n]; ok {
			return k, ""
		}
		t := schemas[n]
		if t == nil || len(t.Properties) == 0 {
			if t != nil && t.Type != "" && t.Type != "object" {
				return t.Type, ""
			}
			return "any", ""
		}
		return "object", n
	}
	switch s.Type {
	case "string":
		if s.Format == "byte" {
			return "bytes", ""
		}
		return "string", ""
	case "integer", "number", "boolean":
		return s.Type, ""
	case "array":
		return "array", ""
	case "object":
		if len(s.AdditionalProperties) > 0 {
			return "map", ""
		}
		if len(s.Properties) > 0 {
			return "object", ""
		}
	}
	return "any", ""
}

// shapes computes the fields of every object schema reachable from a kind.
func shapes(schemas map[string]*schema, byGVK map[gvk]string, facts map[string]fact) (map[string]map[string]shapeField, map[string]string) {
	out := map[string]map[string]shapeField{}
	var visit func(n string)
	visit = func(n string) {
		if _, ok := out[n]; ok {
			return
		}
		s := schemas[n]
		if s == nil || special[n] != "" {
			return
		}
		fields := map[string]shapeField{}
		out[n] = fields
		for name, p := range s.Properties {
			var f shapeField
			f.Kind, f.Type = valueKind(schemas, p)
			switch f.Kind {
			case "array":
				f.Elem, f.Type = valueKind(schemas, p.Items)
			case "map":
				var ap schema
				if json.Unmarshal(p.AdditionalProperties, &ap) == nil {
					f.Elem, f.Type = valueKind(schemas, &ap)
				}
			}
			ft, hasFact := facts[n+"."+name]
			if d := bytes.TrimSpace(p.Default); len(d) > 0 {
				f.Struct = f.Kind == "object" && string(d) == "{}"
				zero := false
				switch string(d) {
				case `""`, "0", "false":
					// A pointer's zero default is a real one (a gRPC
					// probe's service ""); a value's is its Go zero.
					zero = !hasFact || !ft.pointer
				case "{}", "[]", "null":
					zero = true
				}
				if !zero {
					var v any
					if json.Unmarshal(d, &v) == nil {
						c, _ := json.Marshal(v)
						f.Default = string(c)
					}
				}
			}
			if hasFact {
				f.OmitZero = !ft.pointer && ft.omitempty
				f.Always = !ft.pointer && !ft.omitempty
				f.Null = ft.pointer && !ft.omitempty
			}
			fields[name] = f
			if f.Type != "" {
				visit(f.Type)
			}
		}
	}
	roots := map[string]string{}
	for g, n := range byGVK {
		roots[g.Group+"/"+g.Version+"/"+g.Kind] = n
		visit(n)
	}
	return out, roots
}

// renderShapes appends the shape tables to the generated source.
func renderShapes(src []byte, all map[string]map[string]shapeField, roots map[string]string, facts map[string]fact) ([]byte, error) {
	var b bytes.Buffer
	b.Write(src)
	b.WriteString("\nvar shapeRoots = map[string]string{\n")
	for _, k := range sortedKeys(roots) {
		fmt.Fprintf(&b, "%q: %q,\n", k, roots[k])
	}
	b.WriteString("}\n\nvar shapes = map[string]Shape{\n")
	for _, n := range sortedKeys(all) {
		fs := all[n]
		fmt.Fprintf(&b, "%q: {Name: %q, Order: %#v, Fields: map[string]ShapeField{\n", n, n, fieldOrder(n, fs, facts))
		for _, fn := range sortedKeys(fs) {
			f := fs[fn]
			parts := []string{"Kind: " + kindConst(f.Kind)}
			if f.Elem != "" {
				parts = append(parts, "Elem: "+kindConst(f.Elem))
			}
			if f.Type != "" {
				parts = append(parts, fmt.Sprintf("Type: %q", f.Type))
			}
			if f.Default != "" {
				parts = append(parts, fmt.Sprintf("Default: %q", f.Default))
			}
			if f.OmitZero {
				parts = append(parts, "OmitZero: true")
			}
			if f.Always {
				parts = append(parts, "Always: true")
			}
			if f.Struct {
				parts = append(parts, "Struct: true")
			}
			if f.Null {
				parts = append(parts, "Null: true")
			}
			fmt.Fprintf(&b, "%q: {%s},\n", fn, strings.Join(parts, ", "))
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func kindConst(k string) string {
	switch k {
	case "string":
		return "KindString"
	case "integer":
		return "KindInteger"
	case "number":
		return "KindNumber"
	case "boolean":
		return "KindBoolean"
	case "object":
		return "KindObject"
	case "array":
		return "KindArray"
	case "map":
		return "KindMap"
	case "bytes":
		return "KindBytes"
	case "quantity":
		return "KindQuantity"
	case "int-or-string":
		return "KindIntOrString"
	}
	return "KindAny"
}
