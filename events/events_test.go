package events_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/events"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// env is a fake server with namespace "ns", a client, and a pod object (not
// stored: events refer to the object as given).
type env struct {
	srv *fake.Server
	rc  *rest.Client
	pod *corev1.Pod
}

func newEnv(t *testing.T, opts ...rest.Option) *env {
	t.Helper()
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), append([]rest.Option{rest.WithRateLimit(-1, 0), rest.WithMaxRetries(0)}, opts...)...)
	require.NoError(t, err)
	_, err = typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-0", Namespace: "ns", UID: "u-1", ResourceVersion: "42"}}
	return &env{srv: srv, rc: rc, pod: pod}
}

// start returns a started broadcaster that is shut down when the test ends.
func start(t *testing.T, rc *rest.Client, opts ...events.Option) *events.Broadcaster {
	t.Helper()
	b, err := events.NewBroadcaster(rc, opts...)
	require.NoError(t, err)
	b.Start(context.Background())
	t.Cleanup(func() { _ = b.Shutdown(context.Background()) })
	return b
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func listEvents(t *testing.T, rc *rest.Client, ns string) []eventsv1.Event {
	t.Helper()
	l, err := typed.For[eventsv1.Event, eventsv1.EventList](rc, ns).List(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	return l.Items
}

func TestRecordFoldsRepeatsIntoASeries(t *testing.T) {
	e := newEnv(t)
	b := start(t, e.rc)
	rec := b.NewRecorder("example.com/ctl", events.WithReportingInstance("ctl-1"))

	rec.Eventf(e.pod, nil, events.Normal, "Scaled", "Scale", "scaled to %d", 3)
	waitFor(t, "the event", func() bool { return b.Stats().Created == 1 })
	assert.Equal(t, "events.k8s.io/v1", b.API())
	evs := listEvents(t, e.rc, "ns")
	require.Len(t, evs, 1)
	ev := evs[0]
	assert.Equal(t, corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Name: "web-0", Namespace: "ns", UID: "u-1", ResourceVersion: "42"}, ev.Regarding)
	assert.Equal(t, "scaled to 3", ev.Note)
	assert.Equal(t, "Scaled", ev.Reason)
	assert.Equal(t, "Scale", ev.Action)
	assert.Equal(t, events.Normal, ev.Type)
	assert.Equal(t, "example.com/ctl", ev.ReportingController)
	assert.Equal(t, "ctl-1", ev.ReportingInstance)
	assert.True(t, strings.HasPrefix(ev.Name, "web-0."), ev.Name)
	assert.Nil(t, ev.Series)
	assert.False(t, ev.EventTime.IsZero())

	// The first repeat opens the series, written by a patch at once.
	rec.Eventf(e.pod, nil, events.Normal, "Scaled", "Scale", "scaled to %d", 3)
	waitFor(t, "the series", func() bool { return b.Stats().Patched == 1 })
	evs = listEvents(t, e.rc, "ns")
	require.Len(t, evs, 1)
	require.NotNil(t, evs[0].Series)
	assert.Equal(t, int32(2), evs[0].Series.Count)

	// Later repeats are counted, and written at Shutdown.
	rec.Eventf(e.pod, nil, events.Normal, "Scaled", "Scale", "scaled to %d", 3)
	rec.Eventf(e.pod, nil, events.Normal, "Scaled", "Scale", "scaled to %d", 3)
	// Another note is another event.
	rec.Eventf(e.pod, nil, events.Normal, "Scaled", "Scale", "scaled to %d", 4)
	waitFor(t, "the second event", func() bool { return b.Stats().Created == 2 })
	evs = listEvents(t, e.rc, "ns")
	require.Len(t, evs, 2)
	require.NoError(t, b.Shutdown(context.Background()))
	st := b.Stats()
	assert.Equal(t, uint64(5), st.Queued)
	assert.Equal(t, uint64(3), st.Folded)
	assert.Equal(t, uint64(2), st.Patched)
	for _, ev := range listEvents(t, e.rc, "ns") {
		if ev.Note == "scaled to 3" {
			require.NotNil(t, ev.Series)
			assert.Equal(t, int32(4), ev.Series.Count)
		} else {
			assert.Nil(t, ev.Series)
		}
	}
	// After Shutdown nothing is recorded.
	rec.Eventf(e.pod, nil, events.Normal, "Late", "Scale", "")
	assert.Equal(t, uint64(1), b.Stats().Dropped)
}

func TestSeriesEndsAfterItsWindow(t *testing.T) {
	e := newEnv(t)
	b := start(t, e.rc, events.WithSeries(50*time.Millisecond, time.Hour))
	rec := b.NewRecorder("example.com/ctl")
	for range 3 {
		rec.Eventf(e.pod, nil, events.Warning, "Failed", "Sync", "boom")
	}
	// The series' count is written when it ends, without Shutdown.
	waitFor(t, "the final count", func() bool { return b.Stats().Patched == 2 })
	evs := listEvents(t, e.rc, "ns")
	require.Len(t, evs, 1)
	assert.Equal(t, int32(3), evs[0].Series.Count)
	// Past the window, a repeat is a new Event.
	time.Sleep(150 * time.Millisecond)
	rec.Eventf(e.pod, nil, events.Warning, "Failed", "Sync", "boom")
	waitFor(t, "a new event", func() bool { return b.Stats().Created == 2 })
}

func TestSpamFilter(t *testing.T) {
	e := newEnv(t)
	b := start(t, e.rc, events.WithSpamFilter(1e-9, 3))
	rec := b.NewRecorder("example.com/ctl")
	for i := range 5 {
		rec.Eventf(e.pod, nil, events.Normal, fmt.Sprintf("R%d", i), "A", "")
	}
	other := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "ns"}}
	rec.Eventf(other, nil, events.Normal, "R", "A", "")
	require.NoError(t, b.Shutdown(context.Background()))
	st := b.Stats()
	assert.Equal(t, uint64(2), st.RateLimited)
	assert.Equal(t, uint64(4), st.Created)
	assert.Len(t, listEvents(t, e.rc, "ns"), 4)
}

// A slow server fills the queue: Eventf does not wait, and the events that
// do not fit are dropped and counted.
func TestSlowServerDropsWithoutBlocking(t *testing.T) {
	e := newEnv(t)
	e.srv.Inject(fake.Fault{Verb: "create", Resource: "events.events.k8s.io", Delay: 300 * time.Millisecond})
	b := start(t, e.rc, events.WithQueueSize(4), events.WithSpamFilter(-1, 0))
	rec := b.NewRecorder("example.com/ctl")
	rec.Eventf(e.pod, nil, events.Normal, "First", "A", "")
	waitFor(t, "the first write to start", func() bool { return b.Stats().Pending == 0 })
	began := time.Now()
	for i := range 50 {
		rec.Eventf(e.pod, nil, events.Normal, fmt.Sprintf("R%d", i), "A", "")
	}
	took := time.Since(began)
	assert.Less(t, took, 100*time.Millisecond, "Eventf waited for the server")
	st := b.Stats()
	assert.Equal(t, uint64(46), st.Dropped)
	assert.Equal(t, uint64(5), st.Queued)
	assert.Equal(t, 4, st.Pending)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, b.Shutdown(ctx))
	assert.Equal(t, uint64(5), b.Stats().Created, "Shutdown writes what was queued")
	assert.Len(t, listEvents(t, e.rc, "ns"), 5)
}

func TestRetriesAndRejections(t *testing.T) {
	e := newEnv(t)
	e.srv.Inject(fake.Fault{Verb: "create", Resource: "events.events.k8s.io", Status: &metav1.Status{Code: 503}, Times: 2})
	b := start(t, e.rc, events.WithRetry(5, 10*time.Millisecond))
	rec := b.NewRecorder("example.com/ctl")
	rec.Eventf(e.pod, nil, events.Normal, "Retried", "A", "")
	waitFor(t, "the retried event", func() bool { return b.Stats().Created == 1 })

	e.srv.Inject(fake.Fault{Verb: "create", Resource: "events.events.k8s.io", Status: &metav1.Status{Code: 422, Reason: metav1.StatusReasonInvalid}, Times: 1})
	rec.Eventf(e.pod, nil, events.Normal, "Rejected", "A", "")
	waitFor(t, "the rejection", func() bool { return b.Stats().Failed == 1 })
	assert.Equal(t, uint64(1), b.Stats().Created, "a rejected event is not tried again")

	rec.Eventf(e.pod, nil, "Bad", "Reason", "A", "")
	rec.Eventf(&corev1.Pod{}, nil, events.Normal, "Reason", "A", "")
	assert.Equal(t, uint64(2), b.Stats().Invalid)
}

// oldServer answers as a server without events.k8s.io: 404 for its
// discovery document (when discovery is set) and its paths.
type oldServer struct {
	base      http.RoundTripper
	discovery bool
	posts     atomic.Int32
}

func (o *oldServer) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/apis/events.k8s.io") {
		if r.URL.Path == "/apis/events.k8s.io/v1" && !o.discovery {
			return &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("down")), Request: r}, nil
		}
		if r.Method == http.MethodPost {
			o.posts.Add(1)
		}
		body := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}`
		return &http.Response{StatusCode: 404, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}
	return o.base.RoundTrip(r)
}

func TestCoreFallback(t *testing.T) {
	for _, discovery := range []bool{true, false} {
		t.Run(fmt.Sprintf("discovery=%v", discovery), func(t *testing.T) {
			old := &oldServer{discovery: discovery}
			e := newEnv(t, rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper { old.base = rt; return old }))
			b := start(t, e.rc)
			rec := b.NewRecorder("example.com/ctl", events.WithReportingInstance("ctl-1"))
			rec.Eventf(e.pod, nil, events.Warning, "Failed", "Sync", "it broke")
			rec.Eventf(e.pod, nil, events.Warning, "Failed", "Sync", "it broke")
			rec.Eventf(e.pod, nil, events.Warning, "Failed", "Sync", "it broke")
			require.NoError(t, b.Shutdown(context.Background()))
			assert.Equal(t, "v1", b.API())
			if discovery {
				assert.Zero(t, old.posts.Load(), "discovery decided before any write")
			} else {
				assert.Equal(t, int32(1), old.posts.Load(), "one write found events.k8s.io missing")
			}
			l, err := typed.For[corev1.Event, corev1.EventList](e.rc, "ns").List(context.Background(), metav1.ListOptions{})
			require.NoError(t, err)
			require.Len(t, l.Items, 1)
			ev := l.Items[0]
			assert.Equal(t, "Pod", ev.InvolvedObject.Kind)
			assert.Equal(t, "web-0", ev.InvolvedObject.Name)
			assert.Equal(t, "u-1", string(ev.InvolvedObject.UID))
			assert.Equal(t, "it broke", ev.Message)
			assert.Equal(t, "example.com/ctl", ev.Source.Component)
			assert.Equal(t, "example.com/ctl", ev.ReportingComponent)
			assert.Equal(t, "ctl-1", ev.ReportingInstance)
			assert.Equal(t, int32(3), ev.Count)
			assert.False(t, ev.FirstTimestamp.IsZero())
			assert.False(t, ev.LastTimestamp.Before(ev.FirstTimestamp.Time))
		})
	}
}

func TestReference(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u", ResourceVersion: "7"}}
	ref, err := events.Reference(pod)
	require.NoError(t, err)
	assert.Equal(t, corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Name: "p", Namespace: "ns", UID: "u", ResourceVersion: "7"}, ref)

	dep := dynamic.Object{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d", "namespace": "ns", "uid": "u2"}}
	ref, err = events.Reference(dep)
	require.NoError(t, err)
	assert.Equal(t, corev1.ObjectReference{Kind: "Deployment", APIVersion: "apps/v1", Name: "d", Namespace: "ns", UID: "u2"}, ref)

	pm := &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{Kind: "Secret", APIVersion: "v1"}, ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns"}}
	ref, err = events.Reference(pm)
	require.NoError(t, err)
	assert.Equal(t, "Secret", ref.Kind)

	given := &corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: "n"}
	ref, err = events.Reference(given)
	require.NoError(t, err)
	assert.Equal(t, *given, ref)

	var re *events.ReferenceError
	for _, bad := range []any{nil, struct{}{}, (*corev1.Pod)(nil), &corev1.Pod{}, &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, (*corev1.ObjectReference)(nil)} {
		_, err := events.Reference(bad)
		assert.True(t, errors.As(err, &re), "%T: %v", bad, err)
	}
}

func TestOptions(t *testing.T) {
	e := newEnv(t)
	var ce *rest.ConfigError
	for _, o := range []events.Option{events.WithQueueSize(0), events.WithSpamFilter(1, 0), events.WithRetry(0, time.Second), events.WithSeries(0, time.Second)} {
		_, err := events.NewBroadcaster(e.rc, o)
		assert.ErrorAs(t, err, &ce)
	}
	_, err := events.NewBroadcaster(nil)
	assert.ErrorAs(t, err, &ce)
}

// The heartbeat writes the count of an open series without Shutdown.
func TestHeartbeatWritesSeries(t *testing.T) {
	e := newEnv(t)
	b := start(t, e.rc, events.WithSeries(time.Hour, 50*time.Millisecond))
	rec := b.NewRecorder("example.com/ctl")
	for range 4 {
		rec.Eventf(e.pod, nil, events.Normal, "Synced", "Sync", "")
	}
	waitFor(t, "the heartbeat", func() bool {
		evs := listEvents(t, e.rc, "ns")
		return len(evs) == 1 && evs[0].Series != nil && evs[0].Series.Count == 4
	})
}

// A series whose Event is gone from the server (expired) is created again
// with its count.
func TestSeriesOfAnExpiredEvent(t *testing.T) {
	e := newEnv(t)
	b := start(t, e.rc)
	rec := b.NewRecorder("example.com/ctl")
	rec.Eventf(e.pod, nil, events.Normal, "Synced", "Sync", "")
	waitFor(t, "the event", func() bool { return b.Stats().Created == 1 })
	evs := listEvents(t, e.rc, "ns")
	require.Len(t, evs, 1)
	require.NoError(t, typed.For[eventsv1.Event, eventsv1.EventList](e.rc, "ns").Delete(context.Background(), evs[0].Name, metav1.DeleteOptions{}))
	rec.Eventf(e.pod, nil, events.Normal, "Synced", "Sync", "")
	waitFor(t, "the event again", func() bool { return b.Stats().Created == 2 })
	evs = listEvents(t, e.rc, "ns")
	require.Len(t, evs, 1)
	require.NotNil(t, evs[0].Series)
	assert.Equal(t, int32(2), evs[0].Series.Count)
}

// The related object is part of the event and of its identity: another
// related object is another Event.
func TestRelated(t *testing.T) {
	e := newEnv(t)
	b := start(t, e.rc)
	rec := b.NewRecorder("example.com/scheduler")
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", UID: "n-1"}}
	other := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-2", UID: "n-2"}}
	rec.Eventf(e.pod, node, events.Normal, "Scheduled", "Binding", "assigned to %s", "a node")
	rec.Eventf(e.pod, other, events.Normal, "Scheduled", "Binding", "assigned to %s", "a node")
	rec.Eventf(e.pod, node, events.Normal, "Scheduled", "Binding", "assigned to %s", "a node")
	require.NoError(t, b.Shutdown(context.Background()))
	evs := listEvents(t, e.rc, "ns")
	require.Len(t, evs, 2)
	for _, ev := range evs {
		require.NotNil(t, ev.Related)
		assert.Equal(t, "Node", ev.Related.Kind)
		if ev.Related.Name == "node-1" {
			require.NotNil(t, ev.Series)
			assert.Equal(t, int32(2), ev.Series.Count)
		} else {
			assert.Nil(t, ev.Series)
		}
	}
	// A cluster-scoped object's events go to "default".
	b2 := start(t, e.rc)
	b2.NewRecorder("example.com/checker").Eventf(node, nil, events.Normal, "Ready", "Check", "")
	require.NoError(t, b2.Shutdown(context.Background()))
	evs = listEvents(t, e.rc, "default")
	require.Len(t, evs, 1)
	assert.Equal(t, corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: "node-1", UID: "n-1"}, evs[0].Regarding)
}
