package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// execExtension returns the raw JSON of the extension named
// client.authentication.k8s.io/exec, or nil.
func (w *walker) execExtension(n *yaml.Node, field string) []byte {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		w.add(n, field, "must be a list")
		return nil
	}
	if !w.spend(len(n.Content), n) {
		return nil
	}
	for i, item := range n.Content {
		idx := fmt.Sprintf("%s[%d]", field, i)
		var name string
		var ext *yaml.Node
		for _, p := range w.mapping(item, idx) {
			switch p.key {
			case "name":
				name = w.str(p.val, idx+".name")
			case "extension":
				ext = p.val
			}
		}
		if name != execExtensionName || isNull(deref(ext)) {
			continue
		}
		path := fmt.Sprintf("%s[%s].extension", field, name)
		v, ok := w.jsonValue(ext, path, 0)
		if !ok {
			return nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			w.add(deref(ext), path, "cannot be represented as JSON")
			return nil
		}
		return b
	}
	return nil
}

const maxJSONDepth = 100

// jsonValue converts a node to a value encoding/json can marshal, keeping
// scalars as written.
func (w *walker) jsonValue(n *yaml.Node, field string, depth int) (any, bool) {
	n = deref(n)
	if !w.spend(1, n) {
		return nil, false
	}
	if n == nil || depth > maxJSONDepth {
		w.add(n, field, "is too deeply nested")
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for _, p := range w.mapping(n, field) {
			v, ok := w.jsonValue(p.val, field, depth+1)
			if !ok {
				return nil, false
			}
			m[p.key] = v
		}
		return m, true
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, ok := w.jsonValue(c, field, depth+1)
			if !ok {
				return nil, false
			}
			s = append(s, v)
		}
		return s, true
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, true
		case "!!bool":
			b, err := strconv.ParseBool(n.Value)
			if err != nil {
				return n.Value, true
			}
			return b, true
		case "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err == nil {
				switch x := v.(type) {
				case int:
					return x, true
				case int64, uint64:
					return x, true
				case float64:
					if b, err := json.Marshal(x); err == nil {
						return json.RawMessage(b), true
					}
				}
			}
			w.add(n, field, "holds a number JSON cannot represent")
			return nil, false
		}
		return n.Value, true
	}
	w.add(n, field, "has an unsupported YAML node")
	return nil, false
}

// jsonToNode parses JSON into a yaml.Node tree (keeping key order and
// lines), for JSON that the YAML parser rejects.
func jsonToNode(data []byte) (*yaml.Node, int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	lineAt := func(off int64) int {
		if off > int64(len(data)) {
			off = int64(len(data))
		}
		return bytes.Count(data[:off], []byte("\n")) + 1
	}
	var value func(depth int) (*yaml.Node, error)
	value = func(depth int) (*yaml.Node, error) {
		if depth > 1000 {
			return nil, fmt.Errorf("nested too deeply")
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		line := lineAt(dec.InputOffset())
		switch t := tok.(type) {
		case json.Delim:
			kind, tag := yaml.MappingNode, "!!map"
			if t == '[' {
				kind, tag = yaml.SequenceNode, "!!seq"
			}
			n := &yaml.Node{Kind: kind, Tag: tag, Line: line, Style: yaml.FlowStyle}
			for dec.More() {
				if kind == yaml.MappingNode {
					k, err := dec.Token()
					if err != nil {
						return nil, err
					}
					ks, _ := k.(string)
					n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ks, Line: lineAt(dec.InputOffset())})
				}
				c, err := value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, c)
			}
			if _, err := dec.Token(); err != nil { // the closing delimiter
				return nil, err
			}
			return n, nil
		case string:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t, Line: line}, nil
		case json.Number:
			tag := "!!int"
			if strings.ContainsAny(string(t), ".eE") {
				tag = "!!float"
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(t), Line: line}, nil
		case bool:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t), Line: line}, nil
		default:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: line}, nil
		}
	}
	n, err := value(0)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = fmt.Errorf("data after the top-level value")
		}
	}
	if err != nil {
		return nil, lineAt(dec.InputOffset()), err
	}
	return n, 0, nil
}
