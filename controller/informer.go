package controller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
)

// StreamingMode says whether an informer fills its cache with a streaming
// list (a watch with sendInitialEvents=true) instead of a LIST.
type StreamingMode int

const (
	// StreamingOff lists with LIST requests (the zero value).
	StreamingOff StreamingMode = iota
	// StreamingAuto tries a streaming list and falls back to LIST for the
	// informer's lifetime when the server rejects it with a status (400 or
	// 422 from an older server or with the WatchList feature off, an ERROR
	// event from one whose storage lacks progress notifications), other
	// than a status asking to retry (410, 429, timeouts).
	StreamingAuto
	// StreamingOn always uses streaming lists.
	StreamingOn
)

// Backoff paces an informer's retries after failures: the first wait is
// Initial, each next one doubles up to Max, and each is lengthened by a
// random jitter of up to Jitter times itself. Zero fields mean the
// defaults: Initial 500ms, Max 30s, Jitter 0.5.
type Backoff struct {
	Initial, Max time.Duration
	Jitter       float64
}

// Handler receives an informer's notifications for one registration, one
// at a time and in the order of the cache's changes, on a goroutine of its
// own: a slow handler delays only itself (its notifications queue up in
// memory). Nil functions are skipped. The objects are shared with the
// cache and must not be modified.
type Handler[T any] struct {
	// OnAdd is called for an object entering the cache; initialList is true
	// for the objects of the first list and for those a handler registered
	// late is told about.
	OnAdd func(obj *T, initialList bool)
	// OnUpdate is called for a changed object, and for every object at each
	// resync (old == obj then).
	OnUpdate func(old, obj *T)
	// OnDelete is called for an object leaving the cache. finalStateUnknown
	// is true when the deletion was not seen but inferred from a relist:
	// obj is then the last state the cache had, not the deleted one.
	OnDelete func(obj *T, finalStateUnknown bool)
}

// Informer lists and watches one source into a cache and notifies
// handlers of the changes. Its methods are safe for concurrent use. Create
// it with NewInformer, add handlers, then call Run once.
type Informer[T any] struct {
	lw    ListerWatcher[T]
	opts  options[T]
	store *store[T]
	log   *slog.Logger

	mu          sync.Mutex // orders cache changes, handler queues and state below
	regs        []*Registration[T]
	running     bool
	runCtx      context.Context
	synced      chan struct{}
	isSynced    bool
	rv          string
	rvNum       uint64
	rvOK        bool
	rvWaiters   int
	rvChanged   chan struct{}
	noStreaming bool // the server rejected streaming lists
	// listConsistent is set when a list at a resourceVersion failed
	// because the server no longer (or not yet) has it: lists are then
	// consistent reads until one succeeds.
	listConsistent bool
}

// NewInformer returns an informer of the objects lw serves. The error is a
// *NotAnObjectError when *T does not implement Object, a *rest.ConfigError
// for a nil lw, a nil IndexFunc, a transform or index of another type or
// a field selector that does not parse, or a *labels.SyntaxError for a
// label selector that does not.
func NewInformer[T any](lw ListerWatcher[T], opts ...Option) (*Informer[T], error) {
	return newInformer(lw, collect(opts))
}

func newInformer[T any](lw ListerWatcher[T], s settings) (*Informer[T], error) {
	if err := checkObject[T](); err != nil {
		return nil, err
	}
	opts, err := typedOptions[T](s)
	if err != nil {
		return nil, err
	}
	if lw == nil {
		return nil, &rest.ConfigError{Field: "NewInformer", Reason: "nil ListerWatcher"}
	}
	if _, err := parseSelectors(opts.LabelSelector, opts.FieldSelector); err != nil {
		return nil, err
	}
	i := &Informer[T]{lw: lw, opts: opts, store: newStore[T](), synced: make(chan struct{}), rvChanged: make(chan struct{})}
	for _, ix := range opts.Indexers {
		if err := i.store.addIndex(ix.name, ix.fn); err != nil {
			return nil, err
		}
	}
	i.log = opts.Logger
	if i.log == nil {
		i.log = slog.New(slog.DiscardHandler)
	}
	return i, nil
}

// Lister returns a reader of the informer's cache.
func (i *Informer[T]) Lister() Lister[T] { return Lister[T]{s: i.store} }

// AddIndex adds an index to the cache, filing the objects already cached.
func (i *Informer[T]) AddIndex(name string, fn IndexFunc[T]) error {
	return i.store.addIndex(name, fn)
}

// AddHandler registers h. When the cache is already filled, h first gets
// an OnAdd (initialList true) for every cached object. The registration
// tells when h has seen the initial objects, and removes h.
func (i *Informer[T]) AddHandler(h Handler[T]) *Registration[T] {
	r := &Registration[T]{h: h, inf: i, wake: make(chan struct{}, 1), stop: make(chan struct{}), synced: make(chan struct{})}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.isSynced {
		i.store.mu.RLock()
		for _, obj := range i.store.items {
			r.queue = append(r.queue, note[T]{kind: noteAdd, obj: obj, flag: true})
		}
		i.store.mu.RUnlock()
		r.queue = append(r.queue, note[T]{kind: noteSynced})
	}
	i.regs = append(i.regs, r)
	if i.running {
		go r.loop(i.runCtx)
	}
	return r
}

// HasSynced reports whether the cache has been filled by a first list.
func (i *Informer[T]) HasSynced() bool {
	select {
	case <-i.synced:
		return true
	default:
		return false
	}
}

// WaitForSync blocks until the cache has been filled by a first list, or
// ctx ends (its error is returned then).
func (i *Informer[T]) WaitForSync(ctx context.Context) error {
	select {
	case <-i.synced:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// LastResourceVersion returns the resourceVersion the cache is up to date
// with: that of the last list, event or bookmark ("" before the first
// list).
func (i *Informer[T]) LastResourceVersion() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.rv
}

// ResourceVersionError reports a resourceVersion that is not a decimal
// unsigned integer, which WaitForResourceVersion cannot compare.
type ResourceVersionError struct{ ResourceVersion string }

// Error returns the error's message.
func (e *ResourceVersionError) Error() string {
	return fmt.Sprintf("controller: resourceVersion %q cannot be compared: not a decimal integer", e.ResourceVersion)
}

// WaitForResourceVersion blocks until the cache has caught up with rv, the
// resourceVersion a write returned, so that a reconcile right after a
// write does not act on older state; it returns ctx's error if ctx ends
// first.
//
// Kubernetes documents resourceVersions as opaque, but the API server
// issues them from etcd's revision, one global increasing counter: they are
// compared here as unsigned integers, and an rv that does not parse is a
// *ResourceVersionError. The cache advances with the events and bookmarks
// of its own resource: a write to the watched resource is seen as soon as
// its event arrives; for a write to another resource, the wait lasts
// until the next event or bookmark (about a minute apart on a quiet
// resource). After the server's storage is restored from a backup,
// versions may go back, and a wait may last until ctx ends.
func (i *Informer[T]) WaitForResourceVersion(ctx context.Context, rv string) error {
	want, err := strconv.ParseUint(rv, 10, 64)
	if err != nil {
		return &ResourceVersionError{ResourceVersion: rv}
	}
	for {
		i.mu.Lock()
		if i.rvOK && i.rvNum >= want {
			i.mu.Unlock()
			return nil
		}
		i.rvWaiters++
		ch := i.rvChanged
		i.mu.Unlock()
		select {
		case <-ch:
			i.mu.Lock()
			i.rvWaiters--
			i.mu.Unlock()
		case <-ctx.Done():
			i.mu.Lock()
			i.rvWaiters--
			i.mu.Unlock()
			return ctx.Err()
		}
	}
}

// setRVLocked records the version the cache is at; the caller holds mu.
func (i *Informer[T]) setRVLocked(rv string) {
	if rv == "" || rv == i.rv {
		return
	}
	i.rv = rv
	n, err := strconv.ParseUint(rv, 10, 64)
	i.rvNum, i.rvOK = n, err == nil
	if i.rvWaiters > 0 {
		close(i.rvChanged)
		i.rvChanged = make(chan struct{})
	}
}

// ErrAlreadyRunning is returned by a second Run of one informer.
var ErrAlreadyRunning = errors.New("controller: the informer is already running")

// Run lists and watches until ctx ends, then returns nil; it returns an
// ErrAlreadyRunning when the informer is running already. Failures are
// retried with backoff: a dropped watch resumes from the last
// resourceVersion seen, an expired one (410) lists again, and a watch that
// cannot start lists again too. Handlers stop with Run.
func (i *Informer[T]) Run(ctx context.Context) error {
	i.mu.Lock()
	if i.running {
		i.mu.Unlock()
		return ErrAlreadyRunning
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	i.running, i.runCtx = true, ctx
	var wg sync.WaitGroup
	for _, r := range i.regs {
		wg.Go(func() { r.loop(ctx) })
	}
	i.mu.Unlock()
	if i.opts.Resync > 0 {
		wg.Go(func() { i.resyncLoop(ctx) })
	}
	i.loop(ctx)
	cancel()
	wg.Wait()
	i.mu.Lock()
	i.running = false
	i.mu.Unlock()
	return nil
}

func (i *Informer[T]) resyncLoop(ctx context.Context) {
	t := time.NewTicker(i.opts.Resync)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		i.mu.Lock()
		if i.isSynced {
			i.store.mu.RLock()
			for _, obj := range i.store.items {
				i.notifyLocked(note[T]{kind: noteUpdate, old: obj, obj: obj})
			}
			i.store.mu.RUnlock()
		}
		i.mu.Unlock()
	}
}

// errExpired marks a watch that must start over with a list.
var errExpired = errors.New("watch expired")

// watchEnd says how a watch ended.
type watchEnd struct {
	err      error
	events   int
	duration time.Duration
}

func (i *Informer[T]) loop(ctx context.Context) {
	b := newBackoff(i.opts.Backoff)
	needList := true
	for ctx.Err() == nil {
		if needList {
			w, err := i.fill(ctx)
			if err != nil {
				if ctx.Err() == nil {
					i.log.Warn("informer: list failed", "error", err)
					b.wait(ctx)
				}
				continue
			}
			needList = false
			if w != nil { // a streaming list: go on with its watch
				end := i.consume(ctx, w, time.Now())
				needList = i.after(ctx, end, b)
				continue
			}
		}
		w, err := i.lw.Watch(ctx, i.watchOptions())
		if err != nil {
			if ctx.Err() == nil {
				i.log.Debug("informer: watch failed to start, listing again", "error", err)
				b.wait(ctx)
			}
			needList = true
			continue
		}
		needList = i.after(ctx, i.consume(ctx, w, time.Now()), b)
	}
}

// after handles the end of a watch: it waits when the watch failed and
// reports whether the next step is a list.
func (i *Informer[T]) after(ctx context.Context, end watchEnd, b *backoff) (relist bool) {
	if ctx.Err() != nil {
		return false
	}
	if errors.Is(end.err, errExpired) {
		i.log.Debug("informer: watch expired, listing again")
		return true
	}
	healthy := end.events > 0 || end.duration > b.max
	if healthy {
		b.reset()
	}
	if end.err != nil {
		i.log.Debug("informer: watch ended, resuming", "error", end.err, "resourceVersion", i.LastResourceVersion())
	}
	if !healthy || end.err != nil {
		b.wait(ctx)
	}
	return false
}

func (i *Informer[T]) watchOptions() metav1.ListOptions {
	timeout := i.opts.WatchTimeout
	if timeout <= 0 {
		timeout = 5*time.Minute + rand.N(5*time.Minute)
	}
	return metav1.ListOptions{
		LabelSelector:       i.opts.LabelSelector,
		FieldSelector:       i.opts.FieldSelector,
		ResourceVersion:     i.LastResourceVersion(),
		AllowWatchBookmarks: true,
		TimeoutSeconds:      max(1, int64(timeout/time.Second)),
	}
}

// consume applies a watch's events to the cache until it ends.
func (i *Informer[T]) consume(ctx context.Context, w WatchStream[T], start time.Time) watchEnd {
	defer w.Close()
	stop := context.AfterFunc(ctx, func() { w.Close() })
	defer stop()
	end := watchEnd{}
	for {
		ev, err := w.Next()
		if err != nil {
			if rest.IsResourceExpired(err) || rest.IsGone(err) {
				err = errExpired
			}
			end.err, end.duration = err, time.Since(start)
			return end
		}
		end.events++
		if ev.Object == nil {
			continue
		}
		i.apply(ev)
	}
}

// apply applies one watch event to the cache and queues its notifications.
func (i *Informer[T]) apply(ev Event[T]) {
	obj := ev.Object
	m := meta(obj)
	if ev.Type == rest.EventBookmark {
		i.mu.Lock()
		i.setRVLocked(m.GetResourceVersion())
		i.mu.Unlock()
		return
	}
	if i.opts.Transform != nil && (ev.Type == rest.EventAdded || ev.Type == rest.EventModified || ev.Type == rest.EventDeleted) {
		i.opts.Transform(obj)
	}
	key := KeyOf(m)
	rv := m.GetResourceVersion()
	i.mu.Lock()
	defer i.mu.Unlock()
	i.store.mu.Lock()
	old := i.store.items[key]
	switch ev.Type {
	case rest.EventAdded, rest.EventModified:
		if old != nil && meta(old).GetResourceVersion() == rv {
			break // already seen
		}
		i.store.putLocked(key, obj)
		i.store.mu.Unlock()
		if old == nil {
			i.notifyLocked(note[T]{kind: noteAdd, obj: obj})
		} else {
			i.notifyLocked(note[T]{kind: noteUpdate, old: old, obj: obj})
		}
		i.setRVLocked(rv)
		return
	case rest.EventDeleted:
		if old == nil {
			break
		}
		i.store.deleteLocked(key)
		i.store.mu.Unlock()
		i.notifyLocked(note[T]{kind: noteDelete, obj: obj})
		i.setRVLocked(rv)
		return
	}
	i.store.mu.Unlock()
	i.setRVLocked(rv)
}

// fill fills the cache with a list, or with a streaming list whose watch
// it returns to be consumed on.
func (i *Informer[T]) fill(ctx context.Context) (WatchStream[T], error) {
	i.mu.Lock()
	stream := i.opts.Streaming == StreamingOn || i.opts.Streaming == StreamingAuto && !i.noStreaming
	i.mu.Unlock()
	if stream {
		w, err := i.streamingList(ctx)
		if err == nil || !i.rejected(err) {
			return w, err
		}
		i.log.Info("informer: the server rejected a streaming list, using LIST", "error", err)
		i.mu.Lock()
		i.noStreaming = true
		i.mu.Unlock()
	}
	items, rv, err := i.list(ctx)
	if err != nil {
		return nil, err
	}
	fresh := make(map[string]*T, len(items))
	for j := range items {
		obj := new(T)
		*obj = items[j]
		var zero T
		items[j] = zero // let the list's array go as the cache takes the objects
		if i.opts.Transform != nil {
			i.opts.Transform(obj)
		}
		fresh[KeyOf(meta(obj))] = obj
	}
	i.replace(fresh, rv)
	return nil, nil
}

// list lists as client-go's reflector does. The first list asks for
// resourceVersion "0", which the server answers from its watch cache
// without reading etcd; a relist (after a watch expired) asks for a
// version not older than the last one the cache saw, also served from the
// cache when it has caught up. When the server has no such version any
// more (410 Gone, or a version it has not reached), the list is sent again
// at once as a consistent read (resourceVersion ""), and the informer
// keeps listing that way until a list succeeds.
func (i *Informer[T]) list(ctx context.Context) ([]T, string, error) {
	opts := metav1.ListOptions{LabelSelector: i.opts.LabelSelector, FieldSelector: i.opts.FieldSelector, Limit: i.opts.PageSize}
	if opts.Limit <= 0 {
		opts.Limit = 500
	}
	i.mu.Lock()
	last, consistent := i.rv, i.listConsistent
	i.mu.Unlock()
	switch {
	case consistent:
	case last == "":
		opts.ResourceVersion = "0"
	default:
		opts.ResourceVersion, opts.ResourceVersionMatch = last, metav1.ResourceVersionMatchNotOlderThan
	}
	items, rv, err := i.lw.List(ctx, opts)
	if err != nil && opts.ResourceVersion != "" && versionUnavailable(err) {
		i.log.Debug("informer: list at a resourceVersion failed, listing consistently", "resourceVersion", opts.ResourceVersion, "error", err)
		i.mu.Lock()
		i.listConsistent = true
		i.mu.Unlock()
		opts.ResourceVersion, opts.ResourceVersionMatch = "", ""
		items, rv, err = i.lw.List(ctx, opts)
	}
	if err == nil {
		i.mu.Lock()
		i.listConsistent = false
		i.mu.Unlock()
	}
	return items, rv, err
}

// versionUnavailable reports whether err says the server cannot list at
// the requested resourceVersion: it is older than the server keeps (410)
// or newer than it has seen (a timeout with cause
// ResourceVersionTooLarge).
func versionUnavailable(err error) bool {
	if rest.IsResourceExpired(err) || rest.IsGone(err) {
		return true
	}
	var se *rest.StatusError
	if errors.As(err, &se) && se.Status.Details != nil {
		for _, c := range se.Status.Details.Causes {
			if c.Type == "ResourceVersionTooLarge" {
				return true
			}
		}
	}
	return false
}

// rejected reports whether err is the server refusing a streaming list
// (in StreamingAuto mode): any status it answered the watch or sent in it,
// except those asking to retry. Older servers answer 422 or 400; a server
// without etcd progress notifications sends an ERROR event.
func (i *Informer[T]) rejected(err error) bool {
	if i.opts.Streaming != StreamingAuto {
		return false
	}
	var se *rest.StatusError
	if !errors.As(err, &se) {
		return false
	}
	return !rest.IsTooManyRequests(err) && !rest.IsResourceExpired(err) && !rest.IsGone(err) &&
		!rest.IsServerTimeout(err) && !rest.IsTimeout(err)
}

// streamingList fills the cache from a watch with sendInitialEvents and
// returns the watch, positioned after the initial events.
func (i *Informer[T]) streamingList(ctx context.Context) (WatchStream[T], error) {
	yes := true
	opts := i.watchOptions()
	opts.ResourceVersion, opts.ResourceVersionMatch, opts.SendInitialEvents = "", metav1.ResourceVersionMatchNotOlderThan, &yes
	w, err := i.lw.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { w.Close() })
	defer stop()
	fresh := map[string]*T{}
	for {
		ev, err := w.Next()
		if err != nil {
			w.Close()
			return nil, err
		}
		if ev.Object == nil {
			continue
		}
		m := meta(ev.Object)
		switch ev.Type {
		case rest.EventAdded, rest.EventModified:
			if i.opts.Transform != nil {
				i.opts.Transform(ev.Object)
			}
			fresh[KeyOf(m)] = ev.Object
		case rest.EventDeleted:
			delete(fresh, KeyOf(m))
		case rest.EventBookmark:
			if a, ok := any(ev.Object).(annotated); ok && a.GetAnnotations()["k8s.io/initial-events-end"] == "true" {
				i.replace(fresh, m.GetResourceVersion())
				return w, nil
			}
		}
	}
}

// replace swaps the cache's content for fresh, read at version rv, and
// notifies the differences: new objects are added, changed ones (another
// resourceVersion) updated, missing ones deleted with their last known
// state (finalStateUnknown).
func (i *Informer[T]) replace(fresh map[string]*T, rv string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	initial := !i.isSynced
	i.store.mu.Lock()
	var notes []note[T]
	for key, old := range i.store.items {
		if _, ok := fresh[key]; !ok {
			i.store.deleteLocked(key)
			notes = append(notes, note[T]{kind: noteDelete, obj: old, flag: true})
		}
	}
	for key, obj := range fresh {
		old := i.store.items[key]
		switch {
		case old == nil:
			i.store.putLocked(key, obj)
			notes = append(notes, note[T]{kind: noteAdd, obj: obj, flag: initial})
		case meta(old).GetResourceVersion() != meta(obj).GetResourceVersion():
			i.store.putLocked(key, obj)
			notes = append(notes, note[T]{kind: noteUpdate, old: old, obj: obj})
		}
	}
	i.store.mu.Unlock()
	for _, n := range notes {
		i.notifyLocked(n)
	}
	i.setRVLocked(rv)
	if initial {
		i.isSynced = true
		close(i.synced)
		i.notifyLocked(note[T]{kind: noteSynced})
	}
}

// notifyLocked queues n for every handler; the caller holds mu.
func (i *Informer[T]) notifyLocked(n note[T]) {
	for _, r := range i.regs {
		r.push(n)
	}
}

func (i *Informer[T]) removeLocked(r *Registration[T]) {
	for j, x := range i.regs {
		if x == r {
			i.regs = append(i.regs[:j], i.regs[j+1:]...)
			return
		}
	}
}

// backoff is an exponential backoff with jitter and a cap.
type backoff struct {
	initial, max, cur time.Duration
	jitter            float64
}

func newBackoff(b Backoff) *backoff {
	out := &backoff{initial: b.Initial, max: b.Max, jitter: b.Jitter}
	if out.initial <= 0 {
		out.initial = 500 * time.Millisecond
	}
	if out.max <= 0 {
		out.max = 30 * time.Second
	}
	out.max = max(out.max, out.initial)
	if out.jitter <= 0 {
		out.jitter = 0.5
	}
	return out
}

// next returns the next wait.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.initial
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur + time.Duration(rand.Float64()*b.jitter*float64(b.cur))
}

func (b *backoff) reset() { b.cur = 0 }

// wait sleeps for the next backoff or until ctx ends.
func (b *backoff) wait(ctx context.Context) {
	t := time.NewTimer(b.next())
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
