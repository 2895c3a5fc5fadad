// Package testenv runs a real etcd and kube-apiserver on loopback for
// kubewire's integration tests.
//
// Start generates a throwaway PKI (CA, serving certificate, admin client
// certificate, service-account keys) and a static token file, starts etcd and
// kube-apiserver with RBAC on, waits for /readyz, and then does the work of
// the controller manager that is not running: it creates the default service
// account in the default namespace and fills in the aggregated ClusterRoles
// view, edit and admin. It writes one kubeconfig per Identity.
//
// A test package shares one server: its TestMain calls Main, and each test
// calls Shared. The harness talks to the server with net/http and
// encoding/json only, so it does not depend on the kubewire packages it
// tests.
//
// The binaries are not built here: see FindBinaries and .ci/build-apiserver.sh.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Identity names one of the credentials the environment provides.
type Identity string

// The identities Kubeconfig writes a file for.
const (
	// IdentityAdminToken is a bearer token for user "admin" in group
	// system:masters (cluster-admin).
	IdentityAdminToken Identity = "admin-token"
	// IdentityAdminCert is a client certificate with O=system:masters
	// (cluster-admin), given as file paths in the kubeconfig.
	IdentityAdminCert Identity = "admin-cert"
	// IdentityJane is a bearer token for user "jane", who has no role
	// bindings: every request beyond discovery is Forbidden.
	IdentityJane Identity = "jane"
)

// User names in the static token file.
const (
	AdminUser = "admin"
	JaneUser  = "jane"
)

// Identities lists every Identity.
var Identities = []Identity{IdentityAdminToken, IdentityAdminCert, IdentityJane}

// ReadyTimeout bounds the wait for etcd and the API server to become ready.
const ReadyTimeout = 60 * time.Second

// Env is one running etcd and kube-apiserver. Its fields are read-only.
type Env struct {
	// Server is the API server's URL, https://127.0.0.1:PORT.
	Server string
	// Dir holds the certificates, kubeconfigs, logs and etcd data. Stop
	// removes it unless $KUBEWIRE_TESTENV_KEEP is set.
	Dir string
	// CAFile is the PEM file of the CA that signed the serving and client
	// certificates; CAPEM is its contents.
	CAFile string
	CAPEM  []byte
	// ClientCertFile and ClientKeyFile are the admin client certificate
	// (O=system:masters) and its key.
	ClientCertFile string
	ClientKeyFile  string
	// AdminToken is the bearer token of user "admin" (system:masters);
	// JaneToken that of the unprivileged user "jane".
	AdminToken string
	JaneToken  string
	// APIServerLog and EtcdLog are the files the two processes' stdout
	// and stderr go to.
	APIServerLog string
	EtcdLog      string
	// Binaries are the programs that were started.
	Binaries Binaries

	etcd, apiserver *process
	apiserverArgs   []string
	restarts        int
	httpClient      *http.Client
	kubeconfigs     map[Identity]string
	stopOnce        sync.Once
	keepDir         bool
	nodeMu          sync.Mutex
	node            *Node // the kubelet stand-in, once Node started it
	netnsNode       *Node // the one in a network namespace, once NetnsNode started it
}

// StartOption changes how Start starts the environment. With none, Start
// starts the default environment Shared uses.
type StartOption func(*startOptions)

type startOptions struct {
	apiserverArgs []string
}

// WithAPIServerArgs adds flags to kube-apiserver's command line, after the
// default ones (for example the --oidc-* flags of a test of OIDC
// authentication). A test that needs them starts an Env of its own.
func WithAPIServerArgs(args ...string) StartOption {
	return func(o *startOptions) { o.apiserverArgs = append(o.apiserverArgs, args...) }
}

// Start starts etcd and kube-apiserver and returns once the server is ready
// and bootstrapped (see the package doc). A start that fails because a port
// was taken is retried with new ports. On error nothing is left running;
// the directory with the logs is kept and named in the error. ctx bounds the
// whole start; each server also has ReadyTimeout to become ready.
func Start(ctx context.Context, opts ...StartOption) (*Env, error) {
	var so startOptions
	for _, o := range opts {
		o(&so)
	}
	bins, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	const attempts = 3
	for i := 1; ; i++ {
		env, err := start(ctx, bins, so)
		if err == nil {
			return env, nil
		}
		if !errors.Is(err, errPortInUse) || i == attempts || ctx.Err() != nil {
			return nil, err
		}
	}
}

func start(ctx context.Context, bins Binaries, so startOptions) (_ *Env, err error) {
	sweepStale()
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	if err := writeFile(filepath.Join(dir, pidFile), []byte(strconv.Itoa(os.Getpid()))); err != nil {
		return nil, err
	}
	e := &Env{
		Dir:          dir,
		Binaries:     bins,
		APIServerLog: filepath.Join(dir, "kube-apiserver.log"),
		EtcdLog:      filepath.Join(dir, "etcd.log"),
		kubeconfigs:  map[Identity]string{},
		keepDir:      os.Getenv(EnvKeep) != "",
	}
	defer func() {
		if err != nil {
			e.stopProcesses()
			if errors.Is(err, errPortInUse) && !e.keepDir {
				_ = os.RemoveAll(dir) // retried with a fresh directory
			} else {
				keepLogs(dir)
				err = fmt.Errorf("testenv: %w (files kept in %s)", err, dir)
			}
		}
	}()

	p, err := newPKI(dir)
	if err != nil {
		return nil, err
	}
	e.CAFile, e.CAPEM = p.caFile, p.caPEM
	e.ClientCertFile, e.ClientKeyFile = p.clientCertFile, p.clntKey
	e.AdminToken, e.JaneToken = p.adminToken, p.janeToken
	if e.httpClient, err = adminHTTPClient(p.caPEM); err != nil {
		return nil, err
	}

	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	e.Server = "https://127.0.0.1:" + strconv.Itoa(ports[2])

	e.etcd, err = startProcess("etcd", bins.Etcd, []string{
		"--name", "default",
		"--data-dir", filepath.Join(dir, "etcd-data"),
		"--listen-client-urls", etcdURL,
		"--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL,
		"--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "default=" + peerURL,
		// A watch without a resourceVersion is served from the API
		// server's watch cache once the cache has caught up with etcd's
		// current revision; for a resource with no recent writes only
		// etcd's progress notifications advance it (kube-apiserver 1.32
		// does not ask etcd 3.4 for progress). At etcd's default of 10m
		// such a watch gets "Timeout: Too large resource version" after
		// 3s; at 1s it starts within a second.
		"--experimental-watch-progress-notify-interval", "1s",
	}, e.EtcdLog)
	if err != nil {
		return nil, err
	}
	if err := e.waitEtcd(ctx, etcdURL); err != nil {
		return nil, err
	}

	e.apiserverArgs = []string{
		"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1",
		"--advertise-address", "127.0.0.1",
		// v1.37 refuses a loopback advertise address with the default reconciler.
		"--endpoint-reconciler-type", "none",
		"--secure-port", strconv.Itoa(ports[2]),
		"--tls-cert-file", p.serverCertFile,
		"--tls-private-key-file", p.srvKey,
		"--client-ca-file", p.caFile,
		"--token-auth-file", p.tokensFile,
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", p.saPubFile,
		"--service-account-signing-key-file", p.saKeyFile,
		"--service-cluster-ip-range", "10.0.0.0/24",
		"--authorization-mode", "RBAC",
		"--allow-privileged=true",
		"--cert-dir", filepath.Join(dir, "apiserver-certs"),
	}
	e.apiserverArgs = append(e.apiserverArgs, so.apiserverArgs...)
	e.apiserver, err = startProcess("kube-apiserver", bins.APIServer, e.apiserverArgs, e.APIServerLog)
	if err != nil {
		return nil, err
	}
	if err := e.waitReady(ctx); err != nil {
		return nil, err
	}

	if err := e.bootstrap(ctx); err != nil {
		return nil, err
	}
	for _, id := range Identities {
		path, err := e.writeIdentityKubeconfig(id)
		if err != nil {
			return nil, err
		}
		e.kubeconfigs[id] = path
	}
	return e, nil
}

// RestartAPIServer stops kube-apiserver (SIGTERM, then SIGKILL after
// grace), starts it again on the same port with the same flags and data,
// and returns once it is ready. The previous run's log is kept as
// APIServerLog.N. A test that restarts the server needs an Env of its own
// (Start), not the Shared one.
func (e *Env) RestartAPIServer(ctx context.Context, grace time.Duration) error {
	e.apiserver.stop(grace)
	if e.httpClient != nil {
		e.httpClient.CloseIdleConnections()
	}
	e.restarts++
	if err := os.Rename(e.APIServerLog, fmt.Sprintf("%s.%d", e.APIServerLog, e.restarts)); err != nil {
		return fmt.Errorf("testenv: %w", err)
	}
	p, err := startProcess("kube-apiserver", e.Binaries.APIServer, e.apiserverArgs, e.APIServerLog)
	if err != nil {
		return fmt.Errorf("testenv: restart: %w", err)
	}
	e.apiserver = p
	if err := e.waitReady(ctx); err != nil {
		return fmt.Errorf("testenv: restart: %w", err)
	}
	return nil
}

// waitEtcd polls etcd's /health until it answers 200.
func (e *Env) waitEtcd(ctx context.Context, etcdURL string) error {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}
	return e.poll(ctx, e.etcd, "did not become healthy", func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, etcdURL+"/health", nil)
		if err != nil {
			return false
		}
		resp, err := c.Do(req)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// waitReady polls the API server's /readyz, as admin, until it answers 200.
func (e *Env) waitReady(ctx context.Context) error {
	return e.poll(ctx, e.apiserver, "did not become ready", func(ctx context.Context) bool {
		code, err := e.Do(ctx, http.MethodGet, "/readyz", nil, nil)
		return err == nil && code == http.StatusOK
	})
}

// poll calls ready every 100ms until it is true, the process exits, or
// ReadyTimeout or ctx ends.
func (e *Env) poll(ctx context.Context, p *process, what string, ready func(context.Context) bool) error {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if ready(ctx) {
			return nil
		}
		select {
		case <-p.done:
			return p.failure("exited before it was ready")
		case <-ctx.Done():
			return p.failure(what + " within " + ReadyTimeout.String())
		case <-tick.C:
		}
	}
}

// Kubeconfig returns the path of the kubeconfig file for id, with one
// cluster, user and current context. The server's CA is given inline
// (certificate-authority-data) for the token identities and as a file path
// for IdentityAdminCert, whose certificate and key are file paths too. It
// returns "" for an unknown identity.
func (e *Env) Kubeconfig(id Identity) string { return e.kubeconfigs[id] }

// Token returns the bearer token of id, or "" for IdentityAdminCert and
// unknown identities.
func (e *Env) Token(id Identity) string {
	switch id {
	case IdentityAdminToken:
		return e.AdminToken
	case IdentityJane:
		return e.JaneToken
	}
	return ""
}

// Stop stops kube-apiserver and etcd and removes Dir, unless
// $KUBEWIRE_TESTENV_KEEP is set or a process had died on its own (then the
// logs are kept and Stop says where on stderr). It is safe to call more than
// once and on a nil Env.
func (e *Env) Stop() {
	if e == nil {
		return
	}
	e.stopOnce.Do(func() {
		died := !e.Running()
		e.stopProcesses()
		switch {
		case died:
			keepLogs(e.Dir)
			fmt.Fprintf(os.Stderr, "testenv: a server process died during the tests; logs kept: %s, %s\n", e.APIServerLog, e.EtcdLog)
		case e.keepDir:
			_ = os.Remove(filepath.Join(e.Dir, pidFile))
		default:
			_ = os.RemoveAll(e.Dir)
		}
	})
}

func (e *Env) stopProcesses() {
	e.nodeMu.Lock()
	if e.node != nil {
		e.node.proc.stop(5 * time.Second)
	}
	if e.netnsNode != nil {
		e.netnsNode.proc.stop(5 * time.Second)
		e.netnsNode.netns.remove()
	}
	e.nodeMu.Unlock()
	e.apiserver.stop(10 * time.Second)
	e.etcd.stop(10 * time.Second)
	if e.httpClient != nil {
		e.httpClient.CloseIdleConnections()
	}
}

// Running reports whether both processes are still running.
func (e *Env) Running() bool {
	return e.apiserver != nil && e.etcd != nil && !e.apiserver.exited() && !e.etcd.exited()
}

const (
	dirPrefix = "kubewire-testenv-"
	// pidFile in an environment's directory holds the test binary's pid
	// while the environment runs; a directory without it was kept on
	// purpose.
	pidFile = "owner.pid"
)

// keepLogs keeps dir for its logs: it drops the etcd data and the pid file.
func keepLogs(dir string) {
	_ = os.RemoveAll(filepath.Join(dir, "etcd-data"))
	_ = os.Remove(filepath.Join(dir, pidFile))
}

// sweepStale removes the directories of environments whose test binary died
// without cleaning up (a panic or a -timeout): those whose pid file names a
// process that no longer exists.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(d, pidFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(d)
	}
}
