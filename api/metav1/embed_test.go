package metav1_test

import (
	"encoding/json"
	"testing"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A user's struct that embeds object, list or type metadata alone decodes
// and encodes as a whole: the metadata types carry no JSON method that
// would be promoted to the struct and read or write it as metadata.
func TestEmbeddedMetadataDecodesWithItsStruct(t *testing.T) {
	type custom struct {
		metav1.ObjectMeta `json:"metadata"`
		Spec              struct {
			Replicas int `json:"replicas"`
		} `json:"spec"`
	}
	type customList struct {
		metav1.ListMeta `json:"metadata"`
		Items           []custom `json:"items"`
	}
	type typed struct {
		metav1.TypeMeta `json:",inline"`
		Data            string `json:"data"`
	}
	obj := []byte(`{"metadata":{"name":"a","labels":{"x":"y"},"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u"}]},"spec":{"replicas":3}}`)
	list := []byte(`{"metadata":{"resourceVersion":"7","continue":"c"},"items":[` + string(obj) + `]}`)
	decoders := map[string]func([]byte, any) error{"encoding/json": json.Unmarshal, "codec": codec.Unmarshal}
	for name, decode := range decoders {
		t.Run(name, func(t *testing.T) {
			var c custom
			require.NoError(t, decode(obj, &c))
			assert.Equal(t, "a", c.Name)
			assert.Equal(t, map[string]string{"x": "y"}, c.Labels)
			require.Len(t, c.OwnerReferences, 1)
			assert.Equal(t, "p", c.OwnerReferences[0].Name)
			assert.Equal(t, 3, c.Spec.Replicas)

			var l customList
			require.NoError(t, decode(list, &l))
			assert.Equal(t, "7", l.ResourceVersion)
			assert.Equal(t, "c", l.Continue)
			require.Len(t, l.Items, 1)
			assert.Equal(t, 3, l.Items[0].Spec.Replicas)

			var ty typed
			require.NoError(t, decode([]byte(`{"apiVersion":"v1","kind":"X","data":"d"}`), &ty))
			assert.Equal(t, typed{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "X"}, Data: "d"}, ty)

			err := decode([]byte(`{"metadata":{"name":7}}`), &c)
			assert.Error(t, err, "a wrongly typed metadata field is an error")
		})
	}

	// Encoding too: neither kubewire's codec nor encoding/json writes such
	// a struct as its metadata alone. The zero creationTimestamp is left
	// out (omitzero, as a 1.37 server leaves it out), by both.
	c := custom{ObjectMeta: metav1.ObjectMeta{Name: "a"}}
	c.Spec.Replicas = 3
	ty := typed{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "X"}, Data: "d"}
	for name, encode := range map[string]func(any) ([]byte, error){"encoding/json": json.Marshal, "codec": codec.Marshal} {
		out, err := encode(&c)
		require.NoError(t, err, name)
		assert.JSONEq(t, `{"metadata":{"name":"a"},"spec":{"replicas":3}}`, string(out), name)
		out, err = encode(&ty)
		require.NoError(t, err, name)
		assert.JSONEq(t, `{"apiVersion":"v1","kind":"X","data":"d"}`, string(out), name)
	}
}
