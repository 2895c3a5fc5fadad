package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

// TestRedaction prints every type that holds a credential, in every verb,
// directly and nested in a struct and a log line, and checks no credential
// shows.
func TestRedaction(t *testing.T) {
	const (
		bearer   = "s3cret-bearer-token"
		password = "s3cret-password"
		fileTok  = "s3cret-file-token"
		execTok  = "s3cret-exec-token"
	)
	rs := newRecordingServer(t)
	ca := newTestCA(t)
	certPEM, keyPEM := ca.issueClient(t, "redaction")
	secrets := []string{bearer, password, fileTok, execTok, pluginSecret, string(keyPEM), pemBody(string(keyPEM))}

	withAuth := func(f func(*config.Config)) http.RoundTripper {
		cfg := rs.cfg()
		cfg.TLS.CertData, cfg.TLS.KeyData = certPEM, config.Secret(keyPEM)
		f(cfg)
		return newRT(t, cfg, Options{})
	}
	tokenPath := writeFile(t, t.TempDir(), "token", []byte(fileTok))
	p := newTestPlugin(t, "token", map[string]string{"PLUGIN_TOKEN": execTok, "PLUGIN_SECRET": pluginSecret})

	bearerRT := withAuth(func(c *config.Config) { c.Auth.Token = bearer })
	basicRT := withAuth(func(c *config.Config) { c.Auth.Username, c.Auth.Password = "u", password })
	fileRT := withAuth(func(c *config.Config) {
		c.Auth.TokenFile = tokenPath
		c.Impersonate.User = "someone"
	})
	execRT := withAuth(func(c *config.Config) { c.Auth.Exec = p.exec })
	for _, rt := range []http.RoundTripper{bearerRT, basicRT, fileRT, execRT} {
		mustDo(t, rt, rs.URL) // fill the caches
	}
	ea := execOf(t, execRT)
	cred, err := ea.credential(context.Background())
	require.NoError(t, err)
	require.Equal(t, execTok+"-1", cred.token.reveal())
	material, err := loadTLS(&config.TLS{CertData: certPEM, KeyData: config.Secret(keyPEM)})
	require.NoError(t, err)
	tf := fileRT.(*userAgentRoundTripper).next.(*impersonateRoundTripper).next.(*tokenFileRoundTripper)
	require.Equal(t, fileTok, tf.src.cached.reveal())
	status := &execStatus{Token: seal(execTok), ClientCertificateData: string(certPEM), ClientKeyData: seal(string(keyPEM))}
	stderr := newCapBuffer(100)
	_, _ = stderr.Write([]byte(pluginSecret))

	values := map[string]any{
		"bearer":        bearerRT,
		"basic":         basicRT,
		"token file":    fileRT,
		"token cache":   tf.src,
		"exec":          execRT,
		"exec auth":     ea,
		"exec cred":     cred,
		"exec status":   status,
		"tls material":  material,
		"capture":       stderr,
		"base":          execRT.(*userAgentRoundTripper).next.(*execRoundTripper).next,
		"bare bearer":   BearerToken(bearer)(nil),
		"bare basic":    BasicAuth("u", password)(nil),
		"bare exec rtt": execRT.(*userAgentRoundTripper).next,
	}
	for name, v := range values {
		nested := struct {
			Name  string
			Value any
			inner any
		}{name, v, v}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			for _, x := range []any{v, nested, []any{v}, map[string]any{"k": v}} {
				s := fmt.Sprintf(verb, x)
				for _, sec := range secrets {
					if bytes.Contains([]byte(s), []byte(sec)) || bytes.Contains([]byte(s), []byte(fmt.Sprintf("%x", sec))) {
						t.Errorf("%s: %s leaks %q: %s", name, verb, sec, s)
					}
				}
			}
		}
		var logs bytes.Buffer
		slog.New(slog.NewTextHandler(&logs, nil)).Info("value", "v", v)
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("value", "v", v)
		assertNoSecret(t, logs.String(), secrets...)
	}
}

// TestErrorsHoldNoSecrets collects the errors of every failure path that
// has a credential at hand and checks none of them shows it.
func TestErrorsHoldNoSecrets(t *testing.T) {
	ca := newTestCA(t)
	certPEM, keyPEM := ca.issueClient(t, "x")
	_, otherKey := ca.issueClient(t, "y")
	secrets := []string{pluginSecret, string(keyPEM), pemBody(string(keyPEM)), string(otherKey), pemBody(string(otherKey))}

	var errs []error
	_, err := New(&config.Config{Server: "https://x", TLS: config.TLS{CertData: certPEM, KeyData: config.Secret(otherKey)}}, Options{})
	errs = append(errs, err)
	_, err = New(&config.Config{Server: "https://x", TLS: config.TLS{KeyData: config.Secret(keyPEM)}}, Options{})
	errs = append(errs, err)
	_, err = New(&config.Config{Server: "https://x", ProxyURL: "ftp://u:" + pluginSecret + "@h"}, Options{})
	errs = append(errs, err)

	for _, mode := range []string{"fail", "hang"} {
		p := newTestPlugin(t, mode, map[string]string{"PLUGIN_SECRET": pluginSecret, "PLUGIN_TOKEN": pluginSecret})
		p.exec.Timeout = 200 * time.Millisecond
		_, err := execErr(t, p)
		errs = append(errs, err)
	}
	p := newTestPlugin(t, "raw", map[string]string{"PLUGIN_OUTPUT": `{"kind":"ExecCredential","status":{"token":"` + pluginSecret + `"}}`})
	_, err = execErr(t, p)
	errs = append(errs, err)

	for _, err := range errs {
		require.Error(t, err)
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			assertNoSecret(t, s, secrets...)
		}
		for e := err; e != nil; e = errors.Unwrap(e) {
			assertNoSecret(t, e.Error(), secrets...)
		}
	}
}
