package jsonwire

import (
	"strings"
	"testing"
	"unsafe"

	internpkg "github.com/kubewire/kubewire/internal/intern"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeStrings decodes a JSON array of strings with a detached Reader.
func decodeStrings(t *testing.T, data []byte) []string {
	t.Helper()
	var r Reader
	r.Reset(data)
	var out []string
	require.True(t, r.BeginArray())
	for r.NextElem() {
		out = append(out, r.String())
	}
	require.NoError(t, r.Finish("[]string"))
	return out
}

// A detached Reader copies strings, and shares the copies of short ones
// between values; long strings are copied every time.
func TestDetachedStringsAreSharedCopies(t *testing.T) {
	long := strings.Repeat("x", internpkg.MaxIntern+1)
	medium := "registry.example.com/team/app@sha256:" + strings.Repeat("0123456789abcdef", 4)
	in := []byte(`["kube-system","` + long + `","a\"b","` + medium + `"]`)
	a := decodeStrings(t, in)
	b := decodeStrings(t, append([]byte(nil), in...))
	copy(in, strings.Repeat("#", len(in)))
	assert.Equal(t, []string{"kube-system", long, `a"b`, medium}, a)
	assert.Equal(t, a, b)
	assert.Same(t, unsafe.StringData(a[0]), unsafe.StringData(b[0]), "short strings are shared")
	assert.Same(t, unsafe.StringData(a[2]), unsafe.StringData(b[2]), "unescaped strings too")
	assert.Same(t, unsafe.StringData(a[3]), unsafe.StringData(b[3]), "strings longer than maxShort too")
	assert.NotSame(t, unsafe.StringData(a[1]), unsafe.StringData(b[1]), "strings longer than internpkg.MaxIntern are copied")

	var keys []string
	for range 2 {
		var r Reader
		r.Reset([]byte(`{"node-1":""}`))
		require.True(t, r.BeginObject())
		k, ok := r.MapKey()
		require.True(t, ok)
		keys = append(keys, k)
	}
	assert.Same(t, unsafe.StringData(keys[0]), unsafe.StringData(keys[1]), "map keys too")
}

// A detached Reader shares raw values too, with no spare capacity, so that
// appending to one never writes into another.
func TestDetachedRawIsShared(t *testing.T) {
	in := []byte(`[{"f:metadata":{"f:labels":{}}},{"f:metadata":{"f:labels":{}}},` + `"` + strings.Repeat("y", internpkg.MaxShareRaw) + `"]`)
	var r Reader
	r.Reset(in)
	var raws [][]byte
	require.True(t, r.BeginArray())
	for r.NextElem() {
		raws = append(raws, r.Raw())
	}
	require.NoError(t, r.Finish("raw"))
	copy(in, strings.Repeat("#", len(in)))
	assert.Equal(t, `{"f:metadata":{"f:labels":{}}}`, string(raws[0]))
	assert.Same(t, &raws[0][0], &raws[1][0])
	assert.Equal(t, len(raws[0]), cap(raws[0]))
	grown := append(raws[0], '!')
	assert.NotSame(t, &raws[0][0], &grown[0])
	assert.Equal(t, `{"f:metadata":{"f:labels":{}}}`, string(raws[1]))
	assert.Len(t, raws[2], internpkg.MaxShareRaw+2)
}

// A detached Reader allocates optional scalars one by one, each its own.
func TestDetachedScalarPointers(t *testing.T) {
	var r Reader
	r.Reset([]byte(`[true,false,7,-8,1.5,null]`))
	require.True(t, r.BeginArray())
	require.True(t, r.NextElem())
	b1 := r.BoolPtr()
	require.True(t, r.NextElem())
	b2 := r.BoolPtr()
	require.True(t, r.NextElem())
	i32 := r.Int32Ptr()
	require.True(t, r.NextElem())
	i64 := r.Int64Ptr()
	require.True(t, r.NextElem())
	f := r.Float64Ptr()
	require.True(t, r.NextElem())
	assert.Nil(t, r.Int32Ptr())
	require.False(t, r.NextElem())
	require.NoError(t, r.Finish("scalars"))
	assert.True(t, *b1)
	assert.False(t, *b2)
	assert.Equal(t, int32(7), *i32)
	assert.Equal(t, int64(-8), *i64)
	assert.Equal(t, 1.5, *f)
}
