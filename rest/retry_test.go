package rest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
)

// failThen answers the first n requests with fail and the rest with ok,
// counting them.
func failThen(n int32, count *atomic.Int32, fail, ok http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			fail(w, r)
			return
		}
		ok(w, r)
	}
}

func tooManyRequests(t *testing.T, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeStatus(t, w, metav1.Status{Code: 429, Reason: metav1.StatusReasonTooManyRequests, Message: "too many requests, please try again later"})
	}
}

func internalError(t *testing.T, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeStatus(t, w, metav1.Status{Code: 500, Reason: metav1.StatusReasonInternalError, Message: msg})
	}
}

func okJSON(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, object{Kind: "ConfigMap", Metadata: objectMeta{Name: "cm"}})
	}
}

// resetConn closes the connection without answering.
func resetConn(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if !assert.NoError(t, err) {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST rather than FIN
		}
		conn.Close()
	}
}

func TestRetryTooManyRequests(t *testing.T) {
	date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		retryAfter string
		wantMin    time.Duration
		wantMax    time.Duration
	}{
		{"seconds", "2", 2 * time.Second, 2 * time.Second},
		{"http date", date, 1 * time.Second, 3 * time.Second},
		{"capped", "120", MaxRetryWait, MaxRetryWait},
		{"no header backs off", "", backoffBase, 2 * backoffBase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			var n atomic.Int32
			f.handle("GET /api/v1/namespaces/ns/configmaps/cm", failThen(1, &n, tooManyRequests(t, tt.retryAfter), okJSON(t)))
			var obj object
			require.NoError(t, f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm").Into(testCtx(t), &obj))
			assert.Equal(t, "cm", obj.Metadata.Name)
			assert.Equal(t, int32(2), n.Load())
			waits := f.recordedWaits()
			require.Len(t, waits, 1)
			assert.GreaterOrEqual(t, waits[0], tt.wantMin)
			assert.LessOrEqual(t, waits[0], tt.wantMax)
		})
	}
}

func TestRetryServerErrorsThenSuccess(t *testing.T) {
	f := setup(t)
	var n atomic.Int32
	f.handle("GET /api/v1/namespaces/ns/configmaps/cm", failThen(3, &n, internalError(t, "etcd is sad"), okJSON(t)))
	res := f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm").Do(testCtx(t))
	require.NoError(t, res.Err())
	assert.Equal(t, int32(4), n.Load())
	waits := f.recordedWaits()
	require.Len(t, waits, 3)
	assert.Less(t, waits[0], waits[2], "the backoff grows")
}

func TestRetryExhaustedReturnsLastError(t *testing.T) {
	f := setup(t, WithMaxRetries(2))
	var n atomic.Int32
	f.handle("GET /api/v1/pods", func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		w.Header().Set("Retry-After", "1")
		writeStatus(t, w, metav1.Status{Code: 503, Reason: metav1.StatusReasonServiceUnavailable, Message: "attempt " + string('0'+rune(i))})
	})
	err := f.client.Get().Version("v1").Resource("pods").Do(testCtx(t)).Err()
	assert.True(t, IsServiceUnavailable(err))
	assert.Equal(t, "attempt 3", err.Error())
	assert.Equal(t, int32(3), n.Load())
	assert.Equal(t, []time.Duration{time.Second, time.Second}, f.recordedWaits())
}

func TestRetryDisabled(t *testing.T) {
	f := setup(t, WithMaxRetries(0))
	var n atomic.Int32
	f.handle("GET /api/v1/pods", failThen(1, &n, tooManyRequests(t, "1"), okJSON(t)))
	assert.True(t, IsTooManyRequests(f.client.Get().Version("v1").Resource("pods").Do(testCtx(t)).Err()))
	assert.Equal(t, int32(1), n.Load())
}

func TestWritesNotRetriedOnAmbiguousFailures(t *testing.T) {
	f := setup(t)
	var n500, nReset atomic.Int32
	f.handle("POST /api/v1/namespaces/ns/configmaps", failThen(1, &n500, internalError(t, "boom"), okJSON(t)))
	f.handle("PATCH /api/v1/namespaces/ns/configmaps/cm", failThen(1, &nReset, resetConn(t), okJSON(t)))
	ctx := testCtx(t)

	err := f.client.Post().Version("v1").Namespace("ns").Resource("configmaps").Body(object{Kind: "ConfigMap"}).Do(ctx).Err()
	assert.True(t, IsInternalError(err), "a POST is not retried on a 500 without Retry-After: %v", err)
	assert.Equal(t, int32(1), n500.Load())

	err = f.client.Patch(MergePatch).Version("v1").Namespace("ns").Resource("configmaps").Name("cm").
		BodyBytes([]byte(`{"data":{"a":"b"}}`), "").Do(ctx).Err()
	require.Error(t, err, "a PATCH is not retried on a connection reset")
	var se *StatusError
	assert.False(t, errors.As(err, &se))
	assert.Equal(t, int32(1), nReset.Load())
	assert.Empty(t, f.recordedWaits())
}

func TestPostNotRetriedOnConnectionReset(t *testing.T) {
	f := setup(t)
	var n atomic.Int32
	f.handle("POST /api/v1/namespaces/ns/pods", failThen(1, &n, resetConn(t), okJSON(t)))
	err := f.client.Post().Version("v1").Namespace("ns").Resource("pods").Body(object{Kind: "Pod"}).Do(testCtx(t)).Err()
	require.Error(t, err)
	assert.Equal(t, int32(1), n.Load())
}

func TestGetRetriedOnConnectionReset(t *testing.T) {
	f := setup(t)
	var n atomic.Int32
	f.handle("GET /api/v1/namespaces/ns/configmaps/cm", failThen(2, &n, resetConn(t), okJSON(t)))
	var obj object
	require.NoError(t, f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm").Into(testCtx(t), &obj))
	assert.Equal(t, int32(3), n.Load())
}

func TestRetryReplaysBodyIdentically(t *testing.T) {
	f := setup(t)
	var mu sync.Mutex
	var bodies [][]byte
	var n atomic.Int32
	record := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			assert.NoError(t, err)
			mu.Lock()
			bodies = append(bodies, b)
			mu.Unlock()
			next(w, r)
		}
	}
	unavailable := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		writeStatus(t, w, metav1.Status{Code: 503, Reason: metav1.StatusReasonServiceUnavailable, Message: "not ready"})
	}
	f.handle("PATCH /apis/apps/v1/namespaces/ns/deployments/web", record(failThen(1, &n, tooManyRequests(t, "1"), okJSON(t))))
	var n2 atomic.Int32
	f.handle("POST /api/v1/namespaces/ns/configmaps", record(failThen(2, &n2, unavailable, okJSON(t))))
	ctx := testCtx(t)

	patch := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n")
	require.NoError(t, f.client.Patch(ApplyPatch).Group("apps").Version("v1").Namespace("ns").Resource("deployments").Name("web").
		FieldManager("test").BodyBytes(patch, "").Do(ctx).Err())
	obj := object{Kind: "ConfigMap", Metadata: objectMeta{Name: "cm"}, Data: map[string]string{"k": "v"}}
	require.NoError(t, f.client.Post().Version("v1").Namespace("ns").Resource("configmaps").Body(obj).Do(ctx).Err())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 5)
	assert.Equal(t, patch, bodies[0])
	assert.Equal(t, patch, bodies[1])
	assert.NotEmpty(t, bodies[2])
	assert.True(t, bytes.Equal(bodies[2], bodies[3]) && bytes.Equal(bodies[3], bodies[4]))
}

func TestContextDeadlineOnSlowServer(t *testing.T) {
	f := setup(t)
	f.handle("GET /api/v1/pods", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	ctx, cancel := context.WithTimeout(testCtx(t), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := f.client.Get().Version("v1").Resource("pods").Do(ctx).Err()
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 3*time.Second)
}

func TestConfigTimeout(t *testing.T) {
	f := setupWith(t, fixtureOptions{cfg: config.Config{Timeout: 50 * time.Millisecond}})
	f.handle("GET /api/v1/pods", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	f.handle("GET /api/v1/configmaps", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "true", r.URL.Query().Get("watch"))
		w.Header().Set("Content-Type", "application/json")
		w.(http.Flusher).Flush()
		time.Sleep(150 * time.Millisecond) // longer than cfg.Timeout
		io.WriteString(w, `{"type":"ADDED","object":{"kind":"ConfigMap"}}`)
	})
	start := time.Now()
	err := f.client.Get().Version("v1").Resource("pods").Do(testCtx(t)).Err()
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 3*time.Second)

	w, err := f.client.Get().Version("v1").Resource("configmaps").Watch(testCtx(t))
	require.NoError(t, err)
	defer w.Close()
	ev, err := w.Next()
	require.NoError(t, err, "cfg.Timeout does not cut a watch short")
	assert.Equal(t, EventAdded, ev.Type)
}

func TestContextEndsRetryWait(t *testing.T) {
	f := setupWith(t, fixtureOptions{realWait: true})
	f.handle("GET /api/v1/pods", tooManyRequests(t, "5"))
	ctx, cancel := context.WithTimeout(testCtx(t), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := f.client.Get().Version("v1").Resource("pods").Do(ctx).Err()
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, IsTooManyRequests(err), "the error keeps the response that was to be retried: %v", err)
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestRetryableConnError(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	assert.True(t, retryableConnError(http.MethodGet, io.EOF))
	assert.True(t, retryableConnError(http.MethodGet, reset))
	assert.False(t, retryableConnError(http.MethodPost, io.EOF))
	assert.False(t, retryableConnError(http.MethodPatch, reset))
	assert.False(t, retryableConnError(http.MethodGet, context.Canceled))
}

func TestConnectionRefusedRetriedForAnyMethod(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c, err := New(&config.Config{Server: "http://" + addr}, WithTransport(&http.Transport{}), WithMaxRetries(2), WithRateLimit(-1, 0))
	require.NoError(t, err)
	var waits atomic.Int32
	c.wait = func(ctx context.Context, d time.Duration) error { waits.Add(1); return nil }
	err = c.Post().Version("v1").Resource("nodes").Body(object{}).Do(testCtx(t)).Err()
	require.Error(t, err)
	assert.Equal(t, int32(2), waits.Load())
}
