package controller

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
)

// RetryWatcher is a watch that does not end when its connection does, as
// client-go's watchtools.RetryWatcher: it resumes from the resourceVersion
// of the last event or bookmark it received, and when the server answers
// that this resourceVersion is too old (410 Gone, Expired) it lists again
// and reports the difference from what it had reported: ADDED for new
// objects, MODIFIED for changed ones and DELETED, with the last state it
// reported, for those gone. To do that it keeps the last object of each
// key it reported, as an informer's cache does. Failures to start or
// keep a watch (network errors, 5xx, 429) are retried with backoff;
// authorization and request errors (401, 403, 404, 400, 422) end it.
//
// Next and Events are for one goroutine; Close may be called from any.
type RetryWatcher[T any] struct {
	lw   ListerWatcher[T]
	opts options[T]

	ctx    context.Context
	cancel context.CancelFunc
	b      *backoff

	mu     sync.Mutex
	rv     string
	closed bool

	stream   WatchStream[T]
	stop     func() bool
	received int
	needList bool
	pending  []Event[T]
	seen     map[string]*T
	err      error
}

// NewRetryWatcher returns a watcher of the objects lw serves, from
// resourceVersion: "" or "0" starts with a list, reported as an ADDED
// event per object, and watches from the list's resourceVersion. It lists
// or watches on the first call to Next; ctx bounds its life. Of the
// informer options it takes WithLabelSelector, WithFieldSelector,
// WithBackoff, WithWatchTimeout and WithTransform; the others have no
// effect. The error is a *NotAnObjectError when *T does not implement
// Object, a *rest.ConfigError for a nil lw, a mistyped option or a field
// selector that does not parse, or a *labels.SyntaxError for a label
// selector that does not.
func NewRetryWatcher[T any](ctx context.Context, lw ListerWatcher[T], resourceVersion string, opts ...Option) (*RetryWatcher[T], error) {
	if err := checkObject[T](); err != nil {
		return nil, err
	}
	o, err := typedOptions[T](collect(opts))
	if err != nil {
		return nil, err
	}
	if lw == nil {
		return nil, &rest.ConfigError{Field: "NewRetryWatcher", Reason: "nil ListerWatcher"}
	}
	if _, err := parseSelectors(o.LabelSelector, o.FieldSelector); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &RetryWatcher[T]{lw: lw, opts: o, ctx: ctx, cancel: cancel, b: newBackoff(o.Backoff), rv: resourceVersion, seen: map[string]*T{}}
	w.needList = w.rv == "" || w.rv == "0"
	return w, nil
}

// ResourceVersion returns the resourceVersion the watcher would resume
// from: that of the last event, bookmark or list.
func (w *RetryWatcher[T]) ResourceVersion() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rv
}

func (w *RetryWatcher[T]) setRV(rv string) {
	if rv == "" {
		return
	}
	w.mu.Lock()
	w.rv = rv
	w.mu.Unlock()
}

// Close ends the watcher; Next then returns rest.ErrWatcherClosed. It
// always returns nil.
func (w *RetryWatcher[T]) Close() error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.cancel()
	return nil
}

// Next blocks until the next event. ADDED, MODIFIED, DELETED and BOOKMARK
// events come with their object (for a bookmark only its resourceVersion
// is meaningful); an object that does not decode comes with its event type
// and a *rest.DecodeError, and the watch goes on. A terminal error is
// returned again by later calls: rest.ErrWatcherClosed after Close, the
// context's error when it ends, or the *rest.StatusError (or
// *rest.RequestError) that cannot be retried.
func (w *RetryWatcher[T]) Next() (Event[T], error) {
	for {
		if w.err != nil {
			return Event[T]{}, w.err
		}
		if len(w.pending) > 0 {
			ev := w.pending[0]
			w.pending = w.pending[1:]
			return ev, nil
		}
		if w.stream == nil {
			w.open()
			continue
		}
		ev, err := w.stream.Next()
		if err == nil {
			w.received++
			if ev.Object == nil {
				continue
			}
			w.record(ev)
			return ev, nil
		}
		switch {
		case rest.IsResourceExpired(err) || rest.IsGone(err):
			w.endStream()
			w.needList = true
		case ev.Type != "" && ev.Type != rest.EventError:
			return ev, err // an object that does not decode; the watch goes on
		default: // an ERROR event, or the end of the stream
			events := w.received
			w.endStream()
			if w.fail(err, events == 0 || ev.Type == rest.EventError) {
				return Event[T]{}, w.err
			}
		}
	}
}

// Events iterates over Next's events until a terminal error, which is
// yielded last with an empty Event; the watcher is closed when the loop
// stops.
func (w *RetryWatcher[T]) Events() iter.Seq2[Event[T], error] {
	return func(yield func(Event[T], error) bool) {
		defer w.Close()
		for {
			ev, err := w.Next()
			terminal := err != nil && ev.Type == ""
			if !yield(ev, err) || terminal {
				return
			}
		}
	}
}

// record notes an event's object and resourceVersion.
func (w *RetryWatcher[T]) record(ev Event[T]) {
	if w.opts.Transform != nil && ev.Type != rest.EventBookmark {
		w.opts.Transform(ev.Object)
	}
	m := meta(ev.Object)
	switch ev.Type {
	case rest.EventAdded, rest.EventModified:
		w.seen[KeyOf(m)] = ev.Object
	case rest.EventDeleted:
		delete(w.seen, KeyOf(m))
	}
	w.setRV(m.GetResourceVersion())
	w.b.reset()
}

func (w *RetryWatcher[T]) endStream() {
	if w.stream != nil {
		w.stop()
		w.stream.Close()
		w.stream, w.stop, w.received = nil, nil, 0
	}
}

// fail handles an error starting or keeping a watch or a list: it sets the
// terminal error and reports true, or waits (when wait is set) before the
// retry and reports false.
func (w *RetryWatcher[T]) fail(err error, wait bool) bool {
	w.mu.Lock()
	closed := w.closed
	w.mu.Unlock()
	switch {
	case closed:
		w.err = rest.ErrWatcherClosed
	case w.ctx.Err() != nil:
		w.err = w.ctx.Err()
	case permanent(err):
		w.err = err
	default:
		if wait {
			w.b.wait(w.ctx)
		}
		return false
	}
	return true
}

// permanent reports errors that a retry cannot cure.
func permanent(err error) bool {
	var re *rest.RequestError
	var ce *rest.ConfigError
	return rest.IsUnauthorized(err) || rest.IsForbidden(err) || rest.IsNotFound(err) || rest.IsBadRequest(err) ||
		rest.IsInvalid(err) || rest.IsMethodNotSupported(err) || errors.As(err, &re) || errors.As(err, &ce)
}

// open lists (when needed) or starts the watch.
func (w *RetryWatcher[T]) open() {
	if w.needList {
		items, rv, err := w.lw.List(w.ctx, metav1.ListOptions{LabelSelector: w.opts.LabelSelector, FieldSelector: w.opts.FieldSelector})
		if err != nil {
			w.fail(err, true)
			return
		}
		w.relisted(items, rv)
		w.needList = false
		return
	}
	timeout := w.opts.WatchTimeout
	if timeout <= 0 {
		timeout = 5*time.Minute + rand.N(5*time.Minute)
	}
	s, err := w.lw.Watch(w.ctx, metav1.ListOptions{
		LabelSelector:       w.opts.LabelSelector,
		FieldSelector:       w.opts.FieldSelector,
		ResourceVersion:     w.ResourceVersion(),
		AllowWatchBookmarks: true,
		TimeoutSeconds:      max(1, int64(timeout/time.Second)),
	})
	if err != nil {
		if rest.IsResourceExpired(err) || rest.IsGone(err) {
			w.needList = true
			return
		}
		w.fail(err, true)
		return
	}
	w.stream = s
	w.stop = context.AfterFunc(w.ctx, func() { s.Close() })
}

// relisted queues the difference between a list and what was reported.
func (w *RetryWatcher[T]) relisted(items []T, rv string) {
	fresh := make(map[string]bool, len(items))
	for i := range items {
		obj := &items[i]
		if w.opts.Transform != nil {
			w.opts.Transform(obj)
		}
		m := meta(obj)
		key := KeyOf(m)
		fresh[key] = true
		old := w.seen[key]
		switch {
		case old == nil:
			w.pending = append(w.pending, Event[T]{Type: rest.EventAdded, Object: obj})
		case meta(old).GetResourceVersion() != m.GetResourceVersion():
			w.pending = append(w.pending, Event[T]{Type: rest.EventModified, Object: obj})
		default:
			continue
		}
		w.seen[key] = obj
	}
	for key, old := range w.seen {
		if !fresh[key] {
			w.pending = append(w.pending, Event[T]{Type: rest.EventDeleted, Object: old})
			delete(w.seen, key)
		}
	}
	w.setRV(rv)
}
