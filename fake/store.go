package fake

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// event is one change in the store's history.
type event struct {
	typ      string // ADDED, MODIFIED, DELETED
	key      string // storage key: "group/resource"
	ns, name string
	o, prev  obj // immutable snapshots; prev is nil for ADDED
	rv       uint64
}

// store keeps every object as an immutable JSON snapshot, a global
// resourceVersion counter, and a bounded history of changes for watch
// replay and reads at an older resourceVersion.
type store struct {
	mu        sync.Mutex
	rv        uint64
	data      map[string]map[string]obj // storage key -> "ns/name" -> object
	hist      []event
	histMax   int
	compacted uint64 // the newest resourceVersion no longer replayable
	changed   chan struct{}
	onRemove  func(key, ns, name string) // called with mu held after a delete
}

func newStore(histMax int) *store {
	return &store{data: map[string]map[string]obj{}, histMax: histMax, changed: make(chan struct{})}
}

func objKey(ns, name string) string { return ns + "/" + name }

func (s *store) current() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rv
}

// get returns the stored object or nil. The object must not be modified.
func (s *store) get(key, ns, name string) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[key][objKey(ns, name)]
}

// commit stores o (nil to delete) as the new state of ns/name, stamping a
// new resourceVersion into it, and records the change. It must be called
// with s.mu held. It returns the stored snapshot.
func (s *store) commit(key, ns, name string, o obj) obj {
	s.rv++
	prev := s.data[key][objKey(ns, name)]
	ev := event{key: key, ns: ns, name: name, prev: prev, rv: s.rv}
	if o == nil {
		if prev == nil {
			return nil
		}
		gone := copyObj(prev)
		meta(gone)["resourceVersion"] = rvString(s.rv)
		delete(s.data[key], objKey(ns, name))
		ev.typ, ev.o = "DELETED", gone
	} else {
		meta(o)["resourceVersion"] = rvString(s.rv)
		if s.data[key] == nil {
			s.data[key] = map[string]obj{}
		}
		s.data[key][objKey(ns, name)] = o
		ev.typ, ev.o = "MODIFIED", o
		if prev == nil {
			ev.typ = "ADDED"
		}
	}
	s.hist = append(s.hist, ev)
	if s.histMax > 0 && len(s.hist) > s.histMax {
		drop := len(s.hist) - s.histMax
		s.compacted = s.hist[drop-1].rv
		s.hist = append([]event(nil), s.hist[drop:]...)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	if o == nil && s.onRemove != nil {
		s.onRemove(key, ns, name)
	}
	return ev.o
}

// tooOld is the message of a 410 for a resourceVersion out of the window.
func (s *store) tooOld(rv uint64) string {
	return fmt.Sprintf("too old resource version: %d (%d)", rv, s.compacted)
}

// snapshot returns the objects of key (in namespace ns, all when "") as they
// were at resourceVersion rv (0 for now), sorted by namespace and name, and
// the resourceVersion of the snapshot. It must be called with s.mu held.
func (s *store) snapshot(key, ns string, rv uint64) ([]obj, uint64, error) {
	if rv == 0 || rv >= s.rv {
		rv = s.rv
	}
	if rv < s.compacted {
		return nil, 0, errExpired(s.tooOld(rv))
	}
	state := map[string]obj{}
	for k, o := range s.data[key] {
		state[k] = o
	}
	for i := len(s.hist) - 1; i >= 0 && s.hist[i].rv > rv; i-- {
		ev := s.hist[i]
		if ev.key != key {
			continue
		}
		if ev.prev == nil {
			delete(state, objKey(ev.ns, ev.name))
		} else {
			state[objKey(ev.ns, ev.name)] = ev.prev
		}
	}
	keys := make([]string, 0, len(state))
	for k := range state {
		if ns == "" || strings.HasPrefix(k, ns+"/") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]obj, len(keys))
	for i, k := range keys {
		out[i] = state[k]
	}
	return out, rv, nil
}

// since returns the history events after rv and the channel closed on the
// next change. It fails with 410 when rv is out of the window.
func (s *store) since(rv uint64) ([]event, <-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rv < s.compacted {
		return nil, nil, errExpired(s.tooOld(rv))
	}
	i := sort.Search(len(s.hist), func(i int) bool { return s.hist[i].rv > rv })
	return append([]event(nil), s.hist[i:]...), s.changed, nil
}

// namespaceObjects returns the storage keys and names of every object in ns.
func (s *store) namespaceObjects(ns string) map[string][]string {
	out := map[string][]string{}
	for key, objs := range s.data {
		for k, o := range objs {
			if strings.HasPrefix(k, ns+"/") {
				out[key] = append(out[key], metaString(o, "name"))
			}
		}
	}
	return out
}
