package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/fake"
)

const mixed = `apiVersion: resource.example.com/v1
kind: ResourceClaim
metadata:
  name: claim
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after
`

// Failed before the change: the ConfigMap after the unserved kind was
// never sent.
func TestApplyReportsAFailureAndAppliesTheRest(t *testing.T) {
	srv := fake.NewServer(t)
	dir := t.TempDir()
	kc := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(kc, srv.Kubeconfig(), 0o600))
	file := filepath.Join(dir, "mixed.yaml")
	require.NoError(t, os.WriteFile(file, []byte(mixed), 0o600))

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-kubeconfig", kc, "-f", file}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Equal(t, "configmap/after serverside-applied\n", stdout.String())
	assert.Equal(t, `error: applying ResourceClaim/claim from "`+file+`": no matches for kind "ResourceClaim" in version "resource.example.com/v1"; did you mean "ResourceClaim" or "ResourceSlice"?`+"\n", stderr.String())

	stdout.Reset()
	stderr.Reset()
	require.NoError(t, os.WriteFile(file, bytes.Replace([]byte(mixed), []byte("name: after"), []byte("name: second"), 1), 0o600))
	code = run(context.Background(), []string{"-kubeconfig", kc, "-stop-on-error", "-f", file}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout.String())
	assert.Contains(t, stderr.String(), "ResourceClaim/claim")
}
