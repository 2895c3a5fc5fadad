//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/oidctest"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

// oidcWho returns the username the server authenticates c as.
func oidcWho(ctx context.Context, c *rest.Client) (string, error) {
	u, err := selfSubjectReview(ctx, c)
	return u.Username, err
}

// A kubeconfig user with the oidc auth-provider and an expired ID token,
// against kube-apiserver v1.37.2 configured with an issuer on loopback: the
// client refreshes the token once through the issuer's token endpoint, the
// server authenticates the new token as the sub claim, and the refreshed
// tokens are written back to the kubeconfig file. The expired token itself
// is refused by the server, so the request succeeds only through the
// refresh.
func TestOIDCRefreshAgainstAPIServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own etcd and kube-apiserver")
	}
	iss := oidctest.New(t)
	env := freshServer(t, testenv.WithAPIServerArgs(
		"--oidc-issuer-url", iss.URL,
		"--oidc-client-id", iss.ClientID,
		"--oidc-ca-file", iss.CAFile,
		"--oidc-username-claim", "sub",
		"--oidc-username-prefix", "oidc:",
	))
	ctx := testContext(t)

	// The server's authenticator fetches the issuer's keys in the
	// background: wait until a fresh token is accepted.
	fresh := iss.IDToken("bob", time.Now().Add(time.Hour))
	bob := newClient(t, &config.Config{Server: env.Server, TLS: config.TLS{CAFile: env.CAFile}, Auth: config.Auth{Token: config.Secret(fresh)}})
	require.Eventually(t, func() bool {
		name, err := oidcWho(ctx, bob)
		return err == nil && name == "oidc:bob"
	}, 30*time.Second, 200*time.Millisecond, "the server never accepted an ID token from the issuer (log: %s)", env.APIServerLog)

	expired := iss.IDToken("alice", time.Now().Add(-time.Minute))
	stale := newClient(t, &config.Config{Server: env.Server, TLS: config.TLS{CAFile: env.CAFile}, Auth: config.Auth{Token: config.Secret(expired)}})
	_, err := oidcWho(ctx, stale)
	require.True(t, rest.IsUnauthorized(err), "the expired token is refused: %v", err)

	refresh := iss.RefreshToken("alice")
	path := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: oidc
clusters:
- name: kw
  cluster: {server: %s, certificate-authority: %s}
contexts:
- name: oidc
  context: {cluster: kw, user: alice}
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
        id-token: %s
        refresh-token: %s
`, env.Server, env.CAFile, iss.URL, iss.ClientID, iss.ClientSecret, iss.CAFile, expired, refresh)), 0o600))

	alice := newClient(t, loadKubeconfig(t, path))
	name, err := oidcWho(ctx, alice)
	require.NoError(t, err)
	assert.Equal(t, "oidc:alice", name)
	name, err = oidcWho(ctx, alice)
	require.NoError(t, err)
	assert.Equal(t, "oidc:alice", name)
	assert.Equal(t, 1, iss.Refreshes())

	k, err := config.OpenKubeconfig(config.Options{Kubeconfig: path})
	require.NoError(t, err)
	u, _, err := k.User("alice")
	require.NoError(t, err)
	assert.NotEqual(t, expired, u.AuthProvider.Config["id-token"].Reveal())
	assert.NotEqual(t, refresh, u.AuthProvider.Config["refresh-token"].Reveal())

	// A new client from the rewritten file uses the persisted token as it
	// is: no second refresh.
	name, err = oidcWho(ctx, newClient(t, loadKubeconfig(t, path)))
	require.NoError(t, err)
	assert.Equal(t, "oidc:alice", name)
	assert.Equal(t, 1, iss.Refreshes())
}
