package dynamic

import (
	"fmt"
	"strings"
)

// FieldTypeError reports a field, or a map on the way to it, whose value
// is not of the type asked for.
type FieldTypeError struct {
	// Path is the field's path, dot-separated (".spec.replicas").
	Path string
	// Want is the expected type ("string", "int64", "map", "slice").
	Want string
	// Got is the JSON type found ("string", "number", "bool", "null",
	// "array", "object").
	Got string
}

// Error returns the error's message.
func (e *FieldTypeError) Error() string {
	return fmt.Sprintf("%s: expected %s, found %s", e.Path, e.Want, e.Got)
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "bool"
	case int64, float64, int, int32, float32:
		return "number"
	case []any:
		return "array"
	case map[string]any, Object:
		return "object"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func path(fields []string) string { return "." + strings.Join(fields, ".") }

// NestedField returns the value at fields, whether it is present, and a
// *FieldTypeError when a value on the way is not an object.
func (o Object) NestedField(fields ...string) (any, bool, error) {
	var cur any = map[string]any(o)
	for i, f := range fields {
		m, ok := cur.(map[string]any)
		if !ok {
			if obj, isObj := cur.(Object); isObj {
				m = obj
			} else {
				return nil, false, &FieldTypeError{Path: path(fields[:i]), Want: "map", Got: jsonType(cur)}
			}
		}
		v, present := m[f]
		if !present {
			return nil, false, nil
		}
		cur = v
	}
	return cur, true, nil
}

// NestedString returns the string at fields. Missing is ("", false, nil);
// another type is a *FieldTypeError.
func (o Object) NestedString(fields ...string) (string, bool, error) {
	v, ok, err := o.NestedField(fields...)
	if !ok || err != nil {
		return "", false, err
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, &FieldTypeError{Path: path(fields), Want: "string", Got: jsonType(v)}
	}
	return s, true, nil
}

// NestedBool returns the bool at fields.
func (o Object) NestedBool(fields ...string) (bool, bool, error) {
	v, ok, err := o.NestedField(fields...)
	if !ok || err != nil {
		return false, false, err
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, false, &FieldTypeError{Path: path(fields), Want: "bool", Got: jsonType(v)}
	}
	return b, true, nil
}

// NestedInt64 returns the integer at fields (an integral float64 is
// accepted).
func (o Object) NestedInt64(fields ...string) (int64, bool, error) {
	v, ok, err := o.NestedField(fields...)
	if !ok || err != nil {
		return 0, false, err
	}
	n, isInt := toInt64(v)
	if !isInt {
		return 0, false, &FieldTypeError{Path: path(fields), Want: "int64", Got: jsonType(v)}
	}
	return n, true, nil
}

// NestedFloat64 returns the number at fields.
func (o Object) NestedFloat64(fields ...string) (float64, bool, error) {
	v, ok, err := o.NestedField(fields...)
	if !ok || err != nil {
		return 0, false, err
	}
	switch n := v.(type) {
	case float64:
		return n, true, nil
	case int64:
		return float64(n), true, nil
	}
	return 0, false, &FieldTypeError{Path: path(fields), Want: "float64", Got: jsonType(v)}
}

// NestedMap returns a deep copy of the object at fields, as client-go's
// does: changing it leaves o as it was (write back with SetNested).
// NestedField returns the value itself, shared with o.
func (o Object) NestedMap(fields ...string) (map[string]any, bool, error) {
	m, ok, err := o.nestedMap(fields...)
	if !ok || err != nil {
		return nil, ok, err
	}
	return deepCopy(m).(map[string]any), true, nil
}

// nestedMap returns the object at fields, shared with o.
func (o Object) nestedMap(fields ...string) (map[string]any, bool, error) {
	v, ok, err := o.NestedField(fields...)
	if !ok || err != nil {
		return nil, false, err
	}
	switch m := v.(type) {
	case map[string]any:
		return m, true, nil
	case Object:
		return m, true, nil
	}
	return nil, false, &FieldTypeError{Path: path(fields), Want: "map", Got: jsonType(v)}
}

// NestedSlice returns a deep copy of the array at fields, as client-go's
// does: changing it leaves o as it was (write back with SetNested).
// NestedField returns the value itself, shared with o.
func (o Object) NestedSlice(fields ...string) ([]any, bool, error) {
	s, ok, err := o.nestedSlice(fields...)
	if !ok || err != nil {
		return nil, ok, err
	}
	return deepCopy(s).([]any), true, nil
}

// nestedSlice returns the array at fields, shared with o.
func (o Object) nestedSlice(fields ...string) ([]any, bool, error) {
	v, ok, err := o.NestedField(fields...)
	if !ok || err != nil {
		return nil, false, err
	}
	s, isSlice := v.([]any)
	if !isSlice {
		return nil, false, &FieldTypeError{Path: path(fields), Want: "slice", Got: jsonType(v)}
	}
	return s, true, nil
}

// NestedStringSlice returns a copy of the array of strings at fields.
func (o Object) NestedStringSlice(fields ...string) ([]string, bool, error) {
	s, ok, err := o.nestedSlice(fields...)
	if !ok || err != nil {
		return nil, ok, err
	}
	out := make([]string, len(s))
	for i, x := range s {
		str, isStr := x.(string)
		if !isStr {
			return nil, false, &FieldTypeError{Path: fmt.Sprintf("%s[%d]", path(fields), i), Want: "string", Got: jsonType(x)}
		}
		out[i] = str
	}
	return out, true, nil
}

// NestedStringMap returns a copy of the object of strings at fields.
func (o Object) NestedStringMap(fields ...string) (map[string]string, bool, error) {
	m, ok, err := o.nestedMap(fields...)
	if !ok || err != nil {
		return nil, ok, err
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		str, isStr := x.(string)
		if !isStr {
			return nil, false, &FieldTypeError{Path: path(append(fields[:len(fields):len(fields)], k)), Want: "string", Got: jsonType(x)}
		}
		out[k] = str
	}
	return out, true, nil
}

// SetNested sets the value at fields, creating the objects on the way. A
// value on the way that is not an object is a *FieldTypeError and nothing
// is changed. value is stored as it is: give it JSON shapes (string, bool,
// int64, float64, []any, map[string]any). Ints of other sizes are
// converted to int64 and []string / map[string]string to JSON shapes.
func (o *Object) SetNested(value any, fields ...string) error {
	if o == nil {
		return &FieldTypeError{Path: path(fields), Want: "map", Got: "nil Object pointer"}
	}
	if len(fields) == 0 {
		return &FieldTypeError{Path: ".", Want: "a field path", Got: "none"}
	}
	if *o == nil {
		*o = Object{}
	}
	m := map[string]any(*o)
	for i, f := range fields[:len(fields)-1] {
		next, present := m[f]
		if !present || next == nil {
			nm := map[string]any{}
			m[f] = nm
			m = nm
			continue
		}
		nm, ok := next.(map[string]any)
		if !ok {
			return &FieldTypeError{Path: path(fields[:i+1]), Want: "map", Got: jsonType(next)}
		}
		m = nm
	}
	m[fields[len(fields)-1]] = normalize(value)
	return nil
}

func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[string]string:
		return anyMap(x)
	case Object:
		return map[string]any(x)
	}
	return v
}

// RemoveNested deletes the field at fields; a missing field or path is not
// an error, a non-object on the way is a *FieldTypeError.
func (o Object) RemoveNested(fields ...string) error {
	if len(fields) == 0 {
		return nil
	}
	parent, ok, err := o.nestedMap(fields[:len(fields)-1]...)
	if len(fields) == 1 {
		parent, ok, err = o, true, nil
	}
	if err != nil || !ok {
		return err
	}
	delete(parent, fields[len(fields)-1])
	return nil
}
