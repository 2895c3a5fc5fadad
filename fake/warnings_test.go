package fake

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// warningsOf creates body at path and returns the Warning headers'
// texts.
func warningsOf(t *testing.T, srv *Server, path, body string) []string {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ctJSON)
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, 201, r.StatusCode)
	var out []string
	for _, w := range r.Header.Values("Warning") {
		// 299 - "text"
		out = append(out, strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(w, `299 - "`), `"`), `\"`, `"`))
	}
	return out
}

func TestDeprecationWarnings(t *testing.T) {
	srv := NewServer(t)
	assert.Equal(t, []string{
		"spec.volumes[0].glusterfs: deprecated in v1.25, non-functional in v1.26+",
		"spec.volumes[1].storageOS: deprecated in v1.22, non-functional in v1.25+",
	}, warningsOf(t, srv, "/api/v1/namespaces/default/pods",
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx"}],"volumes":[`+
			`{"name":"a","glusterfs":{"endpoints":"e","path":"p"}},{"name":"b","storageos":{"volumeName":"v"}},{"name":"c","emptyDir":{}}]}}`))
	assert.Equal(t, []string{"spec.template.spec.volumes[0].cephfs: deprecated in v1.28, non-functional in v1.31+"},
		warningsOf(t, srv, "/apis/apps/v1/namespaces/default/deployments",
			`{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},`+
				`"spec":{"containers":[{"name":"c","image":"nginx"}],"volumes":[{"name":"a","cephfs":{"monitors":["m"]}}]}}}}`))
	assert.Equal(t, []string{`metadata.annotations[volume.beta.kubernetes.io/storage-class]: deprecated since v1.8; use "storageClassName" attribute instead`},
		warningsOf(t, srv, "/api/v1/namespaces/default/persistentvolumeclaims",
			`{"metadata":{"name":"c","annotations":{"volume.beta.kubernetes.io/storage-class":"slow"}},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}`))
	assert.Equal(t, []string{`annotation "kubernetes.io/ingress.class" is deprecated, please use 'spec.ingressClassName' instead`},
		warningsOf(t, srv, "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
			`{"metadata":{"name":"i","annotations":{"kubernetes.io/ingress.class":"nginx"}},"spec":{"defaultBackend":{"service":{"name":"s","port":{"number":80}}}}}`))
}

func TestReplicationControllerTemplateWarnings(t *testing.T) {
	srv := NewServer(t)
	assert.Equal(t, []string{"spec.template.spec.volumes[0].flocker: deprecated in v1.22, non-functional in v1.25+"},
		warningsOf(t, srv, "/api/v1/namespaces/default/replicationcontrollers",
			`{"metadata":{"name":"rc"},"spec":{"template":{"metadata":{"labels":{"a":"b"}},`+
				`"spec":{"containers":[{"name":"c","image":"nginx"}],"volumes":[{"name":"a","flocker":{"datasetName":"d"}}]}}}}`))
}
