package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHPADefaults(t *testing.T) {
	srv := NewServer(t)
	const path = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
	r := call(t, srv, "POST", path, ctJSON,
		`{"metadata":{"name":"h"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"d"},"maxReplicas":3,`+
			`"behavior":{"scaleDown":{"stabilizationWindowSeconds":30}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "1", r.str("spec", "minReplicas"))
	assert.Equal(t, `[{"resource":{"name":"cpu","target":{"averageUtilization":80,"type":"Utilization"}},"type":"Resource"}]`, r.str("spec", "metrics"))
	assert.Equal(t, `{"policies":[{"periodSeconds":15,"type":"Pods","value":4},{"periodSeconds":15,"type":"Percent","value":100}],"selectPolicy":"Max","stabilizationWindowSeconds":0}`, r.str("spec", "behavior", "scaleUp"))
	assert.Equal(t, `{"policies":[{"periodSeconds":15,"type":"Percent","value":100}],"selectPolicy":"Max","stabilizationWindowSeconds":30}`, r.str("spec", "behavior", "scaleDown"))
	assert.Contains(t, r.raw, `"status":{"desiredReplicas":0,"currentMetrics":null}`)

	// The scale-down window has no default.
	r = call(t, srv, "POST", path, ctJSON, `{"metadata":{"name":"w"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"d"},"maxReplicas":3,"behavior":{"scaleUp":{}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, `{"policies":[{"periodSeconds":15,"type":"Percent","value":100}],"selectPolicy":"Max"}`, r.str("spec", "behavior", "scaleDown"))

	// Without a behavior none is added.
	r = call(t, srv, "POST", path, ctJSON, `{"metadata":{"name":"g"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"d"},"maxReplicas":3}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Empty(t, r.str("spec", "behavior"))
}
