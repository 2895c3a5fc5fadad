package codec

import (
	"testing"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// target has every kind of decoder and records which one Unmarshal used.
type target struct {
	transient bool
	used      string
}

func (x *target) DecodeOwnedJSON(data []byte) error { x.used = "owned:" + string(data); return nil }
func (x *target) TransientJSON() bool               { return x.transient }
func (x *target) DecodeJSON(it *jsoniter.Iterator)  { it.Skip(); x.used = "iterator" }

// Unmarshal hands the caller's bytes to a whole-body decoder only when that
// decoder keeps nothing of them; otherwise the generated decoder reads them.
func TestUnmarshalChoosesDecoder(t *testing.T) {
	x := &target{transient: true}
	require.NoError(t, Unmarshal([]byte(`{"a":1}`), x))
	assert.Equal(t, `owned:{"a":1}`, x.used)

	x = &target{}
	require.NoError(t, Unmarshal([]byte(`{"a":1}`), x))
	assert.Equal(t, "iterator", x.used, "a decoder that keeps its input must not alias the caller's bytes")

	var plain struct{ A int }
	require.NoError(t, Unmarshal([]byte(`{"A":2}`), &plain))
	assert.Equal(t, 2, plain.A)
	assert.Error(t, Unmarshal([]byte(`{"A":`), &plain))
}
