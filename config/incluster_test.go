package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInCluster(t *testing.T) {
	tests := []struct {
		name      string
		vars      map[string]string
		files     map[string]string // relative to the service-account dir
		server    string
		namespace string
		caFile    bool
		errs      []string // substrings of the error; none means success
		notIn     bool     // the error matches ErrNotInCluster
	}{{
		name:   "complete",
		vars:   map[string]string{"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"},
		files:  map[string]string{"token": "t", "ca.crt": "ca", "namespace": "team-a\n"},
		server: "https://10.96.0.1:443", namespace: "team-a", caFile: true,
	}, {
		name:   "IPv6 host is bracketed",
		vars:   map[string]string{"KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"},
		files:  map[string]string{"token": "t", "ca.crt": "ca"},
		server: "https://[fd00::1]:6443", namespace: "default", caFile: true,
	}, {
		name:   "POD_NAMESPACE wins over the namespace file, as in kubectl",
		vars:   map[string]string{"KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1", "POD_NAMESPACE": "from-env"},
		files:  map[string]string{"token": "t", "namespace": "from-file"},
		server: "https://h:1", namespace: "from-env",
	}, {
		name:   "no CA file leaves CAFile empty",
		vars:   map[string]string{"KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"},
		files:  map[string]string{"token": "t"},
		server: "https://h:1", namespace: "default",
	}, {
		name:  "no environment",
		files: map[string]string{"token": "t"},
		errs:  []string{"KUBERNETES_SERVICE_HOST is not set", "KUBERNETES_SERVICE_PORT is not set"},
		notIn: true,
	}, {
		name:  "no token",
		vars:  map[string]string{"KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"},
		errs:  []string{"no service-account token at"},
		notIn: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
			}
			cfg, err := inCluster(dir, func(k string) string { return tc.vars[k] })
			if len(tc.errs) > 0 {
				require.Error(t, err)
				for _, s := range tc.errs {
					assert.Contains(t, err.Error(), s)
				}
				assert.Equal(t, tc.notIn, errors.Is(err, ErrNotInCluster))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.server, cfg.Server)
			assert.Equal(t, tc.namespace, cfg.Namespace)
			assert.Equal(t, filepath.Join(dir, "token"), cfg.Auth.TokenFile)
			assert.Empty(t, cfg.Auth.Token, "the transport reads the token file")
			if tc.caFile {
				assert.Equal(t, filepath.Join(dir, "ca.crt"), cfg.TLS.CAFile)
			} else {
				assert.Empty(t, cfg.TLS.CAFile)
				assert.NotEmpty(t, cfg.Source.Notes)
			}
			assert.Equal(t, MethodInCluster, cfg.Source.Method)
		})
	}
}

func TestInClusterNoTokenKeepsCause(t *testing.T) {
	_, err := inCluster(t.TempDir(), func(string) string { return "" })
	assert.ErrorIs(t, err, ErrNotInCluster)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestInClusterFromDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte("t"), 0o600))
	t.Setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
	t.Setenv("KUBERNETES_SERVICE_PORT", "8443")
	t.Setenv("POD_NAMESPACE", "")
	cfg, err := InClusterFromDir(dir)
	require.NoError(t, err)
	assert.Equal(t, "https://127.0.0.1:8443", cfg.Server)

	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	_, err = InCluster()
	assert.ErrorIs(t, err, ErrNotInCluster)
}

func TestInClusterUnreadableToken(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(p, []byte("t"), 0o000))
	_, err := inCluster(dir, func(k string) string {
		return map[string]string{"KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"}[k]
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrPermission)
	assert.NotErrorIs(t, err, ErrNotInCluster)
}
