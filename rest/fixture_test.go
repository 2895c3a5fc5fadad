package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
)

// fixture is a test API server and a Client pointed at it. Any request to a
// path no test registered fails the test.
type fixture struct {
	t      *testing.T
	mux    *http.ServeMux
	srv    *httptest.Server
	client *Client

	mu    sync.Mutex
	waits []time.Duration // the retry waits the client asked for
}

type fixtureOptions struct {
	http2    bool
	realWait bool
	cfg      config.Config
}

// setup starts an HTTP/1.1 server and a client with no rate limit whose
// retry waits are recorded and shortened to at most a millisecond.
func setup(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	return setupWith(t, fixtureOptions{}, opts...)
}

func setupWith(t *testing.T, fo fixtureOptions, opts ...Option) *fixture {
	t.Helper()
	f := &fixture{t: t, mux: http.NewServeMux()}
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request: %s %s", r.Method, r.URL.RequestURI())
		http.Error(w, "unexpected request", http.StatusNotImplemented)
	})
	if fo.http2 {
		f.srv = httptest.NewUnstartedServer(f.mux)
		f.srv.EnableHTTP2 = true
		f.srv.StartTLS()
	} else {
		f.srv = httptest.NewServer(f.mux)
	}
	t.Cleanup(func() {
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	cfg := fo.cfg
	cfg.Server = f.srv.URL
	all := append([]Option{WithTransport(f.srv.Client().Transport), WithRateLimit(-1, 0)}, opts...)
	c, err := New(&cfg, all...)
	require.NoError(t, err)
	if !fo.realWait {
		c.wait = func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.waits = append(f.waits, d)
			f.mu.Unlock()
			return sleepCtx(ctx, min(d, time.Millisecond))
		}
	}
	f.client = c
	return f
}

// handle registers h for pattern ("GET /api/v1/pods").
func (f *fixture) handle(pattern string, h http.HandlerFunc) {
	f.t.Helper()
	f.mux.HandleFunc(pattern, h)
}

func (f *fixture) recordedWaits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// writeStatus writes st as the API server writes a Status.
func writeStatus(t *testing.T, w http.ResponseWriter, st metav1.Status) {
	t.Helper()
	st.Kind, st.APIVersion, st.Status = "Status", "v1", metav1.StatusFailure
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(int(st.Code))
	if err := json.NewEncoder(w).Encode(st); err != nil {
		t.Errorf("writing status: %v", err)
	}
}

// writeJSON writes v with code 200.
func writeJSON(t *testing.T, w http.ResponseWriter, v any) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		t.Errorf("writing body: %v", err)
	}
}

// testCtx returns a context that ends with the test, or after 10s.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// object is a small stand-in for a Kubernetes object.
type object struct {
	APIVersion string            `json:"apiVersion,omitempty"`
	Kind       string            `json:"kind,omitempty"`
	Metadata   objectMeta        `json:"metadata"`
	Data       map[string]string `json:"data,omitempty"`
}

type objectMeta struct {
	Name            string `json:"name,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
}

func statusNotFound(resource, name string) metav1.Status {
	return metav1.Status{Code: http.StatusNotFound, Reason: metav1.StatusReasonNotFound,
		Message: resource + ` "` + name + `" not found`,
		Details: &metav1.StatusDetails{Name: name, Kind: resource}}
}
