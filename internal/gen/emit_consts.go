package main

import (
	"fmt"
	"strings"
)

// emitConstants writes the named scalar types declared in p (Protocol,
// PodPhase) and their constants (ProtocolTCP), from apiconsts.txt. It
// returns nil for a package that declares none.
func emitConstants(p *pkg) ([]byte, error) {
	if len(p.named) == 0 && len(p.foreign) == 0 {
		return nil, nil
	}
	taken := map[string]string{}
	for name := range p.types {
		taken[name] = "a type"
	}
	for kind := range p.resources {
		taken[kind+"Resource"] = "a resource descriptor"
	}
	claim := func(name, what string) error {
		if prev, ok := taken[name]; ok {
			return fmt.Errorf("%s: %s %s has the name of %s", p.name, what, name, prev)
		}
		taken[name] = what
		return nil
	}
	var w writer
	for _, name := range sortedKeys(p.named) {
		nf := p.named[name]
		if err := claim(name, "named type"); err != nil {
			return nil, err
		}
		w.WriteString("\n")
		w.WriteString(comment("", namedDoc(name, nf)))
		w.p("type %s %s", name, basicType(&gtype{kind: nf.kind}))
		if len(nf.consts) == 0 {
			continue
		}
		w.p("\n// Values of %s.", name)
		w.p("const (")
		for _, c := range nf.consts {
			if err := claim(c.name, "constant"); err != nil {
				return nil, err
			}
			w.WriteString(comment("\t", constDoc(name, c)))
			w.p("\t%s %s = %s", c.name, name, c.value)
		}
		w.p(")")
	}
	if len(p.foreign) > 0 {
		w.p("\n// Values of other packages' types that Kubernetes declares with %s.", p.groupVersion())
		w.p("const (")
		for _, c := range p.foreign {
			if err := claim(c.name, "constant"); err != nil {
				return nil, err
			}
			w.WriteString(comment("\t", constDoc(goType(c.typ), c.constFact)))
			w.p("\t%s %s = %s", c.name, goType(c.typ), c.value)
		}
		w.p(")")
	}
	return w.Bytes(), nil
}

// namedDoc is a named type's doc comment: the short one of the Go source,
// or a line of the generator's own.
func namedDoc(name string, nf *namedFact) string {
	if nf.doc != "" && nf.doc != "Deprecated." {
		return nf.doc
	}
	what := "a string"
	if nf.kind != kString {
		what = "an integer"
	}
	doc := fmt.Sprintf("%s is %s of the API held in a type of its own, as in Kubernetes' Go types, which declare no values for it.", name, what)
	if len(nf.consts) > 0 {
		doc = fmt.Sprintf("%s is %s of the API whose known values are the %s constants.", name, what, name)
	}
	if nf.doc == "Deprecated." {
		doc += "\n\nDeprecated: Kubernetes deprecates it."
	}
	return doc
}

// constDoc is a constant's doc comment: the short one of the Go source, or
// "NAME is the TYPE value VALUE."
func constDoc(typeName string, c constFact) string {
	if c.doc != "" && c.doc != "Deprecated." {
		return c.doc
	}
	doc := fmt.Sprintf("%s is the %s value %s.", c.name, typeName, c.value)
	if c.doc == "Deprecated." {
		doc += "\n\nDeprecated: Kubernetes deprecates it."
	}
	return strings.TrimSpace(doc)
}
