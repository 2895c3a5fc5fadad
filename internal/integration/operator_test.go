//go:build integration

package integration

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/apiextensionsv1"
	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// opWebsite is the operator example's custom resource, as a client of it
// would declare it.
type opWebsite struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Image    string `json:"image"`
		Replicas *int32 `json:"replicas,omitempty"`
	} `json:"spec"`
	Status struct {
		ObservedGeneration int64              `json:"observedGeneration,omitempty"`
		Conditions         []metav1.Condition `json:"conditions,omitempty"`
	} `json:"status,omitzero"`
}

type opWebsiteList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []opWebsite `json:"items"`
}

var opWebsiteResource = metav1.Resource{Group: "examples.kubewire.dev", Version: "v1", Resource: "websites", Kind: "Website", Namespaced: true}

func (*opWebsite) APIResource() *metav1.Resource { return &opWebsiteResource }
func (*opWebsite) NewList() *opWebsiteList       { return new(opWebsiteList) }

// The operator example, built and run as a program against the real
// server: it installs its CRD; a Website gets its Deployment, Service,
// Reconciled condition, registry key and Events; scaling goes through the
// Website; deleting the Website runs the finalizer, which removes the key.
// The harness runs no garbage collector (no kube-controller-manager), so
// the Deployment and Service, which the collector would delete in a
// cluster, stay behind with their owner reference to the deleted Website.
func TestExampleOperator(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), rest.WithRateLimit(-1, 0))
	ns := tempNamespace(t, rc, nil)
	crds := typed.For[apiextensionsv1.CustomResourceDefinition, apiextensionsv1.CustomResourceDefinitionList](rc, "")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		crds.Delete(ctx, "websites.examples.kubewire.dev", metav1.DeleteOptions{})
		typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Delete(ctx, "kubewire-operator", metav1.DeleteOptions{})
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	healthAddr := ln.Addr().String()
	ln.Close()
	bin := goBuild(t, "../..", "./examples/operator", "operator")
	var out bytes.Buffer
	cmd := exec.Command(bin, "-kubeconfig", env.Kubeconfig(testenv.IdentityAdminToken), "-identity", "itest",
		"-health-addr", healthAddr, "-lease-duration", "3s", "-renew-deadline", "2s", "-retry-period", "500ms")
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("operator output:\n%s", out.String())
		}
	})
	eventually := func(what string, cond func() bool) {
		t.Helper()
		require.Eventually(t, func() bool {
			select {
			case err := <-exited:
				exited <- err
				t.Fatalf("the operator exited: %v", err)
			default:
			}
			return cond()
		}, 45*time.Second, 50*time.Millisecond, what)
	}

	// The CRD is installed and established; the operator reports ready as
	// the leader.
	eventually("the CRD is established", func() bool {
		crd, err := crds.Get(ctx, "websites.examples.kubewire.dev", metav1.GetOptions{})
		if err != nil {
			return false
		}
		for _, c := range crd.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				return true
			}
		}
		return false
	})
	eventually("ready as the leader", func() bool {
		resp, err := http.Get("http://" + healthAddr + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == 200 && string(b) == "ok: leader\n"
	})

	websites := typed.For[opWebsite, opWebsiteList](rc, ns)
	site := &opWebsite{TypeMeta: metav1.TypeMeta{APIVersion: "examples.kubewire.dev/v1", Kind: "Website"}, ObjectMeta: metav1.ObjectMeta{Name: "blog"}}
	site.Spec.Image = "registry.example/nginx:1.27"
	w, err := websites.Create(ctx, site, metav1.CreateOptions{})
	require.NoError(t, err)
	require.NotNil(t, w.Spec.Replicas, "the CRD's schema defaults replicas")
	assert.Equal(t, int32(1), *w.Spec.Replicas)

	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns)
	var dep *appsv1.Deployment
	eventually("the Deployment", func() bool {
		dep, err = deps.Get(ctx, "blog", metav1.GetOptions{})
		return err == nil
	})
	assert.Equal(t, int32(1), *dep.Spec.Replicas)
	assert.Equal(t, "registry.example/nginx:1.27", dep.Spec.Template.Spec.Containers[0].Image)
	wantRef := metav1.OwnerReference{APIVersion: "examples.kubewire.dev/v1", Kind: "Website", Name: "blog", UID: w.UID,
		Controller: new(true), BlockOwnerDeletion: new(true)}
	assert.Equal(t, []metav1.OwnerReference{wantRef}, dep.OwnerReferences)
	var svc *corev1.Service
	eventually("the Service", func() bool {
		svc, err = typed.For[corev1.Service, corev1.ServiceList](rc, ns).Get(ctx, "blog", metav1.GetOptions{})
		return err == nil
	})
	assert.Equal(t, []metav1.OwnerReference{wantRef}, svc.OwnerReferences)
	assert.Equal(t, "blog", svc.Spec.Selector["app.kubernetes.io/name"])

	reconciledAt := func(gen int64) func() bool {
		return func() bool {
			w, err := websites.Get(ctx, "blog", metav1.GetOptions{})
			if err != nil {
				return false
			}
			c := metav1.FindStatusCondition(w.Status.Conditions, "Reconciled")
			return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == gen && w.Status.ObservedGeneration == gen
		}
	}
	eventually("the Reconciled condition", reconciledAt(w.Generation))

	registry := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, "kubewire-operator")
	key := ns + ".blog"
	eventually("the registry key", func() bool {
		cm, err := registry.Get(ctx, "websites", metav1.GetOptions{})
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
		return ev["Created created Deployment blog: 1 replicas of registry.example/nginx:1.27"] == 1 &&
			ev["Created created Service blog"] == 1 &&
			ev["Registered added key "+key+" to ConfigMap kubewire-operator/websites"] == 1
	})

	// Scale through the Website.
	w, err = websites.Get(ctx, "blog", metav1.GetOptions{})
	require.NoError(t, err)
	w.Spec.Replicas = new(int32(3))
	w, err = websites.Update(ctx, w, metav1.UpdateOptions{})
	require.NoError(t, err)
	eventually("scaled", func() bool {
		dep, err := deps.Get(ctx, "blog", metav1.GetOptions{})
		return err == nil && *dep.Spec.Replicas == 3
	})
	eventually("the condition follows the generation", reconciledAt(w.Generation))
	eventually("the scale Event", func() bool { return eventsOf()["Updated updated Deployment blog: replicas 3"] == 1 })

	// Delete: the finalizer removes the key, then the Website goes.
	require.NoError(t, websites.Delete(ctx, "blog", metav1.DeleteOptions{}))
	eventually("the Website is gone", func() bool {
		_, err := websites.Get(ctx, "blog", metav1.GetOptions{})
		return rest.IsNotFound(err)
	})
	cm, err := registry.Get(ctx, "websites", metav1.GetOptions{})
	require.NoError(t, err)
	assert.NotContains(t, cm.Data, key)
	eventually("the Unregistered Event", func() bool {
		return eventsOf()["Unregistered removed key "+key+" from ConfigMap kubewire-operator/websites"] == 1
	})
	// The metrics hooks' counters, served beside the health endpoints.
	resp, err := http.Get("http://" + healthAddr + "/metrics")
	require.NoError(t, err)
	metricsText, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(metricsText), "website_operator_leader 1\n")
	assert.Regexp(t, `(?m)^website_operator_reconciles_total [1-9][0-9]*$`, string(metricsText))

	// No garbage collector here: what it would delete is left.
	dep, err = deps.Get(ctx, "blog", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, w.UID, dep.OwnerReferences[0].UID)

	// Interrupted, the operator stops cleanly and gives up the lease.
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	select {
	case err := <-exited:
		exited <- err
		require.NoError(t, err, "exit status")
	case <-time.After(20 * time.Second):
		t.Fatal("the operator did not stop")
	}
	assert.Contains(t, out.String(), "stopped leading")
}
