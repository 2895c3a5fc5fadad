//go:build integration

// Package integration runs kubewire's config and rest packages against a
// real kube-apiserver started by internal/testenv. Run with
//
//	go test -tags integration ./internal/integration/...
//
// after .ci/build-apiserver.sh has built the server (.ci/integration.sh does
// both).
package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// testContext returns a context that ends with the test or after a minute.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// freshServer starts a kube-apiserver (and etcd) of the test's own, stopped
// when it ends: for a test that needs what the shared one has lost (its
// fresh state) or a server started with other flags.
func freshServer(t *testing.T, opts ...testenv.StartOption) *testenv.Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testenv.StartTimeout)
	defer cancel()
	env, err := testenv.Start(ctx, opts...)
	require.NoError(t, err)
	t.Cleanup(env.Stop)
	return env
}

// loadKubeconfig loads the kubeconfig at path through the config package,
// the way a program given --kubeconfig does.
func loadKubeconfig(t *testing.T, path string) *config.Config {
	t.Helper()
	cfg, err := config.Load(config.Options{Kubeconfig: path})
	require.NoError(t, err)
	return cfg
}

// newClient builds a rest client for cfg.
func newClient(t *testing.T, cfg *config.Config, opts ...rest.Option) *rest.Client {
	t.Helper()
	c, err := rest.New(cfg, opts...)
	require.NoError(t, err)
	return c
}

// clientFor returns a client for one of the environment's identities,
// configured from its kubeconfig file.
func clientFor(t *testing.T, env *testenv.Env, id testenv.Identity) *rest.Client {
	t.Helper()
	return newClient(t, loadKubeconfig(t, env.Kubeconfig(id)))
}

// goBuild builds the main package pkg, relative to dir (a directory with its
// own go.mod, or one of this module), into t.TempDir()/name and returns the
// binary's path.
func goBuild(t *testing.T, dir, pkg, name string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to build a helper program")
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(goBin, "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build %s:\n%s", pkg, b)
	return out
}
