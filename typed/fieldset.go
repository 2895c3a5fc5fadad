package typed

import (
	"errors"
	"io"
	"strconv"
	"strings"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
)

// jnode is a parsed JSON value that keeps its object keys in order and its
// scalars as their text, so that what it does not change is written back
// as it was read.
type jnode struct {
	kind  byte // 'o' object, 'a' array, 's' scalar (string, number, bool, null)
	keys  []string
	vals  []*jnode // the values of keys
	elems []*jnode
	raw   []byte // a scalar's JSON text
	// set is the member of a field set that selected the node (Extract's
	// output); nil for the identity fields Extract always keeps.
	set *fieldSet
}

var errTrailingData = errors.New("data after the JSON value")

// parseJSON parses one JSON value; json-iterator limits its depth.
func parseJSON(data []byte) (*jnode, error) {
	it := codec.API.BorrowIterator(data)
	defer codec.API.ReturnIterator(it)
	n := readNode(it)
	if it.Error != nil {
		return nil, it.Error
	}
	if it.WhatIsNext() != jsoniter.InvalidValue || it.Error != io.EOF {
		return nil, errTrailingData
	}
	return n, nil
}

func readNode(it *jsoniter.Iterator) *jnode {
	switch it.WhatIsNext() {
	case jsoniter.ObjectValue:
		n := &jnode{kind: 'o'}
		it.ReadObjectCB(func(it *jsoniter.Iterator, key string) bool {
			n.keys = append(n.keys, key)
			n.vals = append(n.vals, readNode(it))
			return it.Error == nil
		})
		return n
	case jsoniter.ArrayValue:
		n := &jnode{kind: 'a', elems: []*jnode{}}
		it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
			n.elems = append(n.elems, readNode(it))
			return it.Error == nil
		})
		return n
	}
	return &jnode{kind: 's', raw: append([]byte(nil), it.SkipAndReturnBytes()...)}
}

// get returns the value of key in object n, or nil.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// str returns the string value of key in object n ("" when it is not a
// string).
func (n *jnode) str(key string) string {
	v := n.get(key)
	if v == nil || v.kind != 's' || len(v.raw) == 0 || v.raw[0] != '"' {
		return ""
	}
	var s string
	if codec.API.Unmarshal(v.raw, &s) != nil {
		return ""
	}
	return s
}

func (n *jnode) add(key string, v *jnode) {
	n.keys = append(n.keys, key)
	n.vals = append(n.vals, v)
}

// write writes n to s.
func (n *jnode) write(s *jsoniter.Stream) {
	switch n.kind {
	case 'o':
		s.WriteObjectStart()
		for i, k := range n.keys {
			if i > 0 {
				s.WriteMore()
			}
			s.WriteObjectField(k)
			n.vals[i].write(s)
		}
		s.WriteObjectEnd()
	case 'a':
		s.WriteArrayStart()
		for i, e := range n.elems {
			if i > 0 {
				s.WriteMore()
			}
			e.write(s)
		}
		s.WriteArrayEnd()
	default:
		s.WriteRaw(string(n.raw))
	}
}

// equal reports whether a and b are the same JSON value: objects compared
// by their keys in any order, scalars by value (1 and 1.0 are equal).
func equal(a, b *jnode) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case 'o':
		if len(a.keys) != len(b.keys) {
			return false
		}
		for i, k := range a.keys {
			bv := b.get(k)
			if bv == nil || !equal(a.vals[i], bv) {
				return false
			}
		}
		return true
	case 'a':
		if len(a.elems) != len(b.elems) {
			return false
		}
		for i := range a.elems {
			if !equal(a.elems[i], b.elems[i]) {
				return false
			}
		}
		return true
	}
	var av, bv any
	if codec.API.Unmarshal(a.raw, &av) != nil || codec.API.Unmarshal(b.raw, &bv) != nil {
		return string(a.raw) == string(b.raw)
	}
	return av == bv
}

// fieldSet is a manager's set of fields (the FieldsV1 format of
// metadata.managedFields), as a tree: each node is a path element of its
// parent, "f:name" a field or map key, "k:{...}" the list item with these
// key fields, "v:value" the item of a set list with this value, "i:n" the
// item at index n; "." says that the node itself is a member (a map or list
// item that exists, apart from its fields). A node without children is a
// leaf: its whole value is owned.
type fieldSet struct {
	self    bool
	fields  map[string]*fieldSet
	keys    []item // k:
	values  []item // v:
	indexes map[int]*fieldSet
}

// item is a list item's member: its key fields (k:) or its value (v:).
type item struct {
	match *jnode
	set   *fieldSet
}

// leaf reports whether s owns its node's value whole.
func (s *fieldSet) leaf() bool {
	return len(s.fields) == 0 && len(s.keys) == 0 && len(s.values) == 0 && len(s.indexes) == 0
}

// parseFieldSet reads a FieldsV1 tree into dst. path names the node in
// errors.
func parseFieldSet(n *jnode, dst *fieldSet, path string) error {
	if n.kind != 'o' {
		return &fieldSetError{path: path, reason: "is not a JSON object"}
	}
	for i, k := range n.keys {
		child := n.vals[i]
		cpath := path + "/" + k
		if k == "." {
			if child.kind != 'o' || len(child.keys) != 0 {
				return &fieldSetError{path: cpath, reason: `is not {}`}
			}
			dst.self = true
			continue
		}
		var sub *fieldSet
		prefix, rest, ok := strings.Cut(k, ":")
		if !ok {
			return &fieldSetError{path: cpath, reason: "has no f:, k:, v: or i: prefix"}
		}
		switch prefix {
		case "f":
			if dst.fields == nil {
				dst.fields = map[string]*fieldSet{}
			}
			if sub = dst.fields[rest]; sub == nil {
				sub = &fieldSet{}
				dst.fields[rest] = sub
			}
		case "k", "v":
			m, err := parseJSON([]byte(rest))
			if err != nil || prefix == "k" && m.kind != 'o' {
				return &fieldSetError{path: cpath, reason: "does not hold a JSON " + map[string]string{"k": "object", "v": "value"}[prefix]}
			}
			list := &dst.keys
			if prefix == "v" {
				list = &dst.values
			}
			for _, it := range *list {
				if equal(it.match, m) {
					sub = it.set
				}
			}
			if sub == nil {
				sub = &fieldSet{}
				*list = append(*list, item{match: m, set: sub})
			}
		case "i":
			idx, err := strconv.Atoi(rest)
			if err != nil || idx < 0 {
				return &fieldSetError{path: cpath, reason: "is not a list index"}
			}
			if dst.indexes == nil {
				dst.indexes = map[int]*fieldSet{}
			}
			if sub = dst.indexes[idx]; sub == nil {
				sub = &fieldSet{}
				dst.indexes[idx] = sub
			}
		default:
			return &fieldSetError{path: cpath, reason: "has an unknown prefix " + strconv.Quote(prefix+":")}
		}
		if err := parseFieldSet(child, sub, cpath); err != nil {
			return err
		}
	}
	return nil
}

// fieldSetError is what is wrong with a FieldsV1 tree and where.
type fieldSetError struct{ path, reason string }

func (e *fieldSetError) Error() string { return "fieldsV1 member " + e.path + " " + e.reason }

// filter returns the part of v that set selects: v whole for a leaf, else
// the fields and list items set names, each filtered by its member. A
// member naming children of a scalar keeps the scalar.
func filter(v *jnode, set *fieldSet) *jnode {
	if set.leaf() || v.kind == 's' {
		return &jnode{kind: v.kind, keys: v.keys, vals: v.vals, elems: v.elems, raw: v.raw, set: set}
	}
	out := &jnode{kind: v.kind, set: set}
	switch v.kind {
	case 'o':
		for i, k := range v.keys {
			if sub := set.fields[k]; sub != nil {
				out.add(k, filter(v.vals[i], sub))
			}
		}
	case 'a':
		out.elems = []*jnode{}
		for i, e := range v.elems {
			if sub := set.itemSet(e, i); sub != nil {
				out.elems = append(out.elems, filter(e, sub))
			}
		}
	}
	return out
}

// itemSet returns the member of list item e, at index i, or nil.
func (s *fieldSet) itemSet(e *jnode, i int) *fieldSet {
	if sub := s.indexes[i]; sub != nil {
		return sub
	}
	for _, it := range s.values {
		if equal(it.match, e) {
			return it.set
		}
	}
	if e.kind != 'o' {
		return nil
	}
	for _, it := range s.keys {
		if hasKeys(e, it.match) {
			return it.set
		}
	}
	return nil
}

// hasKeys reports whether object e holds every key field of k with the
// same value.
func hasKeys(e, k *jnode) bool {
	for i, name := range k.keys {
		v := e.get(name)
		if v == nil || !equal(v, k.vals[i]) {
			return false
		}
	}
	return true
}
