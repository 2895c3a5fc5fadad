package protowire

import (
	"testing"
	"unsafe"
)

// ownershipMsg is a message of a string (1), a bytes field (2), an empty
// bytes field (3), an optional int64 (4) and a nested message (5) holding
// a string (1).
func ownershipMsg() []byte {
	b := AppendString(nil, Tag(1, WireBytes), "kube-system")
	b = AppendBytes(b, Tag(2, WireBytes), []byte(`{"f:metadata":{}}`))
	b = AppendBytes(b, Tag(3, WireBytes), []byte{})
	b = AppendUvarint(b, Tag(4, WireVarint), 42)
	inner := AppendString(nil, Tag(1, WireBytes), "nested")
	return AppendBytes(b, Tag(5, WireBytes), inner)
}

type ownershipOut struct {
	s, nested  string
	raw, empty []byte
	n          *int64
}

func decodeOwnership(t *testing.T, d *Decoder) ownershipOut {
	t.Helper()
	var o ownershipOut
	for d.Next() {
		switch d.Num() {
		case 1:
			o.s = d.String()
		case 2:
			o.raw = d.Bytes()
		case 3:
			o.empty = d.Bytes()
		case 4:
			o.n = d.Int64Ptr()
		case 5:
			part := d.Part(d.Message())
			for part.Next() {
				o.nested = part.String()
			}
			if err := part.Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	return o
}

func within(p unsafe.Pointer, buf []byte) bool {
	a := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	return uintptr(p) >= a && uintptr(p) < a+uintptr(len(buf))
}

// An owned decoder decodes in place; a detached one copies what the value
// keeps (sharing short strings and raw values between values), so the
// input may be reused at once.
func TestDecoderOwnership(t *testing.T) {
	in := ownershipMsg()
	owned := decodeOwnership(t, NewDecoderOwned(in))
	if !within(unsafe.Pointer(unsafe.StringData(owned.s)), in) || !within(unsafe.Pointer(unsafe.StringData(owned.nested)), in) || !within(unsafe.Pointer(&owned.raw[0]), in) {
		t.Error("an owned decoder copied its input")
	}

	a := decodeOwnership(t, NewDecoderDetached(in))
	b := decodeOwnership(t, NewDecoderDetached(ownershipMsg()))
	for i := range in {
		in[i] = '#'
	}
	want := ownershipOut{s: "kube-system", nested: "nested", raw: []byte(`{"f:metadata":{}}`), empty: []byte{}}
	for _, o := range []ownershipOut{a, b} {
		if o.s != want.s || o.nested != want.nested || string(o.raw) != string(want.raw) || o.empty == nil || len(o.empty) != 0 || o.n == nil || *o.n != 42 {
			t.Fatalf("detached decode: %+v", o)
		}
	}
	if unsafe.StringData(a.s) != unsafe.StringData(b.s) || &a.raw[0] != &b.raw[0] {
		t.Error("detached values do not share short strings and raw values")
	}
	if cap(a.raw) != len(a.raw) {
		t.Error("a shared raw value has spare capacity")
	}
}

// A detached decoder allocates optional structs one by one, never in
// chunks that would keep unused space alive.
func TestDetachedAllocIsSingle(t *testing.T) {
	var key byte
	allocs := func(d *Decoder) float64 {
		return testing.AllocsPerRun(10, func() {
			d.slabs = nil
			for range 8 {
				_ = Alloc[[4]int64](d, &key, 8)
			}
		})
	}
	if n := allocs(NewDecoderDetached(nil)); n != 8 {
		t.Errorf("detached: %v allocations for 8 structs, want 8", n)
	}
	if n := allocs(NewDecoderOwned(nil)); n > 2 {
		t.Errorf("owned: %v allocations for 8 structs, want one chunk", n)
	}
}
