package controller_test

import (
	"context"
	"errors"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// scripted wraps a real source: it can cut the open watch at its next
// event (swallowing it, as a dropped connection would) and answer the next
// watch with 410 Expired once released.
type scripted[T any] struct {
	controller.ListerWatcher[T]

	mu      sync.Mutex
	cut     bool
	expire  chan struct{} // non-nil: the next watch waits for it, then gets 410
	lists   int
	watches []string // their resourceVersions
	err     error    // answered to every list and watch when set
}

func (s *scripted[T]) List(ctx context.Context, opts metav1.ListOptions) ([]T, string, error) {
	s.mu.Lock()
	s.lists++
	err := s.err
	s.mu.Unlock()
	if err != nil {
		return nil, "", err
	}
	return s.ListerWatcher.List(ctx, opts)
}

func (s *scripted[T]) Watch(ctx context.Context, opts metav1.ListOptions) (controller.WatchStream[T], error) {
	s.mu.Lock()
	s.watches = append(s.watches, opts.ResourceVersion)
	expire, err := s.expire, s.err
	s.expire = nil
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if expire != nil {
		<-expire
		return nil, &rest.StatusError{Status: metav1.Status{Code: 410, Reason: metav1.StatusReasonExpired, Message: "too old resource version"}}
	}
	w, err := s.ListerWatcher.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &cutStream[T]{WatchStream: w, s: s}, nil
}

type cutStream[T any] struct {
	controller.WatchStream[T]
	s *scripted[T]
}

func (c *cutStream[T]) Next() (controller.Event[T], error) {
	ev, err := c.WatchStream.Next()
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.cut && err == nil && ev.Type != rest.EventBookmark {
		c.s.cut = false
		return controller.Event[T]{}, io.ErrUnexpectedEOF
	}
	return ev, err
}

// next returns the next non-bookmark event.
func next(t *testing.T, w *controller.RetryWatcher[corev1.ConfigMap]) controller.Event[corev1.ConfigMap] {
	t.Helper()
	for {
		ev, err := w.Next()
		require.NoError(t, err)
		if ev.Type != rest.EventBookmark {
			return ev
		}
	}
}

func describe(ev controller.Event[corev1.ConfigMap]) string {
	return string(ev.Type) + " " + ev.Object.Name + " " + ev.Object.Data["v"]
}

func TestRetryWatcher(t *testing.T) {
	ctx := ctxT(t)
	srv := fake.NewServer(t, fake.WithBookmarkInterval(20*time.Millisecond))
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "default")
	for _, n := range []string{"a", "b"} {
		_, err := cms.Create(ctx, cm("default", n, nil, map[string]string{"v": "1"}), metav1.CreateOptions{})
		require.NoError(t, err)
	}
	src := &scripted[corev1.ConfigMap]{ListerWatcher: controller.FromTyped(cms)}
	w, err := controller.NewRetryWatcher(ctx, src, "", controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	defer w.Close()

	// From "": a list, reported as ADDED.
	got := []string{describe(next(t, w)), describe(next(t, w))}
	sort.Strings(got)
	assert.Equal(t, []string{"ADDED a 1", "ADDED b 1"}, got)
	listRV := w.ResourceVersion()
	require.NotEmpty(t, listRV)

	// A dropped connection: resumed from the last resourceVersion, and the
	// event lost with the connection comes again.
	src.mu.Lock()
	src.cut = true
	src.mu.Unlock()
	a, err := cms.Get(ctx, "a", metav1.GetOptions{})
	require.NoError(t, err)
	a.Data["v"] = "2"
	a, err = cms.Update(ctx, a, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "MODIFIED a 2", describe(next(t, w)))
	assert.Equal(t, a.ResourceVersion, w.ResourceVersion())
	src.mu.Lock()
	assert.Equal(t, 1, src.lists)
	require.GreaterOrEqual(t, len(src.watches), 2)
	assert.Equal(t, listRV, src.watches[0])
	assert.NotEmpty(t, src.watches[len(src.watches)-1])
	src.mu.Unlock()

	// 410 Gone on resuming: a relist, reported as the difference.
	release := make(chan struct{})
	src.mu.Lock()
	src.cut, src.expire = true, release
	src.mu.Unlock()
	a.Data["v"] = "3"
	_, err = cms.Update(ctx, a, metav1.UpdateOptions{}) // swallowed by the cut
	require.NoError(t, err)
	require.NoError(t, cms.Delete(ctx, "b", metav1.DeleteOptions{}))
	_, err = cms.Create(ctx, cm("default", "c", nil, map[string]string{"v": "1"}), metav1.CreateOptions{})
	require.NoError(t, err)
	close(release)
	got = []string{describe(next(t, w)), describe(next(t, w)), describe(next(t, w))}
	sort.Strings(got)
	assert.Equal(t, []string{"ADDED c 1", "DELETED b 1", "MODIFIED a 3"}, got)
	src.mu.Lock()
	assert.Equal(t, 2, src.lists)
	src.mu.Unlock()

	// And on with a watch from the list's resourceVersion.
	require.NoError(t, cms.Delete(ctx, "c", metav1.DeleteOptions{}))
	assert.Equal(t, "DELETED c 1", describe(next(t, w)))

	// Close ends Next.
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := w.Next(); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(10 * time.Millisecond)
	require.NoError(t, w.Close())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, rest.ErrWatcherClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("Next did not return after Close")
	}
}

func TestRetryWatcherStartsAtResourceVersionAndStops(t *testing.T) {
	ctx := ctxT(t)
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "default")
	first, err := cms.Create(ctx, cm("default", "a", nil, map[string]string{"v": "1"}), metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cms.Create(ctx, cm("default", "b", nil, map[string]string{"v": "1"}), metav1.CreateOptions{})
	require.NoError(t, err)

	src := &scripted[corev1.ConfigMap]{ListerWatcher: controller.FromTyped(cms)}
	w, err := controller.NewRetryWatcher(ctx, src, first.ResourceVersion, controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	assert.Equal(t, "ADDED b 1", describe(next(t, w)), "only what came after the resourceVersion")
	assert.Zero(t, src.lists)

	// A permanent error ends it, and stays.
	src.mu.Lock()
	src.cut = true
	src.err = &rest.StatusError{Status: metav1.Status{Code: 403, Reason: metav1.StatusReasonForbidden}}
	src.mu.Unlock()
	_, err = cms.Create(ctx, cm("default", "c", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	var events []controller.Event[corev1.ConfigMap]
	var last error
	for ev, err := range w.Events() {
		if err != nil {
			last = err
			break
		}
		events = append(events, ev)
	}
	assert.True(t, rest.IsForbidden(last), "%v", last)
	_, err = w.Next()
	assert.True(t, rest.IsForbidden(err))

	// A transient one is retried until the context ends.
	src.mu.Lock()
	src.err = &rest.StatusError{Status: metav1.Status{Code: 503, Reason: metav1.StatusReasonServiceUnavailable}}
	src.mu.Unlock()
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	w2, err := controller.NewRetryWatcher(tctx, src, "", controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	_, err = w2.Next()
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	src.mu.Lock()
	assert.Greater(t, src.lists, 2, "retried")
	src.mu.Unlock()

	_, err = controller.NewRetryWatcher[corev1.ConfigMap](ctx, nil, "")
	var ce *rest.ConfigError
	assert.ErrorAs(t, err, &ce)
	_, err = controller.NewRetryWatcher(ctx, src, "", controller.WithLabelSelector("a in b"))
	assert.Error(t, err)
}
