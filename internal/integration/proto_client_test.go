//go:build integration

package integration

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// The typed client against the real server in protobuf: every answer is
// protobuf, bodies are sent in protobuf, and the values equal those a JSON
// client reads; errors come back as protobuf Status.
func TestProtobufClientRealServer(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	var mu sync.Mutex
	answers := map[string]string{}
	rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if err == nil {
				mu.Lock()
				answers[r.Method+" body="+r.Header.Get("Content-Type")] = resp.Header.Get("Content-Type")
				mu.Unlock()
			}
			return resp, err
		})
	}))
	jc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), rest.WithJSON())
	ns := tempNamespace(t, jc, nil)
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	jdeps := typed.For[appsv1.Deployment, appsv1.DeploymentList](jc, ns)

	replicas := int32(2)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"a": "b"}},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1",
					Resources: corev1.ResourceRequirements{Limits: map[corev1.ResourceName]metav1.Quantity{"cpu": metav1.NewMilliQuantity(250, metav1.DecimalSI)}}}}}}}}
	w, err := deps.Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	defer w.Close()

	created, err := deps.Create(ctx, d, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "Deployment", created.Kind)
	got, err := deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	viaJSON, err := jdeps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, viaJSON, got, "the same object read as JSON and as protobuf")

	got.Spec.Template.Spec.Containers[0].Image = "nginx:2"
	updated, err := deps.Update(ctx, got, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "nginx:2", updated.Spec.Template.Spec.Containers[0].Image)

	l, err := deps.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	jl, err := jdeps.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, l.Items, 1)
	assert.Equal(t, jl.Items, l.Items)
	assert.Equal(t, jl.TypeMeta, l.TypeMeta)

	ev, err := w.Next()
	require.NoError(t, err)
	assert.Equal(t, rest.EventAdded, ev.Type)
	assert.Equal(t, "web", ev.Object.Name)
	ev, err = w.Next()
	require.NoError(t, err)
	assert.Equal(t, rest.EventModified, ev.Type)

	_, err = deps.Get(ctx, "missing", metav1.GetOptions{})
	var se *rest.StatusError
	require.ErrorAs(t, err, &se)
	assert.True(t, rest.IsNotFound(err))
	assert.Equal(t, `deployments.apps "missing" not found`, se.Status.Message)
	_, err = deps.Create(ctx, d, metav1.CreateOptions{})
	assert.True(t, rest.IsAlreadyExists(err), "%v", err)

	mu.Lock()
	defer mu.Unlock()
	pb := "application/vnd.kubernetes.protobuf"
	assert.Equal(t, pb, answers["POST body="+pb], "%v", answers)
	assert.Equal(t, pb, answers["PUT body="+pb], "%v", answers)
	assert.Equal(t, pb, answers["GET body="], "%v", answers)
}
