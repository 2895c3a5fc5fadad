package selector

import (
	"fmt"
	"strconv"
	"strings"
)

// FieldRequirement is one term of a field selector.
type FieldRequirement struct {
	// Field is the dotted path ("spec.nodeName").
	Field string
	// Operator is Equals, DoubleEquals or NotEquals.
	Operator Operator
	// Value is the unescaped value compared against.
	Value string
}

// Fields is a field selector: the conjunction of its requirements. The empty
// selector matches everything.
type Fields []FieldRequirement

// ParseFields parses a field selector such as
// "metadata.name=x,status.phase!=Running". A backslash escapes ',', '=',
// '!' and '\' in values.
func ParseFields(s string) (Fields, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out Fields
	start := 0
	for _, term := range splitTerms(s) {
		r, err := parseFieldTerm(s, term, start)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		start += len(term) + 1
	}
	return out, nil
}

// splitTerms splits on commas not preceded by a backslash escape.
func splitTerms(s string) []string {
	var terms []string
	last := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			terms = append(terms, s[last:i])
			last = i + 1
		}
	}
	return append(terms, s[last:])
}

func parseFieldTerm(sel, term string, pos int) (FieldRequirement, error) {
	for i := 0; i < len(term); i++ {
		switch term[i] {
		case '\\':
			i++
			continue
		case '!':
			if i+1 < len(term) && term[i+1] == '=' {
				return fieldReq(sel, term, pos, i, NotEquals, 2)
			}
		case '=':
			if i+1 < len(term) && term[i+1] == '=' {
				return fieldReq(sel, term, pos, i, DoubleEquals, 2)
			}
			return fieldReq(sel, term, pos, i, Equals, 1)
		}
	}
	return FieldRequirement{}, &SyntaxError{Selector: sel, Pos: pos, Msg: fmt.Sprintf("invalid selector: '%s'; can't understand '%s'", sel, term)}
}

func fieldReq(sel, term string, pos, i int, op Operator, n int) (FieldRequirement, error) {
	field := strings.TrimSpace(term[:i])
	if field == "" {
		return FieldRequirement{}, &SyntaxError{Selector: sel, Pos: pos, Msg: fmt.Sprintf("invalid selector: '%s'; can't understand '%s'", sel, term)}
	}
	v, err := unescape(term[i+n:])
	if err != nil {
		return FieldRequirement{}, &SyntaxError{Selector: sel, Pos: pos + i + n, Msg: err.Error()}
	}
	return FieldRequirement{Field: field, Operator: op, Value: v}, nil
}

func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return "", fmt.Errorf("invalid field selector value %q: trailing backslash", s)
		}
		switch s[i] {
		case '\\', ',', '=', '!':
			b.WriteByte(s[i])
		default:
			return "", fmt.Errorf("invalid field selector value %q: invalid escape sequence \\%c", s, s[i])
		}
	}
	return b.String(), nil
}

// Matches reports whether the field values returned by get satisfy every
// requirement. get returns the value of a field and whether the object has
// it; a missing field compares as "".
func (f Fields) Matches(get func(field string) string) bool {
	for _, r := range f {
		v := get(r.Field)
		eq := v == r.Value
		if r.Operator == NotEquals {
			eq = !eq
		}
		if !eq {
			return false
		}
	}
	return true
}

// String returns the selector in its canonical text form.
func (f Fields) String() string {
	parts := make([]string, len(f))
	for i, r := range f {
		v := strings.NewReplacer(`\`, `\\`, `,`, `\,`, `=`, `\=`).Replace(r.Value)
		op := "="
		if r.Operator == NotEquals {
			op = "!="
		}
		parts[i] = r.Field + op + v
	}
	return strings.Join(parts, ",")
}

// Lookup returns the value at a dotted path in an object decoded from JSON,
// formatted as field selectors compare it: strings as is, booleans and
// numbers in their JSON form, anything missing or not a scalar as "".
func Lookup(obj map[string]any, path string) string {
	var cur any = obj
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[p]
	}
	switch v := cur.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case fmt.Stringer: // json.Number
		return v.String()
	}
	return ""
}
