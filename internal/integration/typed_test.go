//go:build integration

package integration

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/autoscalingv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// typedNamespace creates namespace ns (with its default service account)
// and returns an admin rest client.
func typedNamespace(t *testing.T, ns string) (*testenv.Env, *rest.Client) {
	t.Helper()
	env := testenv.Shared(t)
	require.NoError(t, env.CreateNamespace(testContext(t), ns))
	return env, clientFor(t, env, testenv.IdentityAdminToken)
}

// webDeployment is a one-container deployment with replicas replicas.
func webDeployment(name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "web",
					Image: "nginx:1.27",
					Env:   []corev1.EnvVar{{Name: "A", Value: "1"}},
				}}},
			},
		},
	}
}

func TestTypedServerSideApply(t *testing.T) {
	_, rc := typedNamespace(t, "kubewire-typed-ssa")
	ctx := testContext(t)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "kubewire-typed-ssa")
	const name = "settings"

	alice := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name},
		"data":     map[string]any{"color": "blue", "size": "L"},
	}
	cm, err := cms.Apply(ctx, name, alice, metav1.ApplyOptions{FieldManager: "alice"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"color": "blue", "size": "L"}, cm.Data)
	require.Len(t, cm.ManagedFields, 1)
	assert.Equal(t, "alice", cm.ManagedFields[0].Manager)
	assert.Equal(t, metav1.ManagedFieldsOperationApply, cm.ManagedFields[0].Operation)

	// Applying the same configuration again changes nothing.
	again, err := cms.Apply(ctx, name, alice, metav1.ApplyOptions{FieldManager: "alice"})
	require.NoError(t, err)
	assert.Equal(t, cm.ResourceVersion, again.ResourceVersion)

	// Bob sets a field Alice owns: a conflict, named by the server.
	bob := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: red\n")
	_, err = cms.Apply(ctx, name, bob, metav1.ApplyOptions{FieldManager: "bob"})
	require.Error(t, err)
	assert.True(t, rest.IsConflict(err), "%v", err)
	assert.Equal(t, `Apply failed with 1 conflict: conflict with "alice": .data.color`, err.Error())
	var se *rest.StatusError
	require.True(t, errors.As(err, &se))
	require.NotNil(t, se.Status.Details)
	require.Len(t, se.Status.Details.Causes, 1)
	assert.Equal(t, ".data.color", se.Status.Details.Causes[0].Field)

	// With Force, Bob takes the field over.
	cm, err = cms.Apply(ctx, name, bob, metav1.ApplyOptions{FieldManager: "bob", Force: true})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"color": "red", "size": "L"}, cm.Data)
	managers := map[string]bool{}
	for _, mf := range cm.ManagedFields {
		managers[mf.Manager] = true
	}
	assert.Equal(t, map[string]bool{"alice": true, "bob": true}, managers)

	// Without a field manager the client refuses before sending.
	_, err = cms.Apply(ctx, name, bob, metav1.ApplyOptions{})
	var fm *rest.RequestError
	assert.True(t, errors.As(err, &fm), "%v", err)
}

func TestTypedStrategicMergePatch(t *testing.T) {
	const ns = "kubewire-typed-smp"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	_, err := deps.Create(ctx, webDeployment("web", 1), metav1.CreateOptions{})
	require.NoError(t, err)

	// Containers merge by name and env entries by name: B is added, A kept.
	patch := []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"2"}]}]}}}}`)
	dep, err := deps.Patch(ctx, "web", rest.StrategicMergePatch, patch, metav1.PatchOptions{})
	require.NoError(t, err)
	require.Len(t, dep.Spec.Template.Spec.Containers, 1)
	assert.Equal(t, []corev1.EnvVar{{Name: "B", Value: "2"}, {Name: "A", Value: "1"}}, dep.Spec.Template.Spec.Containers[0].Env)
	assert.Equal(t, "nginx:1.27", dep.Spec.Template.Spec.Containers[0].Image)

	// $patch: delete removes one entry by its key.
	patch = []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A","$patch":"delete"}]}]}}}}`)
	dep, err = deps.Patch(ctx, "web", rest.StrategicMergePatch, patch, metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Equal(t, []corev1.EnvVar{{Name: "B", Value: "2"}}, dep.Spec.Template.Spec.Containers[0].Env)

	// A JSON merge patch replaces the list instead.
	patch = []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}`)
	dep, err = deps.Patch(ctx, "web", rest.MergePatch, patch, metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Empty(t, dep.Spec.Template.Spec.Containers[0].Env)
	assert.Equal(t, "nginx:1.28", dep.Spec.Template.Spec.Containers[0].Image)
}

func TestTypedOptimisticConcurrency(t *testing.T) {
	const ns = "kubewire-typed-occ"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)
	cm, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "counter"},
		Data:       map[string]string{"n": "0"},
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	stale := *cm
	cm.Data = map[string]string{"n": "1"}
	_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
	require.NoError(t, err)

	stale.Data = map[string]string{"n": "2"}
	_, err = cms.Update(ctx, &stale, metav1.UpdateOptions{})
	require.Error(t, err)
	assert.True(t, rest.IsConflict(err), "%v", err)
	assert.Equal(t, `Operation cannot be fulfilled on configmaps "counter": the object has been modified; please apply your changes to the latest version and try again`, err.Error())

	// A delete with a stale resourceVersion precondition is refused too.
	err = cms.Delete(ctx, "counter", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: new(stale.ResourceVersion)}})
	assert.True(t, rest.IsConflict(err), "%v", err)
	got, err := cms.Get(ctx, "counter", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "1", got.Data["n"])
}

func TestTypedDryRun(t *testing.T) {
	const ns = "kubewire-typed-dryrun"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)

	cm, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "draft"},
		Data:       map[string]string{"k": "v"},
	}, metav1.CreateOptions{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, "draft", cm.Name)
	assert.NotEmpty(t, cm.UID, "the server filled in the object as it would store it")

	_, err = cms.Get(ctx, "draft", metav1.GetOptions{})
	require.Error(t, err)
	assert.True(t, rest.IsNotFound(err), "%v", err)
	assert.Equal(t, `configmaps "draft" not found`, err.Error())

	// A dry-run delete leaves the object in place.
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "kept"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, cms.Delete(ctx, "kept", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}))
	_, err = cms.Get(ctx, "kept", metav1.GetOptions{})
	assert.NoError(t, err)
}

func TestTypedUpdateStatus(t *testing.T) {
	const ns = "kubewire-typed-status"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	dep, err := deps.Create(ctx, webDeployment("web", 2), metav1.CreateOptions{})
	require.NoError(t, err)

	five := int32(5)
	dep.Spec.Replicas = &five // ignored by the status subresource
	dep.Status.Replicas, dep.Status.ReadyReplicas, dep.Status.ObservedGeneration = 2, 1, dep.Generation
	updated, err := deps.UpdateStatus(ctx, dep, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(2), *updated.Spec.Replicas)
	assert.Equal(t, int32(2), updated.Status.Replicas)
	assert.Equal(t, int32(1), updated.Status.ReadyReplicas)

	// And an Update ignores status.
	updated.Status.ReadyReplicas = 0
	updated.Spec.Replicas = &five
	again, err := deps.Update(ctx, updated, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(5), *again.Spec.Replicas)
	assert.Equal(t, int32(1), again.Status.ReadyReplicas)
}

func TestTypedScale(t *testing.T) {
	const ns = "kubewire-typed-scale"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	_, err := deps.Create(ctx, webDeployment("web", 2), metav1.CreateOptions{})
	require.NoError(t, err)

	var scale autoscalingv1.Scale
	require.NoError(t, deps.GetSubresource(ctx, "web", "scale", &scale))
	assert.Equal(t, "Scale", scale.Kind)
	assert.Equal(t, "autoscaling/v1", scale.APIVersion)
	assert.Equal(t, int32(2), scale.Spec.Replicas)
	assert.Equal(t, "app=web", scale.Status.Selector)

	scale.Spec.Replicas = 4
	var out autoscalingv1.Scale
	require.NoError(t, deps.UpdateSubresource(ctx, "web", "scale", &scale, &out, metav1.UpdateOptions{}))
	assert.Equal(t, int32(4), out.Spec.Replicas)
	dep, err := deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(4), *dep.Spec.Replicas)

	// Scaling to zero: Scale holds replicas as a value with omitempty, as
	// Kubernetes' own type does; the server reads the absent field as 0.
	out.Spec.Replicas = 0
	require.NoError(t, deps.UpdateSubresource(ctx, "web", "scale", &out, &out, metav1.UpdateOptions{}))
	assert.Equal(t, int32(0), out.Spec.Replicas)
	dep, err = deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(0), *dep.Spec.Replicas)
}

func TestTypedListAllPages(t *testing.T) {
	const ns = "kubewire-typed-pages"
	env, _ := typedNamespace(t, ns)
	ctx := testContext(t)
	var lists atomic.Int32
	count := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/configmaps") {
				lists.Add(1)
			}
			return next.RoundTrip(r)
		})
	}
	rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), rest.WithWrapper(count))
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)
	want := map[string]bool{}
	for i := range 7 {
		name := fmt.Sprintf("page-%d", i)
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"set": "pages"}}}, metav1.CreateOptions{})
		require.NoError(t, err)
		want[name] = true
	}
	_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "other"}}, metav1.CreateOptions{})
	require.NoError(t, err)

	lists.Store(0)
	opts := metav1.ListOptions{LabelSelector: "set=pages", Limit: 2}
	got := map[string]bool{}
	for cm, err := range cms.All(ctx, opts) {
		require.NoError(t, err)
		assert.False(t, got[cm.Name], "yielded twice: %s", cm.Name)
		got[cm.Name] = true
	}
	assert.Equal(t, want, got)
	assert.Equal(t, int32(4), lists.Load(), "7 objects in pages of 2")
	assert.Equal(t, int64(2), opts.Limit, "the caller's options are not changed")

	// One page by hand carries the continue token All follows.
	page, err := cms.List(ctx, opts)
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.NotEmpty(t, page.Continue)

	// Breaking out of the loop stops fetching.
	lists.Store(0)
	for range cms.All(ctx, opts) {
		break
	}
	assert.Equal(t, int32(1), lists.Load())
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTypedPodLogsPending(t *testing.T) {
	const ns = "kubewire-typed-logs"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)
	pods := typed.For[corev1.Pod, corev1.PodList](rc, ns)
	createPods(t, ctx, pods, "pending", 1)

	// No scheduler runs: the pod stays Pending on no node, and the server
	// answers its log with an empty 200 body (it has nowhere to read from).
	stream, err := pods.StreamSubresource(ctx, "pending-0", "log", nil)
	require.NoError(t, err)
	b, err := io.ReadAll(stream)
	require.NoError(t, err)
	require.NoError(t, stream.Close())
	assert.Empty(t, b)

	// A container the pod does not have: a typed BadRequest.
	_, err = pods.StreamSubresource(ctx, "pending-0", "log", url.Values{"container": {"nope"}})
	require.Error(t, err)
	var se *rest.StatusError
	require.True(t, errors.As(err, &se), "%T %v", err, err)
	assert.True(t, rest.IsBadRequest(err), "%v", err)
	assert.Equal(t, http.StatusBadRequest, se.Code())
	assert.Equal(t, `container nope is not valid for pod pending-0`, err.Error())

	// Bound to a node that does not exist (no kubelet anywhere): the server
	// cannot find where to stream from, and says so before any byte.
	_, err = pods.Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "bound"},
		Spec: corev1.PodSpec{NodeName: "kubewire-no-such-node",
			Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	stream, err = pods.StreamSubresource(ctx, "bound", "log", url.Values{"follow": {"true"}})
	require.Error(t, err)
	assert.Nil(t, stream)
	require.True(t, errors.As(err, &se), "%T %v", err, err)
	// The server looks the node up through the pod registry, so its
	// message names the node as a pod.
	assert.True(t, rest.IsNotFound(err), "%v", err)
	assert.Equal(t, `pods "kubewire-no-such-node" not found`, err.Error())

	_, err = pods.StreamSubresource(ctx, "missing", "log", nil)
	assert.True(t, rest.IsNotFound(err), "%v", err)
	assert.Equal(t, `pods "missing" not found`, err.Error())
}
