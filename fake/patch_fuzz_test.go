package fake

import (
	"testing"

	"github.com/kubewire/kubewire/internal/apischema"
)

const fuzzPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"},"finalizers":["x"]},
"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80,"protocol":"TCP"}]}],"volumes":[{"name":"v","emptyDir":{}}]}}`

// FuzzPatches checks that no patch body makes the patch code panic.
func FuzzPatches(f *testing.F) {
	for _, s := range []string{
		`[{"op":"add","path":"/metadata/labels/x","value":"y"}]`, `[{"op":"move","from":"/spec","path":"/spec/x"}]`,
		`[{"op":"remove","path":"/spec/containers/0"}]`, `[{"op":"copy","from":"/spec/containers/0","path":"/spec/containers/-"}]`,
		`{"spec":{"containers":[{"name":"c","$patch":"delete"}]}}`, `{"spec":{"$retainKeys":["containers"]}}`,
		`{"metadata":{"$deleteFromPrimitiveList/finalizers":["x"]}}`, `{"spec":{"containers":[{"$patch":"replace"}]}}`,
		`{"a":null}`, `[]`, `1`, `{"spec":{"containers":{"x":1}}}`,
	} {
		f.Add([]byte(s))
	}
	pt := apischema.KindType("", "v1", "Pod")
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodeAny(b)
		if err != nil {
			return
		}
		doc, _ := decodeJSON([]byte(fuzzPod))
		applyJSONPatch(doc, p)
		doc, _ = decodeJSON([]byte(fuzzPod))
		applyMergePatch(doc, p)
		if pm, ok := p.(map[string]any); ok {
			doc, _ = decodeJSON([]byte(fuzzPod))
			applySMP(doc, pm, pt)
			doc, _ = decodeJSON([]byte(fuzzPod))
			mergeApply(doc, pm, apischema.Field{Type: "io.k8s.api.core.v1.Pod"})
		}
	})
}
