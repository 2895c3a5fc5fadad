package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// codecGen writes the decoders and encoders of one package.
type codecGen struct {
	w   writer
	p   *pkg
	all *model
	// slabs are the struct types allocated with jsonwire.Alloc, by Go
	// type, each with the index of its key in slabKeys.
	slabs map[string]int
}

// emitCodec writes DecodeWire, DecodeJSON, UnmarshalJSON and EncodeJSON for
// every struct type of p.
//
// There is deliberately no MarshalJSON. A type that flows into an interface
// keeps every method some reachable interface call could select, and a
// MarshalJSON would be selectable by any JSON encoder in the program
// (json-iterator reaches its own from decoding alone), so it would link the
// type's encoder, and with it the encoders of every type it contains, into
// programs that never encode: for a program that only lists pods, all of
// core/v1's pod encoders. Without it, encoding/json encodes the types by
// reflection to the same bytes (fixtures.CheckCodec checks that), and
// kubewire's own writes use EncodeJSON.
//
// For the same reason only the types that are decoded on their own (kinds
// and lists) have DecodeJSON and UnmarshalJSON:
// a program that lists pods converts PodList to an interface, which makes
// the linker keep every such method of every type reachable from it (for
// corev1's 116 pod types, 70 KB of wrappers and their tables). The types
// nested in a kind are decoded by their DecodeWire from their parent's;
// encoding/json and json-iterator decode one on its own by reflection, to
// the same value (fixtures.CheckCodec checks that).
func emitCodec(m *model, p *pkg) []byte {
	g := &codecGen{p: p, all: m, slabs: map[string]int{}}
	for _, name := range sortedKeys(p.types) {
		t := p.types[name]
		if t.alias != nil {
			continue
		}
		g.decoder(t)
		g.encoder(t)
	}
	if len(g.slabs) > 0 {
		g.w.p("\n// slabKeys stand for the types decoders allocate in chunks with jsonwire.Alloc.")
		g.w.p("var slabKeys [%d]byte", len(g.slabs))
	}
	return g.w.Bytes()
}

func (g *codecGen) qualified(t *typ) string { return g.p.name + "." + t.name }

// embeddable are the metav1 types that users' structs embed. Their codecs
// are package functions over unexported methods, not exported methods: an
// exported DecodeWire or EncodeJSON would be promoted to a struct that
// embeds the type alone and read or write that whole struct as metadata.
var embeddable = set("ObjectMeta", "ListMeta", "TypeMeta")

// hidden reports whether a type's codec methods are unexported (see
// embeddable).
func hidden(pkg, name string) bool { return pkg == metaPkg && embeddable[name] }

// decodeCall is the statement that decodes the struct value target, of
// type t (a pointer when ptr), from r.
func (g *codecGen) decodeCall(target string, t *gtype, ptr bool) string {
	return g.codecCall("DecodeWire", "r", target, t, ptr)
}

// encodeCall is the statement that encodes the struct value expr, of type
// t (a pointer when ptr), to s.
func (g *codecGen) encodeCall(expr string, t *gtype, ptr bool) string {
	return g.codecCall("EncodeJSON", "s", expr, t, ptr)
}

// codecCall calls codec method of expr with arg: as a method, or through
// the package function of an embeddable metadata type.
func (g *codecGen) codecCall(method, arg, expr string, t *gtype, ptr bool) string {
	pkg := t.pkg
	if pkg == "" {
		pkg = g.p.name
	}
	if !hidden(pkg, t.name) {
		return fmt.Sprintf("%s.%s(%s)", expr, method, arg)
	}
	if !ptr {
		expr = "&" + expr
	}
	return fmt.Sprintf("%s%s%s(%s, %s)", g.prefix(pkg), t.name, method, arg, expr)
}

// prefix qualifies a name of package pkg from the package being generated.
func (g *codecGen) prefix(pkg string) string {
	if pkg == g.p.name {
		return ""
	}
	return pkg + "."
}

// codecHead opens the body of t's codec method (DecodeWire or EncodeJSON,
// whose parameter arg has type argType), after its doc comment: an
// exported method, or for the embeddable metadata an unexported one
// behind a package function (see codecCall).
func (g *codecGen) codecHead(t *typ, method, arg, argType, doc string) {
	w := &g.w
	if hidden(g.p.name, t.name) {
		lower := strings.ToLower(method[:1]) + method[1:]
		w.p("\n// %s%s is %s's %s, for the generated codecs. It is a function so", t.name, method, t.name, method)
		w.p("// that structs embedding %s are not given it.", t.name)
		w.p("func %s%s(%s %s, x *%s) { x.%s(%s) }", t.name, method, arg, argType, t.name, lower, arg)
		w.p("\nfunc (x *%s) %s(%s %s) {", t.name, lower, arg, argType)
		return
	}
	w.p("\n// %s %s", method, doc)
	w.p("func (x *%s) %s(%s %s) {", t.name, method, arg, argType)
}

// standalone reports whether t is decoded on its own, and so has DecodeJSON
// and UnmarshalJSON: a kind or a list. Object and list metadata have
// neither, so that a user's struct that embeds metav1.ObjectMeta (or
// TypeMeta, or ListMeta) alone is not decoded whole by the promoted method
// of its metadata.
func standalone(t *typ) bool { return t.gvk || t.list }

func (g *codecGen) decoder(t *typ) {
	w := &g.w
	g.codecHead(t, "DecodeWire", "r", "*jsonwire.Reader",
		"reads x from r. It is the entry point generated decoders use\n// across packages; use DecodeJSON or UnmarshalJSON.")
	root := standalone(t)
	if root {
		w.p("m := r.Mark()")
	}
	w.p("if !r.BeginObject() { return }")
	switch {
	case len(t.fields) == 0:
		w.p("for _, ok := r.NextKey(); ok; _, ok = r.NextKey() { r.SkipUnknown() }")
	case t.list:
		w.p("for key, ok := r.NextKey(); ok; key, ok = r.NextKey() { x.decodeField(r, key) }")
	default:
		w.p("for key, ok := r.NextKey(); ok; key, ok = r.NextKey() {")
		g.fieldSwitch(t)
		w.p("}")
	}
	if root {
		// A kind or list keeps the unknown members of its whole tree.
		w.p("if r.Unknowns(m) { x.unknown = r.TakeUnknown(m, x) } else { x.unknown = nil }")
	}
	w.p("}")
	if t.list {
		w.p("\nfunc (x *%s) decodeField(r *jsonwire.Reader, key []byte) {", t.name)
		g.fieldSwitch(t)
		w.p("}")
	}

	if !standalone(t) {
		return
	}
	w.p("\n// DecodeJSON reads x from it without reflection, keeping the members its")
	w.p("// types lack for EncodeJSON; errors are reported through it.ReportError.")
	w.p("func (x *%s) DecodeJSON(it *jsoniter.Iterator) {", t.name)
	if t.list {
		g.streamingList(t)
	} else {
		w.p("var r jsonwire.Reader")
		w.p("if r.Capture(it) {")
		w.p("x.DecodeWire(&r)")
		w.p("r.Report(it, %q)", g.qualified(t))
		w.p("}")
	}
	w.p("}")

	w.p("\n// UnmarshalJSON implements json.Unmarshaler with the generated decoder.")
	w.p("func (x *%s) UnmarshalJSON(data []byte) error {", t.name)
	w.p("var r jsonwire.Reader")
	w.p("r.ResetOwned(append([]byte(nil), data...))")
	w.p("x.DecodeWire(&r)")
	w.p("return r.Finish(%q)", g.qualified(t))
	w.p("}")
}

// streamingList decodes a list's items one at a time from the iterator, so
// each item owns its own buffer and a large list is never copied whole.
func (g *codecGen) streamingList(t *typ) {
	w := &g.w
	var items *field
	for _, f := range t.fields {
		if f.json == "items" {
			items = f
		}
	}
	elem := goType(items.typ.elem)
	w.p("x.unknown = nil")
	w.p("it.ReadObjectCB(func(it *jsoniter.Iterator, field string) bool {")
	w.p("if field == \"items\" {")
	w.p("if it.ReadNil() { x.%s = nil; return true }", items.goName)
	w.p("items := []%s{}", elem)
	w.p("for it.ReadArray() {")
	w.p("start := jsonwire.Head(it)")
	w.p("items = append(items, %s{})", elem)
	w.p("items[len(items)-1].DecodeJSON(it)")
	w.p("if it.Error != nil { return false }")
	w.p("if len(items) == 1 {")
	w.p("// Size the rest from the first item when the input is a byte slice.")
	w.p("if c := jsonwire.ItemsHint(it, jsonwire.Head(it)-start); c > 1 {")
	w.p("grown := make([]%s, 1, c)", elem)
	w.p("grown[0] = items[0]")
	w.p("items = grown")
	w.p("}")
	w.p("}")
	w.p("}")
	w.p("x.%s = items", items.goName)
	w.p("return it.Error == nil")
	w.p("}")
	w.p("var r jsonwire.Reader")
	w.p("if !r.Capture(it) { return false }")
	w.p("m := r.Mark()")
	w.p("x.decodeField(&r, []byte(field))")
	w.p("r.Report(it, %q)", g.qualified(t))
	w.p("if r.Unknowns(m) { x.unknown = r.TakeUnknownMember(m, x, field, x.unknown) }")
	w.p("return it.Error == nil")
	w.p("})")
}

func (g *codecGen) fieldSwitch(t *typ) {
	w := &g.w
	w.p("switch string(key) {")
	for _, f := range t.fields {
		switch {
		case f.inline:
			for _, tf := range g.all.pkgs[metaPkg].types["TypeMeta"].fields {
				w.p("case %q:", tf.json)
				g.dec("x."+tf.goName, tf.typ, 0)
			}
		case f.embedded:
			w.p("case %q:", f.json)
			w.p("%s", g.decodeCall("x."+f.goName, f.typ, false))
		default:
			w.p("case %q:", f.json)
			g.dec("x."+f.goName, f.typ, 0)
		}
	}
	w.p("default:")
	w.p("r.SkipUnknown()")
	w.p("}")
}

// dec writes statements that decode one value of type t into target.
func (g *codecGen) dec(target string, t *gtype, d int) {
	w := &g.w
	if t.ptr {
		read := map[kind]string{kString: "r.StringPtr()", kBool: "r.BoolPtr()", kInt32: "r.Int32Ptr()",
			kInt64: "r.Int64Ptr()", kFloat64: "r.Float64Ptr()"}
		switch {
		case t.scalar() && t.name != "":
			// A pointer to a named scalar converts from a pointer to its
			// underlying type at no cost.
			w.p("%s = (%s)(%s)", target, goType(t), read[t.kind])
		case t.scalar():
			w.p("%s = %s", target, read[t.kind])
		default:
			w.p("if r.Null() {")
			w.p("%s = nil", target)
			w.p("} else {")
			elem := goType(&gtype{kind: t.kind, pkg: t.pkg, name: t.name})
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
				w.p("if %s == nil { %s = jsonwire.Alloc[%s](r, &slabKeys[%d], 4) }", target, target, elem, idx)
			} else {
				w.p("if %s == nil { %s = new(%s) }", target, target, elem)
			}
			w.p("%s", g.decodeCall(target, t, true))
			w.p("}")
		}
		return
	}
	switch t.kind {
	case kString:
		w.p("%s = %s", target, named(t, "r.String()"))
	case kBool:
		w.p("%s = %s", target, named(t, "r.Bool()"))
	case kInt32:
		w.p("%s = %s", target, named(t, "r.Int32()"))
	case kInt64:
		w.p("%s = %s", target, named(t, "r.Int64()"))
	case kFloat64:
		w.p("%s = %s", target, named(t, "r.Float64()"))
	case kBytes:
		w.p("%s = r.Bytes()", target)
	case kStruct, kRaw:
		w.p("%s", g.decodeCall(target, t, false))
	case kSlice:
		if e := t.elem; e.kind == kString && !e.ptr {
			if e.name == "" {
				w.p("%s = r.Strings()", target)
			} else {
				w.p("%s = jsonwire.StringsOf[%s](r)", target, goType(e))
			}
			return
		}
		sl := fmt.Sprintf("sl%d", d)
		w.p("if r.BeginArray() {")
		// Sized exactly: growing costs allocations, and spare capacity
		// stays alive with a cached object.
		w.p("%s := make(%s, 0, r.Count())", sl, goType(t))
		w.p("for r.NextElem() {")
		w.p("%s = append(%s, %s)", sl, sl, zeroValue(t.elem))
		g.dec(fmt.Sprintf("%s[len(%s)-1]", sl, sl), t.elem, d+1)
		w.p("}")
		w.p("%s = %s", target, sl)
		w.p("} else {")
		w.p("%s = nil", target)
		w.p("}")
	case kMap:
		if e := t.elem; e.kind == kString && !e.ptr && goType(t) == "map[string]string" {
			w.p("%s = r.StringMap()", target)
			return
		}
		m, k, v, ok := fmt.Sprintf("m%d", d), fmt.Sprintf("k%d", d), fmt.Sprintf("v%d", d), fmt.Sprintf("ok%d", d)
		w.p("if r.BeginObject() {")
		w.p("%s := make(%s)", m, goType(t))
		w.p("for %s, %s := r.MapKey(); %s; %s, %s = r.MapKey() {", k, ok, ok, k, ok)
		w.p("var %s %s", v, goType(t.elem))
		g.dec(v, t.elem, d+1)
		w.p("%s[%s] = %s", m, keyOf(t, k), v)
		w.p("}")
		if g.isQuantity(t.elem) {
			// Resource lists repeat across the objects of a cache.
			w.p("%s = jsonwire.ShareQuantities(r, %s)", m, m)
		}
		w.p("%s = %s", target, m)
		w.p("} else {")
		w.p("%s = nil", target)
		w.p("}")
	}
}

// named converts expr, a value of the underlying type of the scalar t,
// to t when t is a named type (Protocol(r.String())).
func named(t *gtype, expr string) string {
	if t.name == "" {
		return expr
	}
	return goType(t.deref()) + "(" + expr + ")"
}

// underlying converts expr, a value of the scalar type t, to t's
// underlying type when t is a named type (string(x.Protocol)).
func underlying(t *gtype, expr string) string {
	if t.name == "" {
		return expr
	}
	return basicType(&gtype{kind: t.kind}) + "(" + expr + ")"
}

// keyOf converts k, a string map key, to the key type of the map t.
func keyOf(t *gtype, k string) string {
	if t.key == nil {
		return k
	}
	return named(t.key, k)
}

// isQuantity reports whether t is metav1.Quantity, the values of resource
// lists.
func (g *codecGen) isQuantity(t *gtype) bool {
	if t.kind != kStruct || t.ptr || t.name != "Quantity" {
		return false
	}
	return t.pkg == metaPkg || t.pkg == "" && g.p.name == metaPkg
}

func zeroValue(t *gtype) string {
	if t.ptr {
		return "nil"
	}
	switch t.kind {
	case kString:
		return `""`
	case kBool:
		return "false"
	case kInt32, kInt64, kFloat64:
		return "0"
	case kStruct:
		return goType(t) + "{}"
	}
	return "nil"
}

// keyState is what the encoder knows statically about whether a field has
// been written before the current one.
type keyState int

const (
	noneWritten keyState = iota
	someWritten
	maybeWritten
)

func (g *codecGen) encoder(t *typ) {
	w := &g.w
	if standalone(t) {
		// The unknown members are written by a slow path that runs only
		// when there are some.
		w.p("\n// EncodeJSON writes x as encoding/json would, without reflection, and")
		w.p("// then the members of the JSON it was decoded from that its types lack,")
		w.p("// each at the end of the object it was read from.")
		w.p("func (x *%s) EncodeJSON(s *jsoniter.Stream) {", t.name)
		w.p("if x.unknown != nil {")
		w.p("jsonwire.EncodeUnknown(s, x.unknown, x, x.encodeKnown)")
		w.p("return")
		w.p("}")
		w.p("x.encodeKnown(s)")
		w.p("}")
		w.p("\nfunc (x *%s) encodeKnown(s *jsoniter.Stream) {", t.name)
	} else {
		g.codecHead(t, "EncodeJSON", "s", "*jsoniter.Stream", "writes x as encoding/json would, without reflection.")
	}
	if len(t.fields) == 0 {
		w.p("s.WriteRaw(\"{}\")")
		w.p("}")
		return
	}
	type enc struct {
		json, expr string
		typ        *gtype
		omit       bool
		omitZero   bool
	}
	var list []enc
	for _, f := range t.fields {
		switch {
		case f.inline:
			for _, tf := range g.all.pkgs[metaPkg].types["TypeMeta"].fields {
				list = append(list, enc{tf.json, "x." + tf.goName, tf.typ, tf.omit, false})
			}
		case f.embedded:
			list = append(list, enc{f.json, "x." + f.goName, f.typ, false, false})
		default:
			list = append(list, enc{f.json, "x." + f.goName, f.typ, f.omit, f.omitZero})
		}
	}
	body := &codecGen{p: g.p, all: g.all}
	state := noneWritten
	applies, positions := false, false
	for _, e := range list {
		key := strconv.Quote(`,"` + e.json + `":`)
		if g.isStructValue(e.typ) {
			// Written, then taken back by an apply encoding when it wrote
			// nothing ({}) and is not explicit.
			body.w.p("at = jsonwire.Field(s, &more, %s)", key)
			body.enc(e.expr, e.typ, 0)
			body.w.p("if ap != nil { more = ap.Kept(s, at, &%s) }", e.expr)
			applies, positions, state = true, true, maybeWritten
			continue
		}
		cond, usesAp := g.writeCond(e.expr, e.typ, e.omit, e.omitZero)
		applies = applies || usesAp
		if cond != "" {
			body.w.p("if %s {", cond)
		}
		switch state {
		case noneWritten:
			body.w.p("s.WriteRaw(%s)", strconv.Quote(`"`+e.json+`":`))
			if cond != "" {
				body.w.p("more = true")
			}
		case someWritten:
			body.w.p("s.WriteRaw(%s)", key)
		case maybeWritten:
			body.w.p("jsonwire.Key(s, &more, %s)", key)
		}
		if e.omit && e.typ.ptr {
			// Known not to be nil.
			if e.typ.kind == kStruct || e.typ.kind == kRaw {
				body.w.p("%s", body.encodeCall(e.expr, e.typ, true))
			} else {
				body.enc("*"+e.expr, e.typ.deref(), 0)
			}
		} else {
			body.enc(e.expr, e.typ, 0)
		}
		if cond != "" {
			body.w.p("}")
			if state == noneWritten {
				state = maybeWritten
			}
		} else {
			state = someWritten
		}
	}
	w.p("s.WriteRaw(\"{\")")
	if applies {
		w.p("ap := jsonwire.Applying(s)")
	}
	if positions {
		w.p("var at int")
	}
	code := body.w.Bytes()
	if bytes.Contains(code, []byte("&more")) {
		w.p("more := false")
	} else {
		code = bytes.ReplaceAll(code, []byte("more = true\n"), nil)
	}
	w.Write(code)
	w.p("s.WriteRaw(\"}\")")
	w.p("}")
}

// isStructValue reports whether t is a generated struct held by value,
// which encoding/json never omits and an apply encoding omits when it
// writes nothing.
func (g *codecGen) isStructValue(t *gtype) bool {
	return t.kind == kStruct && !t.ptr && !g.isScalarStruct(t)
}

// isScalarStruct reports whether t is one of the hand-written metav1
// value types that JSON holds as a scalar (Time, MicroTime, Quantity,
// IntOrString), which have an IsZero method.
func (g *codecGen) isScalarStruct(t *gtype) bool {
	if t.kind != kStruct || t.ptr || !(t.pkg == metaPkg || t.pkg == "" && g.p.name == metaPkg) {
		return false
	}
	switch t.name {
	case "Time", "MicroTime", "Quantity", "IntOrString":
		return true
	}
	return false
}

// writeCond is the condition under which a field other than a struct
// value is written, and whether it uses ap. In the normal encoding it is
// encoding/json's (omitempty, or omitzero for a scalar struct: left out
// when IsZero); ap, the stream's apply state, is nil there.
// An apply encoding (ap set) writes what the caller set: a non-pointer
// scalar when it is not zero or named explicit, a pointer, slice or map
// when it is not nil. Explicit is asked before the value is looked at so
// that it records every explicit field it meets.
func (g *codecGen) writeCond(expr string, t *gtype, omit, omitZero bool) (string, bool) {
	var normal, apply string
	switch {
	case t.ptr:
		apply = expr + " != nil"
	case g.isScalarStruct(t):
		apply = "ap.Explicit(&" + expr + ") || !" + expr + ".IsZero()"
	case t.kind == kBytes || t.kind == kSlice || t.kind == kMap:
		apply = expr + " != nil"
	default:
		apply = omitCond(expr, t)
		if t.kind != kRaw {
			apply = "ap.Explicit(&" + expr + ") || " + apply
		}
	}
	switch {
	case omitZero:
		normal = "!" + expr + ".IsZero()"
	case omit:
		normal = omitCond(expr, t)
	}
	switch {
	case normal == "":
		return "ap == nil || " + apply, true
	case normal == apply:
		return normal, false
	case t.kind == kBytes || t.kind == kSlice || t.kind == kMap:
		return normal + " || ap != nil && " + apply, true
	}
	// A scalar: apply is Explicit || normal, false in the normal encoding
	// when normal is.
	return apply, true
}

// omitCond is the condition under which an omitempty field is written, or
// "" when it always is (structs are never empty to encoding/json).
func omitCond(expr string, t *gtype) string {
	if t.ptr {
		return expr + " != nil"
	}
	switch t.kind {
	case kString:
		return expr + ` != ""`
	case kBool:
		return expr
	case kInt32, kInt64, kFloat64:
		return expr + " != 0"
	case kBytes, kSlice, kMap, kRaw:
		return "len(" + expr + ") != 0"
	}
	return ""
}

// enc writes statements that encode expr, an addressable value of type t.
func (g *codecGen) enc(expr string, t *gtype, d int) {
	w := &g.w
	if t.ptr {
		w.p("if %s == nil {", expr)
		w.p("s.WriteNil()")
		w.p("} else {")
		switch t.kind {
		case kStruct, kRaw:
			w.p("%s", g.encodeCall(expr, t, true))
		default:
			g.enc("*"+expr, t.deref(), d)
		}
		w.p("}")
		return
	}
	switch t.kind {
	case kString:
		w.p("jsonwire.String(s, %s)", underlying(t, expr))
	case kBool:
		w.p("s.WriteBool(%s)", underlying(t, expr))
	case kInt32:
		w.p("s.WriteInt32(%s)", underlying(t, expr))
	case kInt64:
		w.p("s.WriteInt64(%s)", underlying(t, expr))
	case kFloat64:
		w.p("jsonwire.Float64(s, %s)", underlying(t, expr))
	case kBytes:
		w.p("jsonwire.Bytes(s, %s)", expr)
	case kStruct, kRaw:
		w.p("%s", g.encodeCall(expr, t, false))
	case kSlice:
		i := fmt.Sprintf("i%d", d)
		w.p("if %s == nil {", expr)
		w.p("s.WriteNil()")
		w.p("} else {")
		w.p("s.WriteRaw(\"[\")")
		w.p("for %s := range %s {", i, expr)
		w.p("if %s > 0 { s.WriteRaw(\",\") }", i)
		g.enc(fmt.Sprintf("%s[%s]", expr, i), t.elem, d+1)
		w.p("}")
		w.p("s.WriteRaw(\"]\")")
		w.p("}")
	case kMap:
		i, k, v := fmt.Sprintf("i%d", d), fmt.Sprintf("k%d", d), fmt.Sprintf("v%d", d)
		w.p("if %s == nil {", expr)
		w.p("s.WriteNil()")
		w.p("} else {")
		w.p("s.WriteRaw(\"{\")")
		key := &gtype{kind: kString}
		if t.key != nil {
			key = t.key
		}
		w.p("var keys%d [8]%s", d, goType(key))
		w.p("for %s, %s := range jsonwire.SortedKeys(%s, keys%d[:0]) {", i, k, expr, d)
		w.p("if %s > 0 { s.WriteRaw(\",\") }", i)
		w.p("jsonwire.String(s, %s)", underlying(key, k))
		w.p("s.WriteRaw(\":\")")
		w.p("%s := %s[%s]", v, expr, k)
		g.enc(v, t.elem, d+1)
		w.p("}")
		w.p("s.WriteRaw(\"}\")")
		w.p("}")
	}
}

// emitCodecTest writes the test that runs fixtures.CheckCodec on every
// struct type of p but the embeddable metadata, which has no DecodeWire
// method to check and is checked inside every kind.
func emitCodecTest(p *pkg) ([]byte, error) {
	var w writer
	w.p("\nfunc TestGeneratedCodec(t *testing.T) {")
	w.p("fixtures.CheckCodec(t,")
	for _, name := range sortedKeys(p.types) {
		if p.types[name].alias == nil && !hidden(p.name, name) {
			w.p("&%s.%s{},", p.name, name)
		}
	}
	w.p(")")
	w.p("}")
	return file(p.name+"_test", []string{`"testing"`, `"` + modulePath + `/internal/fixtures"`, p.importLine(p.name)}, w.Bytes())
}
