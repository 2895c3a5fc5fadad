package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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
	"github.com/kubewire/kubewire/controller/reconcile"
	"github.com/kubewire/kubewire/controller/workqueue"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

const ns = "default"

type env struct {
	rc      *rest.Client
	cms     *typed.Client[corev1.ConfigMap, corev1.ConfigMapList]
	secrets *typed.Client[corev1.Secret, corev1.SecretList]
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	return &env{rc: rc,
		cms:     typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns),
		secrets: typed.For[corev1.Secret, corev1.SecretList](rc, ns)}
}

func (e *env) cmInformer(t *testing.T) *controller.Informer[corev1.ConfigMap] {
	inf, err := controller.NewInformer(controller.FromTyped(e.cms))
	require.NoError(t, err)
	return inf
}

func (e *env) secretInformer(t *testing.T) *controller.Informer[corev1.Secret] {
	inf, err := controller.NewInformer(controller.FromTyped(e.secrets))
	require.NoError(t, err)
	return inf
}

// start runs loop until the test ends (or the returned stop is called).
func start(t *testing.T, loop *reconcile.Loop) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// startReady starts loop and waits until it is ready.
func startReady(t *testing.T, loop *reconcile.Loop) (stop func() error) {
	t.Helper()
	stop = start(t, loop)
	require.Eventually(t, func() bool { ok, _ := loop.Ready(); return ok }, 10*time.Second, time.Millisecond)
	return stop
}

// recorder is a Reconciler that records its requests.
type recorder struct {
	reqs chan reconcile.Request
	fn   func(ctx context.Context, req reconcile.Request) (reconcile.Result, error)
}

func newRecorder() *recorder { return &recorder{reqs: make(chan reconcile.Request, 100)} }

func (r *recorder) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	r.reqs <- req
	if r.fn != nil {
		return r.fn(ctx, req)
	}
	return reconcile.Result{}, nil
}

// next returns the next request, failing after a while.
func (r *recorder) next(t *testing.T) reconcile.Request {
	t.Helper()
	select {
	case req := <-r.reqs:
		return req
	case <-time.After(10 * time.Second):
		t.Fatal("no reconcile")
		return reconcile.Request{}
	}
}

// none checks that no request comes within d.
func (r *recorder) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case req := <-r.reqs:
		t.Fatalf("unexpected reconcile of %v", req)
	case <-time.After(d):
	}
}

func ownedBy(kind, apiVersion, name string, isController bool) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: "u-" + name, Controller: &isController}}
}

// A primary object's changes and those of the objects it controls queue
// its request; objects controlled by something else, or merely owned,
// do not.
func TestPrimaryAndOwned(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	rec := newRecorder()
	loop, err := reconcile.New(e.cmInformer(t), rec, reconcile.Owns(e.secretInformer(t)))
	require.NoError(t, err)
	startReady(t, loop)

	site, err := e.cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "site"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, reconcile.Request{Namespace: ns, Name: "site"}, rec.next(t))

	// The owner's real uid: the fake's garbage collector deletes objects
	// whose owners do not exist (the references below with made-up uids
	// are deleted at once, after their add has been seen).
	refs := ownedBy("ConfigMap", "v1", "site", true)
	refs[0].UID = site.UID
	s, err := e.secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "owned", OwnerReferences: refs}}, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, reconcile.Request{Namespace: ns, Name: "site"}, rec.next(t), "owned object added")
	s.StringData = map[string]string{"k": "v"}
	_, err = e.secrets.Update(ctx, s, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, reconcile.Request{Namespace: ns, Name: "site"}, rec.next(t), "owned object updated")
	require.NoError(t, e.secrets.Delete(ctx, "owned", metav1.DeleteOptions{}))
	assert.Equal(t, reconcile.Request{Namespace: ns, Name: "site"}, rec.next(t), "owned object deleted")

	for i, refs := range [][]metav1.OwnerReference{
		ownedBy("ConfigMap", "v1", "site", false),            // owned, not controlled
		ownedBy("Deployment", "apps/v1", "site", true),       // another kind
		ownedBy("ConfigMap", "example.com/v1", "site", true), // same kind, another group
		nil,
	} {
		_, err = e.secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("other-", i), OwnerReferences: refs}}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	rec.none(t, 300*time.Millisecond)

	// The version is not compared: the same ConfigMap under another version.
	_, err = e.secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "v2",
		OwnerReferences: ownedBy("ConfigMap", "v2", "gone", true)}}, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, reconcile.Request{Namespace: ns, Name: "gone"}, rec.next(t), "an owner that no longer exists is still reconciled")
}

// Watches maps other objects to requests through the caller's function.
func TestWatches(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	rec := newRecorder()
	loop, err := reconcile.New(e.cmInformer(t), rec, reconcile.Watches(e.secretInformer(t), func(s *corev1.Secret) []reconcile.Request {
		if target := s.Labels["for"]; target != "" {
			return []reconcile.Request{{Namespace: s.Namespace, Name: target}, {Name: "cluster-" + target}}
		}
		return nil
	}))
	require.NoError(t, err)
	startReady(t, loop)
	_, err = e.secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "plain"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = e.secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Labels: map[string]string{"for": "x"}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	got := map[reconcile.Request]bool{rec.next(t): true, rec.next(t): true}
	assert.Equal(t, map[reconcile.Request]bool{{Namespace: ns, Name: "x"}: true, {Name: "cluster-x"}: true}, got)
	rec.none(t, 200*time.Millisecond)
}

// Errors and Requeue retry with the queue's backoff, RequeueAfter after
// its delay, a panic is an error; the metrics hooks see every reconcile.
func TestRequeue(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	var calls sync.Map // name -> *atomic.Int32
	count := func(name string) *atomic.Int32 {
		v, _ := calls.LoadOrStore(name, new(atomic.Int32))
		return v.(*atomic.Int32)
	}
	rec := newRecorder()
	rec.fn = func(_ context.Context, req reconcile.Request) (reconcile.Result, error) {
		n := count(req.Name).Add(1)
		switch req.Name {
		case "fails-twice":
			if n <= 2 {
				return reconcile.Result{}, errors.New("not yet")
			}
		case "requeue-once":
			if n == 1 {
				return reconcile.Result{Requeue: true}, nil
			}
		case "after":
			if n == 1 {
				return reconcile.Result{RequeueAfter: 300 * time.Millisecond}, nil
			}
		case "panics":
			if n == 1 {
				panic("boom")
			}
		}
		return reconcile.Result{}, nil
	}
	var mu sync.Mutex
	var errs []error
	var reconciles atomic.Int32
	var maxDepth atomic.Int32
	loop, err := reconcile.New(e.cmInformer(t), rec,
		reconcile.WithQueue(workqueue.WithBackoff(10*time.Millisecond, 100*time.Millisecond)),
		reconcile.WithMetrics(reconcile.Metrics{
			Reconcile: func(_ reconcile.Request, d time.Duration, _ reconcile.Result, err error) {
				reconciles.Add(1)
				assert.GreaterOrEqual(t, d, time.Duration(0))
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			},
			Queue: workqueue.Metrics{Depth: func(n int) {
				if int32(n) > maxDepth.Load() {
					maxDepth.Store(int32(n))
				}
			}},
		}))
	require.NoError(t, err)
	startReady(t, loop)
	created := map[string]time.Time{}
	for _, name := range []string{"fails-twice", "requeue-once", "after", "panics", "fine"} {
		_, err := e.cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		require.NoError(t, err)
		created[name] = time.Now()
	}
	want := map[string]int32{"fails-twice": 3, "requeue-once": 2, "after": 2, "panics": 2, "fine": 1}
	var afterSecond time.Time
	deadline := time.After(10 * time.Second)
	seen := map[string]int32{}
	for done := false; !done; {
		select {
		case req := <-rec.reqs:
			seen[req.Name]++
			if req.Name == "after" && seen["after"] == 2 {
				afterSecond = time.Now()
			}
		case <-deadline:
			t.Fatalf("not every reconcile came: %v", seen)
		}
		done = true
		for name, n := range want {
			done = done && seen[name] >= n
		}
	}
	rec.none(t, 300*time.Millisecond) // and no more than that
	for name, n := range want {
		assert.Equal(t, n, count(name).Load(), name)
	}
	assert.GreaterOrEqual(t, afterSecond.Sub(created["after"]), 300*time.Millisecond, "RequeueAfter waits")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, errs, 3)
	var pe *reconcile.PanicError
	found := false
	for _, err := range errs {
		if errors.As(err, &pe) {
			found = true
			assert.Equal(t, "boom", pe.Value)
			assert.Contains(t, string(pe.Stack), "reconcile_test.go")
		}
	}
	assert.True(t, found, "a panic is a *PanicError")
	assert.Equal(t, int32(10), reconciles.Load())
	assert.Positive(t, maxDepth.Load())
}

// At shutdown the workers take no more requests and the reconciles in
// progress finish within the grace period; past it their context is
// cancelled.
func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		name      string
		grace     time.Duration
		cancelled bool // the reconcile outlasts the grace period
	}{
		{"finishes within grace", 5 * time.Second, false},
		{"cancelled after grace", 300 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := t.Context()
			started, release := make(chan struct{}), make(chan struct{})
			var finished, sawCancel atomic.Bool
			rec := newRecorder()
			rec.fn = func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
				if req.Name != "slow" {
					return reconcile.Result{}, nil
				}
				close(started)
				select {
				case <-release:
					finished.Store(true)
				case <-ctx.Done():
					sawCancel.Store(true)
				}
				return reconcile.Result{}, nil
			}
			loop, err := reconcile.New(e.cmInformer(t), rec, reconcile.WithWorkers(2), reconcile.WithShutdownGrace(tc.grace))
			require.NoError(t, err)
			stop := startReady(t, loop)
			_, err = e.cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "slow"}}, metav1.CreateOptions{})
			require.NoError(t, err)
			<-started
			assert.Equal(t, "slow", rec.next(t).Name)
			stopped := make(chan error, 1)
			begin := time.Now()
			go func() { stopped <- stop() }()
			if !tc.cancelled {
				require.Eventually(t, func() bool { ok, msg := loop.Ready(); return !ok && msg == "shutting down" }, 5*time.Second, time.Millisecond)
				loop.Enqueue(reconcile.Request{Namespace: ns, Name: "late"}) // a free worker does not take it
				time.Sleep(100 * time.Millisecond)
				select {
				case <-stopped:
					t.Fatal("Run returned with a reconcile in progress")
				default:
				}
				close(release)
			}
			require.NoError(t, <-stopped)
			took := time.Since(begin)
			assert.Equal(t, !tc.cancelled, finished.Load())
			assert.Equal(t, tc.cancelled, sawCancel.Load())
			if tc.cancelled {
				assert.GreaterOrEqual(t, took, tc.grace)
				assert.Less(t, took, 5*time.Second)
			}
			rec.none(t, 100*time.Millisecond) // "late" was not taken
			ok, msg := loop.Ready()
			assert.False(t, ok)
			assert.Equal(t, "not running", msg)
			assert.ErrorIs(t, loop.Run(context.Background()), reconcile.ErrAlreadyRunning)
		})
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The health endpoints: alive, then ready once the caches are synced,
// as leader or standby; not ready before Run and while shutting down.
func TestHealth(t *testing.T) {
	e := newEnv(t)
	leases := typed.For[coordinationv1.Lease, coordinationv1.LeaseList](e.rc, ns)
	mk := func(id string, addr string, rec *recorder) *reconcile.Loop {
		loop, err := reconcile.New(e.cmInformer(t), rec, reconcile.WithHealthAddr(addr),
			reconcile.Owns(e.secretInformer(t)),
			reconcile.WithLeaderElection(leases, "lock", id, leaderelection.WithTimings(2*time.Second, 1500*time.Millisecond, 100*time.Millisecond), leaderelection.WithReleaseOnCancel()))
		require.NoError(t, err)
		return loop
	}
	_, err := e.cms.Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "one"}}, metav1.CreateOptions{})
	require.NoError(t, err)

	recA, recB := newRecorder(), newRecorder()
	addrA, addrB := freeAddr(t), freeAddr(t)
	a := mk("a", addrA, recA)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	code, body := get(t, srv.URL+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "not running\n", body)

	stopA := start(t, a)
	require.Eventually(t, func() bool {
		code, body := get(t, "http://"+addrA+"/readyz")
		return code == 200 && body == "ok: leader\n"
	}, 10*time.Second, 10*time.Millisecond)
	code, body = get(t, "http://"+addrA+"/healthz")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok\n", body)
	assert.Equal(t, "one", recA.next(t).Name, "the leader reconciles")

	b := mk("b", addrB, recB)
	start(t, b)
	require.Eventually(t, func() bool {
		code, body := get(t, "http://"+addrB+"/readyz")
		return code == 200 && body == "ok: standby\n"
	}, 10*time.Second, 10*time.Millisecond)
	recB.none(t, 200*time.Millisecond) // a standby does not reconcile

	// The leader goes; the standby takes over and checks every object.
	require.NoError(t, stopA())
	code, _ = get(t, "http://"+addrA+"/healthz")
	assert.Equal(t, 0, code, "the server is gone with Run")
	assert.Equal(t, "one", recB.next(t).Name)
	code, body = get(t, "http://"+addrB+"/readyz")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok: leader\n", body)
}

// Readiness names the caches not yet synced.
func TestReadyNamesUnsyncedCaches(t *testing.T) {
	e := newEnv(t)
	blocked := controller.ListerWatcher[corev1.Secret](blockingSource{})
	inf, err := controller.NewInformer(blocked)
	require.NoError(t, err)
	loop, err := reconcile.New(e.cmInformer(t), newRecorder(), reconcile.Owns(inf))
	require.NoError(t, err)
	stop := start(t, loop)
	require.Eventually(t, func() bool {
		ok, msg := loop.Ready()
		return !ok && msg == "caches not synced: Owns(*corev1.Secret)"
	}, 5*time.Second, time.Millisecond)
	require.NoError(t, stop(), "a Run that never synced ends with its context")
}

// blockingSource lists until its context ends.
type blockingSource struct{}

func (blockingSource) List(ctx context.Context, _ metav1.ListOptions) ([]corev1.Secret, string, error) {
	<-ctx.Done()
	return nil, "", ctx.Err()
}

func (blockingSource) Watch(ctx context.Context, _ metav1.ListOptions) (controller.WatchStream[corev1.Secret], error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// slimCM carries no descriptor.
type slimCM struct{ controller.Meta }

func TestNewErrors(t *testing.T) {
	e := newEnv(t)
	cms := e.cmInformer(t)
	slim, err := controller.NewInformer(controller.FromTyped(typed.New[slimCM, struct{}](e.rc, &corev1.ConfigMapResource, ns)))
	require.NoError(t, err)
	leases := typed.For[coordinationv1.Lease, coordinationv1.LeaseList](e.rc, ns)
	var nilInf *controller.Informer[corev1.ConfigMap]
	for name, fn := range map[string]func() (*reconcile.Loop, error){
		"New":         func() (*reconcile.Loop, error) { return reconcile.New(nilInf, newRecorder()) },
		"WithWorkers": func() (*reconcile.Loop, error) { return reconcile.New(cms, newRecorder(), reconcile.WithWorkers(0)) },
		"WithShutdownGrace": func() (*reconcile.Loop, error) {
			return reconcile.New(cms, newRecorder(), reconcile.WithShutdownGrace(-1))
		},
		"Owns": func() (*reconcile.Loop, error) {
			return reconcile.New(slim, newRecorder(), reconcile.Owns(e.secretInformer(t)))
		},
		"Watches": func() (*reconcile.Loop, error) {
			return reconcile.New(cms, newRecorder(), reconcile.Watches[corev1.Secret](nil, nil))
		},
		"LeaseDuration": func() (*reconcile.Loop, error) {
			return reconcile.New(cms, newRecorder(), reconcile.WithLeaderElection(leases, "l", "me", leaderelection.WithTimings(time.Second, 2*time.Second, time.Second)))
		},
	} {
		_, err := fn()
		var ce *rest.ConfigError
		require.ErrorAs(t, err, &ce, name)
		assert.Equal(t, name, ce.Field)
	}
	_, err = reconcile.New(cms, nil)
	assert.Error(t, err)

	// A slim primary with its descriptor given owns objects.
	_, err = reconcile.New(slim, newRecorder(), reconcile.Owns(e.secretInformer(t)), reconcile.WithPrimaryResource(corev1.ConfigMapResource))
	assert.NoError(t, err)
}

// flakyLeases fails the election's reads and writes while down is set.
type flakyLeases struct {
	typed.Interface[coordinationv1.Lease, coordinationv1.LeaseList]
	down atomic.Bool
}

var errDown = errors.New("the API server is unreachable (test)")

func (f *flakyLeases) Get(ctx context.Context, name string, opts metav1.GetOptions) (*coordinationv1.Lease, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Interface.Get(ctx, name, opts)
}

func (f *flakyLeases) Update(ctx context.Context, l *coordinationv1.Lease, opts metav1.UpdateOptions) (*coordinationv1.Lease, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Interface.Update(ctx, l, opts)
}

// A leader that cannot renew its lease stops at once: the reconcile in
// progress is cancelled, its request kept for the next term without a
// failure; the replica campaigns again and, leading again, reconciles it.
func TestLeaseLost(t *testing.T) {
	e := newEnv(t)
	leases := &flakyLeases{Interface: typed.For[coordinationv1.Lease, coordinationv1.LeaseList](e.rc, ns)}
	var calls atomic.Int32
	cancelled := make(chan time.Time, 1)
	rec := newRecorder()
	rec.fn = func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done()
			cancelled <- time.Now()
			return reconcile.Result{}, ctx.Err()
		}
		return reconcile.Result{}, nil
	}
	var leading sync.Mutex
	var terms []bool
	var reconcileErrs atomic.Int32
	loop, err := reconcile.New(e.cmInformer(t), rec, reconcile.WithShutdownGrace(5*time.Second),
		reconcile.WithLeaderElection(leases, "lock", "a", leaderelection.WithTimings(time.Second, 600*time.Millisecond, 100*time.Millisecond)),
		reconcile.WithMetrics(reconcile.Metrics{
			Leading: func(l bool) { leading.Lock(); terms = append(terms, l); leading.Unlock() },
			Reconcile: func(_ reconcile.Request, _ time.Duration, _ reconcile.Result, err error) {
				if err != nil {
					reconcileErrs.Add(1)
				}
			},
		}))
	require.NoError(t, err)
	startReady(t, loop)
	_, err = e.cms.Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "slow"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "slow", rec.next(t).Name)

	down := time.Now()
	leases.down.Store(true)
	var at time.Time
	select {
	case at = <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the reconcile was not cancelled")
	}
	took := at.Sub(down)
	t.Logf("cancelled %v after the server went away", took)
	assert.Less(t, took, 2*time.Second, "within the renew deadline and a retry, not after the grace period")
	require.Eventually(t, func() bool { ok, msg := loop.Ready(); return ok && msg == "ok: standby" }, 5*time.Second, time.Millisecond)

	leases.down.Store(false)
	assert.Equal(t, "slow", rec.next(t).Name, "reconciled again in the next term")
	require.Eventually(t, func() bool { return calls.Load() == 2 }, 5*time.Second, time.Millisecond)
	leading.Lock()
	assert.Equal(t, []bool{true, false, true}, terms)
	leading.Unlock()
	assert.Equal(t, int32(1), reconcileErrs.Load())
}
