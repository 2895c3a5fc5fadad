package fake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/kubewire/kubewire/config"
)

// Server is an in-memory Kubernetes API server listening on loopback. It
// is safe for concurrent use.
type Server struct {
	opts     options
	reg      *registry
	st       *store
	ln       net.Listener
	hs       *http.Server
	url      string
	caPEM    []byte
	adminTok string
	started  time.Time

	mu       sync.Mutex
	faults   []*faultEntry
	requests []*Request
	closed   bool
	done     chan struct{}
	nsWork   sync.WaitGroup
	streams  podStreams // exec, attach, port-forward and log handlers
	gc       *gcState   // nil WithoutGarbageCollector
	ctrl     *ctrlState // nil unless WithControllers
}

// Option configures a Server.
type Option func(*options) error

type options struct {
	addr         string
	tls          bool
	history      int
	bookmark     time.Duration
	users        []user
	seeds        []any
	version      string
	noNamespaces bool
	noBootstrap  bool
	versions     enabledVersions
	noGC         bool
	controllers  bool
	podRunTime   time.Duration
	serviceCIDR  netip.Prefix
	keepUnknown  bool
}

// WithTLS serves HTTPS with a certificate signed by a CA generated for the
// server; Config carries the CA.
func WithTLS() Option {
	return func(o *options) error { o.tls = true; return nil }
}

// WithAddress listens on addr ("127.0.0.1:8080"). The default is a free
// port on 127.0.0.1.
func WithAddress(addr string) Option {
	return func(o *options) error {
		if addr == "" {
			return errors.New("fake: WithAddress: empty address")
		}
		o.addr = addr
		return nil
	}
}

// WithHistory keeps the last n changes for watches and reads at an older
// resourceVersion; older resourceVersions get 410 Gone (Expired). The
// default is 10000; n must be positive.
func WithHistory(n int) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("fake: WithHistory: %d is not positive", n)
		}
		o.history = n
		return nil
	}
}

// WithBookmarkInterval sets how often a watch that allows bookmarks gets a
// BOOKMARK event. The default is one second.
func WithBookmarkInterval(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("fake: WithBookmarkInterval: %v is not positive", d)
		}
		o.bookmark = d
		return nil
	}
}

// WithObjects seeds the server. Each argument is a JSON or YAML document as
// []byte or string (YAML may hold several documents, and a List kind is
// expanded), or a map[string]any. Namespaces that seeded objects name are
// created when missing.
func WithObjects(objs ...any) Option {
	return func(o *options) error { o.seeds = append(o.seeds, objs...); return nil }
}

// WithVersion sets the gitVersion /version reports (default "v1.37.2").
func WithVersion(v string) Option {
	return func(o *options) error { o.version = v; return nil }
}

// WithoutDefaultNamespaces starts with no namespaces instead of default,
// kube-system, kube-public and kube-node-lease, and so without the objects
// kube-apiserver creates in them (the `kubernetes` Service, kube-system's
// roles, ...); the cluster-scoped ones are there unless
// WithoutBootstrapObjects.
func WithoutDefaultNamespaces() Option {
	return func(o *options) error { o.noNamespaces = true; return nil }
}

// WithoutBootstrapObjects starts with none of the objects kube-apiserver
// creates by itself when it starts (the `kubernetes` Service, the
// bootstrap RBAC policy, the system PriorityClasses, the API Priority and
// Fairness configuration, the local APIServices, ...) but the four
// namespaces, for tests that count the objects of a kind. By default the
// server holds them all, as a fresh kube-apiserver v1.37.2 does.
func WithoutBootstrapObjects() Option {
	return func(o *options) error { o.noBootstrap = true; return nil }
}

// WithServiceCIDR sets the range services' cluster IPs are allocated from,
// as kube-apiserver's --service-cluster-ip-range does ("10.0.0.0/24"). The
// default is kube-apiserver's, 10.96.0.0/12. A range must leave at least
// one address for services.
func WithServiceCIDR(cidr string) Option {
	return func(o *options) error {
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return fmt.Errorf("fake: WithServiceCIDR: %w", err)
		}
		if p.Addr().BitLen()-p.Bits() < 2 {
			return fmt.Errorf("fake: WithServiceCIDR: %s is too small", cidr)
		}
		o.serviceCIDR = p.Masked()
		return nil
	}
}

// WithUnknownFields keeps the fields of built-in kinds that Kubernetes
// 1.37's types do not declare, as a server newer than the client's types
// would, for tests of code that must not lose them. By default they are
// dropped (and reported per fieldValidation) as kube-apiserver v1.37.2 does.
func WithUnknownFields() Option {
	return func(o *options) error { o.keepUnknown = true; return nil }
}

// NewServer starts a Server for a test and stops it in t.Cleanup. It fails
// the test when the server cannot start.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("fake.NewServer: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server; the caller must Close it.
func Start(opts ...Option) (*Server, error) {
	o := options{addr: "127.0.0.1:0", history: 10000, bookmark: time.Second, version: "v1.37.2",
		serviceCIDR: netip.MustParsePrefix("10.96.0.0/12")}
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("fake: nil Option")
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	s := &Server{opts: o, reg: newRegistry(&o.versions), st: newStore(o.history), started: time.Now(), done: make(chan struct{})}
	s.st.onRemove = s.removed
	if len(o.users) > 0 {
		s.adminTok = randomToken()
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("fake: listen: %w", err)
	}
	s.ln = ln
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if o.tls {
		tc, ca, err := selfSigned()
		if err != nil {
			ln.Close()
			return nil, err
		}
		s.caPEM = ca
		s.hs.TLSConfig = tc
		scheme = "https"
	}
	// What kube-apiserver creates at start (bootstrap.go) names the
	// server's port and CA, so it comes after the listener.
	if err := s.bootstrap(ln); err != nil {
		ln.Close()
		return nil, err
	}
	if err := s.Seed(o.seeds...); err != nil {
		ln.Close()
		return nil, err
	}
	if o.tls {
		go s.hs.ServeTLS(ln, "", "")
	} else {
		go s.hs.Serve(ln)
	}
	s.url = scheme + "://" + ln.Addr().String()
	s.startControllers()
	return s, nil
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// URL returns the server's base URL ("https://127.0.0.1:PORT").
func (s *Server) URL() string { return s.url }

// Config returns a config for the server: its URL, its CA when serving
// HTTPS, and an administrator's token when authentication is on. Each call
// returns a new Config.
func (s *Server) Config() *config.Config {
	c := &config.Config{Server: s.url, Namespace: "default"}
	if s.caPEM != nil {
		c.TLS.CAData = append([]byte(nil), s.caPEM...)
	}
	if s.adminTok != "" {
		c.Auth.Token = config.Secret(s.adminTok)
	}
	return c
}

// ConfigFor returns a config that authenticates as the named user of
// WithUser, or nil when there is no such user.
func (s *Server) ConfigFor(name string) *config.Config {
	for _, u := range s.opts.users {
		if u.name == name {
			c := s.Config()
			c.Auth.Token = config.Secret(u.token)
			return c
		}
	}
	return nil
}

// CAData returns the PEM CA certificate that signed the serving
// certificate, or nil for plain HTTP.
func (s *Server) CAData() []byte { return append([]byte(nil), s.caPEM...) }

// Close stops the server, ending open watches. It is safe to call more
// than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.streams.closeAll() // hijacked connections outlive Shutdown
	if err := s.hs.Shutdown(ctx); err != nil {
		s.hs.Close()
	}
	s.nsWork.Wait()
}
