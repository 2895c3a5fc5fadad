package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/codec"
)

// ExecCredential API versions a plugin may speak.
const (
	execAPIVersionV1      = "client.authentication.k8s.io/v1"
	execAPIVersionV1beta1 = "client.authentication.k8s.io/v1beta1"
)

// Exec interactive modes.
const (
	interactiveNever       = "Never"
	interactiveIfAvailable = "IfAvailable"
	interactiveAlways      = "Always"
)

// defaultExecTimeout bounds a non-interactive plugin run when Exec.Timeout
// is zero.
const defaultExecTimeout = time.Minute

// ExecError is the public type for an exec plugin that failed.
type ExecError = config.ExecError

// maxExecStderr caps ExecError.Stderr.
const maxExecStderr = 4 << 10

// execCredential is one credential obtained from the plugin.
type execCredential struct {
	token  sealed
	cert   *tls.Certificate
	expiry time.Time // zero: valid until a 401
}

func (c *execCredential) String() string {
	return fmt.Sprintf("transport.execCredential{token: %s, clientCert: %t, expiry: %s}",
		c.token, c.cert != nil, c.expiry.Format(time.RFC3339))
}
func (c *execCredential) GoString() string           { return c.String() }
func (c *execCredential) Format(f fmt.State, v rune) { formatRedacted(f, v, c.String()) }

func (c *execCredential) expired(now time.Time) bool {
	return !c.expiry.IsZero() && !now.Before(c.expiry)
}

// execAuth runs the plugin, caches its credential until it expires or the
// server rejects it, and lets many concurrent callers share one run.
type execAuth struct {
	command     string
	args        []string
	apiVersion  string
	installHint string
	mode        string        // one of the interactive* constants
	timeout     time.Duration // for non-interactive runs
	// secret is the plugin's extra environment, kept behind a pointer (see
	// sealed).
	secret *execSecrets
	// cluster is passed in KUBERNETES_EXEC_INFO; nil unless
	// ProvideClusterInfo.
	cluster *execCluster
	logger  *slog.Logger

	// Hooks, replaced in tests.
	now        func() time.Time
	stdin      *os.File
	isTerminal func(*os.File) bool
	// onCertChange is called after a run returns a client certificate that
	// differs from the one it replaces (set by newHTTPTransport).
	onCertChange func()

	mu     sync.Mutex
	cached *execCredential
	flight *execCall // the run in progress, if any
	// lastCert is the client certificate of the latest successful run; it
	// outlives the cached credential's invalidation.
	lastCert *tls.Certificate
}

// execSecrets is the part of the plugin invocation that is secret.
type execSecrets struct {
	// env is the extra environment, NAME=VALUE.
	env []string
	// scrub are the env values removed from the plugin's stderr.
	scrub []string
}

func (s *execSecrets) String() string             { return "transport.execSecrets{REDACTED}" }
func (s *execSecrets) GoString() string           { return s.String() }
func (s *execSecrets) Format(f fmt.State, v rune) { formatRedacted(f, v, s.String()) }

// execCall is one plugin run that callers wait on.
type execCall struct {
	done chan struct{}
	cred *execCredential
	err  error
}

func (a *execAuth) String() string {
	return fmt.Sprintf("transport.execAuth{command: %q, apiVersion: %q, env: %s}",
		a.command, a.apiVersion, redactedIf(len(a.secret.env) > 0))
}
func (a *execAuth) GoString() string           { return a.String() }
func (a *execAuth) Format(f fmt.State, v rune) { formatRedacted(f, v, a.String()) }

// newExecAuth checks cfg.Auth.Exec and prepares the plugin invocation.
// caPEM is the trusted CA bundle passed in the cluster info.
func newExecAuth(cfg *config.Config, caPEM []byte, logger *slog.Logger) (*execAuth, error) {
	e := cfg.Auth.Exec
	if e.Command == "" {
		return nil, &ConfigError{Field: "Auth.Exec.Command", Err: errString("not set")}
	}
	switch e.APIVersion {
	case execAPIVersionV1, execAPIVersionV1beta1:
	default:
		return nil, &ConfigError{Field: "Auth.Exec.APIVersion", Err: fmt.Errorf("%q is not %s or %s", e.APIVersion, execAPIVersionV1, execAPIVersionV1beta1)}
	}
	mode := e.InteractiveMode
	switch mode {
	case "":
		mode = interactiveIfAvailable
	case interactiveNever, interactiveIfAvailable, interactiveAlways:
	default:
		return nil, &ConfigError{Field: "Auth.Exec.InteractiveMode", Err: fmt.Errorf("%q is not Never, IfAvailable or Always", mode)}
	}
	if e.Timeout < 0 {
		return nil, &ConfigError{Field: "Auth.Exec.Timeout", Err: fmt.Errorf("negative duration %v", e.Timeout)}
	}
	a := &execAuth{
		command:     e.Command,
		args:        append([]string(nil), e.Args...),
		apiVersion:  e.APIVersion,
		installHint: e.InstallHint,
		mode:        mode,
		timeout:     e.Timeout,
		logger:      logger,
		now:         time.Now,
		stdin:       os.Stdin,
		isTerminal:  isTerminal,
		secret:      &execSecrets{},
	}
	if a.timeout == 0 {
		a.timeout = defaultExecTimeout
	}
	for _, v := range e.Env {
		if v.Name == "" {
			return nil, &ConfigError{Field: "Auth.Exec.Env", Err: errString("variable with an empty name")}
		}
		a.secret.env = append(a.secret.env, v.Name+"="+v.Value.Reveal())
		if len(v.Value) >= minScrubLen {
			a.secret.scrub = append(a.secret.scrub, v.Value.Reveal())
		}
	}
	if e.ProvideClusterInfo {
		if len(e.Config) > 0 && !codec.API.Valid(e.Config) {
			return nil, &ConfigError{Field: "Auth.Exec.Config", Err: errString("not valid JSON")}
		}
		a.cluster = &execCluster{
			Server:                   cfg.Server,
			TLSServerName:            cfg.TLS.ServerName,
			InsecureSkipTLSVerify:    cfg.TLS.Insecure,
			CertificateAuthorityData: caPEM,
			ProxyURL:                 cfg.ProxyURL,
			DisableCompression:       cfg.DisableCompression,
			Config:                   json.RawMessage(bytes.Clone(e.Config)),
		}
	}
	return a, nil
}

// credential returns the cached credential, or waits for a plugin run
// (starting one if none is in progress). The run itself is not bound to
// ctx, so one caller giving up does not fail the others; the caller stops
// waiting when ctx is done.
func (a *execAuth) credential(ctx context.Context) (*execCredential, error) {
	a.mu.Lock()
	if c := a.cached; c != nil && !c.expired(a.now()) {
		a.mu.Unlock()
		return c, nil
	}
	call := a.flight
	if call == nil {
		call = &execCall{done: make(chan struct{})}
		a.flight = call
		go a.runCall(call)
	}
	a.mu.Unlock()

	select {
	case <-call.done:
		return call.cred, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (a *execAuth) runCall(call *execCall) {
	start := a.now()
	cred, err := a.run()
	a.mu.Lock()
	oldCert := a.lastCert
	if err == nil {
		a.cached, a.lastCert = cred, cred.cert
	}
	a.flight = nil
	a.mu.Unlock()

	if err != nil {
		a.logger.Warn("transport: exec plugin failed", "command", a.command, "error", err)
	} else {
		a.logger.Debug("transport: exec plugin ran", "command", a.command,
			"duration", a.now().Sub(start), "expiry", cred.expiry,
			"token", cred.token.p != nil, "clientCertificate", cred.cert != nil)
		// Connections made with the old certificate keep authenticating
		// as it: close them before any waiter sends a request.
		if oldCert != nil && !sameCert(oldCert, cred.cert) && a.onCertChange != nil {
			a.onCertChange()
		}
	}
	call.cred, call.err = cred, err
	close(call.done)
}

func sameCert(a, b *tls.Certificate) bool {
	if a == nil || b == nil {
		return a == b
	}
	return len(a.Certificate) > 0 && len(b.Certificate) > 0 && bytes.Equal(a.Certificate[0], b.Certificate[0])
}

// invalidate drops used from the cache, so the next request runs the
// plugin again. It does nothing when a newer credential is already cached.
func (a *execAuth) invalidate(used *execCredential) {
	a.mu.Lock()
	if a.cached == used {
		a.cached = nil
	}
	a.mu.Unlock()
}

// clientCertificate is the tls.Config.GetClientCertificate hook: the
// plugin's certificate when it returns one, else the static one from the
// config, else none.
func (a *execAuth) clientCertificate(info *tls.CertificateRequestInfo, static *tls.Certificate) (*tls.Certificate, error) {
	cred, err := a.credential(info.Context())
	if err != nil {
		return nil, err
	}
	switch {
	case cred.cert != nil:
		return cred.cert, nil
	case static != nil:
		return static, nil
	default:
		return &tls.Certificate{}, nil
	}
}

// execRoundTripper sends the plugin's token as a bearer token (its client
// certificate goes in the TLS handshake) and drops the credential after a
// 401 response.
type execRoundTripper struct {
	next http.RoundTripper
	auth *execAuth
}

func (rt *execRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return rt.next.RoundTrip(req)
	}
	cred, err := rt.auth.credential(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	r := req
	if tok := cred.token.reveal(); tok != "" {
		r = req.Clone(req.Context())
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := rt.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		rt.auth.logger.Debug("transport: exec credential rejected, will run the plugin again", "command", rt.auth.command)
		rt.auth.invalidate(cred)
	}
	return resp, err
}

func (rt *execRoundTripper) CloseIdleConnections() { closeIdle(rt.next) }
func (rt *execRoundTripper) String() string {
	return fmt.Sprintf("transport.Exec{command: %q, credential: REDACTED}", rt.auth.command)
}
func (rt *execRoundTripper) GoString() string           { return rt.String() }
func (rt *execRoundTripper) Format(f fmt.State, v rune) { formatRedacted(f, v, rt.String()) }
