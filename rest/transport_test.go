package rest

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

// Without WithTransport, New builds the transport from the config: TLS with
// the configured CA, the bearer token, the user agent.
func TestNewBuildsTransportFromConfig(t *testing.T) {
	const token = "s3cret-token"
	var mu sync.Mutex
	var otherAuth []string
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		otherAuth = append(otherAuth, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	t.Cleanup(other.Close)

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request: %s %s", r.Method, r.URL.RequestURI())
	})
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "Bearer "+token, r.Header.Get("Authorization"))
		assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "kubewire/"), r.Header.Get("User-Agent"))
		writeJSON(t, w, map[string]string{"gitVersion": "v1.35.0"})
	})
	mux.HandleFunc("GET /elsewhere", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/version", http.StatusFound)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)

	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg := &config.Config{Server: srv.URL, TLS: config.TLS{CAData: ca}, Auth: config.Auth{Token: token}}
	c, err := New(cfg, WithRateLimit(-1, 0))
	require.NoError(t, err)

	var v map[string]string
	require.NoError(t, c.Get().AbsPath("/version").Into(testCtx(t), &v))
	assert.Equal(t, "v1.35.0", v["gitVersion"])

	err = c.Get().AbsPath("/elsewhere").Do(testCtx(t)).Err()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), token)
	mu.Lock()
	assert.Empty(t, otherAuth, "the token never reaches another host")
	mu.Unlock()
}

func TestNewPassesTransportErrors(t *testing.T) {
	_, err := New(&config.Config{Server: "https://k8s.example", TLS: config.TLS{CAData: []byte("not pem")}})
	require.Error(t, err)
}
