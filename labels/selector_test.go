package labels

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
)

// apimachinery v0.37.2's labels.Parse(in).String(), recorded by running it.
func TestCanonicalString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tier=front,app=web", "app=web,tier=front"},
		{"b in (z,a),a notin (y,x)", "a notin (x,y),b in (a,z)"},
		{"z,!y,x>3,w<5", "w<5,x>3,!y,z"},
		{"app==web,app!=db", "app==web,app!=db"},
		{"x in (b,a,,c)", "x in (,a,b,c)"},
		{"a=b,a=c", "a=b,a=c"},
		{" env  in ( prod , dev ) ", "env in (dev,prod)"},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, sel.String(), tt.in)
	}
}

func TestSet(t *testing.T) {
	s := Set{"tier": "front", "app": "web"}
	assert.Equal(t, "app=web,tier=front", s.String())
	assert.True(t, s.Has("app"))
	assert.False(t, s.Has("x"))
	assert.Equal(t, "web", s.Get("app"))
	assert.Equal(t, "", Set{}.String())

	sel, err := SelectorFromSet(s)
	require.NoError(t, err)
	assert.Equal(t, "app=web,tier=front", sel.String())
	assert.True(t, sel.Matches(Set{"app": "web", "tier": "front", "x": "y"}))
	assert.False(t, sel.Matches(Set{"app": "web"}))

	_, err = SelectorFromSet(Set{"bad key": "v"})
	var re *RequirementError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "bad key", re.Key)
}

func TestNewRequirement(t *testing.T) {
	tests := []struct {
		key    string
		op     Operator
		vals   []string
		str    string
		reason string // "" = valid
	}{
		{"app", Equals, []string{"web"}, "app=web", ""},
		{"app", DoubleEquals, []string{"web"}, "app==web", ""},
		{"app", NotEquals, []string{"web"}, "app!=web", ""},
		{"app", In, []string{"b", "a"}, "app in (a,b)", ""},
		{"app", NotIn, []string{"a"}, "app notin (a)", ""},
		{"app", Exists, nil, "app", ""},
		{"app", DoesNotExist, nil, "!app", ""},
		{"n", GreaterThan, []string{"3"}, "n>3", ""},
		{"n", LessThan, []string{"3"}, "n<3", ""},
		{"n", LessThan, []string{"-3"}, "", "a valid label must be"},
		{"example.com/app", Equals, []string{""}, "example.com/app=", ""},
		{"app", In, nil, "", "values set can't be empty"},
		{"app", Equals, []string{"a", "b"}, "", "one single value"},
		{"app", Exists, []string{"a"}, "", "must be empty"},
		{"n", GreaterThan, []string{"x"}, "", "must be an integer"},
		{"n", LessThan, nil, "", "exactly one value"},
		{"app", Operator("~"), []string{"a"}, "", "Unsupported value"},
		{"-app", Equals, []string{"a"}, "", "name part must consist"},
		{"app", Equals, []string{"-a"}, "", "a valid label must be"},
	}
	for _, tt := range tests {
		t.Run(tt.str+tt.reason, func(t *testing.T) {
			r, err := NewRequirement(tt.key, tt.op, tt.vals)
			if tt.reason != "" {
				var re *RequirementError
				require.True(t, errors.As(err, &re), "%v", err)
				assert.Contains(t, err.Error(), tt.reason)
				assert.Equal(t, tt.key, re.Key)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.str, r.String())
			assert.Equal(t, tt.key, r.Key())
			assert.Equal(t, tt.op, r.Operator())
			// It parses back to itself.
			sel, err := Parse(r.String())
			require.NoError(t, err)
			assert.Equal(t, r.String(), sel.String())
		})
	}
	vals := []string{"b", "a"}
	r, err := NewRequirement("k", In, vals)
	require.NoError(t, err)
	vals[0] = "z"
	assert.Equal(t, []string{"a", "b"}, r.Values(), "copied and sorted")
	assert.False(t, Requirement{}.Matches(Set{"": ""}), "the zero requirement matches nothing")
}

func TestRequirementMatches(t *testing.T) {
	set := Set{"app": "web", "n": "5", "s": "x"}
	tests := []struct {
		sel  string
		want bool
	}{
		{"app=web", true}, {"app==db", false}, {"app!=db", true}, {"missing!=db", true},
		{"app in (db,web)", true}, {"app notin (web)", false}, {"missing notin (web)", true}, {"missing in (web)", false},
		{"app", true}, {"missing", false}, {"!missing", true}, {"!app", false},
		{"n>4", true}, {"n>5", false}, {"n<6", true}, {"missing>1", false}, {"s>1", false},
		{"app=web,n>4,!missing", true}, {"app=web,n>5", false},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		require.NoError(t, err, tt.sel)
		assert.Equal(t, tt.want, sel.Matches(set), tt.sel)
	}
}

func TestSelectorValues(t *testing.T) {
	assert.True(t, Everything().Matches(Set{"a": "b"}))
	assert.True(t, Selector{}.Matches(nil))
	assert.False(t, Nothing().Matches(Set{}))
	assert.True(t, Nothing().Empty())
	assert.Equal(t, "", Nothing().String())

	r1, _ := NewRequirement("z", Exists, nil)
	r2, _ := NewRequirement("a", Equals, []string{"1"})
	s1 := Everything().Add(r1)
	s2 := s1.Add(r2)
	assert.Equal(t, "z", s1.String(), "Add does not change its receiver")
	assert.Equal(t, "a=1,z", s2.String())
	reqs := s2.Requirements()
	reqs[0] = r1
	assert.Equal(t, "a=1,z", s2.String(), "Requirements is a copy")
}

func TestFromLabelSelector(t *testing.T) {
	tests := []struct {
		name string
		ls   *metav1.LabelSelector
		want string
		ok   Set
		no   Set
	}{
		{"nil selects nothing", nil, "", nil, Set{}},
		{"empty selects everything", &metav1.LabelSelector{}, "", Set{"x": "y"}, nil},
		// apimachinery v0.37.2's LabelSelectorAsSelector gives the same text.
		{"both", &metav1.LabelSelector{
			MatchLabels: map[string]string{"b": "2", "a": "1"},
			MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "c", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"y", "x"}},
				{Key: "a", Operator: metav1.LabelSelectorOpExists},
			}}, "a=1,a,b=2,c notin (x,y)", Set{"a": "1", "b": "2"}, Set{"a": "1", "b": "2", "c": "x"}},
		{"in and does not exist", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "env", Operator: metav1.LabelSelectorOpIn, Values: []string{"prod", "dev"}},
			{Key: "legacy", Operator: metav1.LabelSelectorOpDoesNotExist},
		}}, "env in (dev,prod),!legacy", Set{"env": "dev"}, Set{"env": "dev", "legacy": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := FromLabelSelector(tt.ls)
			require.NoError(t, err)
			assert.Equal(t, tt.want, sel.String())
			if tt.ok != nil {
				assert.True(t, sel.Matches(tt.ok))
			}
			if tt.no != nil {
				assert.False(t, sel.Matches(tt.no))
			}
		})
	}
	for _, bad := range []*metav1.LabelSelector{
		{MatchLabels: map[string]string{"a": "-x"}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Gt", Values: []string{"1"}}}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpIn}}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpExists, Values: []string{"x"}}}},
	} {
		_, err := FromLabelSelector(bad)
		var re *RequirementError
		assert.True(t, errors.As(err, &re), "%+v: %v", bad, err)
	}
}

func TestToLabelSelector(t *testing.T) {
	// apimachinery v0.37.2's ParseToLabelSelector of the same text.
	sel, err := Parse("b in (z,a),a=1,!c,d")
	require.NoError(t, err)
	ls, err := ToLabelSelector(sel)
	require.NoError(t, err)
	assert.Equal(t, &metav1.LabelSelector{
		MatchLabels: map[string]string{"a": "1"},
		MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "b", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "z"}},
			{Key: "c", Operator: metav1.LabelSelectorOpDoesNotExist},
			{Key: "d", Operator: metav1.LabelSelectorOpExists},
		},
	}, ls)
	back, err := FromLabelSelector(ls)
	require.NoError(t, err)
	assert.Equal(t, sel.String(), back.String(), "round trip")

	for _, bad := range []string{"a!=1", "n>1", "n<1", "a=1,a=2"} {
		sel, err := Parse(bad)
		require.NoError(t, err)
		_, err = ToLabelSelector(sel)
		var re *RequirementError
		assert.True(t, errors.As(err, &re), "%s: %v", bad, err)
	}
	_, err = ToLabelSelector(Nothing())
	assert.Error(t, err)
	ls, err = ToLabelSelector(Everything())
	require.NoError(t, err)
	assert.Equal(t, &metav1.LabelSelector{}, ls)
}
