//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/protowire"
	"github.com/kubewire/kubewire/internal/testenv"
)

const metaProtoCRD = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"metaprotos.itest.kubewire.io"},
"spec":{"group":"itest.kubewire.io","scope":"Namespaced","names":{"plural":"metaprotos","singular":"metaproto","kind":"MetaProto"},
"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"}}}}}}}]}}`

// The Accept headers of client-go's (and kubewire's) metadata client.
const (
	metaProtoObject = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
	metaProtoList   = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
)

// metaTarget is one server the metadata requests go to.
type metaTarget struct {
	name, server, token string
	hc                  *http.Client
}

func (m metaTarget) do(ctx context.Context, t *testing.T, method, path, accept, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, m.server+path, strings.NewReader(body))
	require.NoError(t, err)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if m.token != "" {
		req.Header.Set("Authorization", "Bearer "+m.token)
	}
	resp, err := m.hc.Do(req)
	require.NoError(t, err)
	return resp
}

// TestMetadataProtobufAgrees sends the same PartialObjectMetadata requests
// in protobuf to kube-apiserver and to the fake, for ConfigMaps and a
// custom resource: gets, lists, watches and their errors, and compares
// status, content type, envelope and the decoded metadata.
func TestMetadataProtobufAgrees(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	const ns = "kw-metaproto"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(env.CAPEM))
	real := metaTarget{"real", env.Server, env.AdminToken, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	srv := fake.NewServer(t, fake.WithoutGarbageCollector())
	fk := metaTarget{"fake", srv.URL(), "", &http.Client{}}

	var crd map[string]any
	require.NoError(t, json.Unmarshal([]byte(metaProtoCRD), &crd))
	require.NoError(t, ignoreExistsErr(env.Do(ctx, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, nil)))
	resp := fk.do(ctx, t, "POST", "/api/v1/namespaces", "", `{"metadata":{"name":"`+ns+`"}}`)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)
	resp = fk.do(ctx, t, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "", metaProtoCRD)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)

	kinds := []struct{ base, body string }{
		{"/api/v1/namespaces/" + ns + "/configmaps", `{"metadata":{"name":"%s","labels":{"set":"meta"},"annotations":{"note":"n"}},"data":{"payload":"xxxx"}}`},
		{"/apis/itest.kubewire.io/v1/namespaces/" + ns + "/metaprotos", `{"apiVersion":"itest.kubewire.io/v1","kind":"MetaProto","metadata":{"name":"%s","labels":{"set":"meta"},"annotations":{"note":"n"}},"spec":{"size":3}}`},
	}
	for _, k := range kinds {
		for _, tg := range []metaTarget{real, fk} {
			for _, n := range []string{"m-0", "m-1", "m-2"} {
				require.Eventually(t, func() bool { // the real server serves a new CRD shortly after
					resp := tg.do(ctx, t, "POST", k.base, "", fmt.Sprintf(k.body, n))
					resp.Body.Close()
					return resp.StatusCode == 201 || resp.StatusCode == 409
				}, 30*time.Second, 200*time.Millisecond, "%s %s", tg.name, k.base)
			}
		}
	}

	// answer is what a request's answer is compared by.
	type answer struct {
		Code        int
		ContentType string
		Envelope    string
		Body        string
	}
	get := func(tg metaTarget, path, accept string) answer {
		resp := tg.do(ctx, t, "GET", path, accept, "")
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		a := answer{Code: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
		a.Envelope, a.Body = decodeMetaBody(t, b, a.ContentType)
		return a
	}
	for _, k := range kinds {
		for _, rq := range []struct{ path, accept string }{
			{k.base + "?labelSelector=set%3Dmeta", metaProtoList},
			{k.base + "?labelSelector=set%3Dmeta&limit=2", metaProtoList},
			{k.base + "/m-1", metaProtoObject},
			{k.base + "/m-1", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"},
			{k.base + "/missing", metaProtoObject},
			{k.base, metaProtoObject},
			{k.base + "/m-1", metaProtoList},
			{k.base + "/m-1", "application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1,application/json"},
			{k.base + "/m-1", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1"},
			{k.base + "?labelSelector=set%3Dmeta", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1"},
			{k.base + "/m-1", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1"},
			{k.base + "?labelSelector=set%3Dmeta", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1"},
		} {
			r, f := get(real, rq.path, rq.accept), get(fk, rq.path, rq.accept)
			assert.Equal(t, r, f, "GET %s Accept: %s", rq.path, rq.accept)
		}

		// Watches: from the list's resourceVersion, the next change comes
		// as a PartialObjectMetadata frame; asked as a list, the watch
		// ends with nothing written.
		watchFirst := func(tg metaTarget) answer {
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			lr := tg.do(ctx, t, "GET", k.base, "application/json", "")
			var lm struct {
				Metadata struct{ ResourceVersion string }
			}
			require.NoError(t, json.NewDecoder(lr.Body).Decode(&lm))
			lr.Body.Close()
			req, err := http.NewRequestWithContext(wctx, "GET", tg.server+k.base+"?watch=true&resourceVersion="+lm.Metadata.ResourceVersion, nil)
			require.NoError(t, err)
			req.Header.Set("Accept", metaProtoObject)
			if tg.token != "" {
				req.Header.Set("Authorization", "Bearer "+tg.token)
			}
			resp, err := tg.hc.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			req2, _ := http.NewRequestWithContext(ctx, "PATCH", tg.server+k.base+"/m-2", strings.NewReader(`{"metadata":{"labels":{"touched":"yes"}}}`))
			req2.Header.Set("Content-Type", "application/merge-patch+json")
			if tg.token != "" {
				req2.Header.Set("Authorization", "Bearer "+tg.token)
			}
			pr, err := tg.hc.Do(req2)
			require.NoError(t, err)
			pr.Body.Close()
			require.Equal(t, 200, pr.StatusCode)
			br := bufio.NewReader(resp.Body)
			var l [4]byte
			_, err = io.ReadFull(br, l[:])
			require.NoError(t, err, tg.name)
			frame := make([]byte, binary.BigEndian.Uint32(l[:]))
			_, err = io.ReadFull(br, frame)
			require.NoError(t, err)
			ev, err := protowire.DecodeWatchEvent(frame)
			require.NoError(t, err)
			a := answer{Code: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
			a.Envelope, a.Body = decodeMetaBody(t, ev.Object, "application/vnd.kubernetes.protobuf")
			a.Envelope = ev.Type + " " + a.Envelope
			return a
		}
		r, f := watchFirst(real), watchFirst(fk)
		assert.Equal(t, r, f, "watch %s", k.base)
		assert.Contains(t, r.Body, `"touched": "yes"`)

		asList := func(tg metaTarget) answer {
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(wctx, "GET", tg.server+k.base+"?watch=true&resourceVersion=0", nil)
			require.NoError(t, err)
			req.Header.Set("Accept", metaProtoList)
			if tg.token != "" {
				req.Header.Set("Authorization", "Bearer "+tg.token)
			}
			resp, err := tg.hc.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			return answer{Code: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: string(b)}
		}
		r, f = asList(real), asList(fk)
		assert.Equal(t, r, f, "watch %s asked as a list", k.base)
	}
}

func ignoreExistsErr(code int, err error) error {
	if code == http.StatusConflict {
		return nil
	}
	return err
}

// decodeMetaBody returns a protobuf body's envelope ("apiVersion kind") and
// its PartialObjectMetadata(List) as normalised JSON (uids, times,
// resourceVersions and continue tokens blanked), or a JSON body as it is
// after the same normalisation.
func decodeMetaBody(t *testing.T, b []byte, contentType string) (string, string) {
	t.Helper()
	var v any
	envelope := ""
	if strings.HasPrefix(contentType, "application/vnd.kubernetes.protobuf") {
		env, err := protowire.Unwrap(b)
		require.NoError(t, err)
		envelope = env.APIVersion + " " + env.Kind
		switch {
		case env.Kind == "PartialObjectMetadataList" && env.APIVersion == "meta.k8s.io/v1beta1":
			// v1beta1 numbers the list's fields the other way round:
			// items 1, metadata 2.
			l := metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: env.APIVersion, Kind: env.Kind}}
			d := protowire.NewDecoder(env.Raw)
			for d.Next() {
				switch d.Num() {
				case 1:
					var p metav1.PartialObjectMetadata
					require.NoError(t, p.UnmarshalProto(d.Message()))
					l.Items = append(l.Items, p)
				case 2:
					metav1.ListMetaDecodeProto(protowire.NewDecoder(d.Message()), &l.ListMeta)
				default:
					d.Skip()
				}
			}
			require.NoError(t, d.Err())
			v = &l
		case env.Kind == "PartialObjectMetadataList":
			var l metav1.PartialObjectMetadataList
			require.NoError(t, codec.DecodeBody(b, contentType, &l, codec.Detached))
			v = &l
		case env.Kind == "PartialObjectMetadata":
			var p metav1.PartialObjectMetadata
			require.NoError(t, codec.DecodeBody(b, contentType, &p, codec.Detached))
			v = &p
		default:
			return envelope, fmt.Sprintf("%q", b)
		}
		jb, err := codec.Marshal(v)
		require.NoError(t, err)
		b = jb
	}
	var m any
	if json.Unmarshal(b, &m) != nil {
		return envelope, string(b)
	}
	blankMeta(m)
	out, _ := json.MarshalIndent(m, "", "  ")
	return envelope, string(bytes.TrimSpace(out))
}

// blankMeta replaces, anywhere in v, what differs from server to server.
func blankMeta(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			switch k {
			case "uid", "resourceVersion", "creationTimestamp", "time", "continue":
				if s, ok := x.(string); ok && s != "" {
					t[k] = "<" + k + ">"
				}
			default:
				blankMeta(x)
			}
		}
	case []any:
		for _, x := range t {
			blankMeta(x)
		}
	}
}
