package rest

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

func newOffline(t *testing.T, server string, opts ...Option) *Client {
	t.Helper()
	c, err := New(&config.Config{Server: server}, append([]Option{WithTransport(http.DefaultTransport)}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestBuildURLShapes(t *testing.T) {
	c := newOffline(t, "https://k8s.example:6443")
	ns := "team-a"
	tests := []struct {
		name string
		req  *Request
		want string // escaped path and query
	}{
		{"core discovery", c.Get().Version("v1"), "/api/v1"},
		{"group discovery", c.Get().Group("apps").Version("v1"), "/apis/apps/v1"},
		{"core list all namespaces", c.Get().Version("v1").Resource("pods"), "/api/v1/pods"},
		{"core list in namespace", c.Get().Version("v1").Namespace(ns).Resource("pods"), "/api/v1/namespaces/team-a/pods"},
		{"empty namespace is all namespaces", c.Get().Version("v1").Namespace("").Resource("pods"), "/api/v1/pods"},
		{"core get", c.Get().Version("v1").Namespace(ns).Resource("pods").Name("web-0"), "/api/v1/namespaces/team-a/pods/web-0"},
		{"core subresource", c.Put().Version("v1").Namespace(ns).Resource("pods").Name("web-0").SubResource("status"), "/api/v1/namespaces/team-a/pods/web-0/status"},
		{"pod log", c.Get().Version("v1").Namespace(ns).Resource("pods").Name("web-0").SubResource("log").Param("follow", "true"), "/api/v1/namespaces/team-a/pods/web-0/log?follow=true"},
		{"cluster-scoped core", c.Get().Version("v1").Resource("nodes").Name("node-1"), "/api/v1/nodes/node-1"},
		{"namespace object", c.Delete().Version("v1").Resource("namespaces").Name("kube-system"), "/api/v1/namespaces/kube-system"},
		{"named group namespaced", c.Get().Group("apps").Version("v1").Namespace(ns).Resource("deployments").Name("web").SubResource("scale"), "/apis/apps/v1/namespaces/team-a/deployments/web/scale"},
		{"named group cluster-scoped", c.Get().Group("rbac.authorization.k8s.io").Version("v1").Resource("clusterroles").Name("system:aggregate-to-edit"), "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:aggregate-to-edit"},
		{"crd list", c.Get().Group("stable.example.com").Version("v1beta1").Namespace(ns).Resource("crontabs"), "/apis/stable.example.com/v1beta1/namespaces/team-a/crontabs"},
		{"service proxy root keeps trailing slash", c.Get().Version("v1").Namespace(ns).Resource("services").Name(ServiceProxyName("https", "echo", "8443")).SubResource("proxy").Suffix("/"), "/api/v1/namespaces/team-a/services/https:echo:8443/proxy/"},
		{"service proxy path", c.Get().Version("v1").Namespace(ns).Resource("services").Name(ServiceProxyName("", "echo", "http-metrics")).SubResource("proxy").Suffix("/metrics/v2"), "/api/v1/namespaces/team-a/services/echo:http-metrics/proxy/metrics/v2"},
		{"service proxy plain name", c.Get().Version("v1").Namespace(ns).Resource("services").Name(ServiceProxyName("", "echo", "")).SubResource("proxy").Suffix("a/", "b/"), "/api/v1/namespaces/team-a/services/echo/proxy/a/b/"},
		{"pod proxy with port", c.Get().Version("v1").Namespace(ns).Resource("pods").Name("web-0:8080").SubResource("proxy").Suffix("healthz"), "/api/v1/namespaces/team-a/pods/web-0:8080/proxy/healthz"},
		{"node proxy", c.Get().Version("v1").Resource("nodes").Name("node-1").SubResource("proxy").Suffix("metrics", "cadvisor"), "/api/v1/nodes/node-1/proxy/metrics/cadvisor"},
		{"suffix segments escaped", c.Get().Version("v1").Namespace(ns).Resource("services").Name("echo").SubResource("proxy").Suffix("a b/c?d#e;f"), "/api/v1/namespaces/team-a/services/echo/proxy/a%20b/c%3Fd%23e%3Bf"},
		{"name escaped", c.Get().Version("v1").Namespace(ns).Resource("configmaps").Name("a b?c#d"), "/api/v1/namespaces/team-a/configmaps/a%20b%3Fc%23d"},
		{"raw /api", c.Get().AbsPath("/api"), "/api"},
		{"raw /apis", c.Get().AbsPath("/apis"), "/apis"},
		{"raw /version", c.Get().AbsPath("/version"), "/version"},
		{"raw /healthz with param", c.Get().AbsPath("/healthz").Param("verbose", "1"), "/healthz?verbose=1"},
		{"raw segments", c.Get().AbsPath("/openapi", "v3"), "/openapi/v3"},
		{"raw multi-segment string", c.Get().AbsPath("/apis/apps/v1"), "/apis/apps/v1"},
		{"raw root", c.Get().AbsPath("/"), "/"},
		{"raw trailing slash", c.Get().AbsPath("/logs/"), "/logs/"},
		{"raw with suffix", c.Get().AbsPath("/livez").Suffix("etcd"), "/livez/etcd"},
		{"query parameters", c.Get().Version("v1").Resource("pods").
			LabelSelector("app=web,tier!=db").FieldSelector("spec.nodeName=node-1").Limit(500).
			Continue("tok/en=").ResourceVersion("123").ResourceVersionMatch("NotOlderThan").TimeoutSeconds(30),
			"/api/v1/pods?continue=tok%2Fen%3D&fieldSelector=spec.nodeName%3Dnode-1&labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=500&resourceVersion=123&resourceVersionMatch=NotOlderThan&timeoutSeconds=30"},
		{"write parameters", c.Patch(ApplyPatch).Group("apps").Version("v1").Namespace(ns).Resource("deployments").Name("web").
			DryRun(true).FieldManager("kubewire").Force(true),
			"/apis/apps/v1/namespaces/team-a/deployments/web?dryRun=All&fieldManager=kubewire&force=true"},
		{"delete parameters", c.Delete().Version("v1").Namespace(ns).Resource("pods").Name("web-0").
			PropagationPolicy("Foreground").GracePeriodSeconds(0),
			"/api/v1/namespaces/team-a/pods/web-0?gracePeriodSeconds=0&propagationPolicy=Foreground"},
		{"unset conveniences add nothing", c.Get().Version("v1").Resource("pods").LabelSelector("").Limit(0).DryRun(false).Force(false).TimeoutSeconds(0), "/api/v1/pods"},
		{"params merge", c.Get().Version("v1").Resource("pods").Params(url.Values{"a": {"1", "2"}}).Param("a", "3"), "/api/v1/pods?a=1&a=2&a=3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := tt.req.Build(t.Context())
			require.NoError(t, err)
			assert.Equal(t, "https", req.URL.Scheme)
			assert.Equal(t, "k8s.example:6443", req.URL.Host)
			assert.Equal(t, tt.want, req.URL.RequestURI())
		})
	}
}

func TestBuildServerPathPrefix(t *testing.T) {
	for _, server := range []string{"https://lb.example/clusters/a%20b/", "https://lb.example/clusters/a%20b"} {
		c := newOffline(t, server)
		req, err := c.Get().Version("v1").Resource("pods").Build(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "https://lb.example/clusters/a%20b/api/v1/pods", req.URL.String())
		req, err = c.Get().AbsPath("/version").Build(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "https://lb.example/clusters/a%20b/version", req.URL.String())
	}
	c := newOffline(t, "127.0.0.1:6443")
	assert.Equal(t, "https://127.0.0.1:6443", c.Server().String())
}

func TestBuildHeadersAndBody(t *testing.T) {
	c := newOffline(t, "https://k8s.example", WithUserAgent("test-agent/1"))

	req, err := c.Get().Version("v1").Resource("pods").Build(t.Context())
	require.NoError(t, err)
	assert.Equal(t, http.MethodGet, req.Method)
	assert.Equal(t, "application/json, */*", req.Header.Get("Accept"))
	assert.Equal(t, "test-agent/1", req.Header.Get("User-Agent"))
	assert.Empty(t, req.Header.Get("Content-Type"))
	assert.Nil(t, req.Body)

	obj := object{Kind: "ConfigMap", Metadata: objectMeta{Name: "cm"}, Data: map[string]string{"k": "v"}}
	req, err = c.Post().Version("v1").Namespace("ns").Resource("configmaps").Body(obj).
		Header("Accept", "application/yaml").Header("X-Trace", "1").Build(t.Context())
	require.NoError(t, err)
	want := `{"kind":"ConfigMap","metadata":{"name":"cm"},"data":{"k":"v"}}`
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, "application/yaml", req.Header.Get("Accept"), "a caller's header replaces the default")
	assert.Equal(t, "1", req.Header.Get("X-Trace"))
	assert.Equal(t, int64(len(want)), req.ContentLength)
	for range 2 { // GetBody replays the same bytes
		rc, err := req.GetBody()
		require.NoError(t, err)
		b, _ := io.ReadAll(rc)
		assert.JSONEq(t, want, string(b))
	}

	for _, pt := range []PatchType{JSONPatch, MergePatch, StrategicMergePatch, ApplyPatch} {
		req, err = c.Patch(pt).Version("v1").Namespace("ns").Resource("configmaps").Name("cm").Body(map[string]any{"data": nil}).Build(t.Context())
		require.NoError(t, err)
		assert.Equal(t, http.MethodPatch, req.Method)
		assert.Equal(t, string(pt), req.Header.Get("Content-Type"))
	}
	req, err = c.Patch(MergePatch).Version("v1").Resource("nodes").Name("n").BodyBytes([]byte(`{}`), "").Build(t.Context())
	require.NoError(t, err)
	assert.Equal(t, string(MergePatch), req.Header.Get("Content-Type"))

	req, err = c.Put().Version("v1").Resource("nodes").Name("n").BodyBytes([]byte("a: b"), "application/yaml").Build(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "application/yaml", req.Header.Get("Content-Type"))
	b, _ := io.ReadAll(req.Body)
	assert.Equal(t, "a: b", string(b))

	req, err = c.Verb("options").AbsPath("/api").Build(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "OPTIONS", req.Method)
}

func TestBuildErrors(t *testing.T) {
	c := newOffline(t, "https://k8s.example")
	pods := func() *Request { return c.Get().Version("v1").Namespace("ns").Resource("pods") }
	tests := []struct {
		name  string
		req   *Request
		field string
	}{
		{"empty name", pods().Name(""), "Name"},
		{"slash in name", pods().Name("a/b"), "Name"},
		{"dot-dot name", pods().Name(".."), "Name"},
		{"dot-dot inside name", pods().Name("a..b"), "Name"},
		{"dot name", pods().Name("."), "Name"},
		{"percent in name", pods().Name("a%2Fb"), "Name"},
		{"control character in name", pods().Name("a\nb"), "Name"},
		{"slash in namespace", c.Get().Version("v1").Namespace("a/b").Resource("pods"), "Namespace"},
		{"namespace on namespaces", c.Get().Version("v1").Namespace("ns").Resource("namespaces").Name("x"), "Namespace"},
		{"empty resource", c.Get().Version("v1").Resource(""), "Resource"},
		{"slash in resource", c.Get().Version("v1").Resource("pods/log"), "Resource"},
		{"name without resource", c.Get().Version("v1").Name("x"), "Resource"},
		{"namespace without resource", c.Get().Version("v1").Namespace("ns"), "Resource"},
		{"subresource without name", pods().SubResource("status"), "SubResource"},
		{"empty subresource", pods().Name("p").SubResource(""), "SubResource"},
		{"no version", c.Get().Resource("pods"), "Version"},
		{"empty version", c.Get().Version("").Resource("pods"), "Version"},
		{"bad group", c.Get().Group("a/b").Version("v1"), "Group"},
		{"abs path with group", c.Get().Group("apps").AbsPath("/apis"), "AbsPath"},
		{"abs path dot-dot", c.Get().AbsPath("/api/../secrets"), "Suffix"},
		{"suffix dot-dot", pods().Name("p").SubResource("proxy").Suffix("../../secrets"), "Suffix"},
		{"empty suffix", pods().Name("p").SubResource("proxy").Suffix(""), "Suffix"},
		{"empty param name", pods().Param("", "x"), "Param"},
		{"bad header name", pods().Header("Bad Header", "x"), "Header"},
		{"header injection", pods().Header("X-A", "a\r\nAuthorization: x"), "Header"},
		{"nil body", c.Post().Version("v1").Resource("nodes").Body(nil), "Body"},
		{"unencodable body", c.Post().Version("v1").Resource("nodes").Body(map[string]any{"f": func() {}}), "Body"},
		{"empty verb", c.Verb("").Version("v1"), "Verb"},
		{"empty patch type", c.Patch("").Version("v1").Resource("nodes").Name("n"), "Patch"},
		{"first error wins", pods().Name("").Namespace("a/b").SubResource(".."), "Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.req.Build(t.Context())
			var re *RequestError
			require.True(t, errors.As(err, &re), "got %v", err)
			assert.Equal(t, tt.field, re.Field)
			assert.NotEmpty(t, re.Error())
		})
	}
}

// A builder error comes back from every finishing call without any I/O (the
// fixture fails the test on any request).
func TestBuilderErrorBeforeIO(t *testing.T) {
	f := setup(t)
	ctx := testCtx(t)
	bad := func() *Request { return f.client.Get().Version("v1").Namespace("ns").Resource("pods").Name("a/b") }
	var re *RequestError
	assert.ErrorAs(t, bad().Do(ctx).Err(), &re)
	assert.ErrorAs(t, bad().Into(ctx, &object{}), &re)
	_, err := bad().Stream(ctx)
	assert.ErrorAs(t, err, &re)
	_, err = bad().Watch(ctx)
	assert.ErrorAs(t, err, &re)
	_, err = bad().URL()
	assert.ErrorAs(t, err, &re)
	assert.ErrorAs(t, f.client.Get().AbsPath("/version").Into(ctx, nil), &re)
}

func TestServiceProxyName(t *testing.T) {
	assert.Equal(t, "https:echo:8443", ServiceProxyName("https", "echo", "8443"))
	assert.Equal(t, "echo:http", ServiceProxyName("", "echo", "http"))
	assert.Equal(t, "http:echo", ServiceProxyName("http", "echo", ""))
	assert.Equal(t, "echo", ServiceProxyName("", "echo", ""))
}

func TestMisuseDoesNotPanic(t *testing.T) {
	ctx := testCtx(t)
	var re *RequestError
	var zero Client
	_, err := zero.Get().Version("v1").Resource("pods").Build(ctx)
	assert.ErrorAs(t, err, &re)
	assert.ErrorAs(t, zero.Get().AbsPath("/version").Do(ctx).Err(), &re)
	var nilClient *Client
	assert.ErrorAs(t, nilClient.Get().AbsPath("/version").Into(ctx, &object{}), &re)
	_, err = nilClient.Get().AbsPath("/version").Watch(ctx)
	assert.ErrorAs(t, err, &re)
	_, err = nilClient.Get().AbsPath("/version").Stream(ctx)
	assert.ErrorAs(t, err, &re)

	f := setup(t)
	f.handle("GET /version", func(w http.ResponseWriter, r *http.Request) { writeJSON(t, w, map[string]string{}) })
	var nilObj *object
	assert.ErrorAs(t, f.client.Get().AbsPath("/version").Into(ctx, nilObj), &re)
	assert.ErrorAs(t, f.client.Get().AbsPath("/version").Do(ctx).Into(nilObj), &re)
	assert.ErrorAs(t, f.client.Get().AbsPath("/version").Do(ctx).Into(nil), &re)
	//nolint:staticcheck // a nil context on purpose
	_, err = f.client.Get().AbsPath("/version").Build(nil)
	assert.ErrorAs(t, err, &re)

	var w Watcher
	_, err = w.Next()
	assert.ErrorIs(t, err, ErrWatcherClosed)
	assert.NoError(t, w.Close())
	var res Result
	_, err = res.Raw()
	assert.NoError(t, err)
}
