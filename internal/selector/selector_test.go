package selector

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLabels(t *testing.T) {
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
			s, err := ParseLabels(tt.sel)
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
			_, err := ParseLabels(tt.sel)
			var se *SyntaxError
			require.True(t, errors.As(err, &se), "%v", err)
			assert.Equal(t, tt.pos, se.Pos, se.Error())
		})
	}
}

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

func FuzzParseLabels(f *testing.F) {
	for _, s := range []string{"a=b", "a in (b,c)", "!a", "a notin (x),b!=c", "a>1", "x/y=z", "(", "a in (", "!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := ParseLabels(s)
		if err != nil {
			return
		}
		sel.Matches(map[string]string{"a": "b"})
		// The canonical form parses to the same selector.
		again, err := ParseLabels(sel.String())
		if err != nil {
			t.Fatalf("%q -> %q: %v", s, sel.String(), err)
		}
		if again.String() != sel.String() {
			t.Fatalf("%q -> %q -> %q", s, sel.String(), again.String())
		}
	})
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
