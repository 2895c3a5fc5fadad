// Package workqueue is the work queue of controllers: it deduplicates keys
// (a key added many times before a worker takes it is processed once, and
// a key added while being processed is processed again after Done), delays
// them (AddAfter), rate-limits retries (per-key exponential backoff within
// an overall token bucket) and shuts down with or without draining.
//
// The usual worker loop:
//
//	for {
//		key, ok := q.Get(ctx)
//		if !ok {
//			return
//		}
//		if err := reconcile(ctx, key); err != nil {
//			q.AddRateLimited(key)
//		} else {
//			q.Forget(key)
//		}
//		q.Done(key)
//	}
package workqueue

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// settings are a queue's tunables, set by Options.
type settings struct {
	baseDelay, maxDelay time.Duration
	qps                 float64
	burst               int
	metrics             Metrics
}

// Option configures a queue built by New.
type Option func(*settings)

// WithBackoff sets the first retry delay of a key (each further retry
// doubles it) and the longest. Without it, or for values that are not
// positive, they are 5ms and 1000s.
func WithBackoff(base, max time.Duration) Option {
	return func(s *settings) {
		if base > 0 {
			s.baseDelay = base
		}
		if max > 0 {
			s.maxDelay = max
		}
	}
}

// WithRateLimit sizes the token bucket every retry also waits for, so that
// many failing keys do not hammer the server. Without it the bucket holds
// 100 tokens refilled at 10 per second; a negative qps turns it off, a
// burst that is not positive keeps 100.
func WithRateLimit(qps float64, burst int) Option {
	return func(s *settings) {
		if qps != 0 {
			s.qps = qps
		}
		if burst > 0 {
			s.burst = burst
		}
	}
}

// WithMetrics sets the hooks that receive the queue's measurements; nil
// functions are skipped.
func WithMetrics(m Metrics) Option { return func(s *settings) { s.metrics = m } }

// Metrics are hooks the queue calls with its measurements, under no lock
// of the queue's but synchronously: they must be fast and safe for
// concurrent use.
type Metrics struct {
	// Depth is called with the number of keys waiting for a worker,
	// whenever it changes; calls are serialised, and a depth overtaken by
	// a newer one before its call is not reported, so the last call holds
	// the current depth.
	Depth func(n int)
	// Add is called for each key entering the queue (not for a key already
	// waiting).
	Add func()
	// Latency is called with how long a key waited before a worker took it.
	Latency func(d time.Duration)
	// WorkDuration is called with the time from Get to Done.
	WorkDuration func(d time.Duration)
	// Retry is called for each AddRateLimited.
	Retry func()
}

// Queue is a deduplicating, delaying, rate-limited work queue of keys. It
// is safe for concurrent use. Create it with New.
type Queue[K comparable] struct {
	opts settings

	mu         sync.Mutex
	queue      []K // waiting for a worker, in order
	dirty      map[K]time.Time
	processing map[K]time.Time
	failures   map[K]int
	delayed    delayHeap[K]
	delayedAt  map[K]*delayed[K]
	timer      *time.Timer
	wake       chan struct{} // closed and replaced when a key or shutdown arrives
	shutdown   bool
	draining   bool
	drained    chan struct{}
	bucket     bucket
	depthSeq   uint64 // counts depth changes, under mu

	metricsMu   sync.Mutex // serialises the Depth hook
	reportedSeq uint64     // the newest depth passed to it, under metricsMu
}

// depthReport is the queue's depth at one change, numbered so that a
// report overtaken by a later one is dropped; seq 0 reports nothing.
type depthReport struct {
	seq uint64
	n   int
}

// depthLocked numbers the queue's current depth for reportDepth.
func (q *Queue[K]) depthLocked() depthReport {
	q.depthSeq++
	return depthReport{seq: q.depthSeq, n: len(q.queue)}
}

// reportDepth passes d to the Depth hook unless a later depth has been
// passed already: hooks run outside the queue's lock, so two goroutines'
// reports can arrive in either order, and the hook must end on the newest.
func (q *Queue[K]) reportDepth(d depthReport) {
	if d.seq == 0 || q.opts.metrics.Depth == nil {
		return
	}
	q.metricsMu.Lock()
	defer q.metricsMu.Unlock()
	if d.seq <= q.reportedSeq {
		return
	}
	q.reportedSeq = d.seq
	q.opts.metrics.Depth(d.n)
}

// New returns an empty queue.
func New[K comparable](opts ...Option) *Queue[K] {
	o := settings{baseDelay: 5 * time.Millisecond, maxDelay: 1000 * time.Second, qps: 10, burst: 100}
	for _, opt := range opts {
		opt(&o)
	}
	return &Queue[K]{
		opts:       o,
		dirty:      map[K]time.Time{},
		processing: map[K]time.Time{},
		failures:   map[K]int{},
		delayedAt:  map[K]*delayed[K]{},
		wake:       make(chan struct{}),
		drained:    make(chan struct{}),
		bucket:     bucket{qps: o.qps, burst: float64(o.burst), tokens: float64(o.burst)},
	}
}

// Add queues key unless it is already waiting. A key being processed is
// queued again once Done is called for it. Keys added after a shutdown are
// dropped.
func (q *Queue[K]) Add(key K) {
	q.mu.Lock()
	depth, added := q.addLocked(key)
	q.mu.Unlock()
	q.report(depth, added)
}

func (q *Queue[K]) addLocked(key K) (depth depthReport, added bool) {
	if q.shutdown {
		return depthReport{}, false
	}
	if _, ok := q.dirty[key]; ok {
		return depthReport{}, false
	}
	q.dirty[key] = time.Now()
	if _, busy := q.processing[key]; busy {
		return depthReport{}, true
	}
	q.queue = append(q.queue, key)
	q.wakeLocked()
	return q.depthLocked(), true
}

func (q *Queue[K]) report(depth depthReport, added bool) {
	if added && q.opts.metrics.Add != nil {
		q.opts.metrics.Add()
	}
	q.reportDepth(depth)
}

func (q *Queue[K]) wakeLocked() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// Get blocks until a key is ready and returns it; the caller must call
// Done with it when finished. It returns false when the queue is shut
// down (after ShutDownWithDrain: once no key is left) or ctx ends.
func (q *Queue[K]) Get(ctx context.Context) (key K, ok bool) {
	for {
		q.mu.Lock()
		if len(q.queue) > 0 && (!q.shutdown || q.draining) {
			key = q.queue[0]
			var zero K
			q.queue[0] = zero
			q.queue = q.queue[1:]
			now := time.Now()
			added := q.dirty[key]
			delete(q.dirty, key)
			q.processing[key] = now
			depth := q.depthLocked()
			q.mu.Unlock()
			if q.opts.metrics.Latency != nil {
				q.opts.metrics.Latency(now.Sub(added))
			}
			q.reportDepth(depth)
			return key, true
		}
		if q.shutdown {
			q.mu.Unlock()
			return key, false
		}
		wake := q.wake
		q.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return key, false
		}
	}
}

// Done marks key as processed. If it was added again meanwhile, it is
// queued again now.
func (q *Queue[K]) Done(key K) {
	q.mu.Lock()
	started, ok := q.processing[key]
	if !ok {
		q.mu.Unlock()
		return
	}
	delete(q.processing, key)
	var depth depthReport
	if _, again := q.dirty[key]; again {
		q.queue = append(q.queue, key)
		depth = q.depthLocked()
		q.wakeLocked()
	}
	q.checkDrainedLocked()
	q.mu.Unlock()
	if q.opts.metrics.WorkDuration != nil {
		q.opts.metrics.WorkDuration(time.Since(started))
	}
	q.report(depth, false)
}

// AddAfter queues key once d has passed (at once when d <= 0). A key
// already waiting for a later time is moved to the earlier one.
func (q *Queue[K]) AddAfter(key K, d time.Duration) {
	if d <= 0 {
		q.Add(key)
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shutdown {
		return
	}
	at := time.Now().Add(d)
	if e, ok := q.delayedAt[key]; ok {
		if at.Before(e.at) {
			e.at = at
			heap.Fix(&q.delayed, e.index)
		}
	} else {
		e := &delayed[K]{key: key, at: at}
		heap.Push(&q.delayed, e)
		q.delayedAt[key] = e
	}
	q.armLocked()
}

// armLocked sets the timer for the earliest delayed key.
func (q *Queue[K]) armLocked() {
	if len(q.delayed) == 0 {
		return
	}
	d := time.Until(q.delayed[0].at)
	if q.timer == nil {
		q.timer = time.AfterFunc(d, q.fire)
	} else {
		q.timer.Reset(d)
	}
}

// fire queues the delayed keys whose time has come.
func (q *Queue[K]) fire() {
	q.mu.Lock()
	now := time.Now()
	var depth depthReport
	added := 0
	for len(q.delayed) > 0 && !q.delayed[0].at.After(now) {
		e := heap.Pop(&q.delayed).(*delayed[K])
		delete(q.delayedAt, e.key)
		if d, ok := q.addLocked(e.key); ok {
			added++
			if d.seq != 0 {
				depth = d
			}
		}
	}
	if !q.shutdown {
		q.armLocked()
	}
	q.mu.Unlock()
	for range added {
		q.report(depthReport{}, true)
	}
	if added > 0 {
		q.report(depth, false)
	}
}

// AddRateLimited queues key after its backoff: BaseDelay doubled for each
// retry since the last Forget, capped at MaxDelay, and no sooner than the
// token bucket allows.
func (q *Queue[K]) AddRateLimited(key K) {
	q.mu.Lock()
	n := q.failures[key]
	q.failures[key] = n + 1
	d := q.opts.baseDelay
	for i := 0; i < n && d < q.opts.maxDelay; i++ {
		d *= 2
	}
	d = min(d, q.opts.maxDelay)
	if q.opts.qps > 0 {
		d = max(d, q.bucket.reserve(time.Now()))
	}
	q.mu.Unlock()
	if q.opts.metrics.Retry != nil {
		q.opts.metrics.Retry()
	}
	q.AddAfter(key, d)
}

// Forget clears key's retry count, ending its backoff; call it when key
// was processed successfully.
func (q *Queue[K]) Forget(key K) {
	q.mu.Lock()
	delete(q.failures, key)
	q.mu.Unlock()
}

// NumRequeues returns how many times key was rate-limited since the last
// Forget.
func (q *Queue[K]) NumRequeues(key K) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.failures[key]
}

// Len returns the number of keys waiting for a worker (not counting
// delayed ones and those being processed).
func (q *Queue[K]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queue)
}

// ShutDown stops the queue: Get returns false from now on, waiting and
// delayed keys are dropped, and later adds are ignored.
func (q *Queue[K]) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.stopLocked()
}

func (q *Queue[K]) stopLocked() {
	if !q.shutdown {
		q.shutdown = true
		q.wakeLocked()
	}
	if q.timer != nil {
		q.timer.Stop()
	}
	q.delayed, q.delayedAt = nil, map[K]*delayed[K]{}
}

// ShutDownWithDrain stops taking new keys and waits until the keys already
// waiting have been handed out and every key handed out is Done, or ctx
// ends (its error is returned then, and the queue is shut down). Delayed
// keys are dropped. Workers must keep calling Get until it returns false.
func (q *Queue[K]) ShutDownWithDrain(ctx context.Context) error {
	q.mu.Lock()
	q.draining = true
	q.stopLocked()
	q.checkDrainedLocked()
	q.mu.Unlock()
	select {
	case <-q.drained:
		return nil
	case <-ctx.Done():
		q.mu.Lock()
		q.draining = false
		q.wakeLocked()
		q.mu.Unlock()
		return ctx.Err()
	}
}

func (q *Queue[K]) checkDrainedLocked() {
	if q.draining && len(q.processing) == 0 && len(q.queue) == 0 {
		select {
		case <-q.drained:
		default:
			close(q.drained)
		}
		q.draining = false
		q.wakeLocked()
	}
}

// ShuttingDown reports whether ShutDown or ShutDownWithDrain was called.
func (q *Queue[K]) ShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shutdown
}

// delayed is a key waiting for its time.
type delayed[K comparable] struct {
	key   K
	at    time.Time
	index int
}

type delayHeap[K comparable] []*delayed[K]

func (h delayHeap[K]) Len() int           { return len(h) }
func (h delayHeap[K]) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h delayHeap[K]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *delayHeap[K]) Push(x any) {
	e := x.(*delayed[K])
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *delayHeap[K]) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// bucket is a token bucket that hands out reservations: the wait until
// the reserved token is available.
type bucket struct {
	qps, burst, tokens float64
	last               time.Time
}

func (b *bucket) reserve(now time.Time) time.Duration {
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.qps)
	}
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.qps * float64(time.Second))
}
