// Package selector parses and matches Kubernetes label selectors (the full
// syntax: =, ==, !=, in, notin, exists, !exists, gt, lt) and field selectors
// (=, ==, != on dotted paths) against objects decoded from JSON.
package selector

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Operator is the comparison of one requirement.
type Operator string

// The operators of label and field selectors.
const (
	Equals       Operator = "="
	DoubleEquals Operator = "=="
	NotEquals    Operator = "!="
	In           Operator = "in"
	NotIn        Operator = "notin"
	Exists       Operator = "exists"
	DoesNotExist Operator = "!"
	GreaterThan  Operator = "gt"
	LessThan     Operator = "lt"
)

// Requirement is one term of a label selector: a key, an operator and the
// values it compares against (none for Exists and DoesNotExist).
type Requirement struct {
	Key      string
	Operator Operator
	Values   []string
}

// Labels is a label selector: the conjunction of its requirements. The empty
// selector matches everything.
type Labels []Requirement

// SyntaxError reports a selector that does not parse. Pos is the byte offset
// in the selector where the problem was found.
type SyntaxError struct {
	Selector string
	Pos      int
	Msg      string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("unable to parse requirement: at position %d of %q: %s", e.Pos, e.Selector, e.Msg)
}

// ParseLabels parses a label selector such as
// "app=web,tier!=db,env in (a,b),!legacy".
func ParseLabels(s string) (Labels, error) {
	p := &labelParser{s: s}
	var out Labels
	p.space()
	if p.i == len(s) {
		return nil, nil
	}
	for {
		r, err := p.requirement()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		p.space()
		if p.i == len(s) {
			break
		}
		if s[p.i] != ',' {
			return nil, p.errf("found %q, expected ',' or end of string", s[p.i])
		}
		p.i++
	}
	return out, nil
}

type labelParser struct {
	s string
	i int
}

func (p *labelParser) errf(format string, args ...any) error {
	return &SyntaxError{Selector: p.s, Pos: p.i, Msg: fmt.Sprintf(format, args...)}
}

func (p *labelParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '/'
}

// word reads an identifier: a key or a value.
func (p *labelParser) word() string {
	start := p.i
	for p.i < len(p.s) && isIdent(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *labelParser) requirement() (Requirement, error) {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '!' {
		p.i++
		p.space()
		start := p.i
		key := p.word()
		if key == "" {
			return Requirement{}, p.errf("expected a label key after '!'")
		}
		if err := validKey(key); err != nil {
			return Requirement{}, &SyntaxError{Selector: p.s, Pos: start, Msg: err.Error()}
		}
		return Requirement{Key: key, Operator: DoesNotExist}, nil
	}
	start := p.i
	key := p.word()
	if key == "" {
		if p.i < len(p.s) {
			return Requirement{}, p.errf("found %q, expected a label key", p.s[p.i])
		}
		return Requirement{}, p.errf("expected a label key")
	}
	if err := validKey(key); err != nil {
		return Requirement{}, &SyntaxError{Selector: p.s, Pos: start, Msg: err.Error()}
	}
	p.space()
	if p.i == len(p.s) || p.s[p.i] == ',' {
		return Requirement{Key: key, Operator: Exists}, nil
	}
	var op Operator
	rest := p.s[p.i:]
	switch {
	case strings.HasPrefix(rest, "=="):
		op, p.i = DoubleEquals, p.i+2
	case strings.HasPrefix(rest, "!="):
		op, p.i = NotEquals, p.i+2
	case strings.HasPrefix(rest, "="):
		op, p.i = Equals, p.i+1
	case strings.HasPrefix(rest, ">"):
		op, p.i = GreaterThan, p.i+1
	case strings.HasPrefix(rest, "<"):
		op, p.i = LessThan, p.i+1
	default:
		opStart := p.i
		w := p.word()
		switch w {
		case "in":
			op = In
		case "notin":
			op = NotIn
		default:
			p.i = opStart
			return Requirement{}, p.errf("found %q, expected one of =, ==, !=, in, notin, <, >", rest)
		}
	}
	p.space()
	switch op {
	case In, NotIn:
		vals, err := p.set()
		if err != nil {
			return Requirement{}, err
		}
		return Requirement{Key: key, Operator: op, Values: vals}, nil
	case GreaterThan, LessThan:
		vs := p.i
		v := p.word()
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return Requirement{}, &SyntaxError{Selector: p.s, Pos: vs, Msg: fmt.Sprintf("for 'Gt', 'Lt' operators, the value must be an integer, not %q", v)}
		}
		return Requirement{Key: key, Operator: op, Values: []string{v}}, nil
	}
	vs := p.i
	v := p.word()
	if err := validValue(v); err != nil {
		return Requirement{}, &SyntaxError{Selector: p.s, Pos: vs, Msg: err.Error()}
	}
	return Requirement{Key: key, Operator: op, Values: []string{v}}, nil
}

func (p *labelParser) set() ([]string, error) {
	if p.i == len(p.s) || p.s[p.i] != '(' {
		return nil, p.errf("expected '(' to start a set of values")
	}
	p.i++
	var vals []string
	for {
		p.space()
		vs := p.i
		v := p.word()
		if err := validValue(v); err != nil {
			return nil, &SyntaxError{Selector: p.s, Pos: vs, Msg: err.Error()}
		}
		vals = append(vals, v)
		p.space()
		if p.i == len(p.s) {
			return nil, p.errf("expected ')' to end the set of values")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ')':
			p.i++
			sort.Strings(vals)
			return vals, nil
		default:
			return nil, p.errf("found %q, expected ',' or ')' in a set of values", p.s[p.i])
		}
	}
}

// validKey checks a label key: an optional DNS-subdomain prefix and '/',
// then a name of at most 63 characters.
func validKey(k string) error {
	name := k
	if i := strings.IndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if prefix == "" || len(prefix) > 253 || !dnsSubdomain(prefix) {
			return fmt.Errorf("invalid label key %q: prefix part must be a lowercase DNS subdomain", k)
		}
	}
	if name == "" || len(name) > 63 || !qualifiedName(name) {
		return fmt.Errorf("invalid label key %q: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", k)
	}
	return nil
}

// validValue checks a label value: empty, or at most 63 characters that
// start and end alphanumeric.
func validValue(v string) error {
	if v == "" {
		return nil
	}
	if len(v) > 63 || !qualifiedName(v) {
		return fmt.Errorf("invalid label value: %q: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", v)
	}
	return nil
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func qualifiedName(s string) bool {
	if s == "" || !alnum(s[0]) || !alnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !alnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func dnsSubdomain(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
	}
	return true
}

// Matches reports whether labels satisfy every requirement.
func (l Labels) Matches(labels map[string]string) bool {
	for _, r := range l {
		if !r.Matches(labels) {
			return false
		}
	}
	return true
}

// MatchesObject reports whether the metadata.labels of an object decoded
// from JSON satisfy the selector.
func (l Labels) MatchesObject(obj map[string]any) bool {
	if len(l) == 0 {
		return true
	}
	return l.Matches(ObjectLabels(obj))
}

// ObjectLabels returns the metadata.labels of an object decoded from JSON.
func ObjectLabels(obj map[string]any) map[string]string {
	md, _ := obj["metadata"].(map[string]any)
	raw, _ := md["labels"].(map[string]any)
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// Matches reports whether labels satisfy the requirement.
func (r Requirement) Matches(labels map[string]string) bool {
	v, has := labels[r.Key]
	switch r.Operator {
	case Equals, DoubleEquals:
		return has && v == r.Values[0]
	case NotEquals:
		return !has || v != r.Values[0]
	case In:
		return has && contains(r.Values, v)
	case NotIn:
		return !has || !contains(r.Values, v)
	case Exists:
		return has
	case DoesNotExist:
		return !has
	case GreaterThan, LessThan:
		if !has {
			return false
		}
		a, err1 := strconv.ParseInt(v, 10, 64)
		b, err2 := strconv.ParseInt(r.Values[0], 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if r.Operator == GreaterThan {
			return a > b
		}
		return a < b
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// String returns the selector in its canonical text form.
func (l Labels) String() string {
	parts := make([]string, len(l))
	for i, r := range l {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// String returns the requirement in its canonical text form.
func (r Requirement) String() string {
	switch r.Operator {
	case Exists:
		return r.Key
	case DoesNotExist:
		return "!" + r.Key
	case In, NotIn:
		return r.Key + " " + string(r.Operator) + " (" + strings.Join(r.Values, ",") + ")"
	case GreaterThan:
		return r.Key + ">" + r.Values[0]
	case LessThan:
		return r.Key + "<" + r.Values[0]
	}
	return r.Key + string(r.Operator) + r.Values[0]
}
