package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookAndPolicyDefaults(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", ctJSON,
		`{"metadata":{"name":"m"},"webhooks":[{"name":"m.example.com","sideEffects":"None","admissionReviewVersions":["v1"],`+
			`"clientConfig":{"service":{"namespace":"ns","name":"svc","path":"/mutate"}},`+
			`"rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]}`)
	require.Equal(t, 201, r.code, r.raw)
	w := func(path ...string) string { return r.str(append([]string{"webhooks", "0"}, path...)...) }
	assert.Equal(t, "Fail", w("failurePolicy"))
	assert.Equal(t, "Equivalent", w("matchPolicy"))
	assert.Equal(t, "{}", w("namespaceSelector"))
	assert.Equal(t, "{}", w("objectSelector"))
	assert.Equal(t, "10", w("timeoutSeconds"))
	assert.Equal(t, "Never", w("reinvocationPolicy"))
	assert.Equal(t, "443", w("clientConfig", "service", "port"))
	assert.Equal(t, "*", w("rules", "0", "scope"))

	r = call(t, srv, "POST", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies", ctJSON,
		`{"metadata":{"name":"p"},"spec":{"matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["deployments"]}]},`+
			`"validations":[{"expression":"object.spec.replicas <= 5"}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "Fail", r.str("spec", "failurePolicy"))
	assert.Equal(t, "Equivalent", r.str("spec", "matchConstraints", "matchPolicy"))
	assert.Equal(t, "{}", r.str("spec", "matchConstraints", "objectSelector"))
	assert.Equal(t, "*", r.str("spec", "matchConstraints", "resourceRules", "0", "scope"))
}
