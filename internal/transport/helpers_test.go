package transport

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

// TestMain lets the test binary double as an exec credential plugin: when
// KUBEWIRE_TEST_PLUGIN is set it acts as the plugin (see plugin_test.go)
// instead of running the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("KUBEWIRE_TEST_PLUGIN"); mode != "" {
		os.Exit(runTestPlugin(mode))
	}
	os.Exit(m.Run())
}

// testCA is a throwaway certificate authority for client certificates.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	pool    *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kubewire-test-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, certPEM: pemBlock("CERTIFICATE", der), pool: pool}
}

// issueClient returns a PEM client certificate for cn and its PEM key.
func (ca *testCA) issueClient(t *testing.T, cn string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", kder)
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// serverCA returns the PEM certificate of an httptest TLS server, to trust
// it.
func serverCA(srv *httptest.Server) []byte {
	return pemBlock("CERTIFICATE", srv.Certificate().Raw)
}

// newTLSServer starts an httptest TLS server. With h2 it offers HTTP/2;
// with clientCAs it requires a client certificate issued by them.
func newTLSServer(t *testing.T, h http.Handler, h2 bool, clientCAs *x509.CertPool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are expected
	srv.EnableHTTP2 = h2
	if clientCAs != nil {
		srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// echoHandler answers 200 with a description of the request: protocol,
// client certificate name and selected headers.
func echoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := ""
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		w.Header().Set("X-Proto", r.Proto)
		w.Header().Set("X-Client-CN", cn)
		w.Header().Set("X-Authorization", r.Header.Get("Authorization"))
		w.Header().Set("X-User-Agent", r.Header.Get("User-Agent"))
		w.Header().Set("X-Accept-Encoding", r.Header.Get("Accept-Encoding"))
		_, _ = io.WriteString(w, "ok")
	})
}

// newRT calls New and fails the test on error.
func newRT(t *testing.T, cfg *config.Config, opts Options) http.RoundTripper {
	t.Helper()
	rt, err := New(cfg, opts)
	require.NoError(t, err)
	t.Cleanup(func() { closeIdle(rt) })
	return rt
}

// do sends a GET for url with the given header pairs, reads and closes the
// body, bounded by a 10-second deadline.
func do(t *testing.T, rt http.RoundTripper, url string, header ...string) (*http.Response, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return doCtx(ctx, t, rt, url, header...)
}

func doCtx(ctx context.Context, t *testing.T, rt http.RoundTripper, url string, header ...string) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// mustDo is do that requires success and status 200.
func mustDo(t *testing.T, rt http.RoundTripper, url string, header ...string) *http.Response {
	t.Helper()
	resp, _, err := do(t, rt, url, header...)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return resp
}

// writeFile writes content to a new file in dir and returns its path.
func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, content, 0o600))
	return p
}

// assertNoSecret fails when s contains any of the secrets.
func assertNoSecret(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("secret %q leaked into %q", sec, s)
		}
	}
}
