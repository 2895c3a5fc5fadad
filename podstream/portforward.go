package podstream

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// PortForwardProtocol is the kubelet's WebSocket port-forward protocol:
// the channel framing of v4.channel.k8s.io, two channels per port.
const PortForwardProtocol = ProtocolV4

// PortForwardError is a failure reported by the kubelet on a forwarded
// connection's error channel, such as nothing listening on the port; the
// connection is then over.
type PortForwardError struct {
	Namespace, Pod string
	Port           uint16
	// Message is the kubelet's text, e.g. "error forwarding port 8080 to
	// pod web, uid ...: ... connection refused".
	Message string
}

// Error returns the kubelet's message.
func (e *PortForwardError) Error() string { return e.Message }

// PortForwardOptions tunes DialPort.
type PortForwardOptions struct {
	// WebSocket tunes the connection; its Protocols field is ignored.
	WebSocket websocket.Options
}

// DialPort opens a TCP connection to port of pod namespace/name through the
// API server's portforward subresource, one WebSocket per connection. The
// connection cannot be half-closed: Close ends both directions. A refused
// upgrade is a *rest.StatusError (a Forbidden one as in Exec); a failure to reach the port in the pod
// arrives later, as a *PortForwardError from Read and Write. ctx bounds
// the dial and the connection's life.
func DialPort(ctx context.Context, c *rest.Client, namespace, pod string, port uint16, o ...PortForwardOptions) (net.Conn, error) {
	if c == nil {
		return nil, errNilClient
	}
	if port == 0 {
		return nil, &rest.RequestError{Field: "port", Value: "0", Reason: "not a port"}
	}
	var wo websocket.Options
	if len(o) > 0 {
		wo = o[0].WebSocket
	}
	wo.Protocols = []string{PortForwardProtocol}
	conn, err := upgrade(ctx, c, func(r *rest.Request) *rest.Request {
		return r.Version("v1").Namespace(namespace).Resource("pods").Name(pod).SubResource("portforward").
			Param("ports", strconv.Itoa(int(port)))
	}, wo)
	if err != nil {
		return nil, err
	}
	pc := &portConn{
		ws: conn, ns: namespace, pod: pod, port: port,
		data: make(chan []byte, 16), readDone: make(chan struct{}),
		rdl: newDeadline(), wdl: newDeadline(),
	}
	go pc.readLoop()
	return pc, nil
}

// Dialer returns a dial function for an http.Transport (DialContext) or
// anything else that dials "host:port": every connection goes to that port
// of pod namespace/name, whatever the host. network must be tcp, tcp4 or
// tcp6.
func Dialer(c *rest.Client, namespace, pod string, o ...PortForwardOptions) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		switch network {
		case "tcp", "tcp4", "tcp6":
		default:
			return nil, &rest.RequestError{Field: "network", Value: network, Reason: "not tcp"}
		}
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, &rest.RequestError{Field: "address", Value: addr, Reason: "not host:port", Err: err}
		}
		port, err := strconv.ParseUint(p, 10, 16)
		if err != nil || port == 0 {
			return nil, &rest.RequestError{Field: "address", Value: addr, Reason: "not a port number"}
		}
		// The connection outlives the dial: only the dial is bound to ctx.
		conn, err := DialPort(context.WithoutCancel(ctx), c, namespace, pod, uint16(port), o...)
		if err != nil {
			return nil, err
		}
		return conn, nil
	}
}

// portConn is one forwarded connection.
type portConn struct {
	ws        *websocket.Conn
	ns, pod   string
	port      uint16
	data      chan []byte // payloads of channel 0
	buf       []byte      // the unread rest of the current payload
	rmu       sync.Mutex
	readDone  chan struct{} // closed when data will receive no more
	readErr   error         // set before readDone is closed
	rdl, wdl  *deadline
	closeOnce sync.Once
}

// readLoop moves channel 0 payloads to data until the connection ends.
func (c *portConn) readLoop() {
	defer close(c.data)
	pf := portFrames{port: c.port}
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			c.readErr = pf.end(err, c.ns, c.pod)
			close(c.readDone)
			return
		}
		data := pf.handle(msg)
		if len(data) == 0 {
			continue
		}
		select {
		case c.data <- append([]byte(nil), data...):
		case <-c.ws.Done():
		}
	}
}

// portFrames is the client side of the kubelet's port-forward framing for
// one port: data on channel 0, errors on channel 1, each channel opened by
// the port number in two little-endian bytes.
type portFrames struct {
	port    uint16
	seen    [2]bool
	errText []byte
}

// handle takes one message and returns the data it carries for the
// connection (a slice of msg), if any.
func (p *portFrames) handle(msg []byte) []byte {
	if len(msg) == 0 || msg[0] > 1 {
		return nil
	}
	ch, payload := msg[0], msg[1:]
	if !p.seen[ch] {
		p.seen[ch] = true
		if len(payload) >= 2 && binary.LittleEndian.Uint16(payload) == p.port {
			payload = payload[2:]
		}
	}
	if ch == 1 {
		if len(p.errText) < 64<<10 {
			p.errText = append(p.errText, payload...)
		}
		return nil
	}
	return payload
}

// end is the connection's final read error once the WebSocket ended with
// err: the kubelet's error text, io.EOF for a normal close, or err.
func (p *portFrames) end(err error, ns, pod string) error {
	switch {
	case len(p.errText) > 0:
		return &PortForwardError{Namespace: ns, Pod: pod, Port: p.port, Message: string(p.errText)}
	case websocket.IsNormalClose(err):
		return io.EOF
	}
	return err
}

// Read reads forwarded data; at the end it returns io.EOF, or the
// *PortForwardError the kubelet reported.
func (c *portConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for len(c.buf) == 0 {
		if err := c.rdl.err(); err != nil {
			return 0, err
		}
		select {
		case b, ok := <-c.data:
			if !ok {
				<-c.readDone
				return 0, c.readErr
			}
			c.buf = b
		case <-c.rdl.done():
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// Write sends p to the port, in messages of at most 128 KiB. A write
// deadline that passes during a write ends the connection.
func (c *portConn) Write(p []byte) (int, error) {
	if err := c.wdl.err(); err != nil {
		return 0, err
	}
	stop := c.wdl.onExpiry(func() { _ = c.Close() })
	defer stop()
	n := 0
	for len(p) > 0 {
		k := min(len(p), maxChunk)
		if err := c.ws.WriteMessage(websocket.Binary, []byte{0}, p[:k]); err != nil {
			if derr := c.wdl.err(); derr != nil {
				return n, derr
			}
			select {
			case <-c.readDone:
				if _, ok := c.readErr.(*PortForwardError); ok {
					return n, c.readErr
				}
			default:
			}
			return n, err
		}
		n += k
		p = p[k:]
	}
	return n, nil
}

// Close ends the connection.
func (c *portConn) Close() error {
	c.closeOnce.Do(func() { go func() { _ = c.ws.Close() }() })
	return nil
}

// LocalAddr is "NAMESPACE/POD:0": the connection has no local address.
func (c *portConn) LocalAddr() net.Addr { return podAddr{c.ns, c.pod, 0} }

// RemoteAddr is "NAMESPACE/POD:PORT".
func (c *portConn) RemoteAddr() net.Addr { return podAddr{c.ns, c.pod, c.port} }

// SetDeadline sets the read and write deadlines; a write deadline that
// passes during a write ends the connection.
func (c *portConn) SetDeadline(t time.Time) error {
	c.rdl.set(t)
	c.wdl.set(t)
	return nil
}

// SetReadDeadline sets the read deadline.
func (c *portConn) SetReadDeadline(t time.Time) error { c.rdl.set(t); return nil }

// SetWriteDeadline sets the write deadline.
func (c *portConn) SetWriteDeadline(t time.Time) error { c.wdl.set(t); return nil }

// podAddr is the address of a pod port, "namespace/pod:port".
type podAddr struct {
	ns, pod string
	port    uint16
}

func (a podAddr) Network() string { return "portforward" }
func (a podAddr) String() string {
	return a.ns + "/" + a.pod + ":" + strconv.Itoa(int(a.port))
}

// deadline is a settable point in time with a channel closed when it
// passes, for net.Conn deadlines.
type deadline struct {
	mu    sync.Mutex
	t     time.Time
	timer *time.Timer
	ch    chan struct{}
}

func newDeadline() *deadline { return &deadline{ch: make(chan struct{})} }

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.t = t
	if isClosed(d.ch) {
		d.ch = make(chan struct{})
	}
	if t.IsZero() {
		return
	}
	if dur := time.Until(t); dur <= 0 {
		close(d.ch)
	} else {
		ch := d.ch
		d.timer = time.AfterFunc(dur, func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if d.ch == ch && !isClosed(ch) {
				close(ch)
			}
		})
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// done returns the channel closed when the current deadline passes.
func (d *deadline) done() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ch
}

// err returns os.ErrDeadlineExceeded once the deadline has passed.
func (d *deadline) err() error {
	select {
	case <-d.done():
		return os.ErrDeadlineExceeded
	default:
		return nil
	}
}

// onExpiry runs f if the current deadline passes before the returned stop
// is called.
func (d *deadline) onExpiry(f func()) (stop func()) {
	ch := d.done()
	quit := make(chan struct{})
	d.mu.Lock()
	set := !d.t.IsZero()
	d.mu.Unlock()
	if !set {
		return func() {}
	}
	go func() {
		select {
		case <-ch:
			f()
		case <-quit:
		}
	}()
	return func() { close(quit) }
}
