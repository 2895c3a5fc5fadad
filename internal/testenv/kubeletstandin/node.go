package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	internalapi "k8s.io/cri-api/pkg/apis"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/cri-client/pkg/logs"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

// node holds the pods the harness registered.
type node struct {
	root string
	mu   sync.Mutex
	pods map[string]*pod // "ns/name"
	// execs are the processes exec started, killed at shutdown.
	execs map[*os.Process]struct{}
}

type pod struct {
	Namespace, Name, UID string
	containers           map[string]*container
}

// container is a process started with sh -c, or one that is waiting.
type container struct {
	spec    ContainerSpec
	dir     string
	logPath string
	id      string

	mu      sync.Mutex
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	running bool
	exited  chan struct{}
	subs    map[*subscriber]struct{}
	logFile *os.File
	partial map[string][]byte // per stream, output after the last newline
}

// subscriber is an attached client's output.
type subscriber struct {
	stdout, stderr io.Writer
	failed         chan struct{}
	once           sync.Once
}

func newNode(root string) *node {
	return &node{root: root, pods: map[string]*pod{}, execs: map[*os.Process]struct{}{}}
}

func (n *node) pod(ns, name string) *pod {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.pods[ns+"/"+name]
}

func (n *node) addPod(spec PodSpec) error {
	p := &pod{Namespace: spec.Namespace, Name: spec.Name, UID: spec.UID, containers: map[string]*container{}}
	for _, cs := range spec.Containers {
		dir := containerDir(n.root, spec.Namespace, spec.Name, cs.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		c := &container{
			spec: cs, dir: dir, logPath: filepath.Join(dir, "0.log"),
			id:     spec.Namespace + "/" + spec.Name + "/" + cs.Name,
			exited: make(chan struct{}), subs: map[*subscriber]struct{}{}, partial: map[string][]byte{},
		}
		if err := c.start(); err != nil {
			return fmt.Errorf("container %s: %w", cs.Name, err)
		}
		p.containers[cs.Name] = c
	}
	n.mu.Lock()
	old := n.pods[spec.Namespace+"/"+spec.Name]
	n.pods[spec.Namespace+"/"+spec.Name] = p
	n.mu.Unlock()
	if old != nil {
		old.stop()
	}
	return nil
}

func (n *node) stopAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, p := range n.pods {
		p.stop()
	}
	for proc := range n.execs {
		_ = proc.Kill()
	}
}

func (p *pod) stop() {
	for _, c := range p.containers {
		c.mu.Lock()
		if c.running && c.cmd != nil {
			_ = c.cmd.Process.Kill()
		}
		c.mu.Unlock()
	}
}

// lookup finds a running container as the kubelet does for exec and
// attach; the error is what the kubelet answers, with its status.
func (n *node) lookup(ns, name, ctr string) (*pod, *container, int, error) {
	p := n.pod(ns, name)
	if p == nil {
		return nil, nil, http.StatusNotFound, errors.New("pod does not exist")
	}
	c := p.containers[ctr]
	if c == nil || !c.isRunning() {
		return nil, nil, http.StatusInternalServerError, fmt.Errorf("container not found (%q)", ctr)
	}
	return p, c, 0, nil
}

func (c *container) isRunning() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.running
}

// start runs the container's command, unless it is waiting.
func (c *container) start() error {
	f, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	c.logFile = f
	if c.spec.Waiting != "" {
		close(c.exited)
		return nil
	}
	cmd := exec.Command("sh", "-c", c.spec.Command)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	c.cmd, c.stdin, c.running = cmd, stdin, true
	var pumps sync.WaitGroup
	pumps.Add(2)
	go func() { defer pumps.Done(); c.pump("stdout", stdout) }()
	go func() { defer pumps.Done(); c.pump("stderr", stderr) }()
	go func() {
		pumps.Wait()
		_ = cmd.Wait()
		c.mu.Lock()
		c.running = false
		c.flushPartial()
		c.mu.Unlock()
		close(c.exited)
	}()
	return nil
}

// pump copies one output stream of the main process to the log file and
// to the attached clients.
func (c *container) pump(stream string, r io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			c.mu.Lock()
			c.writeLog(stream, buf[:n])
			for s := range c.subs {
				w := s.stdout
				if stream == "stderr" {
					w = s.stderr
				}
				if w == nil {
					continue
				}
				if _, werr := w.Write(buf[:n]); werr != nil {
					s.fail()
					delete(c.subs, s)
				}
			}
			c.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// writeLog appends CRI log lines ("TIME STREAM F TEXT"); text after the
// last newline waits for the rest of its line. Called with c.mu held.
func (c *container) writeLog(stream string, b []byte) {
	data := append(c.partial[stream], b...)
	var out bytes.Buffer
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		fmt.Fprintf(&out, "%s %s F %s\n", time.Now().UTC().Format(time.RFC3339Nano), stream, data[:i])
		data = data[i+1:]
	}
	c.partial[stream] = append([]byte(nil), data...)
	_, _ = c.logFile.Write(out.Bytes())
}

// flushPartial writes the unterminated last lines as partial lines. Called
// with c.mu held.
func (c *container) flushPartial() {
	for stream, data := range c.partial {
		if len(data) > 0 {
			fmt.Fprintf(c.logFile, "%s %s P %s\n", time.Now().UTC().Format(time.RFC3339Nano), stream, data)
		}
	}
	c.partial = map[string][]byte{}
}

func (s *subscriber) fail() { s.once.Do(func() { close(s.failed) }) }

// executor runs exec and attach for one container.
type executor struct {
	n *node
	c *container
}

func (e *executor) ExecInContainer(ctx context.Context, _, _, _ string, cmd []string, in io.Reader, out, errw io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize, _ time.Duration) error {
	if len(cmd) == 0 {
		return errors.New("no command")
	}
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Dir = e.c.dir
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var err error
	if tty {
		err = e.runTTY(c, in, out, resize)
	} else {
		err = e.run(c, in, out, errw)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return utilexec.ExitErrorWrapper{ExitError: ee}
	}
	return err
}

func (e *executor) track(p *os.Process, add bool) {
	if e.n == nil {
		return
	}
	e.n.mu.Lock()
	defer e.n.mu.Unlock()
	if add {
		e.n.execs[p] = struct{}{}
	} else {
		delete(e.n.execs, p)
	}
}

func (e *executor) run(c *exec.Cmd, in io.Reader, out, errw io.Writer) error {
	// Stdin is copied by a goroutine Wait does not wait for, so a process
	// that exits without reading all of its input ends the exec.
	var stdin io.WriteCloser
	if in != nil {
		var err error
		if stdin, err = c.StdinPipe(); err != nil {
			return err
		}
	}
	if out != nil {
		c.Stdout = out
	}
	if errw != nil {
		c.Stderr = errw
	}
	if err := c.Start(); err != nil {
		return err
	}
	e.track(c.Process, true)
	defer e.track(c.Process, false)
	if stdin != nil {
		go func() {
			_, _ = io.Copy(stdin, in)
			_ = stdin.Close()
		}()
	}
	return c.Wait()
}

// runTTY runs c on a pty sized by the first resize event (waited for
// briefly, as kubectl sends it right away), resized by later ones.
func (e *executor) runTTY(c *exec.Cmd, in io.Reader, out io.Writer, resize <-chan remotecommand.TerminalSize) error {
	size := &pty.Winsize{Rows: 24, Cols: 80}
	select {
	case s, ok := <-resize:
		if ok {
			size = &pty.Winsize{Rows: s.Height, Cols: s.Width}
		}
	case <-time.After(500 * time.Millisecond):
	}
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Pdeathsig: syscall.SIGKILL}
	ptmx, err := pty.StartWithSize(c, size)
	if err != nil {
		return err
	}
	defer ptmx.Close()
	e.track(c.Process, true)
	defer e.track(c.Process, false)
	go func() {
		for s := range resize {
			_ = pty.Setsize(ptmx, &pty.Winsize{Rows: s.Height, Cols: s.Width})
		}
	}()
	if in != nil {
		go func() { _, _ = io.Copy(ptmx, in) }()
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		if out != nil {
			_, _ = io.Copy(out, ptmx)
		} else {
			_, _ = io.Copy(io.Discard, ptmx)
		}
	}()
	err = c.Wait()
	select {
	case <-copied:
	case <-time.After(2 * time.Second):
	}
	return err
}

func (e *executor) AttachContainer(ctx context.Context, _, _, _ string, in io.Reader, out, errw io.WriteCloser, _ bool, resize <-chan remotecommand.TerminalSize) error {
	c := e.c
	s := &subscriber{failed: make(chan struct{})}
	if out != nil {
		s.stdout = out
	}
	if errw != nil {
		s.stderr = errw
	}
	c.mu.Lock()
	c.subs[s] = struct{}{}
	stdin := c.stdin
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.subs, s)
		c.mu.Unlock()
	}()
	go func() {
		for range resize {
		}
	}()
	if in != nil && stdin != nil {
		go func() { _, _ = io.Copy(stdin, in) }()
	}
	select {
	case <-c.exited:
	case <-s.failed:
	case <-ctx.Done():
	}
	return nil
}

// serveLogs answers /containerLogs/NS/POD/CTR through the kubelet's CRI
// log reader.
func (n *node) serveLogs(w http.ResponseWriter, r *http.Request) {
	ns, name, ctr := r.PathValue("ns"), r.PathValue("pod"), r.PathValue("ctr")
	p := n.pod(ns, name)
	if p == nil {
		plainError(w, fmt.Sprintf("pod %q does not exist", name), http.StatusNotFound)
		return
	}
	c := p.containers[ctr]
	if c == nil {
		plainError(w, fmt.Sprintf("container %q not found in pod %q", ctr, name), http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	if q.Get("previous") == "true" {
		plainError(w, fmt.Sprintf("previous terminated container %q in pod %q not found", ctr, name), http.StatusBadRequest)
		return
	}
	if c.spec.Waiting != "" {
		plainError(w, fmt.Sprintf("container %q in pod %q is waiting to start: %s", ctr, name, c.spec.Waiting), http.StatusBadRequest)
		return
	}
	opts := &logs.LogOptions{Follow: q.Get("follow") == "true", Timestamp: q.Get("timestamps") == "true"}
	if v := q.Get("tailLines"); v != "" {
		t, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			plainError(w, "bad tailLines", http.StatusBadRequest)
			return
		}
		opts.TailLines = &t
	}
	if v := q.Get("limitBytes"); v != "" {
		l, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			plainError(w, "bad limitBytes", http.StatusBadRequest)
			return
		}
		opts.LimitBytes = &l
	}
	now := time.Now()
	if v := q.Get("sinceSeconds"); v != "" {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			plainError(w, "bad sinceSeconds", http.StatusBadRequest)
			return
		}
		opts.Since = now.Add(-time.Duration(s) * time.Second)
	}
	if v := q.Get("sinceTime"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			plainError(w, "bad sinceTime", http.StatusBadRequest)
			return
		}
		if t.After(opts.Since) {
			opts.Since = t
		}
	}
	fw := &flushWriter{w: w}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Transfer-Encoding", "chunked")
	if err := logs.ReadLogs(r.Context(), c.logPath, c.id, opts, statusOnly{c: c}, fw, fw); err != nil {
		log.Printf("kubeletstandin: logs of %s: %v", c.id, err)
	}
}

// flushWriter flushes after every write, as the kubelet's log route does.
type flushWriter struct {
	mu sync.Mutex
	w  http.ResponseWriter
}

func (f *flushWriter) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.w.Write(b)
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
	return n, err
}

// statusOnly is the runtime service the log reader asks whether a followed
// container still runs; it implements nothing else.
type statusOnly struct {
	internalapi.RuntimeService
	c *container
}

func (s statusOnly) ContainerStatus(context.Context, string, bool) (*runtimeapi.ContainerStatusResponse, error) {
	state := runtimeapi.ContainerState_CONTAINER_EXITED
	if s.c.isRunning() {
		state = runtimeapi.ContainerState_CONTAINER_RUNNING
	}
	return &runtimeapi.ContainerStatusResponse{Status: &runtimeapi.ContainerStatus{Id: s.c.id, State: state, LogPath: s.c.logPath}}, nil
}
