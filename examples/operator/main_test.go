package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// The operator on the fake server, end to end: a Website gets its
// Deployment, Service, condition, registry key and Events; scaling goes
// through; deleting it runs the finalizer.
func TestOperatorOnFakeServer(t *testing.T) {
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(rctx, srv.Config(), options{Identity: "test", Workers: 2, HealthAddr: addr,
			LeaseDuration: 5 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 100 * time.Millisecond}, slog.New(slog.DiscardHandler))
	}()
	checkOperator(t, ctx, rc, "default", done)
	checkNameTakenAndRegistry(t, ctx, rc, "default")

	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, 200, resp.StatusCode, path)
		return string(b)
	}
	assert.Equal(t, "ok: leader\n", get("/readyz"))
	assert.Equal(t, "ok\n", get("/healthz"))
	m := get("/metrics")
	assert.Contains(t, m, "website_operator_leader 1\n")
	assert.Regexp(t, `(?m)^website_operator_queue_depth [0-9]+$`, m)
	assert.Regexp(t, `(?m)^website_operator_reconciles_total [1-9][0-9]*$`, m)
	assert.Regexp(t, `(?m)^website_operator_reconcile_errors_total [0-9]+$`, m)
	stop()
	require.NoError(t, <-done)
}

// checkOperator drives a running operator through a Website's life in
// namespace ns; done receives the operator's end.
func checkOperator(t *testing.T, ctx context.Context, rc *rest.Client, ns string, done <-chan error) {
	t.Helper()
	eventually := func(what string, cond func() bool) {
		t.Helper()
		require.Eventually(t, func() bool {
			select {
			case err := <-done:
				t.Fatalf("the operator ended: %v", err)
			default:
			}
			return cond()
		}, 30*time.Second, 20*time.Millisecond, what)
	}
	websites := typed.For[Website, WebsiteList](rc, ns)
	eventually("the CRD is served", func() bool {
		_, err := websites.List(ctx, metav1.ListOptions{})
		return err == nil
	})
	w, err := websites.Create(ctx, &Website{
		TypeMeta:   metav1.TypeMeta{APIVersion: "examples.kubewire.dev/v1", Kind: "Website"},
		ObjectMeta: metav1.ObjectMeta{Name: "blog"},
		Spec:       WebsiteSpec{Image: "nginx:1.27", Replicas: new(int32(2))},
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	var dep *appsv1.Deployment
	eventually("the Deployment", func() bool {
		dep, err = deps.Get(ctx, "blog", metav1.GetOptions{})
		return err == nil
	})
	assert.Equal(t, int32(2), *dep.Spec.Replicas)
	assert.Equal(t, "nginx:1.27", dep.Spec.Template.Spec.Containers[0].Image)
	require.Len(t, dep.OwnerReferences, 1)
	ref := dep.OwnerReferences[0]
	assert.Equal(t, metav1.OwnerReference{APIVersion: "examples.kubewire.dev/v1", Kind: "Website", Name: "blog", UID: w.UID,
		Controller: new(true), BlockOwnerDeletion: new(true)}, ref)

	var svc *corev1.Service
	eventually("the Service", func() bool {
		svc, err = typed.For[corev1.Service, corev1.ServiceList](rc, ns).Get(ctx, "blog", metav1.GetOptions{})
		return err == nil
	})
	assert.Equal(t, map[string]string{nameLabel: "blog"}, svc.Spec.Selector)
	assert.Equal(t, []metav1.OwnerReference{ref}, svc.OwnerReferences)

	reconciledAt := func(gen int64) func() bool {
		return func() bool {
			w, err := websites.Get(ctx, "blog", metav1.GetOptions{})
			if err != nil {
				return false
			}
			c := metav1.FindStatusCondition(w.Status.Conditions, conditionReconciled)
			return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == gen && w.Status.ObservedGeneration == gen
		}
	}
	eventually("the Reconciled condition", reconciledAt(w.Generation))
	w, err = websites.Get(ctx, "blog", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{finalizer}, w.Finalizers)

	registry := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, operatorNS)
	key := ns + ".blog"
	eventually("the registry key", func() bool {
		cm, err := registry.Get(ctx, registryName, metav1.GetOptions{})
		return err == nil && cm.Data[key] == w.UID
	})
	eventsOf := func() map[string]int {
		list, err := typed.For[eventsv1.Event, eventsv1.EventList](rc, ns).List(ctx, metav1.ListOptions{})
		require.NoError(t, err)
		reasons := map[string]int{}
		for _, e := range list.Items {
			if e.Regarding.Kind == "Website" && e.Regarding.Name == "blog" && e.Regarding.UID == w.UID {
				reasons[e.Reason+" "+e.Note]++
			}
		}
		return reasons
	}
	eventually("the Events", func() bool {
		ev := eventsOf()
		return ev["Created created Deployment blog: 2 replicas of nginx:1.27"] == 1 && ev["Created created Service blog"] == 1 &&
			ev["Registered added key "+key+" to ConfigMap kubewire-operator/websites"] == 1
	})

	// Scale through the Website.
	w.Spec.Replicas = new(int32(5))
	w, err = websites.Update(ctx, w, metav1.UpdateOptions{})
	require.NoError(t, err)
	eventually("scaled", func() bool {
		dep, err := deps.Get(ctx, "blog", metav1.GetOptions{})
		return err == nil && *dep.Spec.Replicas == 5
	})
	eventually("the condition follows the generation", reconciledAt(w.Generation))
	eventually("the scale Event", func() bool { return eventsOf()["Updated updated Deployment blog: replicas 5"] == 1 })

	// A Deployment changed by hand is set back.
	dep, err = deps.Get(ctx, "blog", metav1.GetOptions{})
	require.NoError(t, err)
	dep.Spec.Template.Spec.Containers[0].Image = "httpd"
	_, err = deps.Update(ctx, dep, metav1.UpdateOptions{})
	require.NoError(t, err)
	eventually("the image set back", func() bool {
		dep, err := deps.Get(ctx, "blog", metav1.GetOptions{})
		return err == nil && dep.Spec.Template.Spec.Containers[0].Image == "nginx:1.27"
	})

	// Delete: the finalizer removes the key, then the Website goes.
	require.NoError(t, websites.Delete(ctx, "blog", metav1.DeleteOptions{}))
	eventually("the Website is gone", func() bool {
		_, err := websites.Get(ctx, "blog", metav1.GetOptions{})
		return rest.IsNotFound(err)
	})
	cm, err := registry.Get(ctx, registryName, metav1.GetOptions{})
	require.NoError(t, err)
	assert.NotContains(t, cm.Data, key)
	// The fake runs a garbage collector, as a cluster does (the integration
	// harness does not): what the Website controlled goes with it.
	eventually("the Deployment and Service collected", func() bool {
		_, derr := deps.Get(ctx, "blog", metav1.GetOptions{})
		_, serr := typed.For[corev1.Service, corev1.ServiceList](rc, ns).Get(ctx, "blog", metav1.GetOptions{})
		return rest.IsNotFound(derr) && rest.IsNotFound(serr)
	})
	eventually("the Unregistered Event", func() bool {
		return eventsOf()["Unregistered removed key "+key+" from ConfigMap kubewire-operator/websites"] == 1
	})
}

// A Deployment of the Website's name that is not the operator's is left
// alone and reported; a registry deleted by hand is recreated with the
// keys of every Website.
func checkNameTakenAndRegistry(t *testing.T, ctx context.Context, rc *rest.Client, ns string) {
	t.Helper()
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	_, err := deps.Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "shop"}, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "shop"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "shop"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "theirs"}}}},
	}}, metav1.CreateOptions{})
	require.NoError(t, err)
	websites := typed.For[Website, WebsiteList](rc, ns)
	w, err := websites.Create(ctx, &Website{
		TypeMeta:   metav1.TypeMeta{APIVersion: "examples.kubewire.dev/v1", Kind: "Website"},
		ObjectMeta: metav1.ObjectMeta{Name: "shop"},
		Spec:       WebsiteSpec{Image: "nginx"},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		w, err := websites.Get(ctx, "shop", metav1.GetOptions{})
		if err != nil {
			return false
		}
		c := metav1.FindStatusCondition(w.Status.Conditions, conditionReconciled)
		return c != nil && c.Status == metav1.ConditionFalse && c.Reason == "NameTaken" &&
			c.Message == "Deployment shop exists and is not controlled by this Website"
	}, 30*time.Second, 20*time.Millisecond, "NameTaken")
	dep, err := deps.Get(ctx, "shop", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "theirs", dep.Spec.Template.Spec.Containers[0].Image, "left alone")
	assert.Empty(t, dep.OwnerReferences)
	require.Eventually(t, func() bool {
		list, err := typed.For[eventsv1.Event, eventsv1.EventList](rc, ns).List(ctx, metav1.ListOptions{})
		require.NoError(t, err)
		for _, e := range list.Items {
			if e.Regarding.UID == w.UID && e.Type == "Warning" && e.Reason == "NameTaken" {
				return true
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "a Warning Event")

	registry := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, operatorNS)
	require.NoError(t, registry.Delete(ctx, registryName, metav1.DeleteOptions{}))
	require.Eventually(t, func() bool {
		cm, err := registry.Get(ctx, registryName, metav1.GetOptions{})
		return err == nil && cm.Data[ns+".shop"] == w.UID
	}, 30*time.Second, 20*time.Millisecond, "the registry recreated")
}
