package corev1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/networkingv1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/fixtures"
)

func TestDescriptors(t *testing.T) {
	assert.Equal(t, "pods", corev1.PodResource.Resource)
	assert.Equal(t, "", corev1.PodResource.Group)
	assert.True(t, corev1.PodResource.Namespaced)
	assert.Subset(t, corev1.PodResource.Subresources, []string{"status", "log", "exec", "eviction", "binding"})
	assert.False(t, corev1.NodeResource.Namespaced)
	assert.False(t, corev1.NamespaceResource.Namespaced)
	assert.Equal(t, []string{"finalize", "status"}, corev1.NamespaceResource.Subresources)
	assert.Equal(t, "endpoints", corev1.EndpointsResource.Resource)
	assert.Equal(t, "apps", appsv1.DeploymentResource.Group)
	assert.Equal(t, []string{"scale", "status"}, appsv1.DeploymentResource.Subresources)
	assert.Equal(t, "networking.k8s.io", networkingv1.IngressResource.Group)
	assert.Equal(t, "ingresses", networkingv1.IngressResource.Resource)
	assert.Equal(t, "networkpolicies", networkingv1.NetworkPolicyResource.Resource)
}

// Decoding arbitrary bytes never panics; run with -fuzz to explore.
func FuzzDecodePod(f *testing.F) {
	f.Add(fixtures.PodJSON(1))
	f.Add([]byte(`{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"ports":[{"containerPort":1}]}]}}`))
	f.Add([]byte(`{"spec":{"containers":[{"resources":{"limits":{"cpu":"1e"}}}]}}`))
	f.Add([]byte(`{"status":{"startTime":"x","conditions":[null,{}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p corev1.Pod
		if codec.Unmarshal(data, &p) == nil {
			if _, err := codec.Marshal(&p); err != nil {
				t.Fatalf("re-encoding a decoded pod: %v", err)
			}
		}
		var q corev1.Pod
		_ = q.UnmarshalJSON(data)
	})
}
