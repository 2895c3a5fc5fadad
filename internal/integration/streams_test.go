//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// streamsNS holds the pods the kubelet stand-in runs for these tests.
const streamsNS = "kubewire-streams"

var streamPods struct {
	once sync.Once
	err  error
	node *testenv.Node
}

// streamsEnv starts the kubelet stand-in once and runs the shared pods:
// sh (a shell to exec in), multi (two running containers and one
// waiting), logs (five lines), attach (echoes what it reads, prefixed).
func streamsEnv(t *testing.T) (*testenv.Env, *testenv.Node) {
	t.Helper()
	env := testenv.Shared(t)
	streamPods.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		node, err := env.Node(ctx)
		if err != nil {
			streamPods.err = err
			return
		}
		streamPods.node = node
		for _, p := range []struct {
			name string
			cs   []testenv.Container
		}{
			{"sh", []testenv.Container{{Name: "c1"}}},
			{"multi", []testenv.Container{{Name: "a"}, {Name: "b"}, {Name: "w", Waiting: "ContainerCreating"}}},
			{"logs", []testenv.Container{{Name: "c1", Command: "for i in 1 2 3 4 5; do echo line $i; done; sleep 0.5; echo to stderr >&2; sleep 3600"}}},
			{"attach", []testenv.Container{{Name: "c1", Command: `while read l; do echo "got $l"; done`}}},
		} {
			if streamPods.err = node.RunPod(ctx, streamsNS, p.name, p.cs...); streamPods.err != nil {
				return
			}
		}
	})
	require.NoError(t, streamPods.err, "kubelet stand-in (build it with .ci/build-kubelet.sh)")
	return env, streamPods.node
}

func adminClient(t *testing.T, env *testenv.Env) *rest.Client {
	return clientFor(t, env, testenv.IdentityAdminToken)
}

func TestStreamsExec(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	for _, id := range []testenv.Identity{testenv.IdentityAdminToken, testenv.IdentityAdminCert} {
		c := clientFor(t, env, id)
		for _, protos := range [][]string{nil, {podstream.ProtocolV4}} {
			var out, errb bytes.Buffer
			err := podstream.Exec(ctx, c, streamsNS, "sh", []string{"sh", "-c", "echo out; echo err >&2; exit 3"},
				podstream.ExecOptions{Stdout: &out, Stderr: &errb, Protocols: protos})
			var exit *podstream.ExitError
			require.ErrorAs(t, err, &exit, "%s %v", id, protos)
			assert.Equal(t, 3, exit.Code)
			assert.Equal(t, "out\n", out.String())
			assert.Equal(t, "err\n", errb.String())
		}
	}
	c := adminClient(t, env)
	require.NoError(t, podstream.Exec(ctx, c, streamsNS, "sh", []string{"true"}, podstream.ExecOptions{}))

	err := podstream.Exec(ctx, c, streamsNS, "sh", []string{"no-such-command"}, podstream.ExecOptions{Stdout: io.Discard})
	var se *podstream.StreamError
	require.ErrorAs(t, err, &se)
	assert.True(t, rest.IsInternalError(err))
	assert.Contains(t, err.Error(), `exec: "no-such-command": executable file not found in $PATH`)

	// The waiting container: the API server upgrades (v5), then reports
	// the kubelet's refusal; with v4 the refusal itself comes back.
	err = podstream.Exec(ctx, c, streamsNS, "multi", []string{"true"}, podstream.ExecOptions{Container: "w"})
	assert.Equal(t, `Internal error occurred: unable to upgrade connection: container not found ("w")`, err.Error())
	err = podstream.Exec(ctx, c, streamsNS, "multi", []string{"true"}, podstream.ExecOptions{Container: "w", Protocols: []string{podstream.ProtocolV4}})
	assert.True(t, rest.IsInternalError(err), err)
	assert.Equal(t, `an internal error occurred on the server: container not found ("w")`, err.Error())

	for _, tc := range []struct {
		pod, container, msg string
		is                  func(error) bool
	}{
		{"gone", "", `pods "gone" not found`, rest.IsNotFound},
		{"sh", "nope", "container nope is not valid for pod sh", rest.IsBadRequest},
		{"multi", "", "a container name must be specified for pod multi, choose one of: [a b w]", rest.IsBadRequest},
	} {
		err := podstream.Exec(ctx, c, streamsNS, tc.pod, []string{"true"}, podstream.ExecOptions{Container: tc.container})
		assert.True(t, tc.is(err), "%s/%s: %v", tc.pod, tc.container, err)
		assert.EqualError(t, err, tc.msg)
	}
}

func TestStreamsStdin(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	input := bytes.Repeat([]byte("kubewire stdin\n"), 50_000) // 750 kB
	var out bytes.Buffer
	err := podstream.Exec(ctx, c, streamsNS, "sh", []string{"sh", "-c", "cat; echo end"},
		podstream.ExecOptions{Stdin: bytes.NewReader(input), Stdout: &out})
	require.NoError(t, err)
	assert.Equal(t, len(input)+4, out.Len())
	assert.True(t, bytes.Equal(append(input, "end\n"...), out.Bytes()), "cat saw stdin end (v5 close signal)")

	// v4 has no end of stdin: a command reading a known size works.
	s, err := podstream.StartExec(ctx, c, streamsNS, "sh", []string{"head", "-c", "5"},
		podstream.SessionOptions{Stdin: true, Stdout: &out, Protocols: []string{podstream.ProtocolV4}})
	require.NoError(t, err)
	assert.Equal(t, podstream.ProtocolV4, s.Protocol())
	out.Reset()
	_, err = s.Write([]byte("hello, world"))
	require.NoError(t, err)
	assert.ErrorIs(t, s.CloseStdin(), podstream.ErrStdinCloseUnsupported)
	require.NoError(t, s.Wait())
	assert.Equal(t, "hello", out.String())
}

func TestStreamsTTYResize(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	sizes := make(chan podstream.TerminalSize, 2)
	sizes <- podstream.TerminalSize{Width: 101, Height: 33}
	out := &lockedBuffer{}
	s, err := podstream.StartExec(ctx, c, streamsNS, "sh", []string{"sh", "-c", "stty size; read x; stty size"},
		podstream.SessionOptions{Stdin: true, Stdout: out, TTY: true})
	require.NoError(t, err)
	require.NoError(t, s.Resize(<-sizes))
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "33 101") }, 10*time.Second, 20*time.Millisecond, "%q", out.String())
	require.NoError(t, s.Resize(podstream.TerminalSize{Width: 120, Height: 40}))
	time.Sleep(200 * time.Millisecond)
	_, err = s.Write([]byte("x\r"))
	require.NoError(t, err)
	require.NoError(t, s.Wait())
	assert.Regexp(t, `(?s)33 101\r\n.*40 120\r\n$`, out.String())
}

func TestStreamsAttach(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	out := &lockedBuffer{}
	s, err := podstream.StartAttach(ctx, c, streamsNS, "attach", podstream.SessionOptions{Stdin: true, Stdout: out, Stderr: io.Discard})
	require.NoError(t, err)
	_, err = s.Write([]byte("hello\n"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "got hello\n") }, 10*time.Second, 20*time.Millisecond)
	require.NoError(t, s.Close())
}

func TestStreamsLogs(t *testing.T) {
	env, node := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	read := func(o podstream.LogOptions) (string, error) {
		rc, err := podstream.Logs(ctx, c, streamsNS, "logs", o)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		return string(b), err
	}
	var all string
	require.Eventually(t, func() bool {
		all, _ = read(podstream.LogOptions{})
		return strings.Count(all, "\n") == 6
	}, 10*time.Second, 50*time.Millisecond)
	assert.Equal(t, "line 1\nline 2\nline 3\nline 4\nline 5\nto stderr\n", all)
	two := int64(2)
	got, err := read(podstream.LogOptions{TailLines: &two})
	require.NoError(t, err)
	assert.Equal(t, "line 5\nto stderr\n", got)
	got, err = read(podstream.LogOptions{LimitBytes: 10})
	require.NoError(t, err)
	assert.Equal(t, "line 1\nlin", got)
	got, err = read(podstream.LogOptions{Timestamps: true, TailLines: &two})
	require.NoError(t, err)
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 5\n\S+ to stderr\n$`, got)
	got, err = read(podstream.LogOptions{Since: time.Hour})
	require.NoError(t, err)
	assert.Equal(t, all, got)

	neg := int64(-1)
	_, err = read(podstream.LogOptions{TailLines: &neg})
	assert.True(t, rest.IsInvalid(err), err)
	assert.Contains(t, err.Error(), "tailLines: Invalid value: -1: must be greater than or equal to 0")
	_, err = read(podstream.LogOptions{Since: time.Second, SinceTime: time.Now()})
	assert.True(t, rest.IsInvalid(err), err)
	_, err = read(podstream.LogOptions{Previous: true})
	assert.EqualError(t, err, `previous terminated container "c1" in pod "logs" not found`)
	_, err = podstream.Logs(ctx, c, streamsNS, "multi", podstream.LogOptions{Container: "w"})
	assert.True(t, rest.IsBadRequest(err), err)
	assert.EqualError(t, err, `container "w" in pod "multi" is waiting to start: ContainerCreating`)

	// Follow, with a client timeout far shorter than the stream: it ends
	// when the container exits.
	require.NoError(t, node.RunPod(ctx, streamsNS, "ends", testenv.Container{Name: "c1", Command: "echo a; sleep 1; echo b; sleep 1; echo c"}))
	t.Cleanup(func() { _ = node.DeletePod(context.Background(), streamsNS, "ends") })
	cfg := loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken))
	cfg.Timeout = 300 * time.Millisecond
	short := newClient(t, cfg)
	rc, err := podstream.Logs(ctx, short, streamsNS, "ends", podstream.LogOptions{Follow: true})
	require.NoError(t, err)
	defer rc.Close()
	start := time.Now()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, "a\nb\nc\n", string(b))
	assert.Greater(t, time.Since(start), 500*time.Millisecond, "the stream outlived the client timeout")
}

// httpServer serves "pod PORT says PATH" on a free loopback port, the pod
// port the stand-in forwards to.
func httpServer(t *testing.T) uint16 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pod %d says %s", port, r.URL.Path)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return port
}

func TestStreamsPortForward(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	port := httpServer(t)

	hc := &http.Client{Transport: &http.Transport{DialContext: podstream.Dialer(c, streamsNS, "sh")}}
	resp, err := hc.Get("http://sh:" + strconv.Itoa(int(port)) + "/direct")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, fmt.Sprintf("pod %d says /direct", port), string(body))

	// Nothing listens on the pod port: the error channel says so.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadPort := uint16(closed.Addr().(*net.TCPAddr).Port)
	closed.Close()
	conn, err := podstream.DialPort(ctx, c, streamsNS, "sh", deadPort)
	require.NoError(t, err)
	_, err = io.ReadAll(conn)
	conn.Close()
	var pe *podstream.PortForwardError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Message, fmt.Sprintf("error forwarding port %d to pod sh, uid ", deadPort))
	assert.Contains(t, pe.Message, "connection refused")

	// A forwarder: concurrent connections, and per-connection errors.
	errs := make(chan error, 4)
	f, err := podstream.NewForwarder(c, streamsNS, "sh", []podstream.PortMapping{{Remote: port}, {Remote: deadPort}},
		podstream.WithErrorHandler(func(_ podstream.PortMapping, err error) { errs <- err }))
	require.NoError(t, err)
	fctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- f.Serve(fctx) }()
	ls := f.Listeners()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := hc.Get("http://" + ls[0].Address + "/c" + strconv.Itoa(i))
			if !assert.NoError(t, err) {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, fmt.Sprintf("pod %d says /c%d", port, i), string(b))
		}()
	}
	wg.Wait()
	bad, err := net.Dial("tcp", ls[len(ls)-1].Address)
	require.NoError(t, err)
	_, _ = io.ReadAll(bad)
	bad.Close()
	select {
	case err := <-errs:
		assert.ErrorAs(t, err, &pe)
	case <-time.After(10 * time.Second):
		t.Fatal("no per-connection error")
	}
	cancel()
	require.NoError(t, <-served)
}

// treeSum walks dir and returns, per relative path, its mode and a
// checksum of its content (or link target).
func treeSum(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	require.NoError(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		v := fi.Mode().String()
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			v += fmt.Sprintf(" %x", sha256.Sum256(b))
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			v += " -> " + l
		}
		sums[rel] = v
		return nil
	}))
	return sums
}

// bigTree writes a tree of about 4 MB: nested directories, modes, an
// executable, an empty file, a link.
func bigTree(t *testing.T, dir string) {
	t.Helper()
	for d := range 4 {
		sub := filepath.Join(dir, fmt.Sprintf("dir%d", d), "nested")
		require.NoError(t, os.MkdirAll(sub, 0o755))
		for f := range 5 {
			data := bytes.Repeat([]byte(fmt.Sprintf("%d-%d ", d, f)), 40_000+d*1000+f)
			require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%d.bin", f)), data, 0o644))
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600))
	require.NoError(t, os.Chmod(filepath.Join(dir, "empty"), 0o600))
	require.NoError(t, os.Symlink("run.sh", filepath.Join(dir, "link")))
}

func TestStreamsCopy(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	bigTree(t, src)
	want := treeSum(t, src)
	for _, protos := range [][]string{nil, {podstream.ProtocolV4}} {
		name := "v5"
		if protos != nil {
			name = "v4"
		}
		// The stand-in's containers see this machine's file system.
		remote := filepath.Join(dir, "pod-"+name)
		o := podstream.CopyOptions{Protocols: protos}
		require.NoError(t, podstream.CopyToPod(ctx, c, streamsNS, "sh", src, remote, o), name)
		assert.Equal(t, want, treeSum(t, remote), name)
		back := filepath.Join(dir, "back-"+name)
		require.NoError(t, podstream.CopyFromPod(ctx, c, streamsNS, "sh", remote, back, o), name)
		assert.Equal(t, want, treeSum(t, back), name)
	}
}

func TestStreamsForbidden(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	jane := clientFor(t, env, testenv.IdentityJane)
	err := podstream.Exec(ctx, jane, streamsNS, "sh", []string{"true"}, podstream.ExecOptions{})
	assert.True(t, rest.IsForbidden(err), err)
	// The upgrade (a GET) is refused as get; the plain POST that follows,
	// as create, which is what kubectl reports after its SPDY fallback.
	assert.Equal(t, `pods "sh" is forbidden: User "jane" cannot create resource "pods/exec" in API group "" in the namespace "kubewire-streams"`, err.Error())
	_, err = podstream.DialPort(ctx, jane, streamsNS, "sh", 80)
	assert.True(t, rest.IsForbidden(err), err)
	assert.Equal(t, `pods "sh" is forbidden: User "jane" cannot create resource "pods/portforward" in API group "" in the namespace "kubewire-streams"`, err.Error())
	_, err = podstream.Logs(ctx, jane, streamsNS, "logs", podstream.LogOptions{})
	assert.True(t, rest.IsForbidden(err), err)
}

// The handshake goes through the credential plugin like any request.
func TestStreamsExecPlugin(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.mod"), []byte("module kubewire.test/plugin\n\ngo 1.22\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"), []byte(execPlugin), 0o600))
	plugin := goBuild(t, src, ".", "kubewire-test-plugin")
	runs := filepath.Join(t.TempDir(), "runs")
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, env.WriteKubeconfig(kubeconfig, testenv.User{Exec: &testenv.ExecUser{
		APIVersion: "client.authentication.k8s.io/v1", Command: plugin, InteractiveMode: "Never",
		Env: map[string]string{"PLUGIN_TOKEN": env.AdminToken, "PLUGIN_RUNS": runs},
	}}, testenv.KubeconfigOptions{}))
	c := newClient(t, loadKubeconfig(t, kubeconfig))
	var out bytes.Buffer
	require.NoError(t, podstream.Exec(ctx, c, streamsNS, "sh", []string{"echo", "via plugin"}, podstream.ExecOptions{Stdout: &out}))
	assert.Equal(t, "via plugin\n", out.String())
	_, err := os.Stat(runs)
	assert.NoError(t, err, "the plugin ran")
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines reads r line by line into ch until it ends.
func lines(r io.Reader, ch chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		ch <- sc.Text()
	}
	close(ch)
}

// The API server answers the heartbeat's pings, so a quiet session lives
// past the read timeout; without pings the read timeout ends it.
func TestStreamsHeartbeat(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	for _, protos := range [][]string{nil, {podstream.ProtocolV4}} {
		err := podstream.Exec(ctx, c, streamsNS, "sh", []string{"sleep", "3"}, podstream.ExecOptions{
			Stdout: io.Discard, Protocols: protos,
			WebSocket: websocket.Options{PingInterval: 200 * time.Millisecond, ReadTimeout: time.Second},
		})
		require.NoError(t, err, "%v", protos)
	}
	start := time.Now()
	err := podstream.Exec(ctx, c, streamsNS, "sh", []string{"sleep", "3"}, podstream.ExecOptions{
		Stdout: io.Discard, WebSocket: websocket.Options{PingInterval: -1, ReadTimeout: time.Second},
	})
	assert.ErrorIs(t, err, websocket.ErrReadTimeout, "after %v", time.Since(start))
}
