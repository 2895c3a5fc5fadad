package selector

import (
	"fmt"
	"sort"
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
// "metadata.name=x,status.phase!=Running" with the API server's grammar and
// messages (apimachinery's fields.ParseSelector): terms split at unescaped
// commas and sorted, each cut at its first "!=", "==" or "=" with the field
// kept as written, the value unescaped (\\, \, and \= only; a bare , or =
// is an error). A term must name a field, which the server checks later
// against the kind's field labels. The error is a *SyntaxError.
func ParseFields(s string) (Fields, error) {
	f, err := ParseFieldsLax(s)
	if err != nil {
		return nil, err
	}
	for _, r := range f {
		if r.Field == "" {
			return nil, &SyntaxError{Selector: s, Msg: fmt.Sprintf("invalid selector: '%s'; a term names no field", s)}
		}
	}
	return f, nil
}

// ParseFieldsLax is ParseFields accepting a term without a field name
// ("=x"), as the API server's parser does before its per-kind field-label
// check rejects it.
func ParseFieldsLax(s string) (Fields, error) {
	if s == "" {
		return nil, nil
	}
	terms := splitTerms(s)
	sort.Slice(terms, func(i, j int) bool { return terms[i].text < terms[j].text })
	var out Fields
	for _, t := range terms {
		if t.text == "" {
			continue
		}
		field, op, rhs, ok := splitFieldTerm(t.text)
		if !ok {
			return nil, &SyntaxError{Selector: s, Pos: t.pos, Msg: fmt.Sprintf("invalid selector: '%s'; can't understand '%s'", s, t.text)}
		}
		v, err := unescapeFieldValue(rhs)
		if err != nil {
			return nil, &SyntaxError{Selector: s, Pos: t.pos + len(t.text) - len(rhs), Msg: err.Error()}
		}
		out = append(out, FieldRequirement{Field: field, Operator: op, Value: v})
	}
	return out, nil
}

// fieldTerm is one term of a field selector and its byte offset.
type fieldTerm struct {
	text string
	pos  int
}

// splitTerms splits on commas not escaped by a backslash.
func splitTerms(s string) []fieldTerm {
	var terms []fieldTerm
	start, escaped := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case escaped:
			escaped = false
		case s[i] == '\\':
			escaped = true
		case s[i] == ',':
			terms = append(terms, fieldTerm{s[start:i], start})
			start = i + 1
		}
	}
	return append(terms, fieldTerm{s[start:], start})
}

// splitFieldTerm cuts a term at its first operator.
func splitFieldTerm(term string) (string, Operator, string, bool) {
	for i := range term {
		rest := term[i:]
		switch {
		case strings.HasPrefix(rest, "!="):
			return term[:i], NotEquals, rest[2:], true
		case strings.HasPrefix(rest, "=="):
			return term[:i], DoubleEquals, rest[2:], true
		case strings.HasPrefix(rest, "="):
			return term[:i], Equals, rest[1:], true
		}
	}
	return "", "", "", false
}

func unescapeFieldValue(s string) (string, error) {
	if !strings.ContainsAny(s, `\,=`) {
		return s, nil
	}
	var b strings.Builder
	escaped := false
	for _, c := range s {
		if escaped {
			switch c {
			case '\\', ',', '=':
				b.WriteRune(c)
			default:
				return "", fmt.Errorf("invalid field selector: invalid escape sequence: %s", string([]rune{'\\', c}))
			}
			escaped = false
			continue
		}
		switch c {
		case '\\':
			escaped = true
		case ',', '=':
			// The server's message prints the character as a number.
			return "", fmt.Errorf("invalid field selector: unescaped character in value: %d", c)
		default:
			b.WriteRune(c)
		}
	}
	if escaped {
		return "", fmt.Errorf("invalid field selector: invalid escape sequence: \\")
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
