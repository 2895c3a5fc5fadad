package discovery

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testMapper(t *testing.T) *RESTMapper {
	t.Helper()
	c, _ := newFakeClient(t)
	m, err := c.RESTMapper(t.Context())
	require.NoError(t, err)
	return m
}

func TestResourceFor(t *testing.T) {
	m := testMapper(t)
	for in, want := range map[string]string{
		"po":                          "pods.v1.",
		"pods":                        "pods.v1.",
		"Pod":                         "pods.v1.",
		"POD":                         "pods.v1.",
		"pod":                         "pods.v1.",
		"deploy":                      "deployments.v1.apps",
		"deployment":                  "deployments.v1.apps",
		"Deployments":                 "deployments.v1.apps",
		"deployments.apps":            "deployments.v1.apps",
		"deployments.v1.apps":         "deployments.v1.apps",
		"deploy.apps":                 "deployments.v1.apps",
		"svc":                         "services.v1.",
		"pods.v1":                     "pods.v1.",
		"events":                      "events.v1.",
		"events.events.k8s.io":        "events.v1.events.k8s.io",
		"hpa":                         "horizontalpodautoscalers.v2.autoscaling",
		"hpa.v1.autoscaling":          "horizontalpodautoscalers.v1.autoscaling",
		"wd":                          "widgets.v1.example.com",
		"widget.example.com":          "widgets.v1.example.com",
		"crd":                         "customresourcedefinitions.v1.apiextensions.k8s.io",
		"ingresses.networking.k8s.io": "ingresses.v1.networking.k8s.io",
	} {
		r, err := m.ResourceFor(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, r.String(), in)
		}
	}
}

func TestResourceForErrors(t *testing.T) {
	m := testMapper(t)
	_, err := m.ResourceFor("podz")
	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "pods", nf.Suggestions[0])
	assert.Contains(t, err.Error(), `did you mean "pods"`)

	_, err = m.ResourceFor("deploymnets")
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, nf.Suggestions, "deployments.apps")

	_, err = m.ResourceFor("zzzzzzzzzzzz")
	require.ErrorAs(t, err, &nf)
	assert.Empty(t, nf.Suggestions)
	assert.NotContains(t, err.Error(), "did you mean")

	for _, bad := range []string{"", ".", "..", "pods.v9.nope", "a.b.c.d.e"} {
		_, err = m.ResourceFor(bad)
		assert.True(t, errors.As(err, &nf), bad)
	}
}

func TestAmbiguous(t *testing.T) {
	res := &Resources{Groups: []Group{
		{Name: "a.example.com", PreferredVersion: "v1", Versions: []GroupVersion{{Version: "v1", Resources: []Resource{
			{Group: "a.example.com", Version: "v1", Name: "foos", SingularName: "foo", Kind: "Foo", ShortNames: []string{"fo"}}}}}},
		{Name: "b.example.com", PreferredVersion: "v2", Versions: []GroupVersion{
			{Version: "v1", Resources: []Resource{{Group: "b.example.com", Version: "v1", Name: "foos", SingularName: "foo", Kind: "Foo", ShortNames: []string{"fo"}}}},
			{Version: "v2", Resources: []Resource{{Group: "b.example.com", Version: "v2", Name: "foos", SingularName: "foo", Kind: "Foo", ShortNames: []string{"fo"}}}},
		}},
	}}
	m := NewRESTMapper(res)
	for _, name := range []string{"foos", "fo", "Foo"} {
		_, err := m.ResourceFor(name)
		var ae *AmbiguousError
		require.ErrorAs(t, err, &ae, name)
		require.Len(t, ae.Candidates, 2)
		assert.Equal(t, "foos.v1.a.example.com", ae.Candidates[0].String())
		assert.Equal(t, "foos.v2.b.example.com", ae.Candidates[1].String(), "the preferred version")
		assert.Contains(t, err.Error(), "foos.a.example.com, foos.b.example.com")
	}
	r, err := m.ResourceFor("fo.b.example.com")
	require.NoError(t, err)
	assert.Equal(t, "v2", r.Version)
	r, err = m.ResourceFor("foos.v1.b.example.com")
	require.NoError(t, err)
	assert.Equal(t, "v1", r.Version)
}

func TestResourceForKind(t *testing.T) {
	m := testMapper(t)
	r, err := m.ResourceForKind("apps/v1", "Deployment")
	require.NoError(t, err)
	assert.Equal(t, "deployments", r.Name)
	r, err = m.ResourceForKind("v1", "Namespace")
	require.NoError(t, err)
	assert.False(t, r.Namespaced)
	r, err = m.ResourceForKind("autoscaling/", "HorizontalPodAutoscaler")
	require.NoError(t, err)
	assert.Equal(t, "v2", r.Version)
	r, err = m.ResourceForKind("example.com/v1", "widget")
	require.NoError(t, err, "case-insensitive when nothing matches exactly")
	assert.Equal(t, "widgets", r.Name)

	_, err = m.ResourceForKind("apps/v1", "Deploymnt")
	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "Deployment", nf.Suggestions[0])
	assert.Contains(t, err.Error(), `no matches for kind "Deploymnt" in version "apps/v1"; did you mean "Deployment"`)

	_, err = m.ResourceForKind("apps/v1beta1", "Deployment")
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, []string{"apps/v1"}, nf.ServedIn)
}

func TestDistance(t *testing.T) {
	assert.Equal(t, 0, distance("pods", "pods"))
	assert.Equal(t, 1, distance("podz", "pods"))
	assert.Equal(t, 1, distance("deploymnets", "deployments"))
	assert.Equal(t, 1, distance("ab", "ba"))
	assert.Equal(t, 3, distance("", "abc"))
}
