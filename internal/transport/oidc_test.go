package transport

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/oidctest"
)

// oidcFixture is an issuer, an API server stand-in that records the bearer
// tokens it receives, and a kubeconfig file whose user is the oidc
// auth-provider.
type oidcFixture struct {
	iss        *oidctest.Issuer
	api        *httptest.Server
	kubeconfig string
	mu         sync.Mutex
	seen       []string
}

func newOIDCFixture(t *testing.T, idToken, refreshToken string) *oidcFixture {
	t.Helper()
	f := &oidcFixture{iss: oidctest.New(t)}
	f.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		f.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(f.api.Close)
	if idToken == "expired" {
		idToken = f.iss.IDToken("alice", time.Now().Add(5*time.Second)) // inside the 10s margin
	}
	if refreshToken == "valid" {
		refreshToken = f.iss.RefreshToken("alice")
	}
	dir := t.TempDir()
	f.kubeconfig = filepath.Join(dir, "config")
	kc := fmt.Sprintf(`# kept
apiVersion: v1
kind: Config
current-context: c
clusters:
- name: c
  cluster: {server: %s}
contexts:
- name: c
  context: {cluster: c, user: alice}
users:
- name: alice
  user:
    auth-provider:
      name: oidc
      config:
        idp-issuer-url: %s
        client-id: %s
        client-secret: %s
        idp-certificate-authority: %s
        id-token: %q
        refresh-token: %q
        x-extra: kept
`, f.api.URL, f.iss.URL, f.iss.ClientID, f.iss.ClientSecret, f.iss.CAFile, idToken, refreshToken)
	require.NoError(t, os.WriteFile(f.kubeconfig, []byte(kc), 0o600))
	return f
}

func (f *oidcFixture) client(t *testing.T) *http.Client {
	t.Helper()
	cfg, err := config.Load(config.Options{Kubeconfig: f.kubeconfig})
	require.NoError(t, err)
	rt, err := New(cfg, Options{})
	require.NoError(t, err)
	return &http.Client{Transport: rt}
}

func (f *oidcFixture) get(t *testing.T, c *http.Client) error {
	t.Helper()
	resp, err := c.Get(f.api.URL + "/api")
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func (f *oidcFixture) fileTokens(t *testing.T) (string, string) {
	t.Helper()
	k, err := config.OpenKubeconfig(config.Options{Kubeconfig: f.kubeconfig})
	require.NoError(t, err)
	u, ok, err := k.User("alice")
	require.NoError(t, err)
	require.True(t, ok)
	return u.AuthProvider.Config["id-token"].Reveal(), u.AuthProvider.Config["refresh-token"].Reveal()
}

func TestOIDCValidTokenIsUsed(t *testing.T) {
	f := newOIDCFixture(t, "", "valid")
	valid := f.iss.IDToken("alice", time.Now().Add(time.Hour))
	k, err := config.OpenKubeconfig(config.Options{Kubeconfig: f.kubeconfig})
	require.NoError(t, err)
	require.NoError(t, k.SetUser("alice", func(u *config.User) { u.AuthProvider.Config["id-token"] = config.Secret(valid) }))
	require.NoError(t, k.Save())

	c := f.client(t)
	require.NoError(t, f.get(t, c))
	require.NoError(t, f.get(t, c))
	assert.Equal(t, []string{valid, valid}, f.seen)
	assert.Zero(t, f.iss.Refreshes())
}

func TestOIDCRefreshAndPersist(t *testing.T) {
	f := newOIDCFixture(t, "expired", "valid")
	oldID, oldRefresh := f.fileTokens(t)
	before, err := os.ReadFile(f.kubeconfig)
	require.NoError(t, err)

	c := f.client(t)
	require.NoError(t, f.get(t, c))
	require.Equal(t, 1, f.iss.Refreshes())
	newID, newRefresh := f.fileTokens(t)
	assert.NotEqual(t, oldID, newID)
	assert.NotEqual(t, oldRefresh, newRefresh)
	assert.Equal(t, []string{newID}, f.seen, "the refreshed token is sent and written back")

	after, err := os.ReadFile(f.kubeconfig)
	require.NoError(t, err)
	assert.Contains(t, string(after), "# kept")
	assert.Contains(t, string(after), "x-extra: kept")
	assert.NotContains(t, string(after), oldRefresh)
	assert.NotEqual(t, before, after)

	// The next request, and a new client from the file, use it as it is.
	require.NoError(t, f.get(t, c))
	require.NoError(t, f.get(t, f.client(t)))
	assert.Equal(t, 1, f.iss.Refreshes())
	assert.Equal(t, []string{newID, newID, newID}, f.seen)
}

func TestOIDCConcurrentRequestsRefreshOnce(t *testing.T) {
	f := newOIDCFixture(t, "", "valid") // no id-token at all: refresh first
	release := make(chan struct{})
	f.iss.BeforeRefresh = func() { <-release }
	c := f.client(t)
	const n = 16
	errs := make(chan error, n)
	for range n {
		go func() { errs <- f.get(t, c) }()
	}
	time.Sleep(200 * time.Millisecond) // let them all queue behind the refresh
	close(release)
	for range n {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, 1, f.iss.Refreshes())
	id, _ := f.fileTokens(t)
	assert.Len(t, f.seen, n)
	for _, s := range f.seen {
		assert.Equal(t, id, s)
	}
}

func TestOIDCInMemoryForBytes(t *testing.T) {
	f := newOIDCFixture(t, "expired", "valid")
	data, err := os.ReadFile(f.kubeconfig)
	require.NoError(t, err)
	cfg, err := config.LoadBytes(data, config.Options{})
	require.NoError(t, err)
	assert.Empty(t, cfg.Auth.OIDC.PersistFile)
	rt, err := New(cfg, Options{})
	require.NoError(t, err)
	c := &http.Client{Transport: rt}
	require.NoError(t, f.get(t, c))
	require.NoError(t, f.get(t, c))
	assert.Equal(t, 1, f.iss.Refreshes())
	after, err := os.ReadFile(f.kubeconfig)
	require.NoError(t, err)
	assert.Equal(t, data, after, "no file to write back to")
}

func TestOIDCErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		idToken, refresh string
		want             string
	}{
		"expired, no refresh token": {"expired", "", "no valid id-token, and no refresh-token"},
		"not a JWT":                 {"NOT-A-JWT-S3CRET", "valid", "not a JWT"},
		"refresh rejected":          {"expired", "REVOKED-S3CRET", "HTTP 400 (invalid_grant)"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newOIDCFixture(t, tc.idToken, tc.refresh)
			id, refresh := f.fileTokens(t)
			err := f.get(t, f.client(t))
			var oe *OIDCError
			require.True(t, errors.As(err, &oe), "%v", err)
			assert.Equal(t, f.iss.URL, oe.Issuer)
			assert.Contains(t, err.Error(), tc.want)
			for _, secret := range []string{id, refresh, f.iss.ClientSecret} {
				if secret != "" {
					assert.NotContains(t, err.Error(), secret)
				}
			}
			assert.NotContains(t, err.Error(), "S3CRET")
			assert.Empty(t, f.seen, "no request reaches the server without a token")
		})
	}
}

func TestOIDCPrintsNoSecret(t *testing.T) {
	f := newOIDCFixture(t, "expired", "valid")
	cfg, err := config.Load(config.Options{Kubeconfig: f.kubeconfig})
	require.NoError(t, err)
	rt, err := New(cfg, Options{})
	require.NoError(t, err)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", rt, rt, rt), fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), fmt.Sprintf("%+v", *cfg.Auth.OIDC), config.Explain(cfg)} {
		assert.NotContains(t, s, f.iss.ClientSecret)
		assert.NotContains(t, s, cfg.Auth.OIDC.RefreshToken.Reveal())
		assert.NotContains(t, s, cfg.Auth.OIDC.IDToken.Reveal())
	}
	assert.Contains(t, config.Explain(cfg), "oidc auth-provider")
}

func TestOIDCLogsNoSecret(t *testing.T) {
	f := newOIDCFixture(t, "expired", "valid")
	id, refresh := f.fileTokens(t)
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg, err := config.Load(config.Options{Kubeconfig: f.kubeconfig})
	require.NoError(t, err)
	rt, err := New(cfg, Options{Logger: logger})
	require.NoError(t, err)
	c := &http.Client{Transport: rt}
	require.NoError(t, f.get(t, c))
	newID, newRefresh := f.fileTokens(t)
	require.Contains(t, logs.String(), "refreshed the id-token", "the refresh is logged")
	for _, s := range []string{id, refresh, newID, newRefresh, f.iss.ClientSecret} {
		assert.NotContains(t, logs.String(), s)
	}
}

// Two transports built from one Config share the login, as kubectl's
// provider cache does: the single-use refresh token is spent once, and
// both send the refreshed ID token. A Config that brings a newer ID token
// (a new login) replaces the shared tokens.
func TestOIDCTransportsShareTheLogin(t *testing.T) {
	f := newOIDCFixture(t, "expired", "valid")
	cfg, err := config.Load(config.Options{Kubeconfig: f.kubeconfig})
	require.NoError(t, err)
	var clients []*http.Client
	for range 2 {
		rt, err := New(cfg, Options{})
		require.NoError(t, err)
		clients = append(clients, &http.Client{Transport: rt})
	}
	for _, c := range clients {
		require.NoError(t, f.get(t, c))
	}
	assert.Equal(t, 1, f.iss.Refreshes())
	require.Len(t, f.seen, 2)
	assert.Equal(t, f.seen[0], f.seen[1])

	relogin := *cfg
	oidc := *cfg.Auth.OIDC
	oidc.IDToken = config.Secret(f.iss.IDToken("alice", time.Now().Add(2*time.Hour)))
	relogin.Auth.OIDC = &oidc
	rt, err := New(&relogin, Options{})
	require.NoError(t, err)
	require.NoError(t, f.get(t, clients[0]))
	require.NoError(t, f.get(t, &http.Client{Transport: rt}))
	assert.Equal(t, []string{oidc.IDToken.Reveal(), oidc.IDToken.Reveal()}, f.seen[2:])
	assert.Equal(t, 1, f.iss.Refreshes())
}
