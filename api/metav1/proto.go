package metav1

import (
	"time"

	"github.com/kubewire/kubewire/internal/protowire"
)

// Protobuf codecs of the hand-written types, as Kubernetes encodes them.
// They are the methods the generated codecs call: DecodeProto reads the
// type's message from d, SizeProto returns its size, EncodeProto appends
// it.

// ProtoError reports protobuf input that cannot be decoded: truncated or
// malformed, a field of the wrong wire type, a length past the end of its
// message, messages nested more than 100 deep, or a value that does not
// parse (a quantity). Offset is where in the message it was found, Field
// the number of the field being read (0 when none). Every UnmarshalProto
// returns it, never panics, and allocates no more than its input's size
// for a length it has not checked.
type ProtoError = protowire.Error

// decodeTimestamp reads a google.protobuf.Timestamp-shaped message
// (seconds 1, nanos 2); ok reports whether it had any field.
func decodeTimestamp(d *protowire.Decoder) (sec int64, nanos int32, ok bool) {
	for d.Next() {
		switch d.Num() {
		case 1:
			sec, ok = d.Int64(), true
		case 2:
			nanos, ok = d.Int32(), true
		default:
			d.Skip()
		}
	}
	return sec, nanos, ok
}

func sizeTimestamp(sec int64, nanos int32) int {
	return 1 + protowire.SizeVarint(uint64(sec)) + 1 + protowire.SizeVarint(uint64(nanos))
}

func appendTimestamp(b []byte, sec int64, nanos int32) []byte {
	b = protowire.AppendUvarint(b, 0x8, uint64(sec))
	return protowire.AppendUvarint(b, 0x10, uint64(nanos))
}

// DecodeProto reads t from a Timestamp message, in seconds as Kubernetes
// does (nanoseconds are dropped); an empty message is the zero Time.
func (t *Time) DecodeProto(d *protowire.Decoder) {
	if sec, _, ok := decodeTimestamp(d); ok {
		t.Time = time.Unix(sec, 0).UTC()
	} else {
		t.Time = time.Time{}
	}
}

// SizeProto returns the size of t's message: 0 when t is zero.
func (t *Time) SizeProto(*protowire.Encoder) int {
	if t.IsZero() {
		return 0
	}
	return sizeTimestamp(t.Unix(), 0)
}

// EncodeProto appends t's message (seconds, and nanos 0) to b.
func (t *Time) EncodeProto(_ *protowire.Encoder, b []byte) []byte {
	if t.IsZero() {
		return b
	}
	return appendTimestamp(b, t.Unix(), 0)
}

// DecodeProto reads t from a Timestamp message, to the microsecond.
func (t *MicroTime) DecodeProto(d *protowire.Decoder) {
	if sec, nanos, ok := decodeTimestamp(d); ok {
		t.Time = time.Unix(sec, int64(time.Duration(nanos).Truncate(time.Microsecond))).UTC()
	} else {
		t.Time = time.Time{}
	}
}

func (t *MicroTime) nanos() int32 {
	return int32(time.Duration(t.Nanosecond()).Truncate(time.Microsecond))
}

// SizeProto returns the size of t's message: 0 when t is zero.
func (t *MicroTime) SizeProto(*protowire.Encoder) int {
	if t.IsZero() {
		return 0
	}
	return sizeTimestamp(t.Unix(), t.nanos())
}

// EncodeProto appends t's message to b.
func (t *MicroTime) EncodeProto(_ *protowire.Encoder, b []byte) []byte {
	if t.IsZero() {
		return b
	}
	return appendTimestamp(b, t.Unix(), t.nanos())
}

// DecodeProto reads q from its message: the quantity's text, field 1.
func (q *Quantity) DecodeProto(d *protowire.Decoder) {
	*q = Quantity{}
	for d.Next() {
		if d.Num() != 1 {
			d.Skip()
			continue
		}
		s := d.String()
		if s == "0" || d.Failed() {
			*q = Quantity{}
			continue
		}
		if _, reason := parseQuantity(s); reason != "" {
			d.Fail("quantity: " + reason)
			return
		}
		q.s = s
	}
}

// SizeProto returns the size of q's message.
func (q *Quantity) SizeProto(*protowire.Encoder) int {
	return 1 + protowire.SizeBytes(len(q.String()))
}

// EncodeProto appends q's message (its text) to b.
func (q *Quantity) EncodeProto(_ *protowire.Encoder, b []byte) []byte {
	return protowire.AppendString(b, 0xa, q.String())
}

// DecodeProto reads v from its message: type 1, intVal 2, strVal 3.
func (v *IntOrString) DecodeProto(d *protowire.Decoder) {
	*v = IntOrString{}
	for d.Next() {
		switch d.Num() {
		case 1:
			v.Type = IntOrStringType(d.Int64())
		case 2:
			v.IntVal = d.Int32()
		case 3:
			v.StrVal = d.String()
		default:
			d.Skip()
		}
	}
}

// SizeProto returns the size of v's message.
func (v *IntOrString) SizeProto(*protowire.Encoder) int {
	return 1 + protowire.SizeVarint(uint64(v.Type)) + 1 + protowire.SizeVarint(uint64(v.IntVal)) + 1 + protowire.SizeBytes(len(v.StrVal))
}

// EncodeProto appends v's message to b; every field is written, as
// Kubernetes does.
func (v *IntOrString) EncodeProto(_ *protowire.Encoder, b []byte) []byte {
	b = protowire.AppendUvarint(b, 0x8, uint64(v.Type))
	b = protowire.AppendUvarint(b, 0x10, uint64(v.IntVal))
	return protowire.AppendString(b, 0x1a, v.StrVal)
}

// DecodeProto reads m from a RawExtension, FieldsV1 or apiextensions JSON
// message: its bytes are field 1 (nil when absent).
func (m *RawJSON) DecodeProto(d *protowire.Decoder) {
	*m = nil
	for d.Next() {
		if d.Num() == 1 {
			*m = d.Bytes()
		} else {
			d.Skip()
		}
	}
}

// SizeProto returns the size of m's message.
func (m *RawJSON) SizeProto(*protowire.Encoder) int {
	if *m == nil {
		return 0
	}
	return 1 + protowire.SizeBytes(len(*m))
}

// EncodeProto appends m's message to b: field 1 when m is not nil.
func (m *RawJSON) EncodeProto(_ *protowire.Encoder, b []byte) []byte {
	if *m == nil {
		return b
	}
	return protowire.AppendBytes(b, 0xa, *m)
}
