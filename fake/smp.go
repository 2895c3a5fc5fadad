package fake

import (
	"fmt"
	"net/http"
	"sort"
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
			return nil, errBadPatchType(d, patch)
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
				return nil, errBadRequest("invalid patch format of retainKeys")
			}
			for _, x := range l {
				s, ok := x.(string)
				if !ok {
					return nil, errBadRequest("invalid patch format of retainKeys")
				}
				retain = append(retain, s)
			}
			continue
		case strings.HasPrefix(k, "$setElementOrder/"):
			field := strings.TrimPrefix(k, "$setElementOrder/")
			order, ok := pv.([]any)
			if _, inPatch := patch[field]; ok && !inPatch {
				// Only an order: the list is reordered as it is.
				if cur, ok := orig[field].([]any); ok {
					f, _ := t.Field(field)
					orig[field] = normalizeOrder(cur, order, cur, f.PatchMergeKey)
				}
			}
			continue
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
			// Not a directive: the real server merges it as a field,
			// which decoding into the built-in type then drops.
			continue
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
			order, ok := patch["$setElementOrder/"+k].([]any)
			if !ok {
				order = p
			}
			merged, err := smpList(ol, p, f, child, order)
			if err != nil {
				return nil, err
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
// Merged lists are ordered as the real server orders them (normalizeOrder),
// by order: the patch list or its $setElementOrder.
func smpList(orig, patch []any, f apischema.Field, child *apischema.Type, order []any) ([]any, error) {
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
		return normalizeOrder(list, order, orig, ""), nil
	}
	for _, it := range patch {
		pm, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected an object in a list merged by key %q, got %v", key, it)
		}
		kv, ok := pm[key]
		if !ok {
			return nil, errSMPServer(fmt.Sprintf("map: %v does not contain declared merge key: %s", pm, key))
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
			return nil, errBadPatchType(pm["$patch"], pm)
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
	return normalizeOrder(list, order, orig, key), nil
}

// normalizeOrder orders a merged list as the real strategic merge does:
// the items named by the patch (or its $setElementOrder) in that order,
// the others in their original order, the two interleaved by original
// position where both have one, a patch item without one going first.
func normalizeOrder(merged, patchOrder, serverOrder []any, key string) []any {
	index := func(list []any, v any) int {
		for i, x := range list {
			if key == "" {
				if equalJSON(x, v) {
					return i
				}
				continue
			}
			xm, ok1 := x.(map[string]any)
			vm, ok2 := v.(map[string]any)
			if !ok1 || !ok2 {
				continue
			}
			xk, has1 := xm[key]
			vk, has2 := vm[key]
			if has1 && has2 && equalJSON(xk, vk) {
				return i
			}
		}
		return -1
	}
	var fromPatch, serverOnly []any
	for _, it := range merged {
		if index(patchOrder, it) >= 0 {
			fromPatch = append(fromPatch, it)
		} else {
			serverOnly = append(serverOnly, it)
		}
	}
	byOrder := func(list, order []any) {
		sort.SliceStable(list, func(i, j int) bool {
			a, b := index(order, list[i]), index(order, list[j])
			if a < 0 || b < 0 {
				return a >= 0
			}
			return a < b
		})
	}
	byOrder(fromPatch, patchOrder)
	byOrder(serverOnly, serverOrder)
	out := make([]any, 0, len(merged))
	i, j := 0, 0
	for i < len(serverOnly) || j < len(fromPatch) {
		switch {
		case j == len(fromPatch):
			out = append(out, serverOnly[i])
			i++
		case i == len(serverOnly):
			out = append(out, fromPatch[j])
			j++
		default:
			a, b := index(serverOrder, serverOnly[i]), index(serverOrder, fromPatch[j])
			if a >= 0 && b >= 0 && a < b {
				out = append(out, serverOnly[i])
				i++
			} else {
				out = append(out, fromPatch[j])
				j++
			}
		}
	}
	return out
}

// errBadPatchType is the real server's answer to an unknown $patch
// directive: the strategic merge library's error, unconverted, so a 500.
func errBadPatchType(d any, m map[string]any) error {
	return errSMPServer(fmt.Sprintf("unknown patch type: %v in map: %v", d, m))
}

// errSMPServer is a strategic merge error the real server does not convert
// to a Status: a 500 with no reason.
func errSMPServer(msg string) error {
	return newStatus(http.StatusInternalServerError, "", msg, nil)
}
