package podstream

import (
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// maxStatus caps the Status message kept from channel 3.
const maxStatus = 1 << 20

// Session is a running exec or attach. Its methods are safe for concurrent
// use; output is written to the SessionOptions writers by the session's own
// goroutine until the command ends.
type Session struct {
	conn *websocket.Conn
	opts SessionOptions

	mu          sync.Mutex
	stdinClosed bool

	done chan struct{}
	err  error // set before done is closed
}

func newSession(conn *websocket.Conn, o SessionOptions) *Session {
	return &Session{conn: conn, opts: o, done: make(chan struct{})}
}

// Protocol returns the channel protocol the server chose, ProtocolV5 or
// ProtocolV4.
func (s *Session) Protocol() string { return s.conn.Subprotocol() }

// Write sends p to the process's stdin, in messages of at most 128 KiB. It
// fails with ErrNoStdin when the session has no stdin, io.ErrClosedPipe
// after CloseStdin, and with the connection's error once the session has
// ended.
func (s *Session) Write(p []byte) (int, error) {
	if !s.opts.Stdin {
		return 0, ErrNoStdin
	}
	s.mu.Lock()
	closed := s.stdinClosed
	s.mu.Unlock()
	if closed {
		return 0, io.ErrClosedPipe
	}
	n := 0
	for len(p) > 0 {
		k := min(len(p), maxChunk)
		if err := s.conn.WriteMessage(websocket.Binary, []byte{chanStdin}, p[:k]); err != nil {
			return n, err
		}
		n += k
		p = p[k:]
	}
	return n, nil
}

// CloseStdin ends the process's stdin, as the end of a pipe does: with v5
// it sends the close signal for channel 0; with v4 it returns
// ErrStdinCloseUnsupported and stdin stays open. Closing twice is a no-op.
func (s *Session) CloseStdin() error {
	if !s.opts.Stdin {
		return ErrNoStdin
	}
	if s.Protocol() != ProtocolV5 {
		return ErrStdinCloseUnsupported
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stdinClosed {
		return nil
	}
	s.stdinClosed = true
	return s.conn.WriteMessage(websocket.Binary, []byte{chanClose, chanStdin})
}

// Resize tells the terminal's new size; it fails with ErrNoTTY when the
// session has no TTY.
func (s *Session) Resize(size TerminalSize) error {
	if !s.opts.TTY {
		return ErrNoTTY
	}
	msg := `{"Width":` + strconv.Itoa(int(size.Width)) + `,"Height":` + strconv.Itoa(int(size.Height)) + `}`
	return s.conn.WriteMessage(websocket.Binary, []byte{chanResize}, []byte(msg))
}

// Done is closed when the session has ended and its output is written.
func (s *Session) Done() <-chan struct{} { return s.done }

// Wait waits for the session to end and returns its outcome: nil when the
// command succeeded (or an attach ended), an *ExitError with the exit
// code, a failure the server reported on the status channel as a
// *StreamError (wrapping a *rest.StatusError), the error of a
// Stdout or Stderr writer, or the connection's error (wrapping the
// context's when it ended the session, websocket.ErrClosed after Close).
func (s *Session) Wait() error {
	<-s.done
	return s.err
}

// Close ends the session at once, closing the connection (the server then
// stops the command's streams), and waits for the reading goroutine.
func (s *Session) Close() error {
	err := s.conn.Close()
	<-s.done
	return err
}

// readLoop dispatches the server's messages to the writers until the
// connection ends, then records the outcome.
func (s *Session) readLoop() {
	defer close(s.done)
	d := demux{stdout: s.opts.Stdout, stderr: s.opts.Stderr}
	for {
		_, msg, err := s.conn.ReadMessage()
		if err != nil {
			s.err = d.outcome(err)
			return
		}
		if err := d.handle(msg); err != nil {
			s.err = err
			_ = s.conn.Close()
			return
		}
	}
}

// demux is the client side of the channel protocol: it routes each
// message to its writer and collects the Status.
type demux struct {
	stdout, stderr io.Writer
	status         []byte
}

// handle routes one message; the error is a writer's, as *WriteError.
func (d *demux) handle(msg []byte) error {
	if len(msg) < 2 {
		return nil // an empty message opens a channel ("streams ready")
	}
	var w io.Writer
	name := "stdout"
	switch msg[0] {
	case chanStdout:
		w = d.stdout
	case chanStderr:
		w, name = d.stderr, "stderr"
	case chanStatus:
		if len(d.status)+len(msg)-1 <= maxStatus {
			d.status = append(d.status, msg[1:]...)
		}
	}
	if w == nil {
		return nil
	}
	if _, err := w.Write(msg[1:]); err != nil {
		return &WriteError{Stream: name, Err: err}
	}
	return nil
}

// outcome is the session's result once the connection ended with connErr.
func (d *demux) outcome(connErr error) error { return outcome(d.status, connErr) }

// WriteError is a failure of the writer a session's output went to; the
// session is ended.
type WriteError struct {
	// Stream is "stdout" or "stderr".
	Stream string
	Err    error
}

// Error names the stream and the writer's error.
func (e *WriteError) Error() string { return "podstream: writing " + e.Stream + ": " + e.Err.Error() }

// Unwrap returns the writer's error.
func (e *WriteError) Unwrap() error { return e.Err }

// outcome turns the Status the server sent (if any) and the way the
// connection ended into the session's result.
func outcome(status []byte, connErr error) error {
	if len(status) == 0 {
		if websocket.IsNormalClose(connErr) {
			return nil
		}
		return connErr
	}
	var st metav1.Status
	if err := codec.Unmarshal(status, &st); err != nil {
		return &rest.DecodeError{Err: err}
	}
	return statusError(st)
}

// statusError maps a Status from channel 3 to Exec's result.
func statusError(st metav1.Status) error {
	if st.Status == metav1.StatusSuccess {
		return nil
	}
	if st.Reason == "NonZeroExitCode" && st.Details != nil {
		for _, cause := range st.Details.Causes {
			if cause.Type == "ExitCode" {
				if code, err := strconv.Atoi(strings.TrimSpace(cause.Message)); err == nil {
					return &ExitError{Code: code, Status: st}
				}
			}
		}
	}
	if st.Code == 0 && st.Reason == metav1.StatusReasonInternalError {
		st.Code = 500
	}
	return &StreamError{StatusError: &rest.StatusError{Status: st}}
}

// StreamError is a failure the server reported on the status channel of a
// session it had accepted (a command that is not found, a container that
// is not running, behind a server that upgrades first), as opposed to a
// refused upgrade. It wraps the server's Status as a *rest.StatusError, so
// errors.As and the rest.Is* helpers see that too.
type StreamError struct {
	StatusError *rest.StatusError
}

// Error returns the server's message.
func (e *StreamError) Error() string { return e.StatusError.Error() }

// Unwrap returns the *rest.StatusError.
func (e *StreamError) Unwrap() error { return e.StatusError }
