//go:build integration

package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
)

// runRawRest runs the raw-rest binary and returns its stdout, stderr and
// exit status.
func runRawRest(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(testContext(t), bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = []string{"HOME=" + t.TempDir()} // no stray ~/.kube/config or KUBECONFIG
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("run raw-rest: %v", err)
	}
	return out.String(), errb.String(), code
}

func TestRawRest(t *testing.T) {
	env := testenv.Shared(t)
	admin := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := goBuild(t, "../..", "./examples/raw-rest", "raw-rest")

	t.Run("default path", func(t *testing.T) {
		stdout, stderr, code := runRawRest(t, bin, "-kubeconfig", admin)
		require.Equal(t, 0, code, stderr)
		assert.Empty(t, stderr)
		assert.True(t, strings.HasPrefix(stdout, "{\n  \"kind\": \"APIVersions\""), stdout)
		var v struct{ Versions []string }
		require.NoError(t, json.Unmarshal([]byte(stdout), &v))
		assert.Equal(t, []string{"v1"}, v.Versions)
	})

	t.Run("path with query", func(t *testing.T) {
		stdout, stderr, code := runRawRest(t, bin, "-kubeconfig", env.Kubeconfig(testenv.IdentityAdminCert), "/api/v1/namespaces?limit=1")
		require.Equal(t, 0, code, stderr)
		var list struct {
			Kind     string
			Metadata struct{ Continue string }
			Items    []json.RawMessage
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &list))
		assert.Equal(t, "NamespaceList", list.Kind)
		assert.Len(t, list.Items, 1)
		assert.NotEmpty(t, list.Metadata.Continue)
	})

	t.Run("forbidden", func(t *testing.T) {
		stdout, stderr, code := runRawRest(t, bin, "-kubeconfig", env.Kubeconfig(testenv.IdentityJane), "/api/v1/namespaces/kube-system/services")
		assert.Equal(t, 1, code)
		assert.Empty(t, stdout)
		assert.Equal(t, `Error from server (Forbidden): services is forbidden: User "jane" cannot list resource "services" in API group "" in the namespace "kube-system"`+"\n", stderr)
	})

	t.Run("not found", func(t *testing.T) {
		_, stderr, code := runRawRest(t, bin, "-kubeconfig", admin, "/api/v1/namespaces/default/configmaps/nope")
		assert.Equal(t, 1, code)
		assert.Equal(t, `Error from server (NotFound): configmaps "nope" not found`+"\n", stderr)
	})

	t.Run("not JSON", func(t *testing.T) {
		stdout, stderr, code := runRawRest(t, bin, "-kubeconfig", admin, "/healthz")
		assert.Equal(t, 1, code)
		assert.Empty(t, stdout)
		assert.Equal(t, `error: GET /healthz: the server answered with content type "text/plain; charset=utf-8", not JSON (2 bytes): ok`+"\n", stderr)
	})

	t.Run("bad kubeconfig", func(t *testing.T) {
		_, stderr, code := runRawRest(t, bin, "-kubeconfig", filepath.Join(t.TempDir(), "missing"))
		assert.Equal(t, 1, code)
		assert.True(t, strings.HasPrefix(stderr, "error: "), stderr)
	})

	t.Run("usage", func(t *testing.T) {
		_, stderr, code := runRawRest(t, bin, "/a", "/b")
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "usage: raw-rest")
	})
}
