package typed_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// ownedBy returns the managedFields entry of manager's applies to the
// object itself, or nil.
func ownedBy(d *appsv1.Deployment, manager string) *metav1.ManagedFieldsEntry {
	for i, e := range d.ManagedFields {
		if e.Manager == manager && e.Operation == "Apply" && e.Subresource == "" {
			return &d.ManagedFields[i]
		}
	}
	return nil
}

// Two managers apply typed Deployments to the fake server: each owns what
// it set and nothing else, an explicit paused: false is applied and owned,
// a field left out is released, and what Extract returns applies back as a
// no-op.
func TestApplyTwoManagersFake(t *testing.T) {
	ctx := context.Background()
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config())
	require.NoError(t, err)
	deployments := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, "default")

	// a: the whole deployment, with replicas 3 and an explicit paused: false.
	a := webDeployment()
	a.Namespace = "default"
	a.Labels["tier"] = "front"
	live, err := deployments.Apply(ctx, "web", a, metav1.ApplyOptions{FieldManager: "a", Explicit: []any{&a.Spec.Paused}})
	require.NoError(t, err)
	mine := ownedBy(live, "a")
	require.NotNil(t, mine)
	fields := string(mine.FieldsV1)
	for _, f := range []string{`"f:replicas":{}`, `"f:paused":{}`, `"f:tier":{}`, `"f:image":{}`} {
		assert.Contains(t, fields, f)
	}
	for _, f := range []string{`f:strategy`, `f:status`, `f:resources`, `f:creationTimestamp`, `f:minReadySeconds`} {
		assert.NotContains(t, fields, f, "a never set it")
	}

	// b: an annotation and minReadySeconds. Its typed object leaves
	// replicas, the template and the selector unset, so it does not
	// conflict with a and does not take them.
	b := &appsv1.Deployment{TypeMeta: a.TypeMeta, ObjectMeta: metav1.ObjectMeta{Name: "web", Annotations: map[string]string{"owner": "b"}},
		Spec: appsv1.DeploymentSpec{MinReadySeconds: 5}}
	live, err = deployments.Apply(ctx, "web", b, metav1.ApplyOptions{FieldManager: "b"})
	require.NoError(t, err)
	assert.Equal(t, int32(3), *live.Spec.Replicas)
	assert.Equal(t, int32(5), live.Spec.MinReadySeconds)
	bFields := string(ownedBy(live, "b").FieldsV1)
	assert.NotContains(t, bFields, "f:replicas")
	assert.NotContains(t, bFields, "f:template")
	assert.Contains(t, string(ownedBy(live, "a").FieldsV1), `"f:replicas":{}`, "a still owns replicas")

	// b setting replicas conflicts with a.
	b.Spec.Replicas = ptr(int32(5))
	_, err = deployments.Apply(ctx, "web", b, metav1.ApplyOptions{FieldManager: "b"})
	assert.True(t, rest.IsConflict(err), "%v", err)
	b.Spec.Replicas = nil

	// a leaves the tier label and paused out: it releases both, and the
	// label, owned by no one else, is removed.
	delete(a.Labels, "tier")
	live, err = deployments.Apply(ctx, "web", a, metav1.ApplyOptions{FieldManager: "a"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"app": "web"}, live.Labels)
	fields = string(ownedBy(live, "a").FieldsV1)
	assert.NotContains(t, fields, "f:tier")
	assert.NotContains(t, fields, "f:paused")
	assert.Equal(t, "b", live.Annotations["owner"], "b's fields stay")

	// Extract a's part, with paused applied again, and apply it back: no change.
	live, err = deployments.Apply(ctx, "web", a, metav1.ApplyOptions{FieldManager: "a", Explicit: []any{&a.Spec.Paused}})
	require.NoError(t, err)
	cfg, explicit, err := typed.Extract(live, "a", "")
	require.NoError(t, err)
	assert.Equal(t, []any{&cfg.Spec.Paused}, explicit)
	assert.Equal(t, a.Spec.Template.Spec.Containers, cfg.Spec.Template.Spec.Containers)
	assert.Equal(t, int32(0), cfg.Spec.MinReadySeconds, "b's field is not a's")
	again, err := deployments.Apply(ctx, "web", cfg, metav1.ApplyOptions{FieldManager: "a", Explicit: explicit})
	require.NoError(t, err)
	assert.Equal(t, live.ResourceVersion, again.ResourceVersion, "applying the extracted configuration changes nothing")
	assert.Equal(t, live.ManagedFields, again.ManagedFields)

	// The extracted configuration, changed, changes only what changed.
	cfg.Spec.Replicas = ptr(int32(4))
	again, err = deployments.Apply(ctx, "web", cfg, metav1.ApplyOptions{FieldManager: "a", Explicit: explicit})
	require.NoError(t, err)
	assert.Equal(t, int32(4), *again.Spec.Replicas)
	assert.Equal(t, string(ownedBy(live, "a").FieldsV1), string(ownedBy(again, "a").FieldsV1))
}
