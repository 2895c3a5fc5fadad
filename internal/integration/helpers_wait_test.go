//go:build integration

package integration

import (
	"context"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// countingSource counts the lists of a source.
type countingSource[T any] struct {
	controller.ListerWatcher[T]
	lists atomic.Int32
}

func (s *countingSource[T]) List(ctx context.Context, opts metav1.ListOptions) ([]T, string, error) {
	s.lists.Add(1)
	return s.ListerWatcher.List(ctx, opts)
}

// A RetryWatcher against kube-apiserver: from "" it lists (what exists
// comes as ADDED), then watches from the list's resourceVersion. (A 410 on
// resuming could not be provoked here: even after etcd's history is
// compacted, kube-apiserver 1.37 serves watches from old resourceVersions
// out of its watch cache; the relist is covered by the unit tests.)
func TestRetryWatcherOnServer(t *testing.T) {
	ctx := testContext(t)
	_, c := typedNamespace(t, "retrywatch")
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "retrywatch")
	for _, n := range []string{"a", "b"} {
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: n}}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	src := &countingSource[corev1.ConfigMap]{ListerWatcher: controller.FromTyped(cms)}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	w, err := controller.NewRetryWatcher(wctx, src, "", controller.WithBackoff(controller.Backoff{Initial: 10 * time.Millisecond}))
	require.NoError(t, err)
	defer w.Close()
	next := func() controller.Event[corev1.ConfigMap] {
		for {
			ev, err := w.Next()
			require.NoError(t, err)
			if ev.Type != rest.EventBookmark {
				return ev
			}
		}
	}
	got := []string{}
	for range 2 {
		ev := next()
		got = append(got, string(ev.Type)+" "+ev.Object.Name)
	}
	sort.Strings(got)
	assert.Equal(t, []string{"ADDED a", "ADDED b"}, got)
	assert.Equal(t, int32(1), src.lists.Load())

	require.NoError(t, cms.Delete(ctx, "a", metav1.DeleteOptions{}))
	ev := next()
	assert.Equal(t, rest.EventDeleted, ev.Type)
	assert.Equal(t, "a", ev.Object.Name)
	assert.Equal(t, ev.Object.ResourceVersion, w.ResourceVersion())
}

// UntilWithSync against kube-apiserver: wait, through an informer, for a
// ConfigMap that another writer changes.
func TestUntilWithSyncOnServer(t *testing.T) {
	ctx := testContext(t)
	_, c := typedNamespace(t, "untilsync")
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "untilsync")
	_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "job"}, Data: map[string]string{"phase": "running"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	go func() {
		time.Sleep(200 * time.Millisecond)
		cm, err := cms.Get(ctx, "job", metav1.GetOptions{})
		if err != nil {
			return
		}
		cm.Data["phase"] = "done"
		cms.Update(ctx, cm, metav1.UpdateOptions{})
	}()
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	ev, err := controller.UntilWithSync(wctx, controller.FromTyped(cms),
		func(l controller.Lister[corev1.ConfigMap]) (bool, error) {
			cm, ok := l.Get("untilsync", "job")
			return ok && cm.Data["phase"] == "done", nil
		},
		func(ev controller.Event[corev1.ConfigMap]) (bool, error) {
			return ev.Type == rest.EventModified && ev.Object.Data["phase"] == "done", nil
		},
		controller.WithFieldSelector("metadata.name=job"))
	require.NoError(t, err)
	assert.Equal(t, "done", ev.Object.Data["phase"])
}
