//go:build integration

package integration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/patch"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// What the server stores for a quantity of a core/v1 resource list is its
// value rounded up to Milli, in canonical form: a ResourceQuota's
// spec.hard comes back from kube-apiserver rewritten as RoundUp(Milli) and
// then Canonical write it.
func TestQuantityCanonicalAsStored(t *testing.T) {
	ctx := testContext(t)
	_, c := typedNamespace(t, "quantities")
	quotas := typed.For[corev1.ResourceQuota, corev1.ResourceQuotaList](c, "quantities")
	inputs := []string{"0", "1", "1.5", "0.5", ".5", "1000", "1500", "1e3", "1.5e3", "1E3", "12e-2", "1.5Gi", "0.5Gi",
		"1.5Ki", "1Ki", "8Ki", "1024Mi", "1536Mi", "1000Ki", "0.1Ki", "1.0001Ki", "100m", "100.0m", "0.1m",
		"0.0000000001", "1.5n", "1000000", "1.5M", "0.001k", "5e-10", "20e1", "1.2e-2", "2.5e1", "123456789n",
		"1000u", "1.500", "+1", "007", "1.", "3Mi", "1500000000000000000000", "9Ei", "0m", "0.0"}
	for i, in := range inputs {
		q := metav1.MustParse(in)
		rq := &corev1.ResourceQuota{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("q%d", i)},
			Spec:       corev1.ResourceQuotaSpec{Hard: map[corev1.ResourceName]metav1.Quantity{"cpu": q}},
		}
		got, err := quotas.Create(ctx, rq, metav1.CreateOptions{})
		require.NoError(t, err, in)
		stored := got.Spec.Hard["cpu"]
		want := q
		want.RoundUp(metav1.Milli)
		assert.Equal(t, want.Canonical().String(), stored.String(), "input %q", in)
	}
	// Arithmetic results are canonical: the server keeps them as they are.
	sum := metav1.MustParse("1Gi")
	sum.Add(metav1.MustParse("512Mi"))
	got, err := quotas.Create(ctx, &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "sum"},
		Spec:       corev1.ResourceQuotaSpec{Hard: map[corev1.ResourceName]metav1.Quantity{"memory": sum}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	stored := got.Spec.Hard["memory"]
	assert.Equal(t, "1536Mi", stored.String())
}

// Patches made by package patch, sent to kube-apiserver, give the changed
// object: strategic merge patches by the schema's merge keys (containers
// by name, env by name, ports by containerPort, volumes by name with
// retainKeys, finalizers with $deleteFromPrimitiveList), merge and JSON
// patches alike.
func TestPatchCreatedAppliesOnServer(t *testing.T) {
	ctx := testContext(t)
	_, c := typedNamespace(t, "patches")
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](c, "patches")
	change := func(d *appsv1.Deployment) {
		d.Spec.Replicas = ptr[int32](3)
		d.Labels = map[string]string{"app": d.Name, "track": "stable"}
		d.Finalizers = []string{"example.com/b", "example.com/c"}
		d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
		ctr := d.Spec.Template.Spec.Containers[0]
		ctr.Image = "nginx:1.28"
		ctr.Env = []corev1.EnvVar{{Name: "C", Value: "3"}, {Name: "A", Value: "10"}}
		ctr.Ports = []corev1.ContainerPort{{ContainerPort: 8080, Protocol: "TCP", Name: "http"}}
		logger := ctr.DeepCopy()
		logger.Name, logger.Image, logger.Env, logger.Ports = "logger", "busybox:1", nil, nil
		d.Spec.Template.Spec.Containers = []corev1.Container{*logger, ctr}
		d.Spec.Template.Spec.Volumes = []corev1.Volume{
			{Name: "cache", HostPath: &corev1.HostPathVolumeSource{Path: "/tmp", Type: ptr(corev1.HostPathType(""))}},
		}
	}
	for _, pt := range []rest.PatchType{rest.StrategicMergePatch, rest.MergePatch, rest.JSONPatch} {
		t.Run(string(pt), func(t *testing.T) {
			d := webDeployment("p-"+strings.Split(string(pt), "/")[1][:4], 1)
			d.Finalizers = []string{"example.com/a", "example.com/b"}
			d.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: "TCP"}}
			d.Spec.Template.Spec.Containers[0].Env = append(d.Spec.Template.Spec.Containers[0].Env, corev1.EnvVar{Name: "B", Value: "2"})
			d.Spec.Template.Spec.Volumes = []corev1.Volume{
				{Name: "cache", EmptyDir: &corev1.EmptyDirVolumeSource{}},
				{Name: "old", EmptyDir: &corev1.EmptyDirVolumeSource{}},
			}
			old, err := deps.Create(ctx, d, metav1.CreateOptions{})
			require.NoError(t, err)
			t.Cleanup(func() {
				cur, err := deps.Get(ctx, old.Name, metav1.GetOptions{})
				if err == nil {
					cur.Finalizers = nil
					deps.Update(ctx, cur, metav1.UpdateOptions{})
				}
			})
			want := old.DeepCopy()
			change(want)
			var data []byte
			switch pt {
			case rest.StrategicMergePatch:
				data, err = patch.CreateStrategicMergePatch(old, want, nil)
			case rest.MergePatch:
				data, err = patch.CreateMergePatch(old, want)
			default:
				data, err = patch.CreateJSONPatch(old, want)
			}
			require.NoError(t, err)
			got, err := deps.Patch(ctx, old.Name, pt, data, metav1.PatchOptions{})
			require.NoError(t, err, "%s", data)
			assert.Equal(t, want.Spec, got.Spec, "%s", data)
			assert.Equal(t, want.Labels, got.Labels)
			assert.Equal(t, want.Finalizers, got.Finalizers)
		})
	}
}
