package fake

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/kubewire/kubewire/internal/apischema"
	"github.com/kubewire/kubewire/patch"
)

// smpBase is the Deployment the fuzz test changes.
const smpBase = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"a":"1","b":"2"},"finalizers":["f/1","f/2"]},
"spec":{"replicas":2,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},"template":{"spec":{
"containers":[{"name":"c0","image":"i0","env":[{"name":"E0","value":"0"},{"name":"E1","value":"1"}],"ports":[{"containerPort":80}]},
{"name":"c1","image":"i1","args":["x","y"]}],
"volumes":[{"name":"v0","emptyDir":{}},{"name":"v1","configMap":{"name":"cm"}}]}}}}`

// mutate changes a decoded Deployment as op says; the changes are those a
// controller makes: list items added, removed, reordered and changed, map
// members set and removed, struct members switched.
func mutate(d map[string]any, op byte, n int) {
	spec := d["spec"].(map[string]any)
	pod := spec["template"].(map[string]any)["spec"].(map[string]any)
	md := d["metadata"].(map[string]any)
	ctrs, _ := pod["containers"].([]any)
	vols, _ := pod["volumes"].([]any)
	name := fmt.Sprint("n", n)
	switch op % 14 {
	case 0:
		spec["replicas"] = json.Number(fmt.Sprint(n))
	case 1:
		pod["containers"] = append(ctrs, map[string]any{"name": name, "image": "new"})
	case 2:
		if len(ctrs) > 1 {
			pod["containers"] = append(append([]any{}, ctrs[:n%len(ctrs)]...), ctrs[n%len(ctrs)+1:]...)
		}
	case 3:
		if len(ctrs) > 1 {
			r := append([]any{}, ctrs[1:]...)
			pod["containers"] = append(r, ctrs[0])
		}
	case 4:
		if len(ctrs) > 0 {
			ctrs[n%len(ctrs)].(map[string]any)["image"] = name
		}
	case 5:
		if len(ctrs) > 0 {
			c := ctrs[n%len(ctrs)].(map[string]any)
			env, _ := c["env"].([]any)
			c["env"] = append([]any{map[string]any{"name": name, "value": "v"}}, env...)
		}
	case 6:
		if len(ctrs) > 0 {
			c := ctrs[n%len(ctrs)].(map[string]any)
			if env, _ := c["env"].([]any); len(env) > 0 {
				c["env"] = env[1:]
			} else {
				delete(c, "env")
			}
		}
	case 7:
		if len(ctrs) > 0 {
			ctrs[0].(map[string]any)["ports"] = []any{map[string]any{"containerPort": json.Number(fmt.Sprint(8000 + n%3)), "name": "p"}}
		}
	case 8:
		md["labels"] = map[string]any{"a": name, "c": "3"}
	case 9:
		fins, _ := md["finalizers"].([]any)
		md["finalizers"] = append([]any{"f/" + name}, fins[min(1, len(fins)):]...)
	case 10:
		spec["strategy"] = map[string]any{"type": "Recreate"}
	case 11:
		if len(vols) > 0 {
			vols[n%len(vols)] = map[string]any{"name": vols[n%len(vols)].(map[string]any)["name"], "hostPath": map[string]any{"path": "/" + name}}
		}
	case 12:
		pod["volumes"] = append(vols, map[string]any{"name": name, "emptyDir": map[string]any{}})
	case 13:
		if len(vols) > 0 {
			pod["volumes"] = vols[1:]
		}
	}
}

// A strategic merge patch package patch creates, applied by the fake's
// applier (the one its PATCH handler runs), gives the modified object.
func FuzzCreatedStrategicMergePatchApplies(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{4, 5, 6, 7, 8, 9})
	f.Add([]byte{10, 11, 12, 13, 3, 2})
	f.Add([]byte{1, 1, 3, 6, 6, 6, 13, 13, 13})
	typ := apischema.KindType("apps", "v1", "Deployment")
	f.Fuzz(func(t *testing.T, ops []byte) {
		orig, err := decodeJSON([]byte(smpBase))
		if err != nil {
			t.Fatal(err)
		}
		mod := deepCopy(orig).(map[string]any)
		for i, op := range ops {
			mutate(mod, op, i)
		}
		ob, _ := json.Marshal(orig)
		mb, _ := json.Marshal(mod)
		p, err := patch.CreateStrategicMergePatch(ob, mb, nil)
		if err != nil {
			t.Fatal(err)
		}
		pm, err := decodeJSON(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := applySMP(deepCopy(orig).(map[string]any), pm, typ)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		want, _ := decodeJSON(mb)
		if !reflect.DeepEqual(normalizeEmpty(got), normalizeEmpty(want)) {
			gb, _ := json.Marshal(got)
			t.Fatalf("patch %s\ngives %s\nwant  %s", p, gb, mb)
		}
	})
}

// normalizeEmpty drops empty lists, which a patch leaves absent.
func normalizeEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if l, ok := e.([]any); ok && len(l) == 0 {
				delete(x, k)
				continue
			}
			x[k] = normalizeEmpty(e)
		}
	case []any:
		for i := range x {
			x[i] = normalizeEmpty(x[i])
		}
	}
	return v
}
