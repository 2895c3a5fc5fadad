package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// schema is the subset of an OpenAPI v3 schema the Kubernetes spec uses.
type schema struct {
	Description          string             `json:"description"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	AdditionalProperties *schema            `json:"additionalProperties"`
	AllOf                []*schema          `json:"allOf"`
	OneOf                []*schema          `json:"oneOf"`
	Ref                  string             `json:"$ref"`
	Default              json.RawMessage    `json:"default"`
	GVK                  []gvk              `json:"x-kubernetes-group-version-kind"`
	ListMapKeys          []string           `json:"x-kubernetes-list-map-keys"`
	PatchMergeKey        string             `json:"x-kubernetes-patch-merge-key"`
}

type gvk struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// ref returns the schema name a property refers to, or "".
func (s *schema) ref() string {
	r := s.Ref
	if r == "" && len(s.AllOf) == 1 {
		r = s.AllOf[0].Ref
	}
	return strings.TrimPrefix(r, "#/components/schemas/")
}

// operation is one method of a path.
type operation struct {
	Action string `json:"x-kubernetes-action"`
	GVK    *gvk   `json:"x-kubernetes-group-version-kind"`
}

// specFile is one group/version's document.
type specFile struct {
	Name  string
	Paths map[string]map[string]json.RawMessage `json:"paths"`
	Comp  struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

// spec is every file of the spec directory merged.
type spec struct {
	Schemas map[string]*schema
	Files   []*specFile
}

// loadSpec reads every *_openapi.json file in dir. The same schema may be
// in several files; the copies must agree.
func loadSpec(dir string) (*spec, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*_openapi.json"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *_openapi.json files in %s", dir)
	}
	sort.Strings(names)
	sp := &spec{Schemas: map[string]*schema{}}
	raw := map[string]string{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f := &specFile{Name: filepath.Base(name)}
		if err := json.Unmarshal(data, f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var rawFile struct {
			Components struct {
				Schemas map[string]json.RawMessage `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(data, &rawFile); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for k, v := range f.Comp.Schemas {
			text := string(rawFile.Components.Schemas[k])
			if prev, ok := raw[k]; ok {
				// A shared schema (WatchEvent, DeleteOptions) may list, in
				// each file, only the group/version kinds of that file.
				if !jsonEqual(withoutGVK(prev), withoutGVK(text)) {
					return nil, fmt.Errorf("%s: schema %s differs from another file's", name, k)
				}
				v.GVK = mergeGVK(sp.Schemas[k].GVK, v.GVK)
			}
			raw[k] = text
			sp.Schemas[k] = v
		}
		sp.Files = append(sp.Files, f)
	}
	return sp, nil
}

// withoutGVK returns a schema's JSON text without its
// x-kubernetes-group-version-kind list.
func withoutGVK(text string) string {
	var m map[string]any
	if json.Unmarshal([]byte(text), &m) != nil {
		return text
	}
	delete(m, "x-kubernetes-group-version-kind")
	out, _ := json.Marshal(m)
	return string(out)
}

// mergeGVK returns the kinds of a and b, each once, sorted.
func mergeGVK(a, b []gvk) []gvk {
	seen := map[gvk]bool{}
	var out []gvk
	for _, g := range append(append([]gvk(nil), a...), b...) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Group != y.Group {
			return x.Group < y.Group
		}
		if x.Version != y.Version {
			return x.Version < y.Version
		}
		return x.Kind < y.Kind
	})
	return out
}

func jsonEqual(a, b string) bool {
	if a == b {
		return true
	}
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

// operations returns a path item's operations by method.
func operations(item map[string]json.RawMessage) map[string]operation {
	ops := map[string]operation{}
	for method, raw := range item {
		switch method {
		case "get", "put", "post", "delete", "patch", "head", "options":
		default:
			continue
		}
		var op operation
		if json.Unmarshal(raw, &op) == nil && op.Action != "" {
			ops[method] = op
		}
	}
	return ops
}
