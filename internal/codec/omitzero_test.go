package codec

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stamp is zero by its IsZero method, on the value.
type stamp struct{ time.Time }

// ptrZero is zero by its IsZero method on the pointer: when N is 1.
type ptrZero struct{ N int }

func (p *ptrZero) IsZero() bool { return p.N == 1 }

type inner struct {
	At stamp `json:"at,omitzero"`
}

type omitZeroCase struct {
	inner  `json:",inline"`
	Meta   inner           `json:"meta"`
	Both   stamp           `json:"both,omitempty,omitzero"`
	Empty  []int           `json:"empty,omitempty"`
	Slice  []int           `json:"slice,omitzero"`
	Num    int             `json:"num,omitzero"`
	Struct struct{ A int } `json:"struct,omitzero"`
	Ptr    *stamp          `json:"ptr,omitzero"`
	ByPtr  ptrZero         `json:"byPtr,omitzero"`
	Iface  any             `json:"iface,omitzero"`
	Named  stamp           `json:"omitzero"`
	Plain  stamp           `json:"plain"`
}

// Marshal leaves out the fields tagged omitzero exactly where
// encoding/json does: by IsZero where the type has it (on the value or the
// pointer), else when the value is Go's zero; an empty but non-nil slice is
// not zero.
func TestMarshalOmitZero(t *testing.T) {
	at := stamp{time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	cases := map[string]omitZeroCase{
		"zero": {},
		"set": {inner: inner{At: at}, Meta: inner{At: at}, Both: at, Empty: []int{}, Slice: []int{}, Num: 1,
			Struct: struct{ A int }{1}, Ptr: &stamp{}, ByPtr: ptrZero{N: 2}, Iface: 0, Named: at, Plain: at},
		"zero by method": {ByPtr: ptrZero{N: 1}, Ptr: &stamp{}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(&c)
			require.NoError(t, err)
			got, err := Marshal(&c)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
		})
	}
	// A value, not addressable: ByPtr's IsZero is still called (N is 0,
	// so it is kept); a field named "omitzero" has no options.
	got, err := Marshal(omitZeroCase{})
	require.NoError(t, err)
	assert.Equal(t, `{"meta":{},"byPtr":{"N":0},"omitzero":"0001-01-01T00:00:00Z","plain":"0001-01-01T00:00:00Z"}`, string(got))
}
