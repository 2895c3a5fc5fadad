package transport

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kubewire/kubewire/config"
)

// Every wrapper below clones the request before changing its headers, leaves
// a header the caller set explicitly alone, and prints (in every fmt verb)
// only its kind, never a credential or the transport it wraps.

// BearerToken returns a wrapper that sends token in an
// "Authorization: Bearer" header on requests that carry no Authorization
// header.
func BearerToken(token config.Secret) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return &bearerRoundTripper{next: next, token: seal(token.Reveal())}
	}
}

type bearerRoundTripper struct {
	next  http.RoundTripper
	token sealed
}

func (rt *bearerRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return rt.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+rt.token.reveal())
	return rt.next.RoundTrip(r)
}

func (rt *bearerRoundTripper) CloseIdleConnections()      { closeIdle(rt.next) }
func (rt *bearerRoundTripper) String() string             { return "transport.BearerToken{token: REDACTED}" }
func (rt *bearerRoundTripper) GoString() string           { return rt.String() }
func (rt *bearerRoundTripper) Format(f fmt.State, v rune) { formatRedacted(f, v, rt.String()) }

// tokenFileMaxAge is how long a token read from a file is used before the
// file is read again even though its size and modification time are
// unchanged.
const tokenFileMaxAge = time.Minute

// TokenFile returns a wrapper that sends the bearer token held in the file
// at path on requests that carry no Authorization header. The file is read
// on the first request and again when its modification time or size
// changes, when the content is older than a minute, and after a response
// with status 401, so rotated tokens are picked up. A request fails with a
// *TokenFileError when the file cannot be read and no earlier token is
// available; logger (nil means silent) is warned when a re-read fails and
// the earlier token is kept.
func TokenFile(path string, logger *slog.Logger) func(http.RoundTripper) http.RoundTripper {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	src := &tokenFile{path: path, logger: logger, now: time.Now, maxAge: tokenFileMaxAge}
	return func(next http.RoundTripper) http.RoundTripper {
		return &tokenFileRoundTripper{next: next, src: src}
	}
}

type tokenFileRoundTripper struct {
	next http.RoundTripper
	src  *tokenFile
}

func (rt *tokenFileRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return rt.next.RoundTrip(req)
	}
	token, err := rt.src.token()
	if err != nil {
		closeBody(req)
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+token)
	resp, err := rt.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		rt.src.invalidate(token)
	}
	return resp, err
}

func (rt *tokenFileRoundTripper) CloseIdleConnections() { closeIdle(rt.next) }
func (rt *tokenFileRoundTripper) String() string {
	return fmt.Sprintf("transport.TokenFile{path: %q, token: REDACTED}", rt.src.path)
}
func (rt *tokenFileRoundTripper) GoString() string           { return rt.String() }
func (rt *tokenFileRoundTripper) Format(f fmt.State, v rune) { formatRedacted(f, v, rt.String()) }

// tokenFile caches the content of a token file.
type tokenFile struct {
	path   string
	logger *slog.Logger
	now    func() time.Time
	maxAge time.Duration

	mu      sync.Mutex
	cached  sealed // unset until the first successful read
	readAt  time.Time
	modTime time.Time
	size    int64
	stale   bool // set after a 401
}

func (f *tokenFile) String() string {
	return fmt.Sprintf("transport.tokenFile{path: %q, token: REDACTED}", f.path)
}
func (f *tokenFile) GoString() string           { return f.String() }
func (f *tokenFile) Format(s fmt.State, v rune) { formatRedacted(s, v, f.String()) }

// token returns the current token, reading the file when needed.
func (f *tokenFile) token() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	fi, statErr := os.Stat(f.path)
	if f.cached.p != nil && !f.stale && statErr == nil &&
		fi.ModTime().Equal(f.modTime) && fi.Size() == f.size &&
		now.Sub(f.readAt) < f.maxAge {
		return f.cached.reveal(), nil
	}

	err := statErr
	var tok string
	if err == nil {
		var b []byte
		b, err = os.ReadFile(f.path)
		tok = string(bytes.TrimSpace(b))
		if err == nil && tok == "" {
			err = errString("file is empty")
		}
	}
	if err != nil {
		err = &TokenFileError{Path: f.path, Err: fileErr(err)}
		if f.cached.p != nil && !f.stale {
			f.logger.Warn("transport: keeping the previous bearer token", "error", err)
			f.readAt = now
			return f.cached.reveal(), nil
		}
		return "", err
	}
	if f.cached.p != nil && tok != f.cached.reveal() {
		f.logger.Debug("transport: bearer token file changed", "path", f.path)
	}
	f.cached, f.readAt, f.modTime, f.size, f.stale = seal(tok), now, fi.ModTime(), fi.Size(), false
	return tok, nil
}

// invalidate makes the next request re-read the file, if used is still the
// cached token (a concurrent request may already have re-read it).
func (f *tokenFile) invalidate(used string) {
	f.mu.Lock()
	if f.cached.reveal() == used {
		f.stale = true
	}
	f.mu.Unlock()
}

// BasicAuth returns a wrapper that sends HTTP basic authentication on
// requests that carry no Authorization header.
func BasicAuth(username string, password config.Secret) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return &basicRoundTripper{next: next, username: username, password: seal(password.Reveal())}
	}
}

type basicRoundTripper struct {
	next     http.RoundTripper
	username string
	password sealed
}

func (rt *basicRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return rt.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.SetBasicAuth(rt.username, rt.password.reveal())
	return rt.next.RoundTrip(r)
}

func (rt *basicRoundTripper) CloseIdleConnections() { closeIdle(rt.next) }
func (rt *basicRoundTripper) String() string {
	return fmt.Sprintf("transport.BasicAuth{username: %q, password: REDACTED}", rt.username)
}
func (rt *basicRoundTripper) GoString() string           { return rt.String() }
func (rt *basicRoundTripper) Format(f fmt.State, v rune) { formatRedacted(f, v, rt.String()) }

// Impersonation returns a wrapper that makes requests act as imp.User: it
// sets Impersonate-User, Impersonate-Uid, one Impersonate-Group per group
// and one Impersonate-Extra-KEY per extra value, with KEY percent-encoded
// where it holds characters a header name cannot. Requests that already
// carry an Impersonate-User header are sent unchanged.
func Impersonation(imp config.Impersonate) func(http.RoundTripper) http.RoundTripper {
	h := http.Header{}
	if imp.User != "" {
		h.Set("Impersonate-User", imp.User)
	}
	if imp.UID != "" {
		h.Set("Impersonate-Uid", imp.UID)
	}
	for _, g := range imp.Groups {
		h.Add("Impersonate-Group", g)
	}
	keys := make([]string, 0, len(imp.Extra))
	for k := range imp.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range imp.Extra[k] {
			h.Add("Impersonate-Extra-"+escapeHeaderKey(k), v)
		}
	}
	return func(next http.RoundTripper) http.RoundTripper {
		return &impersonateRoundTripper{next: next, headers: h}
	}
}

type impersonateRoundTripper struct {
	next    http.RoundTripper
	headers http.Header
}

func (rt *impersonateRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Impersonate-User") != "" {
		return rt.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	for k, vs := range rt.headers {
		r.Header[k] = slices.Clone(vs)
	}
	return rt.next.RoundTrip(r)
}

func (rt *impersonateRoundTripper) CloseIdleConnections() { closeIdle(rt.next) }
func (rt *impersonateRoundTripper) String() string {
	return fmt.Sprintf("transport.Impersonation{user: %q}", rt.headers.Get("Impersonate-User"))
}
func (rt *impersonateRoundTripper) GoString() string           { return rt.String() }
func (rt *impersonateRoundTripper) Format(f fmt.State, v rune) { formatRedacted(f, v, rt.String()) }

// escapeHeaderKey percent-encodes (upper-case hex) every byte of key that is
// not an RFC 7230 token character, and '%' itself, so the API server can
// decode the extra key from the header name.
func escapeHeaderKey(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if isTokenChar(c) && c != '%' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// UserAgent returns a wrapper that sets the User-Agent header to ua on
// requests that do not set one.
func UserAgent(ua string) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return &userAgentRoundTripper{next: next, ua: ua}
	}
}

type userAgentRoundTripper struct {
	next http.RoundTripper
	ua   string
}

func (rt *userAgentRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") != "" {
		return rt.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", rt.ua)
	return rt.next.RoundTrip(r)
}

func (rt *userAgentRoundTripper) CloseIdleConnections() { closeIdle(rt.next) }
func (rt *userAgentRoundTripper) String() string {
	return fmt.Sprintf("transport.UserAgent{%q}", rt.ua)
}
func (rt *userAgentRoundTripper) GoString() string           { return rt.String() }
func (rt *userAgentRoundTripper) Format(f fmt.State, v rune) { formatRedacted(f, v, rt.String()) }

// closeIdle closes rt's idle connections when it can.
func closeIdle(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// closeBody closes the request body, as a RoundTripper must even when it
// fails before sending.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
