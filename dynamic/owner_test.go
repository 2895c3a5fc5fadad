package dynamic_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/dynamic"
)

// Dynamic objects own and are owned through metav1's owner reference
// helpers: the owner's apiVersion and kind come from its own fields.
func TestDynamicOwnerReferences(t *testing.T) {
	var site, cm dynamic.Object
	require.NoError(t, site.UnmarshalJSON([]byte(`{"apiVersion":"examples.kubewire.dev/v1","kind":"Website","metadata":{"name":"s","namespace":"ns","uid":"u-s"}}`)))
	require.NoError(t, cm.UnmarshalJSON([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns"}}`)))
	require.NoError(t, metav1.SetControllerReference(site, &cm))
	refs := cm.GetOwnerReferences()
	require.Len(t, refs, 1)
	assert.Equal(t, "examples.kubewire.dev/v1", refs[0].APIVersion)
	assert.Equal(t, "Website", refs[0].Kind)
	assert.True(t, metav1.IsControlledBy(&cm, site))

	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "ns", UID: "u-d"}}
	var owned *metav1.AlreadyOwnedError
	assert.ErrorAs(t, metav1.SetControllerReference(dep, &cm), &owned)
	require.NoError(t, metav1.SetOwnerReference(dep, &cm))
	assert.Len(t, cm.GetOwnerReferences(), 2)
}
