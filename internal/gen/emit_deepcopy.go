package main

import "fmt"

// deepCopyGen writes the DeepCopy and DeepCopyInto methods of one package.
type deepCopyGen struct {
	w   writer
	p   *pkg
	all *model
	// deepTypes memoizes deep by qualified type name; a type being
	// analysed is false, which is right for recursive types: they recur
	// through a pointer, slice or map, which is deep on its own.
	deepTypes map[string]bool
}

// shallowHandwritten are the hand-written value types that hold no memory a
// copy must not share: assignment copies them (a Quantity's text is an
// immutable string, a Time's location an immutable *time.Location).
var shallowHandwritten = set("metav1.Time", "metav1.MicroTime", "metav1.Quantity", "metav1.IntOrString")

// emitDeepCopy writes DeepCopyInto and DeepCopy for every struct type of p,
// as client-go's generated ones behave: a copy shares no memory that either
// side could write (slices, maps, pointers and raw JSON are copied, nil
// stays nil and empty stays empty); strings are shared, being immutable.
// Field copies go through the helpers of internal/deepcopy, one per shape.
func emitDeepCopy(m *model, p *pkg) ([]byte, error) {
	g := &deepCopyGen{p: p, all: m, deepTypes: map[string]bool{}}
	for _, name := range sortedKeys(p.types) {
		t := p.types[name]
		if t.alias != nil {
			continue // an alias of RawJSON, which has the methods
		}
		if err := g.emitType(t); err != nil {
			return nil, fmt.Errorf("%s.%s: %w", p.name, name, err)
		}
	}
	return g.w.Bytes(), nil
}

func (g *deepCopyGen) emitType(t *typ) error {
	var stmts []string
	for _, f := range t.fields {
		s, err := g.fieldStmt(f)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.goName, err)
		}
		if s != "" {
			stmts = append(stmts, s)
		}
	}
	w := &g.w
	w.p("\n// DeepCopyInto copies in into out, which then shares no memory with in.")
	if len(stmts) == 0 {
		w.p("func (in *%s) DeepCopyInto(out *%s) { *out = *in }", t.name, t.name)
	} else {
		w.p("func (in *%s) DeepCopyInto(out *%s) {", t.name, t.name)
		w.p("*out = *in")
		for _, s := range stmts {
			w.p("%s", s)
		}
		w.p("}")
	}
	w.p("\n// DeepCopy returns a copy of in that shares no memory with it, nil for nil.")
	w.p("func (in *%s) DeepCopy() *%s {", t.name, t.name)
	w.p("if in == nil { return nil }")
	w.p("out := new(%s)", t.name)
	w.p("in.DeepCopyInto(out)")
	w.p("return out")
	w.p("}")
	return nil
}

// fieldStmt returns the statement that makes out's field f a deep copy of
// in's after *out = *in, or "" when that assignment already is one.
func (g *deepCopyGen) fieldStmt(f *field) (string, error) {
	src, dst := "in."+f.goName, "out."+f.goName
	if f.typ.kind == kStruct && !f.typ.ptr {
		if !g.deep(f.typ) {
			return "", nil
		}
		return fmt.Sprintf("%s.DeepCopyInto(&%s)", src, dst), nil
	}
	e, err := g.copyExpr(f.typ, src)
	if err != nil || e == "" {
		return "", err
	}
	return dst + " = " + e, nil
}

// copyExpr returns an expression that is a deep copy of the value src of
// type t, or "" when assignment copies it deeply.
func (g *deepCopyGen) copyExpr(t *gtype, src string) (string, error) {
	if t.ptr {
		switch {
		case t.kind == kStruct && g.deep(t):
			return src + ".DeepCopy()", nil
		case !g.deep(t):
			return "deepcopy.Ptr(" + src + ")", nil
		}
		return "", fmt.Errorf("no copy of a pointer to %s", goType(t))
	}
	switch t.kind {
	case kString, kBool, kInt32, kInt64, kFloat64:
		return "", nil
	case kBytes, kRaw:
		return "deepcopy.Slice(" + src + ")", nil
	case kStruct:
		if !g.deep(t) {
			return "", nil
		}
		// A struct value inside a slice or map is copied by Structs or
		// StructMap; elsewhere fieldStmt calls DeepCopyInto.
		return "", fmt.Errorf("no copy expression of struct value %s", goType(t))
	case kSlice, kMap:
		return g.containerExpr(t, src)
	}
	return "", fmt.Errorf("no copy of kind %d", t.kind)
}

// containerExpr returns the copy of a slice or map src of type t.
func (g *deepCopyGen) containerExpr(t *gtype, src string) (string, error) {
	plain, structs, each := "Slice", "Structs", "Each"
	if t.kind == kMap {
		plain, structs, each = "Map", "StructMap", "EachMap"
	}
	e := t.elem
	switch {
	case !e.ptr && !g.deep(e):
		return "deepcopy." + plain + "(" + src + ")", nil
	case !e.ptr && e.kind == kStruct:
		return "deepcopy." + structs + "(" + src + ")", nil
	}
	elem, err := g.copyExpr(e, "v")
	if err != nil {
		return "", err
	}
	fn := fmt.Sprintf("func(v %s) %s { return %s }", goType(e), goType(e), elem)
	if elem == "deepcopy.Slice(v)" {
		fn = "deepcopy.Slice[" + goType(e) + "]"
	}
	return fmt.Sprintf("deepcopy.%s(%s, %s)", each, src, fn), nil
}

// deep reports whether a value of t (a pointer's target, for a pointer)
// holds memory a copy must not share.
func (g *deepCopyGen) deep(t *gtype) bool {
	switch t.kind {
	case kString, kBool, kInt32, kInt64, kFloat64:
		return false
	case kStruct:
	default:
		return true
	}
	pkgName := t.pkg
	if pkgName == "" {
		pkgName = g.p.name
	}
	q := pkgName + "." + t.name
	if g.all.handwritten[pkgName][t.name] {
		return !shallowHandwritten[q]
	}
	if d, ok := g.deepTypes[q]; ok {
		return d
	}
	g.deepTypes[q] = false
	d := false
	if gt := g.all.pkgs[pkgName].types[t.name]; gt != nil {
		for _, f := range gt.fields {
			if f.typ.ptr || g.deep(f.typ) {
				d = true
				break
			}
		}
	}
	g.deepTypes[q] = d
	return d
}

// emitDeepCopyTest writes the test that checks every struct type's deep
// copy with fixtures.CheckDeepCopy.
func emitDeepCopyTest(p *pkg) ([]byte, error) {
	var w writer
	w.p("\nfunc TestGeneratedDeepCopy(t *testing.T) {")
	w.p("fixtures.CheckDeepCopy(t,")
	n := 0
	for _, name := range sortedKeys(p.types) {
		if p.types[name].alias == nil {
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
