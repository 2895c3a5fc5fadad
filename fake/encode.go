package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/internal/apischema"
)

// JSON answers are written as the real server's serializer writes them:
// an object of a built-in kind has its members in its Go type's field
// order (apischema's shapes record it: kind, apiVersion, metadata, spec,
// ...), anything the types do not describe (custom resources, maps) has
// them sorted as encoding/json sorts a map's keys, and the body ends with
// a newline; pretty-printed (two-space indent, no final newline) when the
// request asks with ?pretty=true or comes from curl, Wget or a browser.

// encodeJSON returns v's JSON as the real server writes it, compact.
func encodeJSON(v any) ([]byte, error) {
	m, ok := v.(map[string]any)
	if !ok {
		// A Go value (a Status): its members in the order of the Go type
		// that the spec's shape of its kind records, as for a map.
		b, err := json.Marshal(v)
		if err != nil || len(b) == 0 || b[0] != '{' {
			return b, err
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			return nil, err
		}
	}
	var e orderedEncoder
	if err := e.object(m, rootShape(m)); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

// encodeEvent returns a watch event's line as the real server writes it:
// type, then the object, then a newline (never indented).
func encodeEvent(ev map[string]any) ([]byte, error) {
	typ, err := json.Marshal(ev["type"])
	if err != nil {
		return nil, err
	}
	o, err := encodeJSON(ev["object"])
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(typ)+len(o)+22)
	b = append(b, `{"type":`...)
	b = append(b, typ...)
	b = append(b, `,"object":`...)
	b = append(b, o...)
	return append(b, '}', '\n'), nil
}

// writeBody writes a JSON answer, pretty when the request asked for it.
func writeBody(w http.ResponseWriter, b []byte) {
	if sw, ok := w.(*statusWriter); ok && sw.pretty {
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") == nil {
			w.Write(out.Bytes())
			return
		}
	}
	w.Write(append(b, '\n'))
}

// wantsPretty reports whether the real server would indent its answer to
// r: the pretty parameter when it is set, else a user agent of curl, Wget
// or a browser.
func wantsPretty(r *http.Request) bool {
	if strings.Contains(r.URL.RawQuery, "pretty") {
		if p := r.URL.Query().Get("pretty"); p != "" {
			b, _ := strconv.ParseBool(p)
			return b
		}
	}
	ua := r.UserAgent()
	return strings.HasPrefix(ua, "curl") || strings.HasPrefix(ua, "Wget") || strings.HasPrefix(ua, "Mozilla/5.0")
}

// rootShape is the shape of an object by its apiVersion and kind (core v1
// when it has no apiVersion, as /api's APIVersions), or nil.
func rootShape(m map[string]any) *apischema.Shape {
	kind, _ := m["kind"].(string)
	if kind == "" {
		return nil
	}
	av, _ := m["apiVersion"].(string)
	if sh := metaShapes[av+"/"+kind]; sh != nil {
		return sh
	}
	if av == "" {
		av = "v1"
	}
	group, version, ok := strings.Cut(av, "/")
	if !ok {
		group, version = "", av
	}
	return apischema.KindShape(group, version, kind)
}

// shapeNamed is apischema.ShapeNamed extended with metaShapes' types.
func shapeNamed(name string) *apischema.Shape {
	if sh := metaTypes[name]; sh != nil {
		return sh
	}
	return apischema.ShapeNamed(name)
}

type orderedEncoder struct {
	buf bytes.Buffer
}

// object writes m with sh's members first in sh's order, then the rest
// sorted; without a shape, all sorted.
func (e *orderedEncoder) object(m map[string]any, sh *apischema.Shape) error {
	e.buf.WriteByte('{')
	n := 0
	member := func(k string, v any, f apischema.ShapeField, known bool) error {
		if n > 0 {
			e.buf.WriteByte(',')
		}
		n++
		if err := e.scalar(k); err != nil {
			return err
		}
		e.buf.WriteByte(':')
		if !known {
			return e.scalar(v)
		}
		if t := anyTypes[sh.Name+"."+k]; t != "" {
			return e.value(v, shapeNamed(t))
		}
		return e.field(v, f)
	}
	var done map[string]bool
	if sh != nil {
		done = make(map[string]bool, len(sh.Order))
		for _, k := range sh.Order {
			v, ok := m[k]
			if !ok {
				continue
			}
			done[k] = true
			if err := member(k, v, sh.Fields[k], true); err != nil {
				return err
			}
		}
	}
	if len(done) < len(m) {
		rest := make([]string, 0, len(m)-len(done))
		for k := range m {
			if !done[k] {
				rest = append(rest, k)
			}
		}
		sort.Strings(rest)
		for _, k := range rest {
			if err := member(k, m[k], apischema.ShapeField{}, false); err != nil {
				return err
			}
		}
	}
	e.buf.WriteByte('}')
	return nil
}

// field writes a member's value by its shape. A value of any shape (a raw
// extension) that is an object naming a built-in kind takes its kind's
// shape, as the real server encodes the object it holds.
func (e *orderedEncoder) field(v any, f apischema.ShapeField) error {
	switch f.Kind {
	case apischema.KindObject:
		return e.value(v, shapeNamed(f.Type))
	case apischema.KindArray:
		if f.Elem == apischema.KindObject {
			return e.value(v, shapeNamed(f.Type))
		}
	case apischema.KindMap:
		if m, ok := v.(map[string]any); ok && f.Elem == apischema.KindObject {
			return e.mapOf(m, shapeNamed(f.Type))
		}
	case apischema.KindAny:
		if m, ok := v.(map[string]any); ok {
			return e.object(m, rootShape(m))
		}
	}
	return e.value(v, nil)
}

// value writes v, an object of shape sh or a list of such objects; with
// a nil shape, as encoding/json writes it (members sorted).
func (e *orderedEncoder) value(v any, sh *apischema.Shape) error {
	if sh == nil {
		return e.scalar(v)
	}
	switch x := v.(type) {
	case map[string]any:
		return e.object(x, sh)
	case []any:
		e.buf.WriteByte('[')
		for i, it := range x {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			if err := e.value(it, sh); err != nil {
				return err
			}
		}
		e.buf.WriteByte(']')
		return nil
	}
	return e.scalar(v)
}

// mapOf writes a map whose values are objects of shape sh, keys sorted.
func (e *orderedEncoder) mapOf(m map[string]any, sh *apischema.Shape) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		if err := e.scalar(k); err != nil {
			return err
		}
		e.buf.WriteByte(':')
		if err := e.value(m[k], sh); err != nil {
			return err
		}
	}
	e.buf.WriteByte('}')
	return nil
}

func (e *orderedEncoder) scalar(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.buf.Write(b)
	return nil
}

// The kinds the fake answers that the OpenAPI spec does not describe, as
// shapes: the order of their Go types' fields (k8s.io/apimachinery's
// meta/v1 and k8s.io/api's apidiscovery/v2; TestMetaShapesOrder checks it
// against internal/gen/apifacts.txt) and the types of the fields holding
// objects.
const (
	metaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1."
	discV2 = "io.k8s.api.apidiscovery.v2."
	extV1  = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
)

func metaShape(name string, order []string, objects map[string]string) *apischema.Shape {
	sh := &apischema.Shape{Name: name, Order: order, Fields: map[string]apischema.ShapeField{}}
	for _, k := range order {
		sh.Fields[k] = apischema.ShapeField{Kind: apischema.KindAny}
	}
	for k, t := range objects {
		// An object or a list of them: the encoder writes either.
		sh.Fields[k] = apischema.ShapeField{Kind: apischema.KindArray, Elem: apischema.KindObject, Type: t}
	}
	return sh
}

var metaTypes = map[string]*apischema.Shape{
	metaV1 + "PartialObjectMetadata": metaShape(metaV1+"PartialObjectMetadata",
		[]string{"kind", "apiVersion", "metadata"}, map[string]string{"metadata": metaV1 + "ObjectMeta"}),
	metaV1 + "PartialObjectMetadataList": metaShape(metaV1+"PartialObjectMetadataList",
		[]string{"kind", "apiVersion", "metadata", "items"},
		map[string]string{"metadata": metaV1 + "ListMeta", "items": metaV1 + "PartialObjectMetadata"}),
	metaV1 + "Table": metaShape(metaV1+"Table", []string{"kind", "apiVersion", "metadata", "columnDefinitions", "rows"},
		map[string]string{"metadata": metaV1 + "ListMeta", "columnDefinitions": metaV1 + "TableColumnDefinition", "rows": metaV1 + "TableRow"}),
	metaV1 + "TableColumnDefinition": metaShape(metaV1+"TableColumnDefinition",
		[]string{"name", "type", "format", "description", "priority"}, nil),
	metaV1 + "TableRow": metaShape(metaV1+"TableRow", []string{"cells", "conditions", "object"},
		map[string]string{"conditions": metaV1 + "TableRowCondition"}),
	metaV1 + "TableRowCondition": metaShape(metaV1+"TableRowCondition", []string{"type", "status", "reason", "message"}, nil),
	discV2 + "APIGroupDiscoveryList": metaShape(discV2+"APIGroupDiscoveryList", []string{"kind", "apiVersion", "metadata", "items"},
		map[string]string{"metadata": metaV1 + "ListMeta", "items": discV2 + "APIGroupDiscovery"}),
	discV2 + "APIGroupDiscovery": metaShape(discV2+"APIGroupDiscovery", []string{"kind", "apiVersion", "metadata", "versions"},
		map[string]string{"metadata": metaV1 + "ObjectMeta", "versions": discV2 + "APIVersionDiscovery"}),
	discV2 + "APIVersionDiscovery": metaShape(discV2+"APIVersionDiscovery", []string{"version", "resources", "freshness"},
		map[string]string{"resources": discV2 + "APIResourceDiscovery"}),
	discV2 + "APIResourceDiscovery": metaShape(discV2+"APIResourceDiscovery",
		[]string{"resource", "responseKind", "scope", "singularResource", "verbs", "shortNames", "categories", "subresources"},
		map[string]string{"responseKind": metaV1 + "GroupVersionKind", "subresources": discV2 + "APISubresourceDiscovery"}),
	discV2 + "APISubresourceDiscovery": metaShape(discV2+"APISubresourceDiscovery",
		[]string{"subresource", "responseKind", "acceptedTypes", "verbs"},
		map[string]string{"responseKind": metaV1 + "GroupVersionKind", "acceptedTypes": metaV1 + "GroupVersionKind"}),
	metaV1 + "GroupVersionKind":     metaShape(metaV1+"GroupVersionKind", []string{"group", "version", "kind"}, nil),
	extV1 + "JSONSchemaProps":       schemaPropsShape(),
	extV1 + "ExternalDocumentation": metaShape(extV1+"ExternalDocumentation", []string{"description", "url"}, nil),
	extV1 + "ValidationRule": metaShape(extV1+"ValidationRule",
		[]string{"rule", "message", "messageExpression", "reason", "fieldPath", "optionalOldSelf"}, nil),
}

// anyTypes names the type of the fields the spec's shapes hold as any
// JSON value that the real server holds in a Go type: a CRD's schema.
var anyTypes = map[string]string{
	extV1 + "CustomResourceValidation.openAPIV3Schema": extV1 + "JSONSchemaProps",
}

// schemaPropsShape is the shape of a CRD's JSONSchemaProps: its Go order,
// and the fields holding schemas (a schema or a list of them: items,
// allOf, not, additionalProperties, ...; maps of them: properties,
// patternProperties, definitions, dependencies).
func schemaPropsShape() *apischema.Shape {
	n := extV1 + "JSONSchemaProps"
	sh := metaShape(n, []string{"id", "$schema", "$ref", "description", "type", "format", "title", "default",
		"maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
		"maxItems", "minItems", "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties", "required",
		"items", "allOf", "oneOf", "anyOf", "not", "properties", "additionalProperties", "patternProperties",
		"dependencies", "additionalItems", "definitions", "externalDocs", "example", "nullable",
		"x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
		"x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations"},
		map[string]string{"items": n, "allOf": n, "oneOf": n, "anyOf": n, "not": n, "additionalProperties": n,
			"additionalItems": n, "externalDocs": extV1 + "ExternalDocumentation",
			"x-kubernetes-validations": extV1 + "ValidationRule"})
	for _, k := range []string{"properties", "patternProperties", "definitions", "dependencies"} {
		sh.Fields[k] = apischema.ShapeField{Kind: apischema.KindMap, Elem: apischema.KindObject, Type: n}
	}
	return sh
}

// metaShapes are metaTypes' kinds by "apiVersion/kind".
var metaShapes = map[string]*apischema.Shape{
	"meta.k8s.io/v1/PartialObjectMetadata":              metaTypes[metaV1+"PartialObjectMetadata"],
	"meta.k8s.io/v1/PartialObjectMetadataList":          metaTypes[metaV1+"PartialObjectMetadataList"],
	"meta.k8s.io/v1/Table":                              metaTypes[metaV1+"Table"],
	"apidiscovery.k8s.io/v2/APIGroupDiscoveryList":      metaTypes[discV2+"APIGroupDiscoveryList"],
	"apidiscovery.k8s.io/v2beta1/APIGroupDiscoveryList": metaTypes[discV2+"APIGroupDiscoveryList"],
}
