package rest

import (
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xws "golang.org/x/net/websocket"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/websocket"
)

// echoServer upgrades with x/net/websocket (the server side Kubernetes'
// streaming code uses), choosing the first offered protocol, and echoes.
func echoServer() http.Handler {
	return xws.Server{
		Handshake: func(cfg *xws.Config, _ *http.Request) error {
			if len(cfg.Protocol) > 0 {
				cfg.Protocol = cfg.Protocol[:1]
			}
			return nil
		},
		Handler: func(ws *xws.Conn) {
			ws.PayloadType = xws.BinaryFrame
			var msg []byte
			for xws.Message.Receive(ws, &msg) == nil {
				if xws.Message.Send(ws, msg) != nil {
					return
				}
			}
		},
	}
}

// The handshake goes through the transport built from the config: TLS with
// the CA, the bearer token and impersonation; it is sent over HTTP/1.1
// while other requests use HTTP/2.
func TestWebSocketThroughConfiguredTransport(t *testing.T) {
	const token = "ws-token"
	var mu sync.Mutex
	seen := map[string]*http.Request{}
	record := func(name string, r *http.Request) {
		mu.Lock()
		seen[name] = r
		mu.Unlock()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/namespaces/ns/pods/p/exec", func(w http.ResponseWriter, r *http.Request) {
		record("exec", r.Clone(r.Context()))
		echoServer().ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		record("version", r.Clone(r.Context()))
		writeJSON(t, w, map[string]string{"gitVersion": "v1.37.2"})
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg := &config.Config{Server: srv.URL, TLS: config.TLS{CAData: ca}, Auth: config.Auth{Token: token},
		Impersonate: config.Impersonate{User: "alice", Groups: []string{"devs"}}}
	c, err := New(cfg, WithRateLimit(-1, 0))
	require.NoError(t, err)

	var v map[string]string
	require.NoError(t, c.Get().AbsPath("/version").Into(testCtx(t), &v))

	conn, err := c.Post().Version("v1").Namespace("ns").Resource("pods").Name("p").SubResource("exec").
		Param("command", "ls").WebSocket(testCtx(t), websocket.Options{Protocols: []string{"v5.channel.k8s.io", "v4.channel.k8s.io"}})
	require.NoError(t, err)
	defer conn.Close()
	assert.Equal(t, "v5.channel.k8s.io", conn.Subprotocol())
	require.NoError(t, conn.WriteMessage(websocket.Binary, []byte{0}, []byte("hi")))
	_, msg, err := conn.ReadMessage()
	require.NoError(t, err)
	assert.Equal(t, "\x00hi", string(msg))

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, seen["version"].ProtoMajor, "ordinary requests use HTTP/2")
	ex := seen["exec"]
	assert.Equal(t, 1, ex.ProtoMajor, "the upgrade uses HTTP/1.1")
	assert.Equal(t, "Bearer "+token, ex.Header.Get("Authorization"))
	assert.Equal(t, "alice", ex.Header.Get("Impersonate-User"))
	assert.Equal(t, []string{"devs"}, ex.Header.Values("Impersonate-Group"))
	assert.Equal(t, "command=ls", ex.URL.RawQuery)
	assert.Contains(t, ex.Header.Get("User-Agent"), "kubewire/")
}

// A refused upgrade is the *StatusError any request gets.
func TestWebSocketRefusedUpgrade(t *testing.T) {
	f := setup(t)
	f.handle("GET /api/v1/namespaces/ns/pods/gone/exec", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(t, w, statusNotFound("pods", "gone"))
	})
	f.handle("GET /api/v1/namespaces/ns/pods/p/exec", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(t, w, metav1.Status{Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden,
			Message: `pods "p" is forbidden: User "jane" cannot get resource "pods/exec"`})
	})
	f.handle("GET /api/v1/namespaces/ns/pods/p/attach", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Upgrade request required", http.StatusBadRequest)
	})
	req := func(name, sub string) *Request {
		return f.client.Get().Version("v1").Namespace("ns").Resource("pods").Name(name).SubResource(sub)
	}
	_, err := req("gone", "exec").WebSocket(testCtx(t), websocket.Options{})
	assert.True(t, IsNotFound(err), err)
	assert.EqualError(t, err, `pods "gone" not found`)

	_, err = req("p", "exec").WebSocket(testCtx(t), websocket.Options{})
	assert.True(t, IsForbidden(err), err)
	assert.Contains(t, err.Error(), `cannot get resource "pods/exec"`)

	_, err = req("p", "attach").WebSocket(testCtx(t), websocket.Options{})
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 400, se.Code())
	assert.Contains(t, se.Status.Message, "Upgrade request required")

	_, err = f.client.Get().Version("v1").Name("x").WebSocket(testCtx(t), websocket.Options{})
	var re *RequestError
	assert.ErrorAs(t, err, &re, "builder errors are kept")
}

func TestTransportForAndHTTPClient(t *testing.T) {
	var mu sync.Mutex
	var otherAuth []string
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		otherAuth = append(otherAuth, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	t.Cleanup(other.Close)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, other.URL+"/", http.StatusFound)
			return
		}
		assert.Equal(t, "Bearer tok", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg := &config.Config{Server: srv.URL + "/", TLS: config.TLS{CAData: ca}, Auth: config.Auth{Token: "tok"}}

	rt, err := TransportFor(cfg)
	require.NoError(t, err)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)

	hc, err := HTTPClientFor(cfg)
	require.NoError(t, err)
	resp, err = hc.Get(srv.URL + "/away")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode, "a redirect to another host is not followed")
	mu.Lock()
	assert.Empty(t, otherAuth)
	mu.Unlock()

	c, err := New(cfg)
	require.NoError(t, err)
	resp, err = c.HTTPClient().Get(srv.URL + "/y")
	require.NoError(t, err)
	resp.Body.Close()
	assert.NotNil(t, c.Transport())

	_, err = TransportFor(nil)
	assert.Error(t, err)
	_, err = HTTPClientFor(&config.Config{Server: "ftp://x"})
	var ce *ConfigError
	assert.ErrorAs(t, err, &ce)
}

// connectProxy is an HTTP CONNECT proxy that counts the tunnels it opened.
func connectProxy(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var tunnels atomic.Int32
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		tunnels.Add(1)
		go func() { _, _ = io.Copy(up, brw); up.Close() }()
		_, _ = io.Copy(conn, up)
		conn.Close()
	}))
	t.Cleanup(p.Close)
	return p, &tunnels
}

// The handshake goes through the configured proxy.
func TestWebSocketThroughProxy(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/namespaces/ns/pods/p/exec", echoServer())
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	proxy, tunnels := connectProxy(t)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c, err := New(&config.Config{Server: srv.URL, TLS: config.TLS{CAData: ca}, ProxyURL: proxy.URL})
	require.NoError(t, err)
	conn, err := c.Get().Version("v1").Namespace("ns").Resource("pods").Name("p").SubResource("exec").
		WebSocket(testCtx(t), websocket.Options{Protocols: []string{"v4.channel.k8s.io"}})
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.WriteMessage(websocket.Binary, []byte("via proxy")))
	_, msg, err := conn.ReadMessage()
	require.NoError(t, err)
	assert.Equal(t, "via proxy", string(msg))
	assert.EqualValues(t, 1, tunnels.Load())
}
