package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExplainKubeconfig(t *testing.T) {
	e := newEnv(t)
	first := e.write("first", basic)
	second := e.write("second", `clusters:
- name: dev-cluster
  cluster: {server: https://shadowed}
`)
	missing := filepath.Join(filepath.Dir(first), "missing")
	e.vars["KUBECONFIG"] = strings.Join([]string{missing, first, second}, string(os.PathListSeparator))
	o := e.opts()
	o.Namespace = "kube-system"
	cfg, err := Load(o)
	require.NoError(t, err)
	out := Explain(cfg)
	for _, want := range []string{
		"method:    kubeconfig, found via KUBECONFIG=",
		missing + " (KUBECONFIG entry 1 of 3): not found, skipped",
		first + " (KUBECONFIG entry 2 of 3)",
		"context:   dev",
		"current-context of KUBECONFIG entry 2 of 3, the first file that sets one",
		"set by:  current-context at " + first + ":3",
		"entry:   contexts[dev] (" + first + ":13)",
		"cluster:   dev-cluster",
		"server:    https://dev.example:6443",
		"set by:  clusters[dev-cluster].cluster.server at " + first + ":7",
		"ignored: also defined in " + second + " (the first file that names an entry wins)",
		"namespace: kube-system",
		"why:     --namespace (Options.Namespace)",
		"user:      jane",
		"auth:      bearer token",
		"set by:  users[jane].user.token at " + first + ":11",
		"tried first:",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "tok-jane-secret")
}

func TestExplainInCluster(t *testing.T) {
	e := newEnv(t)
	e.inCluster("team-a")
	cfg, err := Load(e.opts())
	require.NoError(t, err)
	out := Explain(cfg)
	for _, want := range []string{
		"method:    in-cluster service account",
		"server:    https://10.96.0.1:443",
		"KUBERNETES_SERVICE_HOST=10.96.0.1, KUBERNETES_SERVICE_PORT=443",
		"namespace: team-a",
		"auth:      service-account token read from " + filepath.Join(e.sa, "token"),
		"tried first:",
		filepath.Join(e.home, ".kube", "config") + " does not exist",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "sa-token-secret")
}

func TestExplainOverridesAndHandBuilt(t *testing.T) {
	e := newEnv(t)
	o := e.opts()
	o.Server = "https://user:proxy-pass@override"
	cfg, err := Load(o)
	require.NoError(t, err)
	out := Explain(cfg)
	assert.Contains(t, out, "method:    overrides only")
	assert.Contains(t, out, "--server (Options.Server)")
	assert.Contains(t, out, "auth:      none")
	assert.NotContains(t, out, "proxy-pass")

	out = Explain(&Config{Server: "https://h", Namespace: "n"})
	assert.Contains(t, out, "no provenance was recorded")
	assert.Contains(t, out, "server:    https://h")
	assert.Equal(t, "no configuration\n", Explain(nil))
}

func TestExplainExample(t *testing.T) {
	// Shows the full output in verbose runs; checks it is stable enough to
	// end with a newline and have no empty values.
	e := newEnv(t)
	p := e.write("kc", basic)
	cfg, err := LoadFile(p, e.opts())
	require.NoError(t, err)
	out := Explain(cfg)
	t.Log("\n" + out)
	assert.True(t, strings.HasSuffix(out, "\n"))
	assert.NotContains(t, out, "(none)")
	assert.Equal(t, 1, strings.Count(out, "method:"), fmt.Sprint(out))
}
