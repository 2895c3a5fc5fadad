package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// testEnv is an isolated environment: a fake home, an empty service-account
// directory and an environment map, none of which touch the real machine.
type testEnv struct {
	t    *testing.T
	home string
	sa   string
	vars map[string]string
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	root := t.TempDir()
	e := &testEnv{t: t, home: filepath.Join(root, "home"), sa: filepath.Join(root, "sa"), vars: map[string]string{}}
	require.NoError(t, os.MkdirAll(e.home, 0o755))
	require.NoError(t, os.MkdirAll(e.sa, 0o755))
	return e
}

// opts returns Options bound to the isolated environment.
func (e *testEnv) opts() Options {
	return Options{
		Getenv:       func(k string) string { return e.vars[k] },
		HomeDir:      e.home,
		InClusterDir: e.sa,
	}
}

// write creates a file (and its directories) under the temp root when rel
// is relative, and returns its absolute path.
func (e *testEnv) write(rel, content string) string {
	e.t.Helper()
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(e.home), rel)
	}
	require.NoError(e.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(e.t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// homeConfig writes $HOME/.kube/config.
func (e *testEnv) homeConfig(content string) string {
	e.t.Helper()
	return e.write(filepath.Join(e.home, ".kube", "config"), content)
}

// inCluster makes the in-cluster environment complete.
func (e *testEnv) inCluster(namespace string) {
	e.t.Helper()
	e.vars["KUBERNETES_SERVICE_HOST"] = "10.96.0.1"
	e.vars["KUBERNETES_SERVICE_PORT"] = "443"
	e.write(filepath.Join(e.sa, "token"), "sa-token-secret")
	e.write(filepath.Join(e.sa, "ca.crt"), "ca")
	if namespace != "" {
		e.write(filepath.Join(e.sa, "namespace"), namespace+"\n")
	}
}

// kcErr asserts err is a *KubeconfigError and returns it.
func kcErr(t *testing.T, err error) *KubeconfigError {
	t.Helper()
	require.Error(t, err)
	var ke *KubeconfigError
	require.ErrorAs(t, err, &ke, "error: %v", err)
	return ke
}

// basic is a small valid kubeconfig; its relative CA path needs ca.crt next
// to it.
const basic = `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
users:
- name: jane
  user:
    token: tok-jane-secret
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: jane
    namespace: team-a
- name: other
  context:
    cluster: dev-cluster
`

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}
