package controller_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
)

const gadgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.ctl.kubewire.io
spec:
  group: ctl.kubewire.io
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

// A dynamic client is an informer source like a typed one: an informer of
// custom resources, with handlers, a lister and label selectors.
func TestInformerDynamicCustomResources(t *testing.T) {
	ctx := ctxT(t)
	srv := fake.NewServer(t, fake.WithBookmarkInterval(20*time.Millisecond))
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	dc, err := discovery.New(rc)
	require.NoError(t, err)

	objs, err := dynamic.DecodeManifests("crd.yaml", []byte(gadgetCRD))
	require.NoError(t, err)
	crdRes, err := dc.ResourceForKind(ctx, "apiextensions.k8s.io/v1", "CustomResourceDefinition")
	require.NoError(t, err)
	_, err = dynamic.New(rc, crdRes.Typed(), "").CreateObject(ctx, objs[0], metav1.CreateOptions{})
	require.NoError(t, err)

	var gadgets *dynamic.Client
	require.Eventually(t, func() bool {
		gadgets, err = dynamic.ForKind(ctx, rc, dc, "ctl.kubewire.io/v1", "Gadget", "default")
		return err == nil
	}, 10*time.Second, 20*time.Millisecond, "the CRD's resource is served: %v", err)

	mk := func(name, team string, size int64) dynamic.Object {
		o := dynamic.Object{"apiVersion": "ctl.kubewire.io/v1", "kind": "Gadget"}
		o.SetName(name)
		o.SetLabels(map[string]string{"team": team})
		require.NoError(t, o.SetNested(size, "spec", "size"))
		return o
	}
	_, err = gadgets.CreateObject(ctx, mk("a", "red", 1), metav1.CreateOptions{})
	require.NoError(t, err)

	inf, err := controller.NewInformer(controller.FromTyped(gadgets.InNamespace("").Client), controller.WithBackoff(fastBackoff), controller.WithLabelSelector("team=red"),
		controller.WithIndexer("size", func(o *dynamic.Object) []string {
			n, _, _ := o.NestedInt64("spec", "size")
			return []string{fmt.Sprint(n)}
		}))
	require.NoError(t, err)
	var mu sync.Mutex
	var events []string
	note := func(verb string, o *dynamic.Object) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, verb+" "+controller.KeyOf(o))
	}
	inf.AddHandler(controller.Handler[dynamic.Object]{
		OnAdd:    func(o *dynamic.Object, _ bool) { note("add", o) },
		OnUpdate: func(_, o *dynamic.Object) { note("update", o) },
		OnDelete: func(o *dynamic.Object, _ bool) { note("delete", o) },
	})
	run(t, inf)

	got, ok := inf.Lister().Get("default", "a")
	require.True(t, ok)
	size, _, _ := got.NestedInt64("spec", "size")
	assert.Equal(t, int64(1), size)

	// Writes reach the cache; the selector keeps other teams out.
	_, err = gadgets.CreateObject(ctx, mk("b", "red", 2), metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = gadgets.CreateObject(ctx, mk("c", "blue", 2), metav1.CreateOptions{})
	require.NoError(t, err)
	upd, err := gadgets.ApplyObject(ctx, mk("a", "red", 3), metav1.ApplyOptions{FieldManager: "test", Force: true})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, upd.GetResourceVersion()))
	got, ok = inf.Lister().Get("default", "a")
	require.True(t, ok)
	size, _, _ = got.NestedInt64("spec", "size")
	assert.Equal(t, int64(3), size)
	bySize, err := inf.Lister().ByIndex("size", "3")
	require.NoError(t, err)
	require.Len(t, bySize, 1)
	all, err := inf.Lister().List("", "")
	require.NoError(t, err)
	assert.Len(t, all, 2, "team=blue is not cached")

	require.NoError(t, gadgets.Delete(ctx, "b", metav1.DeleteOptions{}))
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(events) > 0 && events[len(events)-1] == "delete default/b"
	}, 10*time.Second, 10*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"add default/a", "add default/b", "update default/a", "delete default/b"}, events)
}
