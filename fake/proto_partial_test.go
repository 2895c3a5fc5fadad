package fake

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/protowire"
)

// What client-go's and kubewire's metadata clients send.
const (
	acceptMetaProto     = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
	acceptMetaListProto = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
	acceptMetaJSON      = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
	acceptMetaListJSON  = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
)

const widgetCRD = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.ex.com"},
"spec":{"group":"ex.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},
"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}`

func getWith(t *testing.T, srv *Server, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL()+path, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// PartialObjectMetadata(List) asked in protobuf is answered in protobuf,
// for built-in kinds and custom resources alike, and decodes to what the
// JSON answer does; errors stay JSON, as the real server writes them.
func TestPartialObjectMetadataProtobuf(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ctJSON, widgetCRD).code)
	for _, n := range []string{"a", "b"} {
		r := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON,
			`{"metadata":{"name":"`+n+`","labels":{"set":"m"},"annotations":{"x":"y"}},"data":{"k":"v"}}`)
		require.Equal(t, 201, r.code, r.raw)
		r = call(t, srv, "POST", "/apis/ex.com/v1/namespaces/default/widgets", ctJSON,
			`{"apiVersion":"ex.com/v1","kind":"Widget","metadata":{"name":"`+n+`","labels":{"set":"m"},"annotations":{"x":"y"}},"spec":{"size":1}}`)
		require.Equal(t, 201, r.code, r.raw)
	}
	for _, base := range []string{"/api/v1/namespaces/default/configmaps", "/apis/ex.com/v1/namespaces/default/widgets"} {
		resp, body := getWith(t, srv, base+"?labelSelector=set%3Dm", acceptMetaListProto)
		require.Equal(t, 200, resp.StatusCode, string(body))
		require.Equal(t, protoType, resp.Header.Get("Content-Type"), base)
		env, err := protowire.Unwrap(body)
		require.NoError(t, err)
		assert.Equal(t, protowire.Envelope{APIVersion: "meta.k8s.io/v1", Kind: "PartialObjectMetadataList", Raw: env.Raw}, env)
		var fromProto, fromJSON metav1.PartialObjectMetadataList
		require.NoError(t, codec.DecodeBody(body, protoType, &fromProto, codec.Detached))
		_, jb := getWith(t, srv, base+"?labelSelector=set%3Dm", acceptMetaListJSON)
		require.NoError(t, codec.Unmarshal(jb, &fromJSON))
		require.Len(t, fromProto.Items, 2)
		assert.NotEmpty(t, fromProto.Items[0].ManagedFields)
		assert.Equal(t, fromJSON, fromProto, base)

		resp, body = getWith(t, srv, base+"/a", acceptMetaProto)
		require.Equal(t, protoType, resp.Header.Get("Content-Type"), base)
		env, err = protowire.Unwrap(body)
		require.NoError(t, err)
		assert.Equal(t, "PartialObjectMetadata", env.Kind)
		var one, oneJSON metav1.PartialObjectMetadata
		require.NoError(t, codec.DecodeBody(body, protoType, &one, codec.Detached))
		_, jb = getWith(t, srv, base+"/a", acceptMetaJSON)
		require.NoError(t, codec.Unmarshal(jb, &oneJSON))
		assert.Equal(t, oneJSON, one)
		assert.Equal(t, "y", one.Annotations["x"], base)

		// Errors and refused transformations are JSON Status.
		resp, body = getWith(t, srv, base+"/missing", acceptMetaProto)
		assert.Equal(t, 404, resp.StatusCode)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), string(body))
		resp, body = getWith(t, srv, base, acceptMetaProto)
		assert.Equal(t, 406, resp.StatusCode)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), string(body))
		typ := map[bool]string{true: "*core.ConfigMapList", false: "*unstructured.UnstructuredList"}[base == "/api/v1/namespaces/default/configmaps"]
		assert.Contains(t, string(body), `"you requested PartialObjectMetadata, but the requested object is a list (`+typ+`)"`)
		resp, body = getWith(t, srv, base+"/a", acceptMetaListProto)
		if base == "/api/v1/namespaces/default/configmaps" {
			assert.Equal(t, 406, resp.StatusCode)
			assert.Contains(t, string(body), `"you requested PartialObjectMetadataList, but the requested object is not a list (*core.ConfigMap)"`)
		} else {
			// kube-apiserver's Unstructured is not a list: a 500.
			assert.Equal(t, 500, resp.StatusCode)
			assert.Contains(t, string(body), `"message":"content is not a list"`)
		}
	}
	// Table is not served in protobuf (JSON comes next, or 406).
	resp, _ := getWith(t, srv, "/api/v1/namespaces/default/configmaps/a", "application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1")
	assert.Equal(t, 406, resp.StatusCode)
}

// A watch asked as PartialObjectMetadata in protobuf streams protobuf
// frames whose objects, bookmarks included, are PartialObjectMetadata.
func TestPartialObjectMetadataProtobufWatch(t *testing.T) {
	srv := NewServer(t, WithBookmarkInterval(20*time.Millisecond))
	require.Equal(t, 201, call(t, srv, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ctJSON, widgetCRD).code)
	for _, base := range []string{"/api/v1/namespaces/default/configmaps", "/apis/ex.com/v1/namespaces/default/widgets"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, err := http.NewRequestWithContext(ctx, "GET", srv.URL()+base+"?watch=true&allowWatchBookmarks=true", nil)
		require.NoError(t, err)
		req.Header.Set("Accept", acceptMetaProto)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		assert.Equal(t, protoWatchType, resp.Header.Get("Content-Type"))
		body := `{"metadata":{"name":"w1","labels":{"l":"1"}},"data":{"k":"v"}}`
		if base != "/api/v1/namespaces/default/configmaps" {
			body = `{"apiVersion":"ex.com/v1","kind":"Widget","metadata":{"name":"w1","labels":{"l":"1"}},"spec":{"size":1}}`
		}
		require.Equal(t, 201, call(t, srv, "POST", base, ctJSON, body).code)
		br := bufio.NewReader(resp.Body)
		seen := map[string]bool{}
		for !seen["ADDED"] || !seen["BOOKMARK"] {
			var l [4]byte
			_, err := io.ReadFull(br, l[:])
			require.NoError(t, err, base)
			frame := make([]byte, binary.BigEndian.Uint32(l[:]))
			_, err = io.ReadFull(br, frame)
			require.NoError(t, err)
			ev, err := protowire.DecodeWatchEvent(frame)
			require.NoError(t, err)
			env, err := protowire.Unwrap(ev.Object)
			require.NoError(t, err)
			assert.Equal(t, "PartialObjectMetadata", env.Kind, ev.Type)
			var p metav1.PartialObjectMetadata
			require.NoError(t, codec.DecodeBody(ev.Object, protoType, &p, codec.Detached))
			if ev.Type == "ADDED" {
				assert.Equal(t, "w1", p.Name)
				assert.Equal(t, "1", p.Labels["l"])
			}
			assert.NotEmpty(t, p.ResourceVersion)
			seen[ev.Type] = true
		}
		resp.Body.Close()
		cancel()
	}
}

// meta.k8s.io/v1beta1 is served too, in JSON and protobuf; its list
// message numbers items 1 and metadata 2, the other way round from v1.
func TestPartialObjectMetadataV1beta1(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ctJSON, widgetCRD).code)
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"a"}}`).code)
	require.Equal(t, 201, call(t, srv, "POST", "/apis/ex.com/v1/namespaces/default/widgets", ctJSON, `{"apiVersion":"ex.com/v1","kind":"Widget","metadata":{"name":"a"}}`).code)

	r := call(t, srv, "GET", "/api/v1/namespaces/default/configmaps/a", "", "", "Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1")
	assert.Equal(t, "meta.k8s.io/v1beta1", r.str("apiVersion"))
	r = call(t, srv, "GET", "/apis/ex.com/v1/namespaces/default/widgets", "", "", "Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1")
	assert.Equal(t, "meta.k8s.io/v1beta1", r.str("apiVersion"))
	assert.Equal(t, "meta.k8s.io/v1beta1", r.str("items", "0", "apiVersion"))
	assert.NotContains(t, r.raw, `"continue"`, "a typed ListMeta omits the empty token")

	resp, body := getWith(t, srv, "/api/v1/namespaces/default/configmaps", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1")
	require.Equal(t, protoType, resp.Header.Get("Content-Type"))
	env, err := protowire.Unwrap(body)
	require.NoError(t, err)
	assert.Equal(t, "meta.k8s.io/v1beta1", env.APIVersion)
	d := protowire.NewDecoder(env.Raw)
	var names []string
	metas := 0
	for d.Next() {
		switch d.Num() {
		case 1:
			var p metav1.PartialObjectMetadata
			require.NoError(t, p.UnmarshalProto(d.Message()))
			names = append(names, p.Name)
		case 2:
			var lm metav1.ListMeta
			metav1.ListMetaDecodeProto(protowire.NewDecoder(d.Message()), &lm)
			assert.NotEmpty(t, lm.ResourceVersion)
			metas++
		default:
			d.Skip()
		}
	}
	require.NoError(t, d.Err())
	assert.Equal(t, []string{"a"}, names)
	assert.Equal(t, 1, metas)

	resp, body = getWith(t, srv, "/apis/ex.com/v1/namespaces/default/widgets/a", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1")
	require.Equal(t, protoType, resp.Header.Get("Content-Type"))
	var one metav1.PartialObjectMetadata
	require.NoError(t, codec.DecodeBody(body, protoType, &one, codec.Detached))
	assert.Equal(t, "a", one.Name)
	assert.Equal(t, "meta.k8s.io/v1beta1", one.APIVersion)
}
