package transport

import (
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

// testProxy is an HTTP proxy: it tunnels CONNECT requests (to target when
// set, else to the requested address) and answers every other request
// itself with "proxied". It records what it was asked.
type testProxy struct {
	target string

	mu        sync.Mutex
	requests  []string
	proxyAuth []string
}

func (p *testProxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

func (p *testProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if r.Method == http.MethodConnect {
		p.requests = append(p.requests, "CONNECT "+r.Host)
	} else {
		p.requests = append(p.requests, r.Method+" "+r.URL.String())
	}
	p.proxyAuth = append(p.proxyAuth, r.Header.Get("Proxy-Authorization"))
	p.mu.Unlock()

	if r.Method != http.MethodConnect {
		_, _ = io.WriteString(w, "proxied")
		return
	}
	addr := r.Host
	if p.target != "" {
		addr = p.target
	}
	upstream, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, brw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		_ = upstream.Close()
		return
	}
	_, _ = io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	splice(conn, brw, upstream)
}

// splice copies between a client connection (reading through r, which may
// hold buffered bytes) and upstream until either side closes.
func splice(client net.Conn, r io.Reader, upstream net.Conn) {
	go func() {
		_, _ = io.Copy(upstream, r)
		_ = upstream.Close()
	}()
	_, _ = io.Copy(client, upstream)
	_ = client.Close()
}

func TestProxyURL(t *testing.T) {
	srv := newTLSServer(t, echoHandler(), true, nil)

	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme+" proxy, https server", func(t *testing.T) {
			p := &testProxy{}
			var ps *httptest.Server
			if scheme == "http" {
				ps = httptest.NewServer(p)
			} else {
				ps = httptest.NewTLSServer(p) // same certificate as srv, so trusted
			}
			t.Cleanup(ps.Close)
			rt := newRT(t, &config.Config{Server: srv.URL, ProxyURL: ps.URL, TLS: config.TLS{CAData: serverCA(srv)}}, Options{})
			resp := mustDo(t, rt, srv.URL)
			assert.Equal(t, 2, resp.ProtoMajor)
			assert.Equal(t, []string{"CONNECT " + srv.Listener.Addr().String()}, p.seen())
		})
	}

	t.Run("http proxy with credentials", func(t *testing.T) {
		p := &testProxy{}
		ps := httptest.NewServer(p)
		t.Cleanup(ps.Close)
		proxyURL := "http://proxyuser:proxypass@" + ps.Listener.Addr().String()
		rt := newRT(t, &config.Config{Server: srv.URL, ProxyURL: proxyURL, TLS: config.TLS{CAData: serverCA(srv)}}, Options{})
		mustDo(t, rt, srv.URL)
		require.Len(t, p.proxyAuth, 1)
		assert.Equal(t, "Basic cHJveHl1c2VyOnByb3h5cGFzcw==", p.proxyAuth[0])
	})

	t.Run("http proxy, http server", func(t *testing.T) {
		p := &testProxy{}
		ps := httptest.NewServer(p)
		t.Cleanup(ps.Close)
		target := "http://127.0.0.1:1/api"
		rt := newRT(t, &config.Config{Server: "http://127.0.0.1:1", ProxyURL: ps.URL}, Options{})
		_, body, err := do(t, rt, target)
		require.NoError(t, err)
		assert.Equal(t, "proxied", body)
		assert.Equal(t, []string{"GET " + target}, p.seen())
	})

	t.Run("socks5", func(t *testing.T) {
		s := newSOCKS5Server(t)
		rt := newRT(t, &config.Config{Server: srv.URL, ProxyURL: "socks5://" + s.addr(), TLS: config.TLS{CAData: serverCA(srv)}}, Options{})
		resp := mustDo(t, rt, srv.URL)
		assert.Equal(t, 2, resp.ProtoMajor)
		assert.Equal(t, []string{srv.Listener.Addr().String()}, s.seen())
	})

	t.Run("explicit proxy wins over environment", func(t *testing.T) {
		t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
		p := &testProxy{target: srv.Listener.Addr().String()}
		ps := httptest.NewServer(p)
		t.Cleanup(ps.Close)
		server := "https://kube.example.test"
		rt := newRT(t, &config.Config{Server: server, ProxyURL: ps.URL, TLS: config.TLS{CAData: serverCA(srv), ServerName: "example.com"}}, Options{})
		mustDo(t, rt, server)
		assert.Equal(t, []string{"CONNECT kube.example.test:443"}, p.seen())
	})
}

func TestProxyURLErrors(t *testing.T) {
	for _, u := range []string{
		"ftp://user:hunter2pass@proxy.example:21",
		"http://user:hunter2pass@[::1",
		"socks4://user:hunter2pass@proxy.example",
		"user:hunter2pass@proxy.example",
		"http://",
	} {
		_, err := New(&config.Config{Server: "https://127.0.0.1:6443", ProxyURL: u}, Options{})
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, u)
		assert.Equal(t, "ProxyURL", ce.Field)
		assertNoSecret(t, err.Error(), "hunter2pass")
	}
}

// clearProxyEnv empties every proxy variable for the test.
func clearProxyEnv(t *testing.T) {
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
}

func TestProxyFromEnvironment(t *testing.T) {
	srv := newTLSServer(t, echoHandler(), true, nil)
	p := &testProxy{target: srv.Listener.Addr().String()}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)

	// The environment never proxies loopback addresses, so the server is
	// named by a host name the proxy maps to the test server.
	const server = "https://kube.example.test"
	cfg := &config.Config{Server: server, TLS: config.TLS{CAData: serverCA(srv), ServerName: "example.com"}}

	t.Run("HTTPS_PROXY", func(t *testing.T) {
		clearProxyEnv(t)
		t.Setenv("HTTPS_PROXY", ps.URL)
		rt := newRT(t, cfg, Options{})
		mustDo(t, rt, server)
		assert.Equal(t, []string{"CONNECT kube.example.test:443"}, p.seen())
	})

	t.Run("HTTP_PROXY for an http server", func(t *testing.T) {
		clearProxyEnv(t)
		t.Setenv("HTTP_PROXY", ps.URL)
		rt := newRT(t, &config.Config{Server: "http://kube.example.test"}, Options{})
		_, body, err := do(t, rt, "http://kube.example.test/version")
		require.NoError(t, err)
		assert.Equal(t, "proxied", body)
	})

	proxyFor := func(t *testing.T, target string) string {
		t.Helper()
		o, err := Options{}.withDefaults()
		require.NoError(t, err)
		m, err := loadTLS(&cfg.TLS)
		require.NoError(t, err)
		tr, err := newHTTPTransport(cfg, m, nil, o)
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodGet, target, nil)
		require.NoError(t, err)
		u, err := tr.t1.Proxy(req)
		require.NoError(t, err)
		if u == nil {
			return ""
		}
		return u.String()
	}

	t.Run("NO_PROXY", func(t *testing.T) {
		clearProxyEnv(t)
		t.Setenv("HTTPS_PROXY", ps.URL)
		t.Setenv("NO_PROXY", ".example.test,10.0.0.0/8")
		assert.Equal(t, "", proxyFor(t, server+"/api"))
		assert.Equal(t, "", proxyFor(t, "https://10.1.2.3/api"))
		assert.Equal(t, ps.URL, proxyFor(t, "https://kube.other.test/api"))
	})

	t.Run("lower-case variables", func(t *testing.T) {
		clearProxyEnv(t)
		t.Setenv("https_proxy", ps.URL)
		t.Setenv("no_proxy", "kube.other.test")
		assert.Equal(t, ps.URL, proxyFor(t, server+"/api"))
		assert.Equal(t, "", proxyFor(t, "https://kube.other.test/api"))
	})

	t.Run("no variables", func(t *testing.T) {
		clearProxyEnv(t)
		assert.Equal(t, "", proxyFor(t, server+"/api"))
	})
}

// socks5Server is a minimal SOCKS5 proxy (no authentication, CONNECT only)
// that records the addresses it was asked to connect to.
type socks5Server struct {
	ln   net.Listener
	mu   sync.Mutex
	reqs []string
}

func newSOCKS5Server(t *testing.T) *socks5Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &socks5Server{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.handle(c)
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return s
}

func (s *socks5Server) addr() string { return s.ln.Addr().String() }

func (s *socks5Server) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

func (s *socks5Server) handle(c net.Conn) {
	fail := func() { _ = c.Close() }
	// Greeting: VER NMETHODS METHODS...; choose "no authentication".
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(c, hdr); err != nil || hdr[0] != 5 {
		fail()
		return
	}
	if _, err := io.ReadFull(c, make([]byte, hdr[1])); err != nil {
		fail()
		return
	}
	if _, err := c.Write([]byte{5, 0}); err != nil {
		fail()
		return
	}
	// Request: VER CMD RSV ATYP DST.ADDR DST.PORT.
	req := make([]byte, 4)
	if _, err := io.ReadFull(c, req); err != nil || req[1] != 1 {
		fail()
		return
	}
	var host string
	switch req[3] {
	case 1, 4:
		ip := make([]byte, 4)
		if req[3] == 4 {
			ip = make([]byte, 16)
		}
		if _, err := io.ReadFull(c, ip); err != nil {
			fail()
			return
		}
		host = net.IP(ip).String()
	case 3:
		n := make([]byte, 1)
		if _, err := io.ReadFull(c, n); err != nil {
			fail()
			return
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(c, name); err != nil {
			fail()
			return
		}
		host = string(name)
	default:
		fail()
		return
	}
	port := make([]byte, 2)
	if _, err := io.ReadFull(c, port); err != nil {
		fail()
		return
	}
	addr := net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port))))
	s.mu.Lock()
	s.reqs = append(s.reqs, addr)
	s.mu.Unlock()

	upstream, err := net.Dial("tcp", addr)
	if err != nil {
		_, _ = c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0}) // connection refused
		fail()
		return
	}
	if _, err := c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0}); err != nil {
		_ = upstream.Close()
		fail()
		return
	}
	splice(c, c, upstream)
}
