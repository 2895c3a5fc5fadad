package typed_test

import (
	"bytes"
	"testing"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DecodeList reads a list as List does: the same objects as the generated
// UnmarshalJSON, small or large enough to be decoded in parallel.
func TestDecodeList(t *testing.T) {
	for _, n := range []int{0, 3, 400} { // 400 pods are over 2 MB: the parallel path
		data := fixtures.PodListJSON(n)
		var want corev1.PodList
		require.NoError(t, want.UnmarshalJSON(data))
		var got corev1.PodList
		require.NoError(t, typed.DecodeList[corev1.Pod](bytes.Clone(data), &got))
		require.Len(t, got.Items, n)
		assert.Equal(t, want, got, "%d pods", n)
	}

	// A list type without generated decoders is decoded by reflection.
	type slimList struct {
		metav1.ListMeta `json:"metadata"`
		Items           []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		} `json:"items"`
	}
	var slim slimList
	require.NoError(t, typed.DecodeList[struct{}](fixtures.PodListJSON(2), &slim))
	require.Len(t, slim.Items, 2)
	assert.NotEmpty(t, slim.Items[0].Metadata.Name)

	// Malformed input is an error naming what failed, also on the parallel path.
	big := fixtures.PodListJSON(400)
	for _, bad := range [][]byte{[]byte(`{"items":[{"metadata":{"name":1}}]}`), []byte(`{"items":[`), big[:len(big)-10]} {
		var l corev1.PodList
		err := typed.DecodeList[corev1.Pod](bytes.Clone(bad), &l)
		require.Error(t, err, "%.40s", bad)
		var de *rest.DecodeError
		assert.NotErrorAs(t, err, &de, "a syntax error of the body, not of a response")
		assert.Contains(t, err.Error(), "decoding corev1.PodList", "the error names the list type")
	}
}
