package rest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

func TestDoAndInto(t *testing.T) {
	f := setup(t)
	f.handle("GET /api/v1/namespaces/ns/configmaps/cm", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, object{Kind: "ConfigMap", Metadata: objectMeta{Name: "cm", Namespace: "ns"}, Data: map[string]string{"k": "v"}})
	})
	f.handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok")
	})
	ctx := testCtx(t)
	cm := func() *Request { return f.client.Get().Version("v1").Namespace("ns").Resource("configmaps").Name("cm") }

	var got object
	require.NoError(t, cm().Into(ctx, &got))
	assert.Equal(t, "cm", got.Metadata.Name)
	assert.Equal(t, "v", got.Data["k"])

	res := cm().Do(ctx)
	require.NoError(t, res.Err())
	assert.Equal(t, http.StatusOK, res.StatusCode())
	assert.Equal(t, "application/json", res.Header().Get("Content-Type"))
	var got2 object
	require.NoError(t, res.Into(&got2))
	assert.Equal(t, got, got2)

	raw, err := f.client.Get().AbsPath("/healthz").Do(ctx).Raw()
	require.NoError(t, err)
	assert.Equal(t, "ok", string(raw), "Raw does not care about the content type")
}

func TestDecodeErrors(t *testing.T) {
	f := setup(t, WithMaxRetries(0))
	f.handle("GET /html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html>login page</html>")
	})
	f.handle("GET /truncated", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"kind":"ConfigMap","metadata":{"name":"cm","namespace":"n`)
	})
	f.handle("GET /secretjunk", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"kind":"Secret","data":{"password":c2VjcmV0LXZhbHVl}}`)
	})
	f.handle("GET /midbody", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		io.WriteString(w, `{"kind":"ConfigMap","data":{"k":"`)
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	ctx := testCtx(t)

	var obj object
	err := f.client.Get().AbsPath("/html").Into(ctx, &obj)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "text/html; charset=utf-8", de.ContentType)
	assert.Equal(t, http.MethodGet, de.Method)
	assert.Contains(t, err.Error(), "text/html")
	res := f.client.Get().AbsPath("/html").Do(ctx)
	require.NoError(t, res.Err())
	require.ErrorAs(t, res.Into(&obj), &de)

	err = f.client.Get().AbsPath("/truncated").Into(ctx, &obj)
	require.ErrorAs(t, err, &de)
	assert.Empty(t, de.ContentType)
	require.ErrorAs(t, f.client.Get().AbsPath("/truncated").Do(ctx).Into(&obj), &de)

	err = f.client.Get().AbsPath("/secretjunk").Into(ctx, &obj)
	require.ErrorAs(t, err, &de)
	assert.NotContains(t, err.Error(), "c2VjcmV0", "decode errors do not quote the body")

	err = f.client.Get().AbsPath("/midbody").Into(ctx, &obj)
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	_, err = f.client.Get().AbsPath("/midbody").Do(ctx).Raw()
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func gzipped(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	require.NoError(t, err)
	io.WriteString(zw, `{"kind":"List","items":[`)
	chunk := bytes.Repeat([]byte(" "), 64<<10)
	for ; n > 0; n -= len(chunk) {
		zw.Write(chunk[:min(n, len(chunk))])
	}
	io.WriteString(zw, `]}`)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestGzipBomb(t *testing.T) {
	const limit = 1 << 20
	var mu sync.Mutex
	var acceptEncodings []string
	f := setup(t, WithMaxResponseBytes(limit), WithMaxRetries(0))
	bomb := gzipped(t, 16<<20)
	require.Less(t, len(bomb), 32<<10, "the compressed body is small")
	small := gzipped(t, limit-100)
	serve := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			acceptEncodings = append(acceptEncodings, r.Header.Get("Accept-Encoding"))
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(body)
		}
	}
	f.handle("GET /api/v1/pods", serve(bomb))
	f.handle("GET /api/v1/nodes", serve(small))
	ctx := testCtx(t)

	var tooLarge *ResponseTooLargeError
	_, err := f.client.Get().Version("v1").Resource("pods").Do(ctx).Raw()
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, int64(limit), tooLarge.Limit)
	var v map[string]any
	require.ErrorAs(t, f.client.Get().Version("v1").Resource("pods").Into(ctx, &v), &tooLarge)

	// Just under the limit passes.
	require.NoError(t, f.client.Get().Version("v1").Resource("nodes").Into(ctx, &v))
	raw, err := f.client.Get().Version("v1").Resource("nodes").Do(ctx).Raw()
	require.NoError(t, err)
	assert.Len(t, raw, limit-100+len(`{"kind":"List","items":[]}`))

	// A wrapper that asks for gzip itself gets a body Go does not
	// decompress: the client decompresses it, and the cap still holds.
	f2 := setup(t, WithMaxResponseBytes(limit), WithMaxRetries(0), WithWrapper(func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set("Accept-Encoding", "gzip")
			return next.RoundTrip(r)
		})
	}))
	f2.handle("GET /api/v1/pods", serve(bomb))
	f2.handle("GET /api/v1/nodes", serve(small))
	_, err = f2.client.Get().Version("v1").Resource("pods").Do(ctx).Raw()
	require.ErrorAs(t, err, &tooLarge)
	require.ErrorAs(t, f2.client.Get().Version("v1").Resource("pods").Into(ctx, &v), &tooLarge)
	require.NoError(t, f2.client.Get().Version("v1").Resource("nodes").Into(ctx, &v))
	assert.Equal(t, "List", v["kind"])
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, acceptEncodings, "gzip")
}

func TestResponseTooLargePlain(t *testing.T) {
	f := setup(t, WithMaxResponseBytes(100))
	f.handle("GET /version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"gitVersion":"`+strings.Repeat("x", 200)+`"}`)
	})
	var tooLarge *ResponseTooLargeError
	_, err := f.client.Get().AbsPath("/version").Do(testCtx(t)).Raw()
	require.ErrorAs(t, err, &tooLarge)
	assert.Contains(t, err.Error(), "/version")
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestWarnings(t *testing.T) {
	var mu sync.Mutex
	var handled []Warning
	f := setup(t, WithWarningHandler(func(w Warning) {
		mu.Lock()
		handled = append(handled, w)
		mu.Unlock()
	}))
	f.handle("GET /apis/policy/v1beta1/podsecuritypolicies", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Warning", `299 - "policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+"`)
		w.Header().Add("Warning", `299 - "unknown field \"spec.foo\"", 299 - "second, with comma" "Sat, 01 Jan 2000 00:00:00 GMT"`)
		writeJSON(t, w, map[string]any{"kind": "List"})
	})
	req := func() *Request {
		return f.client.Get().Group("policy").Version("v1beta1").Resource("podsecuritypolicies")
	}
	res := req().Do(testCtx(t))
	require.NoError(t, res.Err())
	want := []Warning{
		{Code: 299, Agent: "-", Text: "policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+"},
		{Code: 299, Agent: "-", Text: `unknown field "spec.foo"`},
		{Code: 299, Agent: "-", Text: "second, with comma"},
	}
	assert.Equal(t, want, res.Warnings())
	var v map[string]any
	require.NoError(t, req().Into(testCtx(t), &v))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, append(want, want...), handled)
}

func TestParseWarnings(t *testing.T) {
	tests := []struct {
		in   string
		want []Warning
	}{
		{`299 - "a"`, []Warning{{299, "-", "a"}}},
		{`299 kube-apiserver "a", 199 - "b"`, []Warning{{299, "kube-apiserver", "a"}, {199, "-", "b"}}},
		{`299 - "unterminated`, nil},
		{`abc - "x"`, nil},
		{`299 - "ok", garbage`, []Warning{{299, "-", "ok"}}},
		{`299 - "ok" trailing`, []Warning{{299, "-", "ok"}}},
		{`299 - "esc \\ \"q\""`, []Warning{{299, "-", `esc \ "q"`}}},
		{``, nil},
		{`299`, nil},
		{`299 -`, nil},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Add("Warning", tt.in)
		assert.Equal(t, tt.want, parseWarnings(h), tt.in)
	}
}

func TestRedirectToOtherHostNotFollowed(t *testing.T) {
	var mu sync.Mutex
	var otherAuth []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		otherAuth = append(otherAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		writeJSON(t, w, map[string]string{"stolen": "yes"})
	}))
	t.Cleanup(other.Close)

	const token = "Bearer s3cret-token"
	f := setup(t, WithWrapper(func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", token) // as the auth transport does on every request
			return next.RoundTrip(r)
		})
	}))
	var sameHostAuth string
	f.handle("GET /api/v1/pods", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/api/v1/pods", http.StatusFound)
	})
	f.handle("POST /api/v1/namespaces/ns/pods", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	})
	f.handle("GET /old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusMovedPermanently)
	})
	f.handle("GET /new", func(w http.ResponseWriter, r *http.Request) {
		sameHostAuth = r.Header.Get("Authorization")
		writeJSON(t, w, map[string]string{"ok": "yes"})
	})
	ctx := testCtx(t)

	err := f.client.Get().Version("v1").Resource("pods").Do(ctx).Err()
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, int32(http.StatusFound), se.Status.Code)
	assert.NotContains(t, err.Error(), "s3cret")

	err = f.client.Post().Version("v1").Namespace("ns").Resource("pods").Body(map[string]string{"a": "b"}).Do(ctx).Err()
	require.ErrorAs(t, err, &se)
	assert.Equal(t, int32(http.StatusTemporaryRedirect), se.Status.Code)

	mu.Lock()
	assert.Empty(t, otherAuth, "the other host was never contacted")
	mu.Unlock()

	raw, err := f.client.Get().AbsPath("/old").Do(ctx).Raw()
	require.NoError(t, err, "a redirect on the same host is followed")
	assert.JSONEq(t, `{"ok":"yes"}`, string(raw))
	assert.Equal(t, token, sameHostAuth)
}

func TestStream(t *testing.T) {
	f := setup(t)
	next := make(chan struct{})
	f.handle("GET /api/v1/namespaces/ns/pods/web-0/log", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "true", r.URL.Query().Get("follow"))
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "line 1\n")
		w.(http.Flusher).Flush()
		select { // the second line only once the client has read the first
		case <-next:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "line 2\n")
	})
	f.handle("GET /api/v1/namespaces/ns/pods/gone/log", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(t, w, statusNotFound("pods", "gone"))
	})
	ctx := testCtx(t)
	logs := func(name string) *Request {
		return f.client.Get().Version("v1").Namespace("ns").Resource("pods").Name(name).SubResource("log").Param("follow", "true")
	}

	rc, err := logs("web-0").Stream(ctx)
	require.NoError(t, err)
	br := bufio.NewReader(rc)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "line 1\n", line)
	close(next)
	line, err = br.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "line 2\n", line)
	_, err = br.ReadString('\n')
	assert.ErrorIs(t, err, io.EOF)
	require.NoError(t, rc.Close())

	_, err = logs("gone").Stream(ctx)
	assert.True(t, IsNotFound(err))
	assert.Equal(t, `pods "gone" not found`, err.Error())
}

func TestStreamEndsWithContext(t *testing.T) {
	f := setup(t)
	f.handle("GET /api/v1/namespaces/ns/pods/web-0/log", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "line 1\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(testCtx(t))
	rc, err := f.client.Get().Version("v1").Namespace("ns").Resource("pods").Name("web-0").SubResource("log").Stream(ctx)
	require.NoError(t, err)
	defer rc.Close()
	buf := make([]byte, 7)
	_, err = io.ReadFull(rc, buf)
	require.NoError(t, err)
	cancel()
	_, err = rc.Read(buf)
	assert.ErrorIs(t, err, context.Canceled)
}

// Targets that take the whole body through the JSON capability, owned or
// detached, get the decompressed body, under the same cap and with the
// same errors as reflection.
type wholeTarget struct {
	got   []byte
	owned bool
}

func (o *wholeTarget) DecodeWire(r *jsonwire.Reader) {
	b := r.Whole()
	if !json.Valid(b) {
		r.FailWith(errors.New("invalid JSON"))
		return
	}
	o.owned = r.Owned()
	if !o.owned {
		b = bytes.Clone(b)
	}
	o.got = b
}

func TestIntoWholeBodyTargets(t *testing.T) {
	const limit = 1 << 20
	f := setup(t, WithMaxResponseBytes(limit), WithMaxRetries(0))
	bomb, small := gzipped(t, 16<<20), gzipped(t, limit-100)
	serve := func(body []byte, enc string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if enc != "" {
				w.Header().Set("Content-Encoding", enc)
			}
			w.Write(body)
		}
	}
	f.handle("GET /api/v1/pods", serve(bomb, "gzip"))
	f.handle("GET /api/v1/nodes", serve(small, "gzip"))
	f.handle("GET /api/v1/services", serve([]byte(`{"kind":`), ""))
	f.handle("GET /api/v1/secrets", serve([]byte(`{"kind":"List"}`), ""))
	ctx := testCtx(t)
	targets := map[string]func() (any, func() []byte){
		"owned": func() (any, func() []byte) { o := &wholeTarget{}; return o, func() []byte { return o.got } },
		"detached": func() (any, func() []byte) {
			o := &wholeTarget{}
			return codec.Target{V: o, Own: codec.Detached}, func() []byte { return o.got }
		},
	}
	for name, mk := range targets {
		v, got := mk()
		var tooLarge *ResponseTooLargeError
		require.ErrorAs(t, f.client.Get().Version("v1").Resource("pods").Into(ctx, v), &tooLarge, name)
		v, got = mk()
		require.NoError(t, f.client.Get().Version("v1").Resource("nodes").Into(ctx, v), name)
		assert.Len(t, got(), limit-100+len(`{"kind":"List","items":[]}`), name)
		v, _ = mk()
		var de *DecodeError
		require.ErrorAs(t, f.client.Get().Version("v1").Resource("services").Into(ctx, v), &de, name)
		v, got = mk()
		require.NoError(t, f.client.Get().Version("v1").Resource("secrets").Into(ctx, v), name)
		assert.Equal(t, `{"kind":"List"}`, string(got()), name)
	}
}
