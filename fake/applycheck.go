package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/internal/apischema"
)

// Server-side apply of a built-in kind first converts the applied
// configuration to the kind's schema (structured-merge-diff's typed
// value), and only then merges it and decodes the result into the Go
// types. The conversion fails on a field the schema does not declare and
// on a scalar of the wrong type, whatever fieldValidation says; the
// decoding fails on a bad quantity or base64 string. Both answer 500 with
// no reason, in the real server's words.

// applySchemaError is the error of converting cfg, an applied
// configuration of a built-in kind, to its schema; nil when it converts.
// keepUnknown (WithUnknownFields) plays a newer server, whose schema
// declares the fields the 1.37 types lack.
func applySchemaError(rq *request, cfg obj, keepUnknown bool) error {
	if rq.ri.CRD != "" {
		return nil
	}
	sh := kindShape(rq.ri)
	if sh == nil {
		return nil
	}
	c := &applyChecker{keepUnknown: keepUnknown}
	c.object(cfg, sh, rootType(rq.ri), "")
	if len(c.errs) == 0 {
		return nil
	}
	msg := c.errs[0]
	if len(c.errs) > 1 {
		msg = "errors:\n  " + strings.Join(c.errs, "\n  ")
	}
	return newStatus(http.StatusInternalServerError, "", fmt.Sprintf("failed to create typed patch object (%s): %s", applyObjectName(rq), msg), nil)
}

// applyConvertError is the error of decoding the applied object into the
// kind's Go types.
func applyConvertError(rq *request, err error) error {
	detail := err.Error()
	if strings.Contains(detail, "illegal base64") {
		detail = "error decoding from json: " + detail
	}
	gvk := fmt.Sprintf("%s/%s, Kind=%s", rq.ri.Group, rq.ri.Version, rq.ri.Kind)
	name := fmt.Sprintf("%s/%s; %s", rq.ns, rq.name, gvk)
	return newStatus(http.StatusInternalServerError, "", fmt.Sprintf("failed to convert new object (%s) to proper version: unable to convert unstructured object to %s: %s", name, gvk, detail), nil)
}

// applyObjectName is "NS/NAME; GROUP/VERSION, Kind=KIND" as the real
// errors name the object.
func applyObjectName(rq *request) string {
	return fmt.Sprintf("%s/%s; %s/%s, Kind=%s", rq.ns, rq.name, rq.ri.Group, rq.ri.Version, rq.ri.Kind)
}

type applyChecker struct {
	keepUnknown bool
	errs        []string
}

func (c *applyChecker) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

// object checks the fields of m, an object of shape sh (t its list
// metadata, nil when it has none), in key order.
func (c *applyChecker) object(m map[string]any, sh *apischema.Shape, t *apischema.Type, path string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := sh.Field(k)
		if !ok {
			if c.keepUnknown {
				continue
			}
			// The real conversion stops at an object's first
			// unknown field; it walks the object in Go's random
			// map order, so which one it names varies when there
			// are several (the fake names the first in order).
			c.errorf(path+"."+k, "field not declared in schema")
			return
		}
		var pf apischema.Field
		if t != nil {
			pf, _ = t.Field(k)
		}
		c.value(m[k], f.Kind, f.Elem, f.Type, pf, path+"."+k)
	}
}

// value checks v, of kind kind (elem the kind of a list's items or a map's
// values, typ the object schema of the value or of its items).
func (c *applyChecker) value(v any, kind, elem apischema.Kind, typ string, pf apischema.Field, path string) {
	if v == nil {
		return
	}
	switch kind {
	case apischema.KindInteger, apischema.KindNumber:
		switch v.(type) {
		case string:
			c.errorf(path, "expected numeric (int or float), got string")
		case bool:
			c.errorf(path, "expected numeric (int or float), got bool")
		}
	case apischema.KindObject:
		if m, ok := v.(map[string]any); ok {
			if sh := apischema.ShapeNamed(typ); sh != nil {
				c.object(m, sh, apischema.TypeNamed(typ), path)
			}
		}
	case apischema.KindMap:
		if m, ok := v.(map[string]any); ok && (elem == apischema.KindObject || elem == apischema.KindInteger || elem == apischema.KindNumber) {
			for k, cv := range m {
				c.value(cv, elem, 0, typ, apischema.Field{}, path+"."+k)
			}
		}
	case apischema.KindArray:
		list, ok := v.([]any)
		if !ok {
			return
		}
		for i, it := range list {
			c.value(it, elem, 0, typ, apischema.Field{}, path+applyItemPath(it, i, pf))
		}
	}
}

// applyItemPath is how structured-merge-diff names item i of a list: by
// its map keys ([name="c"]), its value for a set ([="a"]), else by index.
func applyItemPath(it any, i int, f apischema.Field) string {
	keys := f.ListMapKeys
	if len(keys) == 0 && f.PatchMergeKey != "" && f.HasStrategy("merge") {
		keys = []string{f.PatchMergeKey}
	}
	switch {
	case f.ListType == "map" || len(keys) > 0 && f.ListType != "atomic":
		m, ok := it.(map[string]any)
		if !ok {
			break
		}
		ks := append([]string(nil), keys...)
		sort.Strings(ks)
		var parts []string
		for _, k := range ks {
			v, ok := m[k]
			if !ok {
				sf, _ := apischema.ShapeNamed(f.Item).Field(k)
				if sf.Default == "" {
					continue
				}
				var dv any
				if json.Unmarshal([]byte(sf.Default), &dv) != nil {
					continue
				}
				v = dv
			}
			b, _ := json.Marshal(v)
			parts = append(parts, k+"="+string(b))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case f.ListType == "set" || f.HasStrategy("merge") && f.ListType != "atomic":
		b, _ := json.Marshal(it)
		return "[=" + string(b) + "]"
	}
	return fmt.Sprintf("[%d]", i)
}
