package jsonwire_test

import (
	"bytes"
	"testing"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

// widget is a root decoded and encoded as generated code does, by hand:
// its decoder knows "a" and "items" (items by "name"); its encoder also
// writes "b" when B is set, a member the decoder skips as unknown.
type widget struct {
	A       string `json:"a"`
	B       string `json:"b,omitempty"`
	Items   []item `json:"items" listKeys:"name"`
	unknown *jsonwire.Unknown
}

type item struct {
	Name string `json:"name"`
}

func (x *widget) DecodeWire(r *jsonwire.Reader) {
	m := r.Mark()
	if !r.BeginObject() {
		return
	}
	for key, ok := r.NextKey(); ok; key, ok = r.NextKey() {
		switch string(key) {
		case "a":
			x.A = r.String()
		case "items":
			x.Items = nil
			for ok := r.BeginArray(); ok && r.NextElem(); {
				var it item
				r.BeginObject()
				for k, ok := r.NextKey(); ok; k, ok = r.NextKey() {
					if string(k) == "name" {
						it.Name = r.String()
					} else {
						r.SkipUnknown()
					}
				}
				x.Items = append(x.Items, it)
			}
		default:
			r.SkipUnknown()
		}
	}
	if r.Unknowns(m) {
		x.unknown = r.TakeUnknown(m, x)
	} else {
		x.unknown = nil
	}
}

func (x *widget) EncodeJSON(s *jsoniter.Stream) {
	if x.unknown != nil {
		jsonwire.EncodeUnknown(s, x.unknown, x, x.encodeKnown)
		return
	}
	x.encodeKnown(s)
}

func (x *widget) encodeKnown(s *jsoniter.Stream) {
	s.WriteRaw(`{"a":`)
	jsonwire.String(s, x.A)
	s.WriteRaw(`,"items":[`)
	for i, it := range x.Items {
		if i > 0 {
			s.WriteRaw(",")
		}
		s.WriteRaw(`{"name":`)
		jsonwire.String(s, it.Name)
		s.WriteRaw("}")
	}
	s.WriteRaw("]")
	if x.B != "" {
		s.WriteRaw(`,"b":`)
		jsonwire.String(s, x.B)
	}
	s.WriteRaw("}")
}

func decodeWidget(t *testing.T, in string, owned bool) *widget {
	t.Helper()
	var r jsonwire.Reader
	buf := []byte(in)
	if owned {
		r.ResetOwned(buf)
	} else {
		r.Reset(buf)
	}
	w := new(widget)
	w.DecodeWire(&r)
	if err := r.Finish("widget"); err != nil {
		t.Fatal(err)
	}
	return w
}

func encode(t *testing.T, v codec.Encoder) string {
	t.Helper()
	b, err := codec.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnknownWidget(t *testing.T) {
	for _, c := range []struct {
		name, in string
		change   func(*widget)
		want     string
	}{
		{"none", `{"a":"x","items":[]}`, nil, `{"a":"x","items":[]}`},
		{"top, after the known members", ` { "z" : [ 1 , {"<":"&"} ] , "a" : "x" , "items" : [ ] } `, nil,
			`{"a":"x","items":[],"z":[1,{"\u003c":"\u0026"}]}`},
		{"repeated key keeps the last value", `{"z":1,"a":"x","z":2,"items":null}`, nil, `{"a":"x","items":[],"z":2}`},
		{"known to the encoder: written once", `{"a":"x","b":"old","items":[]}`, func(w *widget) { w.B = "new" },
			`{"a":"x","items":[],"b":"new"}`},
		{"unknown to the encoder: kept", `{"a":"x","b":"old","items":[]}`, nil, `{"a":"x","items":[],"b":"old"}`},
		{"items follow their key", `{"items":[{"name":"p","u":1},{"name":"q","u":2}]}`,
			func(w *widget) { w.Items = []item{w.Items[1], {"new"}, w.Items[0]} },
			`{"a":"","items":[{"name":"q","u":2},{"name":"new"},{"name":"p","u":1}]}`},
		{"removed item drops its members", `{"items":[{"name":"p","u":1},{"name":"q","u":2}]}`,
			func(w *widget) { w.Items = w.Items[1:] }, `{"a":"","items":[{"name":"q","u":2}]}`},
		{"same key: by ordinal", `{"items":[{"name":"p","u":1},{"name":"p","u":2}]}`, nil,
			`{"a":"","items":[{"name":"p","u":1},{"name":"p","u":2}]}`},
		{"escaped key value", `{"items":[{"name":"\u0070","u":1}]}`, nil, `{"a":"","items":[{"name":"p","u":1}]}`},
		{"no key: by index", `{"items":[{"u":1},{"u":2}]}`, func(w *widget) { w.Items = w.Items[:1] },
			`{"a":"","items":[{"name":"","u":1}]}`},
		{"null value", `{"z":null}`, nil, `{"a":"","items":[],"z":null}`},
	} {
		for _, owned := range []bool{true, false} {
			w := decodeWidget(t, c.in, owned)
			if c.change != nil {
				c.change(w)
			}
			got := encode(t, w)
			if got != c.want {
				t.Errorf("%s (owned=%t): got %s, want %s", c.name, owned, got, c.want)
			}
		}
	}
}

// A detached decode copies the members it keeps: the input may be reused.
func TestUnknownDetachedCopies(t *testing.T) {
	in := fixtures.FuturePodJSON(2)
	buf := bytes.Clone(in)
	var r jsonwire.Reader
	r.Reset(buf)
	var p corev1.Pod
	p.DecodeWire(&r)
	if err := r.Finish("corev1.Pod"); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = ' '
	}
	out, err := codec.Marshal(&p)
	if err != nil {
		t.Fatal(err)
	}
	if d := fixtures.JSONDiff(in, out); d != "" {
		t.Fatalf("after the input was overwritten: %s", d)
	}
}

// Malformed input with unknown members fails or decodes without panicking,
// and whatever decodes encodes.
func TestUnknownMalformed(t *testing.T) {
	in := fixtures.FuturePodJSON(3)
	junk := []byte{'"', '{', '}', '[', ']', ',', ':', '0', 'n', '\\', 0xff}
	for i := 0; i < len(in); i += 7 {
		for _, b := range [][]byte{in[:i], append(append(bytes.Clone(in[:i]), junk[i%len(junk)]), in[i+1:]...)} {
			for _, owned := range []bool{true, false} {
				var r jsonwire.Reader
				if owned {
					r.ResetOwned(bytes.Clone(b))
				} else {
					r.Reset(b)
				}
				var p corev1.Pod
				p.DecodeWire(&r)
				if r.Finish("") == nil {
					if _, err := codec.Marshal(&p); err != nil {
						t.Fatalf("encoding what decoded from %q: %v", b, err)
					}
				}
			}
		}
	}
}

// holder has a struct held by value, which its encoder leaves out when
// empty (as an apply encoding does), and a map of structs.
type holder struct {
	Inner   inner            `json:"inner"`
	M       map[string]inner `json:"m"`
	unknown *jsonwire.Unknown
}

type inner struct {
	X string `json:"x"`
}

func (x *inner) decode(r *jsonwire.Reader) {
	r.BeginObject()
	for k, ok := r.NextKey(); ok; k, ok = r.NextKey() {
		if string(k) == "x" {
			x.X = r.String()
		} else {
			r.SkipUnknown()
		}
	}
}

func (x *holder) DecodeWire(r *jsonwire.Reader) {
	m := r.Mark()
	r.BeginObject()
	for key, ok := r.NextKey(); ok; key, ok = r.NextKey() {
		switch string(key) {
		case "inner":
			x.Inner.decode(r)
		case "m":
			x.M = map[string]inner{}
			r.BeginObject()
			for k, ok := r.MapKey(); ok; k, ok = r.MapKey() {
				var v inner
				v.decode(r)
				x.M[k] = v
			}
		default:
			r.SkipUnknown()
		}
	}
	if r.Unknowns(m) {
		x.unknown = r.TakeUnknown(m, x)
	}
}

func (x *holder) EncodeJSON(s *jsoniter.Stream) {
	if x.unknown != nil {
		jsonwire.EncodeUnknown(s, x.unknown, x, x.encodeKnown)
		return
	}
	x.encodeKnown(s)
}

func (x *holder) encodeKnown(s *jsoniter.Stream) {
	s.WriteRaw(`{"m":{`)
	for i, k := range jsonwire.SortedKeys(x.M, nil) {
		if i > 0 {
			s.WriteRaw(",")
		}
		jsonwire.String(s, k)
		s.WriteRaw(`:{"x":`)
		jsonwire.String(s, x.M[k].X)
		s.WriteRaw("}")
	}
	s.WriteRaw("}")
	if x.Inner.X != "" {
		s.WriteRaw(`,"inner":{"x":`)
		jsonwire.String(s, x.Inner.X)
		s.WriteRaw("}")
	}
	s.WriteRaw("}")
}

// A struct held by value that the encoder leaves out is written back with
// its unknown members; a map entry the caller removed is not.
func TestUnknownLeftOutStructs(t *testing.T) {
	var r jsonwire.Reader
	r.ResetOwned([]byte(`{"inner":{"deep":{"d":1}},"m":{"a":{"x":"1","u":1},"b":{"x":"2","u":2}}}`))
	var h holder
	h.DecodeWire(&r)
	if err := r.Finish("holder"); err != nil {
		t.Fatal(err)
	}
	delete(h.M, "a")
	got := encode(t, &h)
	if want := `{"m":{"b":{"x":"2","u":2}},"inner":{"deep":{"d":1}}}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
