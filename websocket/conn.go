package websocket

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// MessageType is the type of a data message.
type MessageType int

// The data message types.
const (
	// Text is a UTF-8 message.
	Text MessageType = opText
	// Binary is a message of any bytes.
	Binary MessageType = opBinary
)

// Defaults for the zero fields of Options.
const (
	// DefaultMaxMessageSize caps one message from the peer: 32 MiB.
	DefaultMaxMessageSize = 32 << 20
	// DefaultPingInterval is how often a ping is sent.
	DefaultPingInterval = 5 * time.Second
	// DefaultReadTimeout is how long the connection may receive no frame
	// at all before it is considered dead.
	DefaultReadTimeout = 60 * time.Second
)

// closeTimeout bounds a close: sending the close frame and waiting for the
// peer's.
const closeTimeout = 5 * time.Second

// writeBufferSize is the size of the buffer a frame is masked into; a
// larger message is written in pieces of this size.
const writeBufferSize = 64 << 10

// Options tunes Dial. The zero value is ready to use; each zero field means
// the documented default.
type Options struct {
	// Protocols are the subprotocols offered, in order of preference, sent
	// in one Sec-WebSocket-Protocol header (servers built on
	// golang.org/x/net/websocket, such as Kubernetes', read only the first
	// header line). Empty offers none.
	Protocols []string
	// MaxMessageSize caps one message from the peer, all fragments
	// together; a larger one fails the read with *MessageTooBigError and
	// closes the connection with CloseMessageTooBig. Zero means
	// DefaultMaxMessageSize; negative is an error.
	MaxMessageSize int64
	// PingInterval is how often a ping is sent, so that the peer's pongs
	// keep the read timeout from firing on a quiet connection and
	// intermediaries see traffic. Zero means DefaultPingInterval; negative
	// sends no pings.
	PingInterval time.Duration
	// ReadTimeout closes the connection when no frame of any kind arrives
	// for this long; the read then fails with ErrReadTimeout. Every frame,
	// a pong included, restarts it. Zero means DefaultReadTimeout; negative
	// means no limit.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing one message; when it passes, the
	// connection is closed and the write fails with ErrWriteTimeout. Zero
	// means no limit: a write waits as long as the peer applies back
	// pressure (a process that does not read its stdin).
	WriteTimeout time.Duration
}

// withDefaults validates o and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	if o.MaxMessageSize < 0 {
		return o, &ArgumentError{Arg: "Options.MaxMessageSize", Reason: fmt.Sprintf("negative (%d)", o.MaxMessageSize)}
	}
	if o.WriteTimeout < 0 {
		return o, &ArgumentError{Arg: "Options.WriteTimeout", Reason: fmt.Sprintf("negative (%v)", o.WriteTimeout)}
	}
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	if o.PingInterval == 0 {
		o.PingInterval = DefaultPingInterval
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	return o, nil
}

// Conn is the client side of a WebSocket connection. One goroutine may read
// while others write: ReadMessage calls are serialized with each other, and
// so are WriteMessage calls. Pings from the peer are answered, and the
// read timeout refreshed, only while some goroutine reads, so a Conn must
// be read continuously.
type Conn struct {
	rwc      io.ReadWriteCloser
	br       *bufio.Reader
	protocol string
	opts     Options

	// Read side, guarded by rmu.
	rmu     sync.Mutex
	msg     []byte
	readErr error

	// Write side, guarded by wmu.
	wmu       sync.Mutex
	wbuf      []byte
	writeErr  error
	closeSent bool
	rng       *mrand.ChaCha8

	// pendingPong holds a pong the reader could not send because a write
	// was in progress; the writer sends it when done.
	pongMu      sync.Mutex
	pendingPong []byte
	hasPong     atomic.Bool

	closeOnce  sync.Once
	closing    chan struct{} // closed when the connection is torn down
	cause      error         // why it was torn down (set before closing is closed)
	peerOnce   sync.Once
	peerClosed chan struct{} // closed when the peer's close frame was read
	readTimer  *time.Timer
	stopCtx    atomic.Pointer[func() bool] // stops watching Dial's context
}

// newConn wraps an upgraded connection (br reads from rwc) and starts its
// read timeout and heartbeat.
func newConn(rwc io.ReadWriteCloser, br *bufio.Reader, protocol string, o Options) *Conn {
	var seed [32]byte
	_, _ = rand.Read(seed[:])
	c := &Conn{
		rwc: rwc, br: br, protocol: protocol, opts: o,
		msg:        make([]byte, 0, 512),
		wbuf:       make([]byte, 0, writeBufferSize+maxHeaderLen),
		rng:        mrand.NewChaCha8(seed),
		closing:    make(chan struct{}),
		peerClosed: make(chan struct{}),
	}
	if o.ReadTimeout > 0 {
		c.readTimer = time.AfterFunc(o.ReadTimeout, func() { c.teardown(ErrReadTimeout) })
	}
	if o.PingInterval > 0 {
		go c.heartbeat(o.PingInterval)
	}
	return c
}

// Subprotocol returns the subprotocol the server chose, "" for none.
func (c *Conn) Subprotocol() string { return c.protocol }

// Done returns a channel that is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.closing }

// ReadMessage returns the next data message, fragments joined. The slice is
// valid until the next ReadMessage call. Pings are answered and pongs
// dropped on the way. Errors, all final: *CloseError when the peer closed
// (Code CloseAbnormal when the connection ended without a close frame),
// *ProtocolError and *MessageTooBigError (the connection is closed with the
// matching code), ErrReadTimeout, ErrClosed after Close or the end of
// Dial's context (wrapping the context's error then), or the connection's
// I/O error.
func (c *Conn) ReadMessage() (MessageType, []byte, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.readErr != nil {
		return 0, nil, c.readErr
	}
	t, p, err := c.nextMessage()
	if err != nil {
		c.readErr = c.readFailed(err)
		return 0, nil, c.readErr
	}
	return t, p, nil
}

// nextMessage reads frames until a data message is complete.
func (c *Conn) nextMessage() (MessageType, []byte, error) {
	c.msg = c.msg[:0]
	var typ MessageType
	started := false
	for {
		h, err := readHeader(c.br)
		if err != nil {
			return 0, nil, err
		}
		c.touch()
		if h.control() {
			if err := c.handleControl(h); err != nil {
				return 0, nil, err
			}
			continue
		}
		switch {
		case h.op == opContinuation && !started:
			return 0, nil, &ProtocolError{Reason: "continuation frame with no message to continue"}
		case h.op != opContinuation && started:
			return 0, nil, &ProtocolError{Reason: "new message before the previous one ended"}
		case h.op != opContinuation:
			typ, started = MessageType(h.op), true
		}
		if int64(len(c.msg))+h.length > c.opts.MaxMessageSize {
			return 0, nil, &MessageTooBigError{Limit: c.opts.MaxMessageSize}
		}
		if err := c.readPayload(h.length); err != nil {
			return 0, nil, err
		}
		if h.fin {
			if typ == Text && !utf8.Valid(c.msg) {
				return 0, nil, &ProtocolError{Reason: "text message is not valid UTF-8"}
			}
			return typ, c.msg, nil
		}
	}
}

// readPayload appends n payload bytes to c.msg, growing it as data arrives
// rather than by the length a header claims.
func (c *Conn) readPayload(n int64) error {
	for n > 0 {
		chunk := int(min(n, 1<<20))
		start := len(c.msg)
		if cap(c.msg)-start < chunk {
			grown := make([]byte, start, start+max(chunk, 2*cap(c.msg)))
			copy(grown, c.msg)
			c.msg = grown
		}
		c.msg = c.msg[:start+chunk]
		if _, err := io.ReadFull(c.br, c.msg[start:]); err != nil {
			c.msg = c.msg[:start]
			return unexpected(err)
		}
		n -= int64(chunk)
	}
	return nil
}

// handleControl reads a control frame's payload and acts on it: a ping is
// answered, a pong dropped, a close returned as *CloseError.
func (c *Conn) handleControl(h frameHeader) error {
	var buf [maxControlPayload]byte
	p := buf[:h.length]
	if _, err := io.ReadFull(c.br, p); err != nil {
		return unexpected(err)
	}
	switch h.op {
	case opPing:
		c.sendPong(p)
	case opClose:
		ce := &CloseError{Code: CloseNoStatus}
		switch {
		case len(p) == 1:
			return &ProtocolError{Reason: "close frame with a one-byte payload"}
		case len(p) >= 2:
			ce.Code = int(binary.BigEndian.Uint16(p))
			if !validCloseCode(ce.Code) {
				return &ProtocolError{Reason: fmt.Sprintf("close frame with invalid code %d", ce.Code)}
			}
			if !utf8.Valid(p[2:]) {
				return &ProtocolError{Reason: "close reason is not valid UTF-8"}
			}
			ce.Text = string(p[2:])
		}
		c.peerOnce.Do(func() { close(c.peerClosed) })
		return ce
	}
	return nil
}

// readFailed turns a read failure into the Conn's final read error and
// ends the connection: a protocol or size violation sends the matching
// close code, the peer's close is echoed.
func (c *Conn) readFailed(err error) error {
	// A connection this side already ended (read or write timeout, the
	// context, Close) reports why, even when the peer's answer to the
	// teardown (TLS close_notify makes it send its close frame) was read
	// before the socket closed.
	if cause := c.closedCause(); cause != nil {
		return cause
	}
	var pe *ProtocolError
	var tb *MessageTooBigError
	var ce *CloseError
	switch {
	case errors.As(err, &ce):
		if ce.Code == CloseNoStatus {
			c.sendClose(-1, "")
		} else {
			c.sendClose(ce.Code, "")
		}
		c.teardown(ErrClosed)
		return ce
	case errors.As(err, &pe):
		code := CloseProtocolError
		if pe.Reason == "text message is not valid UTF-8" || pe.Reason == "close reason is not valid UTF-8" {
			code = CloseInvalidPayload
		}
		c.sendClose(code, "")
		c.teardown(ErrClosed)
		return pe
	case errors.As(err, &tb):
		c.sendClose(CloseMessageTooBig, "")
		c.teardown(ErrClosed)
		return tb
	}
	c.teardown(ErrClosed)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &CloseError{Code: CloseAbnormal, Text: "connection ended without a close frame"}
	}
	return fmt.Errorf("websocket: read: %w", err)
}

// touch restarts the read timeout.
func (c *Conn) touch() {
	if c.readTimer != nil {
		c.readTimer.Reset(c.opts.ReadTimeout)
	}
}

// WriteMessage sends one message of type t whose payload is the
// concatenation of parts (so a channel byte and its data need no copy).
// It returns ErrClosed after Close, ErrWriteTimeout, the connection's I/O
// error (after which every later write fails too), or *ArgumentError for a
// type other than Text or Binary.
func (c *Conn) WriteMessage(t MessageType, parts ...[]byte) error {
	if t != Text && t != Binary {
		return &ArgumentError{Arg: "message type", Reason: fmt.Sprintf("%d is not Text or Binary", t)}
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	c.wmu.Lock()
	err := c.writeLocked(byte(t), n, parts)
	c.wmu.Unlock()
	c.flushPong()
	return err
}

func (c *Conn) writeLocked(op byte, n int, parts [][]byte) error {
	if c.writeErr != nil {
		return c.writeErr
	}
	if c.closeSent {
		return ErrClosed
	}
	var t *time.Timer
	if c.opts.WriteTimeout > 0 {
		t = time.AfterFunc(c.opts.WriteTimeout, func() { c.teardown(ErrWriteTimeout) })
	}
	err := c.writeFrame(op, n, parts)
	if t != nil {
		t.Stop()
	}
	if err != nil {
		if cause := c.closedCause(); cause != nil {
			err = cause
		} else {
			err = fmt.Errorf("websocket: write: %w", err)
		}
		c.writeErr = err
	}
	return err
}

// writeFrame masks and writes one final frame of n bytes made of parts.
// Called with wmu held.
func (c *Conn) writeFrame(op byte, n int, parts [][]byte) error {
	var key [4]byte
	binary.LittleEndian.PutUint32(key[:], uint32(c.rng.Uint64()))
	buf := appendHeader(c.wbuf[:0], true, op, n, &key)
	pos := 0
	for _, p := range parts {
		for len(p) > 0 {
			room := cap(buf) - len(buf)
			if room == 0 {
				if _, err := c.rwc.Write(buf); err != nil {
					return err
				}
				buf, room = buf[:0], cap(buf)
			}
			k := min(room, len(p))
			start := len(buf)
			buf = append(buf, p[:k]...)
			pos = maskBytes(key, pos, buf[start:])
			p = p[k:]
		}
	}
	_, err := c.rwc.Write(buf)
	c.wbuf = buf[:0]
	return err
}

// sendPong answers a ping; when a write is in progress the pong is left to
// the writer, so a reader never waits behind a write the peer may be
// refusing until its output is read.
func (c *Conn) sendPong(payload []byte) {
	c.pongMu.Lock()
	c.pendingPong = append(c.pendingPong[:0], payload...)
	c.pongMu.Unlock()
	c.hasPong.Store(true)
	c.flushPong()
}

// flushPong sends the pending pong if no write is in progress.
func (c *Conn) flushPong() {
	if !c.hasPong.Load() || !c.wmu.TryLock() {
		return
	}
	defer c.wmu.Unlock()
	c.pongMu.Lock()
	p := append([]byte(nil), c.pendingPong...)
	c.hasPong.Store(false)
	c.pongMu.Unlock()
	if c.writeErr == nil && !c.closeSent {
		_ = c.writeLocked(opPong, len(p), [][]byte{p})
	}
}

// heartbeat sends a ping every interval while no write is in progress.
func (c *Conn) heartbeat(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.closing:
			return
		case <-t.C:
			if c.wmu.TryLock() {
				if c.writeErr == nil && !c.closeSent {
					_ = c.writeLocked(opPing, 0, nil)
				}
				c.wmu.Unlock()
			}
		}
	}
}

// sendClose sends a close frame with code (negative: no code) unless one
// was sent. The write is bounded by closeTimeout.
func (c *Conn) sendClose(code int, text string) {
	t := time.AfterFunc(closeTimeout, func() { c.teardown(ErrClosed) })
	defer t.Stop()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closeSent || c.writeErr != nil {
		return
	}
	var p []byte
	if code >= 0 {
		p = binary.BigEndian.AppendUint16(nil, uint16(code))
		p = append(p, text...)
	}
	_ = c.writeLocked(opClose, len(p), [][]byte{p})
	c.closeSent = true
}

// Close closes the connection normally (CloseNormal).
func (c *Conn) Close() error { return c.CloseWithCode(CloseNormal, "") }

// CloseWithCode sends a close frame with code and reason (at most 123
// bytes of UTF-8), waits up to a few seconds for the peer's close frame
// (reading and dropping data meanwhile when no other goroutine reads), and
// closes the connection. Later reads and writes return ErrClosed. It
// returns an error only for a code or reason that may not be sent (an
// *ArgumentError); the connection is closed anyway.
func (c *Conn) CloseWithCode(code int, reason string) error {
	var err error
	if !validCloseCode(code) {
		err = &ArgumentError{Arg: "close code", Reason: fmt.Sprintf("%d may not be sent", code)}
		code = CloseNormal
	}
	if len(reason) > maxControlPayload-2 || !utf8.ValidString(reason) {
		err = &ArgumentError{Arg: "close reason", Reason: "longer than 123 bytes or not UTF-8"}
		reason = ""
	}
	c.sendClose(code, reason)
	wait := time.AfterFunc(closeTimeout, func() { c.teardown(ErrClosed) })
	defer wait.Stop()
	select {
	case <-c.peerClosed:
	case <-c.closing:
	default:
		if c.rmu.TryLock() {
			for c.readErr == nil {
				if _, _, rerr := c.nextMessage(); rerr != nil {
					c.readErr = c.readFailed(rerr)
				}
			}
			c.rmu.Unlock()
		} else {
			select {
			case <-c.peerClosed:
			case <-c.closing:
			}
		}
	}
	c.teardown(ErrClosed)
	c.rmu.Lock()
	c.readErr = ErrClosed
	c.rmu.Unlock()
	return err
}

// teardown closes the connection once, remembering why.
func (c *Conn) teardown(cause error) {
	c.closeOnce.Do(func() {
		c.cause = cause
		close(c.closing)
		_ = c.rwc.Close()
		if c.readTimer != nil {
			c.readTimer.Stop()
		}
		if stop := c.stopCtx.Load(); stop != nil {
			(*stop)()
		}
	})
}

// closedCause returns why the connection was torn down, nil while open.
func (c *Conn) closedCause() error {
	select {
	case <-c.closing:
		return c.cause
	default:
		return nil
	}
}
