package fake

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	xws "golang.org/x/net/websocket"

	"github.com/kubewire/kubewire/api/metav1"
)

// The channel protocols the fake speaks, as the API server does.
const (
	protoV5 = "v5.channel.k8s.io"
	protoV4 = "v4.channel.k8s.io"
)

// Hijack lets the WebSocket server take the connection; the request log
// records 101.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.code == 0 {
		w.code = http.StatusSwitchingProtocols
		w.s.mu.Lock()
		w.log.Code = http.StatusSwitchingProtocols
		w.s.mu.Unlock()
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// channelConn is the server side of the channel protocol on one WebSocket.
type channelConn struct {
	ws    *xws.Conn
	proto string
	wmu   sync.Mutex
}

// send writes one message on channel ch.
func (c *channelConn) send(ch byte, data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	msg := make([]byte, 1+len(data))
	msg[0] = ch
	copy(msg[1:], data)
	return xws.Message.Send(c.ws, msg)
}

// channelWriter writes to one channel.
type channelWriter struct {
	c  *channelConn
	ch byte
}

func (w channelWriter) Write(p []byte) (int, error) {
	for off := 0; off < len(p); off += 32 << 10 {
		end := min(off+32<<10, len(p))
		if err := w.c.send(w.ch, p[off:end]); err != nil {
			return off, err
		}
	}
	return len(p), nil
}

// upgrade runs serve on a WebSocket speaking the first of the client's
// protocols among supported; a client that offers none of them gets 400
// before any upgrade, as from the real server's handshake.
func (s *Server) upgrade(rq *request, supported []string, serve func(c *channelConn)) error {
	offered := offeredProtocols(rq.r)
	chosen := ""
	for _, p := range offered {
		if slices.Contains(supported, p) {
			chosen = p
			break
		}
	}
	if chosen == "" {
		return errBadRequest(fmt.Sprintf("unable to upgrade: unable to negotiate protocol: client supports %v, server supports %v", offered, supported))
	}
	xws.Server{
		Handshake: func(cfg *xws.Config, _ *http.Request) error {
			cfg.Protocol = []string{chosen}
			return nil
		},
		Handler: func(ws *xws.Conn) {
			ws.PayloadType = xws.BinaryFrame
			s.streams.track(ws, true)
			defer s.streams.track(ws, false)
			serve(&channelConn{ws: ws, proto: chosen})
		},
	}.ServeHTTP(rq.w, rq.r)
	return nil
}

// offeredProtocols lists the subprotocols a WebSocket request offers.
func offeredProtocols(r *http.Request) []string {
	var offered []string
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(h, ",") {
			if p = strings.TrimSpace(p); p != "" {
				offered = append(offered, p)
			}
		}
	}
	return offered
}

// serveExec serves exec or attach through h; with no handler it answers as
// the API server does when the kubelet finds no running container.
func (s *Server) serveExec(rq *request, container string, h ExecHandler) error {
	q := rq.q
	tty := boolParam(q.Get("tty"))
	stdin, stdout, stderr := boolParam(q.Get("stdin")), boolParam(q.Get("stdout")), boolParam(q.Get("stderr")) && !tty
	if !stdin && !stdout && !stderr {
		return errBadRequest("you must specify at least 1 of stdin, stdout, stderr")
	}
	notRunning := fmt.Sprintf("container not found (%q)", container)
	if h == nil && !slices.Contains(offeredProtocols(rq.r), protoV5) {
		// v4 reaches the kubelet, whose plain-text refusal comes back as it is.
		rq.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rq.w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(rq.w, notRunning)
		return nil
	}
	return s.upgrade(rq, []string{protoV5, protoV4}, func(c *channelConn) {
		// The lowest output channel opens the streams (an empty message).
		switch {
		case stdout:
			_ = c.send(1, nil)
		case stderr:
			_ = c.send(2, nil)
		}
		if h == nil {
			// v5 is translated by the API server, which upgrades first
			// and reports the kubelet's refusal on the status channel.
			st := errInternal(errors.New("unable to upgrade connection: " + notRunning)).s
			st.TypeMeta = metav1.TypeMeta{}
			sendStatus(c, st)
			return
		}
		ctx, cancel := context.WithCancel(rq.r.Context())
		defer cancel()
		es := ExecStreams{Namespace: rq.ns, Pod: rq.name, Container: container, Command: q["command"], TTY: tty}
		var stdinW *io.PipeWriter
		if stdin {
			var pr *io.PipeReader
			pr, stdinW = io.Pipe()
			es.Stdin = pr
		}
		if stdout {
			es.Stdout = channelWriter{c, 1}
		}
		if stderr {
			es.Stderr = channelWriter{c, 2}
		}
		resize := make(chan TerminalSize, 16)
		es.Resize = resize
		go func() {
			c.receive(stdinW, resize)
			cancel()
		}()
		err := h(ctx, es)
		var st metav1.Status
		var code ExitCode
		switch {
		case err == nil:
			st = metav1.Status{Status: metav1.StatusSuccess}
		case errors.As(err, &code):
			st = metav1.Status{Status: metav1.StatusFailure, Reason: "NonZeroExitCode",
				Message: "command terminated with non-zero exit code: " + code.Error(),
				Details: &metav1.StatusDetails{Causes: []metav1.StatusCause{{Type: "ExitCode", Message: strconv.Itoa(int(code))}}}}
		default:
			what := "error executing command in container"
			if rq.sub == "attach" {
				what = "error attaching to container"
			}
			st = errInternal(fmt.Errorf("%s: %w", what, err)).s
			st.TypeMeta = metav1.TypeMeta{}
		}
		sendStatus(c, st)
	})
}

func sendStatus(c *channelConn, st metav1.Status) {
	b, _ := json.Marshal(st)
	_ = c.send(3, b)
}

// receive reads the client's messages: stdin data, the v5 close signal,
// resizes. It returns when the connection ends, closing stdin and resize.
func (c *channelConn) receive(stdin *io.PipeWriter, resize chan TerminalSize) {
	defer close(resize)
	if stdin != nil {
		defer stdin.Close()
	}
	for {
		var msg []byte
		if err := xws.Message.Receive(c.ws, &msg); err != nil {
			return
		}
		if len(msg) == 0 {
			continue
		}
		switch {
		case msg[0] == 255 && c.proto == protoV5 && len(msg) == 2:
			if msg[1] == 0 && stdin != nil {
				_ = stdin.Close()
			}
		case msg[0] == 0 && stdin != nil:
			if _, err := stdin.Write(msg[1:]); err != nil {
				stdin = nil // the handler stopped reading
			}
		case msg[0] == 4:
			var size TerminalSize
			if json.Unmarshal(msg[1:], &size) == nil {
				select {
				case resize <- size:
				default:
				}
			}
		}
	}
}

// servePortForward forwards each requested port through its handler, on
// the kubelet's WebSocket protocol: data on channel 2i, errors on 2i+1,
// each opened by the port in two little-endian bytes.
func (s *Server) servePortForward(rq *request, pod obj) error {
	var ports []uint16
	for _, v := range rq.q["ports"] {
		for p := range strings.SplitSeq(v, ",") {
			n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 16)
			if err != nil || n == 0 {
				return errBadRequest(fmt.Sprintf("unable to parse %q as a port: %v", p, err))
			}
			ports = append(ports, uint16(n))
		}
	}
	if len(ports) == 0 {
		return errBadRequest("at least one port must be specified")
	}
	uid := podUID(pod)
	return s.upgrade(rq, []string{protoV4, "v4.base64.channel.k8s.io"}, func(c *channelConn) {
		if c.proto != protoV4 {
			return // base64 framing is not served
		}
		conns := make([]net.Conn, len(ports))
		var wg sync.WaitGroup
		ctx, cancel := context.WithCancel(rq.r.Context())
		defer cancel()
		for i, port := range ports {
			pb := binary.LittleEndian.AppendUint16(nil, port)
			_ = c.send(byte(2*i), pb)
			_ = c.send(byte(2*i+1), pb)
			srvSide, cliSide := net.Pipe()
			conns[i] = cliSide
			h := s.portHandler(rq.ns, rq.name, port)
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer srvSide.Close()
				var err error
				if h == nil {
					err = fmt.Errorf("failed to connect to localhost:%d inside namespace of pod %q: dial tcp 127.0.0.1:%d: connect: connection refused", port, rq.name, port)
				} else {
					err = h(ctx, srvSide)
				}
				if err != nil {
					msg := fmt.Sprintf("error forwarding port %d to pod %s, uid %s: %v", port, rq.name, uid, err)
					_ = c.send(byte(2*i+1), []byte(msg))
				}
			}()
			go func() {
				defer wg.Done()
				_, _ = io.Copy(channelWriter{c, byte(2 * i)}, cliSide)
			}()
		}
		go func() {
			for {
				var msg []byte
				if err := xws.Message.Receive(c.ws, &msg); err != nil {
					cancel()
					for _, cc := range conns {
						_ = cc.Close()
					}
					return
				}
				if len(msg) == 0 || int(msg[0])%2 != 0 || int(msg[0])/2 >= len(conns) {
					continue
				}
				if _, err := conns[msg[0]/2].Write(msg[1:]); err != nil {
					continue
				}
			}
		}()
		wg.Wait()
	})
}
