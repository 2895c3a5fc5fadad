package controller_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
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

func cm(ns, name string, labels map[string]string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels}, Data: data}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestInformerListWatchAndLister(t *testing.T) {
	// The test counts every ConfigMap of the cluster: without
	// kube-apiserver's own two in kube-system.
	e := newEnv(t, fake.WithoutBootstrapObjects())
	ctx := ctxT(t)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default")
	_, err := cms.Create(ctx, cm("default", "a", map[string]string{"app": "web"}, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "kube-system").Create(ctx, cm("kube-system", "b", map[string]string{"app": "db"}, nil), metav1.CreateOptions{})
	require.NoError(t, err)

	inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")), controller.WithBackoff(fastBackoff),
		controller.WithIndexer("app", func(c *corev1.ConfigMap) []string { return []string{c.Labels["app"]} }),
		controller.WithTransform(func(c *corev1.ConfigMap) { c.ManagedFields = nil }))
	require.NoError(t, err)
	rec := newRecorder(t)
	reg := inf.AddHandler(rec.handler())
	assert.False(t, inf.HasSynced())
	run(t, inf)
	require.NoError(t, reg.WaitForSync(ctx))
	st, _ := rec.snapshot()
	assert.Len(t, st, 2)

	l := inf.Lister()
	got, ok := l.Get("default", "a")
	require.True(t, ok)
	assert.Empty(t, got.ManagedFields, "the transform ran")
	webs, err := l.List("", "app=web")
	require.NoError(t, err)
	require.Len(t, webs, 1)
	inNS, err := l.List("kube-system", "")
	require.NoError(t, err)
	require.Len(t, inNS, 1)
	assert.Equal(t, "b", inNS[0].Name)
	byApp, err := l.ByIndex("app", "db")
	require.NoError(t, err)
	require.Len(t, byApp, 1)
	_, err = l.ByIndex("nope", "x")
	assert.IsType(t, &controller.UnknownIndexError{}, err)
	_, err = l.List("", "a in (")
	assert.Error(t, err)

	// A write is visible once the cache reached its resourceVersion.
	upd, err := cms.Update(ctx, cm("default", "a", map[string]string{"app": "api"}, map[string]string{"k": "v"}), metav1.UpdateOptions{})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, upd.ResourceVersion))
	got, _ = l.Get("default", "a")
	assert.Equal(t, upd.ResourceVersion, got.ResourceVersion)
	byApp, _ = l.ByIndex("app", "api")
	assert.Len(t, byApp, 1, "the index follows updates")
	byApp, _ = l.ByIndex("app", "web")
	assert.Empty(t, byApp)

	require.NoError(t, cms.Delete(ctx, "a", metav1.DeleteOptions{}))
	require.Eventually(t, func() bool { _, ok := l.Get("default", "a"); return !ok }, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { st, _ := rec.snapshot(); return len(st) == 1 }, 5*time.Second, time.Millisecond)
	_, errs := rec.snapshot()
	assert.Empty(t, errs)

	// A late handler is told about the cached objects first.
	late := newRecorder(t)
	lreg := inf.AddHandler(late.handler())
	require.NoError(t, lreg.WaitForSync(ctx))
	st, _ = late.snapshot()
	assert.Equal(t, map[string]string{"kube-system/b": inNS[0].ResourceVersion}, st)
	lreg.Remove()
	lreg.Remove()

	assert.Error(t, inf.Run(ctx), "a second Run is refused")
	var rve *controller.ResourceVersionError
	assert.ErrorAs(t, inf.WaitForResourceVersion(ctx, "abc"), &rve)
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, inf.WaitForResourceVersion(short, "99999999"), context.DeadlineExceeded)
}

// A watch that drops resumes from the last resourceVersion, without a new
// list; one that expires lists again.
func TestInformerResumeAndRelist(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "default")), controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	run(t, inf)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default")

	e.srv.ResetRequests()
	e.srv.Inject(fake.Fault{Verb: "watch", DropWatch: true, DropAfter: 1, Times: 1})
	e.chaos.restart(0) // end the current watch: the next one gets the fault
	for i := range 3 {
		c, err := cms.Create(ctx, cm("default", fmt.Sprint("c", i), nil, nil), metav1.CreateOptions{})
		require.NoError(t, err)
		require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
	}
	lists, watches := 0, 0
	for _, r := range e.srv.Requests() {
		switch r.Verb {
		case "list":
			lists++
		case "watch":
			watches++
			assert.NotEmpty(t, r.Query.Get("resourceVersion"), "a resumed watch starts from a version")
			assert.Equal(t, "true", r.Query.Get("allowWatchBookmarks"))
		}
	}
	assert.Zero(t, lists)
	assert.GreaterOrEqual(t, watches, 2)

	// 410 in the middle of a watch, then 410 when starting one.
	e.srv.ResetRequests()
	e.srv.Inject(fake.Fault{Verb: "watch", Status: &metav1.Status{Code: 410, Reason: "Expired", Message: "too old resource version"}, Times: 1})
	e.chaos.poison(expiredFrame)
	c, err := cms.Create(ctx, cm("default", "after-expiry", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
	require.Eventually(t, func() bool {
		lists := 0
		for _, r := range e.srv.Requests() {
			if r.Verb == "list" {
				lists++
			}
		}
		return lists >= 2 // one per expiry
	}, 5*time.Second, time.Millisecond)
	assert.Equal(t, 4, inf.Lister().Len())
}

// configMapCount is the number of ConfigMaps of every namespace.
func configMapCount(ctx context.Context, t *testing.T, e *env) int {
	t.Helper()
	l, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	return len(l.Items)
}

func TestInformerStreamingList(t *testing.T) {
	for _, mode := range []controller.StreamingMode{controller.StreamingOn, controller.StreamingAuto} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			e := newEnv(t)
			ctx := ctxT(t)
			base := configMapCount(ctx, t, e)
			_, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default").Create(ctx, cm("default", "x", nil, nil), metav1.CreateOptions{})
			require.NoError(t, err)
			e.srv.ResetRequests()
			inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")), controller.WithBackoff(fastBackoff), controller.WithStreaming(mode))
			require.NoError(t, err)
			run(t, inf)
			assert.Equal(t, base+1, inf.Lister().Len())
			reqs := e.srv.Requests()
			require.NotEmpty(t, reqs)
			assert.Equal(t, "watch", reqs[0].Verb)
			assert.Equal(t, "true", reqs[0].Query.Get("sendInitialEvents"))
			assert.Equal(t, "NotOlderThan", reqs[0].Query.Get("resourceVersionMatch"))
			for _, r := range reqs {
				assert.NotEqual(t, "list", r.Verb)
			}
			c, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default").Create(ctx, cm("default", "y", nil, nil), metav1.CreateOptions{})
			require.NoError(t, err)
			require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
			assert.Equal(t, base+2, inf.Lister().Len())
		})
	}
}

func TestInformerStreamingFallsBackToList(t *testing.T) {
	e := newEnv(t)
	e.chaos.setRejectStreaming(true)
	e.srv.ResetRequests()
	inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")), controller.WithBackoff(fastBackoff), controller.WithStreaming(controller.StreamingAuto))
	require.NoError(t, err)
	run(t, inf)
	var verbs []string
	for _, r := range e.srv.Requests() {
		verbs = append(verbs, r.Verb)
	}
	require.NotEmpty(t, verbs)
	assert.Equal(t, "list", verbs[0], "the rejected streaming list never reached the server")
}

func TestInformerSelectorsAndErrors(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default")
	_, err := cms.Create(ctx, cm("default", "in", map[string]string{"team": "a"}, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cms.Create(ctx, cm("default", "out", map[string]string{"team": "b"}, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")),
		controller.WithBackoff(fastBackoff), controller.WithLabelSelector("team=a"), controller.WithFieldSelector("metadata.namespace=default"))
	require.NoError(t, err)
	run(t, inf)
	assert.Equal(t, []string{"default/in"}, inf.Lister().Keys())

	_, err = controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")), controller.WithLabelSelector("a in ("))
	assert.Error(t, err)
	type notAnObject struct{ Name string }
	_, err = controller.NewInformer[notAnObject](nil)
	var nao *controller.NotAnObjectError
	assert.ErrorAs(t, err, &nao)
	_, err = controller.NewInformer[corev1.ConfigMap](nil)
	assert.Error(t, err)
	_, err = controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")),
		controller.WithTransform(func(*corev1.Secret) {}))
	var ce *rest.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "WithTransform", ce.Field)
	_, err = controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")),
		controller.WithIndexer("x", func(*corev1.Secret) []string { return nil }))
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "WithIndexer", ce.Field)
	err = inf.AddIndex(controller.IndexNamespace, func(*corev1.ConfigMap) []string { return nil })
	assert.IsType(t, &controller.IndexExistsError{}, err)
}

func TestInformerResync(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	_, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default").Create(ctx, cm("default", "x", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")), controller.WithBackoff(fastBackoff), controller.WithResync(5*time.Millisecond))
	require.NoError(t, err)
	resynced := make(chan struct{}, 1)
	inf.AddHandler(controller.Handler[corev1.ConfigMap]{OnUpdate: func(old, obj *corev1.ConfigMap) {
		if old == obj {
			select {
			case resynced <- struct{}{}:
			default:
			}
		}
	}})
	run(t, inf)
	select {
	case <-resynced:
	case <-ctx.Done():
		t.Fatal("no resync")
	}
}

// Under random writes and faults (dropped watches, 410 in a watch and on
// its start, garbage frames, failed lists, server restarts, a short
// history), the cache converges to a fresh LIST and every handler sees a
// consistent history of each object ending in its listed state.
func TestInformerConvergesUnderFaults(t *testing.T) {
	for _, mode := range []controller.StreamingMode{controller.StreamingOff, controller.StreamingOn} {
		t.Run(fmt.Sprint("streaming=", mode), func(t *testing.T) { convergeUnderFaults(t, mode) })
	}
}

func convergeUnderFaults(t *testing.T, mode controller.StreamingMode) {
	e := newEnv(t, fake.WithHistory(40))
	ctx := ctxT(t)
	inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")),
		controller.WithBackoff(fastBackoff), controller.WithStreaming(mode), controller.WithPageSize(7))
	require.NoError(t, err)
	recs := []*recorder{newRecorder(t), newRecorder(t)}
	inf.AddHandler(recs[0].handler())
	runCtx, stop := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() { inf.Run(runCtx); close(runDone) }()
	defer func() { stop(); <-runDone }()
	// the second handler comes while the informer runs
	inf.AddHandler(recs[1].handler())

	rng := rand.New(rand.NewPCG(1, uint64(mode)))
	var wg sync.WaitGroup
	writersDone := make(chan struct{})
	for w := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, []string{"default", "kube-system"}[w%2])
			for i := range 150 {
				name := fmt.Sprint("cm-", r.IntN(12))
				switch r.IntN(3) {
				case 0:
					cms.Create(ctx, cm("", name, nil, map[string]string{"i": fmt.Sprint(i)}), metav1.CreateOptions{})
				case 1:
					if cur, err := cms.Get(ctx, name, metav1.GetOptions{}); err == nil {
						cur.Data = map[string]string{"i": fmt.Sprint(i)}
						cms.Update(ctx, cur, metav1.UpdateOptions{})
					}
				case 2:
					cms.Delete(ctx, name, metav1.DeleteOptions{})
				}
			}
		})
	}
	go func() { wg.Wait(); close(writersDone) }()
	faults := 0
	var removes []func()
	defer func() {
		for _, rm := range removes {
			rm()
		}
	}()
faulting:
	for {
		select {
		case <-writersDone:
			break faulting
		case <-time.After(time.Duration(2+rng.IntN(8)) * time.Millisecond):
		}
		faults++
		switch rng.IntN(6) {
		case 0:
			removes = append(removes, e.srv.Inject(fake.Fault{Verb: "watch", DropWatch: true, DropAfter: rng.IntN(3), Times: 1}))
			e.chaos.poison(garbageFrame)
		case 1:
			e.chaos.poison(expiredFrame)
		case 2:
			e.chaos.poison(garbageFrame)
		case 3:
			e.chaos.restart(time.Duration(rng.IntN(10)) * time.Millisecond)
		case 4:
			removes = append(removes, e.srv.Inject(fake.Fault{Verb: "watch", Status: &metav1.Status{Code: 410, Reason: "Expired", Message: "too old"}, Times: 1}))
			e.chaos.restart(0)
		case 5:
			removes = append(removes, e.srv.Inject(fake.Fault{Verb: "list", Status: &metav1.Status{Code: 500, Reason: "InternalError", Message: "boom"}, Times: 1}))
			e.chaos.poison(expiredFrame)
		}
	}
	t.Logf("%d faults injected", faults)
	for _, rm := range removes {
		rm()
	}
	removes = nil

	items, meta, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "").ListItems(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	want := map[string]string{}
	for _, c := range items {
		want[controller.KeyOf(&c)] = c.ResourceVersion
	}
	require.NoError(t, inf.WaitForResourceVersion(ctx, meta.ResourceVersion))
	got := map[string]string{}
	objs, err := inf.Lister().List("", "")
	require.NoError(t, err)
	for _, c := range objs {
		got[controller.KeyOf(c)] = c.ResourceVersion
	}
	require.Equal(t, want, got, "the cache equals a fresh LIST")
	for i, rec := range recs {
		require.Eventually(t, func() bool { st, _ := rec.snapshot(); return equalMaps(st, want) }, 10*time.Second, time.Millisecond, "handler %d", i)
		_, errs := rec.snapshot()
		assert.Empty(t, errs, "handler %d: inconsistent history", i)
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("final: %s", strings.Join(keys, " "))
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A slim struct caches only the fields it declares.
type slimConfigMap struct {
	controller.Meta
	Data map[string]string `json:"data"`
}

func TestInformerSlimType(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	_, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default").Create(ctx, cm("default", "x", nil, map[string]string{"k": "v"}), metav1.CreateOptions{})
	require.NoError(t, err)
	rc, err := rest.New(e.srv.Config())
	require.NoError(t, err)
	got := cachedConfigMap[slimConfigMap](t, rc, "default", "x")
	assert.Equal(t, map[string]string{"k": "v"}, got.Data)

	// A struct that embeds the full metav1.ObjectMeta decodes whole too.
	type metaConfigMap struct {
		metav1.ObjectMeta `json:"metadata"`
		Data              map[string]string `json:"data"`
	}
	got2 := cachedConfigMap[metaConfigMap](t, rc, "default", "x")
	assert.Equal(t, "x", got2.Name)
	assert.Equal(t, map[string]string{"k": "v"}, got2.Data)
}

// cachedConfigMap runs an informer of ConfigMaps decoded as T and returns
// the cached ConfigMap namespace/name.
func cachedConfigMap[T any](t *testing.T, rc *rest.Client, namespace, name string) *T {
	t.Helper()
	c := typed.New[T, struct{}](rc, &corev1.ConfigMapResource, "")
	inf, err := controller.NewInformer(controller.FromTyped(c), controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	run(t, inf)
	got, ok := inf.Lister().Get(namespace, name)
	require.True(t, ok)
	return got
}
