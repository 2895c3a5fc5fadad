package labels

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/selector"
)

func TestParse(t *testing.T) {
	labels := map[string]string{"app": "web", "tier": "front", "n": "5", "example.com/x": "y"}
	tests := []struct {
		sel   string
		str   string
		match bool
	}{
		{"", "", true},
		{"app=web", "app=web", true},
		{"app==web", "app==web", true},
		{"app!=web", "app!=web", false},
		{"app!=db", "app!=db", true},
		{"missing!=x", "missing!=x", true},
		{"app in (db, web)", "app in (db,web)", true},
		{"app notin (web)", "app notin (web)", false},
		{"missing notin (web)", "missing notin (web)", true},
		{"app", "app", true},
		{"!app", "!app", false},
		{"! missing", "!missing", true},
		{"app=web, tier=front", "app=web,tier=front", true},
		{"app=web,tier=back", "app=web,tier=back", false},
		{"n>4,n<6", "n>4,n<6", true},
		{"n>5", "n>5", false},
		{"example.com/x=y", "example.com/x=y", true},
		{"app=", "app=", false},
		{"app in (web,)", "app in (,web)", true},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			s, err := Parse(tt.sel)
			require.NoError(t, err)
			assert.Equal(t, tt.str, s.String())
			assert.Equal(t, tt.match, s.Matches(labels))
		})
	}
}

func TestParseLabelsErrors(t *testing.T) {
	tests := []struct {
		sel string
		pos int
	}{
		{"app=web,", 8},
		{"app in web", 7},
		{"app in (web", 11},
		{"app=we b", 7},
		{"-bad=x", 0},
		{"app=web x", 8},
		{"!", 1},
		{"a>b", 2},
		{"app=-x", 4},
		{"UPPER.com/a=b", 0},
		{"app ~ x", 4},
		{"=x", 0},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			_, err := Parse(tt.sel)
			var se *SyntaxError
			require.True(t, errors.As(err, &se), "%v", err)
			assert.Equal(t, tt.pos, se.Pos, se.Error())
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a=b", "a in (b,c)", "!a", "a notin (x),b!=c", "a>1", "x/y=z", "(", "a in (", "!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := Parse(s)
		if err != nil {
			return
		}
		sel.Matches(map[string]string{"a": "b"})
		// The canonical form parses to the same selector.
		again, err := Parse(sel.String())
		if err != nil {
			t.Fatalf("%q -> %q: %v", s, sel.String(), err)
		}
		if again.String() != sel.String() {
			t.Fatalf("%q -> %q -> %q", s, sel.String(), again.String())
		}
	})
}

// The messages kube-apiserver v1.37.2 answers for these label selectors
// (1.37 counts the length limits of label keys and values in bytes, and
// calls a key with two '/' not "a qualified name" but "a valid label key").
func TestParseLabelSelectorErrors(t *testing.T) {
	long := "1234567890123456789012345678901234567890123456789012345678901234"
	longPrefix := strings.Repeat("a", 254)
	cases := map[string]string{
		"app in web":        "unable to parse requirement: found 'web' expected: '('",
		"app=a b":           "found 'b', expected: ',' or 'end of string'",
		"a b":               "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
		"app in (a":         "unable to parse requirement: found '', expected: ',' or ')'",
		"app in (a b)":      "unable to parse requirement: found 'b', expected: ',' or ')'",
		"app notin":         "unable to parse requirement: found '' expected: '('",
		"app >":             "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer",
		"app > x":           "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
		"!app=x":            "found '=', expected: ',' or 'end of string'",
		"!":                 "unable to parse requirement: found '', expected: identifier",
		",":                 "found ',', expected: !, identifier, or 'end of string'",
		"app,":              "found '', expected: identifier after ','",
		"app,,b":            "found ',', expected: identifier after ','",
		"a==b==c":           "found '==', expected: ',' or 'end of string'",
		"app =! x":          "unable to parse requirement: found '!', expected: identifier",
		"=x":                "found '=', expected: !, identifier, or 'end of string'",
		"app in (a),=":      "found '=', expected: identifier after ','",
		"a%b=c":             "unable to parse requirement: <nil>: Invalid value: \"a%b\": " + selector.MsgQualifiedName,
		"a=b%":              "unable to parse requirement: values[0][a]: Invalid value: \"b%\": " + selector.MsgLabelValue,
		"a/b/c=d":           "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": " + selector.MsgQualifiedNameWithPrefix,
		"Abc/x=y":           "unable to parse requirement: <nil>: Invalid value: \"Abc/x\": prefix part " + selector.MsgSubdomain,
		"(x":                "found '(', expected: !, identifier, or 'end of string'",
		"app ~ x":           "unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt",
		"app notin (":       "unable to parse requirement: found '', expected: ',', ')' or identifier",
		"app=x)":            "found ')', expected: ',' or 'end of string'",
		"a !== b":           "unable to parse requirement: found '=', expected: identifier",
		"a\tb":              "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
		"app in (=)":        "unable to parse requirement: found '=', expected: ',', ')' or identifier",
		long + "=a":         "unable to parse requirement: <nil>: Invalid value: \"" + long + "\": name part must be no more than 63 bytes",
		"a=" + long:         "unable to parse requirement: values[0][a]: Invalid value: \"" + long + "\": must be no more than 63 bytes",
		"/x=y":              "unable to parse requirement: <nil>: Invalid value: \"/x\": prefix part must be non-empty",
		"a/=b":              "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; name part " + selector.MsgQualifiedName[len("name part "):],
		"a_b/c=d":           "unable to parse requirement: <nil>: Invalid value: \"a_b/c\": prefix part " + selector.MsgSubdomain,
		longPrefix + "/x=y": "unable to parse requirement: <nil>: Invalid value: \"" + longPrefix + "/x\": prefix part must be no more than 253 bytes",
	}
	for sel, want := range cases {
		_, err := Parse(sel)
		if err == nil {
			t.Errorf("%q: no error, want %s", sel, want)
			continue
		}
		require.Equal(t, want, err.Error(), sel)
	}
	for _, sel := range []string{"", "app=", "app in ()", "app in (a,,b)", "app > 5", "app < 5,b", "a in(x,)", "in=x", "!tier", "app in (web,db)", "x notin (in)"} {
		_, err := Parse(sel)
		require.NoError(t, err, sel)
	}
	ls, err := Parse("app in (web,db),!tier,env")
	require.NoError(t, err)
	require.True(t, ls.Matches(Set{"app": "db", "env": "x"}))
	require.False(t, ls.Matches(Set{"app": "db", "env": "x", "tier": "a"}))
}
