package transport

import (
	"crypto/tls"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

func TestTLSVerification(t *testing.T) {
	srv := newTLSServer(t, echoHandler(), false, nil)
	other := newTestCA(t)
	dir := t.TempDir()
	goodFile := writeFile(t, dir, "good.crt", serverCA(srv))
	otherFile := writeFile(t, dir, "other.crt", other.certPEM)

	tests := []struct {
		name   string
		tls    config.TLS
		verify bool // false: expect a certificate verification error
	}{
		{"ca data", config.TLS{CAData: serverCA(srv)}, true},
		{"ca file", config.TLS{CAFile: goodFile}, true},
		{"data wins over file", config.TLS{CAData: serverCA(srv), CAFile: otherFile}, true},
		{"data wins over file, wrong data", config.TLS{CAData: other.certPEM, CAFile: goodFile}, false},
		{"wrong ca file", config.TLS{CAFile: otherFile}, false},
		{"system roots", config.TLS{}, false},
		{"server name in certificate", config.TLS{CAData: serverCA(srv), ServerName: "example.com"}, true},
		{"server name not in certificate", config.TLS{CAData: serverCA(srv), ServerName: "wrong.example"}, false},
		{"insecure", config.TLS{Insecure: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := newRT(t, &config.Config{Server: srv.URL, TLS: tt.tls}, Options{})
			resp, body, err := do(t, rt, srv.URL)
			if tt.verify {
				require.NoError(t, err)
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, "ok", body)
				return
			}
			var verr *tls.CertificateVerificationError
			require.ErrorAs(t, err, &verr)
		})
	}
}

func TestTLSMinimumVersion(t *testing.T) {
	srv := httptest.NewUnstartedServer(echoHandler())
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{Insecure: true}}, Options{})
	_, _, err := do(t, rt, srv.URL)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "protocol version")
}

func TestTLSClientCertificate(t *testing.T) {
	ca := newTestCA(t)
	srv := newTLSServer(t, echoHandler(), true, ca.pool)
	certPEM, keyPEM := ca.issueClient(t, "alice")
	dir := t.TempDir()
	certFile := writeFile(t, dir, "client.crt", certPEM)
	keyFile := writeFile(t, dir, "client.key", keyPEM)

	for name, tc := range map[string]config.TLS{
		"data":  {CertData: certPEM, KeyData: config.Secret(keyPEM)},
		"files": {CertFile: certFile, KeyFile: keyFile},
		"mixed": {CertFile: certFile, KeyData: config.Secret(keyPEM)},
	} {
		t.Run(name, func(t *testing.T) {
			tc.CAData = serverCA(srv)
			rt := newRT(t, &config.Config{Server: srv.URL, TLS: tc}, Options{})
			resp := mustDo(t, rt, srv.URL)
			assert.Equal(t, "alice", resp.Header.Get("X-Client-CN"))
		})
	}

	t.Run("none presented", func(t *testing.T) {
		rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{CAData: serverCA(srv)}}, Options{})
		_, _, err := do(t, rt, srv.URL)
		require.Error(t, err)
	})
}

func TestTLSConfigErrors(t *testing.T) {
	ca := newTestCA(t)
	certPEM, keyPEM := ca.issueClient(t, "alice")
	_, otherKeyPEM := ca.issueClient(t, "bob")
	dir := t.TempDir()
	missing := dir + "/missing.pem"
	garbageKey := "-----BEGIN PRIVATE KEY-----\nU0VDUkVUS0VZTUFURVJJQUw=\n-----END PRIVATE KEY-----\n"
	keyFile := writeFile(t, dir, "other.key", otherKeyPEM)

	tests := []struct {
		name  string
		tls   config.TLS
		field string
		path  string
	}{
		{"insecure with ca", config.TLS{Insecure: true, CAData: ca.certPEM}, "TLS.Insecure", ""},
		{"insecure with ca file", config.TLS{Insecure: true, CAFile: missing}, "TLS.Insecure", ""},
		{"missing ca file", config.TLS{CAFile: missing}, "TLS.CAFile", missing},
		{"ca data not pem", config.TLS{CAData: []byte("not pem")}, "TLS.CAData", ""},
		{"ca file not pem", config.TLS{CAFile: keyFile}, "TLS.CAFile", keyFile},
		{"missing cert file", config.TLS{CertFile: missing, KeyData: config.Secret(keyPEM)}, "TLS.CertFile", missing},
		{"missing key file", config.TLS{CertData: certPEM, KeyFile: missing}, "TLS.KeyFile", missing},
		{"cert without key", config.TLS{CertData: certPEM}, "TLS.KeyData", ""},
		{"key without cert", config.TLS{KeyData: config.Secret(keyPEM)}, "TLS.CertData", ""},
		{"cert data not pem", config.TLS{CertData: []byte("nope"), KeyData: config.Secret(keyPEM)}, "TLS.CertData", ""},
		{"key does not match", config.TLS{CertData: certPEM, KeyData: config.Secret(otherKeyPEM)}, "TLS.KeyData", ""},
		{"key file does not match", config.TLS{CertData: certPEM, KeyFile: keyFile}, "TLS.KeyFile", keyFile},
		{"key garbage", config.TLS{CertData: certPEM, KeyData: config.Secret(garbageKey)}, "TLS.KeyData", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(&config.Config{Server: "https://127.0.0.1:6443", TLS: tt.tls}, Options{})
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.field, ce.Field)
			assert.Equal(t, tt.path, ce.Path)
			msg := err.Error()
			assert.Contains(t, msg, tt.field)
			if tt.path != "" {
				assert.Contains(t, msg, tt.path)
			}
			for _, k := range []string{string(keyPEM), string(otherKeyPEM), garbageKey} {
				assertNoSecret(t, msg, k, pemBody(k))
			}
			assertNoSecret(t, msg, "U0VDUkVU")
		})
	}
}

// pemBody returns the first base64 line of a PEM block.
func pemBody(p string) string {
	lines := strings.Split(p, "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[1]
}

func TestConfigErrorUnwrap(t *testing.T) {
	_, err := New(&config.Config{Server: "https://x", TLS: config.TLS{CAFile: "/nonexistent/ca.crt"}}, Options{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
}
