package jsonwire

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"

	jsoniter "github.com/json-iterator/go"
)

// Unknown members. A server newer than the Go types sends fields the types
// lack; a client that reads an object, changes it and writes it back must
// not drop them. Generated decoders skip such a member with SkipUnknown,
// which records only its offset, so a value without unknown members costs
// nothing more. When a kind or list has been decoded (a root: the types
// nested in it are not), TakeUnknown walks its JSON once more, guided by
// its Go type, to find the path of each recorded member from the root,
// and keeps path, key and value in an Unknown that the root holds in one
// pointer. Encoding a root with an Unknown writes its declared fields to a
// scratch buffer, then copies that with the kept members inserted at the
// end of the objects they came from.
//
// A path names object members by key and list items by the values of the
// item's list-map keys (a container by its name, a port by its number and
// protocol), which the generated types give in a listKeys struct tag, so
// that an item keeps its members when the list is reordered; other items,
// and items without their keys, by index.

// Unknown holds the members of a decoded object, at any depth, that its Go
// types do not declare. It is never changed once decoded: copies of an
// object share it.
type Unknown struct {
	objs []unknownObject // sorted by path, paths distinct
}

// unknownObject is the unknown members of one object of the tree.
type unknownObject struct {
	path    string
	members []unknownMember
}

type unknownMember struct {
	key   string
	value []byte // the JSON value as read
}

// Len returns the number of unknown members held (0 for nil).
func (u *Unknown) Len() int {
	if u == nil {
		return 0
	}
	n := 0
	for _, o := range u.objs {
		n += len(o.members)
	}
	return n
}

// Mark is where the decoding of a root began: how many unknown members the
// reader had recorded, and the offset of the root's value.
type Mark struct{ n, pos int }

// Mark returns the mark a root's decoder takes before reading it.
func (r *Reader) Mark() Mark {
	r.skipWS()
	return Mark{len(r.unknown), r.pos}
}

// SkipUnknown skips the value of an object member the decoded type does
// not declare, recording its offset for TakeUnknown.
func (r *Reader) SkipUnknown() {
	r.skipWS()
	if r.err == nil {
		r.unknown = append(r.unknown, r.pos)
	}
	r.Skip()
}

// Unknowns reports whether unknown members were skipped since m.
func (r *Reader) Unknowns(m Mark) bool { return len(r.unknown) > m.n }

// TakeUnknown returns the unknown members skipped since m, the mark taken
// before decoding root (a pointer to the decoded kind or list), and forgets
// them. It returns nil when there were none or r failed. The values point
// into r's input when r owns it, and are copies otherwise.
func (r *Reader) TakeUnknown(m Mark, root any) *Unknown {
	found := r.collect(m, typeOfRoot(root), "")
	if len(found) == 0 {
		return nil
	}
	return group(found)
}

// TakeUnknownMember is TakeUnknown for a reader whose input is the value of
// one member, key, of root: a list decoded member by member. The members
// found are added to those of prev (which is not changed) and the whole is
// returned.
func (r *Reader) TakeUnknownMember(m Mark, root any, key string, prev *Unknown) *Unknown {
	found := r.collect(m, typeOfRoot(root), key)
	if len(found) == 0 {
		return prev
	}
	if prev != nil {
		var all []foundMember
		for _, o := range prev.objs {
			for _, mb := range o.members {
				all = append(all, foundMember{o.path, mb})
			}
		}
		found = append(all, found...)
	}
	return group(found)
}

// foundMember is an unknown member with the path of its object.
type foundMember struct {
	path string
	unknownMember
}

// collect walks the value at m.pos (of type t; of root type t's member key
// when key is set) to the members recorded since m, and forgets them.
func (r *Reader) collect(m Mark, t reflect.Type, key string) []foundMember {
	offs := r.unknown[m.n:]
	r.unknown = r.unknown[:m.n]
	if r.err != nil || len(offs) == 0 {
		return nil
	}
	c := collector{offs: offs, copy: !r.owned}
	c.rd = Reader{buf: r.buf, pos: m.pos, owned: true}
	if key == "" {
		c.value(t, nil)
		return c.found
	}
	if offs[0] == m.pos {
		// The member itself is unknown.
		c.rd.Skip()
		c.emit([]byte(key), r.buf[m.pos:c.rd.pos])
		return c.found
	}
	ft, keys := memberType(t, []byte(key))
	c.path = append(c.path, segment{key: []byte(key)})
	c.value(ft, keys)
	return c.found
}

// group sorts found members into an Unknown: by path, each object's
// members in their order, a key seen twice keeping its last value, as a
// decoder would.
func group(found []foundMember) *Unknown {
	byPath := map[string][]unknownMember{}
	var paths []string
	for _, f := range found {
		ms, ok := byPath[f.path]
		if !ok {
			paths = append(paths, f.path)
		}
		if i := slices.IndexFunc(ms, func(m unknownMember) bool { return m.key == f.key }); i >= 0 {
			ms[i].value = f.value
			continue
		}
		byPath[f.path] = append(ms, f.unknownMember)
	}
	slices.Sort(paths)
	u := &Unknown{objs: make([]unknownObject, len(paths))}
	for i, p := range paths {
		u.objs[i] = unknownObject{p, byPath[p]}
	}
	return u
}

// segment is one step of the path being walked: an object member (key), or
// an item of a list (index), identified by its list keys when ids is set.
type segment struct {
	key   []byte
	ids   *itemIDs
	index int
}

// itemIDs are the identities of the items of a keyed list, computed when
// first needed.
type itemIDs struct {
	start int // offset of the list's '['
	keys  []string
	ids   []string
}

// collector finds the recorded unknown members in a root's JSON.
type collector struct {
	rd    Reader
	offs  []int // offsets of the remaining members' values, ascending
	copy  bool
	path  []segment
	found []foundMember
	// scratch is where paths are built.
	scratch []byte
}

// value walks the value at the reader, of Go type t (nil when unknown);
// keys are the list keys of a list's items.
func (c *collector) value(t reflect.Type, keys []string) {
	switch c.rd.Kind() {
	case '{':
		c.object(t)
	case '[':
		c.array(t, keys)
	default:
		c.rd.Skip()
	}
}

func (c *collector) object(t reflect.Type) {
	if !c.rd.BeginObject() {
		return
	}
	for key, ok := c.rd.NextKey(); ok && len(c.offs) > 0; key, ok = c.rd.NextKey() {
		c.rd.skipWS()
		if c.rd.pos == c.offs[0] {
			start := c.rd.pos
			c.rd.Skip()
			c.emit(key, c.rd.buf[start:c.rd.pos])
			c.offs = c.offs[1:]
			continue
		}
		ft, keys := memberType(t, key)
		c.path = append(c.path, segment{key: key})
		c.value(ft, keys)
		c.path = c.path[:len(c.path)-1]
	}
}

func (c *collector) array(t reflect.Type, keys []string) {
	start := c.rd.pos
	if !c.rd.BeginArray() {
		return
	}
	var ids *itemIDs
	if len(keys) > 0 {
		ids = &itemIDs{start: start, keys: keys}
	}
	et := elemType(t)
	for i := 0; c.rd.NextElem() && len(c.offs) > 0; i++ {
		c.path = append(c.path, segment{ids: ids, index: i})
		c.value(et, nil)
		c.path = c.path[:len(c.path)-1]
	}
}

// emit keeps the member key: value of the object at the current path.
func (c *collector) emit(key, value []byte) {
	p := c.scratch[:0]
	for _, s := range c.path {
		switch {
		case s.key != nil:
			p = appendKeySeg(p, s.key)
		case s.ids != nil:
			if s.ids.ids == nil {
				s.ids.ids = identities(c.rd.buf, s.ids.start, s.ids.keys)
			}
			p = appendItemSeg(p, s.ids.ids, s.index)
		default:
			p = appendItemSeg(p, nil, s.index)
		}
	}
	if c.copy {
		value = bytes.Clone(value)
	} else {
		value = value[:len(value):len(value)]
	}
	c.scratch = p
	c.found = append(c.found, foundMember{string(p), unknownMember{string(key), value}})
}

// Path segments: a tag byte, then a length and the bytes ('k': an object
// key; 'm': a list item's identity) or the index ('i': a list item).

func appendKeySeg(p, key []byte) []byte {
	p = append(p, 'k')
	p = binary.AppendUvarint(p, uint64(len(key)))
	return append(p, key...)
}

func appendItemSeg(p []byte, ids []string, i int) []byte {
	if i < len(ids) && ids[i] != "" {
		p = append(p, 'm')
		p = binary.AppendUvarint(p, uint64(len(ids[i])))
		return append(p, ids[i]...)
	}
	p = append(p, 'i')
	return binary.AppendUvarint(p, uint64(i))
}

// identities returns the identity of each item of the list at buf[start]:
// the values of its keys (strings unescaped, other scalars as written; an
// absent key and a zero value alike) and, from the second item with the
// same values on, its ordinal among them. An item that is not an object has none
// ("") and is named by its index.
func identities(buf []byte, start int, keys []string) []string {
	rd := Reader{buf: buf, pos: start, owned: true}
	if !rd.BeginArray() {
		return nil
	}
	// The identities are written one after the other into one buffer,
	// then cut from one string.
	var all []byte
	var ends []int // of each item's identity in all; -1 for none
	vals := make([][]byte, 2*len(keys))
	for rd.NextElem() {
		if rd.Kind() != '{' {
			rd.Skip()
			ends = append(ends, -1)
			continue
		}
		clear(vals)
		rd.BeginObject()
		for key, ok := rd.NextKey(); ok; key, ok = rd.NextKey() {
			i := slices.Index(keys, view(key))
			if i < 0 {
				rd.Skip()
				continue
			}
			if rd.Kind() == '"' {
				if s, _ := rd.StringBytes(); len(s) > 0 {
					vals[2*i], vals[2*i+1] = strTag, s
				}
				continue
			}
			// List-map keys are scalars: a number or literal is its text.
			rd.skipWS()
			from := rd.pos
			rd.Skip()
			switch v := rd.buf[from:rd.pos]; string(v) {
			case "null", "0", "false":
			default:
				vals[2*i], vals[2*i+1] = textTag, v
			}
		}
		for i := 0; i < len(vals); i += 2 {
			tag, v := vals[i], vals[i+1]
			if tag == nil {
				// Absent, or the zero value, which a Go type cannot
				// tell apart from absent.
				tag = zeroTag
			}
			all = binary.AppendUvarint(all, uint64(len(tag)+len(v)))
			all = append(append(all, tag...), v...)
		}
		ends = append(ends, len(all))
	}
	text := string(all)
	ids := make([]string, len(ends))
	var seen map[string]int
	from := 0
	for i, end := range ends {
		if end < 0 {
			continue
		}
		id := text[from:end]
		from = end
		// The second and later items with the same values carry their
		// ordinal after them, which no identity of the same keys ends
		// with.
		if n := seen[id]; n > 0 {
			ids[i] = string(binary.AppendUvarint([]byte(id), uint64(n)))
		} else {
			ids[i] = id
		}
		if seen == nil {
			seen = map[string]int{}
		}
		seen[id]++
	}
	return ids
}

var (
	strTag  = []byte{'s'}
	textTag = []byte{'v'}
	zeroTag = []byte{'-'}
)

// EncodeUnknown writes root, whose declared fields known writes, with the
// members of u inserted at the end of the objects they were read from;
// members of objects that are gone (an item removed from its list, a
// struct set to nil) are dropped, and a member whose key the object
// already has is not written twice.
//
// In an apply encoding (see Apply) the declared fields are written as it
// writes them, and a struct held by value that it leaves out for writing
// nothing is written when members were read into it.
func EncodeUnknown(s *jsoniter.Stream, u *Unknown, root any, known func(*jsoniter.Stream)) {
	tmp := API.BorrowStream(nil)
	var b []byte
	var err error
	if a := Applying(s); a != nil {
		tmp.Attachment = a
		known(tmp)
		tmp.Attachment = nil
		b, err = bytes.Clone(tmp.Buffer()), tmp.Error
	} else {
		b, err = MarshalStream(tmp, known)
	}
	API.ReturnStream(tmp)
	if err != nil {
		if s.Error == nil {
			s.Error = err
		}
		return
	}
	sp := splicer{u: u}
	sp.rd = Reader{buf: b, owned: true}
	sp.value(typeOfRoot(root), nil)
	if sp.rd.err != nil {
		// Not reached: known writes valid JSON.
		s.SetBuffer(append(s.Buffer(), b...))
		return
	}
	s.SetBuffer(append(append(s.Buffer(), sp.out...), b[sp.last:]...))
	Spill(s)
}

// splicer copies encoded JSON, inserting the unknown members.
type splicer struct {
	u    *Unknown
	rd   Reader // over the encoded JSON
	out  []byte
	last int // the encoded JSON is copied to out up to here
	path []byte
}

func (sp *splicer) value(t reflect.Type, keys []string) {
	switch sp.rd.Kind() {
	case '{':
		sp.object(t)
	case '[':
		sp.array(t, keys)
	default:
		sp.rd.Skip()
	}
}

func (sp *splicer) object(t reflect.Type) {
	if !sp.rd.BeginObject() {
		return
	}
	here := sp.u.find(sp.path)
	inner := sp.u.childKeys(sp.path)
	var seen []string
	n := 0
	for key, ok := sp.rd.NextKey(); ok; key, ok = sp.rd.NextKey() {
		n++
		if here != nil || len(inner) > 0 {
			seen = append(seen, string(key))
		}
		mark := len(sp.path)
		sp.path = appendKeySeg(sp.path, key)
		if sp.u.under(sp.path) {
			ft, keys := memberType(t, key)
			sp.value(ft, keys)
		} else {
			sp.rd.Skip()
		}
		sp.path = sp.path[:mark]
	}
	if here == nil && len(inner) == 0 || sp.rd.err != nil {
		return
	}
	end := sp.rd.pos - 1 // the closing brace
	sp.out = append(sp.out, sp.rd.buf[sp.last:end]...)
	sp.last = end
	sp.out = sp.u.appendMembers(sp.out, sp.path, t, here, inner, seen, n > 0)
}

// appendMembers appends to b the members of the object at path p (of Go
// type t) that u holds and the object lacks (the keys in seen it has; more
// says whether it has any): here's own, then the structs held by value
// that were left out though members were read into them (inner are the
// keys of the objects inside p that hold members).
func (u *Unknown) appendMembers(b, p []byte, t reflect.Type, here *unknownObject, inner, seen []string, more bool) []byte {
	if here != nil {
		for _, m := range here.members {
			if slices.Contains(seen, m.key) {
				continue
			}
			if more {
				b = append(b, ',')
			}
			more = true
			b = appendQuoted(b, m.key)
			b = append(b, ':')
			b = AppendCompact(b, m.value)
		}
	}
	if st := deref(t); st == nil || st.Kind() != reflect.Struct {
		return b // a map's entries are the caller's to remove
	}
	for _, k := range inner {
		ft, _ := memberType(t, []byte(k))
		if slices.Contains(seen, k) || ft == nil || ft.Kind() != reflect.Struct {
			continue // there, or a pointer the caller set to nil
		}
		if more {
			b = append(b, ',')
		}
		more = true
		b = appendQuoted(b, k)
		b = append(b, ':', '{')
		cp := appendKeySeg(slices.Clip(p), []byte(k))
		b = u.appendMembers(b, cp, ft, u.find(cp), u.childKeys(cp), nil, false)
		b = append(b, '}')
	}
	return b
}

// childKeys returns the keys of the members of the object at path p that
// lead to objects u holds members of, each once.
func (u *Unknown) childKeys(p []byte) []string {
	var keys []string
	i, _ := u.search(p)
	for ; i < len(u.objs) && strings.HasPrefix(u.objs[i].path, view(p)); i++ {
		rest := u.objs[i].path[len(p):]
		if len(rest) == 0 || rest[0] != 'k' {
			continue
		}
		n, w := binary.Uvarint([]byte(rest[1:min(len(rest), 11)]))
		if w <= 0 || 1+w+int(n) > len(rest) {
			continue
		}
		if k := rest[1+w : 1+w+int(n)]; !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

func (sp *splicer) array(t reflect.Type, keys []string) {
	start := sp.rd.pos
	if !sp.rd.BeginArray() {
		return
	}
	var ids []string
	if len(keys) > 0 {
		ids = identities(sp.rd.buf, start, keys)
	}
	et := elemType(t)
	for i := 0; sp.rd.NextElem(); i++ {
		mark := len(sp.path)
		sp.path = appendItemSeg(sp.path, ids, i)
		if sp.u.under(sp.path) {
			sp.value(et, nil)
		} else {
			sp.rd.Skip()
		}
		sp.path = sp.path[:mark]
	}
}

// find returns the unknown members of the object at path p, or nil.
func (u *Unknown) find(p []byte) *unknownObject {
	i, ok := u.search(p)
	if !ok {
		return nil
	}
	return &u.objs[i]
}

// under reports whether u holds members of the object at path p or of one
// inside it.
func (u *Unknown) under(p []byte) bool {
	i, _ := u.search(p)
	return i < len(u.objs) && strings.HasPrefix(u.objs[i].path, view(p))
}

// search returns the index of the first object whose path is not before
// p, and whether its path is p.
func (u *Unknown) search(p []byte) (int, bool) {
	return slices.BinarySearchFunc(u.objs, view(p), func(o unknownObject, p string) int { return strings.Compare(o.path, p) })
}

// view returns b as a string without copying it, for comparisons while b
// is not written.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendQuoted appends s as a JSON string, escaped as encoding/json does.
func appendQuoted(b []byte, s string) []byte {
	st := API.BorrowStream(nil)
	defer API.ReturnStream(st)
	st.SetBuffer(b)
	st.WriteStringWithHTMLEscaped(s)
	return st.Buffer()
}

// Go types, read by reflection: which field a JSON key names, and the list
// keys of its items.

// typeOfRoot returns the type root points to.
func typeOfRoot(root any) reflect.Type {
	t := reflect.TypeOf(root)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

type fieldInfo struct {
	typ  reflect.Type
	keys []string
}

var structFields sync.Map // reflect.Type -> map[string]fieldInfo

// memberType returns the Go type of the member key of a JSON object held
// as t (a struct or a map), and the list keys of its items; nil when t
// does not declare it.
func memberType(t reflect.Type, key []byte) (reflect.Type, []string) {
	t = deref(t)
	if t == nil {
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem(), nil
	case reflect.Struct:
		f := fieldsOf(t)[string(key)]
		return f.typ, f.keys
	}
	return nil, nil
}

// elemType returns the Go type of the items of a JSON array held as t, or
// nil.
func elemType(t reflect.Type) reflect.Type {
	t = deref(t)
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8 {
		return t.Elem()
	}
	return nil
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// fieldsOf returns the fields of struct t by JSON name, as encoding/json
// sees them: embedded structs without a name promote theirs.
func fieldsOf(t reflect.Type) map[string]fieldInfo {
	if m, ok := structFields.Load(t); ok {
		return m.(map[string]fieldInfo)
	}
	m := map[string]fieldInfo{}
	addFields(m, t, 0)
	structFields.Store(t, m)
	return m
}

func addFields(m map[string]fieldInfo, t reflect.Type, depth int) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			if et := deref(sf.Type); et.Kind() == reflect.Struct && depth < 8 {
				addFields(m, et, depth+1)
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, dup := m[name]; dup && depth > 0 {
			continue // a shallower field wins
		}
		var keys []string
		if k := sf.Tag.Get("listKeys"); k != "" {
			keys = strings.Split(k, ",")
		}
		m[name] = fieldInfo{sf.Type, keys}
	}
}
