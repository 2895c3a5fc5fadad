package jsonwire_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

func decodeResources(t *testing.T, data string, owned bool) corev1.ResourceRequirements {
	t.Helper()
	var r jsonwire.Reader
	if owned {
		r.ResetOwned([]byte(data))
	} else {
		r.Reset([]byte(data))
	}
	var x corev1.ResourceRequirements
	x.DecodeWire(&r)
	require.NoError(t, r.Finish("corev1.ResourceRequirements"))
	return x
}

func mapPtr(m any) uintptr { return reflect.ValueOf(m).Pointer() }

// Detached decoding shares equal resource lists, whatever the order of
// their entries, and never unequal ones; owned decoding shares none.
func TestShareQuantities(t *testing.T) {
	a := decodeResources(t, `{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"250m","memory":"64Mi"}}`, false)
	b := decodeResources(t, `{"limits":{"memory":"128Mi","cpu":"500m"},"requests":{"cpu":"250m","memory":"65Mi"}}`, false)
	assert.Equal(t, a.Limits, b.Limits)
	assert.Equal(t, mapPtr(a.Limits), mapPtr(b.Limits), "equal lists are shared")
	assert.NotEqual(t, a.Requests, b.Requests)
	assert.NotEqual(t, mapPtr(a.Requests), mapPtr(b.Requests), "different lists are not")
	assert.Equal(t, "65Mi", b.Requests["memory"].String())

	c := decodeResources(t, `{"limits":{"cpu":"500m","memory":"128Mi","ephemeral-storage":"1Gi"}}`, false)
	assert.NotEqual(t, mapPtr(a.Limits), mapPtr(c.Limits), "a superset is not equal")
	assert.Len(t, c.Limits, 3)

	o1 := decodeResources(t, `{"limits":{"cpu":"500m","memory":"128Mi"}}`, true)
	o2 := decodeResources(t, `{"limits":{"cpu":"500m","memory":"128Mi"}}`, true)
	assert.Equal(t, a.Limits, o1.Limits)
	assert.NotEqual(t, mapPtr(o1.Limits), mapPtr(o2.Limits), "owned lists are not shared")
	assert.NotEqual(t, mapPtr(a.Limits), mapPtr(o1.Limits))
}
