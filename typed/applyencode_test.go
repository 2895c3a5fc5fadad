package typed_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
	"github.com/kubewire/kubewire/typed"
)

func ptr[V any](v V) *V { return &v }

// webDeployment is a partly filled Deployment, as a user writes one to
// apply.
func webDeployment() *appsv1.Deployment {
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns1", Labels: map[string]string{"app": "web"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(3)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.27"}}},
			},
		},
	}
}

func applyJSON(t *testing.T, e jsonwire.Encoder, explicit ...any) string {
	t.Helper()
	b, missed, err := jsonwire.MarshalApply(e, explicit)
	require.NoError(t, err)
	require.Empty(t, missed)
	return string(b)
}

// A partly filled object is applied as exactly what was set: no empty
// strategy, resources or status, no creationTimestamp, no null containers
// of an unset list; the normal encoding keeps all of them but the zero
// creationTimestamp, which it leaves out too (omitzero, as in Kubernetes
// 1.37's ObjectMeta).
func TestApplyEncodingPartlyFilledDeployment(t *testing.T) {
	d := webDeployment()
	assert.Equal(t, `{"kind":"Deployment","apiVersion":"apps/v1",`+
		`"metadata":{"name":"web","namespace":"ns1","labels":{"app":"web"}},`+
		`"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},`+
		`"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}`,
		applyJSON(t, d))

	normal, err := codec.Marshal(d)
	require.NoError(t, err)
	for _, s := range []string{`"strategy":{}`, `"resources":{}`, `"status":{}`} {
		assert.Contains(t, string(normal), s, "the normal encoding is encoding/json's")
	}
	assert.NotContains(t, string(normal), "creationTimestamp", "the normal encoding is encoding/json's")
}

// Explicit fields are written with their zero value; the ones not named stay
// out.
func TestApplyEncodingExplicitZero(t *testing.T) {
	d := webDeployment()
	d.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80}}
	got := applyJSON(t, d, &d.Spec.Paused, &d.Spec.MinReadySeconds, &d.Spec.Strategy,
		&d.Spec.Template.Spec.Containers[0].Ports[0].HostPort, &d.Spec.Template.Spec.Containers[0].Ports[0].Name)
	assert.Contains(t, got, `"strategy":{},"minReadySeconds":0,"paused":false}`)
	assert.Contains(t, got, `"strategy":{}`)
	assert.Contains(t, got, `"ports":[{"name":"","hostPort":0,"containerPort":80}]`)
	assert.NotContains(t, got, `"status"`)

	// An explicit field that is set is found too.
	d.Spec.Paused = true
	assert.Contains(t, applyJSON(t, d, &d.Spec.Paused), `"paused":true`)
}

// A pointer that is set is written even when it points to a zero value, and
// a slice or map that is not nil even when empty: the caller set them.
func TestApplyEncodingSetPointersAndEmptyLists(t *testing.T) {
	p := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "p", Annotations: map[string]string{}},
		Spec: corev1.PodSpec{
			Containers:      []corev1.Container{{Name: "c", Args: []string{}, SecurityContext: &corev1.SecurityContext{}}},
			Volumes:         []corev1.Volume{{Name: "scratch", EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(false)},
		},
	}
	assert.Equal(t, `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","annotations":{}},`+
		`"spec":{"volumes":[{"name":"scratch","emptyDir":{}}],"containers":[{"name":"c","args":[],"securityContext":{}}],`+
		`"securityContext":{"runAsNonRoot":false}}}`, applyJSON(t, p))
}

// Scalars held in structs (IntOrString, Quantity, Time) are left out when
// zero and written when explicit.
func TestApplyEncodingScalarStructs(t *testing.T) {
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: "s"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}, {Port: 81, TargetPort: metav1.FromString("http")}}},
	}
	assert.Equal(t, `{"kind":"Service","apiVersion":"v1","metadata":{"name":"s"},"spec":{"ports":[{"port":80},{"port":81,"targetPort":"http"}]}}`,
		applyJSON(t, svc))
	assert.Contains(t, applyJSON(t, svc, &svc.Spec.Ports[0].TargetPort), `{"port":80,"targetPort":0}`)
	assert.Contains(t, applyJSON(t, svc, &svc.CreationTimestamp), `"metadata":{"name":"s","creationTimestamp":null}`)
}

// An apply body larger than the chunk size of the normal encoding is
// written in one piece, so fields found empty can still be taken back.
func TestApplyEncodingLargeObject(t *testing.T) {
	cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Name: "big"}, Data: map[string]string{}}
	for i := range 200 {
		cm.Data[strings.Repeat("k", 3)+string(rune('a'+i%26))+strings.Repeat("x", i)] = strings.Repeat("v", 1000)
	}
	normal, err := codec.Marshal(cm)
	require.NoError(t, err)
	require.Greater(t, len(normal), 2*codec.SpillSize)
	// Everything set is written by both; the zero creationTimestamp by neither.
	assert.Equal(t, string(normal), applyJSON(t, cm))
}

// Entries of Explicit that name no field the encoding could leave out are
// reported by index, with what is wrong.
func TestApplyExplicitErrors(t *testing.T) {
	d := webDeployment()
	cp := *d
	_, missed, err := jsonwire.MarshalApply(d, []any{&d.Spec.Paused, &cp.Spec.Paused, &d.Spec.Replicas, d.Spec.Paused, nil, (*bool)(nil)})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, missed)

	c := typed.For[appsv1.Deployment, appsv1.DeploymentList](nil, "ns1")
	check := func(config any, explicit []any, index int, reason string) {
		t.Helper()
		_, err := c.Apply(t.Context(), "web", config, metav1.ApplyOptions{FieldManager: "me", Explicit: explicit})
		var ee *typed.ExplicitFieldError
		require.True(t, errors.As(err, &ee), "%v", err)
		assert.Equal(t, "Deployment", ee.Kind)
		assert.Equal(t, index, ee.Index)
		assert.Contains(t, ee.Reason, reason)
		assert.Contains(t, err.Error(), "ApplyOptions.Explicit[")
	}
	check(d, []any{&d.Spec.Paused, &cp.Spec.Paused}, 1, "does not point to a non-pointer field")
	check(d, []any{&d.Spec.Replicas}, 0, "pointer, slice and map fields are sent whenever")
	check(d, []any{d.Spec.Paused}, 0, "is not a non-nil pointer")
	check(*d, []any{&d.Spec.Paused}, 0, "does not point") // a copy is applied
	check([]byte(`{}`), []any{&d.Spec.Paused}, 0, "raw bytes")
	check(map[string]any{"kind": "Deployment"}, []any{&d.Spec.Paused}, 0, "no generated encoder")
}
