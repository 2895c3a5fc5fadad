package patch_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/patch"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func ptr[T any](v T) *T { return &v }

func deployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": "web"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "web", "tier": "front"}, Finalizers: []string{"a/one", "a/two"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{Name: "web", Image: "nginx:1.27", Env: []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
							Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: "TCP"}}},
						{Name: "sidecar", Image: "busybox:1", Command: []string{"sleep", "inf"}},
					},
					Volumes: []corev1.Volume{
						{Name: "cache", EmptyDir: &corev1.EmptyDirVolumeSource{}},
						{Name: "old", EmptyDir: &corev1.EmptyDirVolumeSource{}},
					},
				},
			},
		},
	}
}

// The changes a controller makes to a Deployment: each patch type, made
// from the server's object and the changed copy, applied by the fake
// server (which applies all three as kube-apiserver does), gives the
// changed copy.
func TestPatchesApplyToTheirTarget(t *testing.T) {
	ctx := context.Background()
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config())
	require.NoError(t, err)
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, "default")

	changes := map[string]func(d *appsv1.Deployment){
		"replicas and image": func(d *appsv1.Deployment) {
			d.Spec.Replicas = ptr[int32](5)
			d.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
		},
		"env added, changed, removed": func(d *appsv1.Deployment) {
			c := &d.Spec.Template.Spec.Containers[0]
			c.Env = []corev1.EnvVar{{Name: "C", Value: "3"}, {Name: "A", Value: "10"}}
		},
		"container removed and added, order changed": func(d *appsv1.Deployment) {
			cs := d.Spec.Template.Spec.Containers
			d.Spec.Template.Spec.Containers = []corev1.Container{
				{Name: "logger", Image: "fluentbit:3", ImagePullPolicy: "IfNotPresent", TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: "File"},
				cs[0],
			}
		},
		"labels and finalizers": func(d *appsv1.Deployment) {
			d.Labels = map[string]string{"app": "web", "track": "stable"}
			d.Finalizers = []string{"a/two", "a/three"}
		},
		"strategy switched (retainKeys)": func(d *appsv1.Deployment) {
			d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
		},
		"volume source switched, volume removed and added": func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Volumes = []corev1.Volume{
				{Name: "config", ConfigMap: &corev1.ConfigMapVolumeSource{Name: "cfg", DefaultMode: ptr[int32](0o644)}},
				{Name: "cache", HostPath: &corev1.HostPathVolumeSource{Path: "/tmp", Type: ptr(corev1.HostPathType(""))}},
			}
		},
		"port changed, container command dropped": func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080, Protocol: "TCP", Name: "http"}}
			d.Spec.Template.Spec.Containers[1].Command = nil
		},
		"nothing": func(d *appsv1.Deployment) {},
	}
	types := []struct {
		name string
		pt   rest.PatchType
		make func(o, m *appsv1.Deployment) ([]byte, error)
	}{
		{"merge", rest.MergePatch, func(o, m *appsv1.Deployment) ([]byte, error) { return patch.CreateMergePatch(o, m) }},
		{"json", rest.JSONPatch, func(o, m *appsv1.Deployment) ([]byte, error) { return patch.CreateJSONPatch(o, m) }},
		{"smp", rest.StrategicMergePatch, func(o, m *appsv1.Deployment) ([]byte, error) {
			return patch.CreateStrategicMergePatch(o, m, nil)
		}},
	}
	i := 0
	for name, change := range changes {
		for _, pt := range types {
			t.Run(name+"/"+pt.name, func(t *testing.T) {
				i++
				old, err := deps.Create(ctx, deployment("d"+string(rune('a'+i%26))+pt.name+string(rune('a'+i/26))), metav1.CreateOptions{})
				require.NoError(t, err)
				want := old.DeepCopy()
				change(want)
				data, err := pt.make(old, want)
				require.NoError(t, err)
				got, err := deps.Patch(ctx, old.Name, pt.pt, data, metav1.PatchOptions{})
				require.NoError(t, err, "%s", data)
				assert.Equal(t, want.Spec, got.Spec, "%s", data)
				assert.Equal(t, want.Labels, got.Labels, "%s", data)
				assert.Equal(t, want.Finalizers, got.Finalizers, "%s", data)
				if name == "nothing" {
					assert.Equal(t, old.ResourceVersion, got.ResourceVersion)
				}
			})
		}
	}
}

// A dynamic object: the kind is read from its apiVersion and kind.
func TestDynamicStrategicMergePatch(t *testing.T) {
	ctx := context.Background()
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config())
	require.NoError(t, err)
	svcs := dynamic.New(rc, &corev1.ServiceResource, "default")
	var in dynamic.Object
	require.NoError(t, in.UnmarshalJSON([]byte(`{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080},{"name":"metrics","port":9090}]}}`)))
	old, err := svcs.Create(ctx, &in, metav1.CreateOptions{})
	require.NoError(t, err)
	want := old.DeepCopy()
	require.NoError(t, want.SetNested([]any{
		map[string]any{"name": "metrics", "port": int64(9090), "protocol": "TCP", "targetPort": int64(9091)},
		map[string]any{"name": "https", "port": int64(443), "protocol": "TCP", "targetPort": int64(8443)},
	}, "spec", "ports"))
	data, err := patch.CreateStrategicMergePatch(*old, want, nil)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"$setElementOrder/ports":[{"port":9090},{"port":443}]`)
	assert.Contains(t, string(data), `{"$patch":"delete","port":80}`)
	got, err := svcs.Patch(ctx, "s", rest.StrategicMergePatch, data, metav1.PatchOptions{})
	require.NoError(t, err)
	gotPorts, _, _ := got.NestedSlice("spec", "ports")
	wantPorts, _, _ := want.NestedSlice("spec", "ports")
	gj, _ := patch.CreateJSONPatch(gotPorts, wantPorts)
	assert.Equal(t, "[]", string(gj), "ports as wanted")
}
