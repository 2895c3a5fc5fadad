package codec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decodeMap() func([]byte, *map[string]any) error {
	return func(b []byte, v *map[string]any) error { return json.Unmarshal(b, v) }
}

// list builds a list of n items, some with large nested arrays whose
// elements begin like the items do, so that guessed starts often fall
// inside an item.
func list(r *rand.Rand, n int, head, tail string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"kind":"List",` + head + `"items":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"metadata":{"name":"item-%d","note":"a \"quoted\" ,{\"metadata\":{\"name\" and ]}"},"spec":{"nested":[`, i)
		for j := range r.IntN(3) * r.IntN(20) {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"metadata":{"name":"inner-%d-%d"},"pad":"%s"}`, i, j, bytes.Repeat([]byte("x"), r.IntN(100)))
		}
		b.WriteString(`]}}`)
	}
	b.WriteString(`]` + tail + `}`)
	return b.Bytes()
}

// smallShares lets small inputs be split among many goroutines.
func smallShares(t *testing.T) {
	old := minShare
	minShare = 2 << 10
	t.Cleanup(func() { minShare = old })
}

func TestDecodeListItemsMatchesSequential(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	smallShares(t)
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 40 {
		n := 1 + r.IntN(150)
		data := list(r, n, `"metadata":{"resourceVersion":"7"},`, `,"extra":{"a":[1,2]}`)
		var want struct {
			Items []map[string]any `json:"items"`
		}
		require.NoError(t, json.Unmarshal(data, &want))
		items, rest, ok := DecodeListItems(data, decodeMap)
		require.True(t, ok, "round %d", round)
		require.Equal(t, want.Items, items, "round %d (%d items, %d bytes)", round, n, len(data))
		var head map[string]any
		require.NoError(t, json.Unmarshal(rest, &head))
		assert.Nil(t, head["items"])
		assert.Equal(t, map[string]any{"resourceVersion": "7"}, head["metadata"])
		assert.Equal(t, map[string]any{"a": []any{1.0, 2.0}}, head["extra"])
	}
}

func TestDecodeListItemsDeclines(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	smallShares(t)
	r := rand.New(rand.NewPCG(3, 4))
	big := list(r, 300, "", "")
	for name, data := range map[string][]byte{
		"no items":       []byte(`{"kind":"List"}`),
		"empty items":    []byte(`{"items":[]}`),
		"null items":     []byte(`{"items":null}`),
		"scalar items":   []byte(`{"items":[1,2]}`),
		"escaped key":    []byte(`{"it\u0065ms":[{}]}`),
		"two items keys": append(bytes.TrimSuffix(big, []byte("}")), []byte(`,"items":[]}`)...),
		"bad item":       bytes.Replace(big, []byte(`"name":"item-200"`), []byte(`"name":item-200`), 1),
		"truncated":      big[:len(big)-2],
		"not an object":  []byte(`[{"items":[]}]`),
	} {
		_, _, ok := DecodeListItems(data, decodeMap)
		assert.False(t, ok, name)
	}
}
