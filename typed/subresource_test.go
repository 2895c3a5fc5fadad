package typed_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/autoscalingv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/api/policyv1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func TestScaleSubresource(t *testing.T) {
	rcPath := "/api/v1/namespaces/ns1/replicationcontrollers/web/scale"
	rc, calls := setupRC(t, map[string]http.HandlerFunc{
		"GET " + rcPath: respond(`{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web"},"spec":{"replicas":2},"status":{"replicas":2,"selector":"app=web"}}`),
		"PUT " + rcPath: func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) },
	})
	ctx := context.Background()
	rcs := typed.For[corev1.ReplicationController, corev1.ReplicationControllerList](rc, "ns1")
	var s autoscalingv1.Scale
	require.NoError(t, rcs.GetSubresource(ctx, "web", "scale", &s))
	assert.Equal(t, int32(2), s.Spec.Replicas)
	assert.Equal(t, "app=web", s.Status.Selector)

	s.Spec.Replicas = 3
	var out autoscalingv1.Scale
	require.NoError(t, rcs.UpdateSubresource(ctx, "web", "scale", &s, &out, metav1.UpdateOptions{DryRun: true}))
	assert.Equal(t, int32(3), out.Spec.Replicas)
	assert.Equal(t, "dryRun=All", (*calls)[1].Query)
}

func TestEvictionAndScopeChecks(t *testing.T) {
	rc, calls := setupRC(t, map[string]http.HandlerFunc{
		"POST /api/v1/namespaces/ns1/pods/p/eviction": status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget."),
	})
	pods := typed.For[corev1.Pod, corev1.PodList](rc, "ns1")
	ev := &policyv1.Eviction{TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "Eviction"}, ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns1"}}
	err := pods.CreateSubresource(context.Background(), "p", "eviction", ev, nil, metav1.CreateOptions{})
	assert.True(t, rest.IsTooManyRequests(err), "a PDB refusal is a typed 429: %v", err)
	assert.Contains(t, (*calls)[0].Body, `"kind":"Eviction"`)

	err = typed.For[corev1.Pod, corev1.PodList](rc, "").CreateSubresource(context.Background(), "p", "eviction", ev, nil, metav1.CreateOptions{})
	assert.ErrorContains(t, err, "namespace is required")
	assert.Len(t, *calls, 1)
}

func TestLogStream(t *testing.T) {
	rc, calls := setupRC(t, map[string]http.HandlerFunc{
		"GET /api/v1/namespaces/ns1/pods/p/log": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "line 1\nline 2\n")
		},
		"GET /api/v1/namespaces/ns1/pods/gone/log": status(404, "NotFound", `pods "gone" not found`),
	})
	pods := typed.For[corev1.Pod, corev1.PodList](rc, "ns1")
	s, err := pods.StreamSubresource(context.Background(), "p", "log", url.Values{"follow": {"true"}, "container": {"c1"}})
	require.NoError(t, err)
	b, err := io.ReadAll(s)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.Equal(t, "line 1\nline 2\n", string(b))
	assert.Equal(t, "container=c1&follow=true", (*calls)[0].Query)

	_, err = pods.StreamSubresource(context.Background(), "gone", "log", nil)
	assert.True(t, rest.IsNotFound(err))
}

func TestProxyURLs(t *testing.T) {
	rc, _ := setupRC(t, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		req  *rest.Request
		want string
	}{
		{typed.For[corev1.Service, corev1.ServiceList](rc, "kube-system").Proxy(rc.Get(), "", "kube-dns", "dns", ""), "/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy/"},
		{typed.For[corev1.Service, corev1.ServiceList](rc, "default").Proxy(rc.Get(), "https", "echo", "8443", "/healthz"), "/api/v1/namespaces/default/services/https:echo:8443/proxy/healthz"},
		{typed.For[corev1.Pod, corev1.PodList](rc, "default").Proxy(rc.Get(), "", "web-0", "8080", "metrics"), "/api/v1/namespaces/default/pods/web-0:8080/proxy/metrics"},
		{typed.For[corev1.Node, corev1.NodeList](rc, "").Proxy(rc.Get(), "", "n1", "", "/stats/summary"), "/api/v1/nodes/n1/proxy/stats/summary"},
	} {
		req, err := tc.req.Build(ctx)
		require.NoError(t, err)
		assert.Equal(t, tc.want, req.URL.EscapedPath())
	}
}
