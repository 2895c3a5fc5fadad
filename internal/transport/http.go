package transport

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/net/http2"

	"github.com/kubewire/kubewire/config"
)

// validateServer checks that server is an absolute http or https URL.
func validateServer(server string) error {
	if server == "" {
		return &ConfigError{Field: "Server", Err: errString("not set")}
	}
	u, err := url.Parse(server)
	if err != nil {
		return &ConfigError{Field: "Server", Err: errString("not a valid URL")}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return &ConfigError{Field: "Server", Err: errString("scheme must be https or http")}
	}
	if u.Host == "" {
		return &ConfigError{Field: "Server", Err: errString("no host")}
	}
	return nil
}

// baseTransport is the HTTP/1.1 transport with HTTP/2 configured on it.
type baseTransport struct {
	t1 *http.Transport
	t2 *http2.Transport
}

func (b *baseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return b.t1.RoundTrip(req)
}

// CloseIdleConnections closes idle connections of both protocols: the
// HTTP/1.1 transport does not reach the connections of an HTTP/2 transport
// configured with http2.ConfigureTransports.
func (b *baseTransport) CloseIdleConnections() {
	b.t1.CloseIdleConnections()
	b.t2.CloseIdleConnections()
}

// String describes the transport without its TLS configuration, which may
// hold a private key.
func (b *baseTransport) String() string             { return "transport.base{TLS: REDACTED}" }
func (b *baseTransport) GoString() string           { return b.String() }
func (b *baseTransport) Format(f fmt.State, v rune) { formatRedacted(f, v, b.String()) }

// newHTTPTransport builds the base transport: TLS from m, the proxy from
// cfg, HTTP/2 with health checks, and the timeouts from o (already
// defaulted). When ea is set, connections are tracked so they can be closed
// when the plugin's client certificate changes.
func newHTTPTransport(cfg *config.Config, m *tlsMaterial, ea *execAuth, o Options) (*baseTransport, error) {
	dialer := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}
	ps, err := newProxySetup(cfg.ProxyURL, dialer)
	if err != nil {
		return nil, err
	}
	dial := ps.dial
	var tracker *connTracker
	if ea != nil {
		tracker = &connTracker{}
		dial = tracker.wrap(dial)
	}
	t := &http.Transport{
		Proxy:                 ps.proxy,
		DialContext:           dial,
		TLSClientConfig:       m.tlsConfig(ea),
		TLSHandshakeTimeout:   o.TLSHandshakeTimeout,
		ResponseHeaderTimeout: o.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       o.IdleConnTimeout,
		MaxIdleConns:          4 * o.MaxIdleConnsPerHost,
		MaxIdleConnsPerHost:   o.MaxIdleConnsPerHost,
		DisableCompression:    cfg.DisableCompression,
	}
	t2, err := http2.ConfigureTransports(t)
	if err != nil {
		return nil, &ConfigError{Field: "HTTP/2", Err: err}
	}
	t2.ReadIdleTimeout = o.ReadIdleTimeout
	t2.PingTimeout = o.PingTimeout
	b := &baseTransport{t1: t, t2: t2}
	if ea != nil {
		// Take the idle connections out of the pools first, so no new
		// request picks one that is about to be closed.
		ea.onCertChange = func() {
			b.CloseIdleConnections()
			tracker.closeAll()
		}
	}
	return b, nil
}

// connTracker remembers the open connections a dial function made, so they
// can all be closed at once (in-flight requests on them fail).
type connTracker struct {
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func (t *connTracker) wrap(dial dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c, t: t}
		t.mu.Lock()
		if t.conns == nil {
			t.conns = make(map[*trackedConn]struct{})
		}
		t.conns[tc] = struct{}{}
		t.mu.Unlock()
		return tc, nil
	}
}

// closeAll closes every open tracked connection.
func (t *connTracker) closeAll() {
	t.mu.Lock()
	conns := t.conns
	t.conns = nil
	t.mu.Unlock()
	for c := range conns {
		_ = c.Conn.Close()
	}
}

type trackedConn struct {
	net.Conn
	t *connTracker
}

func (c *trackedConn) Close() error {
	c.t.mu.Lock()
	delete(c.t.conns, c)
	c.t.mu.Unlock()
	return c.Conn.Close()
}
