package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// celNotChecked is the cause kube-apiserver adds when a schema has CEL
// rules and an error it counts as blocking kept them from running.
const celNotChecked = "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"

// CELWarning is the warning the fake server sends on a write of a custom
// resource whose schema has x-kubernetes-validations rules, which it does
// not evaluate.
const CELWarning = "kubewire fake server: x-kubernetes-validations (CEL) rules were not evaluated"

// crErrors is the schema validation of a custom resource's write; when the
// schema's CEL rules would have run, the answer carries CELWarning.
func crErrors(rq *request, o obj) []fieldError {
	if rq.ri.CRD == "" || rq.ri.Schema == nil {
		return nil
	}
	if rq.sub == "status" {
		return statusErrors(o, rq.ri.Schema)
	}
	errs, celSkipped := validateCR(o, rq.ri.Schema)
	if celSkipped {
		rq.warnings = append(rq.warnings, CELWarning)
	}
	return errs
}

// statusErrors validates the status of a status subresource write, as the
// real server does: against the status schema alone, so the messages name
// fields relative to it ("ready in body") and the causes from the root
// ("status.ready").
func statusErrors(o obj, s *crdSchema) []fieldError {
	ss := s.Properties["status"]
	st, ok := o["status"]
	if ss == nil || !ok {
		return nil
	}
	errs := validateNode("status", st, ss)
	for i := range errs {
		errs[i].Detail = strings.Replace(errs[i].Detail, "status.", "", 1)
	}
	return errs
}

// validateCR validates a pruned and defaulted custom resource against its
// schema as apiextensions-apiserver does: the OpenAPI checks, then the
// embedded resources' apiVersion and kind, then list-type invariants. The
// schema's CEL rules are not evaluated: celSkipped reports whether a write
// would have run them (no blocking error came first).
func validateCR(o map[string]any, s *crdSchema) (errs []fieldError, celSkipped bool) {
	if s == nil {
		return nil, false
	}
	errs = append(errs, objectErrors("", o, s)...)
	var w structuralWalk
	w.walk(o, s, "")
	errs = append(append(errs, w.embedded...), w.listType...)
	if !s.AnyRules {
		return errs, false
	}
	for _, e := range errs {
		switch e.Type {
		case "FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid":
			return append(errs, fieldError{Type: "FieldValueInvalid", Field: "<nil>", Value: nil, Detail: celNotChecked}), false
		}
	}
	return errs, true
}

// validateNode runs the OpenAPI checks on v, in kube-openapi's order: type,
// anyOf/allOf/oneOf/not, string, format, number, array, enum, object.
func validateNode(path string, v any, s *crdSchema) []fieldError {
	if v == nil && (s.Nullable || s.Type == "" && !s.IntOrString) {
		return nil
	}
	var errs []fieldError
	errs = append(errs, typeErrors(path, v, s)...)
	errs = append(errs, combinatorErrors(path, v, s)...)
	switch t := v.(type) {
	case string:
		errs = append(errs, stringErrors(path, t, s)...)
		errs = append(errs, formatErrors(path, t, s)...)
	case json.Number, float64, int64:
		errs = append(errs, numberErrors(path, v, s)...)
	case []any:
		errs = append(errs, arrayErrors(path, t, s)...)
	}
	errs = append(errs, enumErrors(path, v, s)...)
	if m, ok := v.(map[string]any); ok {
		errs = append(errs, objectErrors(path, m, s)...)
	}
	return errs
}

// jsonType is the JSON Schema type of a decoded value.
func jsonType(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case json.Number:
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return "integer"
		}
		if f, err := t.Float64(); err == nil && f == math.Trunc(f) && !strings.ContainsAny(string(t), ".eE") {
			return "integer"
		}
		return "number"
	case int64:
		return "integer"
	case float64:
		if t == math.Trunc(t) {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func typeErrors(path string, v any, s *crdSchema) []fieldError {
	got := jsonType(v)
	var want []string
	switch {
	case s.IntOrString:
		want = []string{"integer", "string"}
	case s.Type != "":
		want = []string{s.Type}
	default:
		return nil
	}
	for _, w := range want {
		if got == w || w == "number" && got == "integer" {
			return nil
		}
	}
	t := strings.Join(want, ",")
	return []fieldError{{Type: "FieldValueTypeInvalid", Field: path, Value: got,
		Detail: fmt.Sprintf("%s in body must be of type %s: %q", path, t, got)}}
}

// combinatorErrors checks anyOf, allOf, oneOf and not, keeping the errors
// kube-openapi keeps: for a failed anyOf, its message and the errors of the
// first branch that failed with the most passing checks.
func combinatorErrors(path string, v any, s *crdSchema) []fieldError {
	var errs []fieldError
	if len(s.AnyOf) > 0 {
		var best []fieldError
		ok := false
		for _, b := range s.AnyOf {
			e := validateNode(path, v, b)
			if len(e) == 0 {
				ok = true
				break
			}
			if best == nil {
				best = e
			}
		}
		if !ok {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "<nil>", Value: "", Detail: fmt.Sprintf("%q must validate at least one schema (anyOf)", path)})
			errs = append(errs, best...)
		}
	}
	for _, b := range s.AllOf {
		errs = append(errs, validateNode(path, v, b)...)
	}
	if len(s.OneOf) > 0 {
		n := 0
		for _, b := range s.OneOf {
			if len(validateNode(path, v, b)) == 0 {
				n++
			}
		}
		if n != 1 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "<nil>", Value: "", Detail: fmt.Sprintf("%q must validate one and only one schema (oneOf)", path)})
		}
	}
	if s.Not != nil && len(validateNode(path, v, s.Not)) == 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "<nil>", Value: "", Detail: fmt.Sprintf("%q must not validate the schema (not)", path)})
	}
	return errs
}

func stringErrors(path, v string, s *crdSchema) []fieldError {
	var errs []fieldError
	n := int64(len([]rune(v)))
	if s.MaxLength != nil && n > *s.MaxLength {
		errs = append(errs, fieldError{Type: "FieldValueTooLong", Field: path, Value: v, Detail: fmt.Sprintf("may not be more than %d bytes", *s.MaxLength)})
	}
	if s.MinLength != nil && n < *s.MinLength {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body should be at least %d chars long", path, *s.MinLength)})
	}
	if s.Pattern != nil && !s.Pattern.MatchString(v) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body should match '%s'", path, s.PatternText)})
	}
	return errs
}

var (
	reHostname = regexp.MustCompile(`^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$`)
	reUUID     = regexp.MustCompile(`^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`)
	reMAC      = regexp.MustCompile(`^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$`)
	reDuration = regexp.MustCompile(`^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$`)
)

// formatCheckers are the string formats the fake checks, as kube-openapi's
// registry does; other formats are not checked.
var formatCheckers = map[string]func(string) bool{
	"email":    func(v string) bool { _, err := mail.ParseAddress(v); return err == nil },
	"hostname": func(v string) bool { return len(v) <= 255 && reHostname.MatchString(v) },
	"ipv4": func(v string) bool {
		ip := net.ParseIP(v)
		return ip != nil && ip.To4() != nil && strings.Contains(v, ".")
	},
	"ipv6":      func(v string) bool { ip := net.ParseIP(v); return ip != nil && strings.Contains(v, ":") },
	"cidr":      func(v string) bool { _, _, err := net.ParseCIDR(v); return err == nil },
	"mac":       func(v string) bool { return reMAC.MatchString(v) },
	"uuid":      func(v string) bool { return reUUID.MatchString(v) },
	"byte":      func(v string) bool { _, err := base64.StdEncoding.DecodeString(v); return err == nil },
	"date":      func(v string) bool { _, err := time.Parse("2006-01-02", v); return err == nil },
	"date-time": func(v string) bool { return parseDateTime(v) },
	"datetime":  func(v string) bool { return parseDateTime(v) },
	"duration":  func(v string) bool { return reDuration.MatchString(v) },
}

func parseDateTime(v string) bool {
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05"} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}

func formatErrors(path, v string, s *crdSchema) []fieldError {
	check, ok := formatCheckers[s.Format]
	if !ok || check(v) {
		return nil
	}
	return []fieldError{{Type: "FieldValueTypeInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body must be of type %s: %q", path, s.Format, v)}}
}

func numberErrors(path string, v any, s *crdSchema) []fieldError {
	f, _ := toFloat(v)
	var errs []fieldError
	if s.Type == "integer" && jsonType(v) == "number" {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "<nil>", Value: "", Detail: fmt.Sprintf("Checked value must be of type integer (default format) in %s", path)})
	}
	if s.MultipleOf != nil {
		switch {
		case f == 0:
			// kube-openapi reports a zero value as a factor that is not
			// positive.
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("factor MultipleOf declared for %s must be positive: %s", path, badValue(v))})
		case *s.MultipleOf > 0:
			q := f / *s.MultipleOf
			if math.Abs(q-math.Round(q)) > 1e-9 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body should be a multiple of %s", path, formatNumber(*s.MultipleOf))})
			}
		}
	}
	if s.Maximum != nil {
		switch {
		case s.ExclusiveMaximum && f >= *s.Maximum:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body should be less than %s", path, formatNumber(*s.Maximum))})
		case !s.ExclusiveMaximum && f > *s.Maximum:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body should be less than or equal to %s", path, formatNumber(*s.Maximum))})
		}
	}
	if s.Minimum != nil {
		switch {
		case s.ExclusiveMinimum && f <= *s.Minimum:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body should be greater than %s", path, formatNumber(*s.Minimum))})
		case !s.ExclusiveMinimum && f < *s.Minimum:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: v, Detail: fmt.Sprintf("%s in body should be greater than or equal to %s", path, formatNumber(*s.Minimum))})
		}
	}
	return errs
}

func arrayErrors(path string, v []any, s *crdSchema) []fieldError {
	var errs []fieldError
	if s.Items != nil {
		for i, item := range v {
			errs = append(errs, validateNode(fmt.Sprintf("%s[%d]", path, i), item, s.Items)...)
		}
	}
	n := int64(len(v))
	if s.MinItems != nil && n < *s.MinItems {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: n, Detail: fmt.Sprintf("%s in body should have at least %d items", path, *s.MinItems)})
	}
	if s.MaxItems != nil && n > *s.MaxItems {
		errs = append(errs, fieldError{Type: "FieldValueTooMany", Field: path, Value: n, Detail: fmt.Sprintf("must have at most %d items", *s.MaxItems)})
	}
	if s.UniqueItems {
		for i := range v {
			for j := range i {
				if equalJSON(v[i], v[j]) {
					errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: "", Detail: fmt.Sprintf("%s in body shouldn't contain duplicates", path)})
					return errs
				}
			}
		}
	}
	return errs
}

func enumErrors(path string, v any, s *crdSchema) []fieldError {
	if len(s.Enum) == 0 {
		return nil
	}
	for _, e := range s.Enum {
		if equalJSON(e, v) {
			return nil
		}
	}
	var vals []string
	for _, e := range s.Enum {
		if str, ok := e.(string); ok {
			vals = append(vals, strconv.Quote(str))
		} else {
			b, _ := json.Marshal(e)
			vals = append(vals, strconv.Quote(string(b)))
		}
	}
	return []fieldError{{Type: "FieldValueNotSupported", Field: path, Value: v, Detail: "supported values: " + strings.Join(vals, ", ")}}
}

// objectErrors checks an object's property count, required members and
// members; at the root (path "") apiVersion, kind and metadata are the
// server's, and the counts and additionalProperties are not checked.
func objectErrors(path string, m map[string]any, s *crdSchema) []fieldError {
	var errs []fieldError
	root := path == ""
	n := int64(len(m))
	if !root && s.MinProperties != nil && n < *s.MinProperties {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path, Value: n, Detail: fmt.Sprintf("%s in body should have at least %d properties", path, *s.MinProperties)})
	}
	if !root && s.MaxProperties != nil && n > *s.MaxProperties {
		errs = append(errs, fieldError{Type: "FieldValueTooMany", Field: path, Value: n, Detail: fmt.Sprintf("must have at most %d items", *s.MaxProperties)})
	}
	var members []fieldError
	for _, k := range sortedKeys(m) {
		if root && serverMember(k) {
			continue
		}
		if ps, ok := s.Properties[k]; ok {
			members = append(members, validateNode(joinPath(path, k), m[k], ps)...)
		} else if s.Additional != nil && !root {
			members = append(members, validateNode(joinPath(path, k), m[k], s.Additional)...)
		}
	}
	var required []fieldError
	for _, k := range s.Required {
		if _, ok := m[k]; !ok && !(root && serverMember(k)) {
			required = append(required, fieldError{Type: "FieldValueRequired", Field: joinPath(path, k)})
		}
	}
	if root {
		// At the root the members are checked before the required list.
		return append(append(errs, members...), required...)
	}
	return append(append(errs, required...), members...)
}

// serverMember reports whether a custom resource's top-level member is one
// the server checks itself rather than through the schema.
func serverMember(k string) bool {
	return k == "apiVersion" || k == "kind" || k == "metadata"
}

// structuralWalk collects, in one walk of a custom resource, the errors
// apiextensions-apiserver reports after the OpenAPI checks: embedded
// resources without apiVersion or kind, then duplicates in
// x-kubernetes-list-type set and map lists.
type structuralWalk struct {
	embedded, listType []fieldError
}

func (w *structuralWalk) walk(v any, s *crdSchema, path string) {
	if s == nil {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if s.EmbeddedResource && path != "" {
			for _, k := range []string{"apiVersion", "kind"} {
				if str, _ := t[k].(string); str == "" {
					w.embedded = append(w.embedded, fieldError{Type: "FieldValueRequired", Field: joinPath(path, k)})
				}
			}
		}
		for _, k := range sortedKeys(t) {
			if path == "" && k == "metadata" {
				continue
			}
			if ps, ok := s.Properties[k]; ok {
				w.walk(t[k], ps, joinPath(path, k))
			} else if s.Additional != nil {
				w.walk(t[k], s.Additional, joinPath(path, k))
			}
		}
	case []any:
		w.listType = append(w.listType, duplicateErrors(t, s, path)...)
		for i, item := range t {
			w.walk(item, s.Items, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// duplicateErrors reports the duplicate items of a set or map list.
func duplicateErrors(t []any, s *crdSchema, path string) []fieldError {
	var errs []fieldError
	switch s.ListType {
	case "set":
		for i := range t {
			for j := range i {
				if equalJSON(t[i], t[j]) {
					errs = append(errs, fieldError{Type: "FieldValueDuplicate", Field: fmt.Sprintf("%s[%d]", path, i), Value: t[i]})
					break
				}
			}
		}
	case "map":
		seen := map[string]bool{}
		for i, item := range t {
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			key := map[string]any{}
			for _, k := range s.ListMapKeys {
				if kv, ok := m[k]; ok {
					key[k] = kv
				}
			}
			b, _ := json.Marshal(key)
			if seen[string(b)] {
				errs = append(errs, fieldError{Type: "FieldValueDuplicate", Field: fmt.Sprintf("%s[%d]", path, i), Value: key})
			}
			seen[string(b)] = true
		}
	}
	return errs
}
