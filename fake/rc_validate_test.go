package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReplicationControllerAndTemplateValidation(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/api/v1/namespaces/default/replicationcontrollers", ctJSON,
		`{"metadata":{"name":"rc","labels":{"app":"a"}},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}`)
	assert.Equal(t, 422, r.code, r.raw)
	assert.Equal(t, `ReplicationController "rc" is invalid: spec.selector: Required value`, r.str("message"))

	r = call(t, srv, "POST", "/api/v1/namespaces/default/replicationcontrollers", ctJSON,
		`{"metadata":{"name":"rc"},"spec":{"selector":{"app":"b"},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}`)
	assert.Equal(t, 422, r.code, r.raw)
	assert.Equal(t, `ReplicationController "rc" is invalid: spec.template.metadata.labels: Invalid value: {"app":"a"}: selector does not match template labels`, r.str("message"))

	// A Deployment without a template gets the pod spec's defaults
	// before validation: only what they cannot fill is reported.
	r = call(t, srv, "POST", "/apis/apps/v1/namespaces/default/deployments", ctJSON, `{"metadata":{"name":"d"},"spec":{"replicas":6}}`)
	assert.Equal(t, 422, r.code, r.raw)
	assert.Equal(t, "Deployment.apps \"d\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`, spec.template.spec.containers: Required value]", r.str("message"))
}
