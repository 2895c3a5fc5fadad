package dynamic

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// ManifestError reports a manifest document that could not be decoded: the
// source (a file name), the document's index in it (0-based) and a line
// (1-based; 0 when unknown).
type ManifestError struct {
	Source string
	Index  int
	Line   int
	Err    error
}

// Error returns the error's message.
func (e *ManifestError) Error() string {
	src := e.Source
	if src == "" {
		src = "<input>"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s: document %d, line %d: %s", src, e.Index, e.Line, withoutYAMLLine(e.Err.Error()))
	}
	return fmt.Sprintf("%s: document %d: %v", src, e.Index, e.Err)
}

// Unwrap returns the underlying error.
func (e *ManifestError) Unwrap() error { return e.Err }

// withoutYAMLLine drops the "line N: " of a yaml error message, which
// ManifestError replaces with the line a person finds in the file.
func withoutYAMLLine(msg string) string {
	rest, ok := strings.CutPrefix(msg, "yaml: line ")
	if !ok {
		return msg
	}
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	if j == 0 || !strings.HasPrefix(rest[j:], ": ") {
		return msg
	}
	return "yaml: " + rest[j+2:]
}

// Manifest is one object read from a manifest and where it was read.
type Manifest struct {
	Object Object
	// Source is the file (or other name) the object was read from.
	Source string
	// Index is the object's document in Source (0-based; for a JSON array
	// or stream, its value).
	Index int
	// Line is the 1-based line where the object starts (for an item of a
	// List, the item).
	Line int
}

// Objects returns the objects of ms.
func Objects(ms []Manifest) []Object {
	out := make([]Object, len(ms))
	for i, m := range ms {
		out[i] = m.Object
	}
	return out
}

// maxAliasExpansion bounds the values YAML aliases may expand to in one
// document (against "billion laughs" input).
const maxAliasExpansion = 100000

// DecodeManifests decodes the objects in data: YAML documents separated by
// "---" (comments and empty documents are skipped), or a stream of JSON
// objects. A List kind (any kind ending in "List" with items) is expanded
// into its items. Every object must have apiVersion and kind. YAML values
// become JSON shapes: integers int64, other numbers float64, !!binary its
// base64 text, timestamps their text; mapping keys must be strings.
// Errors are *ManifestError naming source, document and line.
func DecodeManifests(source string, data []byte) ([]Object, error) {
	ms, err := DecodeManifestSources(source, data)
	if err != nil {
		return nil, err
	}
	return Objects(ms), nil
}

// DecodeManifestSources decodes data as DecodeManifests does, keeping the
// source, document and line of each object.
func DecodeManifestSources(source string, data []byte) ([]Manifest, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return decodeJSONManifests(source, data)
	}
	var out []Manifest
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for index := 0; ; index++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, &ManifestError{Source: source, Index: index, Line: yamlErrorLine(err, data), Err: err}
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		c := &yamlConverter{}
		v, err := c.convert(root)
		if err != nil {
			line := root.Line
			var pe *posError
			if errors.As(err, &pe) {
				line, err = pe.line, pe.err
			}
			return nil, &ManifestError{Source: source, Index: index, Line: line, Err: err}
		}
		if v == nil {
			continue // a document of only comments, or "null"
		}
		objs, err := objectsOf(v)
		if err != nil {
			return nil, &ManifestError{Source: source, Index: index, Line: root.Line, Err: err}
		}
		lines := itemLines(root, len(objs))
		for i, o := range objs {
			out = append(out, Manifest{Object: o, Source: source, Index: index, Line: lines[i]})
		}
	}
}

// itemLines returns the line of each of the n objects of a document: the
// items' lines for a List of n objects, otherwise the document's.
func itemLines(root *yaml.Node, n int) []int {
	lines := make([]int, n)
	for i := range lines {
		lines[i] = root.Line
	}
	if root.Kind != yaml.MappingNode {
		return lines
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "items" && root.Content[i+1].Kind == yaml.SequenceNode && len(root.Content[i+1].Content) == n {
			for j, it := range root.Content[i+1].Content {
				lines[j] = it.Line
			}
		}
	}
	return lines
}

// objectsOf checks one document's value and expands lists.
func objectsOf(v any) ([]Object, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a manifest must be an object, not %s", jsonTypeName(v))
	}
	o := Object(m)
	if items, isList := m["items"].([]any); isList && strings.HasSuffix(o.GetKind(), "List") {
		var out []Object
		for i, it := range items {
			sub, err := objectsOf(it)
			if err != nil {
				return nil, fmt.Errorf("items[%d]: %w", i, err)
			}
			out = append(out, sub...)
		}
		return out, nil
	}
	if o.GetAPIVersion() == "" || o.GetKind() == "" {
		return nil, errors.New("object has no apiVersion or kind")
	}
	return []Object{o}, nil
}

func jsonTypeName(v any) string {
	t := jsonType(v)
	switch t {
	case "array":
		return "an array"
	case "object":
		return "an object"
	}
	return "a " + t
}

// posError carries the line of the node that failed.
type posError struct {
	line int
	err  error
}

func (e *posError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }

type yamlConverter struct{ expanded int }

func (c *yamlConverter) fail(n *yaml.Node, format string, args ...any) error {
	return &posError{line: n.Line, err: fmt.Errorf(format, args...)}
}

func (c *yamlConverter) convert(n *yaml.Node) (any, error) {
	c.expanded++
	if c.expanded > maxAliasExpansion {
		return nil, c.fail(n, "document too large or too many alias expansions")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.convert(n.Content[0])
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, c.fail(n, "unknown alias")
		}
		return c.convert(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := c.convert(e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, vn := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
				if err := c.merge(out, vn); err != nil {
					return nil, err
				}
				continue
			}
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
				return nil, c.fail(k, "mapping key %q is not a string", k.Value)
			}
			v, err := c.convert(vn)
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	return nil, c.fail(n, "unsupported YAML node")
}

// merge applies a "<<" merge key: keys already set win.
func (c *yamlConverter) merge(out map[string]any, vn *yaml.Node) error {
	v, err := c.convert(vn)
	if err != nil {
		return err
	}
	maps := []any{v}
	if l, ok := v.([]any); ok {
		maps = l
	}
	for _, x := range maps {
		m, ok := x.(map[string]any)
		if !ok {
			return c.fail(vn, "merge value is not a mapping")
		}
		for k, val := range m {
			if _, set := out[k]; !set {
				out[k] = val
			}
		}
	}
	return nil
}

func (c *yamlConverter) scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!str":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, c.fail(n, "invalid bool %q", n.Value)
		}
		return b, nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return i, nil
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, c.fail(n, "invalid integer %q", n.Value)
		}
		return f, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, c.fail(n, "invalid number %q", n.Value)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, c.fail(n, "%q cannot be represented in JSON", n.Value)
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 && !strings.ContainsAny(n.Value, ".eE") {
			return int64(f), nil
		}
		return f, nil
	case "!!binary":
		s := strings.Join(strings.Fields(n.Value), "")
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			return nil, c.fail(n, "invalid !!binary value: %v", err)
		}
		return s, nil
	case "!!timestamp":
		return n.Value, nil
	}
	// Unknown or custom tags keep their text.
	return n.Value, nil
}

// yamlErrorLine returns the line of data, 1-based, that a YAML decoding
// error is about; 0 when the error names none. yaml v3 reports a line
// that is not always the one a person finds in the file: a parser error
// (a block or flow collection that does not close or continue) carries a
// 0-based line, the start of the enclosing collection when that is not on
// the first line; a tab that breaks the indentation inside a scalar
// carries the line where the scalar starts, not the tab's.
func yamlErrorLine(err error, data []byte) int {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		line, _ = strconv.Atoi(rest[:j])
		msg = strings.TrimPrefix(rest[j:], ": ")
	}
	switch {
	case yamlParserProblems[msg]:
		// 0-based; no line at all means line 0, the first.
		line++
	case strings.HasPrefix(msg, "found a tab character"):
		if line == 0 {
			line = 1
		}
		line = tabIndentedLineAfter(data, line)
	}
	if last := lineCount(data); line > last {
		line = last
	}
	return line
}

// yamlParserProblems are the messages of yaml v3's parser (not its
// scanner): their line is 0-based.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// tabIndentedLineAfter returns the first line after line whose indentation
// holds a tab, or line when there is none.
func tabIndentedLineAfter(data []byte, line int) int {
	n := 0
	for l := range strings.Lines(string(data)) {
		n++
		if n <= line {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(indent, "\t") {
			return n
		}
	}
	return line
}

// lineCount returns the number of lines of data (at least 1).
func lineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) == 0 || data[len(data)-1] != '\n' {
		n++
	}
	return n
}

func decodeJSONManifests(source string, data []byte) ([]Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []Manifest
	for index := 0; ; index++ {
		start := dec.InputOffset()
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			return nil, &ManifestError{Source: source, Index: index, Line: lineAt(data, off), Err: err}
		}
		docs := []any{v}
		if l, ok := v.([]any); ok {
			docs = l
		}
		for _, d := range docs {
			objs, err := objectsOf(convertNumbers(d))
			if err != nil {
				return nil, &ManifestError{Source: source, Index: index, Line: lineAt(data, start+1), Err: err}
			}
			for _, o := range objs {
				out = append(out, Manifest{Object: o, Source: source, Index: index, Line: lineAt(data, start+1)})
			}
		}
	}
}

func convertNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = convertNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = convertNumbers(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	data = data[:off]
	// Skip leading whitespace to point at the document itself.
	return bytes.Count(data, []byte("\n")) + 1
}

// ReadManifests reads the manifests at path: a file, or every .yaml, .yml
// and .json file of a directory in name order (subdirectories too when
// recursive), like kubectl -f. Errors are *ManifestError or the file
// system's.
func ReadManifests(path string, recursive bool) ([]Object, error) {
	ms, err := ReadManifestSources(path, recursive)
	if err != nil {
		return nil, err
	}
	return Objects(ms), nil
}

// ReadManifestSources reads the manifests at path as ReadManifests does,
// keeping the file, document and line of each object.
func ReadManifestSources(path string, recursive bool) ([]Manifest, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return DecodeManifestSources(path, b)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Manifest
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		ms, err := DecodeManifestSources(f, b)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}
