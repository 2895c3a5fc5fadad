package selector

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFields(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"name": "p", "namespace": "ns"},
		"spec":     map[string]any{"nodeName": "n1", "unschedulable": true, "replicas": float64(3)},
	}
	get := func(f string) string { return Lookup(obj, f) }
	tests := []struct {
		sel   string
		match bool
	}{
		{"", true},
		{"metadata.name=p", true},
		{"metadata.name==p,metadata.namespace=ns", true},
		{"metadata.name!=p", false},
		{"spec.nodeName=", false},
		{"spec.missing=", true},
		{"spec.unschedulable=true", true},
		{"spec.replicas=3", true},
		{`metadata.name=a\,b`, false},
	}
	for _, tt := range tests {
		f, err := ParseFields(tt.sel)
		require.NoError(t, err, tt.sel)
		assert.Equal(t, tt.match, f.Matches(get), tt.sel)
	}
	f, err := ParseFields(`a=x\,y\=z`)
	require.NoError(t, err)
	assert.Equal(t, "x,y=z", f[0].Value)
	assert.Equal(t, `a=x\,y\=z`, f.String())

	for _, bad := range []string{"foo", "a=b,c", "=x", `a=b\`, `a=\q`} {
		_, err := ParseFields(bad)
		var se *SyntaxError
		assert.True(t, errors.As(err, &se), bad)
	}
}

func FuzzParseFields(f *testing.F) {
	for _, s := range []string{"a=b", "a!=b", `a=\,`, "a==b,c=d", "a", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := ParseFields(s)
		if err != nil {
			return
		}
		sel.Matches(func(string) string { return "" })
		_ = sel.String()
	})
}
