package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStorageClassDefaultsAndImmutableFields(t *testing.T) {
	srv := NewServer(t)
	const path = "/apis/storage.k8s.io/v1/storageclasses"
	r := call(t, srv, "POST", path, ctJSON, `{"metadata":{"name":"slow"},"provisioner":"example.com/a","parameters":{"type":"a"}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "Delete", r.str("reclaimPolicy"))
	assert.Equal(t, "Immediate", r.str("volumeBindingMode"))

	r = call(t, srv, "PUT", path+"/slow", ctJSON, `{"metadata":{"name":"slow"},"provisioner":"example.com/b","parameters":{"type":"b"},"volumeBindingMode":"WaitForFirstConsumer"}`)
	assert.Equal(t, 422, r.code, r.raw)
	assert.Equal(t, `StorageClass.storage.k8s.io "slow" is invalid: [provisioner: Invalid value: null: field is immutable, parameters: Invalid value: null: field is immutable, volumeBindingMode: Invalid value: null: field is immutable]`, r.str("message"))

	// Labels may change.
	r = call(t, srv, "PUT", path+"/slow", ctJSON, `{"metadata":{"name":"slow","labels":{"a":"b"}},"provisioner":"example.com/a","parameters":{"type":"a"}}`)
	assert.Equal(t, 200, r.code, r.raw)
}
