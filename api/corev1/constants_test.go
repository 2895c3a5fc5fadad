package corev1_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/api/storagev1"
	"github.com/kubewire/kubewire/internal/codec"
)

// specProperty returns a property of a schema of the Kubernetes 1.37.2
// spec the packages are generated from, skipping the test without it.
func specProperty(t *testing.T, file, schema, property string) (description string, def any) {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "openapi", "v1.37.2", "v3", file)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("spec not found at %s", path)
	}
	require.NoError(t, err)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Description string `json:"description"`
					Default     any    `json:"default"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	p, ok := doc.Components.Schemas[schema].Properties[property]
	require.True(t, ok, "%s.%s is not in %s", schema, property, file)
	return p.Description, p.Default
}

// The constants hold the values the API documents for the fields of their
// type: every value is named in the field's description, and a default the
// spec gives is one of them. (The spec has no enum lists to compare with.)
func TestConstantsAreTheSpecValues(t *testing.T) {
	const core, apps, meta = "api__v1_openapi.json", "apis__apps__v1_openapi.json", "api__v1_openapi.json"
	for _, c := range []struct {
		file, schema, property string
		values                 []string
		def                    string // the spec's default, when it has one
	}{
		{core, "io.k8s.api.core.v1.ContainerPort", "protocol",
			[]string{string(corev1.ProtocolTCP), string(corev1.ProtocolUDP), string(corev1.ProtocolSCTP)}, string(corev1.ProtocolTCP)},
		{core, "io.k8s.api.core.v1.PodSpec", "restartPolicy",
			[]string{string(corev1.RestartPolicyAlways), string(corev1.RestartPolicyOnFailure), string(corev1.RestartPolicyNever)}, ""},
		{core, "io.k8s.api.core.v1.PodSpec", "dnsPolicy",
			[]string{string(corev1.DNSClusterFirst), string(corev1.DNSClusterFirstWithHostNet), string(corev1.DNSDefault), string(corev1.DNSNone)}, ""},
		{core, "io.k8s.api.core.v1.Container", "imagePullPolicy",
			[]string{string(corev1.PullAlways), string(corev1.PullNever), string(corev1.PullIfNotPresent)}, ""},
		{core, "io.k8s.api.core.v1.ServiceSpec", "type",
			[]string{string(corev1.ServiceTypeClusterIP), string(corev1.ServiceTypeNodePort), string(corev1.ServiceTypeLoadBalancer), string(corev1.ServiceTypeExternalName)}, ""},
		{core, "io.k8s.api.core.v1.ServiceSpec", "sessionAffinity",
			[]string{string(corev1.ServiceAffinityClientIP), string(corev1.ServiceAffinityNone)}, ""},
		{core, "io.k8s.api.core.v1.PodStatus", "phase",
			[]string{string(corev1.PodPending), string(corev1.PodRunning), string(corev1.PodSucceeded), string(corev1.PodFailed), string(corev1.PodUnknown)}, ""},
		{core, "io.k8s.api.core.v1.PodCondition", "status",
			[]string{string(corev1.ConditionTrue), string(corev1.ConditionFalse), string(corev1.ConditionUnknown)}, ""},
		{core, "io.k8s.api.core.v1.Taint", "effect",
			[]string{string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)}, ""},
		{core, "io.k8s.api.core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy",
			[]string{string(corev1.PersistentVolumeReclaimRetain), string(corev1.PersistentVolumeReclaimDelete), string(corev1.PersistentVolumeReclaimRecycle)}, ""},
		{apps, "io.k8s.api.apps.v1.DeploymentStrategy", "type",
			[]string{string(appsv1.RecreateDeploymentStrategyType), string(appsv1.RollingUpdateDeploymentStrategyType)}, ""},
		{meta, "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "propagationPolicy",
			[]string{string(metav1.DeletePropagationOrphan), string(metav1.DeletePropagationBackground), string(metav1.DeletePropagationForeground)}, ""},
		{meta, "io.k8s.apimachinery.pkg.apis.meta.v1.Condition", "status",
			[]string{string(metav1.ConditionTrue), string(metav1.ConditionFalse), string(metav1.ConditionUnknown)}, ""},
	} {
		desc, def := specProperty(t, c.file, c.schema, c.property)
		for _, v := range c.values {
			assert.Regexp(t, regexp.MustCompile(`\b`+regexp.QuoteMeta(v)+`\b`), desc, "%s.%s names %q", c.schema, c.property, v)
		}
		if c.def != "" {
			assert.Equal(t, c.def, def, "%s.%s default", c.schema, c.property)
		}
	}
}

// Fields Kubernetes types with a named type decode into it and encode back
// to the same JSON: scalars, pointers, slices, and maps keyed by one. (No
// creationTimestamp: a zero one is left out, as a 1.37 server leaves it.)
func TestNamedFieldsRoundTrip(t *testing.T) {
	in := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},` +
		`"spec":{"containers":[{"name":"c","image":"i","imagePullPolicy":"IfNotPresent",` +
		`"ports":[{"containerPort":80,"protocol":"UDP"}],` +
		`"resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}},` +
		`"securityContext":{"capabilities":{"add":["NET_ADMIN"],"drop":["ALL"]}},` +
		`"terminationMessagePolicy":"FallbackToLogsOnError"}],` +
		`"dnsPolicy":"ClusterFirst","restartPolicy":"Never"},` +
		`"status":{"conditions":[{"lastProbeTime":null,"lastTransitionTime":null,"status":"True","type":"Ready"}],` +
		`"containerStatuses":[{"image":"i","imageID":"","lastState":{},"name":"c","ready":true,"restartCount":0,"state":{},"stopSignal":"SIGTERM"}],` +
		`"phase":"Running","qosClass":"Burstable"}}`
	var pod corev1.Pod
	require.NoError(t, codec.Unmarshal([]byte(in), &pod))
	c := pod.Spec.Containers[0]
	assert.Equal(t, corev1.PullIfNotPresent, c.ImagePullPolicy)
	assert.Equal(t, corev1.ProtocolUDP, c.Ports[0].Protocol)
	assert.Equal(t, []corev1.Capability{"NET_ADMIN"}, c.SecurityContext.Capabilities.Add)
	assert.Equal(t, "1Gi", c.Resources.Limits[corev1.ResourceMemory].String())
	assert.Equal(t, "500m", c.Resources.Requests[corev1.ResourceCPU].String())
	assert.Equal(t, corev1.TerminationMessageFallbackToLogsOnError, c.TerminationMessagePolicy)
	assert.Equal(t, corev1.DNSClusterFirst, pod.Spec.DNSPolicy)
	assert.Equal(t, corev1.RestartPolicyNever, pod.Spec.RestartPolicy)
	assert.Equal(t, corev1.PodRunning, pod.Status.Phase)
	assert.Equal(t, corev1.PodQOSBurstable, pod.Status.QOSClass)
	assert.Equal(t, corev1.PodReady, pod.Status.Conditions[0].Type)
	assert.Equal(t, corev1.ConditionTrue, pod.Status.Conditions[0].Status)
	require.NotNil(t, pod.Status.ContainerStatuses[0].StopSignal)
	assert.Equal(t, corev1.SIGTERM, *pod.Status.ContainerStatuses[0].StopSignal)
	out, err := codec.Marshal(&pod)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))

	// A map of named keys to named values, a slice of named values.
	pvc := `{"metadata":{},"spec":{"accessModes":["ReadWriteOnce","ReadOnlyMany"],"resources":{},"volumeMode":"Block"},` +
		`"status":{"allocatedResourceStatuses":{"storage":"NodeResizePending"},"capacity":{"storage":"1Gi"},"phase":"Bound"}}`
	var claim corev1.PersistentVolumeClaim
	require.NoError(t, codec.Unmarshal([]byte(pvc), &claim))
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadOnlyMany}, claim.Spec.AccessModes)
	require.NotNil(t, claim.Spec.VolumeMode)
	assert.Equal(t, corev1.PersistentVolumeBlock, *claim.Spec.VolumeMode)
	assert.Equal(t, map[corev1.ResourceName]corev1.ClaimResourceStatus{corev1.ResourceStorage: corev1.PersistentVolumeClaimNodeResizePending},
		claim.Status.AllocatedResourceStatuses)
	assert.Equal(t, corev1.ClaimBound, claim.Status.Phase)
	out, err = codec.Marshal(&claim)
	require.NoError(t, err)
	assert.JSONEq(t, pvc, string(out))

	// A named type of core/v1 in another group's field, and a metav1 one.
	sc := storagev1.StorageClass{Provisioner: "p", ReclaimPolicy: new(corev1.PersistentVolumeReclaimRetain)}
	out, err = codec.Marshal(&sc)
	require.NoError(t, err)
	assert.JSONEq(t, `{"metadata":{},"provisioner":"p","reclaimPolicy":"Retain"}`, string(out))
	del := metav1.DeleteOptions{PropagationPolicy: new(metav1.DeletePropagationForeground)}
	out, err = codec.Marshal(&del)
	require.NoError(t, err)
	assert.JSONEq(t, `{"propagationPolicy":"Foreground"}`, string(out))
}
