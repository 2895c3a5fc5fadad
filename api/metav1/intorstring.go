package metav1

import (
	"strconv"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/jsonwire"
)

// IntOrStringType says which of an IntOrString's values is set.
type IntOrStringType int

// IntOrString types.
const (
	// IntOrStringInt means IntVal is set.
	IntOrStringInt IntOrStringType = iota
	// IntOrStringString means StrVal is set.
	IntOrStringString
)

// IntOrString holds an int32 or a string, serialized as a JSON number or a
// JSON string: a port number or name, a count or a percentage ("25%"). The
// zero IntOrString is the integer 0.
type IntOrString struct {
	Type   IntOrStringType
	IntVal int32
	StrVal string
}

// FromInt32 returns an IntOrString holding v.
func FromInt32(v int32) IntOrString { return IntOrString{Type: IntOrStringInt, IntVal: v} }

// FromString returns an IntOrString holding s.
func FromString(s string) IntOrString { return IntOrString{Type: IntOrStringString, StrVal: s} }

// String returns the string value, or the integer formatted in decimal.
func (v IntOrString) String() string {
	if v.Type == IntOrStringString {
		return v.StrVal
	}
	return strconv.Itoa(int(v.IntVal))
}

// IsZero reports whether v is the zero IntOrString, the integer 0. The
// string "" is not zero.
func (v IntOrString) IsZero() bool { return v == IntOrString{} }

// IntValue returns the integer value, or the string parsed as a decimal
// integer (0 when it is not one).
func (v IntOrString) IntValue() int {
	if v.Type == IntOrStringString {
		i, _ := strconv.Atoi(v.StrVal)
		return i
	}
	return int(v.IntVal)
}

// DecodeWire reads v from a JSON number (which must fit int32) or string;
// null reads as the zero value.
func (v *IntOrString) DecodeWire(r *jsonwire.Reader) {
	switch r.Kind() {
	case '"':
		b, _ := r.StringBytes()
		*v = IntOrString{Type: IntOrStringString, StrVal: r.Keep(b)}
	case '0':
		*v = IntOrString{Type: IntOrStringInt, IntVal: r.Int32()}
	case 'n':
		r.Null()
		*v = IntOrString{}
	default:
		r.Fail("IntOrString: expected a number or a string")
	}
}

// DecodeJSON reads v from it.
func (v *IntOrString) DecodeJSON(it *jsoniter.Iterator) {
	var r jsonwire.Reader
	if r.Capture(it) {
		v.DecodeWire(&r)
		r.Report(it, "metav1.IntOrString")
	}
}

// EncodeJSON writes v as a JSON number or string.
func (v *IntOrString) EncodeJSON(s *jsoniter.Stream) {
	if v.Type == IntOrStringString {
		jsonwire.String(s, v.StrVal)
		return
	}
	s.WriteInt32(v.IntVal)
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *IntOrString) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	v.DecodeWire(&r)
	return r.Finish("metav1.IntOrString")
}

// MarshalJSON implements json.Marshaler.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	s := borrowStream()
	v.EncodeJSON(s)
	return finishStream(s)
}
