package transport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

const pluginSecret = "env-secret-value-7f3a9c"

// execErr sends one request through a transport authenticated by p and
// returns the *ExecError it fails with.
func execErr(t *testing.T, p *testPlugin) (*ExecError, error) {
	t.Helper()
	rt := newRT(t, &config.Config{Server: "https://127.0.0.1:1", Auth: config.Auth{Exec: p.exec}}, Options{})
	_, _, err := do(t, rt, "https://127.0.0.1:1/api")
	var ee *ExecError
	require.ErrorAs(t, err, &ee)
	return ee, err
}

func TestExecFailure(t *testing.T) {
	p := newTestPlugin(t, "fail", map[string]string{"PLUGIN_SECRET": pluginSecret})
	ee, err := execErr(t, p)
	assert.Equal(t, 3, ee.ExitCode)
	assert.Equal(t, p.exec.Command, ee.Command)
	assert.True(t, strings.HasPrefix(ee.Stderr, "boom: REDACTED x"), ee.Stderr[:40])
	assert.LessOrEqual(t, len(ee.Stderr), maxExecStderr+len(" [truncated]"))
	assert.True(t, strings.HasSuffix(ee.Stderr, "[truncated]"))
	assert.Contains(t, err.Error(), "exit status 3")
	assert.Contains(t, err.Error(), "boom: REDACTED")
	assert.Empty(t, ee.InstallHint)
	for _, s := range []string{ee.Stderr, err.Error()} {
		assertNoSecret(t, s, pluginSecret, pluginSecret[:8])
	}
}

func TestExecTimeout(t *testing.T) {
	p := newTestPlugin(t, "hang", nil)
	p.exec.Timeout = 300 * time.Millisecond
	start := time.Now()
	ee, err := execErr(t, p)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, -1, ee.ExitCode)
	assert.Contains(t, err.Error(), "timeout")
}

func TestExecNotFound(t *testing.T) {
	const hint = "Install the plugin with: go install example.com/kube-login@latest"
	for _, cmd := range []string{"kubewire-test-no-such-plugin", t.TempDir() + "/no-such-plugin"} {
		p := newTestPlugin(t, "token", map[string]string{"PLUGIN_SECRET": pluginSecret})
		p.exec.Command = cmd
		p.exec.InstallHint = hint
		ee, err := execErr(t, p)
		assert.Equal(t, hint, ee.InstallHint)
		assert.Equal(t, -1, ee.ExitCode)
		assert.Contains(t, err.Error(), "not found")
		assert.Contains(t, err.Error(), hint)
		assert.Contains(t, err.Error(), cmd)
		assertNoSecret(t, err.Error(), pluginSecret)
	}
}

func TestExecBadOutput(t *testing.T) {
	const leak = "leaky-token-123"
	ca := newTestCA(t)
	certPEM, _ := ca.issueClient(t, "x")
	_, otherKey := ca.issueClient(t, "y")
	credential := func(apiVersion, kind, status string) string {
		return `{"apiVersion":"` + apiVersion + `","kind":"` + kind + `"` + status + `}`
	}
	withStatus := func(status string) string {
		return credential(execAPIVersionV1, "ExecCredential", `,"status":`+status)
	}
	for name, tc := range map[string]struct{ output, want string }{
		"empty":                {"", "no output"},
		"not json":             {`token=` + leak, "not valid JSON"},
		"truncated json":       {withStatus(`{"token":"` + leak + `"`), "not valid JSON"},
		"wrong kind":           {credential(execAPIVersionV1, "Secret", `,"status":{"token":"`+leak+`"}`), `kind "Secret"`},
		"wrong api version":    {credential(execAPIVersionV1beta1, "ExecCredential", `,"status":{"token":"`+leak+`"}`), "apiVersion"},
		"no status":            {credential(execAPIVersionV1, "ExecCredential", ""), "no status"},
		"empty status":         {withStatus(`{}`), "neither a token nor a client certificate"},
		"cert of wrong type":   {withStatus(`{"token":"` + leak + `","clientCertificateData":5}`), "wrong type"},
		"token of wrong type":  {withStatus(`{"token":["` + leak + `"]}`), "not a JSON string"},
		"bad expiry":           {withStatus(`{"token":"` + leak + `","expirationTimestamp":"tomorrow"}`), "not a valid ExecCredential"},
		"cert without key":     {withStatus(`{"token":"` + leak + `","clientCertificateData":"x"}`), "no clientKeyData"},
		"key without cert":     {withStatus(`{"clientKeyData":"` + leak + `"}`), "no clientCertificateData"},
		"key does not match":   {withStatus(`{"clientCertificateData":` + jsonString(certPEM) + `,"clientKeyData":` + jsonString(otherKey) + `}`), "private key"},
		"cert not a cert":      {withStatus(`{"clientCertificateData":"` + leak + `","clientKeyData":` + jsonString(otherKey) + `}`), "certificate"},
		"output holds secrets": {withStatus(`{"token":"` + leak + `","clientCertificateData":"` + leak + `","clientKeyData":"` + leak + `"}`), "certificate"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := newTestPlugin(t, "raw", map[string]string{"PLUGIN_OUTPUT": tc.output})
			ee, err := execErr(t, p)
			assert.Equal(t, 0, ee.ExitCode)
			assert.Contains(t, err.Error(), tc.want)
			assertNoSecret(t, err.Error(), leak, pemBody(string(otherKey)))
		})
	}
}

func jsonString(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range string(b) {
		switch c {
		case '\n':
			sb.WriteString(`\n`)
		case '"', '\\':
			sb.WriteByte('\\')
			sb.WriteRune(c)
		default:
			sb.WriteRune(c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

func TestExecClientCertificate(t *testing.T) {
	ca := newTestCA(t)
	var mu sync.Mutex
	rejected := map[string]bool{}
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := r.TLS.PeerCertificates[0].Subject.CommonName
		mu.Lock()
		reject := rejected[cn]
		mu.Unlock()
		w.Header().Set("X-Client-CN", cn)
		w.Header().Set("X-Authorization", r.Header.Get("Authorization"))
		if reject {
			w.WriteHeader(http.StatusUnauthorized)
		}
		_, _ = io.WriteString(w, "ok")
	}), true, ca.pool)
	cert1, key1 := ca.issueClient(t, "plugin-one")
	cert2, key2 := ca.issueClient(t, "plugin-two")

	t.Run("from plugin, rotated after 401", func(t *testing.T) {
		p := newTestPlugin(t, "token", map[string]string{
			"PLUGIN_CERT_1": string(cert1), "PLUGIN_KEY_1": string(key1),
			"PLUGIN_CERT_2": string(cert2), "PLUGIN_KEY_2": string(key2),
		})
		rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{CAData: serverCA(srv)}, Auth: config.Auth{Exec: p.exec}}, Options{})
		resp := mustDo(t, rt, srv.URL)
		assert.Equal(t, 2, resp.ProtoMajor)
		assert.Equal(t, "plugin-one", resp.Header.Get("X-Client-CN"))
		assert.Empty(t, resp.Header.Get("X-Authorization"))
		resp = mustDo(t, rt, srv.URL)
		assert.Equal(t, "plugin-one", resp.Header.Get("X-Client-CN"))
		assert.Equal(t, 1, p.runs(t))

		mu.Lock()
		rejected["plugin-one"] = true
		mu.Unlock()
		resp, _, err := do(t, rt, srv.URL)
		require.NoError(t, err)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

		// The plugin runs again and its new certificate is presented on a
		// new connection.
		resp = mustDo(t, rt, srv.URL)
		assert.Equal(t, "plugin-two", resp.Header.Get("X-Client-CN"))
		assert.Equal(t, 2, p.runs(t))
	})

	t.Run("static certificate when the plugin returns a token", func(t *testing.T) {
		staticCert, staticKey := ca.issueClient(t, "static")
		p := newTestPlugin(t, "token", map[string]string{"PLUGIN_TOKEN": "exec-token"})
		rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{CAData: serverCA(srv), CertData: staticCert, KeyData: config.Secret(staticKey)}, Auth: config.Auth{Exec: p.exec}}, Options{})
		resp := mustDo(t, rt, srv.URL)
		assert.Equal(t, "static", resp.Header.Get("X-Client-CN"))
		assert.Equal(t, "Bearer exec-token-1", resp.Header.Get("X-Authorization"))
	})
}
