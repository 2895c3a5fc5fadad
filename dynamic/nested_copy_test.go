package dynamic

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NestedMap and NestedSlice return copies, as client-go's do. Failed
// before the change: writing into the result changed the object.
func TestNestedMapAndSliceReturnCopies(t *testing.T) {
	o := Object{"spec": map[string]any{
		"selector":   map[string]any{"app": "web", "deep": map[string]any{"k": "v"}},
		"containers": []any{map[string]any{"name": "a"}, "x"},
	}}
	m, ok, err := o.NestedMap("spec", "selector")
	require.NoError(t, err)
	require.True(t, ok)
	m["app"] = "changed"
	m["deep"].(map[string]any)["k"] = "changed"

	s, ok, err := o.NestedSlice("spec", "containers")
	require.NoError(t, err)
	require.True(t, ok)
	s[0].(map[string]any)["name"] = "changed"
	s[1] = "changed"

	assert.Equal(t, Object{"spec": map[string]any{
		"selector":   map[string]any{"app": "web", "deep": map[string]any{"k": "v"}},
		"containers": []any{map[string]any{"name": "a"}, "x"},
	}}, o)
}
