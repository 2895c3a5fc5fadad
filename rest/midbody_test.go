package rest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

// fullBody is the answer the cut-off responses promise.
var fullBody = `{"kind":"ConfigMap","metadata":{"name":"cm"},"data":{"k":"` + strings.Repeat("v", 4096) + `"}}`

// cutBody answers 200 with a Content-Length for the whole body, sends half
// of it and drops the connection: a connection lost mid-body.
func cutBody(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if !assert.NoError(t, err) {
			return
		}
		defer conn.Close()
		bw := bufio.NewWriter(conn)
		fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(fullBody))
		bw.WriteString(fullBody[:len(fullBody)/2])
		bw.Flush()
	}
}

func okFull(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, fullBody)
}

// midWire decodes through the JSON capability, taking the whole body.
type midWire struct{ object }

func (o *midWire) DecodeWire(r *jsonwire.Reader) {
	if err := json.Unmarshal(r.Whole(), &o.object); err != nil {
		r.FailWith(err)
	}
}

// Failed before the change: every read below failed with "decoding
// response: unexpected EOF" after one request.
func TestGetRetriedOnConnectionLostMidBody(t *testing.T) {
	f := setup(t)
	var n atomic.Int32
	f.handle("GET /api/v1/namespaces/ns/configmaps/cm", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 { // every first attempt is cut
			cutBody(t)(w, r)
			return
		}
		okFull(w, r)
	})
	get := func() *Request { return f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm") }
	ctx := testCtx(t)

	body, err := get().Do(ctx).Raw()
	require.NoError(t, err, "Do")
	assert.Equal(t, fullBody, string(body))

	var plain object
	require.NoError(t, get().Into(ctx, &plain), "Into, reflection decoder")
	assert.Equal(t, "cm", plain.Metadata.Name)
	assert.Len(t, plain.Data["k"], 4096)

	var ot midWire
	require.NoError(t, get().Into(ctx, &ot), "Into, whole-body decoder")
	assert.Len(t, ot.Data["k"], 4096)

	var dt midWire
	require.NoError(t, get().Into(ctx, codec.Target{V: &dt, Own: codec.Detached}), "Into, detached")
	assert.Len(t, dt.Data["k"], 4096)

	assert.Equal(t, int32(8), n.Load(), "two attempts per read")
	assert.Len(t, f.recordedWaits(), 4, "each retry waits a backoff")
}

// A partly decoded target is not left half-filled by the retry: the second
// attempt decodes into a cleared value.
func TestMidBodyRetryClearsTarget(t *testing.T) {
	f := setup(t)
	var n atomic.Int32
	f.handle("GET /api/v1/namespaces/ns/configmaps/cm", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			cutBody(t)(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"kind":"ConfigMap","metadata":{"name":"cm"}}`)
	})
	var obj object
	require.NoError(t, f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm").Into(testCtx(t), &obj))
	assert.Nil(t, obj.Data, "data from the cut attempt")
}

func TestWritesNotRetriedOnConnectionLostMidBody(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			f := setup(t)
			var n atomic.Int32
			f.handle(method+" /api/v1/namespaces/ns/configmaps/", func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				cutBody(t)(w, r)
			})
			r := f.client.Verb(method).Version("v1").Namespace("ns").Resource("configmaps").Name("cm")
			if method == http.MethodPatch {
				r = f.client.Patch(MergePatch).Version("v1").Namespace("ns").Resource("configmaps").Name("cm")
			}
			r = r.BodyBytes([]byte(`{"data":{"a":"b"}}`), "application/json")
			var obj object
			err := r.Into(testCtx(t), &obj)
			var de *DecodeError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Equal(t, int32(1), n.Load(), "a write is never sent twice")
			assert.Empty(t, f.recordedWaits())
		})
	}
}

func TestMidBodyRetryWithinBudget(t *testing.T) {
	f := setup(t, WithMaxRetries(2))
	var n atomic.Int32
	f.handle("GET /api/v1/namespaces/ns/configmaps/cm", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		cutBody(t)(w, r)
	})
	err := f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm").Do(testCtx(t)).Err()
	var de *DecodeError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, int32(3), n.Load(), "one attempt and two retries")
}

// A 500 retried before a cut body counts against the same budget.
func TestMidBodyRetrySharesBudgetWithStatusRetries(t *testing.T) {
	f := setup(t, WithMaxRetries(2))
	var n atomic.Int32
	f.handle("GET /api/v1/namespaces/ns/configmaps/cm", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			internalError(t, "boom")(w, r)
			return
		}
		cutBody(t)(w, r)
	})
	err := f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm").Do(testCtx(t)).Err()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, int32(3), n.Load())
}
