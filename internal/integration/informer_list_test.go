//go:build integration

package integration

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// sentRequest is one request an informer sent and the status it got.
type sentRequest struct {
	query  map[string]string
	status int
}

// recordingClient returns a client whose requests are recorded.
func recordingClient(t *testing.T, env *testenv.Env, opts ...rest.Option) (*rest.Client, func() []sentRequest) {
	var mu sync.Mutex
	var log []sentRequest
	opts = append(opts, rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			q := map[string]string{}
			for k := range r.URL.Query() {
				q[k] = r.URL.Query().Get(k)
			}
			s := sentRequest{query: q}
			if err == nil {
				s.status = resp.StatusCode
			}
			mu.Lock()
			log = append(log, s)
			mu.Unlock()
			return resp, err
		})
	}))
	rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), opts...)
	return rc, func() []sentRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]sentRequest(nil), log...)
	}
}

// The informer's first list against the real server asks for
// resourceVersion "0" (the watch cache). With StreamingAuto, a server
// that refuses streaming lists (this one: etcd without progress
// notifications: "RequestWatchProgress is disabled") costs one request,
// not retries, and the informer syncs with a LIST.
func TestInformerInitialListRealServer(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	admin := clientFor(t, env, testenv.IdentityAdminToken)
	ns := tempNamespace(t, admin, nil)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](admin, ns)
	for _, name := range []string{"a", "b"} {
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	for _, mode := range []controller.StreamingMode{controller.StreamingOff, controller.StreamingAuto} {
		rc, sent := recordingClient(t, env)
		inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)),
			controller.WithStreaming(mode))
		require.NoError(t, err)
		rctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		start := time.Now()
		go func() { inf.Run(rctx); close(done) }()
		require.NoError(t, inf.WaitForSync(ctx))
		took := time.Since(start)
		// A list from the watch cache may trail the last writes; the
		// watch from its version brings the rest.
		assert.Eventually(t, func() bool { return inf.Lister().Len() == 2 }, 10*time.Second, 5*time.Millisecond)
		stop()
		<-done
		var lists, streaming []sentRequest
		for _, s := range sent() {
			switch {
			case s.query["sendInitialEvents"] == "true":
				streaming = append(streaming, s)
			case s.query["watch"] == "":
				lists = append(lists, s)
			}
		}
		require.NotEmpty(t, lists, mode)
		assert.Equal(t, "0", lists[0].query["resourceVersion"], "the first list is served from the watch cache")
		assert.Empty(t, lists[0].query["resourceVersionMatch"])
		if mode == controller.StreamingAuto {
			require.Len(t, streaming, 1, "the refused streaming list is not retried")
			t.Logf("streaming list answered %d", streaming[0].status)
			assert.Equal(t, "NotOlderThan", streaming[0].query["resourceVersionMatch"])
			assert.Equal(t, "true", streaming[0].query["allowWatchBookmarks"])
		}
		t.Logf("streaming=%v: synced in %v", mode, took)
		assert.Less(t, took, 3*time.Second, mode)
	}
}

// What this server answers a streaming list: the watch starts (200) and
// its first event is an ERROR with a 500 Status, which the informer takes
// as a refusal.
func TestStreamingListRefusedRealServer(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	yes := true
	w, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "default").Watch(ctx, metav1.ListOptions{
		SendInitialEvents: &yes, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan, AllowWatchBookmarks: true})
	require.NoError(t, err)
	defer w.Close()
	ev, err := w.Next()
	assert.Equal(t, rest.EventError, ev.Type)
	require.Error(t, err)
	assert.True(t, rest.IsInternalError(err), "%v", err)
	assert.Contains(t, err.Error(), "RequestWatchProgress")
}
