package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apischema"
)

// kindShape is the shape of a built-in kind's root schema; nil for custom
// resources and kinds the spec does not describe.
func kindShape(ri *resInfo) *apischema.Shape {
	if ri.CRD != "" {
		return nil
	}
	return apischema.KindShape(ri.Group, ri.Version, ri.Kind)
}

// typedDecode does to a built-in object what the real server's decoding into
// its Go types does: fields the types lack are dropped (and their paths
// returned, as the strict decoder names them: "spec.foo",
// "spec.containers[0].bar"), bytes fields must be base64 and quantities
// must parse (the error is the decoder's message). Custom resources pass
// unchanged; WithUnknownFields keeps what the types lack.
func (s *Server) typedDecode(ri *resInfo, o obj) (unknown []string, err error) {
	if ri.CRD != "" {
		// A custom resource is pruned to its schema and defaulted from
		// it, as apiextensions-apiserver decodes it.
		unknown = pruneCR(o, ri.Schema)
		defaultCR(o, ri.Schema)
		return unknown, nil
	}
	sh := kindShape(ri)
	if sh == nil {
		return nil, nil
	}
	d := &decoder{keep: s.opts.keepUnknown}
	d.object(o, sh, "")
	sort.Strings(d.unknown)
	return d.unknown, d.err
}

type decoder struct {
	keep    bool // WithUnknownFields: keep and do not report them
	unknown []string
	err     error
}

func joinPath(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

func (d *decoder) object(m map[string]any, sh *apischema.Shape, path string) {
	for k, v := range m {
		f, ok := sh.Field(k)
		if !ok {
			if !d.keep {
				d.unknown = append(d.unknown, joinPath(path, k))
				delete(m, k)
			}
			continue
		}
		d.value(v, f.Kind, f.Elem, f.Type, joinPath(path, k))
	}
}

func (d *decoder) value(v any, kind, elem apischema.Kind, typ, path string) {
	if v == nil {
		return
	}
	switch kind {
	case apischema.KindObject:
		if m, ok := v.(map[string]any); ok {
			d.object(m, apischema.ShapeNamed(typ), path)
		}
	case apischema.KindArray:
		if l, ok := v.([]any); ok {
			for i, x := range l {
				d.value(x, elem, 0, typ, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	case apischema.KindMap:
		if m, ok := v.(map[string]any); ok {
			for _, k := range sortedKeys(m) {
				d.value(m[k], elem, 0, typ, path+"."+k)
			}
		}
	case apischema.KindBytes:
		if s, ok := v.(string); ok && d.err == nil {
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				d.err = err
			}
		}
	case apischema.KindQuantity:
		if d.err == nil {
			if _, err := parseQuantityValue(v); err != nil {
				d.err = err
			}
		}
	}
}

// errQuantitySyntax is the decoder's message for a quantity that does not
// parse.
const errQuantitySyntax = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

type quantityError struct{}

func (quantityError) Error() string { return errQuantitySyntax }

// parseQuantityValue reads a quantity given as a JSON string or number.
func parseQuantityValue(v any) (metav1.Quantity, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return metav1.Quantity{}, quantityError{}
	}
	q, err := metav1.ParseQuantity(strings.TrimSpace(s))
	if err != nil {
		return q, quantityError{}
	}
	return q, nil
}

// canonicalQuantity is the text the real server stores for q: the value in
// its format's canonical form ("1.5" -> "1500m", "1.5Gi" -> "1536Mi",
// "1000" -> "1k"). Values finer than a milli-unit or beyond int64 keep
// their text.
func canonicalQuantity(q metav1.Quantity) string {
	mv := q.MilliValue()
	format := q.Format()
	if c := metav1.NewMilliQuantity(mv, format); c.Cmp(q) == 0 {
		if mv%1000 == 0 {
			return metav1.NewQuantity(mv/1000, format).String()
		}
		if format == metav1.BinarySI {
			// A fraction of a binary unit is written in decimal.
			return metav1.NewMilliQuantity(mv, metav1.DecimalSI).String()
		}
		return c.String()
	}
	return q.String()
}

// typedEncode does to a built-in object what the real server's encoding of
// its Go types does: quantities in canonical form, nulls dropped, the zero
// value of a scalar the types hold with omitempty dropped (hostNetwork:
// false), empty lists and maps dropped (ingress: []), scalars written
// always given their zero value, and the spec's non-zero defaults filled
// into objects present (a port's protocol).
func typedEncode(ri *resInfo, o obj) {
	sh := kindShape(ri)
	if sh == nil {
		return
	}
	encodeObject(o, sh, true)
}

func encodeObject(m map[string]any, sh *apischema.Shape, root bool) {
	if sh == nil {
		return
	}
	for k, f := range sh.Fields {
		v, ok := m[k]
		if !ok || v == nil {
			delete(m, k)
			switch {
			case f.Default != "":
				var dv any
				if err := json.Unmarshal([]byte(f.Default), &dv); err == nil {
					m[k] = normalizeNumbers(dv)
				}
			case f.Struct:
				sub := map[string]any{}
				encodeObject(sub, apischema.ShapeNamed(f.Type), false)
				m[k] = sub
			case f.Always && !root:
				m[k] = zeroOf(f.Kind)
			case f.Null && !root:
				m[k] = nil
			}
			continue
		}
		if encodeValue(&v, f.Kind, f.Elem, f.Type, f.OmitZero) && !(f.Null && v == nil) {
			delete(m, k)
			continue
		}
		m[k] = v
	}
}

func zeroOf(k apischema.Kind) any {
	switch k {
	case apischema.KindString:
		return ""
	case apischema.KindBoolean:
		return false
	}
	return json.Number("0")
}

// encodeValue rewrites *v and reports whether the field holding it is
// dropped.
func encodeValue(v *any, kind, elem apischema.Kind, typ string, omitZero bool) bool {
	switch x := (*v).(type) {
	case nil:
		return true
	case map[string]any:
		switch kind {
		case apischema.KindObject:
			encodeObject(x, apischema.ShapeNamed(typ), false)
		case apischema.KindMap:
			for k, cv := range x {
				if cv == nil && elem != apischema.KindAny {
					continue // a null map value stays, as Go keeps it
				}
				if elem == apischema.KindQuantity || elem == apischema.KindObject || elem == apischema.KindArray {
					encodeValue(&cv, elem, 0, typ, false)
					x[k] = cv
				}
			}
			return len(x) == 0
		}
	case []any:
		if kind == apischema.KindArray {
			for i := range x {
				encodeValue(&x[i], elem, 0, typ, false)
			}
			return len(x) == 0
		}
	case string:
		if kind == apischema.KindQuantity {
			if q, err := parseQuantityValue(x); err == nil {
				*v = canonicalQuantity(q)
			}
			return false
		}
		return omitZero && x == ""
	case bool:
		return omitZero && !x
	case json.Number:
		if kind == apischema.KindQuantity {
			if q, err := parseQuantityValue(x); err == nil {
				*v = canonicalQuantity(q)
			}
			return false
		}
		return omitZero && (x == "0" || x == "0.0")
	case float64:
		return omitZero && x == 0
	}
	return false
}

// scanFields returns the paths of the members a JSON body names twice in
// one object ("metadata.name", "spec.containers[0].image"), as the strict
// decoder reports them, and the position of every member path in the body;
// nothing for a body that is not JSON.
func scanFields(body []byte) (dups []string, order map[string]int) {
	d := json.NewDecoder(strings.NewReader(string(body)))
	var out []string
	order = map[string]int{}
	var walk func(path string) bool
	walk = func(path string) bool {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return false
				}
				k, _ := kt.(string)
				p := joinPath(path, k)
				if _, ok := order[p]; !ok {
					order[p] = len(order)
				}
				if seen[k] {
					out = append(out, p)
				}
				seen[k] = true
				if !walk(p) {
					return false
				}
			}
			_, err = d.Token()
			return err == nil
		case json.Delim('['):
			for i := 0; d.More(); i++ {
				if !walk(fmt.Sprintf("%s[%d]", path, i)) {
					return false
				}
			}
			_, err = d.Token()
			return err == nil
		}
		return true
	}
	if !walk("") {
		return nil, nil
	}
	return out, order
}

// decodeMerged decodes a JSON object as Go's decoder fills the API types:
// a member given twice replaces the first, except that an object given
// twice is merged into the first (a struct or map is reused).
func decodeMerged(body []byte) (obj, error) {
	d := json.NewDecoder(strings.NewReader(string(body)))
	d.UseNumber()
	v, err := mergedValue(d)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object")
	}
	return m, nil
}

func mergedValue(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		m := map[string]any{}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := mergedValue(d)
			if err != nil {
				return nil, err
			}
			if prev, ok := m[k].(map[string]any); ok {
				if nv, ok := v.(map[string]any); ok {
					mergeInto(prev, nv)
					continue
				}
			}
			m[k] = v
		}
		_, err := d.Token()
		return m, err
	case json.Delim('['):
		l := []any{}
		for d.More() {
			v, err := mergedValue(d)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := d.Token()
		return l, err
	}
	return tok, nil
}

func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if dm, ok := dst[k].(map[string]any); ok {
			if sm, ok := v.(map[string]any); ok {
				mergeInto(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}
