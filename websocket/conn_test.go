package websocket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xws "golang.org/x/net/websocket"
)

// headerTransport adds a header to each request, as kubewire's credential
// wrappers do.
type headerTransport struct {
	next http.RoundTripper
	seen atomic.Int32
}

func (h *headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h.seen.Add(1)
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer secret")
	return h.next.RoundTrip(r)
}

func TestHandshakeThroughRoundTripper(t *testing.T) {
	got := make(chan *http.Request, 1)
	srv := server(t, "v4.channel.k8s.io", func(p *peer, r *http.Request) {
		got <- r
		p.write(true, opClose, []byte{0x03, 0xE8})
		_, _ = p.read()
	})
	rt := &headerTransport{next: srv.Client().Transport}
	req, _ := http.NewRequest(http.MethodPost, strings.Replace(srv.URL, "http", "ws", 1)+"/x?a=b", strings.NewReader("dropped"))
	req.Header.Set("X-Extra", "kept")
	c, err := Dial(context.Background(), rt, req, Options{Protocols: []string{"v5.channel.k8s.io", "v4.channel.k8s.io"}})
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, "v4.channel.k8s.io", c.Subprotocol())
	assert.EqualValues(t, 1, rt.seen.Load())

	r := <-got
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/x?a=b", r.URL.RequestURI())
	assert.Equal(t, "Bearer secret", r.Header.Get("Authorization"))
	assert.Equal(t, "kept", r.Header.Get("X-Extra"))
	assert.Equal(t, []string{"v5.channel.k8s.io, v4.channel.k8s.io"}, r.Header.Values("Sec-Websocket-Protocol"), "one header line")
	assert.Equal(t, "13", r.Header.Get("Sec-Websocket-Version"))
	assert.Equal(t, "websocket", r.Header.Get("Upgrade"))
	assert.EqualValues(t, 0, r.ContentLength)

	_, _, err = c.ReadMessage()
	var ce *CloseError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, CloseNormal, ce.Code)
	assert.True(t, IsNormalClose(err))
}

func TestHandshakeRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"kind":"Status","status":"Failure","reason":"Forbidden","code":403}`))
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	_, err := Dial(context.Background(), nil, req, Options{})
	var he *HandshakeError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, http.StatusForbidden, he.StatusCode)
	assert.Equal(t, "application/json", he.Header.Get("Content-Type"))
	assert.Contains(t, string(he.Body), `"reason":"Forbidden"`)
	assert.Equal(t, "websocket: handshake refused with status 403 (Forbidden)", err.Error())
}

func TestHandshakeBadResponses(t *testing.T) {
	cases := map[string]struct {
		headers string
		reason  string
	}{
		"wrong accept":         {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: nope\r\n", "Sec-WebSocket-Accept"},
		"no upgrade":           {"Connection: Upgrade\r\nSec-WebSocket-Accept: ACCEPT\r\n", "Upgrade: websocket"},
		"no connection":        {"Upgrade: websocket\r\nSec-WebSocket-Accept: ACCEPT\r\n", "Connection: Upgrade"},
		"protocol not offered": {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ACCEPT\r\nSec-WebSocket-Protocol: v9\r\n", "not offered"},
		"extension":            {"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ACCEPT\r\nSec-WebSocket-Extensions: permessage-deflate\r\n", "extension"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err != nil {
					return
				}
				defer conn.Close()
				h := strings.ReplaceAll(tc.headers, "ACCEPT", acceptKey(r.Header.Get("Sec-WebSocket-Key")))
				_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\n"+h+"\r\n")
				time.Sleep(100 * time.Millisecond)
			}))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			_, err := Dial(context.Background(), nil, req, Options{Protocols: []string{"v4"}})
			var he *HandshakeError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, http.StatusSwitchingProtocols, he.StatusCode)
			assert.Contains(t, he.Reason, tc.reason)
		})
	}
}

func TestDialRejectsBadInput(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "ftp://x/", nil)
	_, err := Dial(context.Background(), nil, req, Options{})
	assert.ErrorContains(t, err, "scheme")
	req, _ = http.NewRequest(http.MethodGet, "http://x/", nil)
	_, err = Dial(context.Background(), nil, req, Options{Protocols: []string{"a, b"}})
	assert.ErrorContains(t, err, "not a token")
	_, err = Dial(context.Background(), nil, req, Options{MaxMessageSize: -1})
	assert.ErrorContains(t, err, "MaxMessageSize")
	_, err = Dial(context.Background(), nil, nil, Options{})
	assert.Error(t, err)
}

func TestEchoSizes(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 127, 65535, 65536, 65537, 200_000}
	srv := server(t, "", func(p *peer, _ *http.Request) {
		for range sizes {
			f, err := p.read()
			if err != nil {
				return
			}
			if !f.masked || !f.fin {
				p.write(true, opClose, []byte{0x03, 0xEA}) // 1002
				return
			}
			p.write(true, f.op, f.payload)
		}
		f, _ := p.read()
		p.write(true, opClose, f.payload)
	})
	c := dial(t, srv, Options{})
	for _, n := range sizes {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		typ := Binary
		if n%2 == 1 {
			typ, msg = Text, bytes.Repeat([]byte("é"), n/2+1)[:n/2*2]
		}
		// Written in two parts, read back as one message.
		require.NoError(t, c.WriteMessage(typ, msg[:len(msg)/3], msg[len(msg)/3:]))
		gotType, got, err := c.ReadMessage()
		require.NoError(t, err, "size %d", n)
		assert.Equal(t, typ, gotType)
		assert.Equal(t, msg, got, "size %d", n)
	}
	start := time.Now()
	require.NoError(t, c.Close())
	assert.Less(t, time.Since(start), time.Second, "the peer echoed the close")
	_, _, err := c.ReadMessage()
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, c.WriteMessage(Binary, []byte("x")), ErrClosed)
}

func TestFragmentsAndPings(t *testing.T) {
	pong := make(chan frame, 1)
	srv := server(t, "", func(p *peer, _ *http.Request) {
		p.write(false, opBinary, []byte("hel"))
		p.write(true, opPing, []byte("are you there"))
		p.write(false, opContinuation, []byte("lo, "))
		p.write(true, opPong, []byte("unsolicited"))
		p.write(true, opContinuation, []byte("world"))
		f, _ := p.readUntil(opPong)
		pong <- f
		p.write(true, opText, nil)
		p.write(true, opClose, append([]byte{0x03, 0xE8}, "bye"...))
		_, _ = p.read()
	})
	c := dial(t, srv, Options{PingInterval: -1})
	typ, msg, err := c.ReadMessage()
	require.NoError(t, err)
	assert.Equal(t, Binary, typ)
	assert.Equal(t, "hello, world", string(msg))
	f := <-pong
	assert.Equal(t, "are you there", string(f.payload))
	assert.True(t, f.masked)
	typ, msg, err = c.ReadMessage()
	require.NoError(t, err)
	assert.Equal(t, Text, typ)
	assert.Empty(t, msg)
	_, _, err = c.ReadMessage()
	assert.Equal(t, &CloseError{Code: 1000, Text: "bye"}, err)
	_, _, err2 := c.ReadMessage()
	assert.Same(t, err, err2, "read errors are final")
}

func TestPeerCloseIsEchoed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload []byte
		want    int
	}{
		{"code", []byte{0x0F, 0xA0}, 4000}, // private range
		{"no code", nil, CloseNoStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			echo := make(chan frame, 1)
			srv := server(t, "", func(p *peer, _ *http.Request) {
				p.write(true, opClose, tc.payload)
				f, _ := p.readUntil(opClose)
				echo <- f
			})
			c := dial(t, srv, Options{})
			_, _, err := c.ReadMessage()
			var ce *CloseError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, ce.Code)
			f := <-echo
			assert.Equal(t, tc.want, closeCode(f))
			wait(t, c.Done(), time.Second, "teardown")
		})
	}
}

func TestProtocolViolations(t *testing.T) {
	cases := map[string]struct {
		send func(p *peer)
		code int
		want string
	}{
		"masked frame":      {func(p *peer) { p.writeRaw([]byte{0x82, 0x81, 1, 2, 3, 4, 5}) }, CloseProtocolError, "masked"},
		"reserved bits":     {func(p *peer) { p.writeRaw([]byte{0xC2, 0x00}) }, CloseProtocolError, "reserved"},
		"unknown opcode":    {func(p *peer) { p.writeRaw([]byte{0x83, 0x00}) }, CloseProtocolError, "opcode 3"},
		"lone continuation": {func(p *peer) { p.write(true, opContinuation, []byte("x")) }, CloseProtocolError, "continuation"},
		"interleaved message": {func(p *peer) {
			p.write(false, opBinary, []byte("a"))
			p.write(true, opBinary, []byte("b"))
		}, CloseProtocolError, "before the previous"},
		"long control":       {func(p *peer) { p.write(true, opPing, make([]byte, 126)) }, CloseProtocolError, "125"},
		"fragmented control": {func(p *peer) { p.write(false, opPing, nil) }, CloseProtocolError, "fragmented control"},
		"bad text":           {func(p *peer) { p.write(true, opText, []byte{0xff, 0xfe}) }, CloseInvalidPayload, "UTF-8"},
		"bad close code":     {func(p *peer) { p.write(true, opClose, []byte{0x03, 0xED}) }, CloseProtocolError, "1005"},
		"one-byte close":     {func(p *peer) { p.write(true, opClose, []byte{0x03}) }, CloseProtocolError, "one-byte"},
		"huge length":        {func(p *peer) { p.writeRaw([]byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}) }, CloseProtocolError, "significant bit"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			closed := make(chan frame, 1)
			srv := server(t, "", func(p *peer, _ *http.Request) {
				tc.send(p)
				f, _ := p.readUntil(opClose)
				closed <- f
			})
			c := dial(t, srv, Options{PingInterval: -1})
			_, _, err := c.ReadMessage()
			var pe *ProtocolError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, pe.Reason, tc.want)
			assert.Equal(t, tc.code, closeCode(<-closed))
		})
	}
}

func TestMessageTooBig(t *testing.T) {
	closed := make(chan frame, 1)
	srv := server(t, "", func(p *peer, _ *http.Request) {
		p.write(true, opBinary, make([]byte, 100))
		p.write(false, opBinary, make([]byte, 60))
		p.write(true, opContinuation, make([]byte, 60)) // 120 > 100
		f, _ := p.readUntil(opClose)
		closed <- f
	})
	c := dial(t, srv, Options{MaxMessageSize: 100})
	_, msg, err := c.ReadMessage()
	require.NoError(t, err)
	assert.Len(t, msg, 100)
	_, _, err = c.ReadMessage()
	assert.Equal(t, &MessageTooBigError{Limit: 100}, err)
	assert.Equal(t, CloseMessageTooBig, closeCode(<-closed))
}

func TestReadTimeout(t *testing.T) {
	srv := server(t, "", func(p *peer, _ *http.Request) {
		for { // reads and ignores everything, answers no ping
			if _, err := p.read(); err != nil {
				return
			}
		}
	})
	c := dial(t, srv, Options{ReadTimeout: 200 * time.Millisecond, PingInterval: 50 * time.Millisecond})
	start := time.Now()
	_, _, err := c.ReadMessage()
	assert.ErrorIs(t, err, ErrReadTimeout)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestHeartbeatKeepsQuietConnectionAlive(t *testing.T) {
	var pings atomic.Int32
	srv := server(t, "", func(p *peer, _ *http.Request) {
		for {
			f, err := p.read()
			if err != nil {
				return
			}
			switch f.op {
			case opPing:
				pings.Add(1)
				p.write(true, opPong, f.payload)
			case opClose:
				p.write(true, opClose, f.payload)
				return
			}
		}
	})
	c := dial(t, srv, Options{ReadTimeout: 200 * time.Millisecond, PingInterval: 40 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		_, _, err := c.ReadMessage()
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("read ended on a healthy connection: %v", err)
	case <-time.After(700 * time.Millisecond):
	}
	assert.GreaterOrEqual(t, pings.Load(), int32(5))
	require.NoError(t, c.Close(), "close while another goroutine reads")
	err := <-done
	assert.True(t, IsNormalClose(err) || errors.Is(err, ErrClosed), err)
}

func TestContextEndsConnection(t *testing.T) {
	srv := server(t, "", func(p *peer, _ *http.Request) {
		_, _ = p.read()
	})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	c, err := Dial(ctx, nil, req, Options{})
	require.NoError(t, err)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, _, err = c.ReadMessage()
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, c.WriteMessage(Binary, []byte("x")), context.Canceled)
}

func TestWriteTimeout(t *testing.T) {
	c, _ := pipeConn(t, Options{WriteTimeout: 100 * time.Millisecond, PingInterval: -1})
	err := c.WriteMessage(Binary, make([]byte, 10)) // the peer never reads
	assert.ErrorIs(t, err, ErrWriteTimeout)
	assert.ErrorIs(t, c.WriteMessage(Binary, nil), ErrWriteTimeout, "write errors are final")
}

// A ping that arrives while a write waits on the peer is answered after the
// write, without blocking the reader.
func TestPongDuringBlockedWrite(t *testing.T) {
	c, p := pipeConn(t, Options{PingInterval: -1})
	big := bytes.Repeat([]byte("x"), 3*writeBufferSize)
	wrote := make(chan error, 1)
	go func() { wrote <- c.WriteMessage(Binary, big) }()
	time.Sleep(20 * time.Millisecond) // the writer now holds the lock, blocked on the pipe
	go func() {
		p.write(true, opPing, []byte("p1"))
		p.write(true, opBinary, []byte("data"))
	}()
	read := make(chan []byte, 1)
	go func() {
		_, m, err := c.ReadMessage()
		if err == nil {
			read <- append([]byte(nil), m...)
		}
	}()
	select {
	case m := <-read:
		assert.Equal(t, "data", string(m), "the reader did not wait for the writer")
	case <-time.After(2 * time.Second):
		t.Fatal("reader blocked behind the writer")
	}
	f, err := p.read()
	require.NoError(t, err)
	assert.Equal(t, byte(opBinary), f.op)
	assert.Equal(t, big, f.payload)
	f, err = p.read()
	require.NoError(t, err)
	assert.Equal(t, byte(opPong), f.op)
	assert.Equal(t, "p1", string(f.payload))
	require.NoError(t, <-wrote)
}

func TestCloseCodes(t *testing.T) {
	got := make(chan frame, 1)
	srv := server(t, "", func(p *peer, _ *http.Request) {
		f, _ := p.readUntil(opClose)
		got <- f
		p.write(true, opClose, f.payload)
	})
	c := dial(t, srv, Options{})
	require.NoError(t, c.CloseWithCode(4001, "done here"))
	f := <-got
	assert.Equal(t, 4001, closeCode(f))
	assert.Equal(t, "done here", string(f.payload[2:]))

	for _, bad := range []struct {
		code   int
		reason string
	}{{1005, ""}, {999, ""}, {1000, strings.Repeat("x", 124)}, {1000, "\xff"}} {
		c, p := pipeConn(t, Options{})
		go func() { f, _ := p.readUntil(opClose); p.write(true, opClose, f.payload) }()
		assert.Error(t, c.CloseWithCode(bad.code, bad.reason), "%d %q may not be sent", bad.code, bad.reason)
		wait(t, c.Done(), time.Second, "closed anyway")
	}
}

func TestAbnormalEnd(t *testing.T) {
	srv := server(t, "", func(p *peer, _ *http.Request) {
		p.write(true, opBinary, []byte("last"))
	})
	c := dial(t, srv, Options{})
	_, m, err := c.ReadMessage()
	require.NoError(t, err)
	assert.Equal(t, "last", string(m))
	_, _, err = c.ReadMessage()
	var ce *CloseError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, CloseAbnormal, ce.Code)
	assert.False(t, IsNormalClose(err))
}

// Interoperability with golang.org/x/net/websocket, the server side
// Kubernetes' own streaming code uses.
func TestXNetServer(t *testing.T) {
	srv := httptest.NewServer(xws.Server{
		Handshake: func(cfg *xws.Config, r *http.Request) error {
			cfg.Protocol = []string{"v4.channel.k8s.io"}
			return nil
		},
		Handler: func(ws *xws.Conn) {
			ws.PayloadType = xws.BinaryFrame
			for {
				var msg []byte
				if err := xws.Message.Receive(ws, &msg); err != nil {
					return
				}
				if err := xws.Message.Send(ws, append([]byte("echo:"), msg...)); err != nil {
					return
				}
			}
		},
	})
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Origin", srv.URL)
	c, err := Dial(context.Background(), nil, req, Options{Protocols: []string{"v5.channel.k8s.io", "v4.channel.k8s.io"}, PingInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, "v4.channel.k8s.io", c.Subprotocol())
	for i := range 50 {
		msg := bytes.Repeat([]byte{byte(i)}, i*1000)
		require.NoError(t, c.WriteMessage(Binary, msg))
		_, got, err := c.ReadMessage()
		require.NoError(t, err)
		require.Equal(t, append([]byte("echo:"), msg...), got)
		time.Sleep(2 * time.Millisecond) // let heartbeat pings interleave
	}
}

func TestMaskBytes(t *testing.T) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	for n := range 40 {
		for pos := range 4 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(i * 7)
			}
			want := make([]byte, n)
			copy(want, b)
			for i := range want {
				want[i] ^= key[(pos+i)%4]
			}
			end := maskBytes(key, pos, b)
			require.Equal(t, want, b, fmt.Sprintf("n=%d pos=%d", n, pos))
			require.Equal(t, (pos+n)%4, end)
		}
	}
}

func TestErrorsText(t *testing.T) {
	assert.Equal(t, "websocket: closed by the peer with code 1000", (&CloseError{Code: 1000}).Error())
	assert.Equal(t, "websocket: bad handshake response: x", (&HandshakeError{StatusCode: 101, Reason: "x"}).Error())
	assert.False(t, IsNormalClose(errors.New("x")))
	assert.True(t, IsNormalClose(fmt.Errorf("wrapped: %w", &CloseError{Code: CloseGoingAway})))
}
