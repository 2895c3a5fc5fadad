package protowire

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

func TestVarints(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 300, 1<<32 - 1, 1 << 35, math.MaxInt64, math.MaxUint64} {
		b := AppendVarint(nil, v)
		if len(b) != SizeVarint(v) {
			t.Errorf("%d: %d bytes, SizeVarint %d", v, len(b), SizeVarint(v))
		}
		d := &Decoder{buf: append(AppendVarint(nil, Tag(1, WireVarint)), b...)}
		d.end = len(d.buf)
		if !d.Next() || d.Num() != 1 {
			t.Fatalf("%d: no field", v)
		}
		if got := d.Uvarint(); got != v || d.Err() != nil {
			t.Errorf("%d: read %d, %v", v, got, d.Err())
		}
	}
	// Negative int32s are sign-extended to ten bytes, as Kubernetes writes them.
	neg := int32(-5)
	b := AppendUvarint(nil, Tag(1, WireVarint), uint64(neg))
	if len(b) != 11 {
		t.Errorf("-5 as int32: %d bytes", len(b))
	}
	d := NewDecoder(b)
	d.Next()
	if v := d.Int32(); v != -5 {
		t.Errorf("read %d", v)
	}
}

// decodeErr runs a decoder over a message of string fields and nested
// messages, returning its error.
func decodeErr(data []byte) error {
	d := NewDecoder(data)
	var walk func()
	walk = func() {
		for d.Next() {
			switch d.Num() {
			case 1:
				_ = d.String()
			case 2:
				if o, ok := d.Enter(-1); ok {
					walk()
					d.Leave(o)
				}
			default:
				d.Unknown()
			}
		}
	}
	walk()
	return d.Err()
}

func TestMalformed(t *testing.T) {
	nested := []byte{}
	for range MaxDepth + 5 {
		nested = append(AppendVarint([]byte{0x12}, uint64(len(nested))), nested...)
	}
	cases := map[string]struct {
		in     []byte
		reason string
	}{
		"truncated tag":             {[]byte{0x80}, "truncated varint"},
		"field zero":                {[]byte{0x00, 0x01}, "invalid field number"},
		"length past the end":       {[]byte{0x0a, 0x05, 'a'}, "past the end"},
		"huge length":               {append([]byte{0x0a}, AppendVarint(nil, 1<<62)...), "past the end"},
		"varint of 11 bytes":        {[]byte{0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, "malformed"},
		"wrong wire type":           {[]byte{0x08, 0x01}, "wire type 0, expected 2"},
		"group wire type":           {[]byte{0x1b}, "malformed or truncated value of wire type 3"},
		"nested deeper than 100":    {nested, "nested deeper"},
		"message past its parent":   {[]byte{0x12, 0x02, 0x0a, 0x05, 'a', 'b', 'c'}, "past the end"},
		"truncated fixed64 unknown": {[]byte{0x19, 1, 2}, "malformed or truncated"},
	}
	for name, c := range cases {
		err := decodeErr(c.in)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want *Error", name, err)
			continue
		}
		if !strings.Contains(pe.Reason, c.reason) {
			t.Errorf("%s: %q, want %q", name, pe.Reason, c.reason)
		}
	}
}

func TestUnknownKeptByPath(t *testing.T) {
	// field 1 "a", nested 2 {1 "b", 7 varint 9}, 2 {5 "x"}, 9 fixed32
	inner1 := append(AppendString(nil, 0xa, "b"), AppendUvarint(nil, Tag(7, WireVarint), 9)...)
	inner2 := AppendString(nil, Tag(5, WireBytes), "x")
	var msg []byte
	msg = AppendString(msg, 0xa, "a")
	msg = AppendBytes(msg, 0x12, inner1)
	msg = AppendBytes(msg, 0x12, inner2)
	msg = append(msg, byte(Tag(9, WireFixed32)), 1, 2, 3, 4)
	d := NewDecoder(msg)
	index := 0
	for d.Next() {
		switch d.Num() {
		case 1:
			_ = d.String()
		case 2:
			if o, ok := d.Enter(index); ok {
				for d.Next() {
					if d.Num() == 1 {
						_ = d.String()
					} else {
						d.Unknown()
					}
				}
				d.Leave(o)
			}
			index++
		default:
			d.Unknown()
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	u := d.TakeUnknown()
	if got := strings.Join(u.Paths(), " "); got != " 2[0]/ 2[1]/" {
		t.Fatalf("paths %q", got)
	}
	e := NewEncoder(u)
	if got := e.AppendUnknown(nil); !bytes.Equal(got, []byte{byte(Tag(9, WireFixed32)), 1, 2, 3, 4}) {
		t.Errorf("root unknown %x", got)
	}
	e.Enter(2, 1)
	if got := e.AppendUnknown(nil); !bytes.Equal(got, inner2) || e.UnknownSize() != len(inner2) {
		t.Errorf("item 1 unknown %x", got)
	}
	e.Leave()
	if it := u.Item(2, 0); it.Len() != 1 || u.Without(2).Len() != 1 {
		t.Errorf("Item %v, Without %v", it.Paths(), u.Without(2).Paths())
	}
	var nilEnc *Encoder
	nilEnc.Enter(1, 1)
	if nilEnc.AppendUnknown([]byte("x")) == nil || nilEnc.UnknownSize() != 0 {
		t.Error("nil encoder")
	}
}

type rawMessage []byte

func (m rawMessage) AppendProto(b []byte) []byte { return append(b, m...) }
func (m rawMessage) ProtoSize() int              { return len(m) }

func TestEnvelope(t *testing.T) {
	msg := rawMessage(AppendString(nil, 0xa, "hello"))
	body := Wrap(nil, "apps/v1", "Deployment", msg)
	want := append([]byte("k8s\x00\x0a\x15\x0a\x07apps/v1\x12\x0aDeployment\x12\x07"), msg...)
	want = append(want, 0x1a, 0, 0x22, 0)
	if !bytes.Equal(body, want) {
		t.Fatalf("Wrap:\n%q\n%q", body, want)
	}
	if raw := WrapRaw(nil, "apps/v1", "Deployment", msg); !bytes.Equal(raw, body) {
		t.Errorf("WrapRaw differs")
	}
	env, err := Unwrap(body)
	if err != nil || env.APIVersion != "apps/v1" || env.Kind != "Deployment" || !bytes.Equal(env.Raw, msg) {
		t.Fatalf("Unwrap: %+v, %v", env, err)
	}
	for _, bad := range [][]byte{nil, []byte("{}"), []byte("k8s\x00\x0a\x50"), body[:len(body)-1]} {
		var pe *Error
		if _, err := Unwrap(bad); !errors.As(err, &pe) {
			t.Errorf("Unwrap(%q): %v", bad, err)
		}
	}
}

func TestWatchFrames(t *testing.T) {
	obj := Wrap(nil, "v1", "ConfigMap", rawMessage(AppendString(nil, 0xa, "x")))
	var stream []byte
	stream = AppendWatchFrame(stream, "ADDED", obj)
	stream = AppendWatchFrame(stream, "DELETED", obj)
	r := bytes.NewReader(stream)
	for _, typ := range []string{"ADDED", "DELETED"} {
		frame, err := ReadFrame(r, nil, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := DecodeWatchEvent(frame)
		if err != nil || ev.Type != typ || !bytes.Equal(ev.Object, obj) {
			t.Fatalf("event %+v, %v", ev, err)
		}
	}
	if _, err := ReadFrame(r, nil, 1<<20); err != io.EOF {
		t.Errorf("end: %v", err)
	}
	var pe *Error
	if _, err := ReadFrame(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}), nil, 1<<20); !errors.As(err, &pe) {
		t.Errorf("huge frame: %v", err)
	}
	if _, err := ReadFrame(bytes.NewReader(stream[:10]), nil, 1<<20); err != io.ErrUnexpectedEOF {
		t.Errorf("cut frame: %v", err)
	}
}

func TestPacked(t *testing.T) {
	// An unpacked item, then a packed run.
	b := AppendUvarint(nil, Tag(1, WireVarint), 7)
	b = AppendBytes(b, Tag(1, WireBytes), append(AppendVarint(nil, 1), AppendVarint(nil, 300)...))
	d := NewDecoder(b)
	var s []int32
	for d.Next() {
		s = d.Int32s(s)
	}
	if d.Err() != nil || len(s) != 3 || s[0] != 7 || s[2] != 300 {
		t.Fatalf("%v %v", s, d.Err())
	}
}

func TestAlloc(t *testing.T) {
	type pair struct{ a, b int64 }
	var key byte
	d := NewDecoder(nil)
	p := make([]*pair, 6)
	for i := range p {
		p[i] = Alloc[pair](d, &key, 4)
		*p[i] = pair{int64(i), int64(i)}
	}
	for i := range p {
		if p[i].a != int64(i) {
			t.Fatalf("slab elements overlap: %v", *p[i])
		}
	}
}
