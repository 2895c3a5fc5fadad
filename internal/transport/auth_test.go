package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

// recordingServer is a TLS test server that records each request's headers
// and answers 401 to the bearer tokens in reject.
type recordingServer struct {
	*httptest.Server
	mu      sync.Mutex
	headers []http.Header
	reject  map[string]bool
}

func newRecordingServer(t *testing.T) *recordingServer {
	t.Helper()
	rs := &recordingServer{reject: map[string]bool{}}
	rs.Server = newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.headers = append(rs.headers, r.Header.Clone())
		rejected := rs.reject[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		rs.mu.Unlock()
		if rejected {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}), true, nil)
	return rs
}

func (rs *recordingServer) cfg() *config.Config {
	return &config.Config{Server: rs.URL, TLS: config.TLS{CAData: serverCA(rs.Server)}}
}

func (rs *recordingServer) setReject(token string) {
	rs.mu.Lock()
	rs.reject[token] = true
	rs.mu.Unlock()
}

// last returns the headers of the most recent request.
func (rs *recordingServer) last(t *testing.T) http.Header {
	t.Helper()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	require.NotEmpty(t, rs.headers)
	return rs.headers[len(rs.headers)-1]
}

// authOf sends one request and returns the Authorization header the server
// saw.
func (rs *recordingServer) authOf(t *testing.T, rt http.RoundTripper, header ...string) string {
	t.Helper()
	mustDo(t, rt, rs.URL, header...)
	return rs.last(t).Get("Authorization")
}

func TestBearerToken(t *testing.T) {
	rs := newRecordingServer(t)
	cfg := rs.cfg()
	cfg.Auth.Token = "s3cret-bearer-token"
	rt := newRT(t, cfg, Options{})
	assert.Equal(t, "Bearer s3cret-bearer-token", rs.authOf(t, rt))
	assert.Equal(t, "Bearer from-caller", rs.authOf(t, rt, "Authorization", "Bearer from-caller"))
}

func TestBasicAuth(t *testing.T) {
	rs := newRecordingServer(t)
	cfg := rs.cfg()
	cfg.Auth.Username, cfg.Auth.Password = "admin", "s3cret-password"
	rt := newRT(t, cfg, Options{})
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth("admin", "s3cret-password")
	assert.Equal(t, req.Header.Get("Authorization"), rs.authOf(t, rt))
	assert.Equal(t, "Bearer from-caller", rs.authOf(t, rt, "Authorization", "Bearer from-caller"))
}

func TestAuthConfigErrors(t *testing.T) {
	exec := &config.Exec{APIVersion: execAPIVersionV1, Command: "true"}
	for name, tc := range map[string]struct {
		cfg   config.Config
		field string
	}{
		"token and basic":       {config.Config{Auth: config.Auth{Token: "t", Username: "u"}}, "Auth"},
		"token file and basic":  {config.Config{Auth: config.Auth{TokenFile: "/f", Password: "p"}}, "Auth"},
		"exec and token":        {config.Config{Auth: config.Auth{Token: "t", Exec: exec}}, "Auth"},
		"groups without user":   {config.Config{Impersonate: config.Impersonate{Groups: []string{"g"}}}, "Impersonate.User"},
		"uid without user":      {config.Config{Impersonate: config.Impersonate{UID: "1"}}, "Impersonate.User"},
		"exec without command":  {config.Config{Auth: config.Auth{Exec: &config.Exec{APIVersion: execAPIVersionV1}}}, "Auth.Exec.Command"},
		"exec bad api version":  {config.Config{Auth: config.Auth{Exec: &config.Exec{APIVersion: "client.authentication.k8s.io/v1alpha1", Command: "x"}}}, "Auth.Exec.APIVersion"},
		"exec bad mode":         {config.Config{Auth: config.Auth{Exec: &config.Exec{APIVersion: execAPIVersionV1, Command: "x", InteractiveMode: "Sometimes"}}}, "Auth.Exec.InteractiveMode"},
		"exec negative timeout": {config.Config{Auth: config.Auth{Exec: &config.Exec{APIVersion: execAPIVersionV1, Command: "x", Timeout: -1}}}, "Auth.Exec.Timeout"},
		"exec bad config json":  {config.Config{Auth: config.Auth{Exec: &config.Exec{APIVersion: execAPIVersionV1, Command: "x", ProvideClusterInfo: true, Config: []byte("{")}}}, "Auth.Exec.Config"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Server = "https://127.0.0.1:6443"
			_, err := New(&cfg, Options{})
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.field, ce.Field)
		})
	}
}

// tokenFileRT builds a transport to rs that reads its token from path, and
// returns the token file cache so tests can move its clock.
func tokenFileRT(t *testing.T, rs *recordingServer, path string) (http.RoundTripper, *tokenFile) {
	t.Helper()
	rt := TokenFile(path, nil)(newRT(t, rs.cfg(), Options{}))
	return rt, rt.(*tokenFileRoundTripper).src
}

func TestTokenFileRotation(t *testing.T) {
	rs := newRecordingServer(t)
	dir := t.TempDir()
	path := writeFile(t, dir, "token", []byte("token-one\n"))
	rt, src := tokenFileRT(t, rs, path)
	clock := time.Now()
	src.now = func() time.Time { return clock }

	assert.Equal(t, "Bearer token-one", rs.authOf(t, rt))
	assert.Equal(t, "Bearer token-one", rs.authOf(t, rt))

	// A new size is noticed at once.
	writeFile(t, dir, "token", []byte("token-two-longer"))
	assert.Equal(t, "Bearer token-two-longer", rs.authOf(t, rt))

	// Same size, new modification time.
	fi, err := os.Stat(path)
	require.NoError(t, err)
	writeFile(t, dir, "token", []byte("token-TWO-longer"))
	require.NoError(t, os.Chtimes(path, fi.ModTime(), fi.ModTime().Add(10*time.Second)))
	assert.Equal(t, "Bearer token-TWO-longer", rs.authOf(t, rt))

	// Same size and modification time: the cached value is used until it is
	// a minute old.
	fi, err = os.Stat(path)
	require.NoError(t, err)
	writeFile(t, dir, "token", []byte("token-333-longer"))
	require.NoError(t, os.Chtimes(path, fi.ModTime(), fi.ModTime()))
	assert.Equal(t, "Bearer token-TWO-longer", rs.authOf(t, rt))
	clock = clock.Add(30 * time.Second)
	assert.Equal(t, "Bearer token-TWO-longer", rs.authOf(t, rt))
	clock = clock.Add(31 * time.Second)
	assert.Equal(t, "Bearer token-333-longer", rs.authOf(t, rt))

	// A 401 makes the next request re-read the file.
	rs.setReject("token-333-longer")
	writeFile(t, dir, "token", []byte("token-444-longer"))
	require.NoError(t, os.Chtimes(path, fi.ModTime(), fi.ModTime()))
	resp, _, err := do(t, rt, rs.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "Bearer token-444-longer", rs.authOf(t, rt))

	// The caller's own Authorization header is left alone.
	assert.Equal(t, "Bearer mine", rs.authOf(t, rt, "Authorization", "Bearer mine"))
}

func TestTokenFileErrors(t *testing.T) {
	rs := newRecordingServer(t)
	dir := t.TempDir()

	t.Run("missing", func(t *testing.T) {
		path := dir + "/missing"
		rt, _ := tokenFileRT(t, rs, path)
		_, _, err := do(t, rt, rs.URL)
		var te *TokenFileError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, path, te.Path)
		assert.Contains(t, err.Error(), path)
	})

	t.Run("empty", func(t *testing.T) {
		path := writeFile(t, dir, "empty", []byte(" \n"))
		rt, _ := tokenFileRT(t, rs, path)
		_, _, err := do(t, rt, rs.URL)
		var te *TokenFileError
		require.ErrorAs(t, err, &te)
		assert.Contains(t, err.Error(), "empty")
	})

	t.Run("earlier token kept when the file goes away", func(t *testing.T) {
		path := writeFile(t, dir, "vanishing", []byte("kept-token"))
		rt, src := tokenFileRT(t, rs, path)
		clock := time.Now()
		src.now = func() time.Time { return clock }
		assert.Equal(t, "Bearer kept-token", rs.authOf(t, rt))
		require.NoError(t, os.Remove(path))
		clock = clock.Add(2 * time.Minute)
		assert.Equal(t, "Bearer kept-token", rs.authOf(t, rt))

		// ...but not once the server has rejected it.
		rs.setReject("kept-token")
		resp, _, err := do(t, rt, rs.URL)
		require.NoError(t, err)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		_, _, err = do(t, rt, rs.URL)
		var te *TokenFileError
		require.ErrorAs(t, err, &te)
		assertNoSecret(t, err.Error(), "kept-token")
	})

	t.Run("via New", func(t *testing.T) {
		path := writeFile(t, dir, "vianew", []byte("file-token"))
		cfg := rs.cfg()
		cfg.Auth.TokenFile = path
		cfg.Auth.Token = "ignored-static-token"
		rt := newRT(t, cfg, Options{})
		assert.Equal(t, "Bearer file-token", rs.authOf(t, rt))
	})
}

func TestImpersonation(t *testing.T) {
	rs := newRecordingServer(t)
	cfg := rs.cfg()
	cfg.Impersonate = config.Impersonate{
		User:   "jane",
		UID:    "1234",
		Groups: []string{"devs", "ops"},
		Extra: map[string][]string{
			"scopes":                      {"view", "edit"},
			"example.com/key with space%": {"v1"},
		},
	}
	rt := newRT(t, cfg, Options{})
	mustDo(t, rt, rs.URL)
	h := rs.last(t)
	assert.Equal(t, []string{"jane"}, h.Values("Impersonate-User"))
	assert.Equal(t, []string{"1234"}, h.Values("Impersonate-Uid"))
	assert.Equal(t, []string{"devs", "ops"}, h.Values("Impersonate-Group"))
	assert.Equal(t, []string{"view", "edit"}, h.Values("Impersonate-Extra-Scopes"))
	assert.Equal(t, []string{"v1"}, h.Values("Impersonate-Extra-example.com%2Fkey%20with%20space%25"))

	// A request that impersonates on its own is left alone.
	mustDo(t, rt, rs.URL, "Impersonate-User", "bob")
	h = rs.last(t)
	assert.Equal(t, []string{"bob"}, h.Values("Impersonate-User"))
	assert.Empty(t, h.Values("Impersonate-Group"))
}

func TestEscapeHeaderKey(t *testing.T) {
	for in, want := range map[string]string{
		"scopes":                      "scopes",
		"example.com/key":             "example.com%2Fkey",
		"a b%c":                       "a%20b%25c",
		"ünï":                         "%C3%BCn%C3%AF",
		"tok!#$&'*+-.^_`|~ok":         "tok!#$&'*+-.^_`|~ok",
		"colon:semicolon;slash\\quot": "colon%3Asemicolon%3Bslash%5Cquot",
	} {
		assert.Equal(t, want, escapeHeaderKey(in), in)
	}
}

func TestUserAgent(t *testing.T) {
	rs := newRecordingServer(t)
	want := fmt.Sprintf("kubewire/%s (%s/%s)", Version, runtime.GOOS, runtime.GOARCH)
	assert.Equal(t, want, DefaultUserAgent())

	ua := func(optUA string, header ...string) string {
		mustDo(t, newRT(t, rs.cfg(), Options{UserAgent: optUA}), rs.URL, header...)
		return rs.last(t).Get("User-Agent")
	}
	assert.Equal(t, want, ua(""))
	assert.Equal(t, "from-options", ua("from-options"))
	assert.Equal(t, "from-request", ua("from-options", "User-Agent", "from-request"))
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestWrappersDoNotModifyTheRequest(t *testing.T) {
	var got http.Header
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	})
	path := writeFile(t, t.TempDir(), "token", []byte("file-token"))
	for name, wrap := range map[string]func(http.RoundTripper) http.RoundTripper{
		"bearer":      BearerToken("tok"),
		"token file":  TokenFile(path, nil),
		"basic":       BasicAuth("u", "p"),
		"impersonate": Impersonation(config.Impersonate{User: "u", Groups: []string{"g"}}),
		"user agent":  UserAgent("ua"),
	} {
		req, err := http.NewRequest(http.MethodGet, "https://example.com/", nil)
		require.NoError(t, err)
		req.Header.Set("X-Keep", "1")
		before := req.Header.Clone()
		_, err = wrap(base).RoundTrip(req)
		require.NoError(t, err, name)
		assert.Equal(t, before, req.Header, name)
		assert.NotEqual(t, before, got, "%s: wrapper set no header", name)
	}
}

func TestRoundTripErrorClosesBody(t *testing.T) {
	rt := TokenFile(t.TempDir()+"/missing", nil)(roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("not reached")
	}))
	body := &closeRecorder{Reader: strings.NewReader("payload")}
	req, err := http.NewRequest(http.MethodPost, "https://example.com/", body)
	require.NoError(t, err)
	_, err = rt.RoundTrip(req)
	require.Error(t, err)
	assert.True(t, body.closed)
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }
