package fake

import (
	"encoding/json"
	"fmt"
)

// fieldError is one invalid field, as the real validation reports it (a
// field.Error of k8s.io/apimachinery).
type fieldError struct {
	Type   string // "FieldValueRequired", "FieldValueInvalid", ...
	Field  string
	Value  any // the bad value, shown by the types that show one (see message)
	Detail string
}

// fieldErrorWords are the words each error type starts its message with.
var fieldErrorWords = map[string]string{
	"FieldValueNotFound":     "Not found",
	"FieldValueRequired":     "Required value",
	"FieldValueDuplicate":    "Duplicate value",
	"FieldValueInvalid":      "Invalid value",
	"FieldValueNotSupported": "Unsupported value",
	"FieldValueForbidden":    "Forbidden",
	"FieldValueTooLong":      "Too long",
	"FieldValueTooMany":      "Too many",
	"FieldValueTooFew":       "Too few",
	"InternalError":          "Internal error",
	"FieldValueTypeInvalid":  "Invalid value",
	"FieldValueTooShort":     "Too short",
}

// message is the cause's message as Kubernetes 1.37 words it: the type's
// words; then, for the types that show a value (not Required, Forbidden,
// TooLong, TooShort or Internal), the value; then the detail. A value is
// printed as Go's %v for numbers and booleans, quoted (%q) for a string,
// and as JSON otherwise: ["a","b"] for a list, null for nil (1.32 printed
// such values with Go's %#v, []string{"a", "b"}).
func (f fieldError) message() string {
	s, ok := fieldErrorWords[f.Type]
	if !ok {
		s = fmt.Sprintf("<unknown error %q>", f.Type)
	}
	switch f.Type {
	case "FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "FieldValueTooShort", "InternalError":
	default:
		s += ": " + badValue(f.Value)
	}
	if f.Detail != "" {
		s += ": " + f.Detail
	}
	return s
}

// badValue prints a field error's value as the real server does.
func badValue(v any) string {
	switch t := v.(type) {
	case int64, int32, float64, float32, bool:
		return fmt.Sprintf("%v", t)
	case string:
		return fmt.Sprintf("%q", t)
	case rawJSON:
		return string(t)
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	if st, ok := v.(fmt.Stringer); ok {
		return st.String()
	}
	return fmt.Sprintf("%#v", v)
}

// distinctErrors drops the repeats of an error already in errs (same type,
// field and message), keeping the first of each in order. The validation
// of the kinds kube-apiserver's own registry serves passes its errors
// through a filter that drops repeats since 1.37; see
// resInfo.dropsRepeatedErrors.
func distinctErrors(errs []fieldError) []fieldError {
	seen := map[string]bool{}
	var out []fieldError
	for _, e := range errs {
		k := e.Type + "\x00" + e.Field + "\x00" + e.message()
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}
