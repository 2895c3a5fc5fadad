package controller_test

import (
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
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// An informer over protobuf (the client's default for built-in kinds): the
// first list and the watch's changes; a slim informer beside it reads JSON.
func TestInformerOverProtobuf(t *testing.T) {
	srv := fake.NewServer(t, fake.WithBookmarkInterval(20*time.Millisecond))
	var mu sync.Mutex
	answers := map[string]int{} // content type of list and watch answers
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0), rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if err == nil && r.Method == http.MethodGet {
				mu.Lock()
				answers[resp.Header.Get("Content-Type")]++
				mu.Unlock()
			}
			return resp, err
		})
	}))
	require.NoError(t, err)
	ctx := ctxT(t)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "default")
	_, err = cms.Create(ctx, cm("default", "a", map[string]string{"x": "1"}, nil), metav1.CreateOptions{})
	require.NoError(t, err)

	inf, err := controller.NewInformer(controller.FromTyped(cms), controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	slim, err := controller.NewInformer(controller.FromTyped(typed.New[slimPod, struct{}](rc, &corev1.ConfigMapResource, "default")),
		controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	run(t, inf)
	run(t, slim)
	got, ok := inf.Lister().Get("default", "a")
	require.True(t, ok)
	assert.Equal(t, "1", got.Labels["x"])

	c, err := cms.Create(ctx, cm("default", "b", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
	require.NoError(t, slim.WaitForResourceVersion(ctx, c.ResourceVersion))
	assert.Equal(t, 2, inf.Lister().Len())
	assert.Equal(t, 2, slim.Lister().Len())

	mu.Lock()
	defer mu.Unlock()
	assert.Positive(t, answers["application/vnd.kubernetes.protobuf"], "the typed informer's list")
	assert.Positive(t, answers["application/vnd.kubernetes.protobuf;stream=watch"], "the typed informer's watch")
	assert.Positive(t, answers["application/json"], "the slim informer's list: a slim struct has no protobuf codec")
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
