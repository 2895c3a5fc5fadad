//go:build integration

package integration

import (
	"context"
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
	"github.com/kubewire/kubewire/events"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// withoutEventsAPI makes the real server look like one without
// events.k8s.io: its discovery document (or, with failDiscovery, its
// whole discovery answer is a 500 and only its paths) answer 404.
type withoutEventsAPI struct {
	base          http.RoundTripper
	failDiscovery bool
	posts         atomic.Int32
}

func (w *withoutEventsAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, "/apis/events.k8s.io") {
		return w.base.RoundTrip(r)
	}
	code, body := http.StatusNotFound, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}`
	if r.URL.Path == "/apis/events.k8s.io/v1" && w.failDiscovery {
		code, body = http.StatusInternalServerError, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"unavailable","reason":"InternalError","code":500}`
	}
	if r.Method == http.MethodPost {
		w.posts.Add(1)
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// TestEventsRecorder records events about a ConfigMap through the real
// server: created as events.k8s.io/v1, repeats folded into the series the
// server stores, and the core/v1 fallback for a server without
// events.k8s.io (decided by discovery, or by the 404 of the first write).
func TestEventsRecorder(t *testing.T) {
	ctx := testContext(t)
	env := testenv.Shared(t)
	cfg := loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken))
	rc := newClient(t, cfg, rest.WithRateLimit(100, 200))
	ns := "kw-events"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	cm, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns).Create(ctx,
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "subject"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	ref := corev1.ObjectReference{Kind: "ConfigMap", APIVersion: "v1", Name: "subject", Namespace: ns, UID: cm.UID, ResourceVersion: cm.ResourceVersion}
	evs := typed.For[eventsv1.Event, eventsv1.EventList](rc, ns)

	t.Run("events.k8s.io", func(t *testing.T) {
		b, err := events.NewBroadcaster(rc)
		require.NoError(t, err)
		b.Start(ctx)
		rec := b.NewRecorder("kubewire.dev/itest", events.WithReportingInstance("itest-1"))
		rec.Eventf(cm, nil, events.Normal, "Configured", "Configure", "configured %s", "subject")
		require.Eventually(t, func() bool { return b.Stats().Created == 1 }, 20*time.Second, 10*time.Millisecond, "%+v", b.Stats())
		assert.Equal(t, "events.k8s.io/v1", b.API())
		list, err := evs.List(ctx, metav1.ListOptions{FieldSelector: "reportingController=kubewire.dev/itest"})
		require.NoError(t, err)
		require.Len(t, list.Items, 1)
		ev := list.Items[0]
		assert.Equal(t, ref, ev.Regarding)
		assert.Equal(t, "configured subject", ev.Note)
		assert.Equal(t, "itest-1", ev.ReportingInstance)
		assert.Nil(t, ev.Series)

		// The first repeat: series.count 2 on the server at once.
		rec.Eventf(cm, nil, events.Normal, "Configured", "Configure", "configured %s", "subject")
		require.Eventually(t, func() bool { return b.Stats().Patched == 1 }, 20*time.Second, 10*time.Millisecond, "%+v", b.Stats())
		got, err := evs.Get(ctx, ev.Name, metav1.GetOptions{})
		require.NoError(t, err)
		require.NotNil(t, got.Series)
		assert.Equal(t, int32(2), got.Series.Count)
		assert.False(t, got.Series.LastObservedTime.IsZero())

		// Three more are counted and written at Shutdown: the server
		// stores 5.
		for range 3 {
			rec.Eventf(cm, nil, events.Normal, "Configured", "Configure", "configured %s", "subject")
		}
		require.NoError(t, b.Shutdown(ctx))
		got, err = evs.Get(ctx, ev.Name, metav1.GetOptions{})
		require.NoError(t, err)
		require.NotNil(t, got.Series)
		assert.Equal(t, int32(5), got.Series.Count)
		st := b.Stats()
		assert.Equal(t, uint64(1), st.Created)
		assert.Equal(t, uint64(2), st.Patched)
		assert.Equal(t, uint64(4), st.Folded)
		assert.Zero(t, st.Failed)

		// The same Event through core/v1, as kubectl get events reads it.
		core, err := typed.For[corev1.Event, corev1.EventList](rc, ns).Get(ctx, ev.Name, metav1.GetOptions{})
		require.NoError(t, err)
		require.NotNil(t, core.Series)
		assert.Equal(t, int32(5), core.Series.Count)
		assert.Equal(t, "configured subject", core.Message)
	})

	for _, failDiscovery := range []bool{false, true} {
		name := "core fallback by discovery"
		if failDiscovery {
			name = "core fallback by a 404"
		}
		t.Run(name, func(t *testing.T) {
			old := &withoutEventsAPI{failDiscovery: failDiscovery}
			orc := newClient(t, cfg, rest.WithRateLimit(100, 200), rest.WithMaxRetries(0),
				rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper { old.base = rt; return old }))
			b, err := events.NewBroadcaster(orc)
			require.NoError(t, err)
			b.Start(ctx)
			controllerName := "kubewire.dev/itest-core"
			if failDiscovery {
				controllerName += "-404"
			}
			rec := b.NewRecorder(controllerName)
			for range 3 {
				rec.Eventf(cm, nil, events.Warning, "Broken", "Check", "broken for the %s time", "nth")
			}
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			require.NoError(t, b.Shutdown(sctx))
			assert.Equal(t, "v1", b.API())
			if failDiscovery {
				assert.Equal(t, int32(1), old.posts.Load())
			} else {
				assert.Zero(t, old.posts.Load())
			}
			st := b.Stats()
			assert.Zero(t, st.Failed, "%+v", st)
			list, err := typed.For[corev1.Event, corev1.EventList](rc, ns).List(ctx, metav1.ListOptions{FieldSelector: "source=" + controllerName})
			require.NoError(t, err)
			require.Len(t, list.Items, 1)
			ev := list.Items[0]
			assert.Equal(t, ref, ev.InvolvedObject)
			assert.Equal(t, int32(3), ev.Count, "the count the server stores")
			assert.Equal(t, "broken for the nth time", ev.Message)
			assert.Equal(t, "Warning", ev.Type)
			assert.Equal(t, "Check", ev.Action)
			assert.Equal(t, controllerName, ev.ReportingComponent)
			assert.False(t, ev.FirstTimestamp.IsZero())
		})
	}
}
