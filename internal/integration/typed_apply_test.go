//go:build integration

package integration

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// appliedBy returns the field set of manager's applies to the object
// itself, decoded, or nil.
func appliedBy(t *testing.T, d *appsv1.Deployment, manager string) map[string]any {
	t.Helper()
	for _, e := range d.ManagedFields {
		if e.Manager == manager && e.Operation == "Apply" && e.Subresource == "" {
			var fs map[string]any
			require.NoError(t, json.Unmarshal(e.FieldsV1, &fs))
			return fs
		}
	}
	return nil
}

// has reports whether field set fs holds the member at path.
func has(fs map[string]any, path ...string) bool {
	for _, p := range path {
		next, ok := fs[p].(map[string]any)
		if !ok {
			return false
		}
		fs = next
	}
	return true
}

// Server-side apply of typed objects against kube-apiserver: a typed
// Deployment is applied as what its caller set, so two managers own what
// each set; an explicit paused: false is applied and owned; a field left
// out is released; what Extract returns applies back as a no-op.
func TestTypedApplyTwoManagers(t *testing.T) {
	const ns = "kubewire-typed-apply"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)
	deployments := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)

	// a: the deployment with replicas 3, a tier label and paused: false.
	a := webDeployment("web", 3)
	a.TypeMeta = metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}
	a.Labels = map[string]string{"app": "web", "tier": "front"}
	live, err := deployments.Apply(ctx, "web", a, metav1.ApplyOptions{FieldManager: "a", Explicit: []any{&a.Spec.Paused}})
	require.NoError(t, err)
	fs := appliedBy(t, live, "a")
	assert.True(t, has(fs, "f:spec", "f:replicas"))
	assert.True(t, has(fs, "f:spec", "f:paused"), "the explicit false is applied")
	assert.True(t, has(fs, "f:metadata", "f:labels", "f:tier"))
	for _, never := range [][]string{{"f:spec", "f:strategy"}, {"f:status"}, {"f:spec", "f:minReadySeconds"},
		{"f:spec", "f:template", "f:metadata", "f:creationTimestamp"}} {
		assert.False(t, has(fs, never...), "a never set %v", never)
	}
	assert.NotContains(t, string(mustJSON(t, fs)), "f:resources", "no empty resources in a's containers")
	assert.Equal(t, appsv1.RollingUpdateDeploymentStrategyType, live.Spec.Strategy.Type, "the server defaults what a left out")

	// b: an annotation and minReadySeconds; its unset replicas, selector
	// and template are not sent, so it neither conflicts with a nor
	// takes them.
	b := &appsv1.Deployment{TypeMeta: a.TypeMeta, ObjectMeta: metav1.ObjectMeta{Name: "web", Annotations: map[string]string{"owner": "b"}},
		Spec: appsv1.DeploymentSpec{MinReadySeconds: 5}}
	live, err = deployments.Apply(ctx, "web", b, metav1.ApplyOptions{FieldManager: "b"})
	require.NoError(t, err)
	assert.Equal(t, int32(3), *live.Spec.Replicas)
	assert.Equal(t, int32(5), live.Spec.MinReadySeconds)
	assert.Equal(t, map[string]any{"f:metadata": map[string]any{"f:annotations": map[string]any{"f:owner": map[string]any{}}},
		"f:spec": map[string]any{"f:minReadySeconds": map[string]any{}}}, appliedBy(t, live, "b"))
	assert.True(t, has(appliedBy(t, live, "a"), "f:spec", "f:replicas"), "a still owns replicas")

	// b setting replicas conflicts with a, which owns them.
	b.Spec.Replicas = ptr(int32(5))
	_, err = deployments.Apply(ctx, "web", b, metav1.ApplyOptions{FieldManager: "b"})
	assert.True(t, rest.IsConflict(err), "%v", err)
	b.Spec.Replicas = nil

	// a leaves the tier label and paused out: it releases both, and the
	// label, owned by no one else, is removed; b's fields stay.
	delete(a.Labels, "tier")
	live, err = deployments.Apply(ctx, "web", a, metav1.ApplyOptions{FieldManager: "a"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"app": "web"}, live.Labels)
	fs = appliedBy(t, live, "a")
	assert.False(t, has(fs, "f:metadata", "f:labels", "f:tier"))
	assert.False(t, has(fs, "f:spec", "f:paused"))
	assert.Equal(t, "b", live.Annotations["owner"])
	assert.Equal(t, int32(5), live.Spec.MinReadySeconds)

	// Extract a's part (paused applied again) and apply it back: nothing
	// changes, not even a's timestamp.
	live, err = deployments.Apply(ctx, "web", a, metav1.ApplyOptions{FieldManager: "a", Explicit: []any{&a.Spec.Paused}})
	require.NoError(t, err)
	cfg, explicit, err := typed.Extract(live, "a", "")
	require.NoError(t, err)
	assert.Equal(t, []any{&cfg.Spec.Paused}, explicit, "the server does not write paused: false back")
	assert.Equal(t, a.Spec.Template.Spec.Containers, cfg.Spec.Template.Spec.Containers)
	assert.Equal(t, a.Labels, cfg.Labels)
	assert.Nil(t, cfg.Annotations, "b's annotation is not a's")
	assert.Equal(t, int32(0), cfg.Spec.MinReadySeconds, "nor is b's minReadySeconds")
	again, err := deployments.Apply(ctx, "web", cfg, metav1.ApplyOptions{FieldManager: "a", Explicit: explicit})
	require.NoError(t, err)
	assert.Equal(t, live.ResourceVersion, again.ResourceVersion, "applying the extracted configuration changes nothing")
	assert.Equal(t, live.ManagedFields, again.ManagedFields)

	// Without the explicit list, paused would be released: the
	// extracted configuration changed by one field changes that field.
	cfg.Spec.Replicas = ptr(int32(4))
	again, err = deployments.Apply(ctx, "web", cfg, metav1.ApplyOptions{FieldManager: "a", Explicit: explicit})
	require.NoError(t, err)
	assert.Equal(t, int32(4), *again.Spec.Replicas)
	assert.Equal(t, appliedBy(t, live, "a"), appliedBy(t, again, "a"))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
