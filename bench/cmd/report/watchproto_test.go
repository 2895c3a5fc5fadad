package main

import (
	"os"
	"strconv"
	"testing"

	"github.com/kubewire/kubewire/bench/fixture"
)

// TestWatchProto runs workload 4 over protobuf: a watch of 100,000
// ConfigMap events served as the API server's protobuf watch frames, read
// by client-go's clientset and kubewire's typed client (both ask for
// protobuf by default), alternating rounds, and logs the medians and the
// ratio of events per second. KUBEWIRE_WATCHPROTO=<rounds> enables it
// (KUBEWIRE_WATCHPROTO_EVENTS=<n> sets the number of events); without it,
// 500 events are read once by each client as a check.
//
//	KUBEWIRE_WATCHPROTO=7 go test -run TestWatchProto -v ./cmd/report/
func TestWatchProto(t *testing.T) {
	rounds, _ := strconv.Atoi(os.Getenv("KUBEWIRE_WATCHPROTO"))
	n := 100000
	if rounds == 0 {
		n = 500
	}
	if e, _ := strconv.Atoi(os.Getenv("KUBEWIRE_WATCHPROTO_EVENTS")); e > 0 {
		n = e
	}
	api := &apiServer{events: fixture.ConfigMapEvents(n), eventsProto: fixture.ConfigMapEventsProto(n)}
	s := start(api, false)
	defer s.close()
	wc, err := watchProtoContenders(s, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(wc) != 2 {
		t.Fatalf("%d contenders", len(wc))
	}
	if rounds == 0 {
		for _, c := range wc {
			if err := c.run(); err != nil {
				t.Fatalf("%s: %v", c.label, err)
			}
		}
		if got := api.protoWatches.Load(); got != 2 {
			t.Fatalf("%d watches were answered in protobuf, want 2", got)
		}
		return
	}
	res, err := alternate(rounds, 1, wc...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := api.protoWatches.Load(), int64(2*(rounds+1)); got != want {
		t.Fatalf("%d watches were answered in protobuf, want %d", got, want)
	}
	cg, kw := res[0], res[1]
	for _, r := range res {
		t.Logf("%-40s %8.1f ms %9.0f events/s %7.0f B/event %5.1f allocs/event", r.label, r.ns/1e6, float64(n)/(r.ns/1e9), r.bytes/float64(n), r.allocs/float64(n))
	}
	t.Logf("watch of %d ConfigMap events over protobuf, medians of %d alternating rounds (%d bytes of frames): kubewire %.2fx client-go's events per second",
		n, rounds, len(api.eventsProto), cg.ns/kw.ns)
}
