package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/fake"
)

// noCluster is an environment with no kubeconfig and no service account.
func noCluster(t *testing.T) config.Options {
	return config.Options{
		Getenv:       func(string) string { return "" },
		HomeDir:      t.TempDir(),
		InClusterDir: filepath.Join(t.TempDir(), "none"),
	}
}

func TestQuickstartStartsFakeServerWhenNothingIsConfigured(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, noCluster(t)))
	s := out.String()
	assert.Contains(t, s, "No cluster configured: started kubewire's fake API server")
	assert.Regexp(t, `Created namespace kubewire-quickstart-\w+`, s)
	assert.Contains(t, s, "/hello (2 replicas)")
	assert.Contains(t, s, "There are 2 pods labelled app=hello, 2 ready")
	assert.Regexp(t, `hello-\w+-\w{5} \(10\.244\.\d+\.\d+ on fake-node\)`, s)
	assert.Contains(t, s, `Watched MODIFIED configmap/greeting: message="hello, kubewire"`)
	assert.Regexp(t, `Deleted namespace kubewire-quickstart-\w+`, s)
}

func TestQuickstartUsesTheConfiguredCluster(t *testing.T) {
	srv := fake.NewServer(t, fake.WithControllers())
	kc := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(kc, srv.Kubeconfig(), 0o600))
	opts := noCluster(t)
	opts.Kubeconfig = kc
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, opts))
	assert.Contains(t, out.String(), "Using the cluster at "+srv.URL())
	assert.NotEmpty(t, srv.Requests(), "the program talked to the configured server")
}

func TestQuickstartReportsABrokenConfigInsteadOfFallingBack(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(kc, []byte("clusters: [\n"), 0o600))
	opts := noCluster(t)
	opts.Kubeconfig = kc
	var out bytes.Buffer
	err := run(context.Background(), &out, opts)
	var ke *config.KubeconfigError
	require.ErrorAs(t, err, &ke)
	assert.NotContains(t, out.String(), "fake API server")
}
