package rest

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenBucketReservations(t *testing.T) {
	now := time.Unix(1000, 0)
	b := newTokenBucket(10, 2)
	b.now = func() time.Time { return now }

	assert.Zero(t, b.reserve(), "burst token 1")
	assert.Zero(t, b.reserve(), "burst token 2")
	assert.Equal(t, 100*time.Millisecond, b.reserve(), "the third waits a tenth of a second")
	assert.Equal(t, 200*time.Millisecond, b.reserve(), "the fourth queues behind it")
	b.cancel()
	assert.Equal(t, 200*time.Millisecond, b.reserve(), "a cancelled reservation gives its token back")

	now = now.Add(time.Hour)
	assert.Zero(t, b.reserve(), "the bucket refills up to burst")
	assert.Zero(t, b.reserve())
	assert.Equal(t, 100*time.Millisecond, b.reserve())
}

func TestRateLimitBurstThenWait(t *testing.T) {
	f := setup(t, WithRateLimit(10, 3))
	var n atomic.Int32
	f.handle("GET /version", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(t, w, map[string]string{"gitVersion": "v1.35.0"})
	})
	ctx := testCtx(t)
	start := time.Now()
	for range 3 {
		require.NoError(t, f.client.Get().AbsPath("/version").Do(ctx).Err())
	}
	assert.Less(t, time.Since(start), 180*time.Millisecond, "the burst goes at once (without it: 200ms)")
	start = time.Now()
	for range 2 {
		require.NoError(t, f.client.Get().AbsPath("/version").Do(ctx).Err())
	}
	assert.GreaterOrEqual(t, time.Since(start), 180*time.Millisecond, "then 10 a second")
	assert.Equal(t, int32(5), n.Load())
}

func TestRateLimitCancelReturnsPromptly(t *testing.T) {
	f := setup(t, WithRateLimit(0.1, 1))
	var n atomic.Int32
	f.handle("GET /version", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(t, w, map[string]string{})
	})
	f.handle("GET /api/v1/pods", func(w http.ResponseWriter, r *http.Request) {
		t.Error("a watch must wait for a token too")
	})
	require.NoError(t, f.client.Get().AbsPath("/version").Do(testCtx(t)).Err())

	ctx, cancel := context.WithCancel(testCtx(t))
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	err := f.client.Get().AbsPath("/version").Do(ctx).Err()
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 3*time.Second)

	ctx, cancel = context.WithTimeout(testCtx(t), 20*time.Millisecond)
	defer cancel()
	_, err = f.client.Get().Version("v1").Resource("pods").Watch(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	_, err = f.client.Get().Version("v1").Resource("pods").Stream(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), n.Load())
}

func TestRateLimitDefaults(t *testing.T) {
	c := newOffline(t, "https://k8s.example")
	require.NotNil(t, c.limiter)
	assert.Equal(t, float64(DefaultQPS), c.limiter.qps)
	assert.Equal(t, float64(DefaultBurst), c.limiter.burst)

	c = newOffline(t, "https://k8s.example", WithRateLimit(50, 0))
	assert.Equal(t, 50.0, c.limiter.qps)
	assert.Equal(t, float64(DefaultBurst), c.limiter.burst)

	c = newOffline(t, "https://k8s.example", WithRateLimit(-1, 0))
	assert.Nil(t, c.limiter, "a negative QPS disables the limit")
}
