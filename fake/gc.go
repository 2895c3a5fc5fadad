package fake

import (
	"context"
	"sort"
	"sync/atomic"
	"time"
)

// Garbage collection, as kube-apiserver and kube-controller-manager's
// garbage collector do it together. The API server's part is synchronous
// and lives in the delete path (gcFinalizers): a delete with propagation
// Foreground or Orphan (or the kind's default) leaves the object with the
// foregroundDeletion or orphan finalizer and a deletionTimestamp. The
// collector's part runs in a goroutine driven by the store's history
// (gcLoop): it deletes dependents whose owners are all gone, deletes the
// dependents of an owner in foreground deletion before removing its
// finalizer, and strips the owner references of an orphaning owner's
// dependents before removing its finalizer. Owners are found by uid.

const (
	finalizerForeground = "foregroundDeletion"
	finalizerOrphan     = "orphan"
)

// defaultPropagation is the propagation a delete without one gets, as the
// kind's real strategy chooses it: batch/v1 Jobs and v1
// ReplicationControllers orphan their pods (for compatibility with clients
// older than server-side cascading); every other kind served by 1.37
// deletes its dependents in the background.
func defaultPropagation(ri *resInfo) string {
	if ri.CRD == "" && orphanByDefault[ri.Group+"/"+ri.Resource] {
		return "Orphan"
	}
	return "Background"
}

// orphanByDefault are the kinds whose served version orphans dependents
// when a delete names no propagation (checked against kube-apiserver
// v1.37.2 by TestFidelityGC).
var orphanByDefault = map[string]bool{
	"batch/jobs":              true,
	"/replicationcontrollers": true,
}

// gcFinalizers returns the finalizers a delete leaves on an object that
// has old, as the real generic store computes them: the explicit
// propagation policy wins, then a GC finalizer the object already carries,
// then the kind's default; the orphan and foregroundDeletion finalizers are
// replaced accordingly. It reports whether they differ from old.
func gcFinalizers(ri *resInfo, old []string, opts deleteOptions) ([]string, bool) {
	orphan, foreground := false, false
	switch {
	case opts.OrphanDependents != nil:
		orphan = *opts.OrphanDependents
	case opts.PropagationPolicy != nil:
		orphan = *opts.PropagationPolicy == "Orphan"
		foreground = *opts.PropagationPolicy == "Foreground"
	default:
		decided := false
		for _, f := range old {
			if f == finalizerOrphan || f == finalizerForeground {
				orphan, foreground, decided = f == finalizerOrphan, f == finalizerForeground, true
				break
			}
		}
		if !decided {
			orphan = defaultPropagation(ri) == "Orphan"
		}
	}
	var out []string
	for _, f := range old {
		if f != finalizerOrphan && f != finalizerForeground {
			out = append(out, f)
		}
	}
	if orphan {
		out = append(out, finalizerOrphan)
	}
	if foreground {
		out = append(out, finalizerForeground)
	}
	if sameSet(old, out) {
		return old, false
	}
	return out, true
}

func sameSet(a, b []string) bool {
	set := map[string]bool{}
	for _, x := range a {
		set[x] = true
	}
	other := map[string]bool{}
	for _, x := range b {
		if !set[x] {
			return false
		}
		other[x] = true
	}
	return len(set) == len(other)
}

// WithoutGarbageCollector serves as a kube-apiserver with no controller
// manager does: deletes still leave the foregroundDeletion and orphan
// finalizers, but nothing removes them, and dependents are never
// collected. The default is to collect as a cluster does.
func WithoutGarbageCollector() Option {
	return func(o *options) error { o.noGC = true; return nil }
}

// objLoc is where an object lives in the store.
type objLoc struct {
	key, ns, name string
}

// gcState is the collector's view of the store: every object's location
// by uid, and the dependents of every owner uid.
type gcState struct {
	last       uint64 // the newest resourceVersion processed
	byUID      map[string]objLoc
	owners     map[string][]string        // uid -> owner uids
	dependents map[string]map[string]bool // owner uid -> dependent uids
	dirty      map[string]bool            // uids to look at again
	processed  atomic.Uint64              // resourceVersion handled, for Settle
}

func newGCState() *gcState {
	return &gcState{byUID: map[string]objLoc{}, owners: map[string][]string{}, dependents: map[string]map[string]bool{}, dirty: map[string]bool{}}
}

// ownerRefs returns the ownerReferences of o as maps.
func ownerRefs(o obj) []map[string]any {
	var out []map[string]any
	for _, r := range asList(meta(o)["ownerReferences"]) {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// track records o (nil: the object at loc with uid is gone) in the indexes
// and marks what must be looked at again.
func (g *gcState) track(uid string, loc objLoc, o obj) {
	for _, ou := range g.owners[uid] {
		delete(g.dependents[ou], uid)
		if len(g.dependents[ou]) == 0 {
			delete(g.dependents, ou)
		}
		g.dirty[ou] = true // a foreground owner may be waiting for it
	}
	delete(g.owners, uid)
	if o == nil {
		delete(g.byUID, uid)
		for d := range g.dependents[uid] {
			g.dirty[d] = true
		}
		delete(g.dirty, uid)
		return
	}
	g.byUID[uid] = loc
	for _, r := range ownerRefs(o) {
		ou, _ := r["uid"].(string)
		if ou == "" {
			continue
		}
		g.owners[uid] = append(g.owners[uid], ou)
		if g.dependents[ou] == nil {
			g.dependents[ou] = map[string]bool{}
		}
		g.dependents[ou][uid] = true
	}
	g.dirty[uid] = true
}

// rebuild indexes every stored object afresh; s.st.mu must be held.
func (g *gcState) rebuild(st *store) {
	g.byUID, g.owners, g.dependents, g.dirty = map[string]objLoc{}, map[string][]string{}, map[string]map[string]bool{}, map[string]bool{}
	g.last = st.rv
	for key, objs := range st.data {
		for _, o := range objs {
			if uid := metaString(o, "uid"); uid != "" {
				g.track(uid, objLoc{key, metaString(o, "namespace"), metaString(o, "name")}, o)
			}
		}
	}
}

// gcLoop runs the collector until the server closes.
func (s *Server) gcLoop() {
	defer s.nsWork.Done()
	g := s.gc
	s.st.mu.Lock()
	g.rebuild(s.st)
	for {
		if g.last < s.st.compacted {
			g.rebuild(s.st)
		}
		i := sort.Search(len(s.st.hist), func(i int) bool { return s.st.hist[i].rv > g.last })
		evs := append([]event(nil), s.st.hist[i:]...)
		for _, ev := range evs {
			o := ev.o
			if ev.typ == "DELETED" {
				o = nil
			}
			src := ev.o
			if src == nil {
				src = ev.prev
			}
			if uid := metaString(src, "uid"); uid != "" {
				g.track(uid, objLoc{ev.key, ev.ns, ev.name}, o)
			}
			g.last = ev.rv
		}
		if len(g.dirty) > 0 {
			s.collect()
			continue // the collector's own writes are events too
		}
		g.processed.Store(s.st.rv)
		ch := s.st.changed
		s.st.mu.Unlock()
		select {
		case <-ch:
		case <-s.done:
			return
		}
		s.st.mu.Lock()
	}
}

// collect handles every dirty object once; s.st.mu must be held.
func (s *Server) collect() {
	g := s.gc
	uids := make([]string, 0, len(g.dirty))
	for u := range g.dirty {
		uids = append(uids, u)
	}
	sort.Strings(uids)
	g.dirty = map[string]bool{}
	for _, uid := range uids {
		loc, ok := g.byUID[uid]
		if !ok {
			continue
		}
		o := s.st.data[loc.key][objKey(loc.ns, loc.name)]
		if o == nil || metaString(o, "uid") != uid {
			continue
		}
		s.collectOne(uid, loc, o)
	}
}

// collectOne is the collector's work on one object; s.st.mu must be held.
func (s *Server) collectOne(uid string, loc objLoc, o obj) {
	g := s.gc
	fins := finalizers(o)
	deleting := metaString(o, "deletionTimestamp") != ""
	switch {
	case deleting && contains(fins, finalizerOrphan):
		for d := range g.dependents[uid] {
			if dl, ok := g.byUID[d]; ok {
				s.removeOwnerRefs(dl, d, map[string]bool{uid: true})
			}
		}
		s.setFinalizers(loc, o, without(fins, finalizerOrphan))
		return
	case deleting && contains(fins, finalizerForeground):
		blocking := false
		for d := range g.dependents[uid] {
			dl, ok := g.byUID[d]
			if !ok {
				continue
			}
			dep := s.st.data[dl.key][objKey(dl.ns, dl.name)]
			if dep == nil {
				continue
			}
			if metaString(dep, "deletionTimestamp") == "" {
				// The dependent's own owners decide: deleted (in
				// foreground when it has dependents, so the cascade goes
				// on down), or, with another live owner, kept without
				// its reference to this one.
				s.collectOne(d, dl, dep)
				if dep = s.st.data[dl.key][objKey(dl.ns, dl.name)]; dep == nil || metaString(dep, "uid") != d {
					continue
				}
			}
			if blocksOwner(dep, uid) {
				blocking = true
			}
		}
		if !blocking {
			s.setFinalizers(loc, o, without(fins, finalizerForeground))
		}
		return
	case deleting:
		return
	}
	refs := ownerRefs(o)
	if len(refs) == 0 {
		return
	}
	solid := 0
	gone := map[string]bool{}
	waiting := false
	for _, r := range refs {
		ou, _ := r["uid"].(string)
		owner := s.ownerObject(ou, loc.ns)
		switch {
		case owner == nil:
			gone[ou] = true
		case metaString(owner, "deletionTimestamp") != "" && contains(finalizers(owner), finalizerForeground):
			gone[ou], waiting = true, true
		default:
			solid++
		}
	}
	switch {
	case solid > 0 && len(gone) > 0:
		s.removeOwnerRefs(loc, uid, gone)
	case solid > 0:
	case waiting && len(g.dependents[uid]) > 0:
		s.gcDelete(loc, o, "Foreground")
	default:
		policy := "Background"
		if contains(fins, finalizerOrphan) {
			policy = "Orphan"
		} else if contains(fins, finalizerForeground) {
			policy = "Foreground"
		}
		s.gcDelete(loc, o, policy)
	}
}

// ownerObject returns the object with uid that a dependent in namespace
// ns can own: cluster-scoped, or in ns.
func (s *Server) ownerObject(uid, ns string) obj {
	loc, ok := s.gc.byUID[uid]
	if !ok || loc.ns != "" && loc.ns != ns {
		return nil
	}
	o := s.st.data[loc.key][objKey(loc.ns, loc.name)]
	if o == nil || metaString(o, "uid") != uid {
		return nil
	}
	return o
}

// blocksOwner reports whether dep's reference to owner has
// blockOwnerDeletion set.
func blocksOwner(dep obj, owner string) bool {
	for _, r := range ownerRefs(dep) {
		if r["uid"] == owner && r["blockOwnerDeletion"] == true {
			return true
		}
	}
	return false
}

func without(ss []string, x string) []string {
	var out []string
	for _, s := range ss {
		if s != x {
			out = append(out, s)
		}
	}
	return out
}

// setFinalizers stores o with fins, deleting it when it is being deleted
// and none are left, as an update removing the last finalizer does.
func (s *Server) setFinalizers(loc objLoc, o obj, fins []string) {
	n := copyObj(o)
	if len(fins) == 0 {
		delete(meta(n), "finalizers")
		if metaString(n, "deletionTimestamp") != "" {
			s.st.commit(loc.key, loc.ns, loc.name, nil)
			return
		}
	} else {
		list := make([]any, len(fins))
		for i, f := range fins {
			list[i] = f
		}
		meta(n)["finalizers"] = list
	}
	s.st.commit(loc.key, loc.ns, loc.name, n)
}

// removeOwnerRefs drops the references to the given owners from the object
// at loc.
func (s *Server) removeOwnerRefs(loc objLoc, uid string, owners map[string]bool) {
	o := s.st.data[loc.key][objKey(loc.ns, loc.name)]
	if o == nil || metaString(o, "uid") != uid {
		return
	}
	n := copyObj(o)
	var keep []any
	for _, r := range ownerRefs(n) {
		if ou, _ := r["uid"].(string); !owners[ou] {
			keep = append(keep, r)
		}
	}
	if keep == nil {
		delete(meta(n), "ownerReferences")
	} else {
		meta(n)["ownerReferences"] = keep
	}
	s.st.commit(loc.key, loc.ns, loc.name, n)
}

// gcDelete deletes the object at loc with a propagation policy, as the
// collector's DELETE with a uid precondition does; s.st.mu must be held.
func (s *Server) gcDelete(loc objLoc, o obj, policy string) {
	ri := s.reg.byStorageKey(loc.key)
	if ri == nil {
		return
	}
	uid := metaString(o, "uid")
	opts := deleteOptions{PropagationPolicy: &policy}
	opts.Preconditions = &deletePreconditions{UID: &uid}
	rq := &request{verb: "delete", ri: ri, ns: loc.ns, name: loc.name}
	s.deleteOne(rq, loc.ns, loc.name, opts)
}

// Settle waits until the garbage collector and the simulated controllers
// (WithControllers) have handled every change made so far, or ctx ends.
// Work they scheduled for later (a Job's pods finishing after a delay)
// is not waited for.
func (s *Server) Settle(ctx context.Context) error {
	for {
		s.st.mu.Lock()
		cur := s.st.rv
		s.st.mu.Unlock()
		done := true
		if s.gc != nil && s.gc.processed.Load() < cur {
			done = false
		}
		if s.ctrl != nil && s.ctrl.processed.Load() < cur {
			done = false
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return nil
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// byStorageKey returns a resource (any served version) stored under key.
func (r *registry) byStorageKey(key string) *resInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var best *resInfo
	for _, ri := range r.byGVR {
		if ri.storageKey() == key && (best == nil || ri.Version < best.Version) {
			best = ri
		}
	}
	return best
}
