package fake

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Content negotiation and protobuf bodies, as the real server answers.
func TestProtobufNegotiation(t *testing.T) {
	srv := NewServer(t)
	do := func(method, path, accept, ct string, body []byte) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL()+path, bytes.NewReader(body))
		require.NoError(t, err)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	const ns = "/api/v1/namespaces/default"
	assert.Equal(t, protoType, do("GET", ns, protoType+", application/json", "", nil).Header.Get("Content-Type"))
	assert.Equal(t, "application/json", do("GET", ns, "application/json, "+protoType, "", nil).Header.Get("Content-Type"), "the client's order")
	assert.Equal(t, http.StatusNotAcceptable, do("GET", ns, "application/yaml", "", nil).StatusCode)
	nf := do("GET", ns+"/configmaps/missing", protoType, "", nil)
	assert.Equal(t, http.StatusNotFound, nf.StatusCode)
	assert.Equal(t, protoType, nf.Header.Get("Content-Type"), "a Status in protobuf")

	assert.Equal(t, http.StatusBadRequest, do("POST", ns+"/configmaps", "", protoType, []byte("k8s\x00\x0a\xff")).StatusCode, "a malformed body")
	assert.Equal(t, http.StatusUnsupportedMediaType, do("PATCH", ns, "", protoType, []byte("k8s\x00")).StatusCode, "patches are JSON")
}
