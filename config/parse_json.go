package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

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
// lines), for JSON that the YAML parser rejects. It accepts exactly what
// encoding/json accepts; on failure it returns the line of the last value
// or delimiter read. (It is hand-written rather than built on
// encoding/json's Decoder so that programs do not link encoding/json's
// decoder for this rarely used path.)
func jsonToNode(data []byte) (*yaml.Node, int, error) {
	p := &jsonParser{data: data}
	n, err := p.value(0)
	if err == nil {
		p.skipWS()
		if p.pos < len(p.data) {
			err = errors.New("data after the top-level value")
		}
	}
	if err != nil {
		return nil, p.lineAt(p.last), err
	}
	return n, 0, nil
}

// jsonParser reads one JSON value from data.
type jsonParser struct {
	data []byte
	pos  int
	// last is the offset just past the last token read, for error lines.
	last int
}

var errJSONSyntax = errors.New("invalid JSON")

func (p *jsonParser) lineAt(off int) int {
	return bytes.Count(p.data[:min(off, len(p.data))], []byte("\n")) + 1
}

func (p *jsonParser) skipWS() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (p *jsonParser) peek() byte {
	p.skipWS()
	if p.pos == len(p.data) {
		return 0
	}
	return p.data[p.pos]
}

// consume reads the byte c (after whitespace) if it is next.
func (p *jsonParser) consume(c byte) bool {
	if p.peek() != c {
		return false
	}
	p.pos++
	p.last = p.pos
	return true
}

func (p *jsonParser) value(depth int) (*yaml.Node, error) {
	if depth > 1000 {
		return nil, errors.New("nested too deeply")
	}
	c := p.peek()
	switch {
	case c == '{' || c == '[':
		p.pos++
		p.last = p.pos
		kind, tag, end := yaml.MappingNode, "!!map", byte('}')
		if c == '[' {
			kind, tag, end = yaml.SequenceNode, "!!seq", ']'
		}
		n := &yaml.Node{Kind: kind, Tag: tag, Line: p.lineAt(p.pos), Style: yaml.FlowStyle}
		if p.consume(end) {
			return n, nil
		}
		for {
			if kind == yaml.MappingNode {
				if p.peek() != '"' {
					return nil, errJSONSyntax
				}
				k, err := p.str()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: p.lineAt(p.pos)})
				if !p.consume(':') {
					return nil, errJSONSyntax
				}
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
			if p.consume(end) {
				return n, nil
			}
			if !p.consume(',') {
				return nil, errJSONSyntax
			}
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Line: p.lineAt(p.pos)}, nil
	case c == '-' || c >= '0' && c <= '9':
		num, ok := p.number()
		if !ok {
			return nil, errJSONSyntax
		}
		tag := "!!int"
		if strings.ContainsAny(num, ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: num, Line: p.lineAt(p.pos)}, nil
	}
	for _, lit := range [...]struct{ text, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
		if bytes.HasPrefix(p.data[p.pos:], []byte(lit.text)) {
			p.pos += len(lit.text)
			p.last = p.pos
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: lit.tag, Value: lit.text, Line: p.lineAt(p.pos)}, nil
		}
	}
	return nil, errJSONSyntax
}

// number reads a number as JSON's grammar defines it and returns its text.
func (p *jsonParser) number() (string, bool) {
	d, start := p.data, p.pos
	i := start
	digits := func() bool {
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		return "", false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return "", false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return "", false
		}
	}
	p.pos, p.last = i, i
	return string(d[start:i]), true
}

// str reads a string at p.pos (an opening quote) and returns its value,
// decoded as encoding/json decodes strings: invalid UTF-8 and unpaired
// surrogates become U+FFFD.
func (p *jsonParser) str() (string, error) {
	d := p.data
	var b []byte
	for i := p.pos + 1; i < len(d); {
		c := d[i]
		switch {
		case c == '"':
			p.pos, p.last = i+1, i+1
			return string(b), nil
		case c < 0x20:
			return "", errJSONSyntax
		case c == '\\':
			if i+1 == len(d) {
				return "", errJSONSyntax
			}
			switch e := d[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(d, i+2)
				if !ok {
					return "", errJSONSyntax
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(d, i+2); ok && i+1 < len(d) && d[i] == '\\' && d[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							i += 6
							b = utf8.AppendRune(b, dec)
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				return "", errJSONSyntax
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(d[i:])
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
	return "", errJSONSyntax
}

// hex4 decodes the four hex digits at d[i:].
func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d[i:i+4]), 16, 16)
	return rune(v), err == nil
}
