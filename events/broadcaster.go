// Package events records Kubernetes Events about objects, as client-go's
// k8s.io/client-go/tools/events does: a Broadcaster owns the queue and the
// writes, Recorders made from it report what a controller did to an
// object.
//
//	b, err := events.NewBroadcaster(c)
//	b.Start(ctx)
//	defer b.Shutdown(context.Background())
//	rec := b.NewRecorder("example.com/my-controller")
//	rec.Eventf(pod, nil, events.Normal, "Scaled", "Scale", "scaled to %d", 3)
//
// The semantics are client-go's:
//
//   - Events are events.k8s.io/v1 Events, written through the API. A
//     server that does not serve events.k8s.io/v1 (discovery says so, or
//     the first write is answered 404 for the resource) gets core/v1
//     Events instead, with the same content in that API's fields.
//   - Repeats are folded into a series. An event isomorphic to one
//     recorded less than the series window ago (same regarding and
//     related object, type, reason, action, reporting controller and
//     instance, and note) does not create a new Event: the second one
//     sets series.count 2 and series.lastObservedTime on the first by a
//     patch; later ones only count, and the count is written by a
//     heartbeat, when the series ends (no repeat for the window) and at
//     Shutdown. client-go leaves the note out of the key, so different
//     notes fold into one Event there; here they do not.
//   - Each source (reporting controller and instance) may report a burst
//     of 25 events about one object, then one every 5 minutes (a token
//     bucket per source and object, client-go's spam filter); the rest
//     are dropped and counted.
//   - Recording never blocks: Eventf puts the event on a bounded queue
//     (1000 by default) and returns; when the queue is full because the
//     server is slow or down, the event is dropped and counted (Stats).
//     Writes that fail for the server's or the network's sake are retried
//     (12 tries, 10 s apart by default); rejected ones are counted and
//     dropped.
//   - Shutdown stops recording, writes what is queued and the counts of
//     open series, and waits for that within its context.
//
// Code that records events can take an EventRecorder, which a
// FakeRecorder satisfies in unit tests.
package events

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/rest"
)

// The two event types the API accepts.
const (
	// Normal is an event about things going as expected.
	Normal = "Normal"
	// Warning is an event about something that may need attention.
	Warning = "Warning"
)

// Defaults, as client-go's.
const (
	// DefaultQueueSize is the number of events that may wait to be
	// written before new ones are dropped.
	DefaultQueueSize = 1000
	// DefaultSpamBurst and DefaultSpamQPS are the token bucket of each
	// source and object: 25 events at once, then one per 300 s.
	DefaultSpamBurst = 25
	DefaultSpamQPS   = 1.0 / 300
	// DefaultMaxTries is how often a write that failed for the server's or
	// the network's sake is tried before the event is given up.
	DefaultMaxTries = 12
	// DefaultRetryWait is the wait between tries, with up to 25% jitter.
	DefaultRetryWait = 10 * time.Second
	// DefaultSeriesWindow is how long after its last occurrence an event
	// still folds repeats; an open series' count is written when it ends.
	DefaultSeriesWindow = 6 * time.Minute
	// DefaultHeartbeat is the period at which the counts of open series
	// are written.
	DefaultHeartbeat = 30 * time.Minute
)

// Option configures a Broadcaster.
type Option func(*settings) error

type settings struct {
	queue        int
	spamQPS      float64
	spamBurst    int
	maxTries     int
	retryWait    time.Duration
	window       time.Duration
	heartbeat    time.Duration
	log          *slog.Logger
	cacheEntries int
}

// WithQueueSize sets how many events may wait to be written (default
// DefaultQueueSize); n must be positive.
func WithQueueSize(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return &rest.ConfigError{Field: "events.WithQueueSize", Reason: "must be positive"}
		}
		s.queue = n
		return nil
	}
}

// WithSpamFilter sets the token bucket of each source and object: burst
// events at once, refilled at qps per second (defaults DefaultSpamBurst and
// DefaultSpamQPS). A negative qps turns the filter off.
func WithSpamFilter(qps float64, burst int) Option {
	return func(s *settings) error {
		if qps >= 0 && burst < 1 {
			return &rest.ConfigError{Field: "events.WithSpamFilter", Reason: "burst must be positive"}
		}
		s.spamQPS, s.spamBurst = qps, burst
		return nil
	}
}

// WithRetry sets how many times a write that failed for the server's or
// the network's sake is tried, and the wait between tries (defaults
// DefaultMaxTries, DefaultRetryWait). tries must be positive and wait not
// negative.
func WithRetry(tries int, wait time.Duration) Option {
	return func(s *settings) error {
		if tries < 1 || wait < 0 {
			return &rest.ConfigError{Field: "events.WithRetry", Reason: "tries must be positive and wait not negative"}
		}
		s.maxTries, s.retryWait = tries, wait
		return nil
	}
}

// WithSeries sets the series window (how long after its last occurrence an
// event folds repeats) and the heartbeat at which open series' counts are
// written (defaults DefaultSeriesWindow, DefaultHeartbeat). Both must be
// positive.
func WithSeries(window, heartbeat time.Duration) Option {
	return func(s *settings) error {
		if window <= 0 || heartbeat <= 0 {
			return &rest.ConfigError{Field: "events.WithSeries", Reason: "window and heartbeat must be positive"}
		}
		s.window, s.heartbeat = window, heartbeat
		return nil
	}
}

// WithLogger receives every event recorded (Debug, as client-go's
// StartLogging), the writes that failed (Warn) and the events given up or
// not recorded (Error); nil, the default, discards them.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.log = l
		return nil
	}
}

// Stats counts what happened to the events recorded so far.
type Stats struct {
	// Queued is the number of events accepted onto the queue.
	Queued uint64
	// Dropped is the number of events dropped because the queue was full
	// (the server slow or down) or the Broadcaster shut down.
	Dropped uint64
	// RateLimited is the number of events the spam filter dropped.
	RateLimited uint64
	// Invalid is the number of events not recorded because they could not
	// be: an event type other than Normal or Warning, an object with no
	// reference.
	Invalid uint64
	// Folded is the number of events counted into an existing series
	// instead of being written as new Events.
	Folded uint64
	// Created and Patched count the server's successful answers: Events
	// created, series counts written.
	Created, Patched uint64
	// Failed is the number of writes given up: rejected by the server, or
	// failing after every try.
	Failed uint64
	// Pending is the number of events waiting on the queue now.
	Pending int
}

// Broadcaster writes the events of its Recorders to the API server. Create
// it with NewBroadcaster, call Start, and Shutdown when done. Its methods
// are safe for concurrent use.
type Broadcaster struct {
	rc  *rest.Client
	set settings
	log *slog.Logger

	queue chan *eventsv1.Event

	mu       sync.Mutex
	started  bool
	stopping chan context.Context // Shutdown hands the flush its context
	done     chan struct{}        // closed when the worker has returned

	// closing orders enqueues before Shutdown's drain: an event is either
	// on the queue before the worker drains it, or dropped.
	closing sync.RWMutex
	closed  bool

	api atomic.Value // string: the API written to, once decided

	queued, dropped, rateLimited, invalid, folded, created, patched, failed atomic.Uint64
}

// NewBroadcaster returns a Broadcaster writing through c. The error is a
// *rest.ConfigError for a nil client or an option that cannot be used.
func NewBroadcaster(c *rest.Client, opts ...Option) (*Broadcaster, error) {
	if c == nil {
		return nil, &rest.ConfigError{Field: "events.NewBroadcaster", Reason: "nil client"}
	}
	s := settings{
		queue: DefaultQueueSize, spamQPS: DefaultSpamQPS, spamBurst: DefaultSpamBurst,
		maxTries: DefaultMaxTries, retryWait: DefaultRetryWait,
		window: DefaultSeriesWindow, heartbeat: DefaultHeartbeat, cacheEntries: 4096,
	}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	b := &Broadcaster{
		rc: c, set: s, log: s.log,
		queue:    make(chan *eventsv1.Event, s.queue),
		stopping: make(chan context.Context, 1),
		done:     make(chan struct{}),
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	return b, nil
}

// Start starts writing events in the background until ctx ends or
// Shutdown is called. Events recorded before Start wait on the queue.
// When ctx ends, what is queued is abandoned: Shutdown is the graceful
// end. A second call does nothing.
func (b *Broadcaster) Start(ctx context.Context) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started {
		return
	}
	b.started = true
	w := newWorker(b)
	go func() {
		defer close(b.done)
		w.run(ctx)
	}()
}

// Shutdown stops recording (later events are dropped and counted), writes
// the queued events and the counts of open series, and returns when that
// is done or ctx ends, with ctx's error then. Writes are not retried
// during Shutdown. It may be called without Start, and more than once.
func (b *Broadcaster) Shutdown(ctx context.Context) error {
	b.closing.Lock()
	b.closed = true
	b.closing.Unlock()
	b.mu.Lock()
	if !b.started {
		b.started = true
		w := newWorker(b)
		go func() {
			defer close(b.done)
			w.run(context.Background())
		}()
	}
	select {
	case b.stopping <- ctx:
	default: // already shutting down
	}
	b.mu.Unlock()
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns the counts of what happened to the events so far.
func (b *Broadcaster) Stats() Stats {
	return Stats{
		Queued: b.queued.Load(), Dropped: b.dropped.Load(), RateLimited: b.rateLimited.Load(),
		Invalid: b.invalid.Load(), Folded: b.folded.Load(), Created: b.created.Load(),
		Patched: b.patched.Load(), Failed: b.failed.Load(), Pending: len(b.queue),
	}
}

// API returns the API group version the events are written to:
// "events.k8s.io/v1", "v1" (core/v1, the fallback), or "" before the first
// write decided it.
func (b *Broadcaster) API() string {
	s, _ := b.api.Load().(string)
	return s
}

// enqueue puts ev on the queue without blocking.
func (b *Broadcaster) enqueue(ev *eventsv1.Event) {
	b.closing.RLock()
	defer b.closing.RUnlock()
	if b.closed {
		b.dropped.Add(1)
		return
	}
	select {
	case b.queue <- ev:
		b.queued.Add(1)
	default:
		b.dropped.Add(1)
	}
}
