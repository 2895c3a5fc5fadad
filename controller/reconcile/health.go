package reconcile

import (
	"net/http"
	"strings"
)

// Handler returns the loop's health endpoints, for a server of the
// caller's (WithHealthAddr serves them on a server of the loop's own):
//
//   - /healthz answers 200 "ok": the process is alive and serving.
//   - /readyz answers 200 once Run has started and every informer of the
//     loop has filled its cache, with "ok" (no leader election), "ok:
//     leader" or "ok: standby"; and 503 with the reason otherwise: not
//     running, caches not synced (naming them), or shutting down.
func (l *Loop) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ready, msg := l.Ready()
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		w.Write([]byte(msg + "\n"))
	})
	return mux
}

// Ready reports what /readyz answers: whether the loop is ready, and why
// or why not.
func (l *Loop) Ready() (bool, string) {
	l.mu.Lock()
	running, stopping := l.running, l.stopping
	l.mu.Unlock()
	switch {
	case !running:
		return false, "not running"
	case stopping:
		return false, "shutting down"
	}
	var unsynced []string
	if !l.primary.HasSynced() {
		unsynced = append(unsynced, "primary(*"+l.primaryType.String()+")")
	}
	for _, w := range l.s.watches {
		if !w.inf.HasSynced() {
			unsynced = append(unsynced, w.name)
		}
	}
	if len(unsynced) > 0 {
		return false, "caches not synced: " + strings.Join(unsynced, ", ")
	}
	switch {
	case l.el == nil:
		return true, "ok"
	case l.el.IsLeader():
		return true, "ok: leader"
	default:
		return true, "ok: standby"
	}
}
