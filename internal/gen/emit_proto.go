package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Protobuf codecs. Every struct type Kubernetes encodes in protobuf gets
//
//	DecodeProto(d *protowire.Decoder)               reads the message's fields
//	SizeProto(e *protowire.Encoder) int              the encoded size
//	EncodeProto(e *protowire.Encoder, b []byte) []byte
//	UnmarshalProto(data []byte) error                one message, no envelope
//	UnmarshalProtoFrom(d *protowire.Decoder) error   the same, for kinds and lists,
//	                                                 with d's ownership (codec's capability)
//	ProtoSize() int, AppendProto(b []byte) []byte    what callers use
//
// (object and list metadata have package functions instead, as for JSON:
// see embeddable). Fields are written in field-number order and when
// Kubernetes' own generated code writes them (protofacts: scalars and
// messages held by value always, pointers and bytes when set, slices and
// maps per item, map entries by sorted key), so an object re-encodes to
// the server's bytes. Fields of embedded structs that JSON inlines but
// protobuf nests (a Volume's VolumeSource) are read and written through
// unexported methods per nested message.

// protoGen writes the protobuf codecs of one package.
type protoGen struct {
	// slabs are the struct types allocated with protowire.Alloc, by Go
	// type, each with the index of its key in protoSlabKeys.
	slabs map[string]int
	w     writer
	p     *pkg
	all   *model
	errs  []string
}

// protoNode is one message of a type's protobuf layout: the type itself,
// or an embedded struct protobuf nests.
type protoNode struct {
	path     []int // from the type's message; empty for the type itself
	children map[int]*protoNode
	fields   map[int]*protoField
}

type protoField struct {
	f    *field
	desc *protoDesc
	num  int
	// items marks a list's items that are kinds: each encodes with its
	// own unknown fields.
	items bool
}

// hasProto reports whether Kubernetes encodes the type of schema in
// protobuf: whether any of its fields has a number.
func hasProto(schema string) bool {
	if len(protoGroups[schema]) > 0 {
		return true
	}
	_, ok := protoSchemas[schema]
	return ok
}

// protoSchemas are the schemas with protobuf facts: those with numbered
// fields, and the messages fields hold (some have no fields).
var protoSchemas = func() map[string]bool {
	out := map[string]bool{}
	var mark func(d *protoDesc)
	mark = func(d *protoDesc) {
		for ; d != nil; d = d.elem {
			if d.kind == "msg" {
				out[d.schema] = true
			}
		}
	}
	for k, f := range protoFacts {
		if i := strings.LastIndexByte(k, '.'); i > 0 {
			// No JSON name has a dot.
			out[k[:i]] = true
		}
		mark(f.desc)
	}
	return out
}()

// emitProto writes the protobuf codecs of p's struct types; it returns an
// error naming every field it cannot encode.
func emitProto(m *model, p *pkg) ([]byte, error) {
	g := &protoGen{p: p, all: m, slabs: map[string]int{}}
	for _, name := range sortedKeys(p.types) {
		t := p.types[name]
		if t.alias != nil || t.name == "TypeMeta" || !hasProto(t.schema) {
			continue
		}
		g.typ(t)
	}
	if len(g.slabs) > 0 {
		g.w.p("\n// protoSlabKeys stand for the types decoders allocate in chunks with protowire.Alloc.")
		g.w.p("var protoSlabKeys [%d]byte", len(g.slabs))
	}
	if len(g.errs) > 0 {
		sort.Strings(g.errs)
		return nil, fmt.Errorf("protobuf codecs of %s:\n\t%s", p.name, strings.Join(g.errs, "\n\t"))
	}
	return g.w.Bytes(), nil
}

func (g *protoGen) fail(format string, args ...any) {
	g.errs = append(g.errs, fmt.Sprintf(format, args...))
}

// layout builds t's message tree from the facts.
func (g *protoGen) layout(t *typ) *protoNode {
	root := &protoNode{children: map[int]*protoNode{}, fields: map[int]*protoField{}}
	for _, f := range t.fields {
		if f.inline {
			continue // TypeMeta: the envelope carries it
		}
		fact, ok := protoFacts[t.schema+"."+f.json]
		if !ok {
			g.fail("%s.%s: no protobuf field number", t.schema, f.json)
			continue
		}
		n := root
		for i, num := range fact.path[:len(fact.path)-1] {
			c := n.children[num]
			if c == nil {
				c = &protoNode{path: fact.path[:i+1], children: map[int]*protoNode{}, fields: map[int]*protoField{}}
				n.children[num] = c
			}
			n = c
		}
		num := fact.path[len(fact.path)-1]
		if n.fields[num] != nil || n.children[num] != nil {
			g.fail("%s.%s: field number %d used twice", t.schema, f.json, num)
			continue
		}
		if !g.compatible(f.typ, fact.desc) {
			g.fail("%s.%s: Go type %s does not fit Kubernetes' %s", t.schema, f.json, goType(f.typ), descString(fact.desc))
			continue
		}
		n.fields[num] = &protoField{f: f, desc: fact.desc, num: num, items: listItems(t) == f && standalone(t)}
	}
	return root
}

func descString(d *protoDesc) string {
	s := ""
	if d.ptr {
		s = "*"
	}
	switch d.kind {
	case "slice":
		return s + "[]" + descString(d.elem)
	case "map":
		return s + "map[string]" + descString(d.elem)
	case "wrap":
		return s + "wrap(" + descString(d.elem) + ")"
	case "msg":
		return s + "msg(" + d.schema + ")"
	}
	return s + d.kind
}

// compatible reports whether the Go type t can hold Kubernetes' d.
func (g *protoGen) compatible(t *gtype, d *protoDesc) bool {
	switch d.kind {
	case "string":
		return t.kind == kString
	case "bool":
		return t.kind == kBool
	case "int32":
		return t.kind == kInt32
	case "int64":
		return t.kind == kInt64
	case "float64":
		return t.kind == kFloat64
	case "bytes":
		return t.kind == kBytes
	case "msg":
		return (t.kind == kStruct || t.kind == kRaw) && g.msgOK(t, d.schema)
	case "slice":
		return t.kind == kSlice && !t.ptr && !t.elem.ptr && g.compatible(t.elem, d.elem) && d.elem.kind != "slice" && d.elem.kind != "map"
	case "wrap":
		return t.kind == kSlice && !t.ptr && d.elem.kind == "slice" && d.elem.elem.kind == "string" && t.elem.kind == kString && !t.elem.ptr
	case "map":
		return t.kind == kMap && !t.ptr && !t.elem.ptr && g.compatible(t.elem, d.elem)
	}
	return false
}

// msgOK reports whether the Go type t of kind struct or raw can hold the
// message of the schema: a generated type with protobuf codecs, or one of
// the hand-written ones that encode as Kubernetes' do.
func (g *protoGen) msgOK(t *gtype, schema string) bool {
	if t.kind == kRaw {
		switch schema {
		case "io.k8s.apimachinery.pkg.runtime.RawExtension", metaPrefix + "FieldsV1",
			"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON":
			return true
		}
		return false
	}
	pkg := t.pkg
	if pkg == "" {
		pkg = g.p.name
	}
	if g.all.handwritten[pkg][t.name] {
		return true // Time, MicroTime, Quantity, IntOrString, the schema unions
	}
	target := g.all.pkgs[pkg]
	if target == nil || target.types[t.name] == nil {
		return false
	}
	return target.types[t.name].schema == schema || hasProto(target.types[t.name].schema)
}

// call renders a codec method call on the struct or raw value expr (a
// pointer when ptr): a method, or the package function of the embeddable
// metadata.
func (g *protoGen) call(method, args, expr string, t *gtype, ptr bool) string {
	pkg := t.pkg
	if pkg == "" {
		pkg = g.p.name
	}
	if !hidden(pkg, t.name) {
		if args == "" {
			return fmt.Sprintf("%s.%s()", expr, method)
		}
		return fmt.Sprintf("%s.%s(%s)", expr, method, args)
	}
	if !ptr {
		expr = "&" + expr
	}
	prefix := ""
	if pkg != g.p.name {
		prefix = pkg + "."
	}
	return fmt.Sprintf("%s%s%s(%s, %s)", prefix, t.name, method, args, expr)
}

func (g *protoGen) typ(t *typ) {
	layout := g.layout(t)
	w := &g.w
	layout.emit(g, t)
	if hidden(g.p.name, t.name) {
		w.p("\n// %sDecodeProto reads x's message from d, for the generated codecs. It is", t.name)
		w.p("// a function so that structs embedding %s are not given it.", t.name)
		w.p("func %sDecodeProto(d *protowire.Decoder, x *%s) { x.decodeProto(d) }", t.name, t.name)
		w.p("\n// %sSizeProto returns the size of x's message, for the generated codecs.", t.name)
		w.p("func %sSizeProto(e *protowire.Encoder, x *%s) int { return x.sizeProto(e) }", t.name, t.name)
		w.p("\n// %sEncodeProto appends x's message to b, for the generated codecs.", t.name)
		w.p("func %sEncodeProto(e *protowire.Encoder, b []byte, x *%s) []byte { return x.encodeProto(e, b) }", t.name, t.name)
		return
	}
	root := standalone(t)
	enc := "nil"
	if root {
		enc = "protowire.NewEncoder(x.protoUnknown)"
	}
	w.p("\n// ProtoSize returns the size of x's protobuf message.")
	w.p("func (x *%s) ProtoSize() int { return x.SizeProto(%s) }", t.name, enc)
	w.p("\n// AppendProto appends x's protobuf message, as Kubernetes encodes it, to b.")
	w.p("func (x *%s) AppendProto(b []byte) []byte { return x.EncodeProto(%s, b) }", t.name, enc)
	if !root {
		w.p("\n// UnmarshalProto sets x to the protobuf message data (without the")
		w.p("// envelope); malformed data is a *metav1.ProtoError. Strings and bytes of")
		w.p("// x share one copy of data.")
		w.p("func (x *%s) UnmarshalProto(data []byte) error {", t.name)
		w.p("*x = %s{}", t.name)
		w.p("d := protowire.NewDecoder(data)")
		w.p("x.DecodeProto(d)")
		w.p("return d.Err()")
		w.p("}")
		return
	}
	w.p("\n// UnmarshalProto sets x to the protobuf message data (without the")
	w.p("// envelope); malformed data is a *metav1.ProtoError. Strings and bytes of")
	w.p("// x share one copy of data.")
	w.p("func (x *%s) UnmarshalProto(data []byte) error {", t.name)
	w.p("return x.UnmarshalProtoFrom(protowire.NewDecoder(data))")
	w.p("}")
	w.p("\n// UnmarshalProtoFrom sets x to the message d reads, whole, keeping what d's")
	w.p("// ownership allows (see protowire.NewDecoderOwned, NewDecoderDetached);")
	w.p("// malformed data is a *metav1.ProtoError.")
	w.p("func (x *%s) UnmarshalProtoFrom(d *protowire.Decoder) error {", t.name)
	w.p("*x = %s{}", t.name)
	w.p("x.DecodeProto(d)")
	if items := listItems(t); items != nil {
		w.p("u := d.TakeUnknown()")
		w.p("x.protoUnknown = u.Without(%d)", protoFacts[t.schema+".items"].path[0])
		w.p("for i := range x.Items { x.Items[i].protoUnknown = u.Item(%d, i) }", protoFacts[t.schema+".items"].path[0])
	} else {
		w.p("x.protoUnknown = d.TakeUnknown()")
	}
	w.p("return d.Err()")
	w.p("}")
}

// listItems returns the items field of a list whose items are kinds with
// their own unknown fields, or nil.
func listItems(t *typ) *field {
	if !t.list {
		return nil
	}
	for _, f := range t.fields {
		if f.json == "items" && f.typ.kind == kSlice && f.typ.elem.kind == kStruct && f.typ.elem.pkg == "" {
			return f
		}
	}
	return nil
}

// suffix names a nested message's methods.
func (n *protoNode) suffix() string {
	if len(n.path) == 0 {
		return ""
	}
	s := "G"
	for i, num := range n.path {
		if i > 0 {
			s += "x"
		}
		s += strconv.Itoa(num)
	}
	return s
}

// numbers returns the field numbers of n's fields and nested messages in
// order.
func (n *protoNode) numbers() []int {
	var nums []int
	for k := range n.fields {
		nums = append(nums, k)
	}
	for k := range n.children {
		nums = append(nums, k)
	}
	sort.Ints(nums)
	return nums
}

// emit writes n's decoder, sizer and encoder (and its nested messages').
func (n *protoNode) emit(g *protoGen, t *typ) {
	w := &g.w
	dec, size, enc := "DecodeProto", "SizeProto", "EncodeProto"
	if hidden(g.p.name, t.name) {
		dec, size, enc = "decodeProto", "sizeProto", "encodeProto"
	}
	sfx := n.suffix()
	if sfx != "" {
		dec, size, enc = "decodeProto"+sfx, "sizeProto"+sfx, "encodeProto"+sfx
		w.p("\n// %s reads the fields of %s's nested message %s.", dec, t.name, sfx[1:])
	} else {
		w.p("\n// %s reads x's message from d: the generated codecs' entry point.", dec)
	}
	w.p("func (x *%s) %s(d *protowire.Decoder) {", t.name, dec)
	w.p("for d.Next() {")
	w.p("switch d.Num() {")
	for _, num := range n.numbers() {
		w.p("case %d:", num)
		if c := n.children[num]; c != nil {
			w.p("if o, ok := d.Enter(-1); ok { x.decodeProto%s(d); d.Leave(o) }", c.suffix())
			continue
		}
		g.decField(n.fields[num])
	}
	w.p("default:")
	w.p("d.Unknown()")
	w.p("}")
	w.p("}")
	for _, num := range n.numbers() {
		if f := n.fields[num]; f != nil && f.desc.kind == "map" && f.f.typ.kind == kMap && g.isQuantity(f.f.typ.elem) {
			// Resource lists repeat across the objects of a cache.
			w.p("x.%s = protowire.ShareQuantities(d, x.%s)", f.f.goName, f.f.goName)
		}
	}
	w.p("}")

	w.p("\n// %s returns the size of x's message.", size)
	w.p("func (x *%s) %s(e *protowire.Encoder) (n int) {", t.name, size)
	for _, num := range n.numbers() {
		if c := n.children[num]; c != nil {
			w.p("e.Enter(%d, -1)", num)
			w.p("n += %d + protowire.SizeBytes(x.sizeProto%s(e))", tagSize(num), c.suffix())
			w.p("e.Leave()")
			continue
		}
		g.sizeField(n.fields[num])
	}
	w.p("return n + e.UnknownSize()")
	w.p("}")

	w.p("\n// %s appends x's message to b.", enc)
	w.p("func (x *%s) %s(e *protowire.Encoder, b []byte) []byte {", t.name, enc)
	for _, num := range n.numbers() {
		if c := n.children[num]; c != nil {
			w.p("b = append(b, %s)", tagBytes(num, 2))
			w.p("e.Enter(%d, -1)", num)
			w.p("b = protowire.AppendVarint(b, uint64(x.sizeProto%s(e)))", c.suffix())
			w.p("b = x.encodeProto%s(e, b)", c.suffix())
			w.p("e.Leave()")
			continue
		}
		g.encField(n.fields[num])
	}
	w.p("return e.AppendUnknown(b)")
	w.p("}")
	for _, num := range n.numbers() {
		if c := n.children[num]; c != nil {
			c.emit(g, t)
		}
	}
}

func tagSize(num int) int {
	v := uint64(num) << 3
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// tagBytes renders the varint bytes of a tag as Go byte literals.
func tagBytes(num, wire int) string {
	v := uint64(num)<<3 | uint64(wire)
	var parts []string
	for v >= 0x80 {
		parts = append(parts, fmt.Sprintf("0x%x", byte(v)|0x80))
		v >>= 7
	}
	parts = append(parts, fmt.Sprintf("0x%x", byte(v)))
	return strings.Join(parts, ", ")
}

func tagValue(num, wire int) string { return fmt.Sprintf("0x%x", uint64(num)<<3|uint64(wire)) }

// wireOf is the wire type of a scalar description.
func wireOf(kind string) int {
	switch kind {
	case "bool", "int32", "int64":
		return 0
	case "float64":
		return 1
	}
	return 2
}

// scalarRead is the decoder call that reads a scalar of Go kind k.
var scalarRead = map[kind]string{kString: "d.String()", kBool: "d.Bool()", kInt32: "d.Int32()", kInt64: "d.Int64()", kFloat64: "d.Float64()", kBytes: "d.Bytes()"}

// decField writes the statements of one field's case.
func (g *protoGen) decField(pf *protoField) {
	w := &g.w
	f, d := pf.f, pf.desc
	target := "x." + f.goName
	if f.embedded {
		target = "x." + f.goName
	}
	t := f.typ
	switch d.kind {
	case "string", "bool", "int32", "int64", "float64", "bytes":
		g.decScalar(target, t)
	case "msg":
		g.decMsg(target, t, "-1")
	case "slice":
		e := t.elem
		switch e.kind {
		case kInt32:
			w.p("%s = d.Int32s(%s)", target, target)
		case kInt64:
			w.p("%s = d.Int64s(%s)", target, target)
		case kBool:
			w.p("%s = d.Bools(%s)", target, target)
		case kString, kBytes:
			w.p("if %s == nil { %s = make(%s, 0, d.Count()) }", target, target, goType(t))
			w.p("%s = append(%s, %s)", target, target, named(e, scalarRead[e.kind]))
		default:
			w.p("if %s == nil { %s = make(%s, 0, d.Count()) }", target, target, goType(t))
			w.p("%s = append(%s, %s)", target, target, zeroValue(e))
			g.decMsg(fmt.Sprintf("%s[len(%s)-1]", target, target), e, fmt.Sprintf("len(%s)-1", target))
		}
	case "wrap":
		w.p("if o, ok := d.Enter(-1); ok {")
		g.decWrap(target, t)
		w.p("d.Leave(o)")
		w.p("}")
	case "map":
		w.p("if %s == nil { %s = make(%s, d.Count()) }", target, target, goType(t))
		w.p("if o, ok := d.Enter(len(%s)); ok {", target)
		key := "string"
		if t.key != nil {
			key = goType(t.key)
		}
		w.p("var k %s", key)
		w.p("var v %s", goType(t.elem))
		w.p("for d.Next() {")
		w.p("switch d.Num() {")
		w.p("case 1:")
		w.p("k = %s", keyOf(t, "d.String()"))
		w.p("case 2:")
		switch d.elem.kind {
		case "msg":
			g.decMsg("v", t.elem, "-1")
		case "wrap":
			w.p("if o, ok := d.Enter(-1); ok {")
			g.decWrap("v", t.elem)
			w.p("d.Leave(o)")
			w.p("}")
		default:
			g.decScalar("v", t.elem)
		}
		w.p("default:")
		w.p("d.Skip()")
		w.p("}")
		w.p("}")
		w.p("d.Leave(o)")
		w.p("%s[k] = v", target)
		w.p("}")
	}
}

func (g *protoGen) decWrap(target string, t *gtype) {
	w := &g.w
	w.p("if %s == nil { %s = %s{} }", target, target, goType(t))
	w.p("for d.Next() {")
	w.p("if d.Num() == 1 { %s = append(%s, %s) } else { d.Unknown() }", target, target, named(t.elem, "d.String()"))
	w.p("}")
}

func (g *protoGen) decScalar(target string, t *gtype) {
	w := &g.w
	if !t.ptr {
		w.p("%s = %s", target, named(t, scalarRead[t.kind]))
		return
	}
	read := map[kind]string{kString: "d.StringPtr()", kBool: "d.BoolPtr()", kInt32: "d.Int32Ptr()", kInt64: "d.Int64Ptr()", kFloat64: "d.Float64Ptr()"}[t.kind]
	if t.name != "" {
		w.p("%s = (%s)(%s)", target, goType(t), read)
	} else {
		w.p("%s = %s", target, read)
	}
}

// decMsg decodes a message field into target, a struct or raw value (or
// pointer) of type t, as item index of a repeated field.
func (g *protoGen) decMsg(target string, t *gtype, index string) {
	w := &g.w
	w.p("if o, ok := d.Enter(%s); ok {", index)
	if t.ptr {
		elem := goType(t.deref())
		q := t.pkg + "." + t.name
		if t.pkg == "" {
			q = g.p.name + "." + t.name
		}
		if g.all.repeated[q] {
			idx, ok := g.slabs[elem]
			if !ok {
				idx = len(g.slabs)
				g.slabs[elem] = idx
			}
			w.p("if %s == nil { %s = protowire.Alloc[%s](d, &protoSlabKeys[%d], 4) }", target, target, elem, idx)
		} else {
			w.p("if %s == nil { %s = new(%s) }", target, target, elem)
		}
	}
	w.p("%s", g.call("DecodeProto", "d", target, t, t.ptr))
	w.p("d.Leave(o)")
	w.p("}")
}

// sizeField writes the statements adding one field's size to n.
func (g *protoGen) sizeField(pf *protoField) {
	g.field(pf, true)
}

func (g *protoGen) encField(pf *protoField) {
	g.field(pf, false)
}

// field writes the size (size) or encoding of one field, written when
// Kubernetes writes it.
func (g *protoGen) field(pf *protoField, size bool) {
	w := &g.w
	f, d, num := pf.f, pf.desc, pf.num
	x := "x." + f.goName
	t := f.typ
	switch d.kind {
	case "string", "bool", "int32", "int64", "float64", "bytes":
		switch {
		case d.kind == "bytes":
			w.p("if %s != nil {", x)
			g.scalar(x, t, num, size)
			w.p("}")
		case t.ptr:
			w.p("if %s != nil {", x)
			g.scalar("*"+x, t.deref(), num, size)
			w.p("}")
		case d.ptr:
			w.p("if %s != %s {", x, zeroValue(t))
			g.scalar(x, t, num, size)
			w.p("}")
		default:
			g.scalar(x, t, num, size)
		}
	case "msg":
		switch {
		case t.kind == kRaw && d.ptr:
			w.p("if %s != nil {", x)
			g.msg(x, t, num, "-1", size)
			w.p("}")
		case t.ptr:
			w.p("if %s != nil {", x)
			g.msg(x, t, num, "-1", size)
			w.p("}")
		case d.ptr:
			// Kubernetes holds a pointer, kubewire a value: written when
			// it encodes to something.
			w.p("if s := %s; s > 0 {", g.call("SizeProto", "nil", x, t, false))
			g.msg(x, t, num, "-1", size)
			w.p("}")
		default:
			g.msg(x, t, num, "-1", size)
		}
	case "slice":
		if size && (t.elem.kind == kBool || t.elem.kind == kFloat64) {
			w.p("n += len(%s) * (%s)", x, g.scalarSize("", t.elem, num))
			return
		}
		w.p("for i := range %s {", x)
		if pf.items && size {
			w.p("n += %d + protowire.SizeBytes(%s[i].ProtoSize())", tagSize(num), x)
		} else if pf.items {
			w.p("b = append(b, %s)", tagBytes(num, 2))
			w.p("b = protowire.AppendVarint(b, uint64(%s[i].ProtoSize()))", x)
			w.p("b = %s[i].AppendProto(b)", x)
		} else if d.elem.kind == "msg" {
			g.msg(x+"[i]", t.elem, num, "i", size)
		} else {
			g.scalar(x+"[i]", t.elem, num, size)
		}
		w.p("}")
	case "wrap":
		w.p("if %s != nil {", x)
		g.wrap(x, t, num, size)
		w.p("}")
	case "map":
		if size {
			w.p("for k, v := range %s {", x)
			w.p("_ = v")
			w.p("n += %d + protowire.SizeBytes(%s)", tagSize(num), g.entrySize(t, d, "k", "v"))
			w.p("}")
			return
		}
		w.p("if len(%s) > 0 {", x)
		w.p("for _, k := range protowire.SortedKeys(%s) {", x)
		w.p("v := %s[k]", x)
		w.p("b = append(b, %s)", tagBytes(num, 2))
		w.p("b = protowire.AppendVarint(b, uint64(%s))", g.entrySize(t, d, "k", "v"))
		w.p("b = protowire.AppendString(b, 0xa, string(k))")
		switch d.elem.kind {
		case "msg":
			w.p("b = append(b, 0x12)")
			w.p("b = protowire.AppendVarint(b, uint64(%s))", g.call("SizeProto", "nil", "v", t.elem, false))
			w.p("b = %s", g.call("EncodeProto", "nil, b", "v", t.elem, false))
		case "wrap":
			g.wrap("v", t.elem, 2, false)
		case "bytes":
			w.p("if v != nil {")
			g.scalar("v", t.elem, 2, false)
			w.p("}")
		default:
			g.scalar("v", t.elem, 2, false)
		}
		w.p("}")
		w.p("}")
	}
}

// entrySize is the expression of a map entry's size. Unknown fields of
// map values are not kept (the entry's path has no index here).
func (g *protoGen) entrySize(t *gtype, d *protoDesc, k, v string) string {
	s := fmt.Sprintf("1 + protowire.SizeBytes(len(%s))", k)
	switch d.elem.kind {
	case "msg":
		return s + fmt.Sprintf(" + 1 + protowire.SizeBytes(%s)", g.call("SizeProto", "nil", v, t.elem, false))
	case "wrap":
		return s + fmt.Sprintf(" + 1 + protowire.SizeBytes(protowire.SizeStrings(%s))", v)
	case "bytes":
		return s + fmt.Sprintf(" + protowire.SizeOptBytes(%s)", v)
	}
	return s + " + " + g.scalarSize(v, t.elem, 2)
}

// scalarSize is the expression of the size of scalar field num holding v.
func (g *protoGen) scalarSize(v string, t *gtype, num int) string {
	ts := tagSize(num)
	switch t.kind {
	case kString, kBytes:
		return fmt.Sprintf("%d + protowire.SizeBytes(len(%s))", ts, v)
	case kBool:
		return fmt.Sprintf("%d", ts+1)
	case kInt32, kInt64:
		return fmt.Sprintf("%d + protowire.SizeVarint(uint64(%s))", ts, v)
	case kFloat64:
		return fmt.Sprintf("%d", ts+8)
	}
	g.fail("scalar size of %s", goType(t))
	return "0"
}

func (g *protoGen) scalar(v string, t *gtype, num int, size bool) {
	w := &g.w
	if size {
		w.p("n += %s", g.scalarSize(v, t, num))
		return
	}
	switch t.kind {
	case kString:
		w.p("b = protowire.AppendString(b, %s, %s)", tagValue(num, 2), underlying(t, v))
	case kBytes:
		w.p("b = protowire.AppendBytes(b, %s, %s)", tagValue(num, 2), v)
	case kBool:
		w.p("b = protowire.AppendBool(b, %s, bool(%s))", tagValue(num, 0), v)
	case kInt32, kInt64:
		w.p("b = protowire.AppendUvarint(b, %s, uint64(%s))", tagValue(num, 0), v)
	case kFloat64:
		w.p("b = protowire.AppendFloat64(b, %s, float64(%s))", tagValue(num, 1), v)
	default:
		g.fail("scalar encoding of %s", goType(t))
	}
}

// msg sizes or writes a message field holding v (a struct or raw value,
// or a pointer), as item index of a repeated field.
func (g *protoGen) msg(v string, t *gtype, num int, index string, size bool) {
	w := &g.w
	w.p("e.Enter(%d, %s)", num, index)
	if size {
		w.p("n += %d + protowire.SizeBytes(%s)", tagSize(num), g.call("SizeProto", "e", v, t, t.ptr))
	} else {
		w.p("b = append(b, %s)", tagBytes(num, 2))
		w.p("b = protowire.AppendVarint(b, uint64(%s))", g.call("SizeProto", "e", v, t, t.ptr))
		w.p("b = %s", g.call("EncodeProto", "e, b", v, t, t.ptr))
	}
	w.p("e.Leave()")
}

// wrap sizes or writes a named slice Kubernetes holds as a message of
// repeated strings (metav1.Verbs, authentication's ExtraValue).
func (g *protoGen) wrap(v string, t *gtype, num int, size bool) {
	w := &g.w
	if size {
		w.p("n += %d + protowire.SizeBytes(protowire.SizeStrings(%s))", tagSize(num), v)
		return
	}
	w.p("b = append(b, %s)", tagBytes(num, 2))
	w.p("b = protowire.AppendVarint(b, uint64(protowire.SizeStrings(%s)))", v)
	w.p("for _, s := range %s { b = protowire.AppendString(b, 0xa, string(s)) }", v)
}

// emitProtoTest writes the test that runs fixtures.CheckProto on every
// type of p with protobuf methods.
func emitProtoTest(p *pkg) ([]byte, error) {
	var w writer
	w.p("\nfunc TestGeneratedProto(t *testing.T) {")
	w.p("fixtures.CheckProto(t,")
	n := 0
	for _, name := range sortedKeys(p.types) {
		t := p.types[name]
		if t.alias == nil && t.name != "TypeMeta" && !hidden(p.name, name) && hasProto(t.schema) {
			w.p("&%s.%s{},", p.name, name)
			n++
		}
	}
	w.p(")")
	w.p("}")
	if n == 0 {
		return nil, nil
	}
	return file(p.name+"_test", []string{`"testing"`, `"` + modulePath + `/internal/fixtures"`, p.importLine(p.name)}, w.Bytes())
}

func (g *protoGen) isQuantity(t *gtype) bool {
	if t.kind != kStruct || t.ptr || t.name != "Quantity" {
		return false
	}
	return t.pkg == metaPkg || t.pkg == "" && g.p.name == metaPkg
}
