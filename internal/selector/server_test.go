package selector

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

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
		"a%b=c":             "unable to parse requirement: <nil>: Invalid value: \"a%b\": " + MsgQualifiedName,
		"a=b%":              "unable to parse requirement: values[0][a]: Invalid value: \"b%\": " + MsgLabelValue,
		"a/b/c=d":           "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": " + MsgQualifiedNameWithPrefix,
		"Abc/x=y":           "unable to parse requirement: <nil>: Invalid value: \"Abc/x\": prefix part " + MsgSubdomain,
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
		"a/=b":              "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; name part " + MsgQualifiedName[len("name part "):],
		"a_b/c=d":           "unable to parse requirement: <nil>: Invalid value: \"a_b/c\": prefix part " + MsgSubdomain,
		longPrefix + "/x=y": "unable to parse requirement: <nil>: Invalid value: \"" + longPrefix + "/x\": prefix part must be no more than 253 bytes",
	}
	for sel, want := range cases {
		_, err := ParseLabels(sel)
		if err == nil {
			t.Errorf("%q: no error, want %s", sel, want)
			continue
		}
		require.Equal(t, want, err.Error(), sel)
	}
	for _, sel := range []string{"", "app=", "app in ()", "app in (a,,b)", "app > 5", "app < 5,b", "a in(x,)", "in=x", "!tier", "app in (web,db)", "x notin (in)"} {
		_, err := ParseLabels(sel)
		require.NoError(t, err, sel)
	}
	ls, err := ParseLabels("app in (web,db),!tier,env")
	require.NoError(t, err)
	require.True(t, ls.MatchesObject(map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "db", "env": "x"}}}))
	require.False(t, ls.MatchesObject(map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "db", "env": "x", "tier": "a"}}}))
}
