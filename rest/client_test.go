package rest

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
)

func TestNewRejectsBadValues(t *testing.T) {
	rt := WithTransport(http.DefaultTransport)
	ok := &config.Config{Server: "https://k8s.example"}
	tests := []struct {
		name  string
		cfg   *config.Config
		opts  []Option
		field string
	}{
		{"nil config", nil, []Option{rt}, "Config"},
		{"empty server", &config.Config{}, []Option{rt}, "Server"},
		{"bad scheme", &config.Config{Server: "ftp://k8s.example"}, []Option{rt}, "Server"},
		{"no host", &config.Config{Server: "https://"}, []Option{rt}, "Server"},
		{"user info", &config.Config{Server: "https://admin:hunter2@k8s.example"}, []Option{rt}, "Server"},
		{"query", &config.Config{Server: "https://k8s.example/?a=b"}, []Option{rt}, "Server"},
		{"unparsable", &config.Config{Server: "https://k8s.example:port:x"}, []Option{rt}, "Server"},
		{"negative timeout", &config.Config{Server: "https://k8s.example", Timeout: -time.Second}, []Option{rt}, "Timeout"},
		{"negative burst", ok, []Option{rt, WithRateLimit(1, -1)}, "WithRateLimit"},
		{"nil option", ok, []Option{rt, nil}, "Option"},
		{"nil transport", ok, []Option{WithTransport(nil)}, "WithTransport"},
		{"nil wrapper", ok, []Option{rt, WithWrapper(nil)}, "WithWrapper"},
		{"wrapper returns nil", ok, []Option{rt, WithWrapper(func(http.RoundTripper) http.RoundTripper { return nil })}, "WithWrapper"},
		{"nil logger", ok, []Option{rt, WithLogger(nil)}, "WithLogger"},
		{"negative burst option", ok, []Option{rt, WithRateLimit(5, -1)}, "WithRateLimit"},
		{"NaN qps", ok, []Option{rt, WithRateLimit(float32(nan()), 1)}, "WithRateLimit"},
		{"negative retries", ok, []Option{rt, WithMaxRetries(-1)}, "WithMaxRetries"},
		{"zero response cap", ok, []Option{rt, WithMaxResponseBytes(0)}, "WithMaxResponseBytes"},
		{"negative response cap", ok, []Option{rt, WithMaxResponseBytes(-5)}, "WithMaxResponseBytes"},
		{"nil warning handler", ok, []Option{rt, WithWarningHandler(nil)}, "WithWarningHandler"},
		{"negative idle timeout", ok, []Option{rt, WithWatchIdleTimeout(-time.Second)}, "WithWatchIdleTimeout"},
		{"empty user agent", ok, []Option{rt, WithUserAgent(" ")}, "WithUserAgent"},
		{"user agent with newline", ok, []Option{rt, WithUserAgent("a\nb")}, "WithUserAgent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg, tt.opts...)
			assert.Nil(t, c)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.field, ce.Field)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func nan() float64 {
	var zero float64
	return zero / zero
}

func TestNewDefaults(t *testing.T) {
	c, err := New(&config.Config{Server: "https://k8s.example/"}, WithTransport(http.DefaultTransport))
	require.NoError(t, err)
	assert.Equal(t, float64(DefaultQPS), c.limiter.qps)
	assert.Equal(t, float64(DefaultBurst), c.limiter.burst)
	assert.Equal(t, DefaultMaxRetries, c.maxRetries)
	assert.Equal(t, int64(DefaultMaxResponseBytes), c.maxBytes)
	assert.Zero(t, c.idle)
	assert.Equal(t, defaultUserAgent(), c.userAgent)
	assert.Equal(t, "https://k8s.example", c.Server().String())

	c, err = New(&config.Config{Server: "https://k8s.example"}, WithTransport(http.DefaultTransport), WithRateLimit(-1, 0))
	require.NoError(t, err)
	assert.Nil(t, c.limiter, "a negative QPS disables the limit")

	c, err = New(&config.Config{Server: "https://k8s.example"}, WithTransport(http.DefaultTransport),
		WithRateLimit(1, 2), WithMaxRetries(0), WithMaxResponseBytes(10), WithWatchIdleTimeout(time.Minute), WithUserAgent("opt"))
	require.NoError(t, err)
	assert.Equal(t, 1.0, c.limiter.qps)
	assert.Equal(t, 2.0, c.limiter.burst)
	assert.Zero(t, c.maxRetries)
	assert.Equal(t, int64(10), c.maxBytes)
	assert.Equal(t, time.Minute, c.idle)
	assert.Equal(t, "opt", c.userAgent)

	// Server returns a copy.
	c.Server().Host = "evil.example"
	assert.Equal(t, "k8s.example", c.Server().Host)
}

func TestWrappersOrder(t *testing.T) {
	var order []string
	wrap := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return rtFunc(func(r *http.Request) (*http.Response, error) {
				order = append(order, name)
				return next.RoundTrip(r)
			})
		}
	}
	f := setup(t, WithWrapper(wrap("inner")), WithWrapper(wrap("outer")))
	f.handle("GET /version", func(w http.ResponseWriter, r *http.Request) { writeJSON(t, w, map[string]string{}) })
	require.NoError(t, f.client.Get().AbsPath("/version").Do(testCtx(t)).Err())
	assert.Equal(t, []string{"outer", "inner"}, order)
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLoggingWithoutSecrets(t *testing.T) {
	const secret = "s3cret-bearer-token"
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := setup(t, WithLogger(logger), WithWrapper(func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", "Bearer "+secret)
			return next.RoundTrip(r)
		})
	}))
	calls := 0
	f.handle("GET /api/v1/namespaces/ns/secrets/db", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "Bearer "+secret, r.Header.Get("Authorization"))
		calls++
		if calls == 1 {
			w.Header().Set("Retry-After", "1")
			writeStatus(t, w, metav1.Status{Code: 429, Reason: metav1.StatusReasonTooManyRequests, Message: "slow down"})
			return
		}
		w.Header().Add("Warning", `299 - "deprecated"`)
		writeStatus(t, w, metav1.Status{Code: 403, Reason: metav1.StatusReasonForbidden, Message: forbiddenMsg})
	})
	err := f.client.Get().Version("v1").Namespace("ns").Resource("secrets").Name("db").
		Header("Authorization", "Bearer "+secret).Header("X-Api-Key", secret).Do(testCtx(t)).Err()
	require.True(t, IsForbidden(err))
	assert.Equal(t, forbiddenMsg, err.Error())

	out := logs.String()
	assert.NotContains(t, out, secret)
	assert.NotContains(t, out, "Authorization")
	assert.Contains(t, out, `"method":"GET"`)
	assert.Contains(t, out, `/api/v1/namespaces/ns/secrets/db`)
	assert.Contains(t, out, `"status":429`)
	assert.Contains(t, out, `"status":403`)
	assert.Contains(t, out, `"latency"`)
	assert.Contains(t, out, "retrying request")
	assert.Contains(t, out, `"level":"WARN","msg":"server warning","text":"deprecated"`)
	assert.Equal(t, 2, strings.Count(out, `"msg":"request"`))
}

func TestSilentByDefault(t *testing.T) {
	f := setup(t)
	f.handle("GET /version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Warning", `299 - "deprecated"`)
		writeJSON(t, w, map[string]string{})
	})
	var logs syncBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	require.NoError(t, f.client.Get().AbsPath("/version").Do(testCtx(t)).Err())
	assert.Empty(t, logs.String(), "the client never writes to the global logger")
}

func TestErrorsNeverShowHeaders(t *testing.T) {
	const secret = "s3cret-bearer-token"
	c := newOffline(t, "http://127.0.0.1:1", WithMaxRetries(0), WithRateLimit(-1, 0))
	err := c.Get().Version("v1").Resource("pods").Header("Authorization", "Bearer "+secret).Do(testCtx(t)).Err()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	err = c.Get().Version("v1").Resource("pods").Header("Authorization", "Bearer "+secret+"\n").Do(testCtx(t)).Err()
	var re *RequestError
	require.True(t, errors.As(err, &re))
	assert.NotContains(t, err.Error(), secret)
}
