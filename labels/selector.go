// Package labels builds, parses, matches and prints label selectors in the
// API's syntax ("app=web,tier in (a,b),!legacy"), with the semantics of
// apimachinery's labels package: Set, Requirement and Selector, Parse with
// the API server's grammar and messages, and conversion from and to
// metav1.LabelSelector. The fake API server filters lists and watches
// with it.
package labels

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/selector"
)

// Operator is the comparison of one requirement.
type Operator string

// The operators of label selectors, as apimachinery's selection package
// spells them.
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

// Set is a set of labels: key to value. A Set is what a selector matches
// (an object's metadata.labels).
type Set map[string]string

// String returns the set as a selector text, "key=value" pairs sorted by
// key and joined by commas.
func (s Set) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + s[k]
	}
	return strings.Join(keys, ",")
}

// Has reports whether the set has key.
func (s Set) Has(key string) bool { _, ok := s[key]; return ok }

// Get returns the value of key, "" when absent.
func (s Set) Get(key string) string { return s[key] }

// SelectorFromSet returns the selector matching the labels that have
// every key=value of s. The error is a *RequirementError for a key or
// value the API would refuse.
func SelectorFromSet(s Set) (Selector, error) {
	reqs := make([]Requirement, 0, len(s))
	for k, v := range s {
		r, err := NewRequirement(k, Equals, []string{v})
		if err != nil {
			return Selector{}, err
		}
		reqs = append(reqs, r)
	}
	return Everything().Add(reqs...), nil
}

// Requirement is one term of a selector: a key, an operator and the
// values it compares against. Make one with NewRequirement or Parse; the
// zero Requirement matches nothing.
type Requirement struct {
	key    string
	op     Operator
	values []string
}

// RequirementError reports a requirement the API would refuse: an invalid
// key or value, the wrong number of values for its operator, a value of Gt
// or Lt that is not an integer, an unknown operator, or, converting to a
// metav1.LabelSelector, an operator it cannot hold.
type RequirementError struct {
	Key      string
	Operator Operator
	// Reasons are the problems, each in the API server's words.
	Reasons []string
}

// Error returns the error's message.
func (e *RequirementError) Error() string {
	return fmt.Sprintf("invalid label requirement %q %s: %s", e.Key, e.Operator, selector.Aggregate(e.Reasons))
}

// NewRequirement returns the requirement after the API server's checks:
// In and NotIn need at least one value, Equals, DoubleEquals, NotEquals,
// GreaterThan and LessThan exactly one (an integer for the last two),
// Exists and DoesNotExist none; keys are qualified names and values label
// values. The error is a *RequirementError listing every problem. vals is
// copied.
func NewRequirement(key string, op Operator, vals []string) (Requirement, error) {
	var reasons []string
	for _, m := range selector.QualifiedNameErrors(key) {
		reasons = append(reasons, "key: Invalid value: "+strconv.Quote(key)+": "+m)
	}
	switch op {
	case In, NotIn:
		if len(vals) == 0 {
			reasons = append(reasons, "values: Invalid value: for 'in', 'notin' operators, values set can't be empty")
		}
	case Equals, DoubleEquals, NotEquals:
		if len(vals) != 1 {
			reasons = append(reasons, "values: Invalid value: exact-match compatibility requires one single value")
		}
	case Exists, DoesNotExist:
		if len(vals) != 0 {
			reasons = append(reasons, "values: Invalid value: values set must be empty for exists and does not exist")
		}
	case GreaterThan, LessThan:
		if len(vals) != 1 {
			reasons = append(reasons, "values: Invalid value: for 'Gt', 'Lt' operators, exactly one value is required")
		}
		for i, v := range vals {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				reasons = append(reasons, fmt.Sprintf("values[%d]: Invalid value: %q: for 'Gt', 'Lt' operators, the value must be an integer", i, v))
			}
		}
	default:
		reasons = append(reasons, fmt.Sprintf("operator: Unsupported value: %q", op))
	}
	for i, v := range vals {
		for _, m := range selector.LabelValueErrors(v) {
			reasons = append(reasons, fmt.Sprintf("values[%d][%s]: Invalid value: %q: %s", i, key, v, m))
		}
	}
	if len(reasons) > 0 {
		return Requirement{}, &RequirementError{Key: key, Operator: op, Reasons: reasons}
	}
	return Requirement{key: key, op: op, values: slices.Clone(vals)}, nil
}

// Key returns the requirement's label key.
func (r Requirement) Key() string { return r.key }

// Operator returns the requirement's operator.
func (r Requirement) Operator() Operator { return r.op }

// Values returns a sorted copy of the requirement's values.
func (r Requirement) Values() []string {
	v := slices.Clone(r.values)
	sort.Strings(v)
	return v
}

// Matches reports whether labels satisfy the requirement. Gt and Lt match
// a label whose value is an integer greater, or less, than theirs.
func (r Requirement) Matches(labels Set) bool {
	v, has := labels[r.key]
	switch r.op {
	case Equals, DoubleEquals, In:
		return has && slices.Contains(r.values, v)
	case NotEquals, NotIn:
		return !has || !slices.Contains(r.values, v)
	case Exists:
		return has
	case DoesNotExist:
		return !has
	case GreaterThan, LessThan:
		if !has || len(r.values) != 1 {
			return false
		}
		a, err1 := strconv.ParseInt(v, 10, 64)
		b, err2 := strconv.ParseInt(r.values[0], 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if r.op == GreaterThan {
			return a > b
		}
		return a < b
	}
	return false
}

// String returns the requirement in the API's syntax, values sorted:
// "app=web", "!legacy", "tier in (a,b)", "n>3".
func (r Requirement) String() string {
	var b strings.Builder
	if r.op == DoesNotExist {
		b.WriteByte('!')
	}
	b.WriteString(r.key)
	switch r.op {
	case Exists, DoesNotExist:
		return b.String()
	case In, NotIn:
		b.WriteString(" " + string(r.op) + " (")
		b.WriteString(strings.Join(r.Values(), ","))
		b.WriteByte(')')
		return b.String()
	case GreaterThan:
		b.WriteByte('>')
	case LessThan:
		b.WriteByte('<')
	default:
		b.WriteString(string(r.op))
	}
	b.WriteString(strings.Join(r.Values(), ","))
	return b.String()
}

// Selector is a label selector: the conjunction of its requirements,
// sorted by key. The zero Selector (and Everything) has none and matches
// every set; Nothing matches none. Selectors are values: Add returns a
// new one.
type Selector struct {
	reqs    []Requirement
	nothing bool
}

// Everything returns the selector that matches every set.
func Everything() Selector { return Selector{} }

// Nothing returns the selector that matches no set (what a nil
// metav1.LabelSelector selects).
func Nothing() Selector { return Selector{nothing: true} }

// Add returns s with reqs added, the requirements sorted by key (those of
// the same key in the order added).
func (s Selector) Add(reqs ...Requirement) Selector {
	out := Selector{reqs: make([]Requirement, 0, len(s.reqs)+len(reqs)), nothing: s.nothing}
	out.reqs = append(append(out.reqs, s.reqs...), reqs...)
	sort.SliceStable(out.reqs, func(i, j int) bool { return out.reqs[i].key < out.reqs[j].key })
	return out
}

// Matches reports whether labels satisfy every requirement.
func (s Selector) Matches(labels Set) bool {
	if s.nothing {
		return false
	}
	for _, r := range s.reqs {
		if !r.Matches(labels) {
			return false
		}
	}
	return true
}

// Empty reports whether s has no requirements (it matches everything,
// unless it is Nothing).
func (s Selector) Empty() bool { return len(s.reqs) == 0 }

// Requirements returns a copy of s's requirements, sorted by key.
func (s Selector) Requirements() []Requirement { return slices.Clone(s.reqs) }

// String returns s in the API's syntax, as apimachinery prints it:
// requirements sorted by key, joined by commas, values sorted. Everything
// and Nothing print as "".
func (s Selector) String() string {
	parts := make([]string, len(s.reqs))
	for i, r := range s.reqs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// FromLabelSelector returns the selector a metav1.LabelSelector stands
// for, as the API server reads it: nil selects nothing, an empty one
// everything, matchLabels are Equals requirements and matchExpressions
// In, NotIn, Exists and DoesNotExist ones. The error is a
// *RequirementError for an invalid key, value or operator.
func FromLabelSelector(ls *metav1.LabelSelector) (Selector, error) {
	if ls == nil {
		return Nothing(), nil
	}
	reqs := make([]Requirement, 0, len(ls.MatchLabels)+len(ls.MatchExpressions))
	for k, v := range ls.MatchLabels {
		r, err := NewRequirement(k, Equals, []string{v})
		if err != nil {
			return Selector{}, err
		}
		reqs = append(reqs, r)
	}
	for _, e := range ls.MatchExpressions {
		var op Operator
		switch e.Operator {
		case metav1.LabelSelectorOpIn:
			op = In
		case metav1.LabelSelectorOpNotIn:
			op = NotIn
		case metav1.LabelSelectorOpExists:
			op = Exists
		case metav1.LabelSelectorOpDoesNotExist:
			op = DoesNotExist
		default:
			return Selector{}, &RequirementError{Key: e.Key, Operator: Operator(e.Operator),
				Reasons: []string{fmt.Sprintf("%q is not a valid label selector operator", e.Operator)}}
		}
		r, err := NewRequirement(e.Key, op, e.Values)
		if err != nil {
			return Selector{}, err
		}
		reqs = append(reqs, r)
	}
	return Everything().Add(reqs...), nil
}

// ToLabelSelector returns s as a metav1.LabelSelector, as apimachinery's
// ParseToLabelSelector builds it: Equals and DoubleEquals go to
// matchLabels, In, NotIn, Exists and DoesNotExist to matchExpressions
// (values sorted). A metav1.LabelSelector cannot hold NotEquals, Gt or Lt,
// nor two values for one matchLabels key, nor Nothing: those are a
// *RequirementError.
func ToLabelSelector(s Selector) (*metav1.LabelSelector, error) {
	if s.nothing {
		return nil, &RequirementError{Reasons: []string{"the selector that matches nothing has no metav1.LabelSelector form (nil selects nothing)"}}
	}
	out := &metav1.LabelSelector{}
	for _, r := range s.reqs {
		var op metav1.LabelSelectorOperator
		switch r.op {
		case Equals, DoubleEquals:
			if prev, dup := out.MatchLabels[r.key]; dup && prev != r.values[0] {
				return nil, &RequirementError{Key: r.key, Operator: r.op, Reasons: []string{"matchLabels cannot hold two values for one key"}}
			}
			if out.MatchLabels == nil {
				out.MatchLabels = map[string]string{}
			}
			out.MatchLabels[r.key] = r.values[0]
			continue
		case In:
			op = metav1.LabelSelectorOpIn
		case NotIn:
			op = metav1.LabelSelectorOpNotIn
		case Exists:
			op = metav1.LabelSelectorOpExists
		case DoesNotExist:
			op = metav1.LabelSelectorOpDoesNotExist
		default:
			return nil, &RequirementError{Key: r.key, Operator: r.op, Reasons: []string{fmt.Sprintf("%q isn't supported in label selectors", r.op)}}
		}
		var vals []string
		if len(r.values) > 0 {
			vals = r.Values()
		}
		out.MatchExpressions = append(out.MatchExpressions, metav1.LabelSelectorRequirement{Key: r.key, Operator: op, Values: vals})
	}
	return out, nil
}
