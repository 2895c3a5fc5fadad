package corev1_test

import (
	"reflect"
	"testing"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/internal/jsonwire"
	"github.com/kubewire/kubewire/typed"
)

// decodePod decodes pod i of the fixture list detached, as informers keep
// objects: strings interned, equal raw values and resource lists shared
// with other pods.
func decodePod(t *testing.T, i int) *corev1.Pod {
	t.Helper()
	var p corev1.Pod
	var r jsonwire.Reader
	r.Reset(fixtures.PodJSON(i))
	p.DecodeWire(&r)
	if err := r.Finish("corev1.Pod"); err != nil {
		t.Fatal(err)
	}
	return &p
}

func mapAddr[M ~map[K]V, K comparable, V any](m M) uintptr { return reflect.ValueOf(m).Pointer() }

// The fixture's pods hold every shape the decoder shares between detached
// values, so the copies below start from memory shared between objects.
func TestDecodedPodsShareMemory(t *testing.T) {
	a, b := decodePod(t, 0), decodePod(t, 1)
	if mapAddr(a.Spec.Containers[0].Resources.Limits) != mapAddr(b.Spec.Containers[0].Resources.Limits) {
		t.Fatal("two pods' equal resource limits are not one shared map: the tests below would not cover it")
	}
	if &a.ManagedFields[1].FieldsV1[0] != &b.ManagedFields[1].FieldsV1[0] {
		t.Fatal("two pods' equal fieldsV1 are not shared bytes: the tests below would not cover them")
	}
}

// Writing to every map, slice, pointer, raw JSON value, quantity and nested
// struct of a copy of a decoded pod leaves the pod, and the pods it shared
// memory with, as they were.
func TestPodDeepCopy(t *testing.T) {
	orig, other := decodePod(t, 0), decodePod(t, 1)
	want, wantOther := decodePod(t, 0), decodePod(t, 1)
	cp := orig.DeepCopy()
	if !reflect.DeepEqual(orig, cp) {
		t.Fatal("the copy differs from the original")
	}
	if s := fixtures.SharedMemory(orig, cp); len(s) > 0 {
		t.Fatalf("the copy shares memory with the original at %v", s)
	}

	// By hand, the fields users write to most.
	cp.Labels["app"] = "changed"
	cp.Labels["new"] = "label"
	cp.Annotations["prometheus.io/port"] = "1"
	cp.Finalizers = append(cp.Finalizers, "example.com/f")
	cp.OwnerReferences[0].Name = "other-rs"
	*cp.OwnerReferences[0].Controller = false
	*cp.OwnerReferences[0].BlockOwnerDeletion = false
	cp.ManagedFields[0].FieldsV1[2] = 'X'
	cp.ManagedFields[1].FieldsV1[2] = 'X' // shared with every pod when decoded
	cp.ManagedFields[0].Time.Time = cp.ManagedFields[0].Time.AddDate(1, 0, 0)
	c := &cp.Spec.Containers[0]
	c.Resources.Limits["cpu"] = metav1.MustParse("4") // a shared resource list
	c.Resources.Requests["memory"] = metav1.MustParse("1Gi")
	cp.Spec.Containers[1].Resources.Limits["memory"] = metav1.MustParse("1Mi") // the same map in the original
	c.Env[0].ValueFrom.FieldRef.FieldPath = "metadata.name"
	c.Env = append(c.Env[:1], corev1.EnvVar{Name: "X", Value: "y"})
	c.Ports[0].ContainerPort = 1
	c.VolumeMounts[0].MountPath = "/changed"
	c.ReadinessProbe.HTTPGet.Path = "/changed"
	c.ReadinessProbe.HTTPGet.Port = metav1.FromString("http")
	c.LivenessProbe.PeriodSeconds = 99
	*c.SecurityContext.ReadOnlyRootFilesystem = false
	cp.Spec.Volumes[1].Projected.Sources[1].ConfigMap.Items[0].Key = "changed"
	*cp.Spec.Volumes[0].ConfigMap.DefaultMode = 0
	*cp.Spec.SecurityContext.RunAsNonRoot = false
	*cp.Spec.Tolerations[0].TolerationSeconds = 1
	*cp.Spec.TerminationGracePeriodSeconds = 1
	cp.Status.Conditions[0].Status = "False"
	cp.Status.Conditions[0].LastTransitionTime = metav1.Now()
	cp.Status.ContainerStatuses[0].State.Running.StartedAt = metav1.Now()
	*cp.Status.ContainerStatuses[0].Started = false
	cp.Status.PodIPs[0].IP = "1.2.3.4"
	cp.Status.StartTime.Time = cp.Status.StartTime.AddDate(1, 0, 0)
	if !reflect.DeepEqual(orig, want) || !reflect.DeepEqual(other, wantOther) {
		t.Fatal("writing to the copy changed the original or a pod it shared memory with")
	}

	// Then everything, through reflection.
	cp = orig.DeepCopy()
	fixtures.Mutate(cp)
	if reflect.DeepEqual(cp, want) {
		t.Fatal("Mutate changed nothing")
	}
	if !reflect.DeepEqual(orig, want) || !reflect.DeepEqual(other, wantOther) {
		t.Fatal("writing to the copy changed the original or a pod it shared memory with")
	}

	// And the other way round: the original written, the copy unchanged.
	// A detached pod's shared resource lists and raw values must not be
	// written in place, so this original is decoded on its own.
	var owned corev1.Pod
	if err := owned.UnmarshalJSON(fixtures.PodJSON(0)); err != nil {
		t.Fatal(err)
	}
	cp = owned.DeepCopy()
	fixtures.Mutate(&owned)
	if !reflect.DeepEqual(cp, want) {
		t.Fatal("writing to the original changed the copy")
	}
}

// Pods decoded by List's path (typed.DecodeList: owned buffers, structs
// carved from slabs) copy apart from each other and from the list.
func TestPodListDeepCopy(t *testing.T) {
	data := fixtures.PodListJSON(20)
	var l corev1.PodList
	if err := typed.DecodeList[corev1.Pod](data, &l); err != nil {
		t.Fatal(err)
	}
	var want corev1.PodList
	if err := typed.DecodeList[corev1.Pod](fixtures.PodListJSON(20), &want); err != nil {
		t.Fatal(err)
	}
	cp := l.DeepCopy()
	if !reflect.DeepEqual(&l, cp) {
		t.Fatal("the copy differs from the list")
	}
	if s := fixtures.SharedMemory(&l, cp); len(s) > 0 {
		t.Fatalf("the copy shares memory with the list at %v", s)
	}
	fixtures.Mutate(cp)
	if !reflect.DeepEqual(&l, &want) {
		t.Fatal("writing to the copy changed the list")
	}
	one := l.Items[3].DeepCopy()
	fixtures.Mutate(&l)
	if !reflect.DeepEqual(one, &want.Items[3]) {
		t.Fatal("writing to the list changed a pod copied from it")
	}
}

// DeepCopy keeps nil as nil and empty as empty.
func TestPodDeepCopyNilAndEmpty(t *testing.T) {
	var nilPod *corev1.Pod
	if nilPod.DeepCopy() != nil {
		t.Fatal("DeepCopy of a nil pod is not nil")
	}
	p := &corev1.Pod{}
	p.Labels = map[string]string{}
	p.Spec.Containers = []corev1.Container{{Args: []string{}, Resources: corev1.ResourceRequirements{Limits: map[corev1.ResourceName]metav1.Quantity{}}}}
	p.ManagedFields = []metav1.ManagedFieldsEntry{{FieldsV1: metav1.RawJSON{}}}
	cp := p.DeepCopy()
	if cp.Labels == nil || len(cp.Labels) != 0 || cp.Annotations != nil {
		t.Fatalf("labels %#v, annotations %#v", cp.Labels, cp.Annotations)
	}
	c := cp.Spec.Containers[0]
	if c.Args == nil || c.Command != nil || c.Resources.Limits == nil || c.Resources.Requests != nil {
		t.Fatalf("container %#v", c)
	}
	if cp.ManagedFields[0].FieldsV1 == nil || cp.Spec.Volumes != nil || cp.Status.StartTime != nil {
		t.Fatal("an empty raw value, a nil slice or a nil pointer changed")
	}
}
