package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Like kube-apiserver v1.37.2 with its defaults, the server serves the GA
// versions only; WithRuntimeConfig turns others on and off.
func TestDefaultVersionsAndRuntimeConfig(t *testing.T) {
	srv := NewServer(t)
	assert.Equal(t, 200, call(t, srv, "GET", "/apis/resource.k8s.io/v1", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/apis/resource.k8s.io/v1beta1", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/apis/admissionregistration.k8s.io/v1alpha1/mutatingadmissionpolicies", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/apis/internal.apiserver.k8s.io", "", "").code, "a group with no served version is not served")
	r := call(t, srv, "GET", "/apis/resource.k8s.io", "", "")
	assert.NotContains(t, r.raw, "v1beta")

	srv = NewServer(t, WithRuntimeConfig("resource.k8s.io/v1beta1=true,api/alpha=true,storagemigration.k8s.io/v1beta1"))
	assert.Equal(t, 200, call(t, srv, "GET", "/apis/resource.k8s.io/v1beta1", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/apis/resource.k8s.io/v1beta2", "", "").code)
	assert.Equal(t, 200, call(t, srv, "GET", "/apis/resource.k8s.io/v1alpha3", "", "").code)
	assert.Equal(t, 200, call(t, srv, "GET", "/apis/storagemigration.k8s.io/v1beta1", "", "").code)

	srv = NewServer(t, WithRuntimeConfig("api/all=false,api/v1=true,apps/v1"))
	assert.Equal(t, 200, call(t, srv, "GET", "/api/v1/namespaces", "", "").code)
	assert.Equal(t, 200, call(t, srv, "GET", "/apis/apps/v1", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/apis/batch/v1", "", "").code)

	srv = NewServer(t, WithRuntimeConfig("api/beta=true,resource.k8s.io/v1beta2=false"))
	assert.Equal(t, 200, call(t, srv, "GET", "/apis/resource.k8s.io/v1beta1", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/apis/resource.k8s.io/v1beta2", "", "").code)

	for _, bad := range []string{"apps/v1=yes", "apps/v1/deployments=false"} {
		_, err := Start(WithRuntimeConfig(bad))
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), bad)
	}
}

// /openapi/v2 answers with a document without paths or definitions, as
// protobuf when asked (what kubectl reads), else JSON.
func TestOpenAPIV2(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "GET", "/openapi/v2", "", "", "Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
	require.Equal(t, 200, r.code)
	// swagger "2.0" (1), info {title, version} (2), paths {} (8).
	want := "\x0a\x032.0\x12\x15\x0a\x0aKubernetes\x12\x07v1.37.2" + "\x42\x00"
	assert.Equal(t, want, r.raw)
	r = call(t, srv, "GET", "/openapi/v2", "", "")
	require.Equal(t, 200, r.code)
	assert.Equal(t, "2.0", r.str("swagger"))
	assert.Equal(t, "v1.37.2", r.str("info", "version"))
}
