package metav1_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
)

// website is a custom resource's Go type without a descriptor: its
// apiVersion and kind come from its TypeMeta.
type website struct {
	metav1.TypeMeta
	metav1.ObjectMeta
}

func TestSetControllerReference(t *testing.T) {
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "u-dep"}}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "ns"}}
	require.NoError(t, metav1.SetControllerReference(dep, cm))
	yes := true
	want := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "u-dep", Controller: &yes, BlockOwnerDeletion: &yes}
	assert.Equal(t, []metav1.OwnerReference{want}, cm.OwnerReferences)
	assert.True(t, metav1.IsControlledBy(cm, dep))
	assert.Equal(t, &want, metav1.GetControllerOf(cm))

	// Again, with a new UID (the owner was recreated): replaced, not added.
	dep.UID = "u-dep2"
	require.NoError(t, metav1.SetControllerReference(dep, cm))
	require.Len(t, cm.OwnerReferences, 1)
	assert.Equal(t, "u-dep2", cm.OwnerReferences[0].UID)

	// A second controller is refused, naming both.
	site := &website{TypeMeta: metav1.TypeMeta{APIVersion: "examples.kubewire.dev/v1", Kind: "Website"}, ObjectMeta: metav1.ObjectMeta{Name: "site", Namespace: "ns", UID: "u-site"}}
	err := metav1.SetControllerReference(site, cm)
	var owned *metav1.AlreadyOwnedError
	require.ErrorAs(t, err, &owned)
	assert.Equal(t, "ns/cm", owned.Object)
	assert.Equal(t, "web", owned.Owner.Name)
	assert.Equal(t, "Website", owned.New.Kind)
	assert.Contains(t, err.Error(), "Deployment web")
	assert.Contains(t, err.Error(), "Website site")
	assert.False(t, metav1.IsControlledBy(cm, site))

	// A plain owner reference beside the controller, from TypeMeta.
	require.NoError(t, metav1.SetOwnerReference(site, cm))
	require.Len(t, cm.OwnerReferences, 2)
	assert.Equal(t, metav1.OwnerReference{APIVersion: "examples.kubewire.dev/v1", Kind: "Website", Name: "site", UID: "u-site"}, cm.OwnerReferences[1])
	// SetOwnerReference on the controller keeps its flags.
	require.NoError(t, metav1.SetOwnerReference(dep, cm))
	assert.True(t, metav1.IsControlledBy(cm, dep))
}

func TestOwnerReferenceErrors(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "ns"}}
	tests := []struct {
		name   string
		owner  metav1.OwnerObject
		object metav1.OwnedObject
		reason string
	}{
		{"no kind", &website{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns", UID: "u"}}, cm, "apiVersion and kind are unknown"},
		{"not created", &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns"}}, cm, "no uid"},
		{"other namespace", &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "other", UID: "u"}}, cm, "across namespaces"},
		{"cluster-scoped object", &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "u"}}, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "n"}}, "cluster-scoped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, set := range []func(metav1.OwnerObject, metav1.OwnedObject) error{metav1.SetControllerReference, metav1.SetOwnerReference} {
				err := set(tt.owner, tt.object)
				var inv *metav1.InvalidOwnerError
				require.True(t, errors.As(err, &inv), "%v", err)
				assert.Contains(t, inv.Reason, tt.reason)
				assert.Empty(t, tt.object.GetOwnerReferences())
			}
		})
	}
	// A cluster-scoped owner may own a namespaced object.
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "n", UID: "u-ns"}}
	require.NoError(t, metav1.SetControllerReference(ns, cm))
	assert.Equal(t, "Namespace", cm.OwnerReferences[0].Kind)
	assert.Equal(t, "v1", cm.OwnerReferences[0].APIVersion)
}
