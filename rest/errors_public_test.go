package rest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
)

// Every configuration failure comes back as an exported type of a public
// package. Failed before the change: a bad CA file was an internal
// *transport.ConfigError, a missing token file and a missing exec plugin
// *url.Error wrapping internal types.
func TestConfigurationFailuresHavePublicTypes(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	missing := filepath.Join(t.TempDir(), "missing")

	t.Run("CA file", func(t *testing.T) {
		_, err := rest.New(&config.Config{Server: srv.URL, TLS: config.TLS{CAFile: missing}})
		ce, ok := errors.AsType[*rest.ConfigError](err)
		require.True(t, ok, "%T: %v", err, err)
		assert.Equal(t, "TLS.CAFile", ce.Field)
		assert.Equal(t, missing, ce.Path)
	})
	t.Run("bad option", func(t *testing.T) {
		_, err := rest.New(&config.Config{Server: srv.URL}, rest.WithMaxRetries(-1))
		ce, ok := errors.AsType[*rest.ConfigError](err)
		require.True(t, ok, "%T: %v", err, err)
		assert.Equal(t, "WithMaxRetries", ce.Field)
	})
	t.Run("token file", func(t *testing.T) {
		c, err := rest.New(&config.Config{Server: srv.URL, TLS: config.TLS{Insecure: true}, Auth: config.Auth{TokenFile: missing}})
		require.NoError(t, err)
		err = c.Get().AbsPath("/api").Do(context.Background()).Err()
		te, ok := errors.AsType[*config.TokenFileError](err)
		require.True(t, ok, "%T: %v", err, err)
		assert.Equal(t, missing, te.Path)
	})
	t.Run("exec plugin", func(t *testing.T) {
		c, err := rest.New(&config.Config{Server: srv.URL, TLS: config.TLS{Insecure: true}, Auth: config.Auth{Exec: &config.Exec{
			APIVersion: "client.authentication.k8s.io/v1", Command: missing, InstallHint: "install it"}}})
		require.NoError(t, err)
		err = c.Get().AbsPath("/api").Do(context.Background()).Err()
		ee, ok := errors.AsType[*config.ExecError](err)
		require.True(t, ok, "%T: %v", err, err)
		assert.Equal(t, missing, ee.Command)
		assert.Equal(t, -1, ee.ExitCode)
	})
}
