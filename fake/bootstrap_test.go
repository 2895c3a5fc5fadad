package fake

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fresh server holds what kube-apiserver creates at start (checked
// object by object against the real server by TestBootstrapObjects).
func TestBootstrapObjectsAtStart(t *testing.T) {
	srv := NewServer(t, WithServiceCIDR("10.0.0.0/24"))
	u, err := url.Parse(srv.URL())
	require.NoError(t, err)

	svc := call(t, srv, "GET", "/api/v1/namespaces/default/services/kubernetes", "", "")
	require.Equal(t, 200, svc.code, svc.raw)
	assert.Equal(t, "10.0.0.1", svc.str("spec", "clusterIP"))
	assert.Equal(t, "10.0.0.1", svc.str("spec", "clusterIPs", "0"))
	assert.Equal(t, "https", svc.str("spec", "ports", "0", "name"))
	assert.Equal(t, "443", svc.str("spec", "ports", "0", "port"))
	assert.Equal(t, u.Port(), svc.str("spec", "ports", "0", "targetPort"))
	assert.Equal(t, "kube-apiserver-v1.37.2", svc.str("metadata", "managedFields", "0", "manager"))
	assert.NotEmpty(t, svc.str("metadata", "uid"))
	assert.NotEmpty(t, svc.str("metadata", "creationTimestamp"))
	ep := call(t, srv, "GET", "/api/v1/namespaces/default/endpoints/kubernetes", "", "")
	assert.Equal(t, u.Hostname(), ep.str("subsets", "0", "addresses", "0", "ip"), ep.raw)
	assert.Equal(t, u.Port(), ep.str("subsets", "0", "ports", "0", "port"))
	assert.Equal(t, "true", ep.str("metadata", "labels", "endpointslice.kubernetes.io/skip-mirror"))
	es := call(t, srv, "GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes", "", "")
	assert.Equal(t, u.Hostname(), es.str("endpoints", "0", "addresses", "0"), es.raw)
	assert.Equal(t, u.Port(), es.str("ports", "0", "port"))
	assert.Equal(t, "IPv4", es.str("addressType"))
	assert.Equal(t, "kubernetes", es.str("metadata", "labels", "kubernetes.io/service-name"))
	ip := call(t, srv, "GET", "/apis/networking.k8s.io/v1/ipaddresses/10.0.0.1", "", "")
	assert.Equal(t, "kubernetes", ip.str("spec", "parentRef", "name"), ip.raw)
	cidr := call(t, srv, "GET", "/apis/networking.k8s.io/v1/servicecidrs/kubernetes", "", "")
	assert.Equal(t, "10.0.0.0/24", cidr.str("spec", "cidrs", "0"), cidr.raw)
	assert.Equal(t, "True", cidr.str("status", "conditions", "0", "status"))
	assert.NotEmpty(t, cidr.str("status", "conditions", "0", "lastTransitionTime"))

	// A new service never gets the kubernetes service's address.
	for i := range 20 {
		r := call(t, srv, "POST", "/api/v1/namespaces/default/services", ctJSON,
			`{"metadata":{"name":"s`+string(rune('a'+i))+`"},"spec":{"ports":[{"port":80}]}}`)
		require.Equal(t, 201, r.code, r.raw)
		assert.NotEqual(t, "10.0.0.1", r.str("spec", "clusterIP"))
	}

	count := func(path string) int { return len(call(t, srv, "GET", path, "", "").items()) }
	assert.Equal(t, 73, count("/apis/rbac.authorization.k8s.io/v1/clusterroles"))
	assert.Equal(t, 54, count("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"))
	assert.Equal(t, 7, count("/apis/rbac.authorization.k8s.io/v1/roles"))
	assert.Equal(t, 7, count("/apis/rbac.authorization.k8s.io/v1/rolebindings"))
	assert.Equal(t, 11, count("/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas"))
	assert.Equal(t, 8, count("/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations"))
	assert.Equal(t, 2, count("/apis/scheduling.k8s.io/v1/priorityclasses"))
	assert.Equal(t, 22, count("/apis/apiregistration.k8s.io/v1/apiservices"))
	assert.Equal(t, 4, count("/api/v1/namespaces"))
	// No CA without TLS: only the token tracking ConfigMap.
	assert.Equal(t, 1, count("/api/v1/namespaces/kube-system/configmaps"))

	admin := call(t, srv, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "", "")
	assert.NotEmpty(t, admin.str("rules", "0", "verbs", "0"), "aggregated rules")
	crit := call(t, srv, "GET", "/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical", "", "")
	assert.Equal(t, "2000001000", crit.str("value"))

	host, _ := os.Hostname()
	leases := call(t, srv, "GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", "", "").items()
	require.Len(t, leases, 1)
	md := leases[0]["metadata"].(map[string]any)
	assert.Equal(t, apiserverIdentity(host), md["name"])
	assert.Equal(t, u.Host, md["annotations"].(map[string]any)["kubernetes.io/peer-advertise-address"])
	assert.True(t, strings.HasPrefix(leases[0]["spec"].(map[string]any)["holderIdentity"].(string), apiserverIdentity(host)+"_"))
}

// The identity Lease's name is kube-apiserver's for the host ("vm" is the
// host of the recorded real server).
func TestAPIServerIdentity(t *testing.T) {
	assert.Equal(t, "apiserver-wlv32tlttr4jl3gtroqexyxapa", apiserverIdentity("vm"))
}

func TestBootstrapTLSAndIPv6(t *testing.T) {
	srv := NewServer(t, WithTLS(), WithServiceCIDR("fd00:10::/108"))
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(srv.CAData()))
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(path string) map[string]any {
		r, err := c.Get(srv.URL() + path)
		require.NoError(t, err)
		defer r.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&m))
		return m
	}
	cm := get("/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication")
	assert.Equal(t, string(srv.CAData()), cm["data"].(map[string]any)["client-ca-file"])
	svc := get("/api/v1/namespaces/default/services/kubernetes")
	assert.Equal(t, "fd00:10::1", svc["spec"].(map[string]any)["clusterIP"])
	assert.Equal(t, []any{"IPv6"}, svc["spec"].(map[string]any)["ipFamilies"])
	ip := get("/apis/networking.k8s.io/v1/ipaddresses/fd00:10::1")
	assert.Equal(t, "IPv6", ip["metadata"].(map[string]any)["labels"].(map[string]any)["ipaddress.kubernetes.io/ip-family"])
}

func TestWithoutBootstrapObjects(t *testing.T) {
	srv := NewServer(t, WithoutBootstrapObjects())
	assert.Equal(t, []string{"default", "kube-node-lease", "kube-public", "kube-system"},
		names(call(t, srv, "GET", "/api/v1/namespaces", "", "")))
	for _, p := range []string{"/api/v1/services", "/api/v1/configmaps", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
		"/apis/scheduling.k8s.io/v1/priorityclasses", "/apis/apiregistration.k8s.io/v1/apiservices"} {
		assert.Empty(t, call(t, srv, "GET", p, "", "").items(), p)
	}
	// The service-account controller still gives each namespace its account.
	assert.Len(t, call(t, srv, "GET", "/api/v1/serviceaccounts", "", "").items(), 4)

	srv = NewServer(t, WithoutDefaultNamespaces())
	assert.Empty(t, call(t, srv, "GET", "/api/v1/namespaces", "", "").items())
	assert.Empty(t, call(t, srv, "GET", "/api/v1/services", "", "").items())
	assert.Empty(t, call(t, srv, "GET", "/apis/rbac.authorization.k8s.io/v1/roles", "", "").items())
	assert.NotEmpty(t, call(t, srv, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "", "").items())

	srv = NewServer(t, WithoutDefaultNamespaces(), WithoutBootstrapObjects())
	assert.Empty(t, call(t, srv, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "", "").items())
}

// An API turned off has none of its objects, nor its APIService.
func TestBootstrapFollowsRuntimeConfig(t *testing.T) {
	srv := NewServer(t, WithRuntimeConfig("flowcontrol.apiserver.k8s.io/v1=false"))
	r := call(t, srv, "GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1.flowcontrol.apiserver.k8s.io", "", "")
	assert.Equal(t, 404, r.code)
	assert.Len(t, call(t, srv, "GET", "/apis/apiregistration.k8s.io/v1/apiservices", "", "").items(), 21)
}

// Writes to a bootstrap object change that server's copy only: the
// decoded objects are shared by every server of the process.
func TestBootstrapObjectsAreShared(t *testing.T) {
	shared, err := bootstrapObjects()
	require.NoError(t, err)
	before, err := json.Marshal(shared)
	require.NoError(t, err)
	a, b := NewServer(t), NewServer(t)
	for _, w := range []struct{ method, path, ct, body string }{
		{"PATCH", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "application/merge-patch+json",
			`{"metadata":{"labels":{"x":"y"},"annotations":{"a":"b"}},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}`},
		{"PATCH", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/exempt/status", "application/merge-patch+json",
			`{"status":{"conditions":[{"type":"Dangling","status":"True","reason":"X","message":"m"}]}}`},
		{"PATCH", "/api/v1/namespaces/default/services/kubernetes", "application/strategic-merge-patch+json",
			`{"metadata":{"labels":{"x":"y"}},"spec":{"ports":[{"port":443,"targetPort":1}]}}`},
		{"PATCH", "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations/catch-all", "application/json-patch+json",
			`[{"op":"replace","path":"/spec/limited/nominalConcurrencyShares","value":7}]`},
		{"PATCH", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view?fieldManager=m", "application/apply-patch+yaml",
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"view","labels":{"z":"1"}}}`},
		{"DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/edit", "", ""},
		{"DELETE", "/api/v1/namespaces/kube-public", "", ""},
	} {
		r := call(t, a, w.method, w.path, w.ct, w.body)
		require.Less(t, r.code, 300, "%s %s: %s", w.method, w.path, r.raw)
	}
	require.NoError(t, a.Settle(t.Context()))
	after, err := json.Marshal(shared)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "the shared objects are unchanged")
	admin := call(t, b, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "", "")
	assert.Empty(t, admin.str("metadata", "labels", "x"))
	assert.Equal(t, 200, call(t, b, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/edit", "", "").code)
	svc := call(t, b, "GET", "/api/v1/namespaces/default/services/kubernetes", "", "")
	u, _ := url.Parse(b.URL())
	assert.Equal(t, u.Port(), svc.str("spec", "ports", "0", "targetPort"))
}
