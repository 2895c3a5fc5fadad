package fake

import (
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apischema"
)

func TestCanonicalQuantity(t *testing.T) {
	for in, want := range map[string]string{
		"1.5": "1500m", "1.5Gi": "1536Mi", "1000": "1k", "0.5": "500m", "2048Mi": "2Gi", "1e9": "1e9",
		"100m": "100m", "0.5Gi": "512Mi", "1": "1", "1536": "1536", "1.5Ki": "1536", "250M": "250M",
	} {
		q, err := metav1.ParseQuantity(in)
		require.NoError(t, err)
		assert.Equal(t, want, canonicalQuantity(q), in)
	}
}

func TestImageTag(t *testing.T) {
	for in, want := range map[string]string{
		"nginx": "latest", "nginx:1.27": "1.27", "registry.k8s.io/pause:latest": "latest",
		"localhost:5000/app": "latest", "localhost:5000/app:v2": "v2",
		"busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": "",
		"Bad/Image": "", "": "",
	} {
		assert.Equal(t, want, imageTag(in), in)
	}
}

func TestPodDefaultsAndAdmission(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/api/v1/namespaces/default/pods", ctJSON,
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1.5","memory":"1.5Gi"}}}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	for path, want := range map[string]string{
		"spec.restartPolicy":                          "Always",
		"spec.dnsPolicy":                              "ClusterFirst",
		"spec.schedulerName":                          "default-scheduler",
		"spec.terminationGracePeriodSeconds":          "30",
		"spec.enableServiceLinks":                     "true",
		"spec.serviceAccountName":                     "default",
		"spec.serviceAccount":                         "default",
		"spec.priority":                               "0",
		"spec.preemptionPolicy":                       "PreemptLowerPriority",
		"spec.securityContext":                        "{}",
		"status.qosClass":                             "Guaranteed",
		"spec.containers.0.imagePullPolicy":           "IfNotPresent",
		"spec.containers.0.terminationMessagePath":    "/dev/termination-log",
		"spec.containers.0.ports.0.protocol":          "TCP",
		"spec.containers.0.resources.limits.cpu":      "1500m",
		"spec.containers.0.resources.requests.memory": "1536Mi",
		"spec.containers.0.volumeMounts.0.mountPath":  tokenMountPath,
		"spec.volumes.0.projected.sources.0.serviceAccountToken.expirationSeconds": "3607",
		"spec.tolerations.0.key": "node.kubernetes.io/not-ready",
	} {
		assert.Equal(t, want, r.str(strings.Split(path, ".")...), path)
	}

	r = call(t, srv, "POST", "/api/v1/namespaces/default/pods", ctJSON,
		`{"metadata":{"name":"q"},"spec":{"serviceAccountName":"nobody","containers":[{"name":"c","image":"nginx"}]}}`)
	assert.Equal(t, http.StatusForbidden, r.code)
	assert.Equal(t, `pods "q" is forbidden: error looking up service account default/nobody: serviceaccount "nobody" not found`, r.str("message"))
}

func TestWorkloadDefaultsAndValidation(t *testing.T) {
	srv := NewServer(t)
	tmpl := `"template":{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}`
	r := call(t, srv, "POST", "/apis/apps/v1/namespaces/default/deployments", ctJSON,
		`{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"w"}},`+tmpl+`}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, `{"maxSurge":"25%","maxUnavailable":"25%"}`, r.str("spec", "strategy", "rollingUpdate"))
	assert.Equal(t, "10", r.str("spec", "revisionHistoryLimit"))
	assert.Equal(t, "600", r.str("spec", "progressDeadlineSeconds"))
	assert.Equal(t, "1", r.str("spec", "replicas"))
	assert.Equal(t, "Always", r.str("spec", "template", "spec", "restartPolicy"))
	assert.Empty(t, r.str("spec", "template", "spec", "enableServiceLinks"), "a template is no Pod")

	r = call(t, srv, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d", ctMergePatch, `{"spec":{"selector":{"matchLabels":{"app":"x"}}}}`)
	assert.Equal(t, 422, r.code)
	assert.Contains(t, r.str("message"), "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"x\"}}: field is immutable")

	r = call(t, srv, "POST", "/apis/apps/v1/namespaces/default/deployments", ctJSON,
		`{"metadata":{"name":"e"},"spec":{"selector":{"matchLabels":{"app":"other"}},`+tmpl+`}}`)
	assert.Equal(t, 422, r.code)
	assert.Equal(t, "Deployment.apps \"e\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"w\"}: `selector` does not match template `labels`", r.str("message"))

	r = call(t, srv, "POST", "/api/v1/namespaces/default/pods", ctJSON,
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx"},{"name":"c","image":"nginx","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}]}}`)
	assert.Equal(t, 422, r.code)
	assert.Equal(t, `Pod "p" is invalid: [spec.containers[1].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1, spec.containers[1].name: Duplicate value: "c"]`, r.str("message"))

	r = call(t, srv, "POST", "/apis/batch/v1/namespaces/default/jobs", ctJSON,
		`{"metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	uid := r.str("metadata", "uid")
	assert.Equal(t, uid, r.str("spec", "selector", "matchLabels", "batch.kubernetes.io/controller-uid"))
	assert.Equal(t, "j", r.str("spec", "template", "metadata", "labels", "job-name"))
	assert.Equal(t, "6", r.str("spec", "backoffLimit"))
}

func TestServiceAllocation(t *testing.T) {
	srv := NewServer(t, WithServiceCIDR("10.0.0.0/29"))
	r := call(t, srv, "POST", "/api/v1/namespaces/default/services", ctJSON, `{"metadata":{"name":"s"},"spec":{"type":"NodePort","ports":[{"port":80}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	ip := netip.MustParseAddr(r.str("spec", "clusterIP"))
	assert.True(t, netip.MustParsePrefix("10.0.0.2/31").Contains(ip) || netip.MustParsePrefix("10.0.0.4/31").Contains(ip) || ip.String() == "10.0.0.6", ip)
	assert.Equal(t, `["IPv4"]`, r.str("spec", "ipFamilies"))
	assert.Equal(t, "SingleStack", r.str("spec", "ipFamilyPolicy"))
	assert.Equal(t, "80", r.str("spec", "ports", "0", "targetPort"))
	assert.Equal(t, "Cluster", r.str("spec", "externalTrafficPolicy"))
	assert.NotEmpty(t, r.str("spec", "ports", "0", "nodePort"))

	// The put without a cluster IP keeps it; a change is refused.
	r = call(t, srv, "PUT", "/api/v1/namespaces/default/services/s", ctJSON, `{"metadata":{"name":"s"},"spec":{"type":"NodePort","ports":[{"port":80}]}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, ip.String(), r.str("spec", "clusterIP"))
	r = call(t, srv, "PATCH", "/api/v1/namespaces/default/services/s", ctMergePatch, `{"spec":{"clusterIP":"10.0.0.7"}}`)
	assert.Equal(t, 422, r.code)
	assert.Contains(t, r.str("message"), `spec.clusterIPs[0]: Invalid value: ["10.0.0.7"]: may not change once set`)

	// The range holds five addresses: four more services fill it.
	for _, n := range []string{"a", "b", "c", "d"} {
		r = call(t, srv, "POST", "/api/v1/namespaces/default/services", ctJSON, `{"metadata":{"name":"`+n+`"},"spec":{"ports":[{"port":80}]}}`)
		require.Equal(t, 201, r.code, r.raw)
	}
	r = call(t, srv, "POST", "/api/v1/namespaces/default/services", ctJSON, `{"metadata":{"name":"e"},"spec":{"ports":[{"port":80}]}}`)
	assert.Equal(t, 500, r.code, r.raw)

	_, err := Start(WithServiceCIDR("nope"))
	assert.Error(t, err)
	_, err = Start(WithServiceCIDR("10.0.0.0/32"))
	assert.Error(t, err)
}

func TestFieldValidation(t *testing.T) {
	srv := NewServer(t)
	cms := "/api/v1/namespaces/default/configmaps"
	r := call(t, srv, "POST", cms+"?fieldValidation=Strict", ctJSON, `{"metadata":{"name":"a","name":"a"},"data":{"k":"v"},"extra":1}`)
	assert.Equal(t, 400, r.code)
	assert.Equal(t, `ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name", unknown field "extra"`, r.str("message"))

	req, err := http.NewRequest("POST", srv.URL()+cms, strings.NewReader(`{"metadata":{"name":"b"},"data":{"a":"1"},"extra":1,"data":{"b":"2"}}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ctJSON)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, []string{`299 - "duplicate field \"data\""`, `299 - "unknown field \"extra\""`}, resp.Header.Values("Warning"))
	r = call(t, srv, "GET", cms+"/b", "", "")
	assert.Equal(t, `{"a":"1","b":"2"}`, r.str("data"), "an object given twice is merged, as Go's decoder does")
	assert.Empty(t, r.str("extra"))

	r = call(t, srv, "PATCH", cms+"/b?fieldValidation=Strict", ctMergePatch, `{"extra":1}`)
	assert.Equal(t, 422, r.code)
	assert.True(t, strings.HasPrefix(r.str("message"), ` "" is invalid: patch: Invalid value: "{`), r.str("message"))

	r = call(t, srv, "POST", cms, ctJSON, `{"metadata":{"name":"c"},"binaryData":{"b":"!!!"}}`)
	assert.Equal(t, 400, r.code)
	assert.Equal(t, `ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0`, r.str("message"))
}

func TestUnknownFieldsKept(t *testing.T) {
	srv := NewServer(t, WithUnknownFields())
	r := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", ctJSON, `{"metadata":{"name":"a"},"future":{"x":1}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, `{"x":1}`, r.str("future"))
}

func TestNamespaceWithClaimIsDeleted(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces", ctJSON, `{"metadata":{"name":"n"}}`).code)
	r := call(t, srv, "GET", "/api/v1/namespaces/n/serviceaccounts/default", "", "")
	require.Equal(t, 200, r.code, "the namespace has its default service account")
	r = call(t, srv, "POST", "/api/v1/namespaces/n/persistentvolumeclaims", ctJSON,
		`{"metadata":{"name":"c"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, `["kubernetes.io/pvc-protection"]`, r.str("metadata", "finalizers"))
	assert.Equal(t, "Filesystem", r.str("spec", "volumeMode"))
	require.Equal(t, 200, call(t, srv, "DELETE", "/api/v1/namespaces/n", "", "").code)
	require.NoError(t, srv.Settle(t.Context()))
	assert.Equal(t, 404, call(t, srv, "GET", "/api/v1/namespaces/n", "", "").code)
}

func TestDisabledFeatureFieldsDropped(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/api/v1/namespaces/default/pods", ctJSON,
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx","lifecycle":{"stopSignal":"SIGUSR1"},"readinessProbe":{"grpc":{"port":9000,"mode":"TLS"}}}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Empty(t, r.str("spec", "containers", "0", "lifecycle"))
	assert.Equal(t, `{"port":9000,"service":""}`, r.str("spec", "containers", "0", "readinessProbe", "grpc"))
}

// An update carries the stored status over to the new object and then
// rewrites it; reads of the stored object running at the same time must
// not see that (run with -race: it failed there while the status map was
// shared).
func TestUpdateLeavesStoredObjectToReaders(t *testing.T) {
	srv := NewServer(t)
	deps := "/apis/apps/v1/namespaces/default/deployments"
	r := call(t, srv, "POST", deps, ctJSON, `{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	r = call(t, srv, "PATCH", deps+"/d/status", ctMergePatch, `{"status":{"replicas":1,"conditions":[{"type":"Available","status":"True"}]}}`)
	require.Equal(t, 200, r.code, r.raw)

	done := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(readErr)
		for {
			select {
			case <-done:
				return
			default:
			}
			res, err := http.Get(srv.URL() + deps + "/d")
			if err != nil {
				readErr <- err
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	for i := 0; i < 30; i++ {
		r = call(t, srv, "PATCH", deps+"/d", ctMergePatch, fmt.Sprintf(`{"metadata":{"labels":{"n":"%d"}}}`, i))
		require.Equal(t, 200, r.code, r.raw)
		assert.Equal(t, "1", r.str("status", "replicas"))
	}
	close(done)
	require.NoError(t, <-readErr)
}

// Every key of the strategy table names a resource a default server
// serves, so a misspelt key cannot leave a kind without its rules.
func TestStrategiesNameServedResources(t *testing.T) {
	served := map[string]bool{}
	for _, ri := range newRegistry(&enabledVersions{}).all() {
		served[ri.storageKey()] = true
	}
	for key, st := range strategies {
		assert.True(t, served[key], "strategies[%q] names no resource the server serves", key)
		assert.NotNil(t, st, "strategies[%q]", key)
	}
}

// Every key of the nested-type defaults names a schema type of
// internal/apischema, whose values defaultNested reaches.
func TestTypeDefaultsNameSchemaTypes(t *testing.T) {
	for name, fn := range typeDefaults {
		assert.NotNil(t, apischema.ShapeNamed(name), "typeDefaults[%q] names no schema type", name)
		assert.NotNil(t, fn, "typeDefaults[%q]", name)
	}
}
