package podstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// PortMapping pairs a local port with a pod port. Local 0 means a free
// port chosen when listening.
type PortMapping struct {
	Local, Remote uint16
}

// ParsePortMapping parses kubectl's port syntax: "8080" (the same port on
// both sides), "8888:80" (local 8888 to pod port 80), ":80" or "0:80" (a
// free local port to pod port 80).
func ParsePortMapping(s string) (PortMapping, error) {
	local, remote, found := strings.Cut(s, ":")
	if !found {
		remote = local
	}
	parse := func(v string, zeroOK bool) (uint16, error) {
		if v == "" && zeroOK {
			return 0, nil
		}
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil || (n == 0 && !zeroOK) {
			return 0, &rest.RequestError{Field: "port mapping", Value: s, Reason: fmt.Sprintf("%q is not a valid port", v)}
		}
		return uint16(n), nil
	}
	r, err := parse(remote, false)
	if err != nil {
		return PortMapping{}, err
	}
	l, err := parse(local, found)
	if err != nil {
		return PortMapping{}, err
	}
	return PortMapping{Local: l, Remote: r}, nil
}

// forwarderSettings are a Forwarder's settings.
type forwarderSettings struct {
	addresses    []string
	onConnection func(m PortMapping)
	onError      func(m PortMapping, err error)
	webSocket    websocket.Options
}

// ForwarderOption configures a Forwarder built by NewForwarder. Without
// options it listens on localhost (127.0.0.1 and ::1) and reports nothing.
type ForwarderOption func(*forwarderSettings)

// WithAddresses sets the local addresses to listen on; "localhost" means
// 127.0.0.1 and ::1.
func WithAddresses(addrs ...string) ForwarderOption {
	return func(s *forwarderSettings) { s.addresses = addrs }
}

// WithConnectionHandler sets fn to be called for each accepted local
// connection (kubectl prints "Handling connection for PORT").
func WithConnectionHandler(fn func(m PortMapping)) ForwarderOption {
	return func(s *forwarderSettings) { s.onConnection = fn }
}

// WithErrorHandler sets fn to be called when one forwarded connection
// fails, for example with the *PortForwardError the kubelet sent; the
// forwarder goes on.
func WithErrorHandler(fn func(m PortMapping, err error)) ForwarderOption {
	return func(s *forwarderSettings) { s.onError = fn }
}

// WithWebSocket tunes each connection to the pod; its Protocols field is
// ignored.
func WithWebSocket(o websocket.Options) ForwarderOption {
	return func(s *forwarderSettings) { s.webSocket = o }
}

// Listener is one local address a Forwarder listens on.
type Listener struct {
	// Address is the local "host:port" listened on.
	Address string
	// Mapping is the ports, with Local filled in when it was 0.
	Mapping PortMapping
}

// Forwarder forwards local ports to ports of one pod, as kubectl
// port-forward does: every accepted connection gets its own connection to
// the pod port (DialPort). When a local client closes its write side, the
// pod's answer keeps flowing to it, but the pod is not told (kubectl,
// over SPDY, is able to): the connection is closed once the pod has sent
// nothing for 5 seconds, so a pod server that waits for the end of its
// input before answering gets no chance to.
type Forwarder struct {
	c       *rest.Client
	ns, pod string
	o       forwarderSettings
	ls      []net.Listener
	info    []Listener
}

// NewForwarder listens on the local ports of ports (on each address, see
// WithAddresses) and returns a Forwarder ready to Serve. A port is usable
// when it could be bound on at least one address; NewForwarder fails when
// one cannot be bound on any, closing what it opened (the error wraps the
// *net.OpError of each address). A nil client, no ports or a remote port 0
// is a *rest.ConfigError.
func NewForwarder(c *rest.Client, namespace, pod string, ports []PortMapping, opts ...ForwarderOption) (*Forwarder, error) {
	if c == nil {
		return nil, &rest.ConfigError{Field: "NewForwarder", Reason: "nil client"}
	}
	if len(ports) == 0 {
		return nil, &rest.ConfigError{Field: "NewForwarder", Reason: "no ports to forward"}
	}
	var o forwarderSettings
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	addrs := o.addresses
	if len(addrs) == 0 {
		addrs = []string{"localhost"}
	}
	var hosts []string
	for _, a := range addrs {
		if a == "localhost" {
			hosts = append(hosts, "127.0.0.1", "::1")
		} else {
			hosts = append(hosts, a)
		}
	}
	f := &Forwarder{c: c, ns: namespace, pod: pod, o: o}
	for _, m := range ports {
		if m.Remote == 0 {
			f.closeListeners()
			return nil, &rest.ConfigError{Field: "NewForwarder", Reason: "remote port 0"}
		}
		var errs []error
		bound := 0
		for _, h := range hosts {
			ln, err := net.Listen("tcp", net.JoinHostPort(h, strconv.Itoa(int(m.Local))))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if m.Local == 0 { // the same free port on every address
				m.Local = uint16(ln.Addr().(*net.TCPAddr).Port)
			}
			f.ls = append(f.ls, ln)
			f.info = append(f.info, Listener{Address: ln.Addr().String(), Mapping: m})
			bound++
		}
		if bound == 0 {
			f.closeListeners()
			return nil, fmt.Errorf("podstream: unable to listen on port %d: %w", m.Local, errors.Join(errs...))
		}
	}
	return f, nil
}

// Listeners returns the addresses listened on, in the order of the ports.
func (f *Forwarder) Listeners() []Listener { return append([]Listener(nil), f.info...) }

// Serve accepts and forwards connections until ctx ends, then closes the
// listeners and the open connections and returns nil; an accept failure
// is returned as it is. Serve may be called once.
func (f *Forwarder) Serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, len(f.ls))
	for i, ln := range f.ls {
		m := f.info[i].Mapping
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				conn, err := ln.Accept()
				if err != nil {
					if ctx.Err() == nil {
						errc <- err
						cancel()
					}
					return
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					f.forward(ctx, conn, m)
				}()
			}
		}()
	}
	<-ctx.Done()
	f.closeListeners()
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

func (f *Forwarder) closeListeners() {
	for _, ln := range f.ls {
		_ = ln.Close()
	}
}

// halfCloseIdle is how long a forwarded connection whose local side has
// stopped sending waits for more data from the pod before it is closed:
// the protocol cannot pass a half-close on to the pod.
const halfCloseIdle = 5 * time.Second

// forward copies between a local connection and a new connection to the
// pod port until the pod side ends, the copy fails, or ctx ends. Once the
// local side stops sending, the pod side is given halfCloseIdle of silence
// before the connection is closed.
func (f *Forwarder) forward(ctx context.Context, local net.Conn, m PortMapping) {
	defer local.Close()
	if f.o.onConnection != nil {
		f.o.onConnection(m)
	}
	remote, err := DialPort(ctx, f.c, f.ns, f.pod, m.Remote, PortForwardOptions{WebSocket: f.o.webSocket})
	if err != nil {
		f.fail(m, err)
		return
	}
	defer remote.Close()
	var localDone atomic.Bool
	fromPod := make(chan error, 1)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			if localDone.Load() {
				_ = remote.SetReadDeadline(time.Now().Add(halfCloseIdle))
			}
			n, err := remote.Read(buf)
			if n > 0 {
				if _, werr := local.Write(buf[:n]); werr != nil {
					fromPod <- nil // the local side is gone
					return
				}
			}
			if err != nil {
				if err == io.EOF || (localDone.Load() && errors.Is(err, os.ErrDeadlineExceeded)) {
					err = nil
				}
				fromPod <- err
				return
			}
		}
	}()
	toPod := make(chan error, 1)
	go func() {
		_, err := io.Copy(remote, local)
		toPod <- err
	}()
	select {
	case err := <-fromPod:
		if err != nil {
			f.fail(m, err)
		}
	case err := <-toPod:
		if err != nil && !errors.Is(err, net.ErrClosed) {
			f.fail(m, err)
			return
		}
		localDone.Store(true)
		_ = remote.SetReadDeadline(time.Now().Add(halfCloseIdle))
		select {
		case err := <-fromPod:
			if err != nil {
				f.fail(m, err)
			}
		case <-ctx.Done():
		}
	case <-ctx.Done():
	}
}

func (f *Forwarder) fail(m PortMapping, err error) {
	if f.o.onError != nil && !errors.Is(err, context.Canceled) {
		f.o.onError(m, err)
	}
}
