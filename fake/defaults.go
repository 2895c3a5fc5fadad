package fake

import (
	"encoding/json"

	"github.com/kubewire/kubewire/internal/apischema"
)

// defaultNested runs typeDefaults over every object of a built-in kind, in
// the order the real generated defaulters do: an object's own function,
// then its fields'.
func defaultNested(ri *resInfo, o obj) {
	sh := kindShape(ri)
	if sh == nil {
		return
	}
	defaultBuiltin(o, sh)
}

func defaultBuiltin(m map[string]any, sh *apischema.Shape) {
	if sh == nil {
		return
	}
	if fn := typeDefaults[sh.Name]; fn != nil {
		fn(m)
	}
	for k, f := range sh.Fields {
		if f.Type == "" {
			continue
		}
		switch v := m[k].(type) {
		case map[string]any:
			switch f.Kind {
			case apischema.KindObject:
				defaultBuiltin(v, apischema.ShapeNamed(f.Type))
			case apischema.KindMap:
				if f.Elem == apischema.KindObject {
					for _, cv := range v {
						if cm, ok := cv.(map[string]any); ok {
							defaultBuiltin(cm, apischema.ShapeNamed(f.Type))
						}
					}
				}
			}
		case []any:
			if f.Elem == apischema.KindObject {
				for _, it := range v {
					if cm, ok := it.(map[string]any); ok {
						defaultBuiltin(cm, apischema.ShapeNamed(f.Type))
					}
				}
			}
		}
	}
}

// setDefault sets m[k] to v when k is unset, null or "".
func setDefault(m map[string]any, k string, v any) {
	if x, ok := m[k]; !ok || x == nil || x == "" {
		m[k] = v
	}
}

// child returns the object at m[k], creating it when unset.
func child(m map[string]any, k string) map[string]any {
	c, ok := m[k].(map[string]any)
	if !ok {
		c = map[string]any{}
		m[k] = c
	}
	return c
}

// specDefaults fills in the spec's non-zero defaults ("default" in the
// OpenAPI schema: a port's protocol TCP) wherever the object holding the
// field is present, as the generated defaulters do.
func specDefaults(ri *resInfo, o obj) {
	if sh := kindShape(ri); sh != nil {
		specDefaultsIn(o, sh)
	}
}

func specDefaultsIn(m map[string]any, sh *apischema.Shape) {
	if sh == nil {
		return
	}
	for k, f := range sh.Fields {
		v, ok := m[k]
		if (!ok || v == nil) && f.Default != "" {
			var dv any
			if json.Unmarshal([]byte(f.Default), &dv) == nil {
				m[k] = normalizeNumbers(dv)
			}
			continue
		}
		if f.Type == "" {
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			if f.Kind == apischema.KindObject {
				specDefaultsIn(x, apischema.ShapeNamed(f.Type))
			} else if f.Kind == apischema.KindMap && f.Elem == apischema.KindObject {
				for _, cv := range x {
					if cm, ok := cv.(map[string]any); ok {
						specDefaultsIn(cm, apischema.ShapeNamed(f.Type))
					}
				}
			}
		case []any:
			if f.Elem == apischema.KindObject {
				for _, it := range x {
					if cm, ok := it.(map[string]any); ok {
						specDefaultsIn(cm, apischema.ShapeNamed(f.Type))
					}
				}
			}
		}
	}
}
