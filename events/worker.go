package events

import (
	"container/list"
	"context"
	"math/rand/v2"
	"time"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/eventsv1"
)

// key identifies isomorphic events: those folded into one series.
type key struct {
	typ, action, reason, controller, instance, note string
	regarding, related                              corev1.ObjectReference
}

func keyOf(ev *eventsv1.Event) key {
	k := key{
		typ: ev.Type, action: ev.Action, reason: ev.Reason, note: ev.Note,
		controller: ev.ReportingController, instance: ev.ReportingInstance,
		regarding: ev.Regarding,
	}
	if ev.Related != nil {
		k.related = *ev.Related
	}
	return k
}

// entry is an event recorded within the series window: the Event as it is
// (or is to be) on the server, with its series when repeats were folded.
type entry struct {
	ev      *eventsv1.Event
	created bool      // the server has it
	dirty   bool      // the series changed since it was last written
	last    time.Time // the last occurrence
}

// retry is a write waiting for its next try.
type retry struct {
	tries int
	due   time.Time
}

// worker is the single goroutine that owns the series cache and writes.
type worker struct {
	b       *Broadcaster
	sink    *sink
	cache   map[key]*entry
	retries map[key]*retry
	spam    *spamFilter
}

func newWorker(b *Broadcaster) *worker {
	w := &worker{b: b, sink: &sink{b: b}, cache: map[key]*entry{}, retries: map[key]*retry{}}
	if b.set.spamQPS >= 0 {
		w.spam = newSpamFilter(b.set.spamQPS, b.set.spamBurst, b.set.cacheEntries)
	}
	return w
}

func (w *worker) run(ctx context.Context) {
	window := time.NewTicker(w.b.set.window)
	defer window.Stop()
	heartbeat := time.NewTicker(w.b.set.heartbeat)
	defer heartbeat.Stop()
	var timer *time.Timer
	for {
		var due <-chan time.Time
		if next, ok := w.nextRetry(); ok {
			if timer == nil {
				timer = time.NewTimer(time.Until(next))
			} else {
				timer.Reset(time.Until(next))
			}
			due = timer.C
		}
		select {
		case ev := <-w.b.queue:
			w.record(ctx, ev, true)
		case <-due:
			w.retryDue(ctx)
		case <-window.C:
			w.endSeries(ctx, time.Now().Add(-w.b.set.window))
		case <-heartbeat.C:
			w.writeSeries(ctx, false)
		case fctx := <-w.b.stopping:
			w.flush(fctx)
			return
		case <-ctx.Done():
			return
		}
	}
}

// record folds ev into the cache and writes what the server must learn.
func (w *worker) record(ctx context.Context, ev *eventsv1.Event, retrying bool) {
	if w.spam != nil && !w.spam.allow(ev, ev.EventTime.Time) {
		w.b.rateLimited.Add(1)
		return
	}
	w.b.log.Debug("event", "object", ev.Regarding.Namespace+"/"+ev.Regarding.Name, "kind", ev.Regarding.Kind,
		"type", ev.Type, "reason", ev.Reason, "action", ev.Action, "note", ev.Note)
	k := keyOf(ev)
	e, ok := w.cache[k]
	switch {
	case !ok:
		w.cache[k] = &entry{ev: ev, last: ev.EventTime.Time}
	case e.ev.Series == nil:
		// The first repeat opens the series, written at once.
		e.ev.Series = &eventsv1.EventSeries{Count: 2, LastObservedTime: ev.EventTime}
		e.last, e.dirty = ev.EventTime.Time, true
		w.b.folded.Add(1)
	default:
		// Later repeats are counted; heartbeats, the series' end and
		// Shutdown write the count.
		e.ev.Series.Count++
		e.ev.Series.LastObservedTime = ev.EventTime
		e.last, e.dirty = ev.EventTime.Time, true
		w.b.folded.Add(1)
		return
	}
	w.sync(ctx, k, retrying)
}

// sync writes the cache entry of k; a failure the server or network caused
// is tried again later when retrying is set.
func (w *worker) sync(ctx context.Context, k key, retrying bool) {
	e := w.cache[k]
	if e == nil {
		delete(w.retries, k)
		return
	}
	err := w.sink.write(ctx, e)
	if err == nil {
		delete(w.retries, k)
		return
	}
	if ctx.Err() != nil {
		return
	}
	r := w.retries[k]
	if !retrying || !transient(err) {
		w.giveUp(k, e, err)
		return
	}
	if r == nil {
		if len(w.retries) >= w.b.set.queue {
			w.giveUp(k, e, err)
			return
		}
		r = &retry{}
		w.retries[k] = r
	}
	r.tries++
	if r.tries >= w.b.set.maxTries {
		w.giveUp(k, e, err)
		return
	}
	wait := w.b.set.retryWait
	wait += time.Duration(rand.Float64() * 0.25 * float64(wait))
	r.due = time.Now().Add(wait)
	w.b.log.Warn("events: write failed, will retry", "event", e.ev.Name, "namespace", e.ev.Namespace, "error", err)
}

// giveUp forgets k: the next isomorphic event starts afresh.
func (w *worker) giveUp(k key, e *entry, err error) {
	delete(w.retries, k)
	delete(w.cache, k)
	w.b.failed.Add(1)
	w.b.log.Error("events: event not written", "event", e.ev.Name, "namespace", e.ev.Namespace, "reason", e.ev.Reason, "error", err)
}

func (w *worker) nextRetry() (time.Time, bool) {
	var next time.Time
	for _, r := range w.retries {
		if next.IsZero() || r.due.Before(next) {
			next = r.due
		}
	}
	return next, !next.IsZero()
}

func (w *worker) retryDue(ctx context.Context) {
	now := time.Now()
	for k, r := range w.retries {
		if !r.due.After(now) {
			w.sync(ctx, k, true)
		}
	}
}

// endSeries drops the entries last seen before cutoff, writing the final
// count of a series that has one unwritten.
func (w *worker) endSeries(ctx context.Context, cutoff time.Time) {
	for k, e := range w.cache {
		if !e.last.Before(cutoff) {
			continue
		}
		if e.dirty || !e.created {
			if _, pending := w.retries[k]; !pending {
				w.sync(ctx, k, false)
			}
		}
		if _, pending := w.retries[k]; !pending {
			delete(w.cache, k)
		}
	}
}

// writeSeries writes the count of every open series: all of them at a
// heartbeat (which also keeps them from expiring on the server), only the
// unwritten ones when onlyDirty is set.
func (w *worker) writeSeries(ctx context.Context, onlyDirty bool) {
	for k, e := range w.cache {
		if e.ev.Series == nil || onlyDirty && !e.dirty {
			continue
		}
		if _, pending := w.retries[k]; pending {
			continue
		}
		e.dirty = true
		w.sync(ctx, k, !onlyDirty)
	}
}

// flush writes what is queued, what waits for a retry, and the unwritten
// series counts, once each, within ctx.
func (w *worker) flush(ctx context.Context) {
	for {
		select {
		case ev := <-w.b.queue:
			if ctx.Err() != nil {
				w.b.dropped.Add(1)
				continue
			}
			w.record(ctx, ev, false)
			continue
		default:
		}
		break
	}
	for k := range w.retries {
		if ctx.Err() != nil {
			return
		}
		delete(w.retries, k)
		w.sync(ctx, k, false)
	}
	if ctx.Err() == nil {
		w.writeSeries(ctx, true)
	}
}

// spamFilter is client-go's: a token bucket per source and object, the
// least recently used forgotten beyond a size.
type spamFilter struct {
	qps   float64
	burst int
	max   int
	items map[string]*list.Element
	lru   *list.List
}

type bucket struct {
	key    string
	tokens float64
	at     time.Time
}

func newSpamFilter(qps float64, burst, max int) *spamFilter {
	return &spamFilter{qps: qps, burst: burst, max: max, items: map[string]*list.Element{}, lru: list.New()}
}

// allow takes a token from the bucket of ev's source and object, reporting
// whether there was one.
func (f *spamFilter) allow(ev *eventsv1.Event, now time.Time) bool {
	r := ev.Regarding
	k := ev.ReportingController + "\x00" + ev.ReportingInstance + "\x00" + r.Kind + "\x00" + r.Namespace + "\x00" +
		r.Name + "\x00" + r.UID + "\x00" + r.APIVersion + "\x00" + ev.Type
	var b *bucket
	if el, ok := f.items[k]; ok {
		f.lru.MoveToFront(el)
		b = el.Value.(*bucket)
		b.tokens = min(float64(f.burst), b.tokens+now.Sub(b.at).Seconds()*f.qps)
		b.at = now
	} else {
		b = &bucket{key: k, tokens: float64(f.burst), at: now}
		f.items[k] = f.lru.PushFront(b)
		if f.lru.Len() > f.max {
			old := f.lru.Remove(f.lru.Back()).(*bucket)
			delete(f.items, old.key)
		}
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
