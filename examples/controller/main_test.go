package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func TestControllerOnFakeServer(t *testing.T) {
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "red", Labels: map[string]string{"team": "red"}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "plain"}}, metav1.CreateOptions{})
	require.NoError(t, err)

	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		// Generous durations: a slow machine must not lose the lease
		// (the controller then stops reconciling) in the middle of the test.
		done <- run(rctx, srv.Config(), options{Identity: "test", Workers: 2, LeaseDuration: 5 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 100 * time.Millisecond}, slog.New(slog.DiscardHandler))
	}()
	teamOf := func(ns string) string {
		cm, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns).Get(ctx, "team-info", metav1.GetOptions{})
		if err != nil {
			return ""
		}
		return cm.Data["team"]
	}
	require.Eventually(t, func() bool {
		select {
		case err := <-done:
			t.Errorf("run returned early: %v", err)
			return true
		default:
		}
		return teamOf("red") == "red"
	}, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "red").Delete(ctx, "team-info", metav1.DeleteOptions{}))
	require.Eventually(t, func() bool { return teamOf("red") == "red" }, 10*time.Second, 5*time.Millisecond, "recreated")

	_, err = typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Patch(ctx, "plain", rest.MergePatch, []byte(`{"metadata":{"labels":{"team":"blue"}}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return teamOf("plain") == "blue" }, 10*time.Second, 5*time.Millisecond, "a newly labelled namespace")
	_, err = typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Patch(ctx, "plain", rest.MergePatch, []byte(`{"metadata":{"labels":{"team":null}}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "plain").Get(ctx, "team-info", metav1.GetOptions{})
		return rest.IsNotFound(err)
	}, 10*time.Second, 5*time.Millisecond, "removed with the label")
	stop()
	require.NoError(t, <-done)
}
