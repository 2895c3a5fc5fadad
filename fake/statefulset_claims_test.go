package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatefulSetClaimTemplatesDefaulted(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/apis/apps/v1/namespaces/default/statefulsets", ctJSON,
		`{"metadata":{"name":"s"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},`+
			`"spec":{"containers":[{"name":"c","image":"nginx"}]}},`+
			`"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "v1", r.str("spec", "volumeClaimTemplates", "0", "apiVersion"))
	assert.Equal(t, "PersistentVolumeClaim", r.str("spec", "volumeClaimTemplates", "0", "kind"))
	assert.Equal(t, "Pending", r.str("spec", "volumeClaimTemplates", "0", "status", "phase"))
	assert.Equal(t, "Filesystem", r.str("spec", "volumeClaimTemplates", "0", "spec", "volumeMode"))
}

// A StatefulSet's containers may mount its claim templates by name.
func TestStatefulSetMountsClaimTemplates(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/apis/apps/v1/namespaces/default/statefulsets", ctJSON,
		`{"metadata":{"name":"s"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},`+
			`"spec":{"containers":[{"name":"c","image":"nginx","volumeMounts":[{"name":"data","mountPath":"/data"}]}]}},`+
			`"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Empty(t, r.str("spec", "template", "spec", "volumes"), "the claim is no volume of the stored template")
	r = call(t, srv, "POST", "/apis/apps/v1/namespaces/default/statefulsets", ctJSON,
		`{"metadata":{"name":"t"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},`+
			`"spec":{"containers":[{"name":"c","image":"nginx","volumeMounts":[{"name":"other","mountPath":"/data"}]}]}}}}`)
	assert.Equal(t, 422, r.code, r.raw)
}
