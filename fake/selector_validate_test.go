package fake

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A label selector and a node selector term check their requirements
// alike, but only a node selector term takes Gt and Lt.
func TestMatchExpressionOperators(t *testing.T) {
	var exprs []any
	require.NoError(t, json.Unmarshal([]byte(`[
		{"key":"a","operator":"In"},
		{"key":"b","operator":"Exists","values":["x"]},
		{"key":"c","operator":"Gt","values":["1"]},
		{"key":"d","operator":"Lt","values":["1","2"]},
		{"key":"e","operator":"Equals","values":["x"]},
		{"key":"f","operator":"NotIn","values":["x"]}]`), &exprs))
	sel := map[string]any{"matchExpressions": exprs}
	summary := func(errs []fieldError) []string {
		var out []string
		for _, e := range errs {
			out = append(out, e.Type+" "+e.Field+": "+e.Detail)
		}
		return out
	}
	const in = "FieldValueRequired p.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'"
	const exists = "FieldValueForbidden p.matchExpressions[1].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
	assert.Equal(t, []string{
		in, exists,
		"FieldValueInvalid p.matchExpressions[2].operator: not a valid selector operator",
		"FieldValueInvalid p.matchExpressions[3].operator: not a valid selector operator",
		"FieldValueInvalid p.matchExpressions[4].operator: not a valid selector operator",
	}, summary(validateLabelSelector(sel, "p")))
	assert.Equal(t, []string{
		in, exists,
		"FieldValueRequired p.matchExpressions[3].values: must be specified single value when `operator` is 'Lt' or 'Gt'",
		"FieldValueInvalid p.matchExpressions[4].operator: not a valid selector operator",
	}, summary(validateNodeSelectorTerm(sel, "p")))
}
