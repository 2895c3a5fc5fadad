package fake

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	gcDeps = "/apis/apps/v1/namespaces/default/deployments"
	gcRSs  = "/apis/apps/v1/namespaces/default/replicasets"
	gcPods = "/api/v1/namespaces/default/pods"
	gcCMs  = "/api/v1/namespaces/default/configmaps"
	gcJobs = "/apis/batch/v1/namespaces/default/jobs"
)

func settle(t *testing.T, srv *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Settle(ctx))
}

// ownerRef is an ownerReferences entry naming r's object.
func ownerRef(r resp, block bool) string {
	return fmt.Sprintf(`{"apiVersion":%q,"kind":%q,"name":%q,"uid":%q,"controller":true,"blockOwnerDeletion":%v}`,
		r.str("apiVersion"), r.str("kind"), r.str("metadata", "name"), r.str("metadata", "uid"), block)
}

// chain creates Deployment d -> ReplicaSet d-1 -> pods d-1-a, d-1-b, each
// dependent blocking its owner's deletion.
func chain(t *testing.T, srv *Server) (dep, rs resp) {
	t.Helper()
	dep = call(t, srv, "POST", gcDeps, ctJSON, `{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, dep.code, dep.raw)
	rs = call(t, srv, "POST", gcRSs, ctJSON, `{"metadata":{"name":"d-1","ownerReferences":[`+ownerRef(dep, true)+`]},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, rs.code, rs.raw)
	for _, n := range []string{"a", "b"} {
		p := call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"d-1-`+n+`","labels":{"a":"b"},"ownerReferences":[`+ownerRef(rs, true)+`]},"spec":{"containers":[{"name":"c","image":"x"}]}}`)
		require.Equal(t, 201, p.code, p.raw)
	}
	return dep, rs
}

func exists(t *testing.T, srv *Server, path string) bool {
	t.Helper()
	r := call(t, srv, "GET", path, "", "")
	require.Contains(t, []int{200, 404}, r.code, r.raw)
	return r.code == 200
}

func TestGCBackgroundThroughLevels(t *testing.T) {
	srv := NewServer(t)
	chain(t, srv)
	r := call(t, srv, "DELETE", gcDeps+"/d", "", "")
	require.Equal(t, 200, r.code, r.raw)
	assert.False(t, exists(t, srv, gcDeps+"/d"), "the owner goes at once")
	settle(t, srv)
	assert.False(t, exists(t, srv, gcRSs+"/d-1"))
	assert.False(t, exists(t, srv, gcPods+"/d-1-a"))
	assert.False(t, exists(t, srv, gcPods+"/d-1-b"))
}

func TestGCForegroundWaitsForBlockingDependents(t *testing.T) {
	srv := NewServer(t)
	chain(t, srv)
	// A finalizer on one pod holds the whole cascade.
	r := call(t, srv, "PATCH", gcPods+"/d-1-a", ctMergePatch, `{"metadata":{"finalizers":["example.com/hold"]}}`)
	require.Equal(t, 200, r.code, r.raw)
	r = call(t, srv, "DELETE", gcDeps+"/d?propagationPolicy=Foreground", "", "")
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, `["foregroundDeletion"]`, r.str("metadata", "finalizers"))
	assert.NotEmpty(t, r.str("metadata", "deletionTimestamp"))
	settle(t, srv)
	assert.False(t, exists(t, srv, gcPods+"/d-1-b"))
	held := call(t, srv, "GET", gcPods+"/d-1-a", "", "")
	assert.NotEmpty(t, held.str("metadata", "deletionTimestamp"))
	rs := call(t, srv, "GET", gcRSs+"/d-1", "", "")
	require.Equal(t, 200, rs.code, "the replica set waits for its blocking pod")
	assert.Equal(t, `["foregroundDeletion"]`, rs.str("metadata", "finalizers"), "the cascade goes on in foreground")
	assert.True(t, exists(t, srv, gcDeps+"/d"))

	r = call(t, srv, "PATCH", gcPods+"/d-1-a", ctMergePatch, `{"metadata":{"finalizers":null}}`)
	require.Equal(t, 200, r.code, r.raw)
	settle(t, srv)
	assert.False(t, exists(t, srv, gcPods+"/d-1-a"))
	assert.False(t, exists(t, srv, gcRSs+"/d-1"))
	assert.False(t, exists(t, srv, gcDeps+"/d"))
}

func TestGCForegroundDoesNotWaitForNonBlocking(t *testing.T) {
	srv := NewServer(t)
	owner := call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"owner"}}`)
	require.Equal(t, 201, owner.code)
	dep := call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"dep","finalizers":["example.com/hold"],"ownerReferences":[`+ownerRef(owner, false)+`]}}`)
	require.Equal(t, 201, dep.code, dep.raw)
	require.Equal(t, 200, call(t, srv, "DELETE", gcCMs+"/owner?propagationPolicy=Foreground", "", "").code)
	settle(t, srv)
	assert.False(t, exists(t, srv, gcCMs+"/owner"), "a non-blocking dependent does not hold its owner")
	d := call(t, srv, "GET", gcCMs+"/dep", "", "")
	assert.NotEmpty(t, d.str("metadata", "deletionTimestamp"))
}

func TestGCOrphan(t *testing.T) {
	srv := NewServer(t)
	chain(t, srv)
	r := call(t, srv, "DELETE", gcRSs+"/d-1", ctJSON, `{"propagationPolicy":"Orphan"}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, `["orphan"]`, r.str("metadata", "finalizers"))
	settle(t, srv)
	assert.False(t, exists(t, srv, gcRSs+"/d-1"))
	for _, p := range []string{"d-1-a", "d-1-b"} {
		pod := call(t, srv, "GET", gcPods+"/"+p, "", "")
		require.Equal(t, 200, pod.code)
		assert.Empty(t, pod.str("metadata", "ownerReferences"), "orphaned pods lose the reference")
	}
	assert.True(t, exists(t, srv, gcDeps+"/d"))
}

func TestGCJobsOrphanByDefault(t *testing.T) {
	srv := NewServer(t)
	job := call(t, srv, "POST", gcJobs, ctJSON, `{"metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, job.code, job.raw)
	require.Equal(t, 201, call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"j-1","ownerReferences":[`+ownerRef(job, true)+`]},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	r := call(t, srv, "DELETE", gcJobs+"/j", "", "")
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, `["orphan"]`, r.str("metadata", "finalizers"), "batch/v1 Jobs orphan by default")
	settle(t, srv)
	assert.False(t, exists(t, srv, gcJobs+"/j"))
	assert.True(t, exists(t, srv, gcPods+"/j-1"))

	// Background, asked for, takes the pods.
	job = call(t, srv, "POST", gcJobs, ctJSON, `{"metadata":{"name":"k"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"k-1","ownerReferences":[`+ownerRef(job, true)+`]},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	require.Equal(t, 200, call(t, srv, "DELETE", gcJobs+"/k?propagationPolicy=Background", "", "").code)
	settle(t, srv)
	assert.False(t, exists(t, srv, gcPods+"/k-1"))
}

func TestGCDanglingAndPartialOwners(t *testing.T) {
	srv := NewServer(t)
	a := call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"a"}}`)
	b := call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"b"}}`)
	// Two owners: deleting one keeps the dependent, without that reference.
	require.Equal(t, 201, call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"two","ownerReferences":[`+ownerRef(a, false)+`,`+ownerRef(b, false)+`]}}`).code)
	// An owner uid that never existed: collected at once.
	require.Equal(t, 201, call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"lost","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"a","uid":"00000000-0000-0000-0000-000000000000"}]}}`).code)
	require.Equal(t, 200, call(t, srv, "DELETE", gcCMs+"/a", "", "").code)
	settle(t, srv)
	assert.False(t, exists(t, srv, gcCMs+"/lost"), "an owner matched by name but not uid is gone")
	two := call(t, srv, "GET", gcCMs+"/two", "", "")
	require.Equal(t, 200, two.code)
	assert.Contains(t, two.str("metadata", "ownerReferences"), `"name":"b"`)
	assert.NotContains(t, two.str("metadata", "ownerReferences"), `"name":"a"`)
	require.Equal(t, 200, call(t, srv, "DELETE", gcCMs+"/b", "", "").code)
	settle(t, srv)
	assert.False(t, exists(t, srv, gcCMs+"/two"))
}

func TestGCPropagationChangesOnSecondDelete(t *testing.T) {
	srv := NewServer(t, WithoutGarbageCollector())
	require.Equal(t, 201, call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"x","finalizers":["example.com/hold"]}}`).code)
	r := call(t, srv, "DELETE", gcCMs+"/x?propagationPolicy=Foreground", "", "")
	assert.Equal(t, `["example.com/hold","foregroundDeletion"]`, r.str("metadata", "finalizers"))
	r = call(t, srv, "DELETE", gcCMs+"/x?propagationPolicy=Orphan", "", "")
	assert.Equal(t, `["example.com/hold","orphan"]`, r.str("metadata", "finalizers"))
	r = call(t, srv, "DELETE", gcCMs+"/x", "", "")
	assert.Equal(t, `["example.com/hold","orphan"]`, r.str("metadata", "finalizers"), "without a policy the finalizer decides")
	r = call(t, srv, "DELETE", gcCMs+"/x?propagationPolicy=Background", "", "")
	assert.Equal(t, `["example.com/hold"]`, r.str("metadata", "finalizers"))
	// Without a collector, the finalizers stay.
	time.Sleep(20 * time.Millisecond)
	r = call(t, srv, "DELETE", gcCMs+"/x?propagationPolicy=Orphan", "", "")
	assert.Equal(t, `["example.com/hold","orphan"]`, r.str("metadata", "finalizers"))
	r = call(t, srv, "DELETE", gcCMs+"/x?propagationPolicy=Orphan&orphanDependents=true", "", "")
	assert.Equal(t, 422, r.code, r.raw)
	assert.Contains(t, r.str("message"), "orphanDependents and deletionPropagation cannot be both set")
}

func TestGCSeededObjects(t *testing.T) {
	// Dependents seeded with an owner that is not there are collected
	// once the server runs.
	srv := NewServer(t, WithObjects(`apiVersion: v1
kind: ConfigMap
metadata:
  name: orphaned
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: gone, uid: 11111111-1111-1111-1111-111111111111}
`))
	settle(t, srv)
	assert.False(t, exists(t, srv, gcCMs+"/orphaned"))
}

func TestGCNamespaceDeletion(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces", ctJSON, `{"metadata":{"name":"gcns"}}`).code)
	owner := call(t, srv, "POST", "/api/v1/namespaces/gcns/configmaps", ctJSON, `{"metadata":{"name":"o"}}`)
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/gcns/configmaps", ctJSON, `{"metadata":{"name":"d","ownerReferences":[`+ownerRef(owner, true)+`]}}`).code)
	require.Equal(t, 200, call(t, srv, "DELETE", "/api/v1/namespaces/gcns", "", "").code)
	settle(t, srv)
	assert.False(t, exists(t, srv, "/api/v1/namespaces/gcns"))
}

func TestGCForegroundSparesDependentsWithAnotherOwner(t *testing.T) {
	srv := NewServer(t)
	a := call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"a"}}`)
	b := call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"b"}}`)
	require.Equal(t, 201, call(t, srv, "POST", gcCMs, ctJSON, `{"metadata":{"name":"shared","ownerReferences":[`+ownerRef(a, true)+`,`+ownerRef(b, true)+`]}}`).code)
	require.Equal(t, 200, call(t, srv, "DELETE", gcCMs+"/a?propagationPolicy=Foreground", "", "").code)
	settle(t, srv)
	assert.False(t, exists(t, srv, gcCMs+"/a"))
	shared := call(t, srv, "GET", gcCMs+"/shared", "", "")
	require.Equal(t, 200, shared.code, "a dependent with a live owner stays")
	assert.NotContains(t, shared.str("metadata", "ownerReferences"), `"name":"a"`)
	assert.Contains(t, shared.str("metadata", "ownerReferences"), `"name":"b"`)
}
