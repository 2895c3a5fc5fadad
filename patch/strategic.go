package patch

import (
	"reflect"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apischema"
)

// CreateStrategicMergePatch returns the strategic merge patch
// (application/strategic-merge-patch+json) that turns original into
// modified, as client-go's strategicpatch.CreateTwoWayMergePatch makes it
// for a built-in kind: objects are merged member by member (null removes
// one); a list with the merge strategy sends only its new and changed
// items (a changed item as its own patch, with its merge key), removes
// items with {"$patch": "delete"} entries, and values of a list of
// scalars with "$deleteFromPrimitiveList/FIELD", and gives the new order
// in "$setElementOrder/FIELD"; other lists are sent whole when they
// changed; a struct with the retainKeys strategy lists the members it
// keeps in "$retainKeys". An unchanged value gives "{}".
//
// r names the kind (its Group, Version and Kind); when nil, it is taken
// from original's APIResource method, else from its apiVersion and kind.
// The error is a *KindError for a kind without a built-in schema (custom
// resources: the server takes merge patches for them), a *ListKeyError
// for a merged list whose items lack their key, or an *InputError.
func CreateStrategicMergePatch(original, modified any, r *metav1.Resource) ([]byte, error) {
	o, m, err := objects(original, modified)
	if err != nil {
		return nil, err
	}
	group, version, kind := "", "", ""
	switch {
	case r != nil:
		group, version, kind = r.Group, r.Version, r.Kind
	default:
		if d, ok := original.(interface{ APIResource() *metav1.Resource }); ok && d.APIResource() != nil {
			r := d.APIResource()
			group, version, kind = r.Group, r.Version, r.Kind
		} else {
			apiVersion, _ := o["apiVersion"].(string)
			kind, _ = o["kind"].(string)
			version = apiVersion
			if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
				group, version = apiVersion[:i], apiVersion[i+1:]
			}
		}
	}
	if kind == "" || !apischema.HasKind(group, version, kind) {
		apiVersion := version
		if group != "" {
			apiVersion = group + "/" + version
		}
		return nil, &KindError{APIVersion: apiVersion, Kind: kind}
	}
	d := smpDiffer{}
	p, err := d.maps("", o, m, apischema.KindType(group, version, kind), false)
	if err != nil {
		return nil, err
	}
	return encode(p)
}

type smpDiffer struct{}

// maps diffs two objects of schema t; retainKeys adds the $retainKeys
// directive when something changed.
func (d smpDiffer) maps(path string, o, m map[string]any, t *apischema.Type, retainKeys bool) (map[string]any, error) {
	p := map[string]any{}
	var retained []string
	for k, mv := range m {
		if retainKeys && mv != nil {
			retained = append(retained, k)
		}
		ov, ok := o[k]
		if !ok {
			p[k] = mv
			continue
		}
		f, _ := t.Field(k)
		if err := d.value(path+"."+k, k, ov, mv, f, p); err != nil {
			return nil, err
		}
	}
	for k := range o {
		if _, ok := m[k]; !ok {
			p[k] = nil
		}
	}
	if len(retained) > 0 && len(p) > 0 {
		sort.Strings(retained)
		p["$retainKeys"] = anySlice(retained)
	}
	return p, nil
}

// value diffs member k (of metadata f) into p.
func (d smpDiffer) value(path, k string, ov, mv any, f apischema.Field, p map[string]any) error {
	if reflect.TypeOf(ov) != reflect.TypeOf(mv) {
		p[k] = mv
		return nil
	}
	child := apischema.TypeNamed(f.Type)
	switch o := ov.(type) {
	case map[string]any:
		m := mv.(map[string]any)
		var sub map[string]any
		var err error
		switch {
		case f.HasStrategy("replace"):
			if !reflect.DeepEqual(o, m) {
				p[k] = m
			}
			return nil
		case f.Map:
			sub, err = d.mapValues(path, o, m, child)
		default:
			sub, err = d.maps(path, o, m, child, f.HasStrategy("retainKeys"))
		}
		if err != nil {
			return err
		}
		if len(sub) > 0 {
			p[k] = sub
		}
	case []any:
		m := mv.([]any)
		if !f.HasStrategy("merge") {
			if !reflect.DeepEqual(o, m) {
				p[k] = m
			}
			return nil
		}
		return d.lists(path, k, o, m, f, child, p)
	default:
		if !reflect.DeepEqual(ov, mv) {
			p[k] = mv
		}
	}
	return nil
}

// mapValues diffs a map whose values share schema t (labels, a resource
// list, a map of structs).
func (d smpDiffer) mapValues(path string, o, m map[string]any, t *apischema.Type) (map[string]any, error) {
	p := map[string]any{}
	for k, mv := range m {
		ov, ok := o[k]
		if !ok {
			p[k] = mv
			continue
		}
		om, oIsMap := ov.(map[string]any)
		mm, mIsMap := mv.(map[string]any)
		if oIsMap && mIsMap {
			sub, err := d.maps(path+"."+k, om, mm, t, false)
			if err != nil {
				return nil, err
			}
			if len(sub) > 0 {
				p[k] = sub
			}
			continue
		}
		if !reflect.DeepEqual(ov, mv) {
			p[k] = mv
		}
	}
	for k := range o {
		if _, ok := m[k]; !ok {
			p[k] = nil
		}
	}
	return p, nil
}

// lists diffs a list with the merge strategy into p: the list's patch,
// and its $deleteFromPrimitiveList and $setElementOrder directives.
func (d smpDiffer) lists(path, k string, o, m []any, f apischema.Field, child *apischema.Type, p map[string]any) error {
	if len(o) == 0 {
		if len(m) > 0 {
			p[k] = m
		}
		return nil
	}
	if _, isMap := o[0].(map[string]any); !isMap {
		if len(m) > 0 {
			if _, isMap := m[0].(map[string]any); isMap {
				p[k] = m // a list of scalars became one of objects
				return nil
			}
		}
		return d.scalarLists(k, o, m, p)
	}
	key := f.PatchMergeKey
	if key == "" {
		if !reflect.DeepEqual(o, m) {
			p[k] = m
		}
		return nil
	}
	keyOf := func(item any) (any, error) {
		im, ok := item.(map[string]any)
		if !ok {
			return nil, &ListKeyError{Path: strings.TrimPrefix(path, "."), Key: key}
		}
		v, ok := im[key]
		if !ok {
			return nil, &ListKeyError{Path: strings.TrimPrefix(path, "."), Key: key}
		}
		return v, nil
	}
	byKey := map[string]map[string]any{}
	var origKeys []any
	for _, item := range o {
		v, err := keyOf(item)
		if err != nil {
			return err
		}
		byKey[jsonKey(v)] = item.(map[string]any)
		origKeys = append(origKeys, v)
	}
	var patchList []any
	inModified := map[string]bool{}
	var order []any
	for _, item := range m {
		v, err := keyOf(item)
		if err != nil {
			return err
		}
		inModified[jsonKey(v)] = true
		order = append(order, map[string]any{key: v})
		mi := item.(map[string]any)
		oi, ok := byKey[jsonKey(v)]
		if !ok {
			patchList = append(patchList, mi)
			continue
		}
		sub, err := d.maps(path+"[]", oi, mi, child, f.HasStrategy("retainKeys"))
		if err != nil {
			return err
		}
		if len(sub) > 0 {
			sub[key] = v
			patchList = append(patchList, sub)
		}
	}
	for _, v := range origKeys {
		if !inModified[jsonKey(v)] {
			patchList = append(patchList, map[string]any{key: v, "$patch": "delete"})
		}
	}
	sameOrder := len(origKeys) == len(order)
	for i := 0; sameOrder && i < len(order); i++ {
		sameOrder = jsonKey(origKeys[i]) == jsonKey(order[i].(map[string]any)[key])
	}
	if len(patchList) > 0 {
		p[k] = patchList
	}
	if len(patchList) > 0 || !sameOrder {
		if order == nil {
			order = []any{}
		}
		if len(order) > 0 {
			p["$setElementOrder/"+k] = order
		}
	}
	return nil
}

// scalarLists diffs a merged list of scalars (finalizers): additions in
// the list, removals in $deleteFromPrimitiveList, and the new order.
func (d smpDiffer) scalarLists(k string, o, m []any, p map[string]any) error {
	has := func(list []any, v any) bool {
		for _, x := range list {
			if reflect.DeepEqual(x, v) {
				return true
			}
		}
		return false
	}
	var added, deleted []any
	for _, v := range m {
		if !has(o, v) && !has(added, v) {
			added = append(added, v)
		}
	}
	for _, v := range o {
		if !has(m, v) && !has(deleted, v) {
			deleted = append(deleted, v)
		}
	}
	if len(added) > 0 {
		p[k] = added
	}
	if len(deleted) > 0 {
		p["$deleteFromPrimitiveList/"+k] = deleted
	}
	if len(m) > 0 && (len(deleted) > 0 || !reflect.DeepEqual(o, m)) {
		p["$setElementOrder/"+k] = m
	}
	return nil
}

// jsonKey returns a comparable form of a merge key's value.
func jsonKey(v any) string {
	b, _ := encode(v)
	return string(b)
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
