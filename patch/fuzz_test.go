package patch_test

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/kubewire/kubewire/patch"
)

// applyMerge applies an RFC 7386 merge patch.
func applyMerge(target, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
		} else {
			tm[k] = applyMerge(tm[k], v)
		}
	}
	return tm
}

// dropNulls removes null members, which a merge patch cannot set.
func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
			} else {
				x[k] = dropNulls(e)
			}
		}
	case []any:
		for i := range x {
			x[i] = dropNulls(x[i])
		}
	}
	return v
}

// applyJSONPatch applies the add, remove and replace operations of an RFC
// 6902 patch.
func applyJSONPatch(t *testing.T, doc any, ops []map[string]any) any {
	for _, op := range ops {
		path, _ := op["path"].(string)
		if path == "" {
			doc = op["value"]
			continue
		}
		parts := strings.Split(path[1:], "/")
		for i := range parts {
			parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(parts[i])
		}
		parent := doc
		for _, p := range parts[:len(parts)-1] {
			switch x := parent.(type) {
			case map[string]any:
				parent = x[p]
			case []any:
				i, _ := strconv.Atoi(p)
				parent = x[i]
			}
		}
		last := parts[len(parts)-1]
		set := func(v any) { // replaces the parent's array in its own parent
			doc = replaceAt(doc, parts[:len(parts)-1], v)
		}
		switch x := parent.(type) {
		case map[string]any:
			if op["op"] == "remove" {
				delete(x, last)
			} else {
				x[last] = op["value"]
			}
		case []any:
			switch {
			case op["op"] == "add" && last == "-":
				set(append(x, op["value"]))
			case op["op"] == "remove":
				i, _ := strconv.Atoi(last)
				set(append(x[:i:i], x[i+1:]...))
			default:
				i, _ := strconv.Atoi(last)
				x[i] = op["value"]
			}
		default:
			t.Fatalf("op %v on a scalar", op)
		}
	}
	return doc
}

func replaceAt(doc any, parts []string, v any) any {
	if len(parts) == 0 {
		return v
	}
	switch x := doc.(type) {
	case map[string]any:
		x[parts[0]] = replaceAt(x[parts[0]], parts[1:], v)
	case []any:
		i, _ := strconv.Atoi(parts[0])
		x[i] = replaceAt(x[i], parts[1:], v)
	}
	return doc
}

func decode(b []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil, false
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// Applying the created patch to the original gives the modified value.
func FuzzPatchesRoundTrip(f *testing.F) {
	for _, c := range [][2]string{
		{`{"a":1,"b":{"c":[1,2,{"d":null}]}}`, `{"a":2,"b":{"c":[1],"e":"x"}}`},
		{`{"l":[{"n":1},{"n":2}],"s":"a/b~c"}`, `{"l":[{"n":2}],"a/b":{"~":[]}}`},
		{`{}`, `{"x":null,"y":[null,true]}`},
	} {
		f.Add([]byte(c[0]), []byte(c[1]))
	}
	f.Fuzz(func(t *testing.T, ob, mb []byte) {
		o, ok1 := decode(ob)
		m, ok2 := decode(mb)
		om, isObj1 := o.(map[string]any)
		_, isObj2 := m.(map[string]any)
		if !ok1 || !ok2 || !isObj1 || !isObj2 {
			return
		}
		mp, err := patch.CreateMergePatch(ob, mb)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := decode(mp)
		o1, _ := decode(ob)
		got := dropNulls(applyMerge(o1, p))
		want, _ := decode(mb)
		if !reflect.DeepEqual(got, dropNulls(want)) {
			t.Fatalf("merge patch %s on %s gives %v", mp, ob, got)
		}

		jp, err := patch.CreateJSONPatch(ob, mb)
		if err != nil {
			t.Fatal(err)
		}
		var ops []map[string]any
		d := json.NewDecoder(bytes.NewReader(jp))
		d.UseNumber()
		if err := d.Decode(&ops); err != nil {
			t.Fatal(err)
		}
		got = applyJSONPatch(t, om, ops)
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("JSON patch %s on %s gives %v, want %s", jp, ob, got, mb)
		}
	})
}
