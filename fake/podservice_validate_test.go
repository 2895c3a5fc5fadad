package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestServiceAccountNameAndServicePortsValidated(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/apis/apps/v1/namespaces/default/deployments", ctJSON,
		`{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},`+
			`"spec":{"serviceAccountName":"$SA","containers":[{"name":"c","image":"nginx"}]}}}}`)
	assert.Equal(t, 422, r.code, r.raw)
	assert.Equal(t, `Deployment.apps "d" is invalid: spec.template.spec.serviceAccountName: Invalid value: "$SA": `+msgSubdomain, r.str("message"))

	r = call(t, srv, "POST", "/api/v1/namespaces/default/services", ctJSON, `{"metadata":{"name":"s"},"spec":{"type":"LoadBalancer"}}`)
	assert.Equal(t, 422, r.code, r.raw)
	assert.Equal(t, `Service "s" is invalid: spec.ports: Required value`, r.str("message"))
	for _, spec := range []string{`{"clusterIP":"None"}`, `{"type":"ExternalName","externalName":"example.com"}`} {
		r = call(t, srv, "POST", "/api/v1/namespaces/default/services", ctJSON, `{"metadata":{"generateName":"s"},"spec":`+spec+`}`)
		assert.Equal(t, 201, r.code, r.raw)
	}
}
