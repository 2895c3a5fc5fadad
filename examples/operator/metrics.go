package main

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/kubewire/kubewire/controller/reconcile"
	"github.com/kubewire/kubewire/controller/workqueue"
)

// metrics counts what the reconcile loop's hooks report and serves it in
// Prometheus' text format, with no metrics library.
type metrics struct {
	reconciles, errors, nanos atomic.Int64
	depth                     atomic.Int64
	leading                   atomic.Bool
}

// hooks returns the loop's hooks feeding m.
func (m *metrics) hooks() reconcile.Metrics {
	return reconcile.Metrics{
		Reconcile: func(_ reconcile.Request, d time.Duration, _ reconcile.Result, err error) {
			m.reconciles.Add(1)
			m.nanos.Add(int64(d))
			if err != nil {
				m.errors.Add(1)
			}
		},
		Queue:   workqueue.Metrics{Depth: func(n int) { m.depth.Store(int64(n)) }},
		Leading: func(l bool) { m.leading.Store(l) },
	}
}

// ServeHTTP writes the counters.
func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	leading := 0
	if m.leading.Load() {
		leading = 1
	}
	fmt.Fprintf(w, "# HELP website_operator_reconciles_total Reconciles run.\n# TYPE website_operator_reconciles_total counter\nwebsite_operator_reconciles_total %d\n", m.reconciles.Load())
	fmt.Fprintf(w, "# HELP website_operator_reconcile_errors_total Reconciles that failed.\n# TYPE website_operator_reconcile_errors_total counter\nwebsite_operator_reconcile_errors_total %d\n", m.errors.Load())
	fmt.Fprintf(w, "# HELP website_operator_reconcile_seconds_total Time spent reconciling.\n# TYPE website_operator_reconcile_seconds_total counter\nwebsite_operator_reconcile_seconds_total %g\n", time.Duration(m.nanos.Load()).Seconds())
	fmt.Fprintf(w, "# HELP website_operator_queue_depth Requests waiting for a worker.\n# TYPE website_operator_queue_depth gauge\nwebsite_operator_queue_depth %d\n", m.depth.Load())
	fmt.Fprintf(w, "# HELP website_operator_leader Whether this replica leads.\n# TYPE website_operator_leader gauge\nwebsite_operator_leader %d\n", leading)
}
