package apischema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookup(t *testing.T) {
	p := Lookup("", "v1", "pods")
	require.NotNil(t, p)
	assert.Equal(t, "Pod", p.Kind)
	assert.Equal(t, "pod", p.Singular)
	assert.True(t, p.Namespaced)
	assert.True(t, p.HasVerb("watch"))
	assert.True(t, p.HasSubresource("status"))
	assert.Equal(t, []string{"po"}, p.ShortNames())
	assert.Equal(t, []string{"all"}, p.Categories())

	d := Lookup("apps", "v1", "deployments")
	require.NotNil(t, d)
	s := d.Subresource("scale")
	require.NotNil(t, s)
	assert.Equal(t, "autoscaling", s.Group)
	assert.Equal(t, "Scale", s.Kind)

	ns := Lookup("", "v1", "namespaces")
	require.NotNil(t, ns)
	assert.False(t, ns.Namespaced)
	assert.False(t, ns.HasVerb("deletecollection"))
	assert.Nil(t, Lookup("", "v1", "nope"))
	assert.Nil(t, Lookup("zzz", "v1", "pods"))
}

func TestPatchMeta(t *testing.T) {
	f, ok := FieldAt("apps", "v1", "Deployment", "spec.template.spec.containers")
	require.True(t, ok)
	assert.True(t, f.List)
	assert.Equal(t, "merge", f.PatchStrategy)
	assert.Equal(t, "name", f.PatchMergeKey)
	assert.Equal(t, "map", f.ListType)

	f, ok = FieldAt("", "v1", "Pod", "spec.containers[].ports")
	require.True(t, ok)
	assert.Equal(t, "containerPort", f.PatchMergeKey)
	assert.Equal(t, []string{"containerPort", "protocol"}, f.ListMapKeys)

	f, ok = FieldAt("apps", "v1", "Deployment", "spec.strategy")
	require.True(t, ok)
	assert.True(t, f.HasStrategy("retainKeys"))

	f, ok = FieldAt("", "v1", "ConfigMap", "metadata.finalizers")
	require.True(t, ok)
	assert.True(t, f.HasStrategy("merge"))

	_, ok = FieldAt("", "v1", "Pod", "spec.nodeName")
	assert.False(t, ok)
	_, ok = FieldAt("", "v1", "Nope", "spec")
	assert.False(t, ok)
}

func TestCompareVersions(t *testing.T) {
	order := []string{"v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha3", "v1alpha1", "foo", "zed"}
	for i := 0; i+1 < len(order); i++ {
		assert.Positive(t, CompareVersions(order[i], order[i+1]), "%s > %s", order[i], order[i+1])
		assert.Negative(t, CompareVersions(order[i+1], order[i]))
	}
	assert.Equal(t, []string{"v2", "v1"}, PreferredVersions()["autoscaling"])
}
