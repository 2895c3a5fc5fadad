//go:build integration

package integration

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	oldappsv1 "github.com/kubewire/kubewire/internal/integration/skew132/appsv1"
	oldcorev1 "github.com/kubewire/kubewire/internal/integration/skew132/corev1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// skewPodSpec is a pod spec with fields that Kubernetes 1.37 has and 1.32
// lacks, which the 1.37 server stores without feature gates: the pod's
// hostnameOverride, a container's restartPolicyRules (an item of a list
// keyed by name) and an env var's valueFrom.fileKeyRef (deeper, in a list
// item of a list item).
func skewPodSpec() corev1.PodSpec {
	return corev1.PodSpec{
		HostnameOverride: ptr("skew-host"),
		Containers: []corev1.Container{{
			Name:          "app",
			Image:         "nginx:1.27",
			RestartPolicy: ptr(corev1.ContainerRestartPolicyNever),
			RestartPolicyRules: []corev1.ContainerRestartRule{{
				Action:    "Restart",
				ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: "In", Values: []int32{42, 43}},
			}},
			Env: []corev1.EnvVar{
				{Name: "PLAIN", Value: "1"},
				{Name: "FROM_FILE", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "cfg", Path: "app.env", Key: "FROM_FILE"}}},
			},
		}, {
			Name:  "side",
			Image: "busybox:1.36",
		}},
		Volumes: []corev1.Volume{{Name: "cfg", EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
}

// Issue 11's acceptance test: objects written with the 1.37 types carry
// fields the 1.32 types (internal/integration/skew132, generated from the
// 1.32.4 spec) lack; read with the 1.32 types, changed and written back
// with Update and UpdateStatus, they keep those fields on the server.
func TestVersionSkewKeepsNewerFields(t *testing.T) {
	const ns = "kubewire-skew"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)

	// The fields are unknown to the 1.32 types.
	for _, f := range []struct {
		typ   reflect.Type
		field string
	}{
		{reflect.TypeFor[oldcorev1.PodSpec](), "HostnameOverride"},
		{reflect.TypeFor[oldcorev1.Container](), "RestartPolicyRules"},
		{reflect.TypeFor[oldcorev1.EnvVarSource](), "FileKeyRef"},
		{reflect.TypeFor[oldcorev1.PodStatus](), "ObservedGeneration"},
		{reflect.TypeFor[oldcorev1.PodCondition](), "ObservedGeneration"},
		{reflect.TypeFor[oldappsv1.DeploymentStatus](), "TerminatingReplicas"},
	} {
		_, ok := f.typ.FieldByName(f.field)
		require.False(t, ok, "the 1.32 type %s has %s", f.typ, f.field)
	}

	t.Run("Pod", func(t *testing.T) {
		pods := typed.For[corev1.Pod, corev1.PodList](rc, ns)
		created, err := pods.Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "skew", Labels: map[string]string{"app": "skew"}}, Spec: skewPodSpec()}, metav1.CreateOptions{})
		require.NoError(t, err)
		require.Equal(t, ptr("skew-host"), created.Spec.HostnameOverride, "the server dropped a field: the test would prove nothing")
		require.Len(t, created.Spec.Containers[0].RestartPolicyRules, 1)
		require.NotNil(t, created.Spec.Containers[0].Env[1].ValueFrom.FileKeyRef)
		created.Status.ObservedGeneration = created.Generation
		created.Status.Conditions = append(created.Status.Conditions, corev1.PodCondition{
			Type: "Ready", Status: "False", Reason: "Starting", ObservedGeneration: created.Generation})
		before, err := pods.UpdateStatus(ctx, created, metav1.UpdateOptions{})
		require.NoError(t, err)
		require.NotZero(t, before.Status.ObservedGeneration, "the server dropped status.observedGeneration")

		old := typed.For[oldcorev1.Pod, oldcorev1.PodList](rc, ns)
		retryOnConflict(t, func() error {
			p, err := old.Get(ctx, "skew", metav1.GetOptions{})
			require.NoError(t, err)
			p.Labels["changed-by"] = "v1.32"
			_, err = old.Update(ctx, p, metav1.UpdateOptions{})
			return err
		})
		retryOnConflict(t, func() error {
			p, err := old.Get(ctx, "skew", metav1.GetOptions{})
			require.NoError(t, err)
			for i := range p.Status.Conditions {
				if p.Status.Conditions[i].Type == "Ready" {
					p.Status.Conditions[i].Message = "changed by v1.32"
				}
			}
			_, err = old.UpdateStatus(ctx, p, metav1.UpdateOptions{})
			return err
		})

		after, err := pods.Get(ctx, "skew", metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, "v1.32", after.Labels["changed-by"])
		assert.Equal(t, before.Spec, after.Spec, "the spec changed")
		assert.Equal(t, before.Status.ObservedGeneration, after.Status.ObservedGeneration)
		ready := condition(after.Status.Conditions, "Ready")
		require.NotNil(t, ready)
		assert.Equal(t, "changed by v1.32", ready.Message)
		assert.Equal(t, condition(before.Status.Conditions, "Ready").ObservedGeneration, ready.ObservedGeneration)
	})

	t.Run("Deployment", func(t *testing.T) {
		deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
		labels := map[string]string{"app": "skew-web"}
		d := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "skew-web", Labels: map[string]string{"app": "skew-web"}},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr(int32(0)),
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: skewPodSpec()},
			},
		}
		created, err := deps.Create(ctx, d, metav1.CreateOptions{})
		require.NoError(t, err)
		require.Equal(t, ptr("skew-host"), created.Spec.Template.Spec.HostnameOverride)
		created.Status.TerminatingReplicas = ptr(int32(2))
		before, err := deps.UpdateStatus(ctx, created, metav1.UpdateOptions{})
		require.NoError(t, err)
		require.NotNil(t, before.Status.TerminatingReplicas, "the server dropped status.terminatingReplicas")

		old := typed.For[oldappsv1.Deployment, oldappsv1.DeploymentList](rc, ns)
		retryOnConflict(t, func() error {
			d, err := old.Get(ctx, "skew-web", metav1.GetOptions{})
			require.NoError(t, err)
			d.Labels["changed-by"] = "v1.32"
			_, err = old.Update(ctx, d, metav1.UpdateOptions{})
			return err
		})
		retryOnConflict(t, func() error {
			d, err := old.Get(ctx, "skew-web", metav1.GetOptions{})
			require.NoError(t, err)
			d.Status.ObservedGeneration = d.Generation
			_, err = old.UpdateStatus(ctx, d, metav1.UpdateOptions{})
			return err
		})

		after, err := deps.Get(ctx, "skew-web", metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, "v1.32", after.Labels["changed-by"])
		assert.Equal(t, before.Spec, after.Spec, "the spec changed")
		assert.Equal(t, before.Status.TerminatingReplicas, after.Status.TerminatingReplicas)
		assert.Equal(t, after.Generation, after.Status.ObservedGeneration)
	})
}

// retryOnConflict runs update until it does not fail with a conflict (a
// controller may write the object meanwhile), at most five times.
func retryOnConflict(t *testing.T, update func() error) {
	t.Helper()
	var err error
	for range 5 {
		if err = update(); !rest.IsConflict(err) {
			break
		}
	}
	require.NoError(t, err)
}

func condition(cs []corev1.PodCondition, typ corev1.PodConditionType) *corev1.PodCondition {
	for i := range cs {
		if cs[i].Type == typ {
			return &cs[i]
		}
	}
	return nil
}
