package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// obj is a Kubernetes object decoded from JSON, numbers kept as json.Number.
type obj = map[string]any

// decodeJSON decodes one JSON object, keeping numbers exact.
func decodeJSON(b []byte) (obj, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the top-level JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected a JSON object, got %s", jsonKind(v))
	}
	return m, nil
}

// decodeAny decodes one JSON value, keeping numbers exact.
func decodeAny(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the top-level JSON value")
	}
	return v, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "number"
}

// deepCopy copies a JSON value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = deepCopy(x)
		}
		return s
	}
	return v
}

func copyObj(o obj) obj {
	if o == nil {
		return nil
	}
	return deepCopy(o).(obj)
}

// meta returns the metadata map, creating it when absent.
func meta(o obj) map[string]any {
	m, ok := o["metadata"].(map[string]any)
	if !ok {
		m = map[string]any{}
		o["metadata"] = m
	}
	return m
}

func metaString(o obj, key string) string {
	m, _ := o["metadata"].(map[string]any)
	s, _ := m[key].(string)
	return s
}

func setMeta(o obj, key string, v any) {
	if v == nil || v == "" {
		delete(meta(o), key)
		return
	}
	meta(o)[key] = v
}

func str(o map[string]any, key string) string {
	s, _ := o[key].(string)
	return s
}

func nested(o map[string]any, path ...string) any {
	var cur any = o
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func nestedMap(o map[string]any, path ...string) map[string]any {
	m, _ := nested(o, path...).(map[string]any)
	return m
}

func finalizers(o obj) []string {
	raw, _ := meta(o)["finalizers"].([]any)
	var out []string
	for _, f := range raw {
		if s, ok := f.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func numberInt(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		return int64(n), float64(int64(n)) == n
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

func rvString(rv uint64) string { return strconv.FormatUint(rv, 10) }

// equalJSON reports whether two JSON values are equal, comparing numbers by
// their text.
func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equalJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		switch y := b.(type) {
		case json.Number:
			if x == y {
				return true
			}
			fx, e1 := x.Float64()
			fy, e2 := y.Float64()
			return e1 == nil && e2 == nil && fx == fy
		case float64:
			fx, err := x.Float64()
			return err == nil && fx == y
		}
		return false
	case float64:
		if y, ok := b.(json.Number); ok {
			return equalJSON(y, x)
		}
	}
	return a == b
}
