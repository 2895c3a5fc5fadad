// Package protowire is the engine under kubewire's generated protobuf
// codecs: varints, tags and length-delimited fields read with bounds
// checks, fields the Go types do not declare kept and written back, and
// Kubernetes' framing (the "k8s\x00" envelope around a runtime.Unknown,
// and watch event frames). It uses no protobuf library: Kubernetes' field
// numbers are facts the generator reads from internal/gen/protofacts.txt.
//
// Decoding copies its input once and decodes from the copy (or from the
// input itself, when the caller hands it over): strings and byte slices of
// the decoded value point into it, so a decoded object costs one
// allocation for all its text. A detached decoder instead copies out what
// the value keeps, sharing the copies of short strings and raw values
// with other detached values (package intern), for values kept for long.
package protowire

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/kubewire/kubewire/internal/intern"
)

// Wire types.
const (
	WireVarint  = 0
	WireFixed64 = 1
	WireBytes   = 2
	WireFixed32 = 5
)

// MaxDepth is how deeply messages may nest before decoding fails.
const MaxDepth = 100

// Error reports protobuf input that cannot be decoded: truncated,
// malformed, of the wrong wire type, or nested too deeply. It is
// metav1.ProtoError to callers.
type Error struct {
	// Offset is where in the input the problem was found.
	Offset int
	// Field is the field number being read, 0 when none.
	Field int
	// Reason says what is wrong.
	Reason string
}

func (e *Error) Error() string {
	s := "protobuf: " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
	if e.Field != 0 {
		s += " (field " + strconv.Itoa(e.Field) + ")"
	}
	return s
}

// Decoder reads one message. Generated DecodeProto methods call Next until
// it returns false and read each field with the method its type needs; a
// failure is recorded once (Err) and makes every later read return zero.
type Decoder struct {
	buf      []byte
	pos, end int
	num      int
	wire     int
	tagStart int
	depth    int
	err      *Error
	path     []int32 // field number and item index of each message entered
	pathBuf  [16]int32
	unknown  []unknownField
	words    []uint64
	strs     []string
	slabs    []slab
	// detached marks a decoder that borrows buf for the decode only (see
	// NewDecoderDetached).
	detached bool
}

// NewDecoder returns a decoder of the message data, which it copies:
// strings and bytes of the decoded value point into the copy.
func NewDecoder(data []byte) *Decoder {
	buf := append([]byte(nil), data...) // not cleared before the copy, as make would
	p := &Decoder{buf: buf, end: len(data)}
	p.path = p.pathBuf[:0] // no allocation for the first levels
	return p
}

// NewDecoderOwned returns a decoder of the message data, which it keeps:
// strings and bytes of the decoded value point into data, so the caller
// must never change data afterwards.
func NewDecoderOwned(data []byte) *Decoder {
	p := &Decoder{buf: data, end: len(data)}
	p.path = p.pathBuf[:0] // no allocation for the first levels
	return p
}

// NewDecoderDetached returns a decoder of the message data, which it
// borrows for the decode only: the decoded value shares no memory with
// data and holds no more than it needs, for values kept for long (an
// informer's cache). Strings and bytes are copies, those of short strings
// and raw values shared with other detached values holding the same bytes
// (see package intern); optional scalars and structs are allocated one by
// one, so that no unused chunk stays alive with the value.
func NewDecoderDetached(data []byte) *Decoder {
	p := &Decoder{buf: data, end: len(data), detached: true}
	p.path = p.pathBuf[:0] // no allocation for the first levels
	return p
}

// ResetOwned makes d, a decoder no longer in use (or new), a decoder of
// data as NewDecoderOwned returns, without allocating: for callers that
// pool decoders. Values decoded before may keep using the chunks d had
// allocated from; d forgets them.
func (d *Decoder) ResetOwned(data []byte) {
	unknown := d.unknown[:0]
	*d = Decoder{buf: data, end: len(data), unknown: unknown}
	d.path = d.pathBuf[:0]
}

// Release makes d forget its input and what it allocated, so that a pooled
// decoder keeps nothing alive.
func (d *Decoder) Release() {
	for i := range d.unknown {
		d.unknown[i] = unknownField{}
	}
	unknown := d.unknown[:0]
	*d = Decoder{unknown: unknown}
}

// Part returns a decoder of part, the bytes of a message within d's input
// (from Message), that decodes as d does: from d's copy, in place, or
// detached. A list decodes its items with parts, each on its own (or in
// parallel).
func (d *Decoder) Part(part []byte) *Decoder {
	p := &Decoder{buf: part, end: len(part), detached: d.detached}
	p.path = p.pathBuf[:0] // no allocation for the first levels
	return p
}

// Message reads a length-delimited field (a nested message) without
// decoding it and returns its bytes, a slice of d's input, for Part.
func (d *Decoder) Message() []byte {
	n, ok := d.length()
	if !ok {
		return nil
	}
	b := d.buf[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b
}

// Err returns the first failure, or nil. A decoder that stopped before
// the end of its input without failing has failed.
func (d *Decoder) Err() error {
	if d.err != nil {
		return d.err
	}
	if d.depth == 0 && d.pos != d.end {
		d.fail("data after the message")
		return d.err
	}
	return nil
}

// Failed reports whether decoding has failed.
func (d *Decoder) Failed() bool { return d.err != nil }

func (d *Decoder) fail(reason string) {
	if d.err == nil {
		d.err = &Error{Offset: d.pos, Field: d.num, Reason: reason}
		d.pos = d.end
	}
}

// Num returns the number of the field Next read.
func (d *Decoder) Num() int { return d.num }

// Next reads the next field's tag of the current message; false at its end
// or on failure.
func (d *Decoder) Next() bool {
	if d.pos >= d.end || d.err != nil {
		return false
	}
	d.tagStart = d.pos
	var v uint64
	if c := d.buf[d.pos]; c < 0x80 {
		v = uint64(c)
		d.pos++
	} else {
		v = d.varint()
	}
	d.num, d.wire = int(v>>3), int(v&7)
	if d.num == 0 || v>>3 > math.MaxInt32 {
		d.num = 0
		d.fail("invalid field number")
		return false
	}
	return d.err == nil
}

// varint reads a varint of at most 10 bytes within the current message.
func (d *Decoder) varint() uint64 {
	var v uint64
	for shift := uint(0); shift < 70; shift += 7 {
		if d.pos >= d.end {
			d.fail("truncated varint")
			return 0
		}
		c := d.buf[d.pos]
		d.pos++
		if shift == 63 && c > 1 {
			d.fail("varint overflows 64 bits")
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.fail("varint longer than 10 bytes")
	return 0
}

func (d *Decoder) want(wire int) bool {
	if d.wire != wire {
		d.fail("wire type " + strconv.Itoa(d.wire) + ", expected " + strconv.Itoa(wire))
		return false
	}
	return true
}

// Uvarint reads a varint field.
func (d *Decoder) Uvarint() uint64 {
	if !d.want(WireVarint) {
		return 0
	}
	if d.pos < d.end && d.buf[d.pos] < 0x80 {
		d.pos++
		return uint64(d.buf[d.pos-1])
	}
	return d.varint()
}

// Bool reads a bool field.
func (d *Decoder) Bool() bool { return d.Uvarint() != 0 }

// Int32 reads an int32 field (a varint, negative numbers sign-extended).
func (d *Decoder) Int32() int32 { return int32(d.Uvarint()) }

// Int64 reads an int64 field.
func (d *Decoder) Int64() int64 { return int64(d.Uvarint()) }

// Float64 reads a double field.
func (d *Decoder) Float64() float64 {
	if !d.want(WireFixed64) {
		return 0
	}
	if d.end-d.pos < 8 {
		d.fail("truncated fixed64")
		return 0
	}
	b := d.buf[d.pos : d.pos+8]
	d.pos += 8
	return math.Float64frombits(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
}

// length reads a length prefix and checks it against the current message.
func (d *Decoder) length() (int, bool) {
	if !d.want(WireBytes) {
		return 0, false
	}
	var n uint64
	if d.pos < d.end && d.buf[d.pos] < 0x80 {
		n = uint64(d.buf[d.pos])
		d.pos++
	} else {
		n = d.varint()
	}
	if d.err != nil {
		return 0, false
	}
	if n > uint64(d.end-d.pos) {
		d.fail("length " + strconv.FormatUint(n, 10) + " past the end of the message")
		return 0, false
	}
	return int(n), true
}

// String reads a string field. It points into the decoder's input (or
// its copy), or is a copy when the decoder is detached.
func (d *Decoder) String() string {
	n, ok := d.length()
	if !ok || n == 0 {
		return ""
	}
	var s string
	if d.detached {
		s = intern.String(d.buf[d.pos : d.pos+n])
	} else {
		s = unsafe.String(&d.buf[d.pos], n)
	}
	d.pos += n
	return s
}

// Bytes reads a bytes field: never nil when read, even when empty. It
// points into the decoder's input (or its copy), or is a copy that must
// not be written in place when the decoder is detached.
func (d *Decoder) Bytes() []byte {
	n, ok := d.length()
	if !ok {
		return nil
	}
	var b []byte
	switch {
	case !d.detached:
		b = d.buf[d.pos : d.pos+n : d.pos+n]
	case n == 0:
		b = []byte{}
	default:
		b = intern.Bytes(d.buf[d.pos : d.pos+n])
	}
	d.pos += n
	return b
}

// word returns a fresh 8-byte word from the decoder's slab, or allocated
// on its own when the decoder is detached.
func (d *Decoder) word() unsafe.Pointer {
	if d.detached {
		return unsafe.Pointer(new(uint64))
	}
	if len(d.words) == 0 {
		d.words = make([]uint64, 32)
	}
	p := unsafe.Pointer(&d.words[0])
	d.words = d.words[1:]
	return p
}

// BoolPtr reads a bool field into a new pointer.
func (d *Decoder) BoolPtr() *bool {
	p := (*bool)(d.word())
	*p = d.Bool()
	return p
}

// Int32Ptr reads an int32 field into a new pointer.
func (d *Decoder) Int32Ptr() *int32 {
	p := (*int32)(d.word())
	*p = d.Int32()
	return p
}

// Int64Ptr reads an int64 field into a new pointer.
func (d *Decoder) Int64Ptr() *int64 {
	p := (*int64)(d.word())
	*p = d.Int64()
	return p
}

// Float64Ptr reads a double field into a new pointer.
func (d *Decoder) Float64Ptr() *float64 {
	p := (*float64)(d.word())
	*p = d.Float64()
	return p
}

// StringPtr reads a string field into a new pointer.
func (d *Decoder) StringPtr() *string {
	if d.detached {
		p := new(string)
		*p = d.String()
		return p
	}
	if len(d.strs) == 0 {
		d.strs = make([]string, 16)
	}
	p := &d.strs[0]
	d.strs = d.strs[1:]
	*p = d.String()
	return p
}

// Enter begins a nested message, the current field, as the item index of
// a repeated field (-1 for a single field). It returns the end of the
// enclosing message, for Leave, and false when the field is not a valid
// message (then Leave must not be called).
func (d *Decoder) Enter(index int) (int, bool) {
	n, ok := d.length()
	if !ok {
		return 0, false
	}
	if d.depth >= MaxDepth {
		d.fail("messages nested deeper than " + strconv.Itoa(MaxDepth))
		return 0, false
	}
	d.depth++
	d.path = append(d.path, int32(d.num), int32(index))
	outer := d.end
	d.end = d.pos + n
	return outer, true
}

// Leave ends the nested message begun by Enter.
func (d *Decoder) Leave(outer int) {
	d.depth--
	d.path = d.path[:len(d.path)-2]
	if d.err != nil {
		d.end = outer
		d.pos = outer
		return
	}
	d.end = outer
}

// Count returns how many fields with the current field's number follow
// one another from here, counting the one just read: decoders size
// repeated fields with it. Kubernetes writes a repeated field's items
// together, so the scan stops at the first other field; items further on
// are appended, and malformed input gives a wrong count, which decoding
// then reports.
func (d *Decoder) Count() int {
	n := 1
	tag := uint64(d.num)<<3 | uint64(d.wire)
	p := skipValue(d.buf, d.pos, d.end, d.wire)
	for p >= 0 && p < d.end {
		var t uint64
		var q int
		if c := d.buf[p]; c < 0x80 {
			t, q = uint64(c), p+1
		} else if t, q = readVarint(d.buf, p, d.end); q < 0 {
			break
		}
		if t != tag {
			break
		}
		n++
		p = skipValue(d.buf, q, d.end, d.wire)
	}
	return n
}

// readVarint reads a varint at p, returning it and the offset after it, or
// -1 when malformed.
func readVarint(b []byte, p, end int) (uint64, int) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if p >= end {
			return 0, -1
		}
		c := b[p]
		p++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, p
		}
	}
	return 0, -1
}

// skipValue returns the offset after a value of the wire type at p, or -1.
func skipValue(b []byte, p, end, wire int) int {
	switch wire {
	case WireVarint:
		_, p = readVarint(b, p, end)
		return p
	case WireFixed64:
		if end-p < 8 {
			return -1
		}
		return p + 8
	case WireFixed32:
		if end-p < 4 {
			return -1
		}
		return p + 4
	case WireBytes:
		n, q := readVarint(b, p, end)
		if q < 0 || n > uint64(end-q) {
			return -1
		}
		return q + int(n)
	}
	return -1
}

// Skip skips the current field's value.
func (d *Decoder) Skip() {
	p := skipValue(d.buf, d.pos, d.end, d.wire)
	if p < 0 {
		d.fail("malformed or truncated value of wire type " + strconv.Itoa(d.wire))
		return
	}
	d.pos = p
}

// Unknown skips the current field, which the Go type does not declare,
// keeping it (tag and value) for TakeUnknown.
func (d *Decoder) Unknown() {
	d.Skip()
	if d.err != nil {
		return
	}
	d.unknown = append(d.unknown, unknownField{path: pathKey(d.path), data: d.buf[d.tagStart:d.pos:d.pos]})
}

// Fail records a failure of the value just read (a quantity that does not
// parse), unless one was recorded before.
func (d *Decoder) Fail(reason string) { d.fail(reason) }

// RawField skips the current field and returns it whole, tag included:
// for tests and tools that copy fields they do not interpret.
func (d *Decoder) RawField() []byte {
	d.Skip()
	if d.err != nil {
		return nil
	}
	return d.buf[d.tagStart:d.pos:d.pos]
}
