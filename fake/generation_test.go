package fake

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What kube-apiserver v1.37.2 answers: pods track metadata.generation (1
// on create, bumped by a spec change and by the graceful delete that marks
// them), and so do pod templates and endpoint slices, whose label changes
// count too.

func TestPodGeneration(t *testing.T) {
	srv := NewServer(t)
	pods := "/api/v1/namespaces/default/pods"
	r := call(t, srv, "POST", pods, ctJSON, `{"metadata":{"name":"p"},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"busybox"}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "1", r.str("metadata", "generation"))
	r = call(t, srv, "PATCH", pods+"/p", ctMergePatch, `{"metadata":{"labels":{"a":"b"}}}`)
	assert.Equal(t, "1", r.str("metadata", "generation"), "labels are not spec")
	r = call(t, srv, "PATCH", pods+"/p/status", ctMergePatch, `{"status":{"phase":"Running"},"spec":{"activeDeadlineSeconds":5}}`)
	assert.Equal(t, "1", r.str("metadata", "generation"), "pods/status keeps the spec")
	r = call(t, srv, "PATCH", pods+"/p", ctSMP, `{"spec":{"containers":[{"name":"c","image":"busybox:2"}]}}`)
	assert.Equal(t, "2", r.str("metadata", "generation"))
	r = call(t, srv, "DELETE", pods+"/p", "", "")
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "3", r.str("metadata", "generation"), "marking for deletion bumps it")
}

func TestGenerationOfTemplatesAndSlices(t *testing.T) {
	srv := NewServer(t)
	pts := "/api/v1/namespaces/default/podtemplates"
	r := call(t, srv, "POST", pts, ctJSON, `{"metadata":{"name":"pt"},"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "1", r.str("metadata", "generation"))
	assert.Equal(t, "2", call(t, srv, "PATCH", pts+"/pt", ctSMP, `{"template":{"spec":{"containers":[{"name":"c","image":"busybox:2"}]}}}`).str("metadata", "generation"))

	eps := "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"
	r = call(t, srv, "POST", eps, ctJSON, `{"metadata":{"name":"es"},"addressType":"IPv4","endpoints":[]}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "1", r.str("metadata", "generation"))
	assert.Equal(t, "2", call(t, srv, "PATCH", eps+"/es", ctMergePatch, `{"metadata":{"labels":{"x":"y"}}}`).str("metadata", "generation"))
	assert.Equal(t, "2", call(t, srv, "PATCH", eps+"/es", ctMergePatch, `{"metadata":{"annotations":{"x":"y"}}}`).str("metadata", "generation"))
	assert.Equal(t, "3", call(t, srv, "PATCH", eps+"/es", ctMergePatch, `{"ports":[{"name":"a","port":80}]}`).str("metadata", "generation"))
}

// An embedded ObjectMeta (a pod template's metadata) has no
// creationTimestamp in 1.37 answers, not even null; a null one a manifest
// applies is still recorded in managedFields, and makes a second manager
// applying it conflict.
func TestTemplateMetadata(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/api/v1/namespaces/default/podtemplates", ctJSON,
		`{"metadata":{"name":"pt"},"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "{}", r.str("template", "metadata"))

	deps := "/apis/apps/v1/namespaces/default/deployments"
	d := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","creationTimestamp":null},"spec":{"selector":{"matchLabels":{"app":"d"}},` +
		`"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}`
	r = call(t, srv, "PATCH", deps+"/a?fieldManager=m", ctApply, d)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, `{"labels":{"app":"d"}}`, r.str("spec", "template", "metadata"))
	assert.Contains(t, r.str("metadata", "managedFields"), `"f:metadata":{"f:creationTimestamp":{},"f:labels":{"f:app":{}}}`)
	r = call(t, srv, "PATCH", deps+"/a?fieldManager=m2", ctApply, d)
	require.Equal(t, 409, r.code, r.raw)
	assert.Equal(t, `Apply failed with 1 conflict: conflict with "m": .spec.template.metadata.creationTimestamp`, r.str("message"))

	r = call(t, srv, "POST", deps, ctJSON, `{"metadata":{"name":"b"},"spec":{"selector":{"matchLabels":{"app":"d"}},`+
		`"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.NotContains(t, r.raw, "creationTimestamp\":null")
	assert.NotContains(t, r.str("metadata", "managedFields"), "f:creationTimestamp", "an update records only what the stored object holds")
}

// A CRD updated without a change keeps its conditions' transition times, so
// the update is a no-op (its resourceVersion stays) however much later it
// comes.
func TestCRDStatusKeepsTransitionTimes(t *testing.T) {
	old := obj{"status": obj{"conditions": []any{
		obj{"type": "NamesAccepted", "status": "True", "lastTransitionTime": "2020-01-01T00:00:00Z"},
		obj{"type": "Established", "status": "True", "lastTransitionTime": "2020-01-01T00:00:01Z"},
	}}}
	o := obj{"spec": obj{"names": obj{"kind": "Widget"}}}
	setCRDStatus(o, old)
	conds := asList(nested(o, "status", "conditions"))
	require.Len(t, conds, 2)
	assert.Equal(t, "2020-01-01T00:00:00Z", conds[0].(obj)["lastTransitionTime"])
	assert.Equal(t, "2020-01-01T00:00:01Z", conds[1].(obj)["lastTransitionTime"])
	before := time.Now().Truncate(time.Second)
	setCRDStatus(o, nil)
	got, err := time.Parse(time.RFC3339, asList(nested(o, "status", "conditions"))[0].(obj)["lastTransitionTime"].(string))
	require.NoError(t, err)
	assert.False(t, got.Before(before), "a new CRD's conditions are stamped now: %v, before %v", got, before)
	assert.False(t, got.After(time.Now()), "a new CRD's conditions are stamped now: %v", got)
}
