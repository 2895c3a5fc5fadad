package labels

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/internal/selector"
)

// SyntaxError reports a selector that does not parse, with the message
// kube-apiserver gives for it. Pos is the byte offset in the selector
// where the problem was found.
type SyntaxError struct {
	Selector string
	Pos      int
	Msg      string
}

// Error returns the message the API server gives for the selector.
func (e *SyntaxError) Error() string { return e.Msg }

// Parse parses a label selector such as "app=web,tier!=db,env in (a,b),!legacy"
// with the grammar and the checks of the API server (apimachinery's
// labels.Parse): a lexer that splits at whitespace and the symbols
// = ! ( ) , < >, a parser that reports the first token it did not expect,
// and the server's validation of keys and values. The requirements are
// sorted by key, as apimachinery sorts them. The error is a *SyntaxError
// whose message is the server's.
func Parse(s string) (Selector, error) {
	reqs, err := parseRequirements(s)
	if err != nil {
		return Selector{}, err
	}
	return Everything().Add(reqs...), nil
}

func parseRequirements(s string) ([]Requirement, error) {
	p := &labelParser{s: s, toks: lexLabels(s)}
	var out []Requirement
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
	if msgs := selector.QualifiedNameErrors(key); len(msgs) > 0 {
		return Requirement{}, p.errAt(t, true, "<nil>: Invalid value: %q: %s", key, strings.Join(msgs, "; "))
	}
	if op == DoesNotExist {
		return Requirement{key: key, op: op}, nil
	}
	if a := p.peek(true); a.kind == ltEnd || a.kind == ltComma {
		return Requirement{key: key, op: Exists}, nil
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
		if msgs := selector.LabelValueErrors(v); len(msgs) > 0 {
			errs = append(errs, fmt.Sprintf("values[%d][%s]: Invalid value: %q: %s", i, key, v, strings.Join(msgs, "; ")))
			if at < 0 {
				at = i
			}
		}
	}
	if len(errs) > 0 {
		return Requirement{}, p.errAt(toks[at], true, "%s", selector.Aggregate(errs))
	}
	return Requirement{key: key, op: op, values: vals}, nil
}
