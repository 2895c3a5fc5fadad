// Package transport turns a config.Config into the http.RoundTripper every
// kubewire client sends its requests through: TLS 1.2 or later with
// verification on by default, HTTP/2 with connection health checks and an
// HTTP/1.1 fallback, proxies, and the authentication, impersonation and
// user-agent wrappers.
//
// Configuration problems come back from New as *ConfigError. Failures while
// obtaining credentials for a request come back from RoundTrip as
// *TokenFileError, *ExecError or *OIDCError. No error, log line or fmt verb ever shows a
// token, password, private key or exec plugin environment value.
package transport

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/kubewire/kubewire/config"
)

// Version is the kubewire version reported in the default User-Agent.
const Version = "v0.1.0"

// Defaults used for the zero value of the corresponding Options field.
const (
	// DefaultReadIdleTimeout is how long an HTTP/2 connection may receive
	// nothing before a health-check ping is sent.
	DefaultReadIdleTimeout = 30 * time.Second
	// DefaultPingTimeout is how long a health-check ping may go unanswered
	// before the connection is closed and its requests fail.
	DefaultPingTimeout = 15 * time.Second
	// DefaultResponseHeaderTimeout bounds the wait for response headers
	// after the request is written. It is longer than the API server's own
	// default request timeout (60s), so a slow request gets the server's
	// timeout status rather than a client-side error. Watches and log
	// streams send their headers as soon as they start, so the limit does
	// not cut them short.
	DefaultResponseHeaderTimeout = 90 * time.Second
	// DefaultTLSHandshakeTimeout bounds one TLS handshake.
	DefaultTLSHandshakeTimeout = 10 * time.Second
	// DefaultDialTimeout bounds establishing one TCP connection.
	DefaultDialTimeout = 30 * time.Second
	// DefaultIdleConnTimeout is how long an idle HTTP/1.1 connection is kept
	// for reuse.
	DefaultIdleConnTimeout = 90 * time.Second
	// DefaultMaxIdleConnsPerHost is how many idle HTTP/1.1 connections are
	// kept per host.
	DefaultMaxIdleConnsPerHost = 25
)

// Options tunes the transport New builds. The zero value is ready to use:
// every zero field means the documented default. Negative values are
// rejected by New.
type Options struct {
	// Logger receives debug messages (exec plugin runs, token file reloads)
	// and warnings. Nil means silent. Credentials are never logged.
	Logger *slog.Logger

	// ReadIdleTimeout is how long an HTTP/2 connection may receive no frame
	// before a ping checks it is alive. Zero means DefaultReadIdleTimeout.
	ReadIdleTimeout time.Duration
	// PingTimeout is how long that ping may go unanswered before the
	// connection is closed and the requests on it fail. Zero means
	// DefaultPingTimeout. Together the two notice a dead connection within
	// ReadIdleTimeout+PingTimeout (45s by default).
	PingTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for a response's headers once
	// the request is written; it does not limit reading the body, so watches
	// and streams are unaffected. Zero means DefaultResponseHeaderTimeout.
	ResponseHeaderTimeout time.Duration
	// TLSHandshakeTimeout bounds one TLS handshake. Zero means
	// DefaultTLSHandshakeTimeout.
	TLSHandshakeTimeout time.Duration
	// DialTimeout bounds establishing one TCP connection (to the server or
	// the proxy). Zero means DefaultDialTimeout.
	DialTimeout time.Duration
	// IdleConnTimeout is how long an idle HTTP/1.1 connection is kept for
	// reuse. Zero means DefaultIdleConnTimeout.
	IdleConnTimeout time.Duration
	// MaxIdleConnsPerHost is how many idle HTTP/1.1 connections are kept per
	// host. Zero means DefaultMaxIdleConnsPerHost.
	MaxIdleConnsPerHost int

	// UserAgent is sent on requests that do not set one. Empty means
	// DefaultUserAgent().
	UserAgent string
}

// DefaultUserAgent returns "kubewire/VERSION (GOOS/GOARCH)".
func DefaultUserAgent() string {
	return fmt.Sprintf("kubewire/%s (%s/%s)", Version, runtime.GOOS, runtime.GOARCH)
}

// withDefaults validates o and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"ReadIdleTimeout", &o.ReadIdleTimeout, DefaultReadIdleTimeout},
		{"PingTimeout", &o.PingTimeout, DefaultPingTimeout},
		{"ResponseHeaderTimeout", &o.ResponseHeaderTimeout, DefaultResponseHeaderTimeout},
		{"TLSHandshakeTimeout", &o.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout},
		{"DialTimeout", &o.DialTimeout, DefaultDialTimeout},
		{"IdleConnTimeout", &o.IdleConnTimeout, DefaultIdleConnTimeout},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return o, &ConfigError{Field: "Options." + d.name, Err: fmt.Errorf("negative duration %v", *d.v)}
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if o.MaxIdleConnsPerHost < 0 {
		return o, &ConfigError{Field: "Options.MaxIdleConnsPerHost", Err: fmt.Errorf("negative value %d", o.MaxIdleConnsPerHost)}
	}
	if o.MaxIdleConnsPerHost == 0 {
		o.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// New returns the http.RoundTripper for cfg: TLS 1.2+ with the configured
// server verification and client certificate, HTTP/2 with read-idle/ping
// health checks and HTTP/1.1 fallback, the configured or environment proxy,
// and the authentication, impersonation and user-agent wrappers.
//
// New reads the TLS files named in cfg but opens no connection and runs no
// exec plugin; a token file is read on the first request. It returns a
// *ConfigError when cfg or opts is invalid or a TLS file or PEM block cannot
// be used. cfg is not retained: later changes to it have no effect.
//
// The returned RoundTripper is safe for concurrent use. Its RoundTrip
// returns a *TokenFileError, *ExecError or *OIDCError when credentials
// cannot be obtained.
func New(cfg *config.Config, opts Options) (http.RoundTripper, error) {
	if cfg == nil {
		return nil, &ConfigError{Field: "Config", Err: errString("nil config")}
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := validateServer(cfg.Server); err != nil {
		return nil, err
	}
	if err := validateAuth(cfg); err != nil {
		return nil, err
	}
	material, err := loadTLS(&cfg.TLS)
	if err != nil {
		return nil, err
	}

	var ea *execAuth
	if cfg.Auth.Exec != nil {
		ea, err = newExecAuth(cfg, material.caPEM, o.Logger)
		if err != nil {
			return nil, err
		}
	}

	var oa *oidcAuth
	if cfg.Auth.OIDC != nil {
		if oa, err = sharedOIDCAuth(cfg, o.Logger); err != nil {
			return nil, err
		}
	}

	base, err := newHTTPTransport(cfg, material, ea, o)
	if err != nil {
		return nil, err
	}

	var rt http.RoundTripper = base
	switch a := &cfg.Auth; {
	case ea != nil:
		rt = &execRoundTripper{next: rt, auth: ea}
	case oa != nil:
		rt = &oidcRoundTripper{next: rt, auth: oa}
	case a.TokenFile != "":
		rt = TokenFile(a.TokenFile, o.Logger)(rt)
	case a.Token != "":
		rt = BearerToken(a.Token)(rt)
	case a.Username != "" || a.Password != "":
		rt = BasicAuth(a.Username, a.Password)(rt)
	}
	if cfg.Impersonate.User != "" {
		rt = Impersonation(cfg.Impersonate)(rt)
	}
	ua := o.UserAgent
	if ua == "" {
		ua = DefaultUserAgent()
	}
	rt = UserAgent(ua)(rt)
	return rt, nil
}

// validateAuth rejects combinations of credentials that cannot be sent
// together.
func validateAuth(cfg *config.Config) error {
	a := &cfg.Auth
	n := 0
	if a.Token != "" || a.TokenFile != "" {
		n++
	}
	if a.Username != "" || a.Password != "" {
		n++
	}
	if a.Exec != nil {
		n++
	}
	if a.OIDC != nil {
		n++
	}
	if n > 1 {
		return &ConfigError{Field: "Auth", Err: errString("at most one of bearer token, username/password, exec and OIDC may be set")}
	}
	imp := &cfg.Impersonate
	if imp.User == "" && (imp.UID != "" || len(imp.Groups) > 0 || len(imp.Extra) > 0) {
		return &ConfigError{Field: "Impersonate.User", Err: errString("impersonating a uid, groups or extra attributes requires a user")}
	}
	return nil
}
