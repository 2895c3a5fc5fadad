package fake

import (
	"fmt"
	"net/http"
	"time"

	"github.com/kubewire/kubewire/internal/selector"
	"github.com/kubewire/kubewire/labels"
)

func (s *Server) handleWatch(rq *request) error {
	timeoutSec, _, err := queryInts(rq.q)
	if err != nil {
		return err
	}
	ls, fs, err := s.selectors(rq)
	if err != nil {
		return err
	}
	q := rq.q
	sendInitial := q.Get("sendInitialEvents")
	bookmarks := boolParam(q.Get("allowWatchBookmarks"))
	if err := validateListOptions(q, true); err != nil {
		return err
	}
	rvParam := q.Get("resourceVersion")
	rv, err := parseRV(rvParam)
	if err != nil {
		return err
	}
	var timeout <-chan time.Time
	if timeoutSec < 0 {
		return errBadRequest(fmt.Sprintf("invalid timeoutSeconds: %d", timeoutSec))
	}
	if timeoutSec > 0 {
		t := time.NewTimer(time.Duration(timeoutSec) * time.Second)
		defer t.Stop()
		timeout = t.C
	}
	initial := boolParam(sendInitial) || (sendInitial == "" && (rvParam == "" || rvParam == "0"))
	w := &watchStream{s: s, rq: rq, ls: ls, fs: fs}
	var initialObjs []obj
	s.st.mu.Lock()
	cursor := rv
	if initial {
		items, at, err := s.st.snapshot(rq.ri.storageKey(), rq.ns, 0)
		if err == nil {
			for _, o := range items {
				if w.wants(o) {
					initialObjs = append(initialObjs, o)
				}
			}
			cursor = at
		}
	}
	s.st.mu.Unlock()

	if rq.proto {
		rq.w.Header().Set("Content-Type", protoWatchType)
	} else {
		rq.w.Header().Set("Content-Type", "application/json")
	}
	rq.w.Header().Set("Cache-Control", "no-cache, private")
	rq.w.WriteHeader(http.StatusOK)
	w.flush()
	if f := rq.fault; f != nil && f.DropWatch && f.DropAfter == 0 {
		panic(http.ErrAbortHandler)
	}
	for _, o := range initialObjs {
		if !w.send("ADDED", o) {
			return nil
		}
	}
	if boolParam(sendInitial) && bookmarks {
		w.bookmark(cursor, true)
	}
	var tick <-chan time.Time
	if bookmarks {
		t := time.NewTicker(s.opts.bookmark)
		defer t.Stop()
		tick = t.C
	}
	ctx := rq.r.Context()
	for {
		evs, changed, err := s.st.since(cursor)
		if err != nil {
			ae := err.(*apiError)
			w.write(map[string]any{"type": "ERROR", "object": ae.s})
			return nil
		}
		for _, ev := range evs {
			cursor = ev.rv
			if ev.key != rq.ri.storageKey() || rq.ns != "" && ev.ns != rq.ns || rq.name != "" && ev.name != rq.name {
				continue
			}
			typ, o := w.transition(ev)
			if typ != "" && !w.send(typ, o) {
				return nil
			}
		}
		select {
		case <-changed:
		case <-tick:
			w.bookmark(cursor, false)
		case <-timeout:
			return nil
		case <-ctx.Done():
			return nil
		case <-s.done:
			return nil
		}
	}
}

// watchStream writes the events of one watch.
type watchStream struct {
	s    *Server
	rq   *request
	ls   labels.Selector
	fs   selector.Fields
	sent int
}

func (w *watchStream) wants(o obj) bool {
	return o != nil && matches(w.rq.ri, w.ls, w.fs, o)
}

// transition maps a change to the event a filtered watch sees: an object
// entering the selection is ADDED, one leaving it DELETED.
func (w *watchStream) transition(ev event) (string, obj) {
	switch ev.typ {
	case "ADDED":
		if w.wants(ev.o) {
			return "ADDED", ev.o
		}
	case "DELETED":
		if w.wants(ev.prev) {
			return "DELETED", ev.o
		}
	case "MODIFIED":
		was, is := w.wants(ev.prev), w.wants(ev.o)
		switch {
		case was && is:
			return "MODIFIED", ev.o
		case is:
			return "ADDED", ev.o
		case was:
			return "DELETED", ev.o
		}
	}
	return "", nil
}

func (w *watchStream) flush() {
	if f, ok := w.rq.w.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *watchStream) write(ev map[string]any) bool {
	var b []byte
	if w.rq.proto {
		var ok bool
		if b, ok = protoFrame(ev); !ok {
			return false
		}
	} else {
		var err error
		if b, err = encodeEvent(ev); err != nil {
			return false
		}
	}
	if _, err := w.rq.w.Write(b); err != nil {
		return false
	}
	w.flush()
	return true
}

// send writes one event, honouring an injected dropped watch.
func (w *watchStream) send(typ string, o obj) bool {
	if w.rq.out == "partiallist" {
		// An object asked for as a list cannot be transformed: the real
		// server ends the watch there, with nothing written.
		return false
	}
	if f := w.rq.fault; f != nil && f.DropWatch && w.sent >= f.DropAfter {
		panic(http.ErrAbortHandler)
	}
	o = present(w.rq.ri, o)
	var out any = o
	switch w.rq.out {
	case "table":
		t := w.s.table(w.rq, []obj{o}, false)
		if w.sent > 0 {
			// Only a watch's first Table has column definitions.
			t["columnDefinitions"] = nil
		}
		out = t
	case "partial":
		out = partialIn(o, w.rq.metaGV)
	}
	w.sent++
	return w.write(map[string]any{"type": typ, "object": out})
}

func (w *watchStream) bookmark(rv uint64, initialEnd bool) {
	md := map[string]any{"resourceVersion": rvString(rv)}
	if initialEnd {
		md["annotations"] = map[string]any{"k8s.io/initial-events-end": "true"}
	}
	o := obj{"kind": w.rq.ri.Kind, "apiVersion": w.rq.ri.groupVersion(), "metadata": md}
	if w.rq.out == "partial" {
		// The real server transforms every event's object, bookmarks too.
		o = partialIn(o, w.rq.metaGV)
	}
	w.write(map[string]any{"type": "BOOKMARK", "object": o})
}
