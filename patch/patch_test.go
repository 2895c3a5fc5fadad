package patch_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/patch"
)

// testdata/smp.json holds pairs and the patch apimachinery v0.37.2's
// strategicpatch.CreateTwoWayMergePatch makes for them (with the k8s.io/api
// types of the kind), recorded by running it; kubewire's is byte for byte
// the same.
func TestStrategicMergePatchAsApimachinery(t *testing.T) {
	b, err := os.ReadFile("testdata/smp.json")
	require.NoError(t, err)
	var cases []struct {
		Name               string
		Original, Modified json.RawMessage
		Want               json.RawMessage
	}
	require.NoError(t, json.Unmarshal(b, &cases))
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := patch.CreateStrategicMergePatch([]byte(c.Original), []byte(c.Modified), nil)
			require.NoError(t, err)
			var want any
			require.NoError(t, json.Unmarshal(c.Want, &want))
			wantBytes, _ := json.Marshal(want)
			assert.Equal(t, string(wantBytes), string(got))
		})
	}
}

func TestCreateMergePatch(t *testing.T) {
	tests := []struct{ name, o, m, want string }{
		{"same", `{"a":1,"b":{"c":[1,2]}}`, `{"a":1,"b":{"c":[1,2]}}`, `{}`},
		{"changed, added, removed", `{"a":1,"b":2,"c":{"d":1,"e":2}}`, `{"a":5,"c":{"d":1,"f":3},"g":true}`, `{"a":5,"b":null,"c":{"e":null,"f":3},"g":true}`},
		{"lists whole", `{"l":[1,2,3]}`, `{"l":[1,3]}`, `{"l":[1,3]}`},
		{"object to scalar", `{"a":{"b":1}}`, `{"a":"x"}`, `{"a":"x"}`},
		{"big numbers kept", `{"n":9007199254740993}`, `{"n":9007199254740995}`, `{"n":9007199254740995}`},
		{"html not escaped", `{"s":"a"}`, `{"s":"<b>&"}`, `{"s":"<b>&"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := patch.CreateMergePatch([]byte(tt.o), []byte(tt.m))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestCreateJSONPatch(t *testing.T) {
	tests := []struct{ name, o, m, want string }{
		{"same", `{"a":[1,{"b":2}]}`, `{"a":[1,{"b":2}]}`, `[]`},
		{"members", `{"a":1,"b":2,"c":{"d":1}}`, `{"a":3,"c":{"d":1,"e":null},"f":[1]}`,
			`[{"op":"remove","path":"/b"},{"op":"replace","path":"/a","value":3},{"op":"add","path":"/c/e","value":null},{"op":"add","path":"/f","value":[1]}]`},
		{"lists by index", `{"l":[1,2,3,4]}`, `{"l":[1,5]}`,
			`[{"op":"replace","path":"/l/1","value":5},{"op":"remove","path":"/l/3"},{"op":"remove","path":"/l/2"}]`},
		{"list grows", `{"l":[{"n":"a"}]}`, `{"l":[{"n":"b"},{"n":"c"}]}`,
			`[{"op":"replace","path":"/l/0/n","value":"b"},{"op":"add","path":"/l/-","value":{"n":"c"}}]`},
		{"escaped names", `{"a/b":1,"m~n":1}`, `{"a/b":2}`, `[{"op":"remove","path":"/m~0n"},{"op":"replace","path":"/a~1b","value":2}]`},
		{"to null", `{"a":1}`, `{"a":null}`, `[{"op":"replace","path":"/a","value":null}]`},
		{"root", `[1]`, `{"a":1}`, `[{"op":"replace","path":"","value":{"a":1}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := patch.CreateJSONPatch([]byte(tt.o), []byte(tt.m))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestPatchErrors(t *testing.T) {
	var ie *patch.InputError
	_, err := patch.CreateMergePatch([]byte(`{"a":`), []byte(`{}`))
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "original", ie.Which)
	_, err = patch.CreateMergePatch([]byte(`{}`), []byte(`[1]`))
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "modified", ie.Which)
	_, err = patch.CreateJSONPatch([]byte(`{} {}`), []byte(`{}`))
	require.ErrorAs(t, err, &ie)
	_, err = patch.CreateMergePatch(make(chan int), map[string]any{})
	require.ErrorAs(t, err, &ie)

	var ke *patch.KindError
	_, err = patch.CreateStrategicMergePatch([]byte(`{"apiVersion":"examples.kubewire.dev/v1","kind":"Website"}`), []byte(`{}`), nil)
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, "examples.kubewire.dev/v1", ke.APIVersion)
	_, err = patch.CreateStrategicMergePatch([]byte(`{}`), []byte(`{}`), nil)
	require.ErrorAs(t, err, &ke)
	_, err = patch.CreateStrategicMergePatch(map[string]any{}, map[string]any{}, &metav1.Resource{Group: "apps", Version: "v1", Kind: "Nope"})
	require.ErrorAs(t, err, &ke)

	var le *patch.ListKeyError
	_, err = patch.CreateStrategicMergePatch(
		[]byte(`{"spec":{"containers":[{"name":"a"}]}}`), []byte(`{"spec":{"containers":[{"image":"x"}]}}`), &corev1.PodResource)
	require.True(t, errors.As(err, &le), "%v", err)
	assert.Equal(t, "spec.containers", le.Path)
	assert.Equal(t, "name", le.Key)
}
