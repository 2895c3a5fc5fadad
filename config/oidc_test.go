package config

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func oidcKubeconfig(cfg string) string {
	return `current-context: c
clusters: [{name: c, cluster: {server: https://h}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users:
- name: u
  user:
    auth-provider:
      name: oidc
      config:
` + cfg
}

func TestLoadOIDC(t *testing.T) {
	e := newEnv(t)
	ca := e.write("conf/issuer-ca.crt", "x")
	path := e.write("conf/kc", oidcKubeconfig(`        idp-issuer-url: https://issuer.example/
        client-id: kubectl
        client-secret: CLIENT-S3CRET
        id-token: ID-S3CRET
        refresh-token: REFRESH-S3CRET
        idp-certificate-authority: issuer-ca.crt
        idp-certificate-authority-data: eA==
        extra-scopes: groups,email
`))
	cfg, err := LoadFile(path, e.opts())
	require.NoError(t, err)
	o := cfg.Auth.OIDC
	require.NotNil(t, o)
	assert.Equal(t, OIDC{
		IssuerURL: "https://issuer.example/", ClientID: "kubectl", ClientSecret: "CLIENT-S3CRET",
		IDToken: "ID-S3CRET", RefreshToken: "REFRESH-S3CRET", CAFile: ca, CAData: []byte("x"),
		ExtraScopes: []string{"groups", "email"}, PersistFile: path, PersistUser: "u",
	}, *o)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", cfg, cfg, *o), Explain(cfg)} {
		assert.NotContains(t, s, "S3CRET")
	}
	assert.Contains(t, Explain(cfg), `oidc auth-provider (issuer https://issuer.example/, client "kubectl")`)

	// From bytes: nothing to persist to, and a relative CA path is a problem.
	data := oidcKubeconfig("        idp-issuer-url: https://i\n        client-id: k\n")
	cfg, err = LoadBytes([]byte(data), e.opts())
	require.NoError(t, err)
	assert.Empty(t, cfg.Auth.OIDC.PersistFile)
	_, err = LoadBytes([]byte(data+"        idp-certificate-authority: ca.crt\n"), e.opts())
	ke := kcErr(t, err)
	assert.Equal(t, "users[u].user.auth-provider.config.idp-certificate-authority", ke.Problems[0].Field)
}

func TestLoadOIDCProblems(t *testing.T) {
	e := newEnv(t)
	_, err := LoadBytes([]byte(oidcKubeconfig("        id-token: ID-S3CRET\n        idp-issuer-url: http://plain\n        idp-certificate-authority-data: '%%'\n")), e.opts())
	ke := kcErr(t, err)
	var fields []string
	for _, p := range ke.Problems {
		fields = append(fields, p.Field+": "+p.Message)
	}
	assert.ElementsMatch(t, []string{
		"users[u].user.auth-provider.config.idp-issuer-url: must be an https URL",
		"users[u].user.auth-provider.config.client-id: is required",
		"users[u].user.auth-provider.config.idp-certificate-authority-data: is not valid base64",
	}, fields)
	assert.NotContains(t, err.Error(), "S3CRET")

	_, err = LoadBytes([]byte(oidcKubeconfig("        client-id: k\n        idp-issuer-url: https://i\n")+"    token: T\n"), e.opts())
	assert.Contains(t, kcErr(t, err).Error(), "more than one authentication method (token, auth-provider)")
}
