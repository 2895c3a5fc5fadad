package realserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	kwmetav1 "github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	kwrest "github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// dumpLists writes the server's list of all pods from its watch cache
// (resourceVersion 0, as informers ask), once in protobuf and once in JSON,
// to dir/pods.pb and dir/pods.json, for the in-process measurements of
// TestDumped.
func dumpLists(t *testing.T, cs *kubernetes.Clientset, dir string) {
	for _, f := range []struct{ accept, name string }{
		{"application/vnd.kubernetes.protobuf", "pods.pb"},
		{"application/json", "pods.json"},
	} {
		b, err := cs.CoreV1().RESTClient().Get().AbsPath("/api/v1/pods").Param("resourceVersion", "0").
			SetHeader("Accept", f.accept).DoRaw(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", f.name, len(b))
	}
}

// dumpServer serves dir's dumped pod lists (protobuf when the client asks
// for it) and watches that stay open without events.
func dumpServer(t *testing.T, dir string) *httptest.Server {
	pb, err := os.ReadFile(filepath.Join(dir, "pods.pb"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "pods.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto := strings.Contains(r.Header.Get("Accept"), "protobuf")
		if r.URL.Query().Get("watch") == "true" || r.URL.Query().Get("watch") == "1" {
			if r.URL.Query().Get("sendInitialEvents") == "true" {
				// A streaming list is refused, as this kube-apiserver does:
				// the informers list instead.
				http.Error(w, "streaming lists are not served", http.StatusBadRequest)
				return
			}
			if proto {
				w.Header().Set("Content-Type", "application/vnd.kubernetes.protobuf;stream=watch")
			} else {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		if proto {
			w.Header().Set("Content-Type", "application/vnd.kubernetes.protobuf")
			w.Write(pb)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(js)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestDumped measures what TestRealServer does, client side only, on the
// lists TestRealServer dumped (KUBEWIRE_REAL_DUMP=dir) served from
// memory: typed List client CPU, informer initial sync heap per pod.
// KUBEWIRE_DUMPED=dir runs it; KUBEWIRE_DUMPED_ONLY=kubewire or client-go
// runs one side (for profiles).
//
//	KUBEWIRE_DUMPED=/tmp/protoperf go test -run TestDumped -v ./realserver/
func TestDumped(t *testing.T) {
	dir := os.Getenv("KUBEWIRE_DUMPED")
	if dir == "" {
		t.Skip("set KUBEWIRE_DUMPED to the directory of TestRealServer's dumped lists")
	}
	only := os.Getenv("KUBEWIRE_DUMPED_ONLY")
	if os.Getenv("KUBEWIRE_HEAPPROFILE") != "" {
		runtime.MemProfileRate = 4096
	}
	srv := dumpServer(t, dir)
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(&rest.Config{Host: srv.URL, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := kwrest.New(&config.Config{Server: srv.URL}, kwrest.WithRateLimit(-1, 0))
	if err != nil {
		t.Fatal(err)
	}
	l, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(l.Items)
	l = nil
	rounds := 7
	if r, _ := strconv.Atoi(os.Getenv("KUBEWIRE_DUMPED_ROUNDS")); r > 0 {
		rounds = r
	}
	var cgCPU, kwCPU []time.Duration
	kwPods := typed.For[kwcorev1.Pod, kwcorev1.PodList](rc, "")
	for range rounds {
		if only != "kubewire" {
			runtime.GC()
			c := cpuTime()
			l, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
			if err != nil || len(l.Items) != n {
				t.Fatalf("client-go list: %v", err)
			}
			cgCPU = append(cgCPU, cpuTime()-c)
		}
		if only != "client-go" {
			runtime.GC()
			c := cpuTime()
			kl, err := kwPods.List(ctx, kwmetav1.ListOptions{})
			if err != nil || len(kl.Items) != n {
				t.Fatalf("kubewire list: %v", err)
			}
			kwCPU = append(kwCPU, cpuTime()-c)
		}
	}
	if only == "" {
		t.Logf("typed List of %d pods, medians of %d alternating rounds: client-go cpu %v; kubewire cpu %v (%.2fx)",
			n, rounds, median(cgCPU), median(kwCPU), float64(median(kwCPU))/float64(median(cgCPU)))
	}
	if os.Getenv("KUBEWIRE_DUMPED_LIST_ONLY") != "" {
		return
	}
	jrc, err := kwrest.New(&config.Config{Server: srv.URL}, kwrest.WithRateLimit(-1, 0), kwrest.WithJSON())
	if err != nil {
		t.Fatal(err)
	}
	var cgHeap, kwHeap, kjHeap []float64
	for range 3 {
		if only != "kubewire" {
			_, h := clientgoInformer(t, cs, n, false)
			cgHeap = append(cgHeap, h)
		}
		if only != "client-go" {
			_, h := kubewireInformer(t, rc, n, false)
			kwHeap = append(kwHeap, h)
			_, h = kubewireInformer(t, jrc, n, false)
			kjHeap = append(kjHeap, h)
		}
	}
	// The same without managedFields (a transform drops them in both).
	var cgSlim, kwSlim []float64
	for range 3 {
		if only != "kubewire" {
			_, h := clientgoInformer(t, cs, n, true)
			cgSlim = append(cgSlim, h)
		}
		if only != "client-go" {
			_, h := kubewireInformer(t, rc, n, true)
			kwSlim = append(kwSlim, h)
		}
	}
	if only == "" {
		slices.Sort(cgSlim)
		slices.Sort(kwSlim)
		t.Logf("informer heap per pod with managedFields dropped by a transform: client-go %.0f B; kubewire %.0f B (%.2fx)",
			cgSlim[1], kwSlim[1], kwSlim[1]/cgSlim[1])
		slices.Sort(cgHeap)
		slices.Sort(kwHeap)
		slices.Sort(kjHeap)
		t.Logf("informer heap per pod, medians of 3 alternating rounds: client-go %.0f B; kubewire %.0f B (%.2fx); kubewire over JSON %.0f B (%.2fx)",
			cgHeap[1], kwHeap[1], kwHeap[1]/cgHeap[1], kjHeap[1], kjHeap[1]/cgHeap[1])
	}
}
