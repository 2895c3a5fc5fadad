package controller_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// slimPod is the projection of a pod a scheduler-like controller reads.
type slimPod struct {
	controller.Meta
	Spec struct {
		NodeName   string `json:"nodeName,omitempty"`
		Containers []struct {
			Name  string `json:"name"`
			Image string `json:"image"`
		} `json:"containers"`
	} `json:"spec"`
	Status struct {
		Phase string `json:"phase,omitempty"`
		PodIP string `json:"podIP,omitempty"`
	} `json:"status"`
}

// podServer serves list (the fixture's PodList of n pods) and a watch that
// stays open without events.
func podServer(tb testing.TB, list []byte) *rest.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("watch") == "true" {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		w.Write(list)
	}))
	tb.Cleanup(srv.Close)
	rc, err := rest.New(&config.Config{Server: srv.URL}, rest.WithRateLimit(-1, 0))
	if err != nil {
		tb.Fatal(err)
	}
	return rc
}

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// cacheHeap returns the heap an informer's cache of n pods holds, per pod.
func cacheHeap[T any](tb testing.TB, n int, mk func(rc *rest.Client) typed.Interface[T, struct{}], transform func(*T)) float64 {
	list := fixtures.PodListJSON(n)
	rc := podServer(tb, list)
	c := mk(rc)
	before := heapAlloc()
	inf, err := controller.NewInformer(controller.FromTyped(c), controller.WithPageSize(int64(n)))
	if transform != nil {
		inf, err = controller.NewInformer(controller.FromTyped(c), controller.WithTransform(transform), controller.WithPageSize(int64(n)))
	}
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { inf.Run(ctx); close(done) }()
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	if err := inf.WaitForSync(wctx); err != nil {
		tb.Fatal(err)
	}
	if inf.Lister().Len() != n {
		tb.Fatalf("cached %d pods, want %d", inf.Lister().Len(), n)
	}
	after := heapAlloc()
	runtime.KeepAlive(list)
	cancel()
	<-done
	runtime.KeepAlive(inf)
	return float64(after-before) / float64(n)
}

// BenchmarkCacheHeap measures the heap held by an informer's cache of
// 10,000 realistic pods (internal/fixtures), after GC. Results are in
// docs/controller-benchmarks.md.
func BenchmarkCacheHeap(b *testing.B) {
	const n = 10000
	b.Run("typed", func(b *testing.B) {
		for range b.N {
			b.ReportMetric(cacheHeap(b, n, func(rc *rest.Client) typed.Interface[corev1.Pod, struct{}] {
				return typed.New[corev1.Pod, struct{}](rc, &corev1.PodResource, "")
			}, nil), "B/pod")
		}
	})
	b.Run("typed-no-managedFields", func(b *testing.B) {
		for range b.N {
			b.ReportMetric(cacheHeap(b, n, func(rc *rest.Client) typed.Interface[corev1.Pod, struct{}] {
				return typed.New[corev1.Pod, struct{}](rc, &corev1.PodResource, "")
			}, func(p *corev1.Pod) { p.ManagedFields = nil }), "B/pod")
		}
	})
	b.Run("slim", func(b *testing.B) {
		for range b.N {
			b.ReportMetric(cacheHeap(b, n, func(rc *rest.Client) typed.Interface[slimPod, struct{}] {
				return typed.New[slimPod, struct{}](rc, &corev1.PodResource, "")
			}, nil), "B/pod")
		}
	})
}

// The cache of typed pods stays under 10 KB per pod: a regression guard
// (about 9 KB measured, docs/controller-benchmarks.md). Most of the heap is
// the generated structs themselves.
func TestCacheHeapRegressionGuard(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("measures a 2,000-pod cache, without the race detector")
	}
	per := cacheHeap(t, 2000, func(rc *rest.Client) typed.Interface[corev1.Pod, struct{}] {
		return typed.New[corev1.Pod, struct{}](rc, &corev1.PodResource, "")
	}, nil)
	t.Logf("%.0f bytes per cached pod", per)
	if per > 10<<10 {
		t.Errorf("%.0f bytes per cached pod, want at most 10 KB", per)
	}
	slim := cacheHeap(t, 2000, func(rc *rest.Client) typed.Interface[slimPod, struct{}] {
		return typed.New[slimPod, struct{}](rc, &corev1.PodResource, "")
	}, nil)
	t.Logf("%.0f bytes per cached slim pod", slim)
	if slim > 4<<10 {
		t.Errorf("%.0f bytes per cached slim pod, want at most 4 KB", slim)
	}
}
