package fake

import (
	"fmt"
	"strconv"
	"strings"
)

// applyJSONPatch applies an RFC 6902 patch to doc (which it may modify).
func applyJSONPatch(doc any, patch any) (any, error) {
	ops, ok := patch.([]any)
	if !ok {
		return nil, fmt.Errorf("json patch must be an array of operations")
	}
	for i, raw := range ops {
		op, ok := raw.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("operation %d is not an object", i)
		}
		name, _ := op["op"].(string)
		path, hasPath := op["path"].(string)
		if !hasPath {
			return nil, fmt.Errorf("operation %d (%s) has no path", i, name)
		}
		var err error
		switch name {
		case "add":
			v, ok := op["value"]
			if !ok {
				return nil, fmt.Errorf("add operation does not apply: missing value")
			}
			doc, err = pointerAdd(doc, path, deepCopy(v))
		case "remove":
			doc, _, err = pointerRemove(doc, path)
		case "replace":
			v, ok := op["value"]
			if !ok {
				return nil, fmt.Errorf("replace operation does not apply: missing value")
			}
			if _, err = pointerGet(doc, path); err == nil {
				doc, _, err = pointerRemove(doc, path)
				if err == nil {
					doc, err = pointerAdd(doc, path, deepCopy(v))
				}
			} else {
				// The real server's JSON patch library (evanphx v4)
				// replaces a missing member of an object as add does.
				doc, err = pointerSet(doc, path, deepCopy(v))
			}
		case "move", "copy":
			from, ok := op["from"].(string)
			if !ok {
				return nil, fmt.Errorf("%s operation does not apply: missing from", name)
			}
			var v any
			if name == "move" {
				doc, v, err = pointerRemove(doc, from)
			} else {
				v, err = pointerGet(doc, from)
				v = deepCopy(v)
			}
			if err == nil {
				doc, err = pointerAdd(doc, path, v)
			}
		case "test":
			var v any
			v, err = pointerGet(doc, path)
			if err == nil && !equalJSON(v, op["value"]) {
				err = fmt.Errorf("testing value %s failed: test failed", path)
			}
		default:
			return nil, fmt.Errorf("unexpected kind of operation: %q", name)
		}
		if err != nil {
			return nil, err
		}
	}
	return doc, nil
}

func splitPointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("invalid JSON pointer %q", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

func arrayIndex(s string, n int, forAdd bool) (int, error) {
	if forAdd && s == "-" {
		return n, nil
	}
	i, err := strconv.Atoi(s)
	max := n - 1
	if forAdd {
		max = n
	}
	if err != nil || i < 0 || i > max || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("unable to access invalid index: %s", s)
	}
	return i, nil
}

func pointerGet(doc any, p string) (any, error) {
	parts, err := splitPointer(p)
	if err != nil {
		return nil, err
	}
	cur := doc
	for _, part := range parts {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, fmt.Errorf("doc is missing path: %q", p)
			}
			cur = v
		case []any:
			i, err := arrayIndex(part, len(c), false)
			if err != nil {
				return nil, err
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("doc is missing path: %q", p)
		}
	}
	return cur, nil
}

// parentOf walks to the container holding the last path segment.
func parentOf(doc any, p string) (any, string, []string, error) {
	parts, err := splitPointer(p)
	if err != nil {
		return nil, "", nil, err
	}
	if len(parts) == 0 {
		return nil, "", nil, nil
	}
	parentPath := ""
	for _, s := range parts[:len(parts)-1] {
		parentPath += "/" + strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
	}
	parent, err := pointerGet(doc, parentPath)
	if err != nil {
		return nil, "", nil, fmt.Errorf("doc is missing path: %q", p)
	}
	return parent, parentPath, parts, nil
}

func pointerAdd(doc any, p string, v any) (any, error) {
	parent, parentPath, parts, err := parentOf(doc, p)
	if err != nil {
		return nil, err
	}
	if parts == nil {
		return v, nil
	}
	last := parts[len(parts)-1]
	switch c := parent.(type) {
	case map[string]any:
		c[last] = v
		return doc, nil
	case []any:
		i, err := arrayIndex(last, len(c), true)
		if err != nil {
			return nil, fmt.Errorf("add operation does not apply: %v", err)
		}
		n := append(c[:i:i], append([]any{v}, c[i:]...)...)
		return pointerSet(doc, parentPath, n)
	}
	return nil, fmt.Errorf("add operation does not apply: doc is missing path: %q", p)
}

func pointerRemove(doc any, p string) (any, any, error) {
	parent, parentPath, parts, err := parentOf(doc, p)
	if err != nil {
		return nil, nil, err
	}
	if parts == nil {
		return nil, nil, fmt.Errorf("cannot remove the whole document")
	}
	last := parts[len(parts)-1]
	switch c := parent.(type) {
	case map[string]any:
		v, ok := c[last]
		if !ok {
			return nil, nil, fmt.Errorf("remove operation does not apply: doc is missing path: %q", p)
		}
		delete(c, last)
		return doc, v, nil
	case []any:
		i, err := arrayIndex(last, len(c), false)
		if err != nil {
			return nil, nil, fmt.Errorf("remove operation does not apply: %v", err)
		}
		v := c[i]
		n := append(append([]any{}, c[:i]...), c[i+1:]...)
		doc, err = pointerSet(doc, parentPath, n)
		return doc, v, err
	}
	return nil, nil, fmt.Errorf("remove operation does not apply: doc is missing path: %q", p)
}

// applyMergePatch applies an RFC 7386 merge patch.
func applyMergePatch(doc, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return deepCopy(patch)
	}
	dm, ok := doc.(map[string]any)
	if !ok {
		dm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(dm, k)
			continue
		}
		dm[k] = applyMergePatch(dm[k], v)
	}
	return dm
}

// pointerSet replaces the value at an existing path.
func pointerSet(doc any, p string, v any) (any, error) {
	parent, _, parts, err := parentOf(doc, p)
	if err != nil {
		return nil, err
	}
	if parts == nil {
		return v, nil
	}
	last := parts[len(parts)-1]
	switch c := parent.(type) {
	case map[string]any:
		c[last] = v
		return doc, nil
	case []any:
		i, err := arrayIndex(last, len(c), false)
		if err != nil {
			return nil, err
		}
		c[i] = v
		return doc, nil
	}
	return nil, fmt.Errorf("doc is missing path: %q", p)
}
