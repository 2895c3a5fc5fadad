package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookAndPolicyDefaults(t *testing.T) {
	srv := NewServer(t)
	// A mutating and a validating webhook get their types' defaults;
	// only a mutating one has a reinvocation policy.
	for resource, reinvocation := range map[string]string{"mutatingwebhookconfigurations": "Never", "validatingwebhookconfigurations": ""} {
		r := call(t, srv, "POST", "/apis/admissionregistration.k8s.io/v1/"+resource, ctJSON,
			`{"metadata":{"name":"m"},"webhooks":[{"name":"m.example.com","sideEffects":"None","admissionReviewVersions":["v1"],`+
				`"clientConfig":{"service":{"namespace":"ns","name":"svc","path":"/mutate"}},`+
				`"rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]}`)
		require.Equal(t, 201, r.code, r.raw)
		w := func(path ...string) string { return r.str(append([]string{"webhooks", "0"}, path...)...) }
		assert.Equal(t, "Fail", w("failurePolicy"), resource)
		assert.Equal(t, "Equivalent", w("matchPolicy"), resource)
		assert.Equal(t, "{}", w("namespaceSelector"), resource)
		assert.Equal(t, "{}", w("objectSelector"), resource)
		assert.Equal(t, "10", w("timeoutSeconds"), resource)
		assert.Equal(t, reinvocation, w("reinvocationPolicy"), resource)
		assert.Equal(t, "443", w("clientConfig", "service", "port"), resource)
		assert.Equal(t, "*", w("rules", "0", "scope"), resource)
	}

	r := call(t, srv, "POST", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies", ctJSON,
		`{"metadata":{"name":"p"},"spec":{"matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["deployments"]}]},`+
			`"validations":[{"expression":"object.spec.replicas <= 5"}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "Fail", r.str("spec", "failurePolicy"))
	assert.Equal(t, "Equivalent", r.str("spec", "matchConstraints", "matchPolicy"))
	assert.Equal(t, "{}", r.str("spec", "matchConstraints", "objectSelector"))
	assert.Equal(t, "*", r.str("spec", "matchConstraints", "resourceRules", "0", "scope"))
}
