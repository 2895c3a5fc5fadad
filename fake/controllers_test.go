package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func deployment(name, image string, replicas int) string {
	return `{"metadata":{"name":"` + name + `"},"spec":{"replicas":` + string(rune('0'+replicas)) + `,"selector":{"matchLabels":{"app":"` + name + `"}},"template":{"metadata":{"labels":{"app":"` + name + `"}},"spec":{"containers":[{"name":"c","image":"` + image + `"}]}}}}`
}

func TestControllersOffByDefault(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", gcDeps, ctJSON, deployment("web", "nginx", 2)).code)
	settle(t, srv)
	assert.Empty(t, call(t, srv, "GET", gcRSs, "", "").items())
}

func TestDeploymentController(t *testing.T) {
	srv := NewServer(t, WithControllers())
	require.Equal(t, 201, call(t, srv, "POST", gcDeps, ctJSON, deployment("web", "nginx", 3)).code)
	settle(t, srv)

	sets := call(t, srv, "GET", gcRSs, "", "").items()
	require.Len(t, sets, 1)
	rs := resp{body: sets[0]}
	hash := rs.str("metadata", "labels", "pod-template-hash")
	require.NotEmpty(t, hash)
	assert.Equal(t, "web-"+hash, rs.str("metadata", "name"))
	assert.Contains(t, rs.str("metadata", "ownerReferences"), `"kind":"Deployment"`)
	assert.Equal(t, "3", rs.str("status", "readyReplicas"))

	pods := call(t, srv, "GET", gcPods+"?labelSelector=app%3Dweb", "", "")
	require.Len(t, pods.items(), 3)
	for _, it := range pods.items() {
		p := resp{body: it}
		assert.True(t, strings.HasPrefix(p.str("metadata", "name"), "web-"+hash+"-"), p.str("metadata", "name"))
		assert.Equal(t, hash, p.str("metadata", "labels", "pod-template-hash"))
		assert.Contains(t, p.str("metadata", "ownerReferences"), `"kind":"ReplicaSet"`)
		assert.Equal(t, "Running", p.str("status", "phase"))
		assert.Equal(t, fakeNode, p.str("spec", "nodeName"))
		assert.NotEmpty(t, p.str("status", "podIP"))
		assert.Contains(t, p.str("status", "conditions"), `"status":"True","type":"Ready"`)
		assert.Contains(t, p.str("status", "containerStatuses"), `"ready":true`)
	}
	d := call(t, srv, "GET", gcDeps+"/web", "", "")
	for _, f := range []string{"replicas", "readyReplicas", "availableReplicas", "updatedReplicas"} {
		assert.Equal(t, "3", d.str("status", f), f)
	}
	assert.Equal(t, "1", d.str("status", "observedGeneration"))
	assert.Contains(t, d.str("status", "conditions"), `"reason":"MinimumReplicasAvailable"`)
	assert.True(t, exists(t, srv, "/api/v1/nodes/"+fakeNode))

	// Scaling down removes pods; a new template rolls to a new set.
	require.Equal(t, 200, call(t, srv, "PATCH", gcDeps+"/web/scale", ctMergeP, `{"spec":{"replicas":1}}`).code)
	settle(t, srv)
	assert.Len(t, call(t, srv, "GET", gcPods+"?labelSelector=app%3Dweb", "", "").items(), 1)
	require.Equal(t, 200, call(t, srv, "PATCH", gcDeps+"/web", ctMergeP, `{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}}`).code)
	settle(t, srv)
	sets = call(t, srv, "GET", gcRSs, "", "").items()
	require.Len(t, sets, 2)
	pods = call(t, srv, "GET", gcPods+"?labelSelector=app%3Dweb", "", "")
	require.Len(t, pods.items(), 1)
	assert.NotEqual(t, hash, resp{body: pods.items()[0]}.str("metadata", "labels", "pod-template-hash"))
	d = call(t, srv, "GET", gcDeps+"/web", "", "")
	assert.Equal(t, "3", d.str("status", "observedGeneration"))
	assert.Equal(t, "2", d.str("metadata", "annotations", "deployment.kubernetes.io/revision"))

	// Deleting the deployment takes everything with it.
	require.Equal(t, 200, call(t, srv, "DELETE", gcDeps+"/web", "", "").code)
	settle(t, srv)
	assert.Empty(t, call(t, srv, "GET", gcRSs, "", "").items())
	assert.Empty(t, call(t, srv, "GET", gcPods, "", "").items())
}

func TestJobController(t *testing.T) {
	srv := NewServer(t, WithControllers())
	r := call(t, srv, "POST", gcJobs, ctJSON, `{"metadata":{"name":"j"},"spec":{"completions":3,"parallelism":2,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	settle(t, srv)
	j := call(t, srv, "GET", gcJobs+"/j", "", "")
	assert.Equal(t, "3", j.str("status", "succeeded"))
	assert.Contains(t, j.str("status", "conditions"), `"type":"Complete"`)
	assert.NotEmpty(t, j.str("status", "completionTime"))
	pods := call(t, srv, "GET", gcPods+"?labelSelector=batch.kubernetes.io%2Fjob-name%3Dj", "", "")
	require.Len(t, pods.items(), 3)
	for _, it := range pods.items() {
		assert.Equal(t, "Succeeded", resp{body: it}.str("status", "phase"))
	}
}

func TestJobPodDuration(t *testing.T) {
	srv := NewServer(t, WithControllers(), WithJobPodDuration(2*time.Second))
	require.Equal(t, 201, call(t, srv, "POST", gcJobs, ctJSON, `{"metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"x"}]}}}}`).code)
	settle(t, srv)
	j := call(t, srv, "GET", gcJobs+"/j", "", "")
	assert.Equal(t, "1", j.str("status", "active"))
	assert.Equal(t, "1", j.str("status", "ready"))
	require.Eventually(t, func() bool {
		return call(t, srv, "GET", gcJobs+"/j", "", "").str("status", "succeeded") == "1"
	}, 10*time.Second, 20*time.Millisecond)
	_, err := Start(WithJobPodDuration(-time.Second))
	assert.Error(t, err)
}

func TestReplicationControllerAndBarePods(t *testing.T) {
	srv := NewServer(t, WithControllers())
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/replicationcontrollers", ctJSON, `{"metadata":{"name":"rc"},"spec":{"replicas":2,"selector":{"app":"rc"},"template":{"metadata":{"labels":{"app":"rc"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`).code)
	require.Equal(t, 201, call(t, srv, "POST", gcPods, ctJSON, `{"metadata":{"name":"bare"},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	settle(t, srv)
	assert.Len(t, call(t, srv, "GET", gcPods+"?labelSelector=app%3Drc", "", "").items(), 2)
	assert.Equal(t, "2", call(t, srv, "GET", "/api/v1/namespaces/default/replicationcontrollers/rc", "", "").str("status", "readyReplicas"))
	assert.Equal(t, "Running", call(t, srv, "GET", gcPods+"/bare", "", "").str("status", "phase"))
}

func TestStatefulSetAndDaemonSetControllers(t *testing.T) {
	srv := NewServer(t, WithControllers())
	sets := "/apis/apps/v1/namespaces/default/statefulsets"
	r := call(t, srv, "POST", sets, ctJSON, `{"metadata":{"name":"db"},"spec":{"serviceName":"db","replicas":3,"selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	settle(t, srv)
	assert.Equal(t, []string{"db-0", "db-1", "db-2"}, names(call(t, srv, "GET", gcPods+"?labelSelector=app%3Ddb", "", "")))
	p := call(t, srv, "GET", gcPods+"/db-1", "", "")
	assert.Equal(t, "db-1", p.str("spec", "hostname"))
	assert.Equal(t, "db", p.str("spec", "subdomain"))
	assert.Equal(t, "1", p.str("metadata", "labels", "apps.kubernetes.io/pod-index"))
	st := call(t, srv, "GET", sets+"/db", "", "")
	assert.Equal(t, "3", st.str("status", "readyReplicas"))
	assert.Equal(t, st.str("status", "currentRevision"), p.str("metadata", "labels", "controller-revision-hash"))

	// Scaling down removes the highest ordinals; a new template replaces
	// every pod.
	require.Equal(t, 200, call(t, srv, "PATCH", sets+"/db/scale", ctMergeP, `{"spec":{"replicas":2}}`).code)
	require.Equal(t, 200, call(t, srv, "PATCH", sets+"/db", ctMergeP, `{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"y"}]}}}}`).code)
	settle(t, srv)
	assert.Equal(t, []string{"db-0", "db-1"}, names(call(t, srv, "GET", gcPods+"?labelSelector=app%3Ddb", "", "")))
	st = call(t, srv, "GET", sets+"/db", "", "")
	assert.Equal(t, "2", st.str("status", "updatedReplicas"))
	assert.Contains(t, call(t, srv, "GET", gcPods+"/db-0", "", "").str("spec", "containers"), `"image":"y"`)

	dss := "/apis/apps/v1/namespaces/default/daemonsets"
	require.Equal(t, 201, call(t, srv, "POST", dss, ctJSON, `{"metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`).code)
	settle(t, srv)
	pods := call(t, srv, "GET", gcPods+"?labelSelector=app%3Dagent", "", "").items()
	require.Len(t, pods, 1)
	assert.Equal(t, fakeNode, resp{body: pods[0]}.str("spec", "nodeName"))
	assert.Equal(t, "1", call(t, srv, "GET", dss+"/agent", "", "").str("status", "numberReady"))
}
