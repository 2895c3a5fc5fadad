package metav1_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

const partialList = `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"9","continue":"tok"},
"items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a","namespace":"ns","uid":"u","labels":{"x":"y"},"finalizers":["f"],"newField":1}},
{"kind":"Pod","apiVersion":"v1","metadata":{"name":"b"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running"}}]}`

func TestPartialObjectMetadata(t *testing.T) {
	for name, decode := range map[string]func([]byte, *metav1.PartialObjectMetadataList) error{
		"UnmarshalJSON": func(b []byte, l *metav1.PartialObjectMetadataList) error { return json.Unmarshal(b, l) },
		"codec":         func(b []byte, l *metav1.PartialObjectMetadataList) error { return codec.Unmarshal(b, l) },
	} {
		t.Run(name, func(t *testing.T) {
			var l metav1.PartialObjectMetadataList
			require.NoError(t, decode([]byte(partialList), &l))
			assert.Equal(t, "PartialObjectMetadataList", l.Kind)
			assert.Equal(t, "9", l.ResourceVersion)
			assert.Equal(t, "tok", l.Continue)
			require.Len(t, l.Items, 2)
			assert.Equal(t, "a", l.Items[0].Name)
			assert.Equal(t, map[string]string{"x": "y"}, l.Items[0].Labels)
			assert.Equal(t, []string{"f"}, l.Items[0].Finalizers)
			// A whole object decodes to its metadata.
			assert.Equal(t, "Pod", l.Items[1].Kind)
			assert.Equal(t, "b", l.Items[1].Name)

			c := l.DeepCopy()
			c.Items[0].Labels["x"] = "changed"
			c.Items[0].Finalizers[0] = "g"
			assert.Equal(t, "y", l.Items[0].Labels["x"], "the copy shares no map")
			assert.Equal(t, "f", l.Items[0].Finalizers[0], "the copy shares no slice")
		})
	}
	var o metav1.PartialObjectMetadata
	require.Error(t, json.Unmarshal([]byte(`{"metadata":{"name":`), &o))
	require.Error(t, json.Unmarshal([]byte(`{"metadata":{"name":"a"}} x`), &o))

	b, err := codec.Marshal(&metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{Kind: "Secret", APIVersion: "v1"}, ObjectMeta: metav1.ObjectMeta{Name: "s"}})
	require.NoError(t, err)
	var back metav1.PartialObjectMetadata
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, "s", back.Name)
	assert.Equal(t, "Secret", back.GetKind())
	assert.Equal(t, "v1", back.GetAPIVersion())
	assert.Nil(t, (*metav1.PartialObjectMetadata)(nil).DeepCopy())
}
