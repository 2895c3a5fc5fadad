package metadata_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/metadata"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// accepts records the Accept header of every request.
type accepts struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (a *accepts) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.seen = append(a.seen, r.URL.Path+"?"+r.URL.RawQuery+" "+r.Header.Get("Accept"))
	a.mu.Unlock()
	return a.base.RoundTrip(r)
}

func (a *accepts) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// setup starts a fake server holding n config maps in namespace "ns",
// labelled i=<index>, and returns a plain client and a metadata client of
// config maps in "ns" whose requests are recorded.
func setup(t *testing.T, n int) (*fake.Server, *rest.Client, *metadata.Client, *accepts) {
	t.Helper()
	srv := fake.NewServer(t, fake.WithBookmarkInterval(20*time.Millisecond))
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "ns")
	for i := range n {
		_, err := cms.Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i), Labels: map[string]string{"i": fmt.Sprint(i)}},
			Data:       map[string]string{"big": "a value the metadata client never sees"},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	rec := &accepts{}
	mrc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0),
		rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper { rec.base = rt; return rec }))
	require.NoError(t, err)
	return srv, rc, metadata.New(mrc, &corev1.ConfigMapResource, "ns"), rec
}

func TestListPagesAndNegotiation(t *testing.T) {
	_, _, mc, rec := setup(t, 5)
	ctx := context.Background()

	page, err := mc.List(ctx, metav1.ListOptions{Limit: 2})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	assert.NotEmpty(t, page.Continue, "a limited list has a continue token")
	assert.Equal(t, "PartialObjectMetadataList", page.Kind)
	assert.Equal(t, "meta.k8s.io/v1", page.APIVersion)
	it := page.Items[0]
	assert.Equal(t, "ConfigMap", it.Kind, "items carry the resource's kind")
	assert.Equal(t, "v1", it.APIVersion)
	assert.Equal(t, "cm-0", it.Name)
	assert.Equal(t, "ns", it.Namespace)
	assert.NotEmpty(t, it.UID)
	assert.NotEmpty(t, it.ResourceVersion)
	assert.Equal(t, map[string]string{"i": "0"}, it.Labels)
	require.Contains(t, rec.all()[0], metadata.AcceptList)

	var names []string
	for o, err := range mc.All(ctx, metav1.ListOptions{Limit: 2}) {
		require.NoError(t, err)
		names = append(names, o.Name)
	}
	assert.Equal(t, []string{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4"}, names)
	assert.Len(t, rec.all(), 1+3, "All reads three pages of two")

	items, meta, err := mc.ListItems(ctx, metav1.ListOptions{Limit: 2, LabelSelector: "i in (1,3,4)"})
	require.NoError(t, err)
	require.Len(t, items, 3)
	assert.Equal(t, "cm-4", items[2].Name)
	assert.NotEmpty(t, meta.ResourceVersion)
	assert.Empty(t, meta.Continue)
}

func TestGetAndErrors(t *testing.T) {
	_, rc, mc, rec := setup(t, 1)
	ctx := context.Background()
	o, err := mc.Get(ctx, "cm-0", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "cm-0", o.Name)
	assert.Equal(t, "ConfigMap", o.Kind)
	assert.Contains(t, rec.all()[0], metadata.AcceptObject)

	_, err = mc.Get(ctx, "missing", metav1.GetOptions{})
	assert.True(t, rest.IsNotFound(err), "%v", err)

	var re *rest.RequestError
	_, err = mc.InNamespace("").Get(ctx, "cm-0", metav1.GetOptions{})
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "Namespace", re.Field)
	_, err = mc.Get(ctx, "", metav1.GetOptions{})
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "Name", re.Field)

	// The server's negotiation: a list is not one object and one object
	// is not a list, as the real server answers (406 NotAcceptable).
	_, err = rc.Get().Version("v1").Namespace("ns").Resource("configmaps").
		Header("Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1").Do(ctx).Raw()
	assert.Equal(t, http.StatusNotAcceptable, statusCode(err), "%v", err)
	_, err = rc.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm-0").
		Header("Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1").Do(ctx).Raw()
	assert.Equal(t, http.StatusNotAcceptable, statusCode(err), "%v", err)
}

func statusCode(err error) int {
	if se, ok := err.(*rest.StatusError); ok {
		return int(se.Status.Code)
	}
	return 0
}

func TestWatch(t *testing.T) {
	_, rc, mc, rec := setup(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := mc.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	w, err := mc.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	require.NoError(t, err)
	defer w.Close()
	assert.Contains(t, rec.all()[1], metadata.AcceptObject)
	_, err = typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "ns").Create(ctx,
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "new", Labels: map[string]string{"a": "b"}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	ev, err := w.Next()
	require.NoError(t, err)
	assert.Equal(t, rest.EventAdded, ev.Type)
	assert.Equal(t, "new", ev.Object.Name)
	assert.Equal(t, "ConfigMap", ev.Object.Kind)
	assert.Equal(t, map[string]string{"a": "b"}, ev.Object.Labels)
}

func TestInformer(t *testing.T) {
	_, rc, mc, _ := setup(t, 3)
	inf, err := controller.NewInformer(metadata.ListerWatcher(mc.InNamespace("")), controller.WithPageSize(2))
	require.NoError(t, err)
	updated := make(chan string, 10)
	inf.AddHandler(controller.Handler[metav1.PartialObjectMetadata]{
		OnUpdate: func(old, obj *metav1.PartialObjectMetadata) { updated <- obj.Labels["i"] },
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = inf.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	require.NoError(t, inf.WaitForSync(wctx))

	objs, err := inf.Lister().List("ns", "")
	require.NoError(t, err)
	assert.Len(t, objs, 3)
	o, ok := inf.Lister().Get("ns", "cm-1")
	require.True(t, ok)
	assert.Equal(t, "ConfigMap", o.Kind)

	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "ns")
	cm, err := cms.Get(wctx, "cm-2", metav1.GetOptions{})
	require.NoError(t, err)
	cm.Labels["i"] = "changed"
	_, err = cms.Update(wctx, cm, metav1.UpdateOptions{})
	require.NoError(t, err)
	select {
	case v := <-updated:
		assert.Equal(t, "changed", v)
	case <-wctx.Done():
		t.Fatal("no update seen")
	}
}

func TestPatchAndDelete(t *testing.T) {
	_, _, mc, rec := setup(t, 2)
	ctx := context.Background()
	o, err := mc.Patch(ctx, "cm-0", rest.MergePatch, []byte(`{"metadata":{"labels":{"i":null,"patched":"yes"},"finalizers":["example.com/f"]}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"patched": "yes"}, o.Labels)
	assert.Equal(t, []string{"example.com/f"}, o.Finalizers)
	assert.Equal(t, "ConfigMap", o.Kind)
	all := rec.all()
	assert.Contains(t, all[len(all)-1], metadata.AcceptObject)

	require.NoError(t, mc.Delete(ctx, "cm-1", metav1.DeleteOptions{}))
	_, err = mc.Get(ctx, "cm-1", metav1.GetOptions{})
	assert.True(t, rest.IsNotFound(err), "%v", err)
	var re *rest.RequestError
	_, err = mc.Patch(ctx, "", rest.MergePatch, []byte(`{}`), metav1.PatchOptions{})
	assert.ErrorAs(t, err, &re)
}

// An expired continue token (410) makes All list again in full and yield
// only what it has not yielded yet.
func TestAllRestartsOnExpiredToken(t *testing.T) {
	srv, _, mc, _ := setup(t, 5)
	var names []string
	for o, err := range mc.All(context.Background(), metav1.ListOptions{Limit: 2}) {
		require.NoError(t, err)
		names = append(names, o.Name)
		if len(names) == 1 {
			srv.Inject(fake.Fault{Verb: "list", Resource: "configmaps", Times: 1, Status: &metav1.Status{
				Code: http.StatusGone, Reason: metav1.StatusReasonExpired, Message: "The provided continue parameter is too old"}})
		}
	}
	assert.Equal(t, []string{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4"}, names)
	var lists []string
	for _, r := range srv.Requests() {
		if r.Verb == "list" && r.Resource == "configmaps" {
			lists = append(lists, fmt.Sprintf("%d limit=%s", r.Code, r.Query.Get("limit")))
		}
	}
	assert.Equal(t, []string{"200 limit=2", "410 limit=2", "200 limit="}, lists, "a page, the expired token, the full list")
}

// A watch asked for as a list ends at its first object with nothing
// written, as the real server's does (it cannot transform one object into
// a list).
func TestFakeWatchAsListEnds(t *testing.T) {
	_, rc, _, _ := setup(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := rc.Get().Version("v1").Namespace("ns").Resource("configmaps").Param("watch", "true").
		Header("Accept", metadata.AcceptList).Stream(ctx)
	require.NoError(t, err)
	defer st.Close()
	b, err := io.ReadAll(st)
	require.NoError(t, err)
	assert.Empty(t, b)
	assert.NoError(t, ctx.Err(), "the stream ended by itself")
}
