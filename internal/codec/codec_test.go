package codec

import (
	"testing"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// both records which of its decoders ran.
type both struct {
	transient bool
	via       string
}

func (b *both) DecodeOwnedJSON(data []byte) error { b.via = "owned " + string(data); return nil }
func (b *both) TransientJSON() bool               { return b.transient }
func (b *both) DecodeJSON(it *jsoniter.Iterator)  { it.Skip(); b.via = "iterator" }

// Unmarshal hands the caller's bytes to a whole-body decoder only when it
// keeps nothing of them.
func TestUnmarshalPrefersTransientOwnedDecoder(t *testing.T) {
	b := &both{transient: true}
	require.NoError(t, Unmarshal([]byte(`{"a":1}`), b))
	assert.Equal(t, `owned {"a":1}`, b.via)

	b = &both{transient: false}
	require.NoError(t, Unmarshal([]byte(`{"a":1}`), b))
	assert.Equal(t, "iterator", b.via, "an owned decoder that keeps data must not alias the caller's bytes")
}
