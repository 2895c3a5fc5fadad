package patch

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// CreateMergePatch returns the JSON merge patch (RFC 7386,
// application/merge-patch+json) that turns original into modified: the
// members that changed, null for those removed, and objects merged member
// by member; a list that changed is sent whole. Both must be JSON objects.
// An unchanged value gives "{}". The error is an *InputError.
//
// A merge patch cannot set a member to null (null removes it), and a list
// it sends replaces the server's whole list: for lists of containers or
// ports of built-in kinds, CreateStrategicMergePatch sends only the
// changed items.
func CreateMergePatch(original, modified any) ([]byte, error) {
	o, m, err := objects(original, modified)
	if err != nil {
		return nil, err
	}
	return encode(mergeDiff(o, m))
}

// mergeDiff returns the merge patch from o to m.
func mergeDiff(o, m map[string]any) map[string]any {
	p := map[string]any{}
	for k := range o {
		if _, ok := m[k]; !ok {
			p[k] = nil
		}
	}
	for k, mv := range m {
		ov, ok := o[k]
		if !ok {
			p[k] = mv
			continue
		}
		om, oIsMap := ov.(map[string]any)
		mm, mIsMap := mv.(map[string]any)
		if oIsMap && mIsMap {
			if sub := mergeDiff(om, mm); len(sub) > 0 {
				p[k] = sub
			}
			continue
		}
		if !reflect.DeepEqual(ov, mv) {
			p[k] = mv
		}
	}
	return p
}

// operation is one operation of a JSON patch: "add", "remove" or
// "replace" at a JSON pointer (RFC 6901), with the value for the first and
// the last.
type operation struct {
	Op, Path string
	Value    any
}

// MarshalJSON writes the operation; a null value is written as null.
func (o operation) MarshalJSON() ([]byte, error) {
	m := map[string]any{"op": o.Op, "path": o.Path}
	if o.Op != "remove" {
		m["value"] = o.Value
	}
	return encode(m)
}

// CreateJSONPatch returns the JSON patch (RFC 6902,
// application/json-patch+json) that turns original into modified: add,
// remove and replace operations, members in key order; list items are
// compared by index, with items added at the end or removed from it (last
// first). An unchanged value gives "[]". The error is an *InputError.
func CreateJSONPatch(original, modified any) ([]byte, error) {
	o, err := toJSON("original", original)
	if err != nil {
		return nil, err
	}
	m, err := toJSON("modified", modified)
	if err != nil {
		return nil, err
	}
	ops := jsonDiff(nil, "", o, m)
	if ops == nil {
		ops = []operation{}
	}
	return encode(ops)
}

// pointerEscape escapes a member name for a JSON pointer.
var pointerEscape = strings.NewReplacer("~", "~0", "/", "~1")

func jsonDiff(ops []operation, path string, o, m any) []operation {
	switch ot := o.(type) {
	case map[string]any:
		mt, ok := m.(map[string]any)
		if !ok {
			break
		}
		for _, k := range sortedKeys(ot) {
			if _, ok := mt[k]; !ok {
				ops = append(ops, operation{Op: "remove", Path: path + "/" + pointerEscape.Replace(k)})
			}
		}
		for _, k := range sortedKeys(mt) {
			p := path + "/" + pointerEscape.Replace(k)
			ov, ok := ot[k]
			if !ok {
				ops = append(ops, operation{Op: "add", Path: p, Value: mt[k]})
				continue
			}
			ops = jsonDiff(ops, p, ov, mt[k])
		}
		return ops
	case []any:
		mt, ok := m.([]any)
		if !ok {
			break
		}
		n := min(len(ot), len(mt))
		for i := 0; i < n; i++ {
			ops = jsonDiff(ops, path+"/"+strconv.Itoa(i), ot[i], mt[i])
		}
		for i := n; i < len(mt); i++ {
			ops = append(ops, operation{Op: "add", Path: path + "/-", Value: mt[i]})
		}
		for i := len(ot) - 1; i >= n; i-- {
			ops = append(ops, operation{Op: "remove", Path: path + "/" + strconv.Itoa(i)})
		}
		return ops
	}
	if !reflect.DeepEqual(o, m) {
		ops = append(ops, operation{Op: "replace", Path: path, Value: m})
	}
	return ops
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
