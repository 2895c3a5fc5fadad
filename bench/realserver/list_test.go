// Package realserver measures kubewire beside client-go v0.37.2 against
// the real kube-apiserver v1.37.2 (internal/testenv), both with their
// default settings (protobuf for built-in kinds). It runs when
// KUBEWIRE_REAL_PODS is set to the number of pods to seed:
//
//	KUBE_APISERVER_BIN=~/.cache/kubewire/kube-apiserver-v1.37.2 KUBEWIRE_REAL_PODS=5000 \
//	  go test -run TestRealServer -v -timeout 30m ./realserver/
//
// KUBEWIRE_REAL_DUMP=dir also writes the server's pod list (protobuf and
// JSON) to dir, for TestDumped; KUBEWIRE_REAL_CPUPROFILE=prefix writes a
// CPU profile of five more Lists per client to prefix.client-go and
// prefix.kubewire.
package realserver

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	kwmetav1 "github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/bench/fixture"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/internal/testenv"
	kwrest "github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestRealServer(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("KUBEWIRE_REAL_PODS"))
	if n <= 0 {
		t.Skip("set KUBEWIRE_REAL_PODS (and KUBE_APISERVER_BIN) to measure")
	}
	ctx := context.Background()
	env, err := testenv.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Stop()
	kc, err := os.ReadFile(env.Kubeconfig(testenv.IdentityAdminToken))
	if err != nil {
		t.Fatal(err)
	}
	cgCfg, err := clientcmd.RESTConfigFromKubeConfig(kc)
	if err != nil {
		t.Fatal(err)
	}
	cgCfg.QPS, cgCfg.Burst = -1, 0
	cs, err := kubernetes.NewForConfig(cgCfg)
	if err != nil {
		t.Fatal(err)
	}
	kwCfg, err := config.LoadFile(env.Kubeconfig(testenv.IdentityAdminToken), config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := kwrest.New(kwCfg, kwrest.WithRateLimit(-1, 0))
	if err != nil {
		t.Fatal(err)
	}

	// The service accounts the pods name (no controller manager creates
	// "default" here).
	sas := map[string]bool{"default": true}
	for i := range n {
		if sa := fixture.Pod(i).Spec.ServiceAccountName; sa != "" {
			sas[sa] = true
		}
	}
	for sa := range sas {
		if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	// Seed n realistic pods with status, 8 writers at a time.
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				p := fixture.Pod(i)
				p.Namespace, p.ResourceVersion, p.UID, p.ManagedFields = "default", "", "", nil
				st := p.Status
				c, err := cs.CoreV1().Pods("default").Create(ctx, &p, metav1.CreateOptions{})
				if err != nil {
					errs <- err
					return
				}
				c.Status = st
				if _, err := cs.CoreV1().Pods("default").UpdateStatus(ctx, c, metav1.UpdateOptions{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("seeded %d pods in %v", n, time.Since(start))
	if dir := os.Getenv("KUBEWIRE_REAL_DUMP"); dir != "" {
		dumpLists(t, cs, dir)
	}

	const rounds = 5
	var cgWall, kwWall, cgCPU, kwCPU []time.Duration
	kwPods := typed.For[kwcorev1.Pod, kwcorev1.PodList](rc, "")
	for range rounds {
		runtime.GC()
		w, c := time.Now(), cpuTime()
		l, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		if err != nil || len(l.Items) != n {
			t.Fatalf("client-go list: %v", err)
		}
		cgWall, cgCPU = append(cgWall, time.Since(w)), append(cgCPU, cpuTime()-c)
		runtime.GC()
		w, c = time.Now(), cpuTime()
		kl, err := kwPods.List(ctx, kwmetav1.ListOptions{})
		if err != nil || len(kl.Items) != n {
			t.Fatalf("kubewire list: %v", err)
		}
		kwWall, kwCPU = append(kwWall, time.Since(w)), append(kwCPU, cpuTime()-c)
	}
	t.Logf("typed List of %d pods, medians of %d alternating rounds: client-go wall %v cpu %v; kubewire wall %v (%.2fx) cpu %v (%.2fx)",
		n, rounds, median(cgWall), median(cgCPU), median(kwWall), float64(median(kwWall))/float64(median(cgWall)),
		median(kwCPU), float64(median(kwCPU))/float64(median(cgCPU)))

	if prefix := os.Getenv("KUBEWIRE_REAL_CPUPROFILE"); prefix != "" {
		// Five more lists by each client, each client's in its own profile.
		for _, c := range []struct {
			name string
			list func() error
		}{
			{"client-go", func() error { _, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{}); return err }},
			{"kubewire", func() error { _, err := kwPods.List(ctx, kwmetav1.ListOptions{}); return err }},
		} {
			f, err := os.Create(prefix + "." + c.name)
			if err != nil {
				t.Fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				t.Fatal(err)
			}
			for range 5 {
				if err := c.list(); err != nil {
					t.Fatal(err)
				}
			}
			pprof.StopCPUProfile()
			f.Close()
		}
	}

	// Informer initial sync: wall time and heap held per pod.
	jrc, err := kwrest.New(kwCfg, kwrest.WithRateLimit(-1, 0), kwrest.WithJSON())
	if err != nil {
		t.Fatal(err)
	}
	var cgSync, kwSync, kjSync []time.Duration
	var cgHeap, kwHeap, kjHeap []float64
	for range 3 {
		d, h := clientgoInformer(t, cs, n, false)
		cgSync, cgHeap = append(cgSync, d), append(cgHeap, h)

		d, h = kubewireInformer(t, rc, n, false)
		kwSync, kwHeap = append(kwSync, d), append(kwHeap, h)
		d, h = kubewireInformer(t, jrc, n, false)
		kjSync, kjHeap = append(kjSync, d), append(kjHeap, h)
	}
	slices.Sort(cgHeap)
	slices.Sort(kwHeap)
	slices.Sort(kjHeap)
	t.Logf("kubewire informer over JSON (rest.WithJSON): %v (%.2fx), %.0f B/pod (%.2fx)",
		median(kjSync), float64(median(kjSync))/float64(median(cgSync)), kjHeap[1], kjHeap[1]/cgHeap[1])
	t.Logf("informer initial sync of %d pods, medians of 3 alternating rounds: client-go %v, %.0f B/pod; kubewire %v (%.2fx), %.0f B/pod (%.2fx)",
		n, median(cgSync), cgHeap[1], median(kwSync), float64(median(kwSync))/float64(median(cgSync)), kwHeap[1], kwHeap[1]/cgHeap[1])
	fmt.Fprintln(os.Stderr, "done")
}

// heap returns the live heap after two collections.
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// clientgoInformer syncs a client-go pod informer of n pods and returns
// how long it took and the heap it holds per pod.
// With dropManagedFields, a transform drops each pod's managedFields.
func clientgoInformer(t *testing.T, cs kubernetes.Interface, n int, dropManagedFields bool) (time.Duration, float64) {
	before := heap()
	w := time.Now()
	stop := make(chan struct{})
	f := informers.NewSharedInformerFactory(cs, 0)
	inf := f.Core().V1().Pods().Informer()
	if dropManagedFields {
		if err := inf.SetTransform(func(o any) (any, error) {
			if p, ok := o.(*corev1.Pod); ok {
				p.ManagedFields = nil
			}
			return o, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	f.Start(stop)
	if !cache.WaitForCacheSync(stop, inf.HasSynced) {
		t.Fatal("client-go informer did not sync")
	}
	took := time.Since(w)
	per := float64(heap()-before) / float64(n)
	if len(inf.GetStore().ListKeys()) != n {
		t.Fatalf("client-go informer has %d pods", len(inf.GetStore().ListKeys()))
	}
	close(stop)
	f.Shutdown()
	runtime.KeepAlive(inf)
	return took, per
}

// kubewireInformer syncs a kubewire pod informer of n pods and returns
// how long it took and the heap it holds per pod.
// With dropManagedFields, a transform drops each pod's managedFields.
func kubewireInformer(t *testing.T, rc *kwrest.Client, n int, dropManagedFields bool) (time.Duration, float64) {
	ctx := context.Background()
	before := heap()
	w := time.Now()
	var opts []controller.Option
	if dropManagedFields {
		opts = append(opts, controller.WithTransform(func(p *kwcorev1.Pod) { p.ManagedFields = nil }))
	}
	kinf, err := controller.NewInformer(controller.FromTyped(typed.For[kwcorev1.Pod, kwcorev1.PodList](rc, "")), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ictx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { kinf.Run(ictx); close(done) }()
	if err := kinf.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(w)
	per := float64(heap()-before) / float64(n)
	if f := os.Getenv("KUBEWIRE_HEAPPROFILE"); f != "" {
		if out, err := os.Create(fmt.Sprintf("%s.json=%v", f, rc.JSONOnly())); err == nil {
			pprof.WriteHeapProfile(out)
			out.Close()
		}
	}
	if kinf.Lister().Len() != n {
		t.Fatalf("kubewire informer has %d pods", kinf.Lister().Len())
	}
	cancel()
	<-done
	runtime.KeepAlive(kinf)
	return took, per
}
