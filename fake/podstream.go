package fake

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// ExecHandler serves one exec or attach into a container of the fake
// server, as the container runtime would. It returns nil when the command
// succeeded, an ExitCode for a non-zero exit, or another error, which the
// client receives as the kubelet reports it ("error executing command in
// container: ..."). ctx ends when the client goes away.
type ExecHandler func(ctx context.Context, s ExecStreams) error

// ExecStreams is one exec or attach as its handler sees it.
type ExecStreams struct {
	// Namespace, Pod and Container name the target (Container resolved
	// as the API server does when the request named none).
	Namespace, Pod, Container string
	// Command is the command to run; empty for attach.
	Command []string
	// Stdin is the client's input, nil unless it asked for stdin. It
	// reaches EOF when the client closes stdin (v5.channel.k8s.io) or goes
	// away.
	Stdin io.Reader
	// Stdout and Stderr go to the client; nil unless it asked for them
	// (with a TTY, Stderr is nil).
	Stdout, Stderr io.Writer
	// TTY is whether the client asked for a terminal.
	TTY bool
	// Resize delivers the client's terminal sizes; it is closed when the
	// session ends.
	Resize <-chan TerminalSize
}

// TerminalSize is a client terminal's size in characters.
type TerminalSize struct {
	Width, Height uint16
}

// ExitCode is the error an ExecHandler returns for a command that exited
// with a non-zero code; the client gets it as the exit code.
type ExitCode int

// Error returns "command terminated with non-zero exit code: exit status N".
func (c ExitCode) Error() string { return "exit status " + strconv.Itoa(int(c)) }

// PortHandler serves one forwarded connection to a port of a pod: conn
// carries what the client sends and receives. Returning closes the
// connection; a non-nil error reaches the client on the error channel, as a
// runtime's failure to connect does.
type PortHandler func(ctx context.Context, conn net.Conn) error

// podStreams holds the handlers tests registered.
type podStreams struct {
	mu     sync.Mutex
	exec   map[string]ExecHandler // "ns/pod/container"
	attach map[string]ExecHandler
	ports  map[string]PortHandler // "ns/pod/port"
	logs   map[string]*ContainerLog
	active map[io.Closer]struct{} // open WebSocket connections, closed by Close
}

// track adds an open connection, or removes it when done.
func (p *podStreams) track(c io.Closer, open bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.active == nil {
		p.active = map[io.Closer]struct{}{}
	}
	if open {
		p.active[c] = struct{}{}
	} else {
		delete(p.active, c)
	}
}

// closeAll ends every open exec, attach and port-forward connection.
func (p *podStreams) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.active {
		_ = c.Close()
	}
}

func streamKey(parts ...string) string { return strings.Join(parts, "/") }

// HandleExec registers h for exec into container of pod namespace/name.
// Without a handler, exec answers as a real server does for a pod whose
// container is not running. A later call replaces h.
func (s *Server) HandleExec(namespace, pod, container string, h ExecHandler) {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	if s.streams.exec == nil {
		s.streams.exec = map[string]ExecHandler{}
	}
	s.streams.exec[streamKey(namespace, pod, container)] = h
}

// HandleAttach registers h for attach to container of pod namespace/name;
// see HandleExec.
func (s *Server) HandleAttach(namespace, pod, container string, h ExecHandler) {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	if s.streams.attach == nil {
		s.streams.attach = map[string]ExecHandler{}
	}
	s.streams.attach[streamKey(namespace, pod, container)] = h
}

// HandlePortForward registers h for connections forwarded to port of pod
// namespace/name. Without a handler, a forwarded connection fails on the
// error channel with "connection refused", as a port nothing listens on.
func (s *Server) HandlePortForward(namespace, pod string, port uint16, h PortHandler) {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	if s.streams.ports == nil {
		s.streams.ports = map[string]PortHandler{}
	}
	s.streams.ports[streamKey(namespace, pod, strconv.Itoa(int(port)))] = h
}

func (s *Server) execHandler(sub, ns, pod, container string) ExecHandler {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	if sub == "attach" {
		return s.streams.attach[streamKey(ns, pod, container)]
	}
	return s.streams.exec[streamKey(ns, pod, container)]
}

func (s *Server) portHandler(ns, pod string, port uint16) PortHandler {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	return s.streams.ports[streamKey(ns, pod, strconv.Itoa(int(port)))]
}

// servePodStream answers the exec, attach, portforward and log
// subresources of a pod.
func (s *Server) servePodStream(rq *request) error {
	if rq.sub != "log" {
		if rq.verb != "get" && rq.verb != "create" {
			return errMethodNotAllowed()
		}
		// kube-apiserver 1.35 and later also require create on a
		// WebSocket upgrade, whose GET was authorized as get; that
		// refusal carries no reason and comes before the pod is looked
		// up.
		if rq.user != nil && rq.verb == "get" && !rq.user.allowed("create", "", "pods/"+rq.sub, rq.ns) {
			return errForbidden(rq.ri.Group, rq.ri.Resource, rq.name, "")
		}
	}
	pod := s.st.get(rq.ri.storageKey(), rq.ns, rq.name)
	if pod == nil {
		return errNotFound(rq.ri.Group, rq.ri.Resource, rq.name)
	}
	if rq.sub == "log" {
		if rq.verb != "get" {
			return errMethodNotAllowed()
		}
		return s.serveLog(rq, pod)
	}
	if !isUpgrade(rq.r) {
		return errBadRequest("Upgrade request required")
	}
	if rq.sub == "portforward" {
		return s.servePortForward(rq, pod)
	}
	container, err := resolveContainer(pod, rq.name, rq.q.Get("container"))
	if err != nil {
		return err
	}
	h := s.execHandler(rq.sub, rq.ns, rq.name, container)
	return s.serveExec(rq, container, h)
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
}

// resolveContainer picks the container as the API server does: the named
// one must exist; with none named, the pod's only container.
func resolveContainer(pod obj, podName, name string) (string, error) {
	names := containerNames(pod)
	if name == "" {
		regular := containerList(pod, "containers")
		switch len(regular) {
		case 1:
			return regular[0], nil
		case 0:
			return "", errBadRequest(fmt.Sprintf("a container name must be specified for pod %s", podName))
		default:
			return "", errBadRequest(fmt.Sprintf("a container name must be specified for pod %s, choose one of: %s", podName, names))
		}
	}
	for _, n := range names {
		if n == name {
			return name, nil
		}
	}
	return "", errBadRequest(fmt.Sprintf("container %s is not valid for pod %s", name, podName))
}

// containerNames lists init, regular and ephemeral containers, in that
// order.
func containerNames(pod obj) []string {
	var names []string
	for _, field := range []string{"initContainers", "containers", "ephemeralContainers"} {
		names = append(names, containerList(pod, field)...)
	}
	return names
}

func containerList(pod obj, field string) []string {
	spec, _ := pod["spec"].(map[string]any)
	list, _ := spec[field].([]any)
	var names []string
	for _, c := range list {
		if m, ok := c.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				names = append(names, n)
			}
		}
	}
	return names
}

func podUID(pod obj) string {
	md, _ := pod["metadata"].(map[string]any)
	uid, _ := md["uid"].(string)
	return uid
}
