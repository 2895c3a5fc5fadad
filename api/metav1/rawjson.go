package metav1

import (
	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/jsonwire"
)

// RawJSON is a JSON value kept as its bytes, verbatim: embedded objects of
// any kind (RawExtension), managed-field sets (FieldsV1), and arbitrary
// values in custom resource schemas. Empty RawJSON is serialized as null,
// and null decodes to nil. Decode it further with encoding/json or
// codec.Unmarshal.
type RawJSON []byte

// RawExtension is an embedded object of any kind, kept as raw JSON.
type RawExtension = RawJSON

// FieldsV1 is a set of fields in the managed-fields trie format, kept as raw
// JSON.
type FieldsV1 = RawJSON

// DecodeWire reads any value into m verbatim.
func (m *RawJSON) DecodeWire(r *jsonwire.Reader) { *m = r.Raw() }

// DecodeJSON reads any value into m verbatim.
func (m *RawJSON) DecodeJSON(it *jsoniter.Iterator) {
	var r jsonwire.Reader
	if r.Capture(it) {
		m.DecodeWire(&r)
		r.Report(it, "metav1.RawJSON")
	}
}

// EncodeJSON writes m compacted, as encoding/json writes a Marshaler's
// output, or null when m is empty.
func (m *RawJSON) EncodeJSON(s *jsoniter.Stream) { jsonwire.Raw(s, *m) }

// UnmarshalJSON checks that data is one JSON value and keeps a copy of it.
func (m *RawJSON) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	m.DecodeWire(&r)
	return r.Finish("metav1.RawJSON")
}

// MarshalJSON returns m, or null when m is empty.
func (m RawJSON) MarshalJSON() ([]byte, error) {
	if len(m) == 0 {
		return []byte("null"), nil
	}
	return m, nil
}
