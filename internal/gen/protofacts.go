package main

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// protoFactsText records Kubernetes' protobuf encoding of every field:
// its number (a dotted path for a field of an embedded struct protobuf
// holds as a nested message) and how Kubernetes' Go type holds it, which
// decides when it is written. bench/cmd/protofacts writes the file from
// the struct tags of k8s.io/api v0.37.2.
//
//go:embed protofacts.txt
var protoFactsText string

// protoFact is one field's encoding.
type protoFact struct {
	path []int
	desc *protoDesc
}

// protoDesc is how Kubernetes holds a field's type.
type protoDesc struct {
	ptr    bool
	kind   string     // string, bool, int32, int64, float64, bytes, msg, wrap, slice, map
	schema string     // msg
	elem   *protoDesc // wrap, slice, map (the value)
}

// protoFacts are the facts by "schema.field"; protoGroups the numbered
// paths of embedded messages, by schema.
var protoFacts, protoGroups = mustParseProtoFacts(protoFactsText)

func mustParseProtoFacts(text string) (map[string]protoFact, map[string][][]int) {
	facts, groups, err := parseProtoFacts(text)
	if err != nil {
		panic("protofacts.txt: " + err.Error())
	}
	return facts, groups
}

func parseProtoFacts(text string) (map[string]protoFact, map[string][][]int, error) {
	facts := map[string]protoFact{}
	groups := map[string][][]int{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(line, "#") {
			continue
		}
		if i := strings.Index(f[0], ".{"); i > 0 && len(f) == 2 {
			path, err := parsePath(strings.TrimSuffix(f[0][i+2:], "}"))
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", line, err)
			}
			groups[f[0][:i]] = append(groups[f[0][:i]], path)
			continue
		}
		if len(f) != 3 {
			return nil, nil, fmt.Errorf("malformed line %q", line)
		}
		path, err := parsePath(f[1])
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", line, err)
		}
		d, rest, err := parseDesc(f[2])
		if err != nil || rest != "" {
			return nil, nil, fmt.Errorf("%s: bad type %q", line, f[2])
		}
		facts[f[0]] = protoFact{path: path, desc: d}
	}
	for _, g := range groups {
		sort.Slice(g, func(i, j int) bool { return len(g[i]) < len(g[j]) })
	}
	return facts, groups, nil
}

func parsePath(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad field number %q", p)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseDesc parses one type description, returning what follows it.
func parseDesc(s string) (*protoDesc, string, error) {
	d := &protoDesc{}
	if strings.HasPrefix(s, "*") {
		d.ptr = true
		s = s[1:]
	}
	switch {
	case strings.HasPrefix(s, "[]"):
		e, rest, err := parseDesc(s[2:])
		d.kind, d.elem = "slice", e
		return d, rest, err
	case strings.HasPrefix(s, "map[string]"):
		e, rest, err := parseDesc(s[len("map[string]"):])
		d.kind, d.elem = "map", e
		return d, rest, err
	case strings.HasPrefix(s, "wrap("):
		e, rest, err := parseDesc(s[5:])
		if err != nil || !strings.HasPrefix(rest, ")") {
			return nil, "", fmt.Errorf("bad wrap")
		}
		d.kind, d.elem = "wrap", e
		return d, rest[1:], nil
	case strings.HasPrefix(s, "msg("):
		i := strings.IndexByte(s, ')')
		if i < 0 {
			return nil, "", fmt.Errorf("bad msg")
		}
		d.kind, d.schema = "msg", s[4:i]
		return d, s[i+1:], nil
	}
	for _, k := range []string{"string", "bool", "int32", "int64", "float64", "bytes"} {
		if strings.HasPrefix(s, k) {
			d.kind = k
			return d, s[len(k):], nil
		}
	}
	return nil, "", fmt.Errorf("unknown type %q", s)
}
