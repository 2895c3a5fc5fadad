package fake

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/internal/selector"
)

// parseLabelSelector parses a label selector with the grammar and the error
// messages of the real server (apimachinery's labels.Parse): a lexer that
// splits at whitespace and the symbols = ! ( ) , < >, then a parser that
// reports the first token it did not expect. The result feeds the matcher
// of internal/selector.
func parseLabelSelector(s string) (selector.Labels, error) {
	p := &labelSelParser{toks: lexLabels(s)}
	var out selector.Labels
	for {
		t := p.peek(true)
		switch t.kind {
		case ltIdent, ltNot:
			r, err := p.requirement()
			if err != nil {
				return nil, fmt.Errorf("unable to parse requirement: %v", err)
			}
			out = append(out, r)
			switch n := p.next(true); n.kind {
			case ltEnd:
				return out, nil
			case ltComma:
				if a := p.peek(true); a.kind != ltIdent && a.kind != ltNot {
					return nil, fmt.Errorf("found '%s', expected: identifier after ','", a.lit)
				}
			default:
				return nil, fmt.Errorf("found '%s', expected: ',' or 'end of string'", n.lit)
			}
		case ltEnd:
			return out, nil
		default:
			return nil, fmt.Errorf("found '%s', expected: !, identifier, or 'end of string'", t.lit)
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

type labelTok struct {
	kind labelTokKind
	lit  string
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
			return append(toks, labelTok{kind: ltEnd})
		}
		start := i
		if isLabelSymbol(s[i]) {
			end := i + 1
			if i+1 < len(s) {
				if _, ok := labelSymbols[s[i:i+2]]; ok {
					end = i + 2
				}
			}
			toks = append(toks, labelTok{kind: labelSymbols[s[start:end]], lit: s[start:end]})
			i = end
			continue
		}
		for i < len(s) && s[i] != 0 && !isLabelSymbol(s[i]) && !isLabelSpace(s[i]) {
			i++
		}
		w := s[start:i]
		switch w {
		case "in":
			toks = append(toks, labelTok{kind: ltIn, lit: w})
		case "notin":
			toks = append(toks, labelTok{kind: ltNotIn, lit: w})
		default:
			toks = append(toks, labelTok{kind: ltIdent, lit: w})
		}
	}
}

type labelSelParser struct {
	toks []labelTok
	pos  int
}

// peek returns the next token; where values are expected (values true)
// the keywords are plain identifiers.
func (p *labelSelParser) peek(values bool) labelTok {
	t := p.toks[p.pos]
	if values && (t.kind == ltIn || t.kind == ltNotIn) {
		t.kind = ltIdent
	}
	return t
}

func (p *labelSelParser) next(values bool) labelTok {
	t := p.peek(values)
	if p.pos < len(p.toks)-1 {
		p.pos++
	}
	return t
}

func (p *labelSelParser) requirement() (selector.Requirement, error) {
	t := p.next(true)
	op := selector.Operator("")
	if t.kind == ltNot {
		op = selector.DoesNotExist
		t = p.next(true)
	}
	if t.kind != ltIdent {
		return selector.Requirement{}, fmt.Errorf("found '%s', expected: identifier", t.lit)
	}
	key := t.lit
	if msgs := qualifiedNameErrors(key); len(msgs) > 0 {
		return selector.Requirement{}, fmt.Errorf("<nil>: Invalid value: %q: %s", key, strings.Join(msgs, "; "))
	}
	if op == selector.DoesNotExist {
		return selector.Requirement{Key: key, Operator: op}, nil
	}
	if a := p.peek(true); a.kind == ltEnd || a.kind == ltComma {
		return selector.Requirement{Key: key, Operator: selector.Exists}, nil
	}
	switch o := p.next(false); o.kind {
	case ltIn, ltNotIn:
		op = selector.In
		if o.kind == ltNotIn {
			op = selector.NotIn
		}
		vals, err := p.valueSet()
		if err != nil {
			return selector.Requirement{}, err
		}
		return newLabelRequirement(key, op, vals)
	case ltEq:
		op = selector.Equals
	case ltEqEq:
		op = selector.DoubleEquals
	case ltNotEq:
		op = selector.NotEquals
	case ltGt:
		op = selector.GreaterThan
	case ltLt:
		op = selector.LessThan
	default:
		return selector.Requirement{}, fmt.Errorf("found '%s', expected: in, notin, =, ==, !=, gt, lt", o.lit)
	}
	if a := p.peek(true); a.kind == ltEnd || a.kind == ltComma {
		return newLabelRequirement(key, op, []string{""})
	}
	v := p.next(true)
	if v.kind != ltIdent {
		return selector.Requirement{}, fmt.Errorf("found '%s', expected: identifier", v.lit)
	}
	return newLabelRequirement(key, op, []string{v.lit})
}

// valueSet parses "(a,b,...)"; empty members are "" values.
func (p *labelSelParser) valueSet() ([]string, error) {
	if t := p.next(true); t.kind != ltOpen {
		return nil, fmt.Errorf("found '%s' expected: '('", t.lit)
	}
	set := map[string]bool{}
	switch t := p.peek(true); t.kind {
	case ltClose:
		p.next(true)
		return []string{""}, nil
	case ltIdent, ltComma:
	default:
		return nil, fmt.Errorf("found '%s', expected: ',', ')' or identifier", t.lit)
	}
	for {
		t := p.next(true)
		switch t.kind {
		case ltIdent:
			set[t.lit] = true
			switch a := p.peek(true); a.kind {
			case ltComma:
				continue
			case ltClose:
				p.next(true)
				return sortedSet(set), nil
			default:
				return nil, fmt.Errorf("found '%s', expected: ',' or ')'", a.lit)
			}
		case ltComma:
			if len(set) == 0 {
				set[""] = true
			}
			switch a := p.peek(true); a.kind {
			case ltClose:
				set[""] = true
				p.next(true)
				return sortedSet(set), nil
			case ltComma:
				p.next(true)
				set[""] = true
			}
		default:
			return nil, fmt.Errorf("found '%s', expected: ',', or identifier", t.lit)
		}
	}
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// newLabelRequirement checks the values of a requirement as the real
// server does, reporting every problem.
func newLabelRequirement(key string, op selector.Operator, vals []string) (selector.Requirement, error) {
	var errs []string
	if op == selector.GreaterThan || op == selector.LessThan {
		for i, v := range vals {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				errs = append(errs, fmt.Sprintf("values[%d]: Invalid value: %q: for 'Gt', 'Lt' operators, the value must be an integer", i, v))
			}
		}
	}
	for i, v := range vals {
		if msgs := labelValueErrors(v); len(msgs) > 0 {
			errs = append(errs, fmt.Sprintf("values[%d][%s]: Invalid value: %q: %s", i, key, v, strings.Join(msgs, "; ")))
		}
	}
	if err := aggregate(errs); err != nil {
		return selector.Requirement{}, err
	}
	return selector.Requirement{Key: key, Operator: op, Values: vals}, nil
}

// aggregate joins messages as apimachinery's aggregate error prints them:
// one as is, several de-duplicated in brackets.
func aggregate(msgs []string) error {
	var uniq []string
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m] {
			seen[m] = true
			uniq = append(uniq, m)
		}
	}
	switch len(uniq) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s", uniq[0])
	}
	return fmt.Errorf("[%s]", strings.Join(uniq, ", "))
}

// qualifiedNameErrors are the real server's complaints about a label key
// or another qualified name ("prefix/name").
func qualifiedNameErrors(v string) []string {
	var errs []string
	parts := strings.Split(v, "/")
	name := parts[0]
	switch len(parts) {
	case 1:
	case 2:
		prefix := parts[0]
		name = parts[1]
		switch {
		case prefix == "":
			errs = append(errs, "prefix part must be non-empty")
		default:
			if len(prefix) > 253 {
				errs = append(errs, "prefix part must be no more than 253 characters")
			}
			if !reSubdomain.MatchString(prefix) {
				errs = append(errs, "prefix part "+msgSubdomain)
			}
		}
	default:
		return []string{msgQualifiedNameWithPrefix}
	}
	switch {
	case name == "":
		errs = append(errs, "name part must be non-empty")
	case len(name) > 63:
		errs = append(errs, "name part must be no more than 63 characters")
	}
	if !reQualifiedName.MatchString(name) {
		errs = append(errs, msgQualifiedName)
	}
	return errs
}

// labelValueErrors are the real server's complaints about a label value.
func labelValueErrors(v string) []string {
	var errs []string
	if len(v) > 63 {
		errs = append(errs, "must be no more than 63 characters")
	}
	if v != "" && !reQualifiedName.MatchString(v) {
		errs = append(errs, msgLabelValue)
	}
	return errs
}

const msgQualifiedNameWithPrefix = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
