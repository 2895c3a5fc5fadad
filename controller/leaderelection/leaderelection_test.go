package leaderelection_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller/leaderelection"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func leases(t *testing.T) (*fake.Server, typed.Interface[coordinationv1.Lease, coordinationv1.LeaseList]) {
	t.Helper()
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0), rest.WithMaxRetries(0))
	require.NoError(t, err)
	return srv, typed.For[coordinationv1.Lease, coordinationv1.LeaseList](rc, "default")
}

// candidate runs one elector and records its leadership.
type candidate struct {
	id      string
	el      *leaderelection.Elector
	started chan struct{}
	stopped chan struct{}
	done    chan error
	cancel  context.CancelFunc
	leaders []string
	mu      sync.Mutex
}

func start(t *testing.T, c typed.Interface[coordinationv1.Lease, coordinationv1.LeaseList], id string, release bool, leading *atomic.Int32) *candidate {
	t.Helper()
	cd := &candidate{id: id, started: make(chan struct{}), stopped: make(chan struct{}), done: make(chan error, 1)}
	opts := []leaderelection.Option{leaderelection.WithTimings(time.Second, 600*time.Millisecond, 50*time.Millisecond)}
	if release {
		opts = append(opts, leaderelection.WithReleaseOnCancel())
	}
	el, err := leaderelection.New(c, "lock", id,
		leaderelection.Callbacks{
			OnStartedLeading: func(ctx context.Context) {
				if n := leading.Add(1); n != 1 {
					t.Errorf("%s: %d leaders at once", id, n)
				}
				close(cd.started)
				<-ctx.Done()
				leading.Add(-1)
			},
			OnStoppedLeading: func() { close(cd.stopped) },
			OnNewLeader: func(l string) {
				cd.mu.Lock()
				cd.leaders = append(cd.leaders, l)
				cd.mu.Unlock()
			},
		}, opts...)
	require.NoError(t, err)
	cd.el = el
	ctx, cancel := context.WithCancel(context.Background())
	cd.cancel = cancel
	go func() { cd.done <- el.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-cd.done })
	return cd
}

func wait(t *testing.T, ch <-chan struct{}, within time.Duration, what string) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-ch:
		return time.Since(start)
	case <-time.After(within):
		t.Fatalf("%s: not within %v", what, within)
		return 0
	}
}

func first(a, b *candidate) (*candidate, *candidate) {
	select {
	case <-a.started:
		return a, b
	case <-b.started:
		return b, a
	case <-time.After(5 * time.Second):
		return nil, nil
	}
}

func TestReleaseHandsOverAtOnce(t *testing.T) {
	_, c := leases(t)
	var leading atomic.Int32
	a := start(t, c, "a", true, &leading)
	b := start(t, c, "b", true, &leading)
	lead, other := first(a, b)
	require.NotNil(t, lead, "nobody leads")
	assert.True(t, lead.el.IsLeader())
	assert.False(t, other.el.IsLeader())
	require.Eventually(t, func() bool { return other.el.Leader() == lead.id }, 2*time.Second, time.Millisecond)

	lead.cancel()
	require.NoError(t, <-lead.done)
	lead.done <- nil
	wait(t, lead.stopped, time.Second, "stopped leading")
	took := wait(t, other.started, 2*time.Second, "takeover after release")
	assert.Less(t, took, 2*time.Second, "a released lease is taken without waiting for expiry")
	l, err := c.Get(context.Background(), "lock", metav1.GetOptions{})
	require.NoError(t, err)
	require.NotNil(t, l.Spec.HolderIdentity)
	assert.Equal(t, other.id, *l.Spec.HolderIdentity)
	assert.EqualValues(t, 1, *l.Spec.LeaseTransitions)
	other.mu.Lock()
	assert.Equal(t, []string{lead.id, other.id}, other.leaders)
	other.mu.Unlock()
}

func TestTakeoverAfterExpiry(t *testing.T) {
	_, c := leases(t)
	var leading atomic.Int32
	a := start(t, c, "a", false, &leading)
	wait(t, a.started, 5*time.Second, "a leads")
	b := start(t, c, "b", false, &leading)
	a.cancel() // no release: b must wait for the lease to expire
	stoppedAt := time.Now()
	require.NoError(t, <-a.done)
	a.done <- nil
	wait(t, b.started, 5*time.Second, "takeover")
	took := time.Since(stoppedAt)
	assert.GreaterOrEqual(t, took, 500*time.Millisecond, "not before the lease expired")
	assert.Less(t, took, 2*time.Second)
}

func TestLeaderGivesUpWhenRenewalFails(t *testing.T) {
	srv, c := leases(t)
	var leading atomic.Int32
	a := start(t, c, "a", false, &leading)
	wait(t, a.started, 5*time.Second, "a leads")
	srv.Inject(fake.Fault{Verb: "update", Resource: "leases.coordination.k8s.io", Status: &metav1.Status{Code: 500, Reason: "InternalError", Message: "etcd down"}})
	srv.Inject(fake.Fault{Verb: "update", Resource: "leases", Status: &metav1.Status{Code: 500, Reason: "InternalError", Message: "etcd down"}})
	took := wait(t, a.stopped, 3*time.Second, "gave up")
	assert.Less(t, took, time.Second, "within RenewDeadline and a retry")
	err := <-a.done
	a.done <- nil
	assert.ErrorIs(t, err, leaderelection.ErrLeaseLost)
}

func TestConfigValidation(t *testing.T) {
	_, c := leases(t)
	cb := leaderelection.Callbacks{OnStartedLeading: func(context.Context) {}}
	_, err := leaderelection.New(c, "n", "i", cb)
	require.NoError(t, err, "the default timings are valid")
	for field, call := range map[string]func() error{
		"Leases":   func() error { _, err := leaderelection.New(nil, "n", "i", cb); return err },
		"Name":     func() error { _, err := leaderelection.New(c, "", "i", cb); return err },
		"Identity": func() error { _, err := leaderelection.New(c, "n", "", cb); return err },
		"LeaseDuration": func() error {
			_, err := leaderelection.New(c, "n", "i", cb, leaderelection.WithTimings(10*time.Second, 10*time.Second, 2*time.Second))
			return err
		},
		"RenewDeadline": func() error {
			_, err := leaderelection.New(c, "n", "i", cb, leaderelection.WithTimings(15*time.Second, 2400*time.Millisecond, 2*time.Second))
			return err
		},
		"RetryPeriod": func() error {
			_, err := leaderelection.New(c, "n", "i", cb, leaderelection.WithTimings(15*time.Second, 10*time.Second, 0))
			return err
		},
		"Callbacks.OnStartedLeading": func() error { _, err := leaderelection.New(c, "n", "i", leaderelection.Callbacks{}); return err },
	} {
		var ce *rest.ConfigError
		require.ErrorAs(t, call(), &ce, field)
		assert.Equal(t, field, ce.Field)
	}
	_, err = leaderelection.New(c.InNamespace(""), "n", "i", cb)
	assert.Error(t, err)
}
