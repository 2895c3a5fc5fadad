package typed_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// sent records the Accept and Content-Type headers of requests, and the
// Content-Type of their answers.
type sent struct {
	mu   sync.Mutex
	reqs []string
}

func (s *sent) wrap(rt http.RoundTripper) http.RoundTripper {
	return rtFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(r)
		line := r.Method + " " + r.URL.Path + " accept=" + r.Header.Get("Accept") + " body=" + r.Header.Get("Content-Type")
		if err == nil {
			line += " answer=" + resp.Header.Get("Content-Type")
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, line)
		s.mu.Unlock()
		return resp, err
	})
}

func (s *sent) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs[len(s.reqs)-1]
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

const (
	pbAccept = "application/vnd.kubernetes.protobuf, application/json"
	pb       = "application/vnd.kubernetes.protobuf"
)

// Built-in kinds are read and written in protobuf by default, and the
// values are those a JSON client gets; patches stay JSON; rest.WithJSON
// and the dynamic client speak JSON.
func TestProtobufAgainstFake(t *testing.T) {
	srv := fake.NewServer(t)
	var s sent
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0), rest.WithWrapper(s.wrap))
	require.NoError(t, err)
	jc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0), rest.WithJSON(), rest.WithWrapper(s.wrap))
	require.NoError(t, err)
	ctx := context.Background()
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, "default")
	jdeps := typed.For[appsv1.Deployment, appsv1.DeploymentList](jc, "default")

	replicas := int32(2)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1"}}}}}}
	created, err := deps.Create(ctx, d, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "POST /apis/apps/v1/namespaces/default/deployments accept="+pbAccept+" body="+pb+" answer="+pb, s.last())
	assert.Equal(t, "Deployment", created.Kind, "TypeMeta from the envelope")
	assert.Equal(t, "apps/v1", created.APIVersion)
	assert.Equal(t, int32(2), *created.Spec.Replicas)

	got, err := deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Contains(t, s.last(), "answer="+pb)
	viaJSON, err := jdeps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "GET /apis/apps/v1/namespaces/default/deployments/web accept=application/json, */* body= answer=application/json", s.last())
	assert.Equal(t, viaJSON, got, "protobuf and JSON give the same value")

	got.Spec.Template.Spec.Containers[0].Image = "nginx:2"
	updated, err := deps.Update(ctx, got, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Contains(t, s.last(), "PUT /apis/apps/v1/namespaces/default/deployments/web accept="+pbAccept+" body="+pb)
	assert.Equal(t, "nginx:2", updated.Spec.Template.Spec.Containers[0].Image)

	patched, err := deps.Patch(ctx, "web", rest.MergePatch, []byte(`{"metadata":{"labels":{"p":"1"}}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Contains(t, s.last(), "body=application/merge-patch+json answer="+pb, "patches stay JSON")
	assert.Equal(t, "1", patched.Labels["p"])

	for i := range 3 {
		_, err := deps.Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("d", i)}, Spec: d.Spec}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	l, err := deps.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	assert.Contains(t, s.last(), "answer="+pb)
	jl, err := jdeps.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, jl, l)
	items, meta, err := deps.ListItems(ctx, metav1.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, items, 4)
	assert.NotEmpty(t, meta.ResourceVersion)
	var names []string
	for d, err := range deps.All(ctx, metav1.ListOptions{Limit: 3}) {
		require.NoError(t, err)
		names = append(names, d.Name)
	}
	assert.Equal(t, []string{"d0", "d1", "d2", "web"}, names)

	// A Status error comes back in protobuf and is decoded.
	_, err = deps.Get(ctx, "missing", metav1.GetOptions{})
	assert.True(t, rest.IsNotFound(err), "%v", err)
	assert.Contains(t, s.last(), "answer="+pb)
	var se *rest.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, `deployments.apps "missing" not found`, se.Status.Message)
	_, err = deps.Create(ctx, d, metav1.CreateOptions{})
	assert.True(t, rest.IsAlreadyExists(err), "%v", err)

	// The dynamic client stays JSON.
	dyn := dynamic.New(rc, &appsv1.DeploymentResource, "default")
	o, err := dyn.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "web", o.GetName())
	assert.Contains(t, s.last(), "accept=application/json, */*")
}

// A watch over protobuf: length-prefixed frames, events decoded as the
// kind, and an ERROR event's Status.
func TestProtobufWatchAgainstFake(t *testing.T) {
	srv := fake.NewServer(t)
	var s sent
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0), rest.WithWrapper(s.wrap))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "default")
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "a"}, Data: map[string]string{"k": "v"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	w, err := cms.Watch(ctx, metav1.ListOptions{AllowWatchBookmarks: true})
	require.NoError(t, err)
	defer w.Close()
	assert.Contains(t, s.last(), "answer=application/vnd.kubernetes.protobuf;stream=watch")
	ev, err := w.Next()
	require.NoError(t, err)
	assert.Equal(t, rest.EventAdded, ev.Type)
	assert.Equal(t, "v", ev.Object.Data["k"])
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "b"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	ev, err = w.Next()
	require.NoError(t, err)
	assert.Equal(t, rest.EventAdded, ev.Type)
	assert.Equal(t, "b", ev.Object.Name)
	require.NoError(t, cms.Delete(ctx, "a", metav1.DeleteOptions{}))
	ev, err = w.Next()
	require.NoError(t, err)
	assert.Equal(t, rest.EventDeleted, ev.Type)
	assert.Equal(t, "a", ev.Object.Name)

	// A watch from a version the server no longer has: 410 in protobuf.
	srv.Inject(fake.Fault{Verb: "watch", Status: &metav1.Status{Code: 410, Reason: "Expired", Message: "too old resource version"}, Times: 1})
	_, err = cms.Watch(ctx, metav1.ListOptions{ResourceVersion: "1"})
	assert.True(t, rest.IsResourceExpired(err), "%v", err)
	assert.Contains(t, s.last(), "answer="+pb)
}
