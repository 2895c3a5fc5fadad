package rest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
	"github.com/kubewire/kubewire/wait"
)

// Another writer changes the ConfigMap between our read and our write the
// first two times: the third read-modify-write lands, keeping both writes.
func TestRetryOnConflict(t *testing.T) {
	ctx := context.Background()
	srv := fake.NewServer(t)
	c, err := rest.New(srv.Config())
	require.NoError(t, err)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "default")
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm"}, Data: map[string]string{"n": "0"}}, metav1.CreateOptions{})
	require.NoError(t, err)

	attempts := 0
	err = rest.RetryOnConflict(ctx, wait.DefaultRetry, func() error {
		attempts++
		cm, err := cms.Get(ctx, "cm", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if attempts <= 2 { // a concurrent writer gets in first
			other := cm.DeepCopy()
			other.Data["other"+string(rune('0'+attempts))] = "x"
			if _, err := cms.Update(ctx, other, metav1.UpdateOptions{}); err != nil {
				return err
			}
		}
		cm.Data["mine"] = "y"
		_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 3, attempts)
	cm, err := cms.Get(ctx, "cm", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"n": "0", "other1": "x", "other2": "x", "mine": "y"}, cm.Data)

	// Steps run out: the conflict comes back as a *StatusError.
	attempts = 0
	err = rest.RetryOnConflict(ctx, wait.Backoff{Duration: time.Millisecond, Steps: 2}, func() error {
		attempts++
		cm, err := cms.Get(ctx, "cm", metav1.GetOptions{})
		require.NoError(t, err)
		stale := cm.DeepCopy()
		cm.Data["bump"] = string(rune('a' + attempts))
		_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
		require.NoError(t, err)
		_, err = cms.Update(ctx, stale, metav1.UpdateOptions{})
		return err
	})
	assert.Equal(t, 2, attempts)
	assert.True(t, rest.IsConflict(err), "%v", err)

	// Other errors are not retried.
	attempts = 0
	err = rest.RetryOnConflict(ctx, wait.DefaultRetry, func() error {
		attempts++
		_, err := cms.Get(ctx, "missing", metav1.GetOptions{})
		return err
	})
	assert.Equal(t, 1, attempts)
	assert.True(t, rest.IsNotFound(err))
}
