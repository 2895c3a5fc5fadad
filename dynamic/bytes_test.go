package dynamic

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

// The byte decoder must give what the iterator decoder gives.
func TestByteDecoderMatchesIterator(t *testing.T) {
	inputs := []string{
		`{}`, `null`, `{"a":[]}`, `{"a":{}}`,
		`{"s":"plain","e":"a\"b\\c\/d\b\f\n\r\t","u":"\u00e9\u2028x","pair":"\ud83d\ude00","lone":"\ud83d-","bad":"\udc00"}`,
		`{"i":0,"n":-1,"big":9223372036854775807,"over":9223372036854775808,"neg":-9223372036854775808,"f":1.5,"e":1e3,"z":-0,"small":255,"mid":256,"x18":123456789012345678}`,
		`{"t":true,"f":false,"n":null,"nested":{"a":[1,"two",{"three":[3.0]},null,[]]}}`,
		` { "sp" : [ 1 , 2 ] , "k" : "v" } `,
		`{"dup":1,"dup":2}`,
		`{"utf8":"héllo wörld ✓","invalid":"` + "\xff\xfe" + `"}`,
	}
	for _, in := range inputs {
		var want Object
		require.NoError(t, decodeIter([]byte(in), &want), in)
		var got Object
		require.NoError(t, decodeOwned(&got, []byte(in)), in)
		assert.Equal(t, want, got, in)
	}
}

func TestByteDecoderErrors(t *testing.T) {
	for _, in := range []string{
		``, `{`, `[]`, `"s"`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":[1,]}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`,
		`{"a":1e}`, `{"a":tru}`, `{"a":"x`, `{"a":"\q"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}", `{} x`, `{"a":1}}`,
		`{"a":1x}`, `{a:1}`, `{"a":[1 2]}`, `{"a":1 "b":2}`,
	} {
		var o Object
		err := decodeOwned(&o, []byte(in))
		var se *metav1.SyntaxError
		assert.ErrorAs(t, err, &se, "%q", in)
	}
	deep := bytes.Repeat([]byte(`{"a":`), maxDepth+1)
	var o Object
	assert.ErrorContains(t, decodeOwned(&o, deep), "nested too deeply")
}

func TestByteDecoderBoxedValues(t *testing.T) {
	var o Object
	require.NoError(t, decodeOwned(&o, []byte(`{"s":"x","n":1000,"m":-5,"f":0.5}`)))
	assert.Equal(t, "x", o["s"])
	assert.Equal(t, int64(1000), o["n"])
	assert.Equal(t, int64(-5), o["m"])
	assert.Equal(t, 0.5, o["f"])
	assert.True(t, o["s"] == any("x"), "boxed strings compare as strings")
	_, isInt := o["n"].(int64)
	assert.True(t, isInt)
	assert.Equal(t, `{"f":0.5,"m":-5,"n":1000,"s":"x"}`, fmt.Sprint(mustMarshal(t, o)))
	_ = math.MaxInt64
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := codec.API.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// Large lists are decoded in parallel; the result must equal the
// sequential decoder's, items' kinds filled in.
func TestListDecodeOwnedMatchesIterator(t *testing.T) {
	for _, n := range []int{0, 1, 20, 400} {
		data := podListJSON(n)
		var want List
		require.NoError(t, decodeIter(data, &want))
		var got List
		require.NoError(t, decodeOwned(&got, bytes.Clone(data)))
		assert.Equal(t, want.Header, got.Header, n)
		require.Len(t, got.Items, n)
		for i := range want.Items {
			require.Equal(t, want.Items[i], got.Items[i], "item %d of %d", i, n)
		}
	}
	var l List
	require.NoError(t, decodeOwned(&l, []byte(`{"kind":"PodList","apiVersion":"v1","items":null}`)))
	assert.Nil(t, l.Items)
	assert.Error(t, decodeOwned(&l, []byte(`{"items":{}}`)))
	assert.Error(t, decodeOwned(&l, []byte(`{"items":[1]}`)))
	assert.Error(t, decodeOwned(&l, append(podListJSON(400), 'x')))
}

// Streaming through a window gives the same list, whatever the reads.
func TestListDecodeFromReaderMatchesIterator(t *testing.T) {
	for _, n := range []int{0, 1, 30, 200} {
		data := podListJSON(n)
		var want List
		require.NoError(t, decodeIter(data, &want))
		for name, r := range map[string]io.Reader{
			"whole": bytes.NewReader(data), "one byte": iotest.OneByteReader(bytes.NewReader(data)),
			"halves": iotest.HalfReader(bytes.NewReader(data)),
		} {
			var got List
			require.NoError(t, got.DecodeJSONFrom(r), "%s %d", name, n)
			assert.Equal(t, want.Header, got.Header, "%s %d", name, n)
			require.Equal(t, want.Items, got.Items, "%s %d", name, n)
		}
	}
	big := `{"kind":"ConfigMapList","apiVersion":"v1","items":[{"data":{"k":"` + strings.Repeat("x", 1<<20) + `"}}],"metadata":{"resourceVersion":"5"}}`
	var l List
	require.NoError(t, l.DecodeJSONFrom(iotest.HalfReader(strings.NewReader(big))))
	assert.Len(t, l.Items[0]["data"].(map[string]any)["k"], 1<<20)
	assert.Equal(t, "ConfigMap", l.Items[0].GetKind(), "kinds filled in")
	assert.Equal(t, "5", l.Header["metadata"].(map[string]any)["resourceVersion"])

	for _, in := range []string{``, `[]`, `{"items":{}}`, `{"items":[1]}`, `{"items":[{}`, `{"a":1} x`, `{"a":}`, `{"a" 1}`, `{"items":[{},]}`, `{"a":1,}`} {
		var l List
		assert.Error(t, l.DecodeJSONFrom(strings.NewReader(in)), in)
	}
	var nl List
	require.NoError(t, nl.DecodeJSONFrom(strings.NewReader(`{"items":null,"kind":"PodList"}`)))
	assert.Nil(t, nl.Items)
	r := iotest.ErrReader(errors.New("boom"))
	assert.ErrorContains(t, nl.DecodeJSONFrom(r), "boom")
}

// decodeIter decodes data with v's iterator decoder (DecodeJSON), the
// reference the byte decoders are compared with.
func decodeIter(data []byte, v interface{ DecodeJSON(*jsoniter.Iterator) }) error {
	it := codec.API.BorrowIterator(data)
	defer codec.API.ReturnIterator(it)
	v.DecodeJSON(it)
	if it.Error != nil && it.Error != io.EOF {
		return it.Error
	}
	return nil
}

// decodeOwned decodes data through the one decode path, handing it over.
func decodeOwned(v codec.JSONDecoder, data []byte) error {
	return codec.DecodeBody(data, "", v, codec.Owned)
}
