package fake

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// crdKey is the storage key of CustomResourceDefinitions.
const crdKey = "apiextensions.k8s.io/customresourcedefinitions"

// customColumns returns a custom resource's columns as the real server
// makes them from its CRD: Name, then the version's
// additionalPrinterColumns (or the CRD's top-level ones), or Age when it
// declares none.
func (s *Server) customColumns(ri *resInfo) ([]columnDef, rowPrinter) {
	crd := s.st.get(crdKey, "", ri.CRD)
	var specs []map[string]any
	top := mapItems(lget(crd, "spec", "additionalPrinterColumns"))
	for _, v := range mapItems(lget(crd, "spec", "versions")) {
		if str(v, "name") == ri.Version {
			specs = mapItems(asList(v["additionalPrinterColumns"]))
		}
	}
	if len(specs) == 0 {
		specs = top
	}
	if len(specs) == 0 {
		specs = []map[string]any{{"name": "Age", "type": "date", "description": metaDoc(1), "jsonPath": ".metadata.creationTimestamp"}}
	}
	cols := []columnDef{{Name: "Name", Type: "string", Format: "name", Description: metaDoc(0)}}
	var paths []string
	for _, c := range specs {
		desc := str(c, "description")
		if desc == "" {
			desc = "Custom resource definition column (in JSONPath format): " + str(c, "jsonPath")
		}
		cols = append(cols, columnDef{Name: str(c, "name"), Type: str(c, "type"), Format: str(c, "format"), Description: desc, Priority: iget(c, "priority")})
		paths = append(paths, str(c, "jsonPath"))
	}
	return cols, func(o obj, _ []obj) []any {
		cells := []any{metaString(o, "name")}
		for i, p := range paths {
			v, ok := jsonPathValue(o, p)
			if !ok {
				cells = append(cells, nil)
				continue
			}
			cells = append(cells, customCell(cols[i+1].Type, v))
		}
		return cells
	}
}

// customCell converts a value found by a column's JSON path to the cell of
// the column's type; nil when it does not fit.
func customCell(typ string, v any) any {
	if v == nil {
		return nil
	}
	switch typ {
	case "string":
		return jsonPathText(v)
	case "integer":
		if n, ok := numberInt(v); ok {
			return n
		}
		if f, ok := v.(float64); ok {
			return int64(f)
		}
	case "number":
		if f, ok := toFloat(v); ok {
			return f
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b
		}
	case "date":
		if s, ok := v.(string); ok {
			if _, ok := parseTime(s); !ok {
				return "<invalid>"
			}
			return since(s)
		}
	}
	return nil
}

// jsonPathText prints a value as a JSONPath template prints it: strings
// bare, other values as JSON.
func jsonPathText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// jsonPathValue evaluates the simple JSON paths CRDs use for their columns:
// ".a.b", ".a[0].b", ".a[*].b" (first match) and
// ".a[?(@.type=="Ready")].status"; ok is false when nothing matches.
func jsonPathValue(o obj, path string) (any, bool) {
	vals := []any{map[string]any(o)}
	for _, seg := range splitJSONPath(strings.TrimPrefix(strings.TrimSpace(path), ".")) {
		var next []any
		for _, v := range vals {
			next = append(next, jsonPathStep(v, seg)...)
		}
		vals = next
		if len(vals) == 0 {
			return nil, false
		}
	}
	return vals[0], true
}

// splitJSONPath splits a path into field names and bracket expressions.
func splitJSONPath(p string) []string {
	var out []string
	var cur strings.Builder
	depth := 0
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range p {
		switch {
		case r == '[' && depth == 0:
			flush()
			depth++
			cur.WriteRune(r)
		case r == ']' && depth == 1:
			cur.WriteRune(r)
			depth--
			flush()
		case r == '.' && depth == 0:
			flush()
		default:
			if r == '[' {
				depth++
			} else if r == ']' {
				depth--
			}
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

func jsonPathStep(v any, seg string) []any {
	if !strings.HasPrefix(seg, "[") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		x, ok := m[seg]
		if !ok {
			return nil
		}
		return []any{x}
	}
	inner := strings.TrimSuffix(strings.TrimPrefix(seg, "["), "]")
	l, ok := v.([]any)
	if !ok {
		if m, isMap := v.(map[string]any); isMap {
			if x, ok := m[strings.Trim(inner, `'"`)]; ok {
				return []any{x}
			}
		}
		return nil
	}
	switch {
	case inner == "*":
		return l
	case strings.HasPrefix(inner, "?(@.") && strings.HasSuffix(inner, ")"):
		cond := strings.TrimSuffix(strings.TrimPrefix(inner, "?(@."), ")")
		field, want, ok := strings.Cut(cond, "==")
		if !ok {
			return nil
		}
		field, want = strings.TrimSpace(field), strings.Trim(strings.TrimSpace(want), `'"`)
		var out []any
		for _, x := range l {
			if m, ok := x.(map[string]any); ok && jsonPathText(m[field]) == want {
				out = append(out, x)
			}
		}
		return out
	}
	i, err := strconv.Atoi(inner)
	if err != nil {
		return nil
	}
	if i < 0 {
		i += len(l)
	}
	if i < 0 || i >= len(l) {
		return nil
	}
	return []any{l[i]}
}

// printCRD is the CustomResourceDefinition printer.
func printCRD(o obj, _ []obj) []any {
	var versions []string
	for _, v := range mapItems(lget(o, "spec", "versions")) {
		if v["served"] == true {
			label := str(v, "name")
			if v["storage"] == true {
				label += "(storage)"
			}
			versions = append(versions, label)
		}
	}
	sort.Strings(versions)
	established := false
	for _, c := range mapItems(lget(o, "status", "conditions")) {
		if str(c, "type") == "Established" && str(c, "status") == "True" {
			established = true
		}
	}
	return []any{metaString(o, "name"), sget(o, "spec", "scope"), strings.Join(versions, ","), createdAt(o),
		sget(o, "spec", "group"), sget(o, "spec", "names", "kind"), strings.Join(stringList(nested(o, "spec", "names", "shortNames")), ","), established}
}
