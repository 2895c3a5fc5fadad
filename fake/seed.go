package fake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	yaml "go.yaml.in/yaml/v3"
)

// Seed adds objects to the running server as a create by an administrator
// would, creating missing namespaces they name. Arguments are as for
// WithObjects.
func (s *Server) Seed(objs ...any) error {
	for i, a := range objs {
		docs, err := documents(a)
		if err != nil {
			return fmt.Errorf("fake: seed object %d: %w", i, err)
		}
		for _, d := range docs {
			if err := s.seedOne(d); err != nil {
				return fmt.Errorf("fake: seed object %d: %w", i, err)
			}
		}
	}
	return nil
}

// documents decodes one seed argument into objects, expanding Lists.
func documents(a any) ([]obj, error) {
	var raw []byte
	switch v := a.(type) {
	case map[string]any:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		raw = b
	case []byte:
		raw = v
	case string:
		raw = []byte(v)
	default:
		return nil, fmt.Errorf("unsupported type %T (want []byte, string or map[string]any)", a)
	}
	docs, err := decodeManifests(raw)
	if err != nil {
		return nil, err
	}
	var out []obj
	for _, d := range docs {
		if k, _ := d["kind"].(string); strings.HasSuffix(k, "List") {
			if items, ok := d["items"].([]any); ok {
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						out = append(out, m)
					}
				}
				continue
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// decodeManifests decodes a JSON object or a stream of YAML documents.
func decodeManifests(raw []byte) ([]obj, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		o, err := decodeJSON(trimmed)
		if err != nil {
			return nil, err
		}
		return []obj{o}, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var out []obj
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("yaml: %w", err)
		}
		if v == nil {
			continue
		}
		j, err := yamlToJSON(v)
		if err != nil {
			return nil, err
		}
		m, ok := j.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("yaml document is a %s, not an object", jsonKind(j))
		}
		out = append(out, m)
	}
	return out, nil
}

// yamlTranscodeError is the error of the real server's first pass over an
// apply patch, which converts a body that does not look like JSON (does
// not start with '{') from YAML to JSON; nil when it converts.
func yamlTranscodeError(raw []byte) error {
	if t := bytes.TrimLeftFunc(raw, unicode.IsSpace); bytes.HasPrefix(t, []byte("{")) {
		return nil
	}
	var v any
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return err
	}
	_, err := yamlToJSON(v)
	return err
}

// yamlConvertError is the error the real server's YAML decoding (YAML
// converted to JSON, then unmarshalled into a map) gives for raw, or nil.
func yamlConvertError(raw []byte) error {
	var v any
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	j, err := yamlToJSON(v)
	if err != nil {
		return fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	kind := ""
	switch j.(type) {
	case map[string]any, nil:
		return nil
	case []any:
		kind = "array"
	case string:
		kind = "string"
	case bool:
		kind = "bool"
	default:
		kind = "number"
	}
	return fmt.Errorf("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type map[string]interface {}", kind)
}

// decodeYAMLObject decodes exactly one YAML (or JSON) object.
func decodeYAMLObject(raw []byte) (obj, error) {
	docs, err := decodeManifests(raw)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("expected one object, got %d", len(docs))
	}
	return docs[0], nil
}

// yamlToJSON converts a decoded YAML value into JSON types (numbers as
// json.Number, binary as base64).
func yamlToJSON(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			j, err := yamlToJSON(x)
			if err != nil {
				return nil, err
			}
			m[k] = j
		}
		return m, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			j, err := yamlToJSON(x)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = j
		}
		return m, nil
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			j, err := yamlToJSON(x)
			if err != nil {
				return nil, err
			}
			s[i] = j
		}
		return s, nil
	case int:
		return json.Number(fmt.Sprint(t)), nil
	case int64:
		return json.Number(fmt.Sprint(t)), nil
	case uint64:
		return json.Number(fmt.Sprint(t)), nil
	case float64:
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		return json.Number(b), nil
	case []byte:
		return base64.StdEncoding.EncodeToString(t), nil
	case string, bool, nil:
		return t, nil
	}
	return fmt.Sprint(v), nil
}

// seedOne creates one object, making its namespace first when missing.
func (s *Server) seedOne(o obj) error {
	apiVersion, _ := o["apiVersion"].(string)
	kind, _ := o["kind"].(string)
	ri := s.reg.byKind(apiVersion, kind)
	if ri == nil {
		return fmt.Errorf("no resource serves %s %s", apiVersion, kind)
	}
	ns := metaString(o, "namespace")
	if ri.Namespaced {
		if ns == "" {
			ns = "default"
		}
		if s.st.get("/namespaces", "", ns) == nil {
			if err := s.seedOne(obj{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}); err != nil {
				return err
			}
		}
	}
	rq := &request{verb: "create", ri: ri, ns: ns, manager: "fake-seed"}
	o = copyObj(o)
	if _, err := s.typedDecode(ri, o); err != nil {
		return fmt.Errorf("%s %s: %w", apiVersion, kind, err)
	}
	_, _, err := s.create(rq, o)
	return err
}
