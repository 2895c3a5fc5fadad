// Package rest sends requests to the Kubernetes API: one Client per API
// server, one request builder for every verb and path shape, typed errors
// for every failure, bounded retries, a client-side rate limit, watches and
// streams.
//
// A Client is built from a config.Config by New and is immutable and safe for
// concurrent use. Requests start from its verb methods:
//
//	err := c.Get().Group("apps").Version("v1").Namespace("default").
//		Resource("deployments").Name("web").Into(ctx, &dep)
//
// Errors from the server are *StatusError (check them with IsNotFound,
// IsConflict, ...); a body that cannot be decoded is a *DecodeError; a body
// over the size limit a *ResponseTooLargeError; a request the builder could
// not assemble a *RequestError; a config field or option New cannot use a
// *ConfigError. A credential that cannot be obtained for a request is a
// *config.TokenFileError, *config.ExecError or *config.OIDCError, inside
// the *url.Error net/http reports transport failures with (errors.As finds
// it). Context
// errors come back as they are (or wrapped, so errors.Is works). No error
// and no log line ever contains a request header, so credentials never leak
// through them.
package rest

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kubewire/kubewire/config"
)

// Defaults for the options New takes.
const (
	// DefaultQPS and DefaultBurst are the rate limit when the config and the
	// options set none (kubectl's values).
	DefaultQPS   = 5
	DefaultBurst = 10
	// DefaultMaxRetries bounds the retries of one request (so at most
	// DefaultMaxRetries+1 attempts).
	DefaultMaxRetries = 10
	// DefaultMaxResponseBytes caps one response body, and one watch event,
	// after decompression: 256 MiB.
	DefaultMaxResponseBytes = 256 << 20
	// MaxRetryWait caps one wait between attempts, whatever Retry-After
	// asks for.
	MaxRetryWait = 10 * time.Second
)

// Client sends requests to one API server. It is immutable after New and
// safe for concurrent use; its rate limit is shared by every request it
// sends.
type Client struct {
	base       *url.URL // scheme, host and path prefix (no trailing slash)
	hc         *http.Client
	log        *slog.Logger
	limiter    *tokenBucket // nil: no limit
	maxRetries int
	maxBytes   int64
	onWarning  func(Warning)
	idle       time.Duration
	userAgent  string
	timeout    time.Duration
	jsonOnly   bool
	// wait sleeps between attempts; tests replace it.
	wait func(ctx context.Context, d time.Duration) error
}

// Option changes how New builds a Client. Options that get a bad value
// (nil, negative) make New fail with a *ConfigError.
type Option func(*settings) error

type settings struct {
	transport  http.RoundTripper
	wrappers   []func(http.RoundTripper) http.RoundTripper
	logger     *slog.Logger
	qps        float32
	burst      int
	maxRetries int
	maxBytes   int64
	onWarning  func(Warning)
	idle       time.Duration
	userAgent  string
	jsonOnly   bool
}

// WithTransport replaces the round tripper New would build from the config
// (TLS, authentication, proxy) with rt: for tests and fake servers. The
// config's credentials are then not sent unless rt sends them.
func WithTransport(rt http.RoundTripper) Option {
	return func(s *settings) error {
		if rt == nil {
			return &ConfigError{Field: "WithTransport", Reason: "nil round tripper"}
		}
		s.transport = rt
		return nil
	}
}

// WithWrapper wraps the transport (built or given) with w, for metrics,
// tracing or extra headers. Wrappers apply in the order given: the last one
// sees each request first. A wrapper that changes a request must clone it
// first.
func WithWrapper(w func(http.RoundTripper) http.RoundTripper) Option {
	return func(s *settings) error {
		if w == nil {
			return &ConfigError{Field: "WithWrapper", Reason: "nil wrapper"}
		}
		s.wrappers = append(s.wrappers, w)
		return nil
	}
}

// WithLogger sends the client's log records to l: each request (method,
// URL, status, latency) and retry at Debug, and server warnings at Warn when
// there is no warning handler. Headers are never logged. Without this
// option the client logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return &ConfigError{Field: "WithLogger", Reason: "nil logger"}
		}
		s.logger = l
		return nil
	}
}

// WithRateLimit sets the client-side rate limit, a token bucket refilled at
// qps tokens a second holding at most burst; every attempt (retries,
// watches and streams included) takes one token. Zero qps or burst means
// DefaultQPS or DefaultBurst; a negative qps disables the limit. Without
// this option the limit is DefaultQPS and DefaultBurst.
func WithRateLimit(qps float32, burst int) Option {
	return func(s *settings) error {
		if math.IsNaN(float64(qps)) || math.IsInf(float64(qps), 0) {
			return &ConfigError{Field: "WithRateLimit", Reason: "qps is not a finite number"}
		}
		if burst < 0 {
			return &ConfigError{Field: "WithRateLimit", Reason: fmt.Sprintf("negative burst %d", burst)}
		}
		s.qps, s.burst = qps, burst
		return nil
	}
}

// WithMaxRetries bounds how often one request is retried (see Request.Do
// for what is retried); 0 disables retries. The default is
// DefaultMaxRetries.
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return &ConfigError{Field: "WithMaxRetries", Reason: fmt.Sprintf("negative count %d", n)}
		}
		s.maxRetries = n
		return nil
	}
}

// WithMaxResponseBytes caps one response body, and one watch event, at n
// bytes after decompression; a larger one fails with
// *ResponseTooLargeError (*EventTooLargeError for an event). Streams are
// not capped. The default is DefaultMaxResponseBytes.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n <= 0 {
			return &ConfigError{Field: "WithMaxResponseBytes", Reason: fmt.Sprintf("limit %d is not positive", n)}
		}
		s.maxBytes = n
		return nil
	}
}

// WithWarningHandler calls h for each warning the server sends (the Warning
// response header: deprecated APIs, ignored fields). h may be called from
// several goroutines at once. Without it, warnings are logged at Warn.
// Result.Warnings returns them too.
func WithWarningHandler(h func(Warning)) Option {
	return func(s *settings) error {
		if h == nil {
			return &ConfigError{Field: "WithWarningHandler", Reason: "nil handler"}
		}
		s.onWarning = h
		return nil
	}
}

// WithWatchIdleTimeout ends a watch that receives nothing, not even a
// bookmark, for longer than d, with a *WatchIdleError; it catches a dead
// connection on HTTP/1.1 as well as HTTP/2. Ask for bookmarks
// (allowWatchBookmarks=true) so a quiet but healthy watch is not ended. Zero,
// the default, means no limit.
func WithWatchIdleTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return &ConfigError{Field: "WithWatchIdleTimeout", Reason: fmt.Sprintf("negative duration %v", d)}
		}
		s.idle = d
		return nil
	}
}

// WithUserAgent sets the User-Agent sent on every request that does not set
// its own. The default is "kubewire/VERSION (GOOS/GOARCH)".
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n\x00") {
			return &ConfigError{Field: "WithUserAgent", Reason: "empty or not a valid header value"}
		}
		s.userAgent = ua
		return nil
	}
}

// WithJSON makes every request of the client speak JSON: the typed client
// then asks for and sends JSON for built-in kinds too, instead of
// Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf),
// which it uses by default for them (custom resources, the dynamic client
// and patches always use JSON). For servers or proxies that do not handle
// protobuf, and to read the wire in a debugging proxy.
func WithJSON() Option {
	return func(s *settings) error {
		s.jsonOnly = true
		return nil
	}
}

// JSONOnly reports whether the client was made WithJSON.
func (c *Client) JSONOnly() bool { return c.jsonOnly }

// New returns a Client for the API server cfg names. cfg.Server must be an
// http or https URL with a host (a bare "host:port" means https), without
// user info, query or fragment; its path, if any, prefixes every request.
// cfg.Timeout bounds each request that is not a watch or a stream, retries
// included. The rate limit and the user agent are set by options only
// (WithRateLimit, WithUserAgent); the config says where and who.
//
// Unless WithTransport replaces it, the transport is built from cfg (TLS,
// credentials, proxy). A bad config field or option, and a TLS file that
// cannot be read or parsed, is a *ConfigError (Field names it, Path the
// file). cfg is not retained.
func New(cfg *config.Config, opts ...Option) (*Client, error) {
	if cfg == nil {
		return nil, &ConfigError{Field: "Config", Reason: "nil config"}
	}
	s := settings{maxRetries: DefaultMaxRetries, maxBytes: DefaultMaxResponseBytes}
	for i, o := range opts {
		if o == nil {
			return nil, &ConfigError{Field: "Option", Reason: fmt.Sprintf("option %d is nil", i)}
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	base, err := parseServer(cfg.Server)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 {
		return nil, &ConfigError{Field: "Timeout", Reason: fmt.Sprintf("negative duration %v", cfg.Timeout)}
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.userAgent == "" {
		s.userAgent = defaultUserAgent()
	}

	rt := s.transport
	if rt == nil {
		norm := *cfg // the transport sees the normalized server URL
		norm.Server = base.String()
		if rt, err = newTransport(&norm, s.logger, s.userAgent); err != nil {
			return nil, err
		}
	}
	for i, w := range s.wrappers {
		if rt = w(rt); rt == nil {
			return nil, &ConfigError{Field: "WithWrapper", Reason: fmt.Sprintf("wrapper %d returned a nil round tripper", i)}
		}
	}

	c := &Client{
		base:       base,
		log:        s.logger,
		maxRetries: s.maxRetries,
		maxBytes:   s.maxBytes,
		onWarning:  s.onWarning,
		idle:       s.idle,
		userAgent:  s.userAgent,
		jsonOnly:   s.jsonOnly,
		timeout:    cfg.Timeout,
		wait:       sleepCtx,
	}
	if s.qps >= 0 {
		qps, burst := s.qps, s.burst
		if qps == 0 {
			qps = DefaultQPS
		}
		if burst == 0 {
			burst = DefaultBurst
		}
		c.limiter = newTokenBucket(float64(qps), burst)
	}
	c.hc = &http.Client{Transport: rt, CheckRedirect: c.checkRedirect}
	return c, nil
}

// parseServer validates the server URL and returns it without a trailing
// slash. Errors never repeat the URL: it might hold a password.
func parseServer(server string) (*url.URL, error) {
	if strings.TrimSpace(server) == "" {
		return nil, &ConfigError{Field: "Server", Reason: "empty server URL"}
	}
	if !strings.Contains(server, "://") {
		server = "https://" + server
	}
	u, err := url.Parse(server)
	if err != nil {
		return nil, &ConfigError{Field: "Server", Reason: "not a valid URL"}
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, &ConfigError{Field: "Server", Reason: fmt.Sprintf("scheme %q is not http or https", u.Scheme)}
	case u.Host == "":
		return nil, &ConfigError{Field: "Server", Reason: "no host in the server URL"}
	case u.User != nil:
		return nil, &ConfigError{Field: "Server", Reason: "the server URL must not contain user info; set the credentials in Auth"}
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, &ConfigError{Field: "Server", Reason: "the server URL must not have a query or fragment"}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// checkRedirect follows redirects only to the scheme and host the config
// named, so the transport's credentials never reach another host; any other
// redirect is returned to the caller as a response (and so as a
// *StatusError).
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != c.base.Scheme || req.URL.Host != c.base.Host {
		c.log.LogAttrs(req.Context(), slog.LevelDebug, "redirect to another host not followed",
			slog.String("host", req.URL.Host))
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return fmt.Errorf("rest: stopped after %d redirects", len(via))
	}
	return nil
}

// Server returns a copy of the server URL requests are sent to, path prefix
// included.
func (c *Client) Server() *url.URL {
	u := *c.base
	return &u
}

// Get starts a GET request.
func (c *Client) Get() *Request { return c.Verb(http.MethodGet) }

// Post starts a POST request.
func (c *Client) Post() *Request { return c.Verb(http.MethodPost) }

// Put starts a PUT request.
func (c *Client) Put() *Request { return c.Verb(http.MethodPut) }

// Delete starts a DELETE request.
func (c *Client) Delete() *Request { return c.Verb(http.MethodDelete) }

// Patch starts a PATCH request whose body is a patch of type pt; Body sends
// it with pt as its content type.
func (c *Client) Patch(pt PatchType) *Request {
	r := c.Verb(http.MethodPatch)
	if pt == "" {
		r.fail("Patch", "", "empty patch type")
	}
	r.patchType = pt
	return r
}

// Verb starts a request with any HTTP method (upper-cased).
func (c *Client) Verb(method string) *Request {
	r := &Request{c: c, verb: strings.ToUpper(method)}
	if method == "" || strings.ContainsAny(method, " \t\r\n/") {
		r.fail("Verb", method, "not an HTTP method")
	}
	return r
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
