// Package websocket is an RFC 6455 WebSocket client whose opening handshake
// is an ordinary request sent through any http.RoundTripper, so the
// credentials, exec plugins, client certificates, impersonation headers and
// proxy of a kubewire transport apply to it as to every other request.
//
// Dial sends the handshake and returns a Conn: masked client frames, 7, 16
// and 64-bit lengths, fragments joined, pings answered, a heartbeat ping
// and a read timeout that any frame refreshes, close codes both ways, and a
// cap on the size of a message. A refused handshake is a *HandshakeError
// that keeps the server's status code and body. Package rest's
// Request.WebSocket builds the handshake from a request and turns a refusal
// into the same *rest.StatusError other requests return.
package websocket

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// acceptGUID is the fixed GUID of RFC 6455 section 1.3.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// maxHandshakeBody caps how much of a refused handshake's body is kept.
const maxHandshakeBody = 1 << 20

// Dial opens a WebSocket connection with the request req (its URL, headers
// and context are used; the method becomes GET and any body is dropped;
// ws and wss URLs mean http and https) sent through rt (nil means
// http.DefaultTransport). It adds the upgrade headers and the offered
// subprotocols, and checks the server's answer: 101 Switching Protocols, the
// accept key, and a subprotocol among those offered.
//
// ctx bounds the handshake and the connection's whole life: when it ends,
// the connection is closed and its reads and writes fail with ErrClosed
// wrapping the context's error. Call Close when done.
//
// Errors: *HandshakeError for any answer but a valid 101 (with the
// server's status, headers and body), the round tripper's error as it is
// (a credential plugin's, a TLS or dial error), or *ArgumentError for bad
// options or a request it cannot dial. Nothing is retried.
func Dial(ctx context.Context, rt http.RoundTripper, req *http.Request, opts Options) (*Conn, error) {
	if req == nil || req.URL == nil {
		return nil, &ArgumentError{Arg: "request", Reason: "nil request or URL"}
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	for _, p := range o.Protocols {
		if p == "" || strings.ContainsAny(p, ", \t\r\n") {
			return nil, &ArgumentError{Arg: "Options.Protocols", Reason: fmt.Sprintf("subprotocol %q is not a token", p)}
		}
	}
	if rt == nil {
		rt = http.DefaultTransport
	}
	r := req.Clone(ctx)
	u := *req.URL
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	case "http", "https":
	default:
		return nil, &ArgumentError{Arg: "request URL", Reason: fmt.Sprintf("scheme %q is not ws, wss, http or https", u.Scheme)}
	}
	r.URL = &u
	r.Method = http.MethodGet
	r.Body, r.GetBody, r.ContentLength = nil, nil, 0
	if r.Header == nil {
		r.Header = http.Header{}
	}
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", key)
	r.Header.Del("Sec-WebSocket-Extensions")
	if len(o.Protocols) > 0 {
		r.Header.Set("Sec-WebSocket-Protocol", strings.Join(o.Protocols, ", "))
	} else {
		r.Header.Del("Sec-WebSocket-Protocol")
	}

	resp, err := rt.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxHandshakeBody))
		_ = resp.Body.Close()
		return nil, &HandshakeError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	}
	rwc, ok := resp.Body.(io.ReadWriteCloser)
	fail := func(reason string) (*Conn, error) {
		_ = resp.Body.Close()
		return nil, &HandshakeError{StatusCode: resp.StatusCode, Header: resp.Header, Reason: reason}
	}
	switch {
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		return fail("no Upgrade: websocket header")
	case !headerHasToken(resp.Header, "Connection", "upgrade"):
		return fail("no Connection: Upgrade header")
	case resp.Header.Get("Sec-WebSocket-Accept") != acceptKey(key):
		return fail("Sec-WebSocket-Accept does not match the key sent")
	case resp.Header.Get("Sec-WebSocket-Extensions") != "":
		return fail("the server chose an extension that was not offered")
	case !ok:
		return fail("the transport did not hand over a writable connection (an HTTP/2-only transport?)")
	}
	proto := resp.Header.Get("Sec-WebSocket-Protocol")
	if proto != "" && !slices.Contains(o.Protocols, proto) {
		return fail(fmt.Sprintf("the server chose subprotocol %q, which was not offered", proto))
	}
	c := newConn(rwc, bufio.NewReaderSize(rwc, 64<<10), proto, o)
	stop := context.AfterFunc(ctx, func() {
		c.teardown(fmt.Errorf("%w: %w", ErrClosed, context.Cause(ctx)))
	})
	c.stopCtx.Store(&stop)
	if c.closedCause() != nil {
		stop()
	}
	return c, nil
}

// acceptKey is the Sec-WebSocket-Accept value for key.
func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// headerHasToken reports whether any comma-separated value of header name
// is token, ignoring case.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
