package podstream

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// The channel protocols exec and attach speak.
const (
	// ProtocolV5 is v4 plus the close signal, which ends stdin.
	ProtocolV5 = "v5.channel.k8s.io"
	// ProtocolV4 carries stdin, stdout, stderr, the Status and resizes.
	ProtocolV4 = "v4.channel.k8s.io"
)

// DefaultProtocols are offered when the options name none: v5 first, v4 as
// the fallback.
var DefaultProtocols = []string{ProtocolV5, ProtocolV4}

// Channel numbers of the protocol.
const (
	chanStdin  = 0
	chanStdout = 1
	chanStderr = 2
	chanStatus = 3
	chanResize = 4
	chanClose  = 255
)

// maxChunk is the largest stdin or port-forward payload sent in one
// message.
const maxChunk = 128 << 10

// ErrStdinCloseUnsupported is returned by Session.CloseStdin when the server
// chose v4.channel.k8s.io, which has no way to end stdin.
var ErrStdinCloseUnsupported = errors.New("podstream: the server chose " + ProtocolV4 + ", which cannot close stdin")

// ErrNoStdin is returned by Session.Write and CloseStdin when the session
// was started without stdin.
var ErrNoStdin = errors.New("podstream: the session has no stdin")

// ErrNoTTY is returned by Session.Resize when the session has no TTY.
var ErrNoTTY = errors.New("podstream: the session has no TTY")

// ExitError is a command that ran and exited with a non-zero code.
type ExitError struct {
	// Code is the exit code.
	Code int
	// Status is the Status the server sent.
	Status metav1.Status
}

// Error returns "command terminated with exit code N", kubectl's words.
func (e *ExitError) Error() string {
	return "command terminated with exit code " + strconv.Itoa(e.Code)
}

// TerminalSize is a terminal's size in characters.
type TerminalSize struct {
	Width, Height uint16
}

// ExecOptions are the streams and settings of Exec and Attach. The zero
// value runs with no stdin, discarding output.
type ExecOptions struct {
	// Container names the container; empty means the pod's only one (the
	// server refuses the request when there are several).
	Container string
	// Stdin, when set, is copied to the process's standard input; at its
	// end stdin is closed (v5; with v4 it stays open until the command
	// ends). The copy may still be blocked reading Stdin after Exec
	// returns.
	Stdin io.Reader
	// Stdout and Stderr receive the process's output; nil ones are not
	// requested. With TTY, stderr is merged into stdout and Stderr is not
	// requested.
	Stdout, Stderr io.Writer
	// TTY asks for a terminal.
	TTY bool
	// TerminalSizes delivers the terminal's size, first and after each
	// change (TTY only); it is read until it is closed or the command ends.
	TerminalSizes <-chan TerminalSize
	// Protocols are offered in order; empty means DefaultProtocols.
	Protocols []string
	// WebSocket tunes the connection (ping interval, read timeout, message
	// size); its Protocols field is ignored.
	WebSocket websocket.Options
}

// Exec runs command in a container of pod namespace/name and returns when
// it has ended and its output has been written: nil when it succeeded, an
// *ExitError with its exit code, a failure the server reported after
// accepting the session as a *StreamError (a command that is not found),
// a refused upgrade as a *rest.StatusError (both match errors.As with
// *rest.StatusError; a Forbidden refusal is reported as kubectl reports it,
// see Forbidden refusals in the package documentation), or the
// connection's or ctx's error.
func Exec(ctx context.Context, c *rest.Client, namespace, pod string, command []string, o ExecOptions) error {
	if len(command) == 0 {
		return &rest.RequestError{Field: "command", Reason: "Exec needs a command"}
	}
	return run(ctx, c, namespace, pod, "exec", command, o)
}

// Attach attaches to the main process of a container of pod namespace/name
// (its stdin, stdout and stderr, as kubectl attach) and returns when the
// attach ends; errors are those of Exec.
func Attach(ctx context.Context, c *rest.Client, namespace, pod string, o ExecOptions) error {
	return run(ctx, c, namespace, pod, "attach", nil, o)
}

func run(ctx context.Context, c *rest.Client, namespace, pod, sub string, command []string, o ExecOptions) error {
	s, err := start(ctx, c, namespace, pod, sub, command, SessionOptions{
		Container: o.Container, Stdin: o.Stdin != nil, Stdout: o.Stdout, Stderr: o.Stderr,
		TTY: o.TTY, Protocols: o.Protocols, WebSocket: o.WebSocket,
	})
	if err != nil {
		return err
	}
	if o.Stdin != nil {
		go func() {
			if copyStdin(s, o.Stdin) == nil {
				_ = s.CloseStdin()
			}
		}()
	}
	if o.TTY && o.TerminalSizes != nil {
		go func() {
			for {
				select {
				case size, ok := <-o.TerminalSizes:
					if !ok {
						return
					}
					_ = s.Resize(size)
				case <-s.Done():
					return
				}
			}
		}()
	}
	return s.Wait()
}

// copyStdin sends r to the session until r ends (nil) or fails, in
// messages as large as one read (at most maxChunk).
func copyStdin(s *Session, r io.Reader) error {
	buf := make([]byte, maxChunk)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := s.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// SessionOptions are the settings of StartExec and StartAttach.
type SessionOptions struct {
	// Container names the container; empty means the pod's only one.
	Container string
	// Stdin opens the process's standard input: write to it with
	// Session.Write, end it with Session.CloseStdin.
	Stdin bool
	// Stdout and Stderr receive the output as it arrives, written from the
	// session's reading goroutine; a slow writer slows the whole session.
	// Nil ones are not requested. With TTY, Stderr is not requested.
	Stdout, Stderr io.Writer
	// TTY asks for a terminal; resize it with Session.Resize.
	TTY bool
	// Protocols are offered in order; empty means DefaultProtocols.
	Protocols []string
	// WebSocket tunes the connection; its Protocols field is ignored.
	WebSocket websocket.Options
}

// StartExec starts command in a container of pod namespace/name and
// returns the running session once the server has accepted it. A refused
// upgrade is a *rest.StatusError (a Forbidden one as in Exec). ctx bounds
// the whole session.
func StartExec(ctx context.Context, c *rest.Client, namespace, pod string, command []string, o SessionOptions) (*Session, error) {
	if len(command) == 0 {
		return nil, &rest.RequestError{Field: "command", Reason: "StartExec needs a command"}
	}
	return start(ctx, c, namespace, pod, "exec", command, o)
}

// StartAttach attaches to the main process of a container of pod
// namespace/name; see StartExec.
func StartAttach(ctx context.Context, c *rest.Client, namespace, pod string, o SessionOptions) (*Session, error) {
	return start(ctx, c, namespace, pod, "attach", nil, o)
}

func start(ctx context.Context, c *rest.Client, namespace, pod, sub string, command []string, o SessionOptions) (*Session, error) {
	if c == nil {
		return nil, errNilClient
	}
	if o.TTY {
		o.Stderr = nil
	}
	if !o.Stdin && o.Stdout == nil && o.Stderr == nil {
		// The server needs at least one stream; an output-less command
		// still reports its exit status.
		o.Stdout = io.Discard
	}
	build := func(r *rest.Request) *rest.Request {
		r.Version("v1").Namespace(namespace).Resource("pods").Name(pod).SubResource(sub)
		for _, arg := range command {
			r.Param("command", arg)
		}
		if o.Container != "" {
			r.Param("container", o.Container)
		}
		if o.Stdin {
			r.Param("stdin", "true")
		}
		if o.Stdout != nil {
			r.Param("stdout", "true")
		}
		if o.Stderr != nil {
			r.Param("stderr", "true")
		}
		if o.TTY {
			r.Param("tty", "true")
		}
		return r
	}
	wo := o.WebSocket
	wo.Protocols = o.Protocols
	if len(wo.Protocols) == 0 {
		wo.Protocols = DefaultProtocols
	}
	conn, err := upgrade(ctx, c, build, wo)
	if err != nil {
		return nil, err
	}
	switch conn.Subprotocol() {
	case ProtocolV5, ProtocolV4:
	default:
		_ = conn.Close()
		return nil, &ProtocolError{Chosen: conn.Subprotocol()}
	}
	s := newSession(conn, o)
	go s.readLoop()
	return s, nil
}
