package fake

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The answers below are kube-apiserver v1.37.2's, recorded by
// TestFidelity's admission script (internal/integration/fidelity_admission_test.go).

const (
	nsPods   = "/api/v1/namespaces/default/pods"
	nsQuotas = "/api/v1/namespaces/default/resourcequotas"
	nsLimits = "/api/v1/namespaces/default/limitranges"
	nsClaims = "/api/v1/namespaces/default/persistentvolumeclaims"
)

const testLimitRange = `{"metadata":{"name":"lr"},"spec":{"limits":[` +
	`{"type":"Container","default":{"cpu":"500m","memory":"256Mi"},"defaultRequest":{"cpu":"100m","memory":"128Mi"},` +
	`"max":{"cpu":"1","memory":"1Gi"},"min":{"cpu":"50m"},"maxLimitRequestRatio":{"cpu":"10"}},` +
	`{"type":"PersistentVolumeClaim","min":{"storage":"1Gi"},"max":{"storage":"5Gi"}}]}}`

func pod(name, containers string) string {
	return `{"metadata":{"name":"` + name + `"},"spec":{"containers":` + containers + `}}`
}

func claim(name, size string) string {
	return `{"metadata":{"name":"` + name + `"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"` + size + `"}}}}`
}

func create(t *testing.T, srv *Server, path, body string, code int) resp {
	t.Helper()
	r := call(t, srv, "POST", path, ctJSON, body)
	require.Equal(t, code, r.code, r.raw)
	return r
}

func TestLimitRangerDefaults(t *testing.T) {
	srv := NewServer(t)
	create(t, srv, nsLimits, testLimitRange, 201)
	r := create(t, srv, nsPods, `{"metadata":{"name":"p1"},"spec":{"initContainers":[{"name":"init","image":"busybox"}],"containers":[{"name":"c","image":"nginx"}]}}`, 201)
	assert.Equal(t, "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c; "+
		"cpu, memory request for init container init; cpu, memory limit for init container init",
		r.str("metadata", "annotations", "kubernetes.io/limit-ranger"))
	for _, list := range []string{"containers", "initContainers"} {
		assert.Equal(t, `{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}`, r.str("spec", list, "0", "resources"))
	}
	assert.Equal(t, "Burstable", r.str("status", "qosClass"))
	// Fields admission filled in belong to no manager.
	assert.NotContains(t, r.str("metadata", "managedFields"), "f:limits")

	// Requests default to limits first; the range fills what is left.
	r = create(t, srv, nsPods, pod("p2", `[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"800m"}}},{"name":"d","image":"nginx","resources":{"requests":{"memory":"64Mi"}}}]`), 201)
	assert.Equal(t, "LimitRanger plugin set: memory request for container c; memory limit for container c; "+
		"cpu request for container d; cpu, memory limit for container d", r.str("metadata", "annotations", "kubernetes.io/limit-ranger"))
	assert.Equal(t, `{"limits":{"cpu":"800m","memory":"256Mi"},"requests":{"cpu":"800m","memory":"128Mi"}}`, r.str("spec", "containers", "0", "resources"))

	// Only pods are admitted: a Deployment's template is left alone.
	r = create(t, srv, "/apis/apps/v1/namespaces/default/deployments", `{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},`+
		`"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}`, 201)
	assert.Equal(t, "{}", r.str("spec", "template", "spec", "containers", "0", "resources"))

	// A pod update is not admitted, and the empty resources the client
	// wrote stay its own.
	r = call(t, srv, "PATCH", nsPods+"/p1", ctMergeP, `{"metadata":{"labels":{"x":"y"}}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Contains(t, r.str("metadata", "managedFields"), `"f:resources":{}`)
}

func TestLimitRangerBounds(t *testing.T) {
	srv := NewServer(t)
	create(t, srv, nsLimits, testLimitRange, 201)
	for _, c := range []struct{ name, containers, msg string }{
		{"over", `[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"2"}}}]`, "maximum cpu usage per Container is 1, but limit is 2"},
		{"under", `[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"10m"},"limits":{"cpu":"100m"}}}]`, "minimum cpu usage per Container is 50m, but request is 10m"},
		{"ratio", `[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"50m"},"limits":{"cpu":"1"}}}]`, "cpu max limit to request ratio per Container is 10, but provided ratio is 20.000000"},
		{"three", `[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"10m"},"limits":{"memory":"2Gi"}}}]`,
			"[minimum cpu usage per Container is 50m, but request is 10m, maximum memory usage per Container is 1Gi, but limit is 2Gi, " +
				"cpu max limit to request ratio per Container is 10, but provided ratio is 50.000000]"},
		{"zero", `[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"0"}}}]`,
			"[minimum cpu usage per Container is 50m, but request is 0, cpu max limit to request ratio per Container is 10, but no request is specified or request is 0]"},
	} {
		r := create(t, srv, nsPods, pod(c.name, c.containers), 403)
		assert.Equal(t, `pods "`+c.name+`" is forbidden: `+c.msg, r.str("message"), c.name)
		assert.Equal(t, "Forbidden", r.str("reason"))
	}
	// Validation and the ServiceAccount plugin answer first.
	r := create(t, srv, nsPods, pod("p", `[{"name":"C_bad","image":"nginx","resources":{"limits":{"cpu":"2"}}}]`), 422)
	assert.Contains(t, r.str("message"), "spec.containers[0].name")
	r = create(t, srv, nsPods, `{"metadata":{"name":"p"},"spec":{"serviceAccountName":"nobody","containers":[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}}`, 403)
	assert.Contains(t, r.str("message"), "error looking up service account")
	// A dry run is checked too.
	r = call(t, srv, "POST", nsPods+"?dryRun=All", ctJSON, pod("dry", `[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"2"}}}]`))
	assert.Equal(t, 403, r.code, r.raw)

	create(t, srv, nsClaims, claim("ok", "2Gi"), 201)
	r = create(t, srv, nsClaims, claim("big", "10Gi"), 403)
	assert.Equal(t, `persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi`, r.str("message"))
	r = create(t, srv, nsClaims, claim("small", "500Mi"), 403)
	assert.Equal(t, `persistentvolumeclaims "small" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi`, r.str("message"))

	// A Pod item bounds the pod's sum.
	create(t, srv, nsLimits, `{"metadata":{"name":"lr-pod"},"spec":{"limits":[{"type":"Pod","max":{"memory":"1Gi"}}]}}`, 201)
	r = create(t, srv, nsPods, pod("sum", `[{"name":"a","image":"nginx","resources":{"limits":{"memory":"400Mi"}}},`+
		`{"name":"b","image":"nginx","resources":{"limits":{"memory":"400Mi"}}},{"name":"c","image":"nginx","resources":{"limits":{"memory":"400Mi"}}}]`), 403)
	assert.Equal(t, `pods "sum" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1200Mi`, r.str("message"))
}

func TestPodAggregateCountsSidecars(t *testing.T) {
	spec := map[string]any{
		"initContainers": []any{
			map[string]any{"name": "side", "restartPolicy": "Always", "resources": map[string]any{"requests": map[string]any{"cpu": "300m"}}},
			map[string]any{"name": "init", "resources": map[string]any{"requests": map[string]any{"cpu": "1"}}},
		},
		"containers": []any{map[string]any{"name": "c", "resources": map[string]any{"requests": map[string]any{"cpu": "200m"}}}},
	}
	// Containers and sidecar 500m; the init container runs beside the
	// sidecar: 1300m.
	assert.Equal(t, "1300m", podAggregate(spec, "requests")["cpu"].String())
	spec["resources"] = map[string]any{"requests": map[string]any{"cpu": "2"}}
	assert.Equal(t, "2", podAggregate(spec, "requests")["cpu"].String())
}

func TestAmountFormats(t *testing.T) {
	a := func(s string) amount {
		v, ok := amountOf(s)
		require.True(t, ok, s)
		return v
	}
	// A zero sum takes the other term's format, as Quantity.Add does.
	assert.Equal(t, "128Mi", a("0").plus(a("128Mi")).String())
	assert.Equal(t, "657Mi", a("256Mi").plus(a("400Mi")).plus(a("1Mi")).String())
	assert.Equal(t, "1100m", a("1").plus(a("100m")).String())
	assert.Equal(t, "1500m", a("1.5").String())
	assert.Equal(t, "2Gi", roundUp(a("2Gi")).String())
	assert.Equal(t, "2", roundUp(a("1500m")).String())
	r := resources{"b": a("2Gi"), "a": count(1)}
	assert.Equal(t, "a=1,b=2Gi", r.String())
}

// setQuotaStatus writes a quota's status as the quota controller would.
func setQuotaStatus(t *testing.T, srv *Server, name, status string) {
	t.Helper()
	r := call(t, srv, "PATCH", nsQuotas+"/"+name+"/status", ctMergeP, `{"status":`+status+`}`)
	require.Equal(t, 200, r.code, r.raw)
}

func TestQuotaWithoutStatus(t *testing.T) {
	srv := NewServer(t)
	create(t, srv, nsQuotas, `{"metadata":{"name":"q"},"spec":{"hard":{"configmaps":"0","pods":"0"}}}`, 201)
	// Nothing computed the status: the quota does not apply.
	create(t, srv, "/api/v1/namespaces/default/configmaps", `{"metadata":{"name":"a"}}`, 201)
	setQuotaStatus(t, srv, "q", `{"hard":{"configmaps":"3","count/configmaps":"2","pods":"3","requests.cpu":"1"}}`)
	r := create(t, srv, "/api/v1/namespaces/default/configmaps", `{"metadata":{"name":"b"}}`, 403)
	assert.Equal(t, `configmaps "b" is forbidden: status unknown for quota: q, resources: configmaps,count/configmaps`, r.str("message"))
	// Without limits on its containers a pod fails the quota's
	// constraints first.
	r = create(t, srv, nsPods, pod("p", `[{"name":"c","image":"nginx"},{"name":"d","image":"nginx","resources":{"requests":{"cpu":"1m"}}}]`), 403)
	assert.Equal(t, `pods "p" is forbidden: failed quota: q: must specify requests.cpu for: c`, r.str("message"))
	r = create(t, srv, nsPods, pod("p", `[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"1m"}}}]`), 403)
	assert.Equal(t, `pods "p" is forbidden: status unknown for quota: q, resources: pods,requests.cpu`, r.str("message"))
	// Secrets are not limited by it.
	create(t, srv, "/api/v1/namespaces/default/secrets", `{"metadata":{"name":"s"}}`, 201)
}

func TestQuotaCountsAndRefuses(t *testing.T) {
	srv := NewServer(t)
	hard := `{"pods":"2","requests.cpu":"1","limits.memory":"1Gi","count/configmaps":"1","services":"2","services.nodeports":"1","requests.storage":"3Gi","persistentvolumeclaims":"5"}`
	create(t, srv, nsQuotas, `{"metadata":{"name":"q"},"spec":{"hard":`+hard+`}}`, 201)
	setQuotaStatus(t, srv, "q", `{"hard":`+hard+`,"used":{"pods":"0","requests.cpu":"0","limits.memory":"0","count/configmaps":"0","services":"0","services.nodeports":"0","requests.storage":"0","persistentvolumeclaims":"0"}}`)

	create(t, srv, "/api/v1/namespaces/default/configmaps", `{"metadata":{"name":"a"}}`, 201)
	r := create(t, srv, "/api/v1/namespaces/default/configmaps", `{"metadata":{"name":"b"}}`, 403)
	assert.Equal(t, `configmaps "b" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1`, r.str("message"))

	res := `{"requests":{"cpu":"300m"},"limits":{"memory":"400Mi"}}`
	c := func(n string) string { return `[{"name":"` + n + `","image":"nginx","resources":` + res + `}]` }
	// A dry run is checked and counts nothing.
	r = call(t, srv, "POST", nsPods+"?dryRun=All", ctJSON, pod("p1", c("c")))
	require.Equal(t, 201, r.code, r.raw)
	create(t, srv, nsPods, pod("p1", c("c")), 201)
	// A create refused after admission (the name exists) still counts.
	create(t, srv, nsPods, pod("p1", c("c")), 409)
	r = create(t, srv, nsPods, pod("p3", c("c")), 403)
	assert.Equal(t, `pods "p3" is forbidden: exceeded quota: q, requested: limits.memory=400Mi,pods=1, used: limits.memory=800Mi,pods=2, limited: limits.memory=1Gi,pods=2`, r.str("message"))

	create(t, srv, "/api/v1/namespaces/default/services", `{"metadata":{"name":"s1"},"spec":{"type":"NodePort","ports":[{"port":80}]}}`, 201)
	create(t, srv, "/api/v1/namespaces/default/services", `{"metadata":{"name":"s2"},"spec":{"ports":[{"port":80}]}}`, 201)
	r = call(t, srv, "PATCH", "/api/v1/namespaces/default/services/s2", ctMergeP, `{"spec":{"type":"NodePort"}}`)
	require.Equal(t, 403, r.code, r.raw)
	assert.Equal(t, `services "s2" is forbidden: exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1`, r.str("message"))

	create(t, srv, nsClaims, claim("c1", "2Gi"), 201)
	r = create(t, srv, nsClaims, claim("c2", "1500Mi"), 403)
	assert.Equal(t, `persistentvolumeclaims "c2" is forbidden: exceeded quota: q, requested: requests.storage=1500Mi, used: requests.storage=2Gi, limited: requests.storage=3Gi`, r.str("message"))

	r = call(t, srv, "GET", nsQuotas+"/q", "", "")
	assert.Equal(t, `{"count/configmaps":"1","limits.memory":"800Mi","persistentvolumeclaims":"1","pods":"2","requests.cpu":"600m","requests.storage":"2Gi","services":"2","services.nodeports":"1"}`,
		r.str("status", "used"))
	mf := r.str("metadata", "managedFields")
	assert.Contains(t, mf, `"manager":"kube-apiserver","operation":"Update","subresource":"status"`)

	// DELETE answers with the quota, as its real storage does.
	r = call(t, srv, "DELETE", nsQuotas+"/q", "", "")
	assert.Equal(t, "ResourceQuota", r.str("kind"), r.raw)
	create(t, srv, nsPods, pod("p4", c("c")), 201)
}

func TestQuotaScopes(t *testing.T) {
	srv := NewServer(t)
	create(t, srv, "/apis/scheduling.k8s.io/v1/priorityclasses", `{"metadata":{"name":"high"},"value":100}`, 201)
	for _, q := range []struct{ name, spec string }{
		{"be", `"scopes":["BestEffort"]`},
		{"pc", `"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"In","values":["high"]}]}`},
		{"term", `"scopes":["Terminating"]`},
	} {
		create(t, srv, nsQuotas, `{"metadata":{"name":"`+q.name+`"},"spec":{"hard":{"pods":"1"},`+q.spec+`}}`, 201)
		setQuotaStatus(t, srv, q.name, `{"hard":{"pods":"1"},"used":{"pods":"0"}}`)
	}
	burstable := `[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"10m"}}}]`
	create(t, srv, nsPods, pod("be1", `[{"name":"c","image":"nginx"}]`), 201)
	r := create(t, srv, nsPods, pod("be2", `[{"name":"c","image":"nginx"}]`), 403)
	assert.Contains(t, r.str("message"), "exceeded quota: be,")
	create(t, srv, nsPods, pod("b1", burstable), 201)
	create(t, srv, nsPods, `{"metadata":{"name":"pc1"},"spec":{"priorityClassName":"high","containers":`+burstable+`}}`, 201)
	r = create(t, srv, nsPods, `{"metadata":{"name":"pc2"},"spec":{"priorityClassName":"high","containers":`+burstable+`}}`, 403)
	assert.Contains(t, r.str("message"), "exceeded quota: pc,")
	// An update that makes a pod terminating is counted.
	r = call(t, srv, "PATCH", nsPods+"/b1", ctMergeP, `{"spec":{"activeDeadlineSeconds":600}}`)
	require.Equal(t, 200, r.code, r.raw)
	r = create(t, srv, nsPods, `{"metadata":{"name":"t2"},"spec":{"activeDeadlineSeconds":60,"containers":`+burstable+`}}`, 403)
	assert.Equal(t, `pods "t2" is forbidden: exceeded quota: term, requested: pods=1, used: pods=1, limited: pods=1`, r.str("message"))
}

func TestControllerPodsAreAdmitted(t *testing.T) {
	srv := NewServer(t, WithControllers())
	create(t, srv, nsLimits, testLimitRange, 201)
	create(t, srv, "/apis/apps/v1/namespaces/default/replicasets", `{"metadata":{"name":"rs"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},`+
		`"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}`, 201)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.Settle(ctx))
	r := call(t, srv, "GET", nsPods, "", "")
	require.Len(t, r.items(), 1)
	ann, _ := r.items()[0]["metadata"].(map[string]any)["annotations"].(map[string]any)
	assert.Contains(t, ann[limitRangerAnnotation], "cpu, memory request for container c")
}

func TestUpdateOfObjectWithoutManagedFields(t *testing.T) {
	srv := NewServer(t)
	// Nothing set: the create records no managedFields, and kube-apiserver
	// then tracks no update either.
	r := create(t, srv, "/api/v1/namespaces/default/configmaps", `{"metadata":{"name":"a","labels":{}},"data":{}}`, 201)
	assert.Equal(t, "", r.str("metadata", "managedFields"))
	r = call(t, srv, "PATCH", "/api/v1/namespaces/default/configmaps/a", ctMergeP, `{"data":{"a":"b"}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "", r.str("metadata", "managedFields"))
}

func TestQuotaControllerComputesStatus(t *testing.T) {
	srv := NewServer(t, WithControllers())
	settle := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		require.NoError(t, srv.Settle(ctx))
	}
	create(t, srv, nsQuotas, `{"metadata":{"name":"q"},"spec":{"hard":{"pods":"1","requests.memory":"1Gi","count/deployments.apps":"3"}}}`, 201)
	settle()
	r := call(t, srv, "GET", nsQuotas+"/q", "", "")
	assert.Equal(t, `{"hard":{"count/deployments.apps":"3","pods":"1","requests.memory":"1Gi"},"used":{"count/deployments.apps":"0","pods":"0","requests.memory":"0"}}`, r.str("status"))
	assert.Contains(t, r.str("metadata", "managedFields"), `"manager":"kube-controller-manager","operation":"Update","subresource":"status"`)

	mem := `[{"name":"c","image":"nginx","resources":{"requests":{"memory":"128Mi"}}}]`
	create(t, srv, nsPods, pod("p1", mem), 201)
	settle()
	r = call(t, srv, "GET", nsQuotas+"/q", "", "")
	assert.Equal(t, `{"count/deployments.apps":"0","pods":"1","requests.memory":"128Mi"}`, r.str("status", "used"))
	r = create(t, srv, nsPods, pod("p2", mem), 403)
	assert.Equal(t, `pods "p2" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1`, r.str("message"))

	// A delete gives the usage back.
	r = call(t, srv, "DELETE", nsPods+"/p1", "", "")
	require.Equal(t, 200, r.code, r.raw)
	settle()
	create(t, srv, nsPods, pod("p2", mem), 201)
}
