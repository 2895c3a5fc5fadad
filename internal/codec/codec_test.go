package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/jsonwire"
)

// target records what DecodeBody handed it.
type target struct {
	owned bool
	data  []byte
}

func (x *target) DecodeWire(r *jsonwire.Reader) { x.owned, x.data = r.Owned(), r.Value() }

// DecodeBody hands the capability the body itself only when it is Owned;
// Borrowed gives it a copy it owns, Detached the caller's bytes marked
// as not owned.
func TestDecodeBodyOwnership(t *testing.T) {
	body := []byte(`{"a":1}`)
	for own, want := range map[Ownership]struct{ owned, same bool }{
		Owned: {true, true}, Borrowed: {true, false}, Detached: {false, true},
	} {
		var x target
		require.NoError(t, DecodeBody(body, "application/json", &x, own))
		assert.Equal(t, `{"a":1}`, string(x.data))
		assert.Equal(t, want.owned, x.owned, own)
		assert.Equal(t, want.same, &x.data[0] == &body[0], own)
	}

	var plain struct{ A int }
	require.NoError(t, Unmarshal([]byte(`{"A":2}`), &plain))
	assert.Equal(t, 2, plain.A)
	assert.Error(t, Unmarshal([]byte(`{"A":`), &plain))

	var ce *ContentTypeError
	require.ErrorAs(t, DecodeBody(body, "text/html", &plain, Owned), &ce)
	assert.Equal(t, "text/html", ce.ContentType)
	require.NoError(t, DecodeBody(body, "application/merge-patch+json", &x0, Owned))
	assert.Error(t, DecodeBody([]byte(`{"a":1} x`), "", &target{}, Owned), "bytes after the value")
}

var x0 target

func TestFormatOf(t *testing.T) {
	for ct, want := range map[string]Format{"": JSON, "application/json": JSON, "application/json; charset=utf-8": JSON,
		"application/apply-patch+yaml": 0, "text/plain": 0, ";;": 0,
		"application/vnd.kubernetes.protobuf": Protobuf, "application/vnd.kubernetes.protobuf;stream=watch": Protobuf} {
		f, ok := FormatOf(ct)
		assert.Equal(t, want, f, ct)
		assert.Equal(t, want != 0, ok, ct)
	}
}
