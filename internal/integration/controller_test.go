//go:build integration

package integration

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/controller/leaderelection"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// tempNamespace creates a namespace for one test and deletes it after.
func tempNamespace(t *testing.T, rc *rest.Client, labels map[string]string) string {
	t.Helper()
	ctx := testContext(t)
	ns, err := typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "kw-ctrl-", Labels: labels}}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Delete(ctx, ns.Name, metav1.DeleteOptions{})
	})
	return ns.Name
}

// The informer on ConfigMaps against the real server: list, watch,
// read-your-writes, and recovery from a cut connection and from an expired
// resourceVersion.
func TestInformerConfigMaps(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	ns := tempNamespace(t, rc, nil)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)
	for i := range 3 {
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("pre-", i), Labels: map[string]string{"i": fmt.Sprint(i)}}}, metav1.CreateOptions{})
		require.NoError(t, err)
	}

	for _, mode := range []controller.StreamingMode{controller.StreamingOff, controller.StreamingAuto} {
		t.Run(fmt.Sprint("streaming=", mode), func(t *testing.T) {
			// A transport wrapper that can cut the informer's connections.
			var mu sync.Mutex
			var cancels []context.CancelFunc
			cut := func() {
				mu.Lock()
				defer mu.Unlock()
				for _, c := range cancels {
					c()
				}
				cancels = nil
			}
			rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper {
				return rtFunc(func(r *http.Request) (*http.Response, error) {
					ctx, cancel := context.WithCancel(r.Context())
					mu.Lock()
					cancels = append(cancels, cancel)
					mu.Unlock()
					return rt.RoundTrip(r.WithContext(ctx))
				})
			}))
			inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)),
				controller.WithStreaming(mode), controller.WithBackoff(controller.Backoff{Initial: 10 * time.Millisecond, Max: 200 * time.Millisecond}),
				controller.WithTransform(func(c *corev1.ConfigMap) { c.ManagedFields = nil }))
			require.NoError(t, err)
			var adds, updates, deletes atomic.Int32
			inf.AddHandler(controller.Handler[corev1.ConfigMap]{
				OnAdd:    func(*corev1.ConfigMap, bool) { adds.Add(1) },
				OnUpdate: func(_, _ *corev1.ConfigMap) { updates.Add(1) },
				OnDelete: func(*corev1.ConfigMap, bool) { deletes.Add(1) },
			})
			rctx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { inf.Run(rctx); close(done) }()
			defer func() { stop(); <-done }()
			require.NoError(t, inf.WaitForSync(ctx))
			l := inf.Lister()
			// kube-root-ca.crt is created in every namespace.
			pre, err := l.List(ns, "i")
			require.NoError(t, err)
			assert.Len(t, pre, 3)

			name := fmt.Sprint("live-", mode)
			c, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"v": "1"}}, metav1.CreateOptions{})
			require.NoError(t, err)
			require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
			got, ok := l.Get(ns, name)
			require.True(t, ok)
			assert.Equal(t, "1", got.Data["v"])

			cut() // the watch drops; the informer resumes
			c.Data["v"] = "2"
			c, err = cms.Update(ctx, c, metav1.UpdateOptions{})
			require.NoError(t, err)
			require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
			got, _ = l.Get(ns, name)
			assert.Equal(t, "2", got.Data["v"])

			require.NoError(t, cms.Delete(ctx, name, metav1.DeleteOptions{}))
			require.Eventually(t, func() bool { _, ok := l.Get(ns, name); return !ok }, 10*time.Second, 5*time.Millisecond)
			require.Eventually(t, func() bool { return deletes.Load() == 1 && updates.Load() >= 1 }, 10*time.Second, 5*time.Millisecond)

			// The cache equals a fresh LIST.
			items, meta, err := cms.ListItems(ctx, metav1.ListOptions{})
			require.NoError(t, err)
			require.NoError(t, inf.WaitForResourceVersion(ctx, meta.ResourceVersion))
			want := map[string]string{}
			for _, it := range items {
				want[it.Name] = it.ResourceVersion
			}
			have := map[string]string{}
			all, _ := l.List("", "")
			for _, it := range all {
				have[it.Name] = it.ResourceVersion
			}
			assert.Equal(t, want, have)
		})
	}
}

// Two candidates on a real Lease: exactly one leads at a time, and the
// other takes over within the lease duration after the first stops.
func TestLeaderElectionTwoCandidates(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	ns := tempNamespace(t, rc, nil)
	leases := typed.For[coordinationv1.Lease, coordinationv1.LeaseList](rc, ns)
	const leaseDuration = 3 * time.Second

	var leading atomic.Int32
	type cand struct {
		started, stopped chan struct{}
		cancel           context.CancelFunc
		done             chan error
	}
	mk := func(id string, release bool) *cand {
		c := &cand{started: make(chan struct{}), stopped: make(chan struct{}), done: make(chan error, 1)}
		opts := []leaderelection.Option{leaderelection.WithTimings(leaseDuration, 2*time.Second, 500*time.Millisecond)}
		if release {
			opts = append(opts, leaderelection.WithReleaseOnCancel())
		}
		el, err := leaderelection.New(leases, "lock", id, leaderelection.Callbacks{
			OnStartedLeading: func(ctx context.Context) {
				if n := leading.Add(1); n != 1 {
					t.Errorf("%s: %d leaders at once", id, n)
				}
				close(c.started)
				<-ctx.Done()
				leading.Add(-1)
			},
			OnStoppedLeading: func() { close(c.stopped) },
		}, opts...)
		require.NoError(t, err)
		rctx, cancel := context.WithCancel(ctx)
		c.cancel = cancel
		go func() { c.done <- el.Run(rctx) }()
		t.Cleanup(func() { cancel(); <-c.done; c.done <- nil })
		return c
	}
	for _, release := range []bool{false, true} {
		leading.Store(0)
		a := mk(fmt.Sprint("a-", release), release)
		select {
		case <-a.started:
		case <-time.After(10 * time.Second):
			t.Fatal("a never led")
		}
		b := mk(fmt.Sprint("b-", release), release)
		select {
		case <-b.started:
			t.Fatal("b leads while a does")
		case <-time.After(leaseDuration + time.Second):
		}
		stoppedAt := time.Now()
		a.cancel()
		<-a.stopped
		select {
		case <-b.started:
		case <-time.After(2 * leaseDuration):
			t.Fatal("b did not take over")
		}
		took := time.Since(stoppedAt)
		t.Logf("release=%v: takeover after %v", release, took)
		assert.LessOrEqual(t, took, leaseDuration+time.Second, "within the lease duration (plus a retry)")
		if release {
			assert.Less(t, took, 1500*time.Millisecond, "a released lease is taken at once")
		}
		b.cancel()
		<-b.stopped
		// the next round starts on a released or expired lease
		lease, err := leases.Get(ctx, "lock", metav1.GetOptions{})
		require.NoError(t, err)
		if !release {
			require.NoError(t, leases.Delete(ctx, "lock", metav1.DeleteOptions{}))
		} else {
			assert.Empty(t, lease.Spec.HolderIdentity, "released")
		}
	}
}

// The example controller, built and run as a program against the server:
// the ConfigMaps appear, and are recreated after deletion.
func TestExampleController(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	red := tempNamespace(t, rc, map[string]string{"team": "red"})
	plain := tempNamespace(t, rc, nil)
	leaseNS := tempNamespace(t, rc, nil)

	bin := goBuild(t, "../..", "./examples/controller", "controller")
	var out bytes.Buffer
	cmd := exec.Command(bin, "-kubeconfig", env.Kubeconfig(testenv.IdentityAdminToken), "-identity", "itest",
		"-lease-namespace", leaseNS, "-lease-duration", "3s", "-renew-deadline", "2s", "-retry-period", "500ms")
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("controller output:\n%s", out.String())
		}
	})

	teamOf := func(ns string) string {
		cm, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns).Get(ctx, "team-info", metav1.GetOptions{})
		if err != nil {
			return ""
		}
		return cm.Data["team"]
	}
	require.Eventually(t, func() bool { return teamOf(red) == "red" }, 30*time.Second, 50*time.Millisecond)
	require.NoError(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, red).Delete(ctx, "team-info", metav1.DeleteOptions{}))
	require.Eventually(t, func() bool { return teamOf(red) == "red" }, 30*time.Second, 50*time.Millisecond, "recreated")
	assert.Empty(t, teamOf(plain))
	_, err := typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Patch(ctx, plain, rest.MergePatch, []byte(`{"metadata":{"labels":{"team":"blue"}}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return teamOf(plain) == "blue" }, 30*time.Second, 50*time.Millisecond)
}
