package fake

import (
	"fmt"
	"strings"

	"github.com/kubewire/kubewire/internal/apischema"
)

// applySMP applies a strategic merge patch to orig using the list merge
// keys and strategies of t (nil when the schema has none). It supports the
// $patch (replace, delete, merge), $retainKeys, $setElementOrder and
// $deleteFromPrimitiveList directives and fails on anything else.
func applySMP(orig, patch map[string]any, t *apischema.Type) (map[string]any, error) {
	if orig == nil {
		orig = map[string]any{}
	}
	if d, ok := patch["$patch"]; ok {
		switch d {
		case "replace":
			out := copyMapWithout(patch, "$patch")
			return out, nil
		case "delete":
			return nil, nil
		case "merge":
		default:
			return nil, fmt.Errorf("unknown patch type: %v in map: %v", d, patch)
		}
	}
	var retain []string
	hasRetain := false
	for k, pv := range patch {
		switch {
		case k == "$patch":
			continue
		case k == "$retainKeys":
			hasRetain = true
			l, ok := pv.([]any)
			if !ok {
				return nil, fmt.Errorf("invalid $retainKeys: %v (want a list of strings)", pv)
			}
			for _, x := range l {
				s, ok := x.(string)
				if !ok {
					return nil, fmt.Errorf("invalid $retainKeys: %v (want a list of strings)", pv)
				}
				retain = append(retain, s)
			}
			continue
		case strings.HasPrefix(k, "$setElementOrder/"):
			continue // ordering hints: the fake keeps the merged order
		case strings.HasPrefix(k, "$deleteFromPrimitiveList/"):
			field := strings.TrimPrefix(k, "$deleteFromPrimitiveList/")
			del, _ := pv.([]any)
			cur, _ := orig[field].([]any)
			var kept []any
			for _, x := range cur {
				if !containsJSON(del, x) {
					kept = append(kept, x)
				}
			}
			if kept == nil {
				delete(orig, field)
			} else {
				orig[field] = kept
			}
			continue
		case strings.HasPrefix(k, "$"):
			return nil, fmt.Errorf("the fake API server does not support the strategic merge patch directive %q", k)
		}
		if pv == nil {
			delete(orig, k)
			continue
		}
		f, _ := t.Field(k)
		child := apischema.TypeNamed(f.Type)
		switch p := pv.(type) {
		case map[string]any:
			om, ok := orig[k].(map[string]any)
			if !ok {
				om = nil
			}
			var merged map[string]any
			var err error
			if f.Map {
				merged, err = smpMapValues(om, p, child)
			} else {
				merged, err = applySMP(om, p, child)
			}
			if err != nil {
				return nil, err
			}
			if merged == nil {
				delete(orig, k)
			} else {
				orig[k] = merged
			}
		case []any:
			ol, _ := orig[k].([]any)
			merged, err := smpList(ol, p, f, child)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			orig[k] = merged
		default:
			orig[k] = deepCopy(pv)
		}
	}
	if hasRetain {
		for k := range orig {
			if !contains(retain, k) {
				if _, inPatch := patch[k]; !inPatch {
					delete(orig, k)
				}
			}
		}
	}
	return orig, nil
}

// smpMapValues merges a map whose values share one schema.
func smpMapValues(orig, patch map[string]any, t *apischema.Type) (map[string]any, error) {
	if orig == nil {
		orig = map[string]any{}
	}
	for k, pv := range patch {
		if strings.HasPrefix(k, "$") {
			return nil, fmt.Errorf("the fake API server does not support the strategic merge patch directive %q in a map", k)
		}
		pm, ok := pv.(map[string]any)
		om, ok2 := orig[k].(map[string]any)
		switch {
		case pv == nil:
			delete(orig, k)
		case ok && ok2:
			m, err := applySMP(om, pm, t)
			if err != nil {
				return nil, err
			}
			orig[k] = m
		default:
			orig[k] = deepCopy(pv)
		}
	}
	return orig, nil
}

func copyMapWithout(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = deepCopy(v)
		}
	}
	return out
}

func containsJSON(list []any, v any) bool {
	for _, x := range list {
		if equalJSON(x, v) {
			return true
		}
	}
	return false
}

// smpList merges a list by its patch strategy: replace unless the field's
// strategy is merge; lists of objects by merge key, primitives as a union.
func smpList(orig, patch []any, f apischema.Field, child *apischema.Type) ([]any, error) {
	// A {"$patch": "replace"} item replaces the whole list with the others.
	for i, it := range patch {
		if m, ok := it.(map[string]any); ok && m["$patch"] == "replace" && len(m) == 1 {
			out := append(append([]any{}, patch[:i]...), patch[i+1:]...)
			return deepCopy(out).([]any), nil
		}
	}
	if !f.HasStrategy("merge") {
		for _, it := range patch {
			if m, ok := it.(map[string]any); ok {
				if _, has := m["$patch"]; has {
					return nil, fmt.Errorf("the $patch directive is only supported in lists with the merge strategy")
				}
			}
		}
		return deepCopy(patch).([]any), nil
	}
	key := f.PatchMergeKey
	out := deepCopy(orig)
	list, _ := out.([]any)
	if key == "" {
		for _, it := range patch {
			if m, ok := it.(map[string]any); ok {
				return nil, fmt.Errorf("the fake API server cannot merge object %v into a list without a merge key", m)
			}
			if !containsJSON(list, it) {
				list = append(list, deepCopy(it))
			}
		}
		return list, nil
	}
	for _, it := range patch {
		pm, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected an object in a list merged by key %q, got %v", key, it)
		}
		kv, ok := pm[key]
		if !ok {
			return nil, fmt.Errorf("map: %v does not contain declared merge key: %s", pm, key)
		}
		idx := -1
		for i, x := range list {
			if xm, ok := x.(map[string]any); ok && equalJSON(xm[key], kv) {
				idx = i
				break
			}
		}
		switch pm["$patch"] {
		case "delete":
			if idx >= 0 {
				list = append(list[:idx], list[idx+1:]...)
			}
			continue
		case nil, "merge":
		case "replace":
			r := copyMapWithout(pm, "$patch")
			if idx >= 0 {
				list[idx] = r
			} else {
				list = append(list, r)
			}
			continue
		default:
			return nil, fmt.Errorf("unknown patch type: %v in list item %v", pm["$patch"], pm)
		}
		if idx < 0 {
			m, err := applySMP(nil, copyMapWithout(pm, "$patch"), child)
			if err != nil {
				return nil, err
			}
			list = append(list, m)
			continue
		}
		om, _ := list[idx].(map[string]any)
		m, err := applySMP(om, pm, child)
		if err != nil {
			return nil, err
		}
		list[idx] = m
	}
	return list, nil
}
