package deepcopy

import (
	"reflect"
	"testing"
)

type node struct {
	name  string
	items []int
}

func (in *node) DeepCopyInto(out *node) {
	*out = *in
	out.items = Slice(in.items)
}

func same[T any](a, b T) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }

func TestNilEmptyAndFull(t *testing.T) {
	if Ptr[int](nil) != nil || Slice([]int(nil)) != nil || Map(map[string]int(nil)) != nil ||
		Structs([]node(nil)) != nil || StructMap(map[string]node(nil)) != nil ||
		Each([][]int(nil), Slice[[]int]) != nil || EachMap(map[string][]int(nil), Slice[[]int]) != nil ||
		New[node](nil, (*node).DeepCopyInto) != nil {
		t.Fatal("nil did not copy to nil")
	}
	if s := Slice([]int{}); s == nil || len(s) != 0 {
		t.Fatal("an empty slice did not copy to an empty one")
	}
	if m := Map(map[string]int{}); m == nil || len(m) != 0 {
		t.Fatal("an empty map did not copy to an empty one")
	}
	if s := Structs([]node{}); s == nil || len(s) != 0 {
		t.Fatal("an empty slice of structs did not copy to an empty one")
	}
	if m := StructMap(map[string]node{}); m == nil || len(m) != 0 {
		t.Fatal("an empty map of structs did not copy to an empty one")
	}

	n := 7
	if p := Ptr(&n); p == &n || *p != 7 {
		t.Fatal("Ptr")
	}
	s := []int{1, 2, 3}
	if c := Slice(s); same(c, s) || !reflect.DeepEqual(c, s) {
		t.Fatal("Slice")
	}
	m := map[string]int{"a": 1}
	if c := Map(m); same(c, m) || !reflect.DeepEqual(c, m) {
		t.Fatal("Map")
	}
	ns := []node{{"a", []int{1}}, {"b", nil}}
	cs := Structs(ns)
	if same(cs, ns) || same(cs[0].items, ns[0].items) || !reflect.DeepEqual(cs, ns) {
		t.Fatal("Structs")
	}
	nm := map[string]node{"a": {"a", []int{1}}}
	cm := StructMap(nm)
	if same(cm, nm) || same(cm["a"].items, nm["a"].items) || !reflect.DeepEqual(cm, nm) {
		t.Fatal("StructMap")
	}
	es := [][]int{{1}, {}, nil}
	ce := Each(es, Slice[[]int])
	if same(ce, es) || same(ce[0], es[0]) || !reflect.DeepEqual(ce, es) {
		t.Fatal("Each")
	}
	em := map[string][]byte{"a": []byte("x"), "b": nil}
	cem := EachMap(em, Slice[[]byte])
	if same(cem, em) || same(cem["a"], em["a"]) || !reflect.DeepEqual(cem, em) {
		t.Fatal("EachMap")
	}
	in := &node{"x", []int{4}}
	out := New(in, (*node).DeepCopyInto)
	if out == in || same(out.items, in.items) || !reflect.DeepEqual(out, in) {
		t.Fatal("New")
	}
}
