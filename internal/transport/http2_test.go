package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

func TestProtocolNegotiation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		h2    bool
		major int
	}{
		{"server offers h2", true, 2},
		{"server offers only http/1.1", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTLSServer(t, echoHandler(), tc.h2, nil)
			rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{CAData: serverCA(srv)}}, Options{})
			resp := mustDo(t, rt, srv.URL)
			assert.Equal(t, tc.major, resp.ProtoMajor)

			// The connection is reused for the next request.
			var reused bool
			ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
				GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
			})
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			resp, _, err := doCtx(ctx, t, rt, srv.URL)
			require.NoError(t, err)
			assert.Equal(t, tc.major, resp.ProtoMajor)
			assert.True(t, reused, "second request did not reuse the connection")
		})
	}
}

func TestDisableCompression(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		srv := newTLSServer(t, echoHandler(), h2, nil)
		for _, disable := range []bool{false, true} {
			rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{CAData: serverCA(srv)}, DisableCompression: disable}, Options{})
			resp := mustDo(t, rt, srv.URL)
			want := "gzip"
			if disable {
				want = ""
			}
			assert.Equal(t, want, resp.Header.Get("X-Accept-Encoding"), "h2=%t disable=%t", h2, disable)
		}
	}
}

// blackholeProxy forwards TCP connections to target until blackhole is
// called; from then on the connections it already has stay open but
// silently drop everything in both directions, like a peer that vanished
// from the network. Connections accepted later are forwarded normally.
type blackholeProxy struct {
	ln       net.Listener
	target   string
	accepted atomic.Int32

	mu    sync.Mutex
	conns []*proxiedConn
}

type proxiedConn struct {
	client, server net.Conn
	dead           atomic.Bool
}

func newBlackholeProxy(t *testing.T, target string) *blackholeProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &blackholeProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *blackholeProxy) addr() string { return p.ln.Addr().String() }

func (p *blackholeProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		pc := &proxiedConn{client: c, server: s}
		p.mu.Lock()
		p.conns = append(p.conns, pc)
		p.mu.Unlock()
		go pc.pipe(s, c)
		go pc.pipe(c, s)
	}
}

func (pc *proxiedConn) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			_ = dst.Close()
			return
		}
		if pc.dead.Load() {
			continue
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			_ = src.Close()
			return
		}
	}
}

func (p *blackholeProxy) blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.dead.Store(true)
	}
}

func (p *blackholeProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.client.Close()
		_ = c.server.Close()
	}
}

func TestHTTP2DeadConnectionDetected(t *testing.T) {
	srv := newTLSServer(t, echoHandler(), true, nil)
	p := newBlackholeProxy(t, srv.Listener.Addr().String())
	url := "https://" + p.addr()
	rt := newRT(t, &config.Config{Server: url, TLS: config.TLS{CAData: serverCA(srv)}},
		Options{ReadIdleTimeout: 200 * time.Millisecond, PingTimeout: 200 * time.Millisecond})

	resp := mustDo(t, rt, url)
	require.Equal(t, 2, resp.ProtoMajor)
	require.EqualValues(t, 1, p.accepted.Load())

	p.blackhole()

	// Without health checks this request would hang on the dead connection
	// until the deadline (the response header timeout is the default 90s).
	// With them it fails, or is retried on a new connection, well before.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, _, err := doCtx(ctx, t, rt, url)
	elapsed := time.Since(start)
	if err != nil {
		assert.False(t, errors.Is(err, context.DeadlineExceeded), "request hung until the deadline: %v", err)
	}
	t.Logf("request on the dead connection: %v after %v", err, elapsed)
	assert.Less(t, elapsed, 5*time.Second)

	// The dead connection is gone; the next request gets a new one.
	resp = mustDo(t, rt, url)
	assert.Equal(t, 2, resp.ProtoMajor)
	assert.EqualValues(t, 2, p.accepted.Load())
}

func TestResponseHeaderTimeout(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		block := make(chan struct{})
		srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select { // never send headers
			case <-block:
			case <-r.Context().Done():
			}
		}), h2, nil)
		t.Cleanup(func() { close(block) }) // runs before srv.Close
		rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{CAData: serverCA(srv)}},
			Options{ResponseHeaderTimeout: 300 * time.Millisecond})

		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		start := time.Now()
		_, _, err := doCtx(ctx, t, rt, srv.URL)
		cancel()
		require.Error(t, err, "h2=%t", h2)
		assert.Contains(t, err.Error(), "timeout awaiting response headers", "h2=%t", h2)
		assert.Less(t, time.Since(start), 5*time.Second, "h2=%t", h2)
	}
}

func TestStreamingBodyNotCutByHeaderTimeout(t *testing.T) {
	// A watch-like response: headers at once, body trickling for longer than
	// the header timeout.
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for range 4 {
			_, _ = io.WriteString(w, "event\n")
			w.(http.Flusher).Flush()
			time.Sleep(100 * time.Millisecond)
		}
	}), true, nil)
	rt := newRT(t, &config.Config{Server: srv.URL, TLS: config.TLS{CAData: serverCA(srv)}},
		Options{ResponseHeaderTimeout: 150 * time.Millisecond})
	_, body, err := do(t, rt, srv.URL)
	require.NoError(t, err)
	assert.Equal(t, "event\nevent\nevent\nevent\n", body)
}

func TestOptionsValidation(t *testing.T) {
	cfg := &config.Config{Server: "https://127.0.0.1:6443"}
	for name, o := range map[string]Options{
		"Options.ReadIdleTimeout":       {ReadIdleTimeout: -1},
		"Options.PingTimeout":           {PingTimeout: -1},
		"Options.ResponseHeaderTimeout": {ResponseHeaderTimeout: -time.Second},
		"Options.TLSHandshakeTimeout":   {TLSHandshakeTimeout: -1},
		"Options.DialTimeout":           {DialTimeout: -1},
		"Options.IdleConnTimeout":       {IdleConnTimeout: -1},
		"Options.MaxIdleConnsPerHost":   {MaxIdleConnsPerHost: -1},
	} {
		_, err := New(cfg, o)
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, name)
		assert.Equal(t, name, ce.Field)
	}

	for _, server := range []string{"", "ftp://x", "127.0.0.1:6443", "https://", "http://[::1"} {
		_, err := New(&config.Config{Server: server}, Options{})
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, server)
		assert.Equal(t, "Server", ce.Field)
	}
	_, err := New(nil, Options{})
	require.Error(t, err)

	// Defaults are applied.
	o, err := Options{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DefaultReadIdleTimeout, o.ReadIdleTimeout)
	assert.Equal(t, DefaultPingTimeout, o.PingTimeout)
	assert.Equal(t, DefaultResponseHeaderTimeout, o.ResponseHeaderTimeout)
	assert.Equal(t, DefaultMaxIdleConnsPerHost, o.MaxIdleConnsPerHost)
}
