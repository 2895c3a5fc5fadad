package dynamic

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
)

func configMap(name string) Object {
	o := Object{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"k": "v"}}
	o.SetName(name)
	return o
}

// applyValidations returns the fieldValidation parameter of every apply
// patch the server received.
func applyValidations(reqs []fake.Request) []string {
	var out []string
	for _, r := range reqs {
		if r.Method == "PATCH" && r.ContentType == "application/apply-patch+yaml" {
			out = append(out, r.Query.Get("fieldValidation"))
		}
	}
	return out
}

func TestApplyFieldValidation(t *testing.T) {
	ctx := t.Context()
	rc, dc, srv := newFake(t)
	a := NewApplier(rc, dc, "test")
	_, err := a.Apply(ctx, []Object{configMap("a")})
	require.NoError(t, err)
	assert.Equal(t, []string{"Strict"}, applyValidations(srv.Requests()), "Strict by default, as kubectl")

	srv.ResetRequests()
	a = NewApplier(rc, dc, "test", WithFieldValidation(metav1.FieldValidationWarn))
	_, err = a.Apply(ctx, []Object{configMap("a")})
	require.NoError(t, err)
	assert.Equal(t, []string{"Warn"}, applyValidations(srv.Requests()))
}

func TestApplyGoesOnAfterAFailure(t *testing.T) {
	ctx := t.Context()
	rc, dc, _ := newFake(t)
	ms, err := DecodeManifestSources("mixed.yaml", []byte(`apiVersion: nope.example.com/v1
kind: Thing
metadata:
  name: unserved
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: Not_A_DNS_Name
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: last
`))
	require.NoError(t, err)
	a := NewApplier(rc, dc, "test")
	res, err := a.ApplyManifests(ctx, ms)
	var names []string
	for _, r := range res {
		names = append(names, r.String())
	}
	assert.Equal(t, []string{"configmap/after serverside-applied", "configmap/last serverside-applied"}, names)
	var errs *ApplyErrors
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs.Errors, 2, err.Error())
	assert.Equal(t, "Thing/unserved", errs.Errors[0].Object)
	assert.Equal(t, "mixed.yaml", errs.Errors[0].Source)
	var nf *discovery.NotFoundError
	assert.ErrorAs(t, errs.Errors[0], &nf)
	assert.Equal(t, "ConfigMap/Not_A_DNS_Name", errs.Errors[1].Object)
	assert.True(t, rest.IsInvalid(errs.Errors[1]), "%v", errs.Errors[1])
	assert.Contains(t, err.Error(), `applying Thing/unserved from "mixed.yaml": `)
	var one *ApplyError
	assert.ErrorAs(t, err, &one, "errors.As finds each object's error")

	// StopOnError: nothing after the first failure is sent.
	a = NewApplier(rc, dc, "test", WithStopOnError())
	ms[1].Object.SetName("not-sent")
	res, err = a.ApplyManifests(ctx, ms)
	assert.Empty(t, res)
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs.Errors, 1)
	assert.Equal(t, "Thing/unserved", errs.Errors[0].Object)
	c := New(rc, &metav1.Resource{Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Namespaced: true}, "default")
	_, err = c.Get(ctx, "not-sent", metav1.GetOptions{})
	assert.True(t, rest.IsNotFound(err), "%v", err)
}

func TestApplyMapsTheKindFirst(t *testing.T) {
	ctx := t.Context()
	rc, dc, _ := newFake(t)
	for _, doc := range []string{
		"apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n",
		"apiVersion: apiserver.k8s.io/v1beta1\nkind: EgressSelectorConfiguration\negressSelections: []\n",
		"apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n",
	} {
		objs, err := DecodeManifests("config.yaml", []byte(doc))
		require.NoError(t, err)
		_, err = NewApplier(rc, dc, "test").Apply(ctx, objs)
		var nf *discovery.NotFoundError
		require.ErrorAs(t, err, &nf, doc)
		assert.Equal(t, objs[0].GetKind(), nf.Name)
		assert.Equal(t, objs[0].GetAPIVersion(), nf.APIVersion)
		assert.NotContains(t, err.Error(), "metadata.name", doc)
	}
	// A served kind with no name still names the missing name.
	_, err := NewApplier(rc, dc, "test").Apply(ctx, []Object{{"apiVersion": "v1", "kind": "ConfigMap"}})
	assert.ErrorContains(t, err, "metadata.name is required")
}

func TestManifestSources(t *testing.T) {
	ms, err := DecodeManifestSources("s.yaml", []byte(`# c
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c}
`))
	require.NoError(t, err)
	var got [][3]any
	for _, m := range ms {
		got = append(got, [3]any{m.Object.GetName(), m.Index, m.Line})
		assert.Equal(t, "s.yaml", m.Source)
	}
	assert.Equal(t, [][3]any{{"a", 0, 2}, {"b", 1, 9}, {"c", 1, 12}}, got)
	assert.Equal(t, []string{"a", "b", "c"}, []string{Objects(ms)[0].GetName(), Objects(ms)[1].GetName(), Objects(ms)[2].GetName()})
}
