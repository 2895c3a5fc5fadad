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

// SyntaxError reports a selector that does not parse, with the API server's
// message. Pos is the byte offset in the selector where the problem was
// found.
type SyntaxError struct {
	Selector string
	Pos      int
	Msg      string
}

// Error returns the message the API server gives for the selector.
func (e *SyntaxError) Error() string { return e.Msg }

// ParseLabels parses a label selector such as
// "app=web,tier!=db,env in (a,b),!legacy" with the grammar of the API
// server (apimachinery's labels.Parse): a lexer that splits at whitespace
// and the symbols = ! ( ) , < >, then a parser that reports the first token
// it did not expect, and the server's validation of keys and values. The
// error is a *SyntaxError whose message is the server's.
func ParseLabels(s string) (Labels, error) {
	p := &labelParser{s: s, toks: lexLabels(s)}
	var out Labels
	for {
		t := p.peek(true)
		switch t.kind {
		case ltIdent, ltNot:
			r, err := p.requirement()
			if err != nil {
				return nil, err
			}
			out = append(out, r)
			switch n := p.next(true); n.kind {
			case ltEnd:
				return out, nil
			case ltComma:
				if a := p.peek(true); a.kind != ltIdent && a.kind != ltNot {
					return nil, p.errAt(a, false, "found '%s', expected: identifier after ','", a.lit)
				}
			default:
				return nil, p.errAt(n, false, "found '%s', expected: ',' or 'end of string'", n.lit)
			}
		case ltEnd:
			return out, nil
		default:
			return nil, p.errAt(t, false, "found '%s', expected: !, identifier, or 'end of string'", t.lit)
		}
	}
}

type labelTokKind int

const (
	ltEnd labelTokKind = iota
	ltIdent
	ltIn
	ltNotIn
	ltOpen
	ltClose
	ltComma
	ltNot
	ltEq
	ltEqEq
	ltNotEq
	ltGt
	ltLt
)

var labelSymbols = map[string]labelTokKind{
	"(": ltOpen, ")": ltClose, ",": ltComma, "!": ltNot, "=": ltEq, "==": ltEqEq, "!=": ltNotEq, ">": ltGt, "<": ltLt,
}

// labelTok is a token and its byte offset in the selector.
type labelTok struct {
	kind labelTokKind
	lit  string
	pos  int
}

func isLabelSymbol(c byte) bool { return strings.IndexByte("=!(),<>", c) >= 0 }

func isLabelSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// lexLabels splits a selector into tokens, ending with ltEnd. A run of
// symbols is cut at its longest known prefix ("!=", "=="), and a word is a
// keyword ("in", "notin") or an identifier.
func lexLabels(s string) []labelTok {
	var toks []labelTok
	i := 0
	for {
		for i < len(s) && isLabelSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] == 0 {
			return append(toks, labelTok{kind: ltEnd, pos: i})
		}
		start := i
		if isLabelSymbol(s[i]) {
			end := i + 1
			if i+1 < len(s) {
				if _, ok := labelSymbols[s[i:i+2]]; ok {
					end = i + 2
				}
			}
			toks = append(toks, labelTok{kind: labelSymbols[s[start:end]], lit: s[start:end], pos: start})
			i = end
			continue
		}
		for i < len(s) && s[i] != 0 && !isLabelSymbol(s[i]) && !isLabelSpace(s[i]) {
			i++
		}
		kind := ltIdent
		switch w := s[start:i]; w {
		case "in":
			kind = ltIn
		case "notin":
			kind = ltNotIn
		}
		toks = append(toks, labelTok{kind: kind, lit: s[start:i], pos: start})
	}
}

type labelParser struct {
	s    string
	toks []labelTok
	i    int
}

// errAt returns a *SyntaxError at t's offset; requirement marks the
// errors the server prefixes with "unable to parse requirement: ".
func (p *labelParser) errAt(t labelTok, requirement bool, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if requirement {
		msg = "unable to parse requirement: " + msg
	}
	return &SyntaxError{Selector: p.s, Pos: t.pos, Msg: msg}
}

// peek returns the next token; where values are expected (values true)
// the keywords are plain identifiers.
func (p *labelParser) peek(values bool) labelTok {
	t := p.toks[p.i]
	if values && (t.kind == ltIn || t.kind == ltNotIn) {
		t.kind = ltIdent
	}
	return t
}

func (p *labelParser) next(values bool) labelTok {
	t := p.peek(values)
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *labelParser) requirement() (Requirement, error) {
	t := p.next(true)
	op := Operator("")
	if t.kind == ltNot {
		op = DoesNotExist
		t = p.next(true)
	}
	if t.kind != ltIdent {
		return Requirement{}, p.errAt(t, true, "found '%s', expected: identifier", t.lit)
	}
	key := t.lit
	if msgs := QualifiedNameErrors(key); len(msgs) > 0 {
		return Requirement{}, p.errAt(t, true, "<nil>: Invalid value: %q: %s", key, strings.Join(msgs, "; "))
	}
	if op == DoesNotExist {
		return Requirement{Key: key, Operator: op}, nil
	}
	if a := p.peek(true); a.kind == ltEnd || a.kind == ltComma {
		return Requirement{Key: key, Operator: Exists}, nil
	}
	switch o := p.next(false); o.kind {
	case ltIn, ltNotIn:
		op = In
		if o.kind == ltNotIn {
			op = NotIn
		}
		vals, toks, err := p.valueSet()
		if err != nil {
			return Requirement{}, err
		}
		return p.checked(key, op, vals, toks)
	case ltEq:
		op = Equals
	case ltEqEq:
		op = DoubleEquals
	case ltNotEq:
		op = NotEquals
	case ltGt:
		op = GreaterThan
	case ltLt:
		op = LessThan
	default:
		return Requirement{}, p.errAt(o, true, "found '%s', expected: in, notin, =, ==, !=, gt, lt", o.lit)
	}
	if a := p.peek(true); a.kind == ltEnd || a.kind == ltComma {
		return p.checked(key, op, []string{""}, []labelTok{a})
	}
	v := p.next(true)
	if v.kind != ltIdent {
		return Requirement{}, p.errAt(v, true, "found '%s', expected: identifier", v.lit)
	}
	return p.checked(key, op, []string{v.lit}, []labelTok{v})
}

// valueSet parses "(a,b,...)"; empty members are "" values. It returns the
// sorted values and, for each, the token it came from.
func (p *labelParser) valueSet() ([]string, []labelTok, error) {
	if t := p.next(true); t.kind != ltOpen {
		return nil, nil, p.errAt(t, true, "found '%s' expected: '('", t.lit)
	}
	set := map[string]labelTok{}
	switch t := p.peek(true); t.kind {
	case ltClose:
		p.next(true)
		return []string{""}, []labelTok{t}, nil
	case ltIdent, ltComma:
	default:
		return nil, nil, p.errAt(t, true, "found '%s', expected: ',', ')' or identifier", t.lit)
	}
	for {
		t := p.next(true)
		switch t.kind {
		case ltIdent:
			set[t.lit] = t
			switch a := p.peek(true); a.kind {
			case ltComma:
				continue
			case ltClose:
				p.next(true)
				return sortedSet(set)
			default:
				return nil, nil, p.errAt(a, true, "found '%s', expected: ',' or ')'", a.lit)
			}
		case ltComma:
			if len(set) == 0 {
				set[""] = t
			}
			switch a := p.peek(true); a.kind {
			case ltClose:
				set[""] = a
				p.next(true)
				return sortedSet(set)
			case ltComma:
				p.next(true)
				set[""] = a
			}
		default:
			return nil, nil, p.errAt(t, true, "found '%s', expected: ',', or identifier", t.lit)
		}
	}
}

func sortedSet(set map[string]labelTok) ([]string, []labelTok, error) {
	vals := make([]string, 0, len(set))
	for k := range set {
		vals = append(vals, k)
	}
	sort.Strings(vals)
	toks := make([]labelTok, len(vals))
	for i, v := range vals {
		toks[i] = set[v]
	}
	return vals, toks, nil
}

// checked returns the requirement after the server's checks of its
// values, reporting every problem at the first offending value's token.
func (p *labelParser) checked(key string, op Operator, vals []string, toks []labelTok) (Requirement, error) {
	var errs []string
	at := -1
	if op == GreaterThan || op == LessThan {
		for i, v := range vals {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				errs = append(errs, fmt.Sprintf("values[%d]: Invalid value: %q: for 'Gt', 'Lt' operators, the value must be an integer", i, v))
				if at < 0 {
					at = i
				}
			}
		}
	}
	for i, v := range vals {
		if msgs := LabelValueErrors(v); len(msgs) > 0 {
			errs = append(errs, fmt.Sprintf("values[%d][%s]: Invalid value: %q: %s", i, key, v, strings.Join(msgs, "; ")))
			if at < 0 {
				at = i
			}
		}
	}
	if len(errs) > 0 {
		return Requirement{}, p.errAt(toks[at], true, "%s", Aggregate(errs))
	}
	return Requirement{Key: key, Operator: op, Values: vals}, nil
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
