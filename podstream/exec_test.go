package podstream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
)

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ns}
spec:
  containers: [{name: app, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: two, namespace: ns}
spec:
  initContainers: [{name: init, image: x}]
  containers: [{name: a, image: x}, {name: b, image: x}]
`

func setup(t *testing.T, opts ...fake.Option) (*fake.Server, *rest.Client) {
	t.Helper()
	srv := fake.NewServer(t, append([]fake.Option{fake.WithObjects(pods)}, opts...)...)
	c, err := rest.New(srv.Config())
	require.NoError(t, err)
	return srv, c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// sh is a handler that runs a tiny script language: "out X", "err X",
// "cat" (stdin to stdout), "exit N", "fail MSG".
func sh(_ context.Context, s fake.ExecStreams) error {
	for _, cmd := range s.Command {
		verb, arg, _ := strings.Cut(cmd, " ")
		switch verb {
		case "out":
			fmt.Fprintln(s.Stdout, arg)
		case "err":
			fmt.Fprintln(s.Stderr, arg)
		case "cat":
			if _, err := io.Copy(s.Stdout, s.Stdin); err != nil {
				return err
			}
		case "exit":
			var n int
			fmt.Sscan(arg, &n)
			return fake.ExitCode(n)
		case "fail":
			return errors.New(arg)
		}
	}
	return nil
}

func TestExecOutputAndExitCode(t *testing.T) {
	srv, c := setup(t)
	srv.HandleExec("ns", "web", "app", sh)
	for _, protos := range [][]string{nil, {podstream.ProtocolV4}} {
		var out, errb bytes.Buffer
		err := podstream.Exec(ctx(t), c, "ns", "web", []string{"out hello", "err oops", "exit 3"},
			podstream.ExecOptions{Stdout: &out, Stderr: &errb, Protocols: protos})
		var exit *podstream.ExitError
		require.ErrorAs(t, err, &exit, "%v", protos)
		assert.Equal(t, 3, exit.Code)
		assert.Equal(t, "command terminated with exit code 3", err.Error())
		assert.Equal(t, "hello\n", out.String())
		assert.Equal(t, "oops\n", errb.String())
	}
	require.NoError(t, podstream.Exec(ctx(t), c, "ns", "web", []string{"out ok"}, podstream.ExecOptions{}),
		"no streams asked for: output discarded, success reported")

	err := podstream.Exec(ctx(t), c, "ns", "web", []string{"fail boom"}, podstream.ExecOptions{Stdout: io.Discard})
	var se *rest.StatusError
	require.ErrorAs(t, err, &se)
	assert.True(t, rest.IsInternalError(err))
	assert.Equal(t, "Internal error occurred: error executing command in container: boom", err.Error())
}

func TestExecStdinEOF(t *testing.T) {
	srv, c := setup(t)
	srv.HandleExec("ns", "web", "app", sh)
	input := strings.Repeat("0123456789", 20_000) // several messages
	var out bytes.Buffer
	err := podstream.Exec(ctx(t), c, "ns", "web", []string{"cat", "out done"},
		podstream.ExecOptions{Stdin: strings.NewReader(input), Stdout: &out})
	require.NoError(t, err)
	assert.Equal(t, input+"done\n", out.String(), "cat saw the end of stdin (v5 close signal)")
}

func TestSessionV4CannotCloseStdin(t *testing.T) {
	srv, c := setup(t)
	got := make(chan string, 1)
	srv.HandleExec("ns", "web", "app", func(_ context.Context, s fake.ExecStreams) error {
		b := make([]byte, 5) // reads a known size, as cp does with v4
		_, err := io.ReadFull(s.Stdin, b)
		got <- string(b)
		return err
	})
	s, err := podstream.StartExec(ctx(t), c, "ns", "web", []string{"head -c 5"},
		podstream.SessionOptions{Stdin: true, Protocols: []string{podstream.ProtocolV4}})
	require.NoError(t, err)
	assert.Equal(t, podstream.ProtocolV4, s.Protocol())
	_, err = s.Write([]byte("hello"))
	require.NoError(t, err)
	assert.ErrorIs(t, s.CloseStdin(), podstream.ErrStdinCloseUnsupported)
	assert.Equal(t, "hello", <-got)
	require.NoError(t, s.Wait())
}

func TestSessionInteractive(t *testing.T) {
	srv, c := setup(t)
	srv.HandleExec("ns", "web", "app", func(_ context.Context, s fake.ExecStreams) error {
		buf := make([]byte, 100)
		for {
			n, err := s.Stdin.Read(buf)
			if n > 0 {
				fmt.Fprintf(s.Stdout, "got %s", buf[:n])
			}
			if err == io.EOF {
				fmt.Fprintln(s.Stdout, "bye")
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
	out := &syncBuffer{}
	s, err := podstream.StartExec(ctx(t), c, "ns", "web", []string{"repl"}, podstream.SessionOptions{Stdin: true, Stdout: out})
	require.NoError(t, err)
	assert.Equal(t, podstream.ProtocolV5, s.Protocol())
	_, err = s.Write([]byte("one\n"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return out.String() == "got one\n" }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, s.CloseStdin())
	require.NoError(t, s.CloseStdin(), "twice is a no-op")
	_, err = s.Write([]byte("late"))
	assert.ErrorIs(t, err, io.ErrClosedPipe)
	require.NoError(t, s.Wait())
	assert.Equal(t, "got one\nbye\n", out.String())
	assert.ErrorIs(t, s.Resize(podstream.TerminalSize{Width: 1, Height: 1}), podstream.ErrNoTTY)
}

func TestTTYResize(t *testing.T) {
	srv, c := setup(t)
	srv.HandleExec("ns", "web", "app", func(_ context.Context, s fake.ExecStreams) error {
		if s.Stderr != nil || !s.TTY {
			return errors.New("a TTY session has no stderr")
		}
		for i := 0; i < 2; i++ {
			size := <-s.Resize
			fmt.Fprintf(s.Stdout, "%dx%d\n", size.Width, size.Height)
		}
		return nil
	})
	sizes := make(chan podstream.TerminalSize, 2)
	sizes <- podstream.TerminalSize{Width: 80, Height: 24}
	sizes <- podstream.TerminalSize{Width: 120, Height: 40}
	var out bytes.Buffer
	err := podstream.Exec(ctx(t), c, "ns", "web", []string{"stty size"},
		podstream.ExecOptions{Stdout: &out, Stderr: io.Discard, TTY: true, TerminalSizes: sizes})
	require.NoError(t, err)
	assert.Equal(t, "80x24\n120x40\n", out.String())
}

func TestAttach(t *testing.T) {
	srv, c := setup(t)
	srv.HandleAttach("ns", "two", "b", func(_ context.Context, s fake.ExecStreams) error {
		if len(s.Command) != 0 {
			return errors.New("attach has no command")
		}
		_, err := io.Copy(s.Stdout, s.Stdin)
		return err
	})
	var out bytes.Buffer
	err := podstream.Attach(ctx(t), c, "ns", "two", podstream.ExecOptions{Container: "b", Stdin: strings.NewReader("typed"), Stdout: &out})
	require.NoError(t, err)
	assert.Equal(t, "typed", out.String())
}

// Without a handler, exec answers as the real server does for a container
// that is not running: with v5 a Status after the upgrade, with v4 the
// kubelet's refusal passed through.
func TestExecNotRunning(t *testing.T) {
	_, c := setup(t)
	err := podstream.Exec(ctx(t), c, "ns", "web", []string{"true"}, podstream.ExecOptions{})
	assert.True(t, rest.IsInternalError(err), err)
	assert.Equal(t, `Internal error occurred: unable to upgrade connection: container not found ("app")`, err.Error())

	err = podstream.Exec(ctx(t), c, "ns", "web", []string{"true"}, podstream.ExecOptions{Protocols: []string{podstream.ProtocolV4}})
	assert.True(t, rest.IsInternalError(err), err)
	assert.Equal(t, `an internal error occurred on the server: container not found ("app")`, err.Error())
}

func TestExecRefused(t *testing.T) {
	_, c := setup(t, fake.WithUser("jane", "jane-token", fake.Rule{Verbs: []string{"get"}, Resources: []string{"pods"}}))
	cases := []struct {
		pod, container string
		check          func(error) bool
		msg            string
	}{
		{"gone", "", rest.IsNotFound, `pods "gone" not found`},
		{"web", "nope", rest.IsBadRequest, "container nope is not valid for pod web"},
		{"two", "", rest.IsBadRequest, "a container name must be specified for pod two, choose one of: [init a b]"},
	}
	for _, tc := range cases {
		err := podstream.Exec(ctx(t), c, "ns", tc.pod, []string{"true"}, podstream.ExecOptions{Container: tc.container})
		assert.True(t, tc.check(err), "%s/%s: %v", tc.pod, tc.container, err)
		assert.EqualError(t, err, tc.msg)
	}
}

// A refused upgrade reads as kubectl reports it: kubectl falls back to
// SPDY, a POST authorized as create, and reports that refusal.
func TestExecForbiddenLikeKubectl(t *testing.T) {
	readPods := fake.Rule{Verbs: []string{"get"}, Resources: []string{"pods"}}
	srv := fake.NewServer(t, fake.WithObjects(pods),
		fake.WithUser("getter", "t1", readPods, fake.Rule{Verbs: []string{"get"}, Resources: []string{"pods/exec", "pods/portforward"}}),
		fake.WithUser("creator", "t2", readPods, fake.Rule{Verbs: []string{"create"}, Resources: []string{"pods/exec", "pods/portforward"}}),
		fake.WithUser("reader", "t3", readPods),
		fake.WithUser("both", "t4", readPods, fake.Rule{Verbs: []string{"get", "create"}, Resources: []string{"pods/exec", "pods/portforward"}}))
	srv.HandleExec("ns", "web", "app", sh)
	client := func(user string) *rest.Client {
		c, err := rest.New(srv.ConfigFor(user))
		require.NoError(t, err)
		return c
	}
	msg := func(user, verb, sub string) string {
		return `pods "web" is forbidden: User "` + user + `" cannot ` + verb + ` resource "pods/` + sub + `" in API group "" in the namespace "ns"`
	}
	for _, tc := range []struct{ user, exec, portforward string }{
		// get allowed, create not: the upgrade's refusal gives no
		// reason; the POST's names create.
		{"getter", msg("getter", "create", "exec"), msg("getter", "create", "portforward")},
		// Neither: the POST's refusal, as kubectl's SPDY fallback.
		{"reader", msg("reader", "create", "exec"), msg("reader", "create", "portforward")},
		// create allowed, get not: kubectl succeeds over SPDY; without
		// SPDY the upgrade's refusal is all there is.
		{"creator", msg("creator", "get", "exec"), msg("creator", "get", "portforward")},
		{"both", "", ""},
	} {
		c := client(tc.user)
		var out bytes.Buffer
		err := podstream.Exec(ctx(t), c, "ns", "web", []string{"out hi"}, podstream.ExecOptions{Stdout: &out})
		_, perr := podstream.DialPort(ctx(t), c, "ns", "web", 8080)
		cerr := podstream.CheckPortForward(ctx(t), c, "ns", "web", 8080, 9090)
		if tc.exec == "" {
			assert.NoError(t, err, tc.user)
			assert.Equal(t, "hi\n", out.String())
			assert.NoError(t, perr, tc.user)
			assert.NoError(t, cerr, tc.user)
			continue
		}
		assert.EqualError(t, cerr, tc.portforward, tc.user)
		assert.True(t, rest.IsForbidden(err), "%s: %v", tc.user, err)
		assert.EqualError(t, err, tc.exec, tc.user)
		assert.True(t, rest.IsForbidden(perr), "%s: %v", tc.user, perr)
		assert.EqualError(t, perr, tc.portforward, tc.user)
	}
	err := podstream.CheckPortForward(ctx(t), client("both"), "ns", "gone", 80)
	assert.True(t, rest.IsNotFound(err), err)
}

func TestSessionCloseAndContext(t *testing.T) {
	srv, c := setup(t)
	started := make(chan struct{}, 2) // the handler runs for both sessions
	srv.HandleExec("ns", "web", "app", func(ctx context.Context, s fake.ExecStreams) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	cx, cancel := context.WithCancel(ctx(t))
	s, err := podstream.StartExec(cx, c, "ns", "web", []string{"sleep"}, podstream.SessionOptions{Stdout: io.Discard})
	require.NoError(t, err)
	<-started
	cancel()
	err = s.Wait()
	assert.ErrorIs(t, err, context.Canceled)

	s, err = podstream.StartExec(ctx(t), c, "ns", "web", []string{"sleep"}, podstream.SessionOptions{Stdout: io.Discard})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	<-s.Done()
}

func TestStdoutWriterError(t *testing.T) {
	srv, c := setup(t)
	srv.HandleExec("ns", "web", "app", sh)
	err := podstream.Exec(ctx(t), c, "ns", "web", []string{"out x"}, podstream.ExecOptions{Stdout: failWriter{}})
	var we *podstream.WriteError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "stdout", we.Stream)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
