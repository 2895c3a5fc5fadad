package workqueue_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/controller/workqueue"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestDeduplicates(t *testing.T) {
	ctx := ctxT(t)
	q := workqueue.New[string]()
	q.Add("a")
	q.Add("b")
	q.Add("a")
	assert.Equal(t, 2, q.Len())
	k, ok := q.Get(ctx)
	require.True(t, ok)
	assert.Equal(t, "a", k)
	// added while processing: not handed out until Done
	q.Add("a")
	k, _ = q.Get(ctx)
	assert.Equal(t, "b", k)
	assert.Equal(t, 0, q.Len())
	q.Done("a")
	assert.Equal(t, 1, q.Len(), "re-queued after Done")
	k, _ = q.Get(ctx)
	assert.Equal(t, "a", k)
	q.Done("a")
	q.Done("b")
	q.Done("nope")
	assert.Equal(t, 0, q.Len())
}

func TestGetHonoursContext(t *testing.T) {
	q := workqueue.New[int]()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, ok := q.Get(ctx)
	assert.False(t, ok)
}

func TestAddAfter(t *testing.T) {
	ctx := ctxT(t)
	q := workqueue.New[string]()
	start := time.Now()
	q.AddAfter("late", time.Hour)
	q.AddAfter("late", 20*time.Millisecond) // moved earlier
	q.AddAfter("now", 0)
	k, _ := q.Get(ctx)
	assert.Equal(t, "now", k)
	k, _ = q.Get(ctx)
	assert.Equal(t, "late", k)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	assert.Less(t, time.Since(start), time.Hour)
}

func TestAddRateLimitedBacksOff(t *testing.T) {
	ctx := ctxT(t)
	var retries atomic.Int32
	q := workqueue.New[string](workqueue.WithBackoff(time.Millisecond, 8*time.Millisecond), workqueue.WithRateLimit(-1, 0),
		workqueue.WithMetrics(workqueue.Metrics{Retry: func() { retries.Add(1) }}))
	var waits []time.Duration
	for range 6 {
		start := time.Now()
		q.AddRateLimited("k")
		k, ok := q.Get(ctx)
		require.True(t, ok)
		waits = append(waits, time.Since(start))
		q.Done(k)
	}
	assert.Equal(t, 6, q.NumRequeues("k"))
	assert.EqualValues(t, 6, retries.Load())
	assert.GreaterOrEqual(t, waits[3], 8*time.Millisecond, "1, 2, 4, 8ms")
	assert.GreaterOrEqual(t, waits[5], 8*time.Millisecond, "capped, not 32ms: %v", waits)
	q.Forget("k")
	assert.Equal(t, 0, q.NumRequeues("k"))
}

func TestTokenBucketLimitsRetries(t *testing.T) {
	ctx := ctxT(t)
	q := workqueue.New[int](workqueue.WithBackoff(time.Nanosecond, 0), workqueue.WithRateLimit(100, 2))
	start := time.Now()
	for i := range 5 {
		q.AddRateLimited(i)
	}
	for range 5 {
		_, ok := q.Get(ctx)
		require.True(t, ok)
	}
	// 2 from the burst, 3 more at 100/s
	assert.GreaterOrEqual(t, time.Since(start), 25*time.Millisecond)
}

func TestShutDown(t *testing.T) {
	ctx := ctxT(t)
	q := workqueue.New[string]()
	q.Add("a")
	q.AddAfter("b", time.Hour)
	got := make(chan bool)
	go func() {
		q.Get(ctx) // a
		_, ok := q.Get(ctx)
		got <- ok
	}()
	q.ShutDown()
	assert.False(t, <-got)
	assert.True(t, q.ShuttingDown())
	q.Add("c")
	_, ok := q.Get(ctx)
	assert.False(t, ok)
	q.ShutDown()
}

func TestShutDownWithDrainWaitsForInFlight(t *testing.T) {
	ctx := ctxT(t)
	q := workqueue.New[string]()
	q.Add("a")
	q.Add("b")
	k, _ := q.Get(ctx) // a, in flight
	drained := make(chan error)
	go func() { drained <- q.ShutDownWithDrain(ctx) }()
	// b is still handed out during the drain
	k2, ok := q.Get(ctx)
	require.True(t, ok)
	assert.Equal(t, "b", k2)
	q.Done(k2)
	select {
	case <-drained:
		t.Fatal("drained with a in flight")
	default:
	}
	q.Done(k)
	require.NoError(t, <-drained)
	_, ok = q.Get(ctx)
	assert.False(t, ok)

	q2 := workqueue.New[string]()
	q2.Add("x")
	q2.Get(ctx)
	short, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, q2.ShutDownWithDrain(short), context.DeadlineExceeded)
}

func TestMetrics(t *testing.T) {
	ctx := ctxT(t)
	var mu sync.Mutex
	var depths []int
	var adds int
	var lat, work []time.Duration
	q := workqueue.New[string](workqueue.WithMetrics(workqueue.Metrics{
		Depth:        func(n int) { mu.Lock(); depths = append(depths, n); mu.Unlock() },
		Add:          func() { mu.Lock(); adds++; mu.Unlock() },
		Latency:      func(d time.Duration) { mu.Lock(); lat = append(lat, d); mu.Unlock() },
		WorkDuration: func(d time.Duration) { mu.Lock(); work = append(work, d); mu.Unlock() },
	}))
	q.Add("a")
	q.Add("a")
	q.Add("b")
	k, _ := q.Get(ctx)
	q.Done(k)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, adds)
	assert.Equal(t, []int{1, 2, 1}, depths)
	assert.Len(t, lat, 1)
	assert.Len(t, work, 1)
}

// Many goroutines adding and taking keys at once: the Depth hook's calls
// never overlap and the last one reports the depth the queue has.
func TestDepthEndsOnCurrentDepth(t *testing.T) {
	ctx := ctxT(t)
	for round := range 20 {
		var inHook atomic.Int32
		var overlapped atomic.Bool
		var last atomic.Int64
		q := workqueue.New[int](workqueue.WithMetrics(workqueue.Metrics{Depth: func(n int) {
			if inHook.Add(1) > 1 {
				overlapped.Store(true)
			}
			last.Store(int64(n))
			time.Sleep(time.Microsecond)
			inHook.Add(-1)
		}}))
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					q.Add(g*1000 + i)
					if i%3 == 0 {
						if k, ok := q.Get(ctx); ok {
							q.Done(k)
						}
					}
				}
			}()
		}
		wg.Wait()
		require.False(t, overlapped.Load(), "round %d: Depth calls overlapped", round)
		require.EqualValues(t, q.Len(), last.Load(), "round %d: the last Depth call is not the queue's depth", round)
	}
}

func TestConcurrentWorkers(t *testing.T) {
	ctx := ctxT(t)
	q := workqueue.New[int]()
	var mu sync.Mutex
	active := map[int]bool{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				k, ok := q.Get(ctx)
				if !ok {
					return
				}
				mu.Lock()
				if active[k] {
					t.Errorf("key %d processed by two workers at once", k)
				}
				active[k] = true
				mu.Unlock()
				mu.Lock()
				active[k] = false
				mu.Unlock()
				q.Done(k)
			}
		})
	}
	for i := range 1000 {
		q.Add(i % 10)
	}
	require.NoError(t, q.ShutDownWithDrain(ctx))
	wg.Wait()
}
