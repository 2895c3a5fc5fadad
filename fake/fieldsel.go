package fake

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/internal/selector"
)

// parseFieldSelector parses a field selector as the real server does
// (apimachinery's fields.ParseSelector): terms split at unescaped commas
// and sorted, each cut at its first "!=", "==" or "=" with the field kept
// as written, the value unescaped (\\, \, and \= only; a bare , or = is an
// error). Messages are the real ones.
func parseFieldSelector(s string) (selector.Fields, error) {
	if s == "" {
		return nil, nil
	}
	terms := splitFieldTerms(s)
	sort.Strings(terms)
	var out selector.Fields
	for _, term := range terms {
		if term == "" {
			continue
		}
		field, op, rhs, ok := splitFieldTerm(term)
		if !ok {
			return nil, fmt.Errorf("invalid selector: '%s'; can't understand '%s'", s, term)
		}
		v, err := unescapeFieldValue(rhs)
		if err != nil {
			return nil, err
		}
		out = append(out, selector.FieldRequirement{Field: field, Operator: op, Value: v})
	}
	return out, nil
}

func splitFieldTerms(s string) []string {
	var terms []string
	start, escaped := 0, false
	for i, c := range s {
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == ',':
			terms = append(terms, s[start:i])
			start = i + 1
		}
	}
	return append(terms, s[start:])
}

func splitFieldTerm(term string) (string, selector.Operator, string, bool) {
	for i := range term {
		rest := term[i:]
		switch {
		case strings.HasPrefix(rest, "!="):
			return term[:i], selector.NotEquals, rest[2:], true
		case strings.HasPrefix(rest, "=="):
			return term[:i], selector.DoubleEquals, rest[2:], true
		case strings.HasPrefix(rest, "="):
			return term[:i], selector.Equals, rest[1:], true
		}
	}
	return "", "", "", false
}

func unescapeFieldValue(s string) (string, error) {
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
			// The real message prints the character as a number.
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
