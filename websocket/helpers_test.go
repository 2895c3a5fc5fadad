package websocket

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// peer is the server side of a test connection: raw frames, unmasked when
// written, unmasked after reading.
type peer struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
	mu   sync.Mutex
}

// frame is a frame as the peer read it.
type frame struct {
	fin     bool
	op      byte
	masked  bool
	payload []byte
}

func (p *peer) write(fin bool, op byte, payload []byte) {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	b := appendHeader(nil, fin, op, len(payload), nil)
	b = append(b, payload...)
	_, _ = p.conn.Write(b)
}

// writeRaw writes bytes as they are.
func (p *peer) writeRaw(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = p.conn.Write(b)
}

func (p *peer) read() (frame, error) {
	var f frame
	b0, err := p.br.ReadByte()
	if err != nil {
		return f, err
	}
	b1, err := p.br.ReadByte()
	if err != nil {
		return f, err
	}
	f.fin, f.op, f.masked = b0&0x80 != 0, b0&0x0F, b1&0x80 != 0
	n := uint64(b1 & 0x7F)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(p.br, b[:]); err != nil {
			return f, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(p.br, b[:]); err != nil {
			return f, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	var key [4]byte
	if f.masked {
		if _, err := io.ReadFull(p.br, key[:]); err != nil {
			return f, err
		}
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(p.br, f.payload); err != nil {
		return f, err
	}
	if f.masked {
		for i := range f.payload {
			f.payload[i] ^= key[i%4]
		}
	}
	return f, nil
}

// readData reads frames until a data frame, answering nothing; control
// frames before it are returned too.
func (p *peer) readUntil(op byte) (frame, []frame) {
	p.t.Helper()
	var skipped []frame
	for {
		f, err := p.read()
		require.NoError(p.t, err)
		if f.op == op {
			return f, skipped
		}
		skipped = append(skipped, f)
	}
}

// closeCode decodes a close frame's code, 1005 for none.
func closeCode(f frame) int {
	if len(f.payload) < 2 {
		return CloseNoStatus
	}
	return int(binary.BigEndian.Uint16(f.payload))
}

// server starts an HTTP server whose handler upgrades (choosing protocol
// when it is offered) and runs fn with the raw connection.
func server(t *testing.T, protocol string, fn func(p *peer, r *http.Request)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "upgrade required", http.StatusBadRequest)
			return
		}
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		var resp bytes.Buffer
		resp.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
		resp.WriteString("Sec-WebSocket-Accept: " + acceptKey(r.Header.Get("Sec-WebSocket-Key")) + "\r\n")
		if protocol != "" {
			resp.WriteString("Sec-WebSocket-Protocol: " + protocol + "\r\n")
		}
		resp.WriteString("\r\n")
		_, _ = conn.Write(resp.Bytes())
		fn(&peer{t: t, conn: conn, br: brw.Reader}, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// dial connects to srv with opts.
func dial(t *testing.T, srv *httptest.Server, opts Options) *Conn {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/ws", nil)
	require.NoError(t, err)
	c, err := Dial(context.Background(), srv.Client().Transport, req, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.CloseWithCode(CloseNormal, "") })
	return c
}

// pipeConn is a Conn over one end of a net.Pipe, with the other end as a
// peer.
func pipeConn(t *testing.T, opts Options) (*Conn, *peer) {
	t.Helper()
	o, err := opts.withDefaults()
	require.NoError(t, err)
	a, b := net.Pipe()
	c := newConn(a, bufio.NewReader(a), "", o)
	t.Cleanup(func() { c.teardown(ErrClosed); _ = b.Close() })
	return c, &peer{t: t, conn: b, br: bufio.NewReader(b)}
}

// wait fails the test when ch is not closed within d.
func wait(t *testing.T, ch <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatalf("timed out waiting for %s", what)
	}
}
