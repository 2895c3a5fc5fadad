package rest

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/websocket"
)

// TransportFor returns the round tripper New would build for cfg (with the
// default user agent): TLS with
// the configured verification and client certificate, HTTP/2 with health
// checks, the proxy, credentials (token, token file, basic, exec plugin) and
// impersonation. Use it to reach the API server with kubewire's
// authentication for a protocol of your own; requests sent through it
// carry the credentials, so never send them to another host. It is safe for
// concurrent use. A bad config field, or a TLS file that cannot be read or
// parsed, is a *ConfigError.
func TransportFor(cfg *config.Config) (http.RoundTripper, error) {
	if cfg == nil {
		return nil, &ConfigError{Field: "Config", Reason: "nil config"}
	}
	base, err := parseServer(cfg.Server)
	if err != nil {
		return nil, err
	}
	norm := *cfg
	norm.Server = base.String()
	return newTransport(&norm, slog.New(slog.DiscardHandler), defaultUserAgent())
}

// HTTPClientFor returns an *http.Client over TransportFor(cfg), with no
// timeout (cfg.Timeout is left to the caller) and redirects followed only
// to the configured server's scheme and host, as a Client does.
func HTTPClientFor(cfg *config.Config) (*http.Client, error) {
	rt, err := TransportFor(cfg)
	if err != nil {
		return nil, err
	}
	base, _ := parseServer(cfg.Server) // TransportFor checked it
	c := &Client{base: base, log: slog.New(slog.DiscardHandler)}
	return &http.Client{Transport: rt, CheckRedirect: c.checkRedirect}, nil
}

// Transport returns the round tripper the client sends its requests through
// (built from the config, or given by WithTransport, with every wrapper
// applied). It carries the client's credentials: never send its requests
// to another host.
func (c *Client) Transport() http.RoundTripper { return c.hc.Transport }

// HTTPClient returns a new *http.Client over Transport, with no timeout and
// the client's redirect policy (only to the configured scheme and host).
// The rate limit and retries of Request do not apply to it.
func (c *Client) HTTPClient() *http.Client {
	return &http.Client{Transport: c.hc.Transport, CheckRedirect: c.checkRedirect}
}

// WebSocket opens a WebSocket connection to the request's URL through the
// client's transport, so its credentials, impersonation and proxy apply: the
// exec, attach and portforward subresources of a pod. The handshake is a
// GET whatever the request's verb; it takes a rate-limit token and is never
// retried. opts.Protocols are offered in one header.
//
// ctx bounds the handshake and the connection's life (see websocket.Dial);
// cfg.Timeout does not apply. A server that refuses the upgrade (a missing
// pod, 401, 403, a bad parameter) comes back as the same *StatusError any
// other request gets, decoded from the server's Status. A 101 answer that
// breaks the protocol is a *websocket.HandshakeError; builder errors are
// *RequestError; the transport's errors come back as they are.
func (r *Request) WebSocket(ctx context.Context, opts websocket.Options) (*websocket.Conn, error) {
	if err := r.usable(ctx, "WebSocket"); err != nil {
		return nil, err
	}
	if r.c.limiter != nil {
		if err := r.c.limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	req, err := r.Build(ctx)
	if err != nil {
		return nil, err
	}
	req.Method = http.MethodGet
	start := time.Now()
	conn, err := websocket.Dial(ctx, r.c.hc.Transport, req, opts)
	var he *websocket.HandshakeError
	switch {
	case err == nil:
		r.c.logAttempt(ctx, req, http.StatusSwitchingProtocols, time.Since(start), 0, nil)
		return conn, nil
	case errors.As(err, &he) && he.StatusCode != http.StatusSwitchingProtocols:
		r.c.logAttempt(ctx, req, he.StatusCode, time.Since(start), 0, nil)
		resp := &http.Response{StatusCode: he.StatusCode, Header: he.Header, Request: req}
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		r.c.handleWarnings(ctx, resp)
		return nil, newStatusError(resp, he.Body)
	default:
		r.c.logAttempt(ctx, req, 0, time.Since(start), 0, err)
		return nil, err
	}
}
