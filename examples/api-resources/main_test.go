package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/fake"
)

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`

// Failed before the change: the second run answered from the disk cache
// filled by the first and left the new CRD out.
func TestAPIResourcesSeesACRDCreatedAfterTheCacheWasFilled(t *testing.T) {
	srv := fake.NewServer(t)
	kc := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(kc, srv.Kubeconfig(), 0o600))
	cache := t.TempDir()
	run1 := func(args ...string) string {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"-kubeconfig", kc, "-cache-dir", cache}, args...), &stdout, &stderr)
		require.Equal(t, 0, code, stderr.String())
		return stdout.String()
	}
	out := run1()
	assert.NotContains(t, out, "widgets")
	assert.NotEmpty(t, mustGlob(t, filepath.Join(cache, "*", "serverresources.json")), "the answer was stored")

	require.NoError(t, srv.Seed(crd))
	for _, args := range [][]string{nil, {"-cached"}} {
		out = run1(args...)
		var row string
		for line := range strings.Lines(out) {
			if strings.HasPrefix(line, "widgets ") {
				row = strings.Join(strings.Fields(line), " ")
			}
		}
		assert.Equal(t, "widgets wd example.com/v1 true Widget", row, "args %v", args)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	m, err := filepath.Glob(pattern)
	require.NoError(t, err)
	return m
}
