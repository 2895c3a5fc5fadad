package controller_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/labels"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func TestUntilWithSync(t *testing.T) {
	ctx := ctxT(t)
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "default")
	_, err = cms.Create(ctx, cm("default", "a", nil, map[string]string{"phase": "pending"}), metav1.CreateOptions{})
	require.NoError(t, err)
	lw := controller.FromTyped(cms)
	opts := []controller.Option{controller.WithFieldSelector("metadata.name=a"), controller.WithBackoff(fastBackoff)}
	phaseIs := func(p string) controller.ConditionFunc[corev1.ConfigMap] {
		return func(ev controller.Event[corev1.ConfigMap]) (bool, error) {
			return ev.Type != rest.EventDeleted && ev.Object.Data["phase"] == p, nil
		}
	}

	t.Run("precondition met on the synced cache", func(t *testing.T) {
		calls := 0
		ev, err := controller.UntilWithSync(ctx, lw, func(l controller.Lister[corev1.ConfigMap]) (bool, error) {
			calls++
			obj, ok := l.Get("default", "a")
			return ok && obj.Data["phase"] == "pending", nil
		}, phaseIs("never"), opts...)
		require.NoError(t, err)
		assert.Nil(t, ev.Object)
		assert.Equal(t, 1, calls)
	})

	t.Run("a condition with a step, through events", func(t *testing.T) {
		go func() {
			for _, p := range []string{"running", "done"} {
				time.Sleep(20 * time.Millisecond)
				obj, err := cms.Get(ctx, "a", metav1.GetOptions{})
				if err != nil {
					return
				}
				obj.Data["phase"] = p
				if _, err := cms.Update(ctx, obj, metav1.UpdateOptions{}); err != nil {
					return
				}
			}
		}()
		var seen []string
		running := false
		cond := func(ev controller.Event[corev1.ConfigMap]) (bool, error) {
			if !running { // first it runs, then it is done
				seen = append(seen, string(ev.Type)+":"+ev.Object.Data["phase"])
				running = ev.Object.Data["phase"] == "running"
				return false, nil
			}
			return ev.Object.Data["phase"] == "done", nil
		}
		ev, err := controller.UntilWithSync(ctx, lw, nil, cond, opts...)
		require.NoError(t, err)
		assert.Equal(t, rest.EventModified, ev.Type)
		assert.Equal(t, "done", ev.Object.Data["phase"])
		assert.Equal(t, []string{"ADDED:pending", "MODIFIED:running"}, seen, "the first list comes as ADDED")
	})

	t.Run("deletion", func(t *testing.T) {
		go func() {
			time.Sleep(20 * time.Millisecond)
			cms.Delete(ctx, "a", metav1.DeleteOptions{})
		}()
		ev, err := controller.UntilWithSync(ctx, lw, nil, func(ev controller.Event[corev1.ConfigMap]) (bool, error) {
			return ev.Type == rest.EventDeleted, nil
		}, opts...)
		require.NoError(t, err)
		assert.Equal(t, "a", ev.Object.Name)
	})

	t.Run("the context's timeout", func(t *testing.T) {
		tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := controller.UntilWithSync(tctx, lw, nil, phaseIs("never"), controller.WithBackoff(fastBackoff))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("errors", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := controller.UntilWithSync(ctx, lw, func(controller.Lister[corev1.ConfigMap]) (bool, error) { return false, boom }, nil)
		assert.ErrorIs(t, err, boom)
		_, err = cms.Create(ctx, cm("default", "b", nil, nil), metav1.CreateOptions{})
		require.NoError(t, err)
		ev, err := controller.UntilWithSync(ctx, lw, nil, func(controller.Event[corev1.ConfigMap]) (bool, error) { return false, boom })
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, "b", ev.Object.Name)
		_, err = controller.UntilWithSync(ctx, lw, nil, nil, controller.WithLabelSelector("a in b"))
		assert.Error(t, err)
	})
}

// Selector errors are public types: a label selector's *labels.SyntaxError,
// a field selector's *rest.ConfigError.
func TestSelectorErrorsArePublic(t *testing.T) {
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config())
	require.NoError(t, err)
	lw := controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ""))
	_, err = controller.NewInformer(lw, controller.WithLabelSelector("a in b"))
	var se *labels.SyntaxError
	assert.ErrorAs(t, err, &se)
	_, err = controller.NewInformer(lw, controller.WithFieldSelector("nofield"))
	var ce *rest.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "WithFieldSelector", ce.Field)
	_, err = controller.NewRetryWatcher(context.Background(), lw, "", controller.WithFieldSelector("a=b,c"))
	assert.ErrorAs(t, err, &ce)
}
