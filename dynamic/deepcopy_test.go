package dynamic

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/kubewire/kubewire/internal/fixtures"
)

// decoders are every way an Object or a List is decoded from JSON: the
// iterator decoder, and the byte decoders that intern keys and carve
// strings and numbers from shared chunks.
var decoders = []struct {
	name string
	list func([]byte) (*List, error)
	one  func([]byte) (Object, error)
}{
	{"iterator", func(b []byte) (*List, error) {
		var l List
		return &l, l.UnmarshalJSON(b)
	}, Decode},
	{"owned bytes", func(b []byte) (*List, error) {
		var l List
		return &l, decodeOwned(&l, bytes.Clone(b))
	}, func(b []byte) (Object, error) {
		var o Object
		return o, decodeOwned(&o, bytes.Clone(b))
	}},
	{"stream", func(b []byte) (*List, error) {
		var l List
		return &l, l.DecodeJSONFrom(bytes.NewReader(b))
	}, nil},
}

// checkApart fails unless cp equals orig and shares no memory with it.
func checkApart(t *testing.T, what string, orig, cp any) {
	t.Helper()
	if !reflect.DeepEqual(orig, cp) {
		t.Fatalf("%s: the copy differs from the original", what)
	}
	if s := fixtures.SharedMemory(orig, cp); len(s) > 0 {
		t.Fatalf("%s: the copy shares memory with the original at %v", what, s)
	}
}

// Objects and lists decoded by every decoder copy to values that share no
// memory with them: writing to every value of the copy leaves the original
// as decoded, and the other way round.
func TestDecodedDeepCopy(t *testing.T) {
	data := fixtures.PodListJSON(30)
	for _, d := range decoders {
		decode := func() *List {
			l, err := d.list(data)
			if err != nil || len(l.Items) != 30 {
				t.Fatalf("%s: %d items, %v", d.name, len(l.Items), err)
			}
			return l
		}
		orig, want := decode(), decode()
		cp := orig.DeepCopy()
		checkApart(t, d.name, orig, cp)
		fixtures.Mutate(cp)
		if reflect.DeepEqual(cp, want) {
			t.Fatalf("%s: Mutate changed nothing", d.name)
		}
		if !reflect.DeepEqual(orig, want) {
			t.Fatalf("%s: writing to the copy changed the original", d.name)
		}
		cp = orig.DeepCopy()
		item := orig.Items[4].DeepCopy()
		fixtures.Mutate(orig)
		if !reflect.DeepEqual(cp, want) || !reflect.DeepEqual(item, want.Items[4]) {
			t.Fatalf("%s: writing to the original changed a copy", d.name)
		}

		if d.one == nil {
			continue
		}
		o, err := d.one(fixtures.PodJSON(3))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := d.one(fixtures.PodJSON(3))
		oc := o.DeepCopy()
		checkApart(t, d.name+", one object", o, oc)
		fixtures.Mutate(&oc)
		if !reflect.DeepEqual(o, w) {
			t.Fatalf("%s: writing to the copy of one object changed it", d.name)
		}
	}
}

// nil stays nil and empty stays empty, at the top and inside the tree;
// DeepCopyInto replaces its target.
func TestDeepCopyNilAndEmpty(t *testing.T) {
	if Object(nil).DeepCopy() != nil || (*List)(nil).DeepCopy() != nil {
		t.Fatal("nil copies to non-nil")
	}
	o := Object{"m": map[string]any{}, "s": []any{}, "nilMap": map[string]any(nil), "nilSlice": []any(nil), "null": nil,
		"n": int64(1 << 40), "f": 1.5, "b": true, "str": "x"}
	cp := o.DeepCopy()
	checkApart(t, "object", o, cp)
	for _, k := range []string{"m", "s"} {
		if reflect.ValueOf(cp[k]).IsNil() {
			t.Fatalf("empty %s copied to nil", k)
		}
	}
	for _, k := range []string{"nilMap", "nilSlice"} {
		if !reflect.ValueOf(cp[k]).IsNil() {
			t.Fatalf("nil %s copied to non-nil", k)
		}
	}
	if e := (Object{}).DeepCopy(); e == nil || len(e) != 0 {
		t.Fatalf("an empty object copied to %#v", e)
	}

	l := &List{Header: Object{"kind": "PodList"}, Items: []Object{}}
	lc := l.DeepCopy()
	checkApart(t, "empty list", l, lc)
	if lc.Items == nil {
		t.Fatal("empty items copied to nil")
	}
	if c := (&List{}).DeepCopy(); c.Header != nil || c.Items != nil {
		t.Fatalf("a zero list copied to %#v", c)
	}

	into := Object{"stale": "x"}
	o.DeepCopyInto(&into)
	checkApart(t, "DeepCopyInto", o, into)
	intoList := List{Items: []Object{{"stale": "x"}}}
	l.DeepCopyInto(&intoList)
	checkApart(t, "List.DeepCopyInto", l, &intoList)
}

// The Go shapes code may store besides the JSON ones are copied too.
func TestDeepCopyGoShapes(t *testing.T) {
	o := Object{
		"strings": []string{"a", "b"},
		"labels":  map[string]string{"k": "v"},
		"bytes":   []byte("raw"),
		"maps":    []map[string]any{{"a": []any{"x"}}, nil},
		"object":  Object{"spec": map[string]any{"replicas": int64(2)}},
	}
	cp := o.DeepCopy()
	checkApart(t, "Go shapes", o, cp)
	want := Object{
		"strings": []string{"a", "b"},
		"labels":  map[string]string{"k": "v"},
		"bytes":   []byte("raw"),
		"maps":    []map[string]any{{"a": []any{"x"}}, nil},
		"object":  Object{"spec": map[string]any{"replicas": int64(2)}},
	}
	fixtures.Mutate(&cp)
	if !reflect.DeepEqual(o, want) {
		t.Fatal("writing to the copy changed the original")
	}
}
