package main

import (
	"context"
	"fmt"
	"time"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/typed"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// slimPod is the projection a controller that schedules or reports on pods
// might keep: metadata without managedFields, the node and the phase.
type slimPod struct {
	controller.Meta
	Spec struct {
		NodeName string `json:"nodeName"`
	} `json:"spec"`
	Status struct {
		Phase string `json:"phase"`
	} `json:"status"`
}

// informerCase fills one informer cache from s and returns a function that
// stops it, once every one of n pods is cached.
type informerCase struct {
	label    string
	kubewire bool
	fill     func(s *server, n int) (stop func(), err error)
}

func informerCases() []informerCase {
	return []informerCase{
		{"client-go SharedIndexInformer", false, func(s *server, n int) (func(), error) { return clientgoInformer(s, n, false) }},
		{"client-go SharedIndexInformer + transform dropping managedFields", false, func(s *server, n int) (func(), error) { return clientgoInformer(s, n, true) }},
		{"kubewire typed informer", true, func(s *server, n int) (func(), error) { return kubewireInformer(s, n, false) }},
		{"kubewire typed informer + Transform dropping managedFields", true, func(s *server, n int) (func(), error) { return kubewireInformer(s, n, true) }},
		{"kubewire slim informer (controller.Meta + nodeName + phase)", true, kubewireSlimInformer},
	}
}

func clientgoInformer(s *server, n int, transform bool) (func(), error) {
	cs, err := kubernetes.NewForConfig(s.clientgo)
	if err != nil {
		return nil, err
	}
	lw := &cache.ListWatch{
		ListFunc: func(opts metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().Pods("").List(context.Background(), opts)
		},
		WatchFunc: func(opts metav1.ListOptions) (watch.Interface, error) {
			return cs.CoreV1().Pods("").Watch(context.Background(), opts)
		},
	}
	// kubewire's informer fills its cache with a LIST unless told to
	// stream; client-go's streams by default since v0.35, so it is told
	// not to, and both fill the cache the same way.
	inf := cache.NewSharedIndexInformer(cache.ToListWatcherWithWatchListSemantics(lw, listOnly{}), &corev1.Pod{}, 0, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	if transform {
		if err := inf.SetTransform(func(obj any) (any, error) {
			if p, ok := obj.(*corev1.Pod); ok {
				p.ManagedFields = nil
			}
			return obj, nil
		}); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { inf.Run(ctx.Done()); close(done) }()
	if err := waitFor(func() bool { return inf.HasSynced() && len(inf.GetStore().ListKeys()) == n }); err != nil {
		cancel()
		return nil, fmt.Errorf("client-go informer: %w", err)
	}
	return func() { cancel(); <-done }, nil
}

// listOnly is a client that declares it has no streaming lists (client-go's
// opt-out of watch-list semantics).
type listOnly struct{}

// IsWatchListSemanticsUnSupported reports that the client lists with LIST.
func (listOnly) IsWatchListSemanticsUnSupported() bool { return true }

func kubewireInformer(s *server, n int, transform bool) (func(), error) {
	rc, err := s.kubewireREST()
	if err != nil {
		return nil, err
	}
	var opts []controller.Option
	if transform {
		opts = append(opts, controller.WithTransform(func(p *kwcorev1.Pod) { p.ManagedFields = nil }))
	}
	inf, err := controller.NewInformer(controller.FromTyped(typed.For[kwcorev1.Pod, kwcorev1.PodList](rc, "")), opts...)
	if err != nil {
		return nil, err
	}
	return runKubewire(inf, n)
}

func kubewireSlimInformer(s *server, n int) (func(), error) {
	rc, err := s.kubewireREST()
	if err != nil {
		return nil, err
	}
	c := typed.New[slimPod, struct{}](rc, &kwcorev1.PodResource, "")
	inf, err := controller.NewInformer(controller.FromTyped(c))
	if err != nil {
		return nil, err
	}
	return runKubewire(inf, n)
}

func runKubewire[T any](inf *controller.Informer[T], n int) (func(), error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { inf.Run(ctx); close(done) }()
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer wcancel()
	if err := inf.WaitForSync(wctx); err != nil {
		cancel()
		return nil, fmt.Errorf("kubewire informer: %w", err)
	}
	if got := inf.Lister().Len(); got != n {
		cancel()
		return nil, fmt.Errorf("kubewire informer: %d pods cached, want %d", got, n)
	}
	return func() { cancel(); <-done }, nil
}

func waitFor(cond func() bool) error {
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not synced after 2 minutes")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}
