// Package oidctest runs an OpenID Connect issuer on loopback for tests: a
// discovery document, a JWKS and a token endpoint that answers the
// refresh_token grant with RS256-signed ID tokens. It uses the standard
// library only (crypto/rsa for signing).
package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Issuer is a running test issuer. Its exported fields are read-only.
type Issuer struct {
	// URL is the issuer URL, https://127.0.0.1:PORT, also the iss claim.
	URL string
	// CAPEM is the PEM certificate that verifies the issuer's TLS
	// certificate; CAFile holds it.
	CAPEM  []byte
	CAFile string
	// ClientID and ClientSecret are the client the token endpoint accepts
	// (HTTP basic authentication); ClientID is also the aud claim.
	ClientID     string
	ClientSecret string
	// TokenTTL is the lifetime of the ID tokens the token endpoint issues.
	TokenTTL time.Duration
	// BeforeRefresh, when set before the first refresh, runs in the token
	// endpoint's handler before it answers (to hold a refresh open).
	BeforeRefresh func()

	srv *httptest.Server
	key *rsa.PrivateKey

	mu        sync.Mutex
	refresh   map[string]string // valid refresh token -> subject
	refreshes int
	seq       int
}

// New starts an issuer that t stops.
func New(t testing.TB) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	i := &Issuer{ClientID: "kubewire-test", ClientSecret: "client-s3cret", TokenTTL: time.Hour, key: key, refresh: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", i.discovery)
	mux.HandleFunc("GET /keys", i.jwks)
	mux.HandleFunc("POST /token", i.token)
	i.srv = httptest.NewTLSServer(mux)
	t.Cleanup(i.srv.Close)
	i.URL = i.srv.URL
	i.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: i.srv.Certificate().Raw})
	i.CAFile = filepath.Join(t.TempDir(), "issuer-ca.crt")
	if err := os.WriteFile(i.CAFile, i.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return i
}

// Refreshes returns how many refresh_token grants succeeded.
func (i *Issuer) Refreshes() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.refreshes
}

// RefreshToken returns a new refresh token for subject. Each refresh token
// is good for one refresh, which returns its successor.
func (i *Issuer) RefreshToken(subject string) string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.newRefreshLocked(subject)
}

func (i *Issuer) newRefreshLocked(subject string) string {
	i.seq++
	rt := fmt.Sprintf("refresh-%d-%s", i.seq, b64(randBytes(9)))
	i.refresh[rt] = subject
	return rt
}

// IDToken returns an RS256-signed ID token for subject expiring at exp.
func (i *Issuer) IDToken(subject string, exp time.Time) string {
	header := b64([]byte(`{"alg":"RS256","typ":"JWT","kid":"k1"}`))
	claims, _ := json.Marshal(map[string]any{
		"iss": i.URL, "sub": subject, "aud": i.ClientID,
		"iat": time.Now().Add(-time.Minute).Unix(), "exp": exp.Unix(),
	})
	input := header + "." + b64(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, i.key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err) // a 2048-bit key always signs a SHA-256 digest
	}
	return input + "." + b64(sig)
}

func (i *Issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                i.URL,
		"jwks_uri":                              i.URL + "/keys",
		"token_endpoint":                        i.URL + "/token",
		"authorization_endpoint":                i.URL + "/authorize",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (i *Issuer) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := i.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "k1",
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

func (i *Issuer) token(w http.ResponseWriter, r *http.Request) {
	if hook := i.BeforeRefresh; hook != nil {
		hook()
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != i.ClientID || secret != i.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	i.mu.Lock()
	subject, ok := i.refresh[r.PostForm.Get("refresh_token")]
	if !ok {
		i.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "unknown refresh token " + r.PostForm.Get("refresh_token")})
		return
	}
	delete(i.refresh, r.PostForm.Get("refresh_token"))
	next := i.newRefreshLocked(subject)
	i.refreshes++
	i.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": "access-" + b64(randBytes(9)), "token_type": "Bearer", "expires_in": int(i.TokenTTL.Seconds()),
		"id_token": i.IDToken(subject, time.Now().Add(i.TokenTTL)), "refresh_token": next,
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
