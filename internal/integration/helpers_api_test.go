//go:build integration

package integration

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/typed"
)

// What the server stores for a quantity of a core/v1 resource list is its
// value rounded up to Milli, in canonical form: a ResourceQuota's
// spec.hard comes back from kube-apiserver rewritten as RoundUp(Milli) and
// then Canonical write it.
func TestQuantityCanonicalAsStored(t *testing.T) {
	ctx := testContext(t)
	_, c := typedNamespace(t, "quantities")
	quotas := typed.For[corev1.ResourceQuota, corev1.ResourceQuotaList](c, "quantities")
	inputs := []string{"0", "1", "1.5", "0.5", ".5", "1000", "1500", "1e3", "1.5e3", "1E3", "12e-2", "1.5Gi", "0.5Gi",
		"1.5Ki", "1Ki", "8Ki", "1024Mi", "1536Mi", "1000Ki", "0.1Ki", "1.0001Ki", "100m", "100.0m", "0.1m",
		"0.0000000001", "1.5n", "1000000", "1.5M", "0.001k", "5e-10", "20e1", "1.2e-2", "2.5e1", "123456789n",
		"1000u", "1.500", "+1", "007", "1.", "3Mi", "1500000000000000000000", "9Ei", "0m", "0.0"}
	for i, in := range inputs {
		q := metav1.MustParse(in)
		rq := &corev1.ResourceQuota{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("q%d", i)},
			Spec:       corev1.ResourceQuotaSpec{Hard: map[corev1.ResourceName]metav1.Quantity{"cpu": q}},
		}
		got, err := quotas.Create(ctx, rq, metav1.CreateOptions{})
		require.NoError(t, err, in)
		stored := got.Spec.Hard["cpu"]
		want := q
		want.RoundUp(metav1.Milli)
		assert.Equal(t, want.Canonical().String(), stored.String(), "input %q", in)
	}
	// Arithmetic results are canonical: the server keeps them as they are.
	sum := metav1.MustParse("1Gi")
	sum.Add(metav1.MustParse("512Mi"))
	got, err := quotas.Create(ctx, &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "sum"},
		Spec:       corev1.ResourceQuotaSpec{Hard: map[corev1.ResourceName]metav1.Quantity{"memory": sum}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	stored := got.Spec.Hard["memory"]
	assert.Equal(t, "1536Mi", stored.String())
}
