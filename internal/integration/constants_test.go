//go:build integration

package integration

import (
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// The values the server fills in are the generated constants.
func TestServerDefaultsAreConstants(t *testing.T) {
	const ns = "kubewire-constants"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)

	pod, err := typed.For[corev1.Pod, corev1.PodList](rc, ns).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Image: "nginx:1.27", Ports: []corev1.ContainerPort{{ContainerPort: 80}},
		}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, corev1.RestartPolicyAlways, pod.Spec.RestartPolicy)
	assert.Equal(t, corev1.DNSClusterFirst, pod.Spec.DNSPolicy)
	c := pod.Spec.Containers[0]
	assert.Equal(t, corev1.PullIfNotPresent, c.ImagePullPolicy)
	assert.Equal(t, corev1.TerminationMessageReadFile, c.TerminationMessagePolicy)
	assert.Equal(t, corev1.ProtocolTCP, c.Ports[0].Protocol)
	assert.Equal(t, corev1.PodPending, pod.Status.Phase)
	assert.Equal(t, corev1.PodQOSBestEffort, pod.Status.QOSClass)

	svc, err := typed.For[corev1.Service, corev1.ServiceList](rc, ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "s"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}, Selector: map[string]string{"app": "p"}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, corev1.ServiceTypeClusterIP, svc.Spec.Type)
	assert.Equal(t, corev1.ServiceAffinityNone, svc.Spec.SessionAffinity)
	assert.Equal(t, []corev1.IPFamily{corev1.IPv4Protocol}, svc.Spec.IPFamilies)
	if assert.NotNil(t, svc.Spec.IPFamilyPolicy) {
		assert.Equal(t, corev1.IPFamilyPolicySingleStack, *svc.Spec.IPFamilyPolicy)
	}
	if assert.NotNil(t, svc.Spec.InternalTrafficPolicy) {
		assert.Equal(t, corev1.ServiceInternalTrafficPolicyCluster, *svc.Spec.InternalTrafficPolicy)
	}
	assert.Equal(t, corev1.ProtocolTCP, svc.Spec.Ports[0].Protocol)

	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	dep, err := deps.Create(ctx, webDeployment("web", 1), metav1.CreateOptions{})
	require.NoError(t, err)
	assert.Equal(t, appsv1.RollingUpdateDeploymentStrategyType, dep.Spec.Strategy.Type)

	nsObj, err := typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Get(ctx, ns, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, corev1.NamespaceActive, nsObj.Status.Phase)
	assert.Equal(t, []corev1.FinalizerName{corev1.FinalizerKubernetes}, nsObj.Spec.Finalizers)

	// A foreground delete leaves the object with the finalizer that waits
	// for its dependents; the propagation policy is the metav1 constant.
	require.NoError(t, deps.Delete(ctx, "web", metav1.DeleteOptions{PropagationPolicy: new(metav1.DeletePropagationForeground)}))
	_, err = typed.For[corev1.Pod, corev1.PodList](rc, ns).Get(ctx, "missing", metav1.GetOptions{})
	assert.Equal(t, metav1.StatusReasonNotFound, rest.ReasonForError(err))
}

// The server's own list of supported values, which it gives when it
// rejects one, is the set of generated constants of the field's type.
func TestServerSupportedValuesAreConstants(t *testing.T) {
	const ns = "kubewire-constants-invalid"
	_, rc := typedNamespace(t, ns)
	ctx := testContext(t)

	_, err := typed.For[corev1.Pod, corev1.PodList](rc, ns).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec: corev1.PodSpec{
			RestartPolicy: "Sometimes", DNSPolicy: "Nowhere",
			Containers: []corev1.Container{{
				Name: "c", Image: "nginx:1.27", ImagePullPolicy: "Rarely", TerminationMessagePolicy: "Shout",
				Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: "QUIC"}},
			}},
		},
	}, metav1.CreateOptions{})
	supported := supportedValues(t, err)
	for field, want := range map[string][]string{
		"spec.restartPolicy": {string(corev1.RestartPolicyAlways), string(corev1.RestartPolicyOnFailure), string(corev1.RestartPolicyNever)},
		"spec.dnsPolicy": {string(corev1.DNSClusterFirst), string(corev1.DNSClusterFirstWithHostNet),
			string(corev1.DNSDefault), string(corev1.DNSNone)},
		"spec.containers[0].imagePullPolicy":          {string(corev1.PullAlways), string(corev1.PullIfNotPresent), string(corev1.PullNever)},
		"spec.containers[0].terminationMessagePolicy": {string(corev1.TerminationMessageReadFile), string(corev1.TerminationMessageFallbackToLogsOnError)},
		"spec.containers[0].ports[0].protocol":        {string(corev1.ProtocolTCP), string(corev1.ProtocolUDP), string(corev1.ProtocolSCTP)},
	} {
		sort.Strings(want)
		assert.Equal(t, want, supported[field], "%s", field)
	}

	_, err = typed.For[corev1.Service, corev1.ServiceList](rc, ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "s"},
		Spec:       corev1.ServiceSpec{Type: "Sideways", SessionAffinity: "Sticky", Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	supported = supportedValues(t, err)
	for field, want := range map[string][]string{
		"spec.type": {string(corev1.ServiceTypeClusterIP), string(corev1.ServiceTypeNodePort),
			string(corev1.ServiceTypeLoadBalancer), string(corev1.ServiceTypeExternalName)},
		"spec.sessionAffinity": {string(corev1.ServiceAffinityClientIP), string(corev1.ServiceAffinityNone)},
	} {
		sort.Strings(want)
		assert.Equal(t, want, supported[field], "%s", field)
	}

	dep := webDeployment("web", 1)
	dep.Spec.Strategy.Type = "Gradually"
	_, err = typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns).Create(ctx, dep, metav1.CreateOptions{})
	want := []string{string(appsv1.RecreateDeploymentStrategyType), string(appsv1.RollingUpdateDeploymentStrategyType)}
	sort.Strings(want)
	assert.Equal(t, want, supportedValues(t, err)["spec.strategy"], "%v", err)
}

var quoted = regexp.MustCompile(`"([^"]*)"`)

// supportedValues returns, by field, the sorted values the server lists in
// the NotSupported causes of err, a 422.
func supportedValues(t *testing.T, err error) map[string][]string {
	t.Helper()
	require.Error(t, err)
	var se *rest.StatusError
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, metav1.StatusReasonInvalid, se.Status.Reason, "%v", err)
	require.NotNil(t, se.Status.Details)
	out := map[string][]string{}
	for _, c := range se.Status.Details.Causes {
		if c.Type != metav1.CauseTypeFieldValueNotSupported {
			continue
		}
		_, list, ok := strings.Cut(c.Message, "supported values: ")
		require.True(t, ok, "%s: %s", c.Field, c.Message)
		var vals []string
		for _, m := range quoted.FindAllStringSubmatch(list, -1) {
			vals = append(vals, m[1])
		}
		sort.Strings(vals)
		out[c.Field] = vals
	}
	return out
}
