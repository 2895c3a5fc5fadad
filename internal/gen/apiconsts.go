package main

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// apiConstsText records the enumerated values of the API as Kubernetes'
// own Go types declare them (k8s.io/api and the apimachinery, apiextensions
// and aggregator types of the same release): the named string types
// (Protocol, PodPhase), their constants (ProtocolTCP = "TCP") and the
// fields that hold them. The spec lists some values as enums but names
// neither types nor constants; bench/cmd/apiconsts writes the file.
//
//go:embed apiconsts.txt
var apiConstsText string

// namedFact is one named scalar type of the API.
type namedFact struct {
	schema string // "io.k8s.api.core.v1.Protocol"
	kind   kind   // kString, kInt32 or kInt64
	doc    string // a short doc from the Go source, "Deprecated.", or ""
	consts []constFact
}

// constFact is one typed constant.
type constFact struct {
	name  string // "ProtocolTCP"
	value string // a Go literal: "\"TCP\"" or "3"
	doc   string
}

// foreignConst is a constant declared with the types of another package
// than its type's (core/v1's NamespaceTerminatingCause, a meta/v1
// CauseType).
type foreignConst struct {
	constFact
	typ string // the type, "io.k8s.apimachinery.pkg.apis.meta.v1.CauseType"
	pkg string // the declaring package, "io.k8s.api.core.v1"
}

// shapeFact is how one field holds named types: the type itself (or a
// pointer to it) as elem, the elements of a slice, or the keys and values
// of a map. "" stands for a type that is not named.
type shapeFact struct {
	form      byte // '=' the type, '*' a pointer, '[' a slice, 'm' a map
	key, elem string
}

// apiConstsFacts are the parsed facts.
type apiConstsFacts struct {
	types   map[string]*namedFact // by schema-style name
	fields  map[string]shapeFact  // by "schema.field"
	foreign []foreignConst
}

// parseConsts reads the lines of apiconsts.txt:
//
//	type TYPE KIND "DOC"
//	const TYPE NAME VALUE "DOC" [PACKAGE]
//	field SCHEMA.FIELD SHAPE
func parseConsts(text string) (*apiConstsFacts, error) {
	f := &apiConstsFacts{types: map[string]*namedFact{}, fields: map[string]shapeFact{}}
	var consts [][]string
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		words, err := splitQuoted(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		switch {
		case words[0] == "type" && len(words) == 4:
			k, ok := map[string]kind{"string": kString, "int32": kInt32, "int64": kInt64}[words[2]]
			if !ok {
				continue // a kind the codecs do not hold as a named type
			}
			f.types[words[1]] = &namedFact{schema: words[1], kind: k, doc: words[3]}
		case words[0] == "const" && (len(words) == 5 || len(words) == 6):
			consts = append(consts, words)
		case words[0] == "field" && len(words) == 3:
			sh, err := parseShape(words[2])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			f.fields[words[1]] = sh
		default:
			return nil, fmt.Errorf("line %d: malformed: %s", i+1, line)
		}
	}
	for _, c := range consts {
		t, cf := f.types[c[1]], constFact{name: c[2], value: c[3], doc: c[4]}
		switch {
		case t == nil:
		case len(c) == 6:
			f.foreign = append(f.foreign, foreignConst{constFact: cf, typ: c[1], pkg: c[5]})
		default:
			t.consts = append(t.consts, cf)
		}
	}
	return f, nil
}

// splitQuoted splits a line at spaces, keeping Go-quoted words whole (and
// unquoted, except constant values, which stay Go literals).
func splitQuoted(line string) ([]string, error) {
	var words []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] != '"' {
			w, rest, _ := strings.Cut(line, " ")
			words, line = append(words, w), rest
			continue
		}
		q, err := strconv.QuotedPrefix(line)
		if err != nil {
			return nil, err
		}
		line = line[len(q):]
		if len(words) == 3 && words[0] == "const" {
			words = append(words, q) // the value, kept as a literal
			continue
		}
		s, _ := strconv.Unquote(q)
		words = append(words, s)
	}
	return words, nil
}

// parseShape reads TYPE, *TYPE, []TYPE or map[KEY]VALUE, where a map side
// that is not a named type is "string" or "_".
func parseShape(s string) (shapeFact, error) {
	named := func(x string) string {
		if x == "string" || x == "_" {
			return ""
		}
		return x
	}
	switch {
	case strings.HasPrefix(s, "*"):
		return shapeFact{form: '*', elem: s[1:]}, nil
	case strings.HasPrefix(s, "[]"):
		return shapeFact{form: '[', elem: s[2:]}, nil
	case strings.HasPrefix(s, "map["):
		k, v, ok := strings.Cut(s[len("map["):], "]")
		if !ok {
			return shapeFact{}, fmt.Errorf("bad map shape %q", s)
		}
		return shapeFact{form: 'm', key: named(k), elem: named(v)}, nil
	case strings.ContainsAny(s, "[]*"):
		return shapeFact{}, fmt.Errorf("bad shape %q", s)
	}
	return shapeFact{form: '=', elem: s}, nil
}

// applyShape gives t, a field's type from the spec, the named types
// Kubernetes' Go types hold there (apiconsts.txt): ContainerPort.protocol
// becomes a Protocol, NodeStatus.capacity a map keyed by ResourceName.
func (m *model) applyShape(p *pkg, t *gtype, sh shapeFact) error {
	set := func(at *gtype, schema string) error {
		if schema == "" {
			return nil
		}
		n, err := m.namedType(p, schema, at.kind)
		if n != nil {
			at.name, at.pkg = n.name, n.pkg
		}
		return err
	}
	switch {
	case (sh.form == '=' || sh.form == '*') && t.scalar():
		return set(t, sh.elem)
	case sh.form == '[' && t.kind == kSlice && t.elem.scalar():
		return set(t.elem, sh.elem)
	case sh.form == 'm' && t.kind == kMap:
		if sh.key != "" {
			k := &gtype{kind: kString}
			if err := set(k, sh.key); err != nil {
				return err
			}
			if k.name != "" {
				t.key = k
			}
		}
		if t.elem.scalar() {
			return set(t.elem, sh.elem)
		}
		return nil
	}
	return fmt.Errorf("the spec's type %s does not fit Kubernetes' %c%s", goType(t), sh.form, sh.elem)
}

// namedType returns the named scalar type schema ("io.k8s.api.core.v1.Protocol")
// as seen from p, of kind k, and marks it declared in its package. It
// returns nil for a type of a package that is not generated.
func (m *model) namedType(p *pkg, schema string, k kind) (*gtype, error) {
	nf := m.consts.types[schema]
	if nf == nil {
		return nil, nil
	}
	if nf.kind != k {
		return nil, fmt.Errorf("%s is not a %s", schema, goType(&gtype{kind: k}))
	}
	target, name, err := m.target(schema)
	if err != nil || m.handwritten[target.name][name] {
		return nil, nil
	}
	target.named[name] = nf
	t := &gtype{kind: k, name: name}
	if target != p {
		t.pkg = target.name
		p.imports[target.name] = true
	}
	return t, nil
}

// declareEnumerated declares, besides the named types fields hold, every
// named type of a generated package that has constants, and the constants
// declared with another package's types.
func (m *model) declareEnumerated() {
	for _, fc := range m.consts.foreign {
		p, _, err := m.target(fc.pkg + "." + fc.name)
		if err != nil {
			continue
		}
		if t, err := m.namedType(p, fc.typ, kString); err == nil && t != nil {
			p.foreign = append(p.foreign, typedConst{constFact: fc.constFact, typ: t})
		}
	}
	for _, schema := range sortedKeys(m.consts.types) {
		nf := m.consts.types[schema]
		if len(nf.consts) == 0 {
			continue
		}
		if target, name, err := m.target(schema); err == nil && !m.handwritten[target.name][name] {
			target.named[name] = nf
		}
	}
}
