package fake

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

// crdSchema is one node of a custom resource's structural schema (a CRD
// version's openAPIV3Schema), compiled for pruning, defaulting and
// validation.
type crdSchema struct {
	Type, Format string
	Nullable     bool
	Properties   map[string]*crdSchema
	Additional   *crdSchema // additionalProperties as a schema
	Items        *crdSchema
	Required     []string
	Enum         []any

	Minimum, Maximum, MultipleOf                   *float64
	ExclusiveMinimum, ExclusiveMaximum             bool
	MinLength, MaxLength, MinItems, MaxItems       *int64
	MinProperties, MaxProperties                   *int64
	Pattern                                        *regexp.Regexp
	PatternText                                    string
	UniqueItems                                    bool
	Default                                        any
	HasDefault                                     bool
	PreserveUnknown, IntOrString, EmbeddedResource bool
	ListType                                       string
	ListMapKeys                                    []string
	AnyOf, AllOf, OneOf                            []*crdSchema
	Not                                            *crdSchema
	Rules                                          int  // x-kubernetes-validations rules on this node
	AnyRules                                       bool // this node or one below it has rules
}

// compileCRDSchema compiles an openAPIV3Schema; nil means none was given
// (everything is kept, nothing validated).
func compileCRDSchema(v any) *crdSchema {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	s := &crdSchema{}
	s.Type, _ = m["type"].(string)
	s.Format, _ = m["format"].(string)
	s.Nullable, _ = m["nullable"].(bool)
	if props, ok := m["properties"].(map[string]any); ok {
		s.Properties = map[string]*crdSchema{}
		for k, pv := range props {
			if c := compileCRDSchema(pv); c != nil {
				s.Properties[k] = c
			}
		}
	}
	switch ap := m["additionalProperties"].(type) {
	case map[string]any:
		s.Additional = compileCRDSchema(ap)
	case bool:
		if ap {
			s.Additional = &crdSchema{PreserveUnknown: true}
		}
	}
	s.Items = compileCRDSchema(m["items"])
	s.Required = stringList(m["required"])
	s.Enum, _ = m["enum"].([]any)
	s.Minimum, s.Maximum, s.MultipleOf = schemaFloat(m["minimum"]), schemaFloat(m["maximum"]), schemaFloat(m["multipleOf"])
	s.ExclusiveMinimum, _ = m["exclusiveMinimum"].(bool)
	s.ExclusiveMaximum, _ = m["exclusiveMaximum"].(bool)
	s.MinLength, s.MaxLength = schemaInt(m["minLength"]), schemaInt(m["maxLength"])
	s.MinItems, s.MaxItems = schemaInt(m["minItems"]), schemaInt(m["maxItems"])
	s.MinProperties, s.MaxProperties = schemaInt(m["minProperties"]), schemaInt(m["maxProperties"])
	if p, ok := m["pattern"].(string); ok {
		if re, err := regexp.Compile(p); err == nil {
			s.Pattern, s.PatternText = re, p
		}
	}
	s.UniqueItems, _ = m["uniqueItems"].(bool)
	s.Default, s.HasDefault = m["default"]
	s.PreserveUnknown, _ = m["x-kubernetes-preserve-unknown-fields"].(bool)
	s.IntOrString, _ = m["x-kubernetes-int-or-string"].(bool)
	s.EmbeddedResource, _ = m["x-kubernetes-embedded-resource"].(bool)
	s.ListType, _ = m["x-kubernetes-list-type"].(string)
	s.ListMapKeys = stringList(m["x-kubernetes-list-map-keys"])
	for _, k := range []struct {
		key string
		to  *[]*crdSchema
	}{{"anyOf", &s.AnyOf}, {"allOf", &s.AllOf}, {"oneOf", &s.OneOf}} {
		for _, sub := range asList(m[k.key]) {
			if c := compileCRDSchema(sub); c != nil {
				*k.to = append(*k.to, c)
			}
		}
	}
	s.Not = compileCRDSchema(m["not"])
	s.Rules = len(asList(m["x-kubernetes-validations"]))
	s.AnyRules = s.Rules > 0 || s.Additional != nil && s.Additional.AnyRules || s.Items != nil && s.Items.AnyRules
	for _, p := range s.Properties {
		s.AnyRules = s.AnyRules || p.AnyRules
	}
	return s
}

func schemaFloat(v any) *float64 {
	if f, ok := toFloat(v); ok {
		return &f
	}
	return nil
}

func schemaInt(v any) *int64 {
	if f, ok := toFloat(v); ok {
		n := int64(f)
		return &n
	}
	return nil
}

// toFloat reads a JSON number (json.Number, float64 or an integer type).
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}

// objectMetaFields are the fields of metav1.ObjectMeta: what an embedded
// resource's metadata keeps when pruned.
var objectMetaFields = map[string]bool{
	"name": true, "generateName": true, "namespace": true, "selfLink": true, "uid": true,
	"resourceVersion": true, "generation": true, "creationTimestamp": true, "deletionTimestamp": true,
	"deletionGracePeriodSeconds": true, "labels": true, "annotations": true, "ownerReferences": true,
	"finalizers": true, "managedFields": true,
}

// pruneCR removes from the custom resource o the fields its schema does
// not declare (unless x-kubernetes-preserve-unknown-fields), as
// apiextensions-apiserver does when decoding, and returns their paths
// ("spec.bogus"), sorted: the unknown fields fieldValidation reports. The
// root's apiVersion, kind and metadata are kept; metadata is checked by the
// generic write path.
func pruneCR(o map[string]any, s *crdSchema) []string {
	if s == nil {
		return nil
	}
	var unknown []string
	for k, v := range o {
		switch k {
		case "apiVersion", "kind", "metadata":
			continue
		}
		ps, ok := s.Properties[k]
		if !ok {
			if s.PreserveUnknown {
				continue
			}
			delete(o, k)
			unknown = append(unknown, k)
			continue
		}
		unknown = append(unknown, pruneCRValue(v, ps, k)...)
	}
	sort.Strings(unknown)
	return unknown
}

// pruneValue prunes v against s; path names v.
func pruneCRValue(v any, s *crdSchema, path string) []string {
	var unknown []string
	switch t := v.(type) {
	case map[string]any:
		if s.EmbeddedResource {
			for k, mv := range t {
				switch k {
				case "apiVersion", "kind":
					continue
				case "metadata":
					if md, ok := mv.(map[string]any); ok {
						for mk := range md {
							if !objectMetaFields[mk] {
								delete(md, mk)
								unknown = append(unknown, path+".metadata."+mk)
							}
						}
					}
					continue
				}
				if ps, ok := s.Properties[k]; ok {
					unknown = append(unknown, pruneCRValue(mv, ps, path+"."+k)...)
				} else if !s.PreserveUnknown {
					delete(t, k)
					unknown = append(unknown, path+"."+k)
				}
			}
			return unknown
		}
		if s.Additional != nil {
			for k, mv := range t {
				unknown = append(unknown, pruneCRValue(mv, s.Additional, path+"."+k)...)
			}
			return unknown
		}
		if s.Properties == nil && (s.PreserveUnknown || s.Type != "object") {
			return nil
		}
		for k, mv := range t {
			ps, ok := s.Properties[k]
			if !ok {
				if !s.PreserveUnknown {
					delete(t, k)
					unknown = append(unknown, path+"."+k)
				}
				continue
			}
			unknown = append(unknown, pruneCRValue(mv, ps, path+"."+k)...)
		}
	case []any:
		if s.Items == nil {
			return nil
		}
		for i, item := range t {
			unknown = append(unknown, pruneCRValue(item, s.Items, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return unknown
}

// defaultCR applies the schema's defaults to o, top down (a defaulted
// object gets its own fields' defaults), and drops nulls of fields that
// are not nullable and have no default, as apiextensions-apiserver does
// before validation.
func defaultCR(o map[string]any, s *crdSchema) {
	if s == nil {
		return
	}
	defaultObject(o, s, true)
}

func defaultObject(m map[string]any, s *crdSchema, root bool) {
	for k, ps := range s.Properties {
		if root && (k == "apiVersion" || k == "kind" || k == "metadata") {
			continue
		}
		v, ok := m[k]
		switch {
		case ok && v == nil && !ps.Nullable:
			if ps.HasDefault {
				m[k] = copyValue(ps.Default)
			} else {
				delete(m, k)
				continue
			}
		case !ok && ps.HasDefault:
			m[k] = copyValue(ps.Default)
		case !ok:
			continue
		}
		defaultValue(m[k], ps)
	}
	if s.Additional != nil {
		for k, v := range m {
			if _, declared := s.Properties[k]; declared {
				continue
			}
			if v == nil && !s.Additional.Nullable {
				delete(m, k)
				continue
			}
			defaultValue(v, s.Additional)
		}
	}
}

func defaultValue(v any, s *crdSchema) {
	switch t := v.(type) {
	case map[string]any:
		defaultObject(t, s, false)
	case []any:
		if s.Items == nil {
			return
		}
		for i, item := range t {
			if item == nil && s.Items.HasDefault {
				t[i] = copyValue(s.Items.Default)
			}
			defaultValue(t[i], s.Items)
		}
	}
}

// copyValue deep-copies a JSON value.
func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = copyValue(x)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, x := range t {
			l[i] = copyValue(x)
		}
		return l
	case float64:
		return json.Number(formatNumber(t))
	}
	return v
}

// formatNumber spells a float64 default as JSON would.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%d", int64(f))
	}
	b, _ := json.Marshal(f)
	return string(b)
}

// crdStrategy holds a CustomResourceDefinition's defaults as apiextensions
// v1 sets them: the singular and list kind names from the kind, and the
// None conversion strategy.
var crdStrategy = &strategy{defaults: func(o obj) {
	spec, _ := o["spec"].(map[string]any)
	if spec == nil {
		return
	}
	if names, ok := spec["names"].(map[string]any); ok {
		kind, _ := names["kind"].(string)
		if s, _ := names["singular"].(string); s == "" {
			names["singular"] = strings.ToLower(kind)
		}
		if l, _ := names["listKind"].(string); l == "" && kind != "" {
			names["listKind"] = kind + "List"
		}
	}
	if spec["conversion"] == nil {
		spec["conversion"] = obj{"strategy": "None"}
	}
}}
