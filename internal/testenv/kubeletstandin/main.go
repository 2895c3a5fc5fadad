// Command kubeletstandin answers the kubelet's streaming routes for
// kubewire's integration tests: exec, attach, port-forward and container
// logs, served by Kubernetes' own kubelet streaming code
// (k8s.io/cri-streaming for the remote command and port-forward protocols,
// SPDY and WebSocket; k8s.io/cri-client/pkg/logs for the CRI log reader)
// for processes it runs on this machine.
//
// It is a module of its own, so nothing of it enters kubewire's build; CI
// builds it once (.ci/build-kubelet.sh) and the harness (internal/testenv)
// starts it, registers a Node whose kubelet endpoint it is, and tells it
// which containers a pod has through POST /standin/pods.
//
// A container is a process started with "sh -c COMMAND" in its own
// directory; its output goes to a CRI-format log file (read by the logs
// route) and to attached clients; exec runs the command on this machine
// (with a pty for tty=1); port P of every pod is 127.0.0.1:P.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/portforward"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (https)")
	dir := flag.String("dir", "", "state directory: container working directories and log files")
	readyFile := flag.String("ready-file", "", "file the listening address is written to once serving")
	echo := flag.String("echo", "", "instead of a kubelet, serve an echo page over HTTP on the first address and HTTPS on the second (HOST:PORT,HOST:PORT): a container for proxy tests")
	flag.Parse()
	if *echo != "" {
		log.Fatal(serveEcho(*echo))
	}
	if *dir == "" {
		log.Fatal("kubeletstandin: -dir is required")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	cert, err := selfSigned()
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	n := newNode(*dir)
	srv := &http.Server{
		Handler:   n.routes(),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}},
		ErrorLog:  log.New(os.Stderr, "kubeletstandin: http: ", 0),
	}
	if *readyFile != "" {
		tmp := *readyFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(ln.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *readyFile); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("kubeletstandin: serving on %s", ln.Addr())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		n.stopAll()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		os.Exit(0)
	}()
	if err := srv.ServeTLS(ln, "", ""); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// serveEcho answers every request with its method, path and query, over
// HTTP on the first address and HTTPS on the second.
func serveEcho(addrs string) error {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		fmt.Fprintf(w, "echo %s %s %s\n", scheme, r.Method, r.URL.RequestURI())
	})
	plain, secure, _ := strings.Cut(addrs, ",")
	errc := make(chan error, 2)
	go func() { errc <- http.ListenAndServe(plain, h) }()
	if secure != "" {
		cert, err := selfSigned()
		if err != nil {
			return err
		}
		srv := &http.Server{Addr: secure, Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
		go func() { errc <- srv.ListenAndServeTLS("", "") }()
	}
	return <-errc
}

// selfSigned makes the serving certificate: the API server does not verify
// a kubelet's certificate unless --kubelet-certificate-authority is set.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kubelet-standin"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// Timeouts the kubelet uses by default.
const (
	streamIdleTimeout     = 4 * time.Hour
	streamCreationTimeout = remotecommand.DefaultStreamCreationTimeout
)

func (n *node) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("POST /standin/pods", n.registerPod)
	mux.HandleFunc("/exec/{ns}/{pod}/{ctr}", n.serveExec)
	mux.HandleFunc("/exec/{ns}/{pod}/{uid}/{ctr}", n.serveExec)
	mux.HandleFunc("/attach/{ns}/{pod}/{ctr}", n.serveAttach)
	mux.HandleFunc("/attach/{ns}/{pod}/{uid}/{ctr}", n.serveAttach)
	mux.HandleFunc("/portForward/{ns}/{pod}", n.servePortForward)
	mux.HandleFunc("/portForward/{ns}/{pod}/{uid}", n.servePortForward)
	mux.HandleFunc("GET /containerLogs/{ns}/{pod}/{ctr}", n.serveLogs)
	return logRequests(mux)
}

func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Printf("kubeletstandin: %s %s (upgrade %q, protocols %q %q)", r.Method, r.URL.RequestURI(),
			r.Header.Get("Upgrade"), r.Header.Values("Sec-Websocket-Protocol"), r.Header.Values("X-Stream-Protocol-Version"))
		h.ServeHTTP(w, r)
	})
}

// PodSpec is the body of POST /standin/pods: a pod and its containers.
type PodSpec struct {
	Namespace  string          `json:"namespace"`
	Name       string          `json:"name"`
	UID        string          `json:"uid"`
	Containers []ContainerSpec `json:"containers"`
}

// ContainerSpec is one container: Command is run with sh -c unless Waiting
// names the reason it has not started.
type ContainerSpec struct {
	Name    string `json:"name"`
	Command string `json:"command"`
	TTY     bool   `json:"tty"`
	Waiting string `json:"waiting"`
}

func (n *node) registerPod(w http.ResponseWriter, r *http.Request) {
	var spec PodSpec
	if err := json.NewDecoder(r.Body).Decode(&spec); err != nil {
		plainError(w, err.Error(), http.StatusBadRequest)
		return
	}
	if spec.Namespace == "" || spec.Name == "" || len(spec.Containers) == 0 {
		http.Error(w, "namespace, name and containers are required", http.StatusBadRequest)
		return
	}
	if err := n.addPod(spec); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (n *node) serveExec(w http.ResponseWriter, r *http.Request) {
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		plainError(w, err.Error(), http.StatusBadRequest)
		return
	}
	p, c, status, err := n.lookup(r.PathValue("ns"), r.PathValue("pod"), r.PathValue("ctr"))
	if err != nil {
		plainError(w, err.Error(), status)
		return
	}
	remotecommand.ServeExec(w, r, &executor{n: n, c: c}, p.Name, p.UID, c.spec.Name, r.URL.Query()["command"], opts,
		streamIdleTimeout, streamCreationTimeout, remotecommand.SupportedStreamingProtocols)
}

func (n *node) serveAttach(w http.ResponseWriter, r *http.Request) {
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		plainError(w, err.Error(), http.StatusBadRequest)
		return
	}
	p, c, status, err := n.lookup(r.PathValue("ns"), r.PathValue("pod"), r.PathValue("ctr"))
	if err != nil {
		plainError(w, err.Error(), status)
		return
	}
	remotecommand.ServeAttach(w, r, &executor{n: n, c: c}, p.Name, p.UID, c.spec.Name, opts,
		streamIdleTimeout, streamCreationTimeout, remotecommand.SupportedStreamingProtocols)
}

func (n *node) servePortForward(w http.ResponseWriter, r *http.Request) {
	var opts *portforward.V4Options
	if isWebSocket(r) {
		var err error
		if opts, err = portforward.NewV4Options(r); err != nil {
			plainError(w, err.Error(), http.StatusBadRequest)
			return
		}
	} else {
		opts = &portforward.V4Options{}
	}
	p := n.pod(r.PathValue("ns"), r.PathValue("pod"))
	if p == nil {
		plainError(w, "pod does not exist", http.StatusNotFound)
		return
	}
	if uid := r.PathValue("uid"); uid != "" && uid != p.UID {
		plainError(w, "pod not found", http.StatusNotFound)
		return
	}
	portforward.ServePortForward(w, r, forwarder{}, p.Name, p.UID, opts,
		streamIdleTimeout, streamCreationTimeout, portforward.SupportedProtocols)
}

// plainError answers as the kubelet does: the text, no newline.
func plainError(w http.ResponseWriter, msg string, code int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, msg)
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
}

// forwarder connects a stream to 127.0.0.1:PORT.
type forwarder struct{}

func (forwarder) PortForward(ctx context.Context, pod, uid string, port int32, stream io.ReadWriteCloser) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		// A container runtime's words for a port nothing listens on.
		return fmt.Errorf("failed to connect to localhost:%d inside namespace of pod %q: %w", port, pod, err)
	}
	defer conn.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(conn, stream)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	_, err = io.Copy(stream, conn)
	_ = stream.Close()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
	if err != nil && !isClosed(err) {
		return err
	}
	return nil
}

func isClosed(err error) bool {
	s := err.Error()
	return strings.Contains(s, "use of closed") || strings.Contains(s, "broken pipe") ||
		strings.Contains(s, "connection reset")
}

func containerDir(root, ns, pod, ctr string) string {
	return filepath.Join(root, ns, pod, ctr)
}
