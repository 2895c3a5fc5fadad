//go:build integration

package integration

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

// The proxy subresources end to end: the API server refuses loopback
// targets, so a second kubelet stand-in runs inside a network namespace
// (root only) with a pod that serves an echo page over HTTP (8080) and
// HTTPS (8443), a Service in front of it and hand-written Endpoints.
func TestProxySubresources(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	node, err := env.NetnsNode(ctx)
	if errors.Is(err, testenv.ErrNotRoot) {
		t.Skip("pods/proxy, nodes/proxy and services/proxy need a network namespace, which needs root: not tested")
	}
	require.NoError(t, err)
	const ns = "kubewire-proxy"
	echo := node.Bin + " -echo " + node.IP + ":8080," + node.IP + ":8443"
	uid, err := node.RunPodUID(ctx, ns, "echo", testenv.Container{Name: "web", Command: "exec " + echo})
	require.NoError(t, err)
	t.Cleanup(func() {
		bg := context.Background()
		_ = node.DeletePod(bg, ns, "echo")
		for _, p := range []string{"/api/v1/namespaces/" + ns + "/services/echo", "/api/v1/namespaces/" + ns + "/endpoints/echo",
			"/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices/echo-1"} {
			_, _ = env.Do(bg, http.MethodDelete, p, nil, nil)
		}
	})
	svc := map[string]any{"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "echo", "namespace": ns},
		"spec": map[string]any{"selector": map[string]string{"app": "echo"}, "ports": []map[string]any{
			{"name": "http", "port": 80, "targetPort": 8080}, {"name": "https", "port": 443, "targetPort": 8443}}}}
	_, err = env.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/services", svc, nil)
	require.NoError(t, err)
	eps := map[string]any{"apiVersion": "v1", "kind": "Endpoints",
		"metadata": map[string]any{"name": "echo", "namespace": ns},
		"subsets": []map[string]any{{
			"addresses": []map[string]any{{"ip": node.IP, "targetRef": map[string]any{"kind": "Pod", "name": "echo", "namespace": ns, "uid": uid}}},
			"ports":     []map[string]any{{"name": "http", "port": 8080}, {"name": "https", "port": 8443}},
		}}}
	_, err = env.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/endpoints", eps, nil)
	require.NoError(t, err)
	// kube-apiserver 1.37 resolves a service through its EndpointSlices.
	slice := map[string]any{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
		"metadata":    map[string]any{"name": "echo-1", "namespace": ns, "labels": map[string]string{"kubernetes.io/service-name": "echo"}},
		"addressType": "IPv4",
		"endpoints": []map[string]any{{"addresses": []string{node.IP}, "conditions": map[string]any{"ready": true},
			"targetRef": map[string]any{"kind": "Pod", "name": "echo", "namespace": ns, "uid": uid}}},
		"ports": []map[string]any{{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "https", "port": 8443, "protocol": "TCP"}}}
	_, err = env.Do(ctx, http.MethodPost, "/apis/discovery.k8s.io/v1/namespaces/"+ns+"/endpointslices", slice, nil)
	require.NoError(t, err)

	c := adminClient(t, env)
	get := func(r *rest.Request) (string, error) {
		b, err := r.Do(ctx).Raw()
		return string(b), err
	}
	// The echo server needs a moment to listen.
	var body string
	require.Eventually(t, func() bool {
		body, err = get(c.Get().Version("v1").Namespace(ns).Resource("pods").Name("echo:8080").SubResource("proxy").Suffix("ready"))
		return err == nil
	}, 20*time.Second, 100*time.Millisecond, "pods/proxy: %v", err)
	assert.Equal(t, "echo http GET /ready\n", body)

	for _, tc := range []struct {
		name string
		r    *rest.Request
		want string
	}{
		{"pods/proxy https", c.Get().Version("v1").Namespace(ns).Resource("pods").Name("https:echo:8443").SubResource("proxy").Suffix("a/b").Param("q", "1"),
			"echo https GET /a/b?q=1\n"},
		{"services/proxy by port name", c.Get().Version("v1").Namespace(ns).Resource("services").Name(rest.ServiceProxyName("", "echo", "http")).SubResource("proxy").Suffix("/"),
			"echo http GET /\n"},
		{"services/proxy by port number", c.Get().Version("v1").Namespace(ns).Resource("services").Name(rest.ServiceProxyName("", "echo", "80")).SubResource("proxy").Suffix("x"),
			"echo http GET /x\n"},
		{"services/proxy https", c.Get().Version("v1").Namespace(ns).Resource("services").Name(rest.ServiceProxyName("https", "echo", "https")).SubResource("proxy").Suffix("/"),
			"echo https GET /\n"},
		{"services/proxy POST", c.Post().Version("v1").Namespace(ns).Resource("services").Name(rest.ServiceProxyName("", "echo", "http")).SubResource("proxy").Suffix("form").BodyBytes([]byte("x"), "text/plain"),
			"echo http POST /form\n"},
		{"nodes/proxy", c.Get().Version("v1").Resource("nodes").Name(node.Name).SubResource("proxy").Suffix("healthz"),
			"ok"},
	} {
		got, err := get(tc.r)
		if assert.NoError(t, err, tc.name) {
			assert.Equal(t, tc.want, got, tc.name)
		}
	}

	// The service proxy URL as deploy-expose prints it, fetched raw.
	raw, err := get(c.Get().AbsPath("/api/v1/namespaces/" + ns + "/services/echo:http/proxy/"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(raw, "echo http GET /"), raw)
}
