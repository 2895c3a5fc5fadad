package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ctMergeP = "application/merge-patch+json"

func TestScaleSubresource(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", gcDeps, ctJSON, `{"metadata":{"name":"s"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"s"},"matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]},{"key":"env","operator":"Exists"},{"key":"old","operator":"DoesNotExist"}]},"template":{"metadata":{"labels":{"app":"s","tier":"a","env":"x"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	sc := call(t, srv, "GET", gcDeps+"/s/scale", "", "")
	require.Equal(t, 200, sc.code, sc.raw)
	assert.Equal(t, "2", sc.str("spec", "replicas"))
	assert.Equal(t, "app=s,env,!old,tier in (a,b)", sc.str("status", "selector"))
	assert.Equal(t, "0", sc.str("status", "replicas"))

	up := call(t, srv, "PUT", gcDeps+"/s/scale?fieldManager=hpa", ctJSON, `{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"s"},"spec":{"replicas":5}}`)
	require.Equal(t, 200, up.code, up.raw)
	assert.Equal(t, "5", up.str("spec", "replicas"))
	d := call(t, srv, "GET", gcDeps+"/s", "", "")
	assert.Equal(t, "5", d.str("spec", "replicas"))
	assert.Equal(t, "2", d.str("metadata", "generation"))
	assert.Contains(t, d.str("metadata", "managedFields"), `"manager":"hpa","operation":"Update","subresource":"scale"`)

	stale := call(t, srv, "PUT", gcDeps+"/s/scale", ctJSON, `{"metadata":{"name":"s","resourceVersion":"`+r.str("metadata", "resourceVersion")+`"},"spec":{"replicas":1}}`)
	assert.Equal(t, 409, stale.code, stale.raw)
	neg := call(t, srv, "PUT", gcDeps+"/s/scale", ctJSON, `{"metadata":{"name":"s"},"spec":{"replicas":-1}}`)
	assert.Equal(t, 422, neg.code)
	assert.Equal(t, `Scale.autoscaling "s" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`, neg.str("message"))
	assert.Equal(t, 400, call(t, srv, "PUT", gcDeps+"/s/scale", ctJSON, `{"metadata":{"name":"x"},"spec":{"replicas":1}}`).code)
	assert.Equal(t, 404, call(t, srv, "PUT", gcDeps+"/nope/scale", ctJSON, `{"metadata":{"name":"nope"},"spec":{"replicas":1}}`).code)
	zero := call(t, srv, "PATCH", gcDeps+"/s/scale", ctMergeP, `{"spec":{"replicas":0}}`)
	require.Equal(t, 200, zero.code, zero.raw)
	assert.Equal(t, `{}`, zero.str("spec"), "replicas 0 is left out of a Scale")
	jp := call(t, srv, "PATCH", gcDeps+"/s/scale", "application/json-patch+json", `[{"op":"replace","path":"/spec/replicas","value":3}]`)
	require.Equal(t, 200, jp.code, jp.raw)
	assert.Equal(t, "3", jp.str("spec", "replicas"))

	// A ReplicationController's selector is a map.
	rc := call(t, srv, "POST", "/api/v1/namespaces/default/replicationcontrollers", ctJSON, `{"metadata":{"name":"c"},"spec":{"selector":{"b":"2","a":"1"},"template":{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, rc.code, rc.raw)
	sc = call(t, srv, "GET", "/api/v1/namespaces/default/replicationcontrollers/c/scale", "", "")
	assert.Equal(t, "a=1,b=2", sc.str("status", "selector"))
	assert.Equal(t, "1", sc.str("spec", "replicas"), "unset replicas default to 1")
}

func TestScaleCustomResource(t *testing.T) {
	srv := NewServer(t)
	crd := `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"scalers.ex.com"},"spec":{"group":"ex.com","scope":"Namespaced","names":{"plural":"scalers","kind":"Scaler"},
"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
"subresources":{"status":{},"scale":{"specReplicasPath":".spec.size","statusReplicasPath":".status.count","labelSelectorPath":".status.sel"}}}]}}`
	require.Equal(t, 201, call(t, srv, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ctJSON, crd).code)
	crs := "/apis/ex.com/v1/namespaces/default/scalers"
	cr := call(t, srv, "POST", crs, ctJSON, `{"apiVersion":"ex.com/v1","kind":"Scaler","metadata":{"name":"w"},"spec":{"size":2}}`)
	require.Equal(t, 201, cr.code, cr.raw)
	st := call(t, srv, "PATCH", crs+"/w/status", ctMergeP, `{"status":{"count":1,"sel":"app=w"}}`)
	require.Equal(t, 200, st.code, st.raw)
	sc := call(t, srv, "GET", crs+"/w/scale", "", "")
	assert.Equal(t, "2", sc.str("spec", "replicas"))
	assert.Equal(t, "1", sc.str("status", "replicas"))
	assert.Equal(t, "app=w", sc.str("status", "selector"))
	up := call(t, srv, "PUT", crs+"/w/scale", ctJSON, `{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"w","resourceVersion":"`+st.str("metadata", "resourceVersion")+`"},"spec":{"replicas":7}}`)
	require.Equal(t, 200, up.code, up.raw)
	assert.Equal(t, "7", call(t, srv, "GET", crs+"/w", "", "").str("spec", "size"))
}

// runningPod creates a pod labelled app=ev and moves it to Running.
func runningPod(t *testing.T, srv *Server, name string, ready bool) {
	t.Helper()
	require.Equal(t, 201, call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"`+name+`","labels":{"app":"ev"}},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	status := `{"status":{"phase":"Running"}}`
	if ready {
		status = `{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}`
	}
	require.Equal(t, 200, call(t, srv, "PATCH", gcPods+"/"+name+"/status", ctMergeP, status).code)
}

func evict(t *testing.T, srv *Server, name string) resp {
	t.Helper()
	return call(t, srv, "POST", gcPods+"/"+name+"/eviction", ctJSON, `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"`+name+`"}}`)
}

func TestEviction(t *testing.T) {
	srv := NewServer(t)
	pdbs := "/apis/policy/v1/namespaces/default/poddisruptionbudgets"
	// A pending pod is evicted whatever the budgets say.
	require.Equal(t, 201, call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"pend","labels":{"app":"ev"}},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	require.Equal(t, 201, call(t, srv, "POST", pdbs, ctJSON, `{"metadata":{"name":"b"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"ev"}}}}`).code)
	r := evict(t, srv, "pend")
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "Success", r.str("status"))
	assert.False(t, exists(t, srv, gcPods+"/pend"))

	runningPod(t, srv, "run", true)
	r = evict(t, srv, "run")
	require.Equal(t, 429, r.code, r.raw)
	assert.Contains(t, r.str("details", "causes"), `"message":"The disruption budget b is still being processed by the server."`)
	assert.Equal(t, "10", r.str("details", "retryAfterSeconds"))
	require.Equal(t, 200, call(t, srv, "PATCH", pdbs+"/b/status", ctMergeP, `{"status":{"observedGeneration":1,"disruptionsAllowed":0,"currentHealthy":1,"desiredHealthy":1,"expectedPods":1}}`).code)
	r = evict(t, srv, "run")
	require.Equal(t, 429, r.code, r.raw)
	assert.Equal(t, "Cannot evict pod as it would violate the pod's disruption budget.", r.str("message"))
	assert.Contains(t, r.str("details", "causes"), `"reason":"DisruptionBudget"`)
	assert.Contains(t, r.str("details", "causes"), `"message":"The disruption budget b needs 1 healthy pods and has 1 currently"`)

	require.Equal(t, 200, call(t, srv, "PATCH", pdbs+"/b/status", ctMergeP, `{"status":{"disruptionsAllowed":1}}`).code)
	r = call(t, srv, "POST", gcPods+"/run/eviction?dryRun=All", ctJSON, `{"metadata":{"name":"run"}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.True(t, exists(t, srv, gcPods+"/run"), "a dry run evicts nothing")
	r = evict(t, srv, "run")
	require.Equal(t, 201, r.code, r.raw)
	assert.False(t, exists(t, srv, gcPods+"/run"))
	b := call(t, srv, "GET", pdbs+"/b", "", "")
	assert.Equal(t, "0", b.str("status", "disruptionsAllowed"))
	assert.Contains(t, b.str("status", "disruptedPods"), `"run"`)

	// A pod that is not ready goes when the budget is otherwise healthy.
	runningPod(t, srv, "unready", false)
	assert.Equal(t, 201, evict(t, srv, "unready").code)

	assert.Equal(t, 404, evict(t, srv, "nope").code)
	assert.Equal(t, 400, call(t, srv, "POST", gcPods+"/x/eviction", ctJSON, `{"metadata":{"name":"y"}}`).code)
	runningPod(t, srv, "two", true)
	require.Equal(t, 201, call(t, srv, "POST", pdbs, ctJSON, `{"metadata":{"name":"b2"},"spec":{"maxUnavailable":1,"selector":{"matchLabels":{"app":"ev"}}}}`).code)
	r = evict(t, srv, "two")
	assert.Equal(t, 500, r.code)
	assert.Equal(t, "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", r.str("message"))
}

func TestBinding(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	bind := `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p","annotations":{"k":"v"}},"target":{"kind":"Node","name":"n1"}}`
	r := call(t, srv, "POST", gcPods+"/p/binding", ctJSON, bind)
	require.Equal(t, 201, r.code, r.raw)
	p := call(t, srv, "GET", gcPods+"/p", "", "")
	assert.Equal(t, "n1", p.str("spec", "nodeName"))
	assert.Equal(t, "v", p.str("metadata", "annotations", "k"))
	assert.Contains(t, p.str("status", "conditions"), `"type":"PodScheduled"`)
	r = call(t, srv, "POST", gcPods+"/p/binding", ctJSON, bind)
	assert.Equal(t, 409, r.code)
	assert.Equal(t, `Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"`, r.str("message"))
	assert.Equal(t, 404, call(t, srv, "POST", gcPods+"/q/binding", ctJSON, `{"metadata":{"name":"q"},"target":{"name":"n1"}}`).code)
	assert.Equal(t, 400, call(t, srv, "POST", gcPods+"/p/binding", ctJSON, `{"metadata":{"name":"q"},"target":{"name":"n1"}}`).code)
	// The bindings resource names the pod in the body.
	require.Equal(t, 201, call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"q"},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/bindings", ctJSON, `{"metadata":{"name":"q"},"target":{"name":"n2"}}`).code)
	assert.Equal(t, "n2", call(t, srv, "GET", gcPods+"/q", "", "").str("spec", "nodeName"))
}
