package main

import (
	"fmt"
	"io"
	"strings"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	kwmetav1 "github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/typed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8sdynamic "k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

var (
	podsGVR       = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	configMapsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
)

// listContenders are workload 3's full-stack lists of n pods against s.
func listContenders(s *server, n int) ([]contender, error) {
	cs, err := kubernetes.NewForConfig(s.clientgo)
	if err != nil {
		return nil, err
	}
	jcfg := rest.CopyConfig(s.clientgo)
	jcfg.ContentType = "application/json"
	jcfg.AcceptContentTypes = "application/json"
	jcs, err := kubernetes.NewForConfig(jcfg)
	if err != nil {
		return nil, err
	}
	dc, err := k8sdynamic.NewForConfig(s.clientgo)
	if err != nil {
		return nil, err
	}
	rc, err := s.kubewireREST()
	if err != nil {
		return nil, err
	}
	kw := typed.For[kwcorev1.Pod, kwcorev1.PodList](rc, "")
	kwd := dynamic.New(rc, &kwcorev1.PodResource, "")
	return []contender{
		{label: "client-go typed clientset (default: negotiates protobuf)", run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			l, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
			if err != nil {
				return err
			}
			return checkLen("list", len(l.Items), n)
		}},
		{label: "client-go typed clientset (JSON only)", run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			l, err := jcs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
			if err != nil {
				return err
			}
			return checkLen("list", len(l.Items), n)
		}},
		{label: "kubewire typed", kubewire: true, run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			l, err := kw.List(ctx, kwmetav1.ListOptions{})
			if err != nil {
				return err
			}
			return checkLen("list", len(l.Items), n)
		}},
		{label: "client-go dynamic", run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			l, err := dc.Resource(podsGVR).List(ctx, metav1.ListOptions{})
			if err != nil {
				return err
			}
			return checkLen("list", len(l.Items), n)
		}},
		{label: "kubewire dynamic", kubewire: true, run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			l, err := kwd.List(ctx, kwmetav1.ListOptions{})
			if err != nil {
				return err
			}
			return checkLen("list", len(l.Items), n)
		}},
	}, nil
}

// watchContenders are workload 4's watches of n ConfigMap events on one
// stream from s.
func watchContenders(s *server, n int) ([]contender, error) {
	cs, err := kubernetes.NewForConfig(s.clientgo)
	if err != nil {
		return nil, err
	}
	dc, err := k8sdynamic.NewForConfig(s.clientgo)
	if err != nil {
		return nil, err
	}
	rc, err := s.kubewireREST()
	if err != nil {
		return nil, err
	}
	kw := typed.For[kwcorev1.ConfigMap, kwcorev1.ConfigMapList](rc, "")
	kwd := dynamic.New(rc, &kwcorev1.ConfigMapResource, "")
	count := func(got int) error {
		if got != n {
			return fmt.Errorf("watch: %d events, want %d", got, n)
		}
		return nil
	}
	return []contender{
		{label: "client-go typed", run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			w, err := cs.CoreV1().ConfigMaps("").Watch(ctx, metav1.ListOptions{})
			if err != nil {
				return err
			}
			defer w.Stop()
			got := 0
			for ev := range w.ResultChan() {
				if ev.Type != "MODIFIED" {
					return fmt.Errorf("watch: %s event", ev.Type)
				}
				got++
			}
			return count(got)
		}},
		{label: "kubewire typed", kubewire: true, run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			w, err := kw.Watch(ctx, kwmetav1.ListOptions{})
			if err != nil {
				return err
			}
			defer w.Close()
			got := 0
			for {
				ev, err := w.Next()
				if err == io.EOF {
					return count(got)
				}
				if err != nil {
					return err
				}
				if ev.Object.Name == "" {
					return fmt.Errorf("watch: an event without a name")
				}
				got++
			}
		}},
		{label: "client-go dynamic", run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			w, err := dc.Resource(configMapsGVR).Watch(ctx, metav1.ListOptions{})
			if err != nil {
				return err
			}
			defer w.Stop()
			got := 0
			for ev := range w.ResultChan() {
				if ev.Type != "MODIFIED" {
					return fmt.Errorf("watch: %s event", ev.Type)
				}
				got++
			}
			return count(got)
		}},
		{label: "kubewire dynamic", kubewire: true, run: func() error {
			ctx, cancel := timeoutCtx()
			defer cancel()
			w, err := kwd.Watch(ctx, kwmetav1.ListOptions{})
			if err != nil {
				return err
			}
			defer w.Close()
			got := 0
			for {
				ev, err := w.Next()
				if err == io.EOF {
					return count(got)
				}
				if err != nil {
					return err
				}
				if ev.Object.GetName() == "" {
					return fmt.Errorf("watch: an event without a name")
				}
				got++
			}
		}},
	}, nil
}

// watchProtoContenders are workload 4's typed watches of n ConfigMap events
// from s, which serves them in protobuf: client-go's clientset and
// kubewire's typed client both ask for protobuf by default.
func watchProtoContenders(s *server, n int) ([]contender, error) {
	wc, err := watchContenders(s, n)
	if err != nil {
		return nil, err
	}
	var out []contender
	for _, c := range wc {
		if strings.HasSuffix(c.label, " typed") {
			c.label += " (protobuf)"
			out = append(out, c)
		}
	}
	return out, nil
}
