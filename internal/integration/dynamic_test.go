//go:build integration

package integration

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

const dynCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: dynwidgets.itest.kubewire.io
spec:
  group: itest.kubewire.io
  names: {plural: dynwidgets, singular: dynwidget, kind: DynWidget, shortNames: [dynw]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}, color: {type: string}}}
          status: {type: object, properties: {ready: {type: boolean}}}
`

func dynClients(t *testing.T) (*rest.Client, *discovery.Client) {
	t.Helper()
	env := testenv.Shared(t)
	rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), rest.WithRateLimit(100, 200))
	dc, err := discovery.New(rc)
	require.NoError(t, err)
	return rc, dc
}

func TestDynamicCustomResourceLifecycle(t *testing.T) {
	ctx := testContext(t)
	rc, dc := dynClients(t)

	objs, err := dynamic.DecodeManifests("crd.yaml", []byte(dynCRD))
	require.NoError(t, err)
	crdRes, err := dc.ResourceForKind(ctx, "apiextensions.k8s.io/v1", "CustomResourceDefinition")
	require.NoError(t, err)
	crds := dynamic.New(rc, crdRes.Typed(), "")
	_, err = crds.ApplyObject(ctx, objs[0], metav1.ApplyOptions{FieldManager: "itest"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = crds.Delete(t.Context(), "dynwidgets.itest.kubewire.io", metav1.DeleteOptions{}) })

	// Established, by watching the CRD.
	w, err := crds.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=dynwidgets.itest.kubewire.io"})
	require.NoError(t, err)
	for {
		ev, err := w.Next()
		require.NoError(t, err)
		conds, _, _ := ev.Object.NestedSlice("status", "conditions")
		established := false
		for _, c := range conds {
			m := c.(map[string]any)
			if m["type"] == "Established" && m["status"] == "True" {
				established = true
			}
		}
		if established {
			break
		}
	}
	w.Close()

	// In discovery (ResourceFor refreshes on a miss), with its short name.
	var res discovery.Resource
	require.Eventually(t, func() bool {
		res, err = dc.ResourceFor(ctx, "dynw")
		return err == nil
	}, 30*time.Second, 200*time.Millisecond, "discovery: %v", err)
	assert.Equal(t, "dynwidgets.v1.itest.kubewire.io", res.String())
	assert.Equal(t, "DynWidget", res.Kind)
	assert.True(t, res.Namespaced)
	assert.Equal(t, "status", res.Subresources[0].Name)

	ns := "kw-dynamic"
	require.NoError(t, testenv.Shared(t).CreateNamespace(ctx, ns))
	c, err := dynamic.ForKind(ctx, rc, dc, "itest.kubewire.io/v1", "DynWidget", ns)
	require.NoError(t, err)

	// Watch from now.
	list, err := c.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	watch, err := c.Watch(ctx, metav1.ListOptions{ResourceVersion: list.GetResourceVersion()})
	require.NoError(t, err)
	defer watch.Close()

	// Create.
	for i := range 3 {
		o := dynamic.Object{"apiVersion": "itest.kubewire.io/v1", "kind": "DynWidget"}
		o.SetName(fmt.Sprintf("w%d", i))
		o.SetLabels(map[string]string{"app": "dyn"})
		require.NoError(t, o.SetNested(int64(i+1), "spec", "size"))
		created, err := c.CreateObject(ctx, o, metav1.CreateOptions{})
		require.NoError(t, err)
		assert.NotEmpty(t, created.GetUID())
		assert.Equal(t, int64(1), created.GetGeneration())
	}
	ev, err := watch.Next()
	require.NoError(t, err)
	assert.Equal(t, rest.EventAdded, ev.Type)
	assert.Equal(t, "w0", ev.Object.GetName())

	// List, with pagination.
	var names []string
	for o, err := range c.All(ctx, metav1.ListOptions{Limit: 2, LabelSelector: "app=dyn"}) {
		require.NoError(t, err)
		names = append(names, o.GetName())
		assert.Equal(t, "DynWidget", o.GetKind())
	}
	assert.Equal(t, []string{"w0", "w1", "w2"}, names)

	// Patch: merge and JSON patch; strategic merge is refused for custom
	// resources (415).
	p, err := c.Patch(ctx, "w1", rest.MergePatch, []byte(`{"spec":{"color":"red"}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	color, _, _ := p.NestedString("spec", "color")
	assert.Equal(t, "red", color)
	size, _, _ := p.NestedInt64("spec", "size")
	assert.Equal(t, int64(2), size)
	p, err = c.Patch(ctx, "w1", rest.JSONPatch, []byte(`[{"op":"replace","path":"/spec/size","value":20}]`), metav1.PatchOptions{})
	require.NoError(t, err)
	size, _, _ = p.NestedInt64("spec", "size")
	assert.Equal(t, int64(20), size)
	_, err = c.Patch(ctx, "w1", rest.StrategicMergePatch, []byte(`{"spec":{"color":"x"}}`), metav1.PatchOptions{})
	require.Error(t, err)

	// Server-side apply.
	ap := dynamic.Object{"apiVersion": "itest.kubewire.io/v1", "kind": "DynWidget",
		"metadata": map[string]any{"name": "w3"}, "spec": map[string]any{"size": int64(9)}}
	applied, err := c.ApplyObject(ctx, ap, metav1.ApplyOptions{FieldManager: "itest"})
	require.NoError(t, err)
	assert.Equal(t, "itest", applied.GetManagedFields()[0].(map[string]any)["manager"])

	// Update status.
	cur, err := c.Get(ctx, "w1", metav1.GetOptions{})
	require.NoError(t, err)
	require.NoError(t, cur.SetNested(true, "status", "ready"))
	st, err := c.UpdateStatus(ctx, cur, metav1.UpdateOptions{})
	require.NoError(t, err)
	ready, _, _ := st.NestedBool("status", "ready")
	assert.True(t, ready)

	// Update (conflict on a stale resourceVersion).
	cur.SetResourceVersion(list.GetResourceVersion())
	_, err = c.Update(ctx, cur, metav1.UpdateOptions{})
	assert.True(t, rest.IsConflict(err) || rest.IsInvalid(err), "%v", err)

	// Delete one, then the collection.
	require.NoError(t, c.Delete(ctx, "w0", metav1.DeleteOptions{PropagationPolicy: new(metav1.DeletePropagationBackground)}))
	_, err = c.Get(ctx, "w0", metav1.GetOptions{})
	assert.True(t, rest.IsNotFound(err))
	require.NoError(t, c.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}))
	left, err := c.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, left.Items)

	// The watch saw the modifications and deletions.
	seen := map[rest.EventType]int{}
	deadline := time.Now().Add(20 * time.Second)
	for seen[rest.EventDeleted] < 4 && time.Now().Before(deadline) {
		ev, err := watch.Next()
		require.NoError(t, err)
		seen[ev.Type]++
	}
	assert.GreaterOrEqual(t, seen[rest.EventModified], 3)
	assert.Equal(t, 4, seen[rest.EventDeleted])
}

// kubectlPath returns the kubectl binary or skips the test.
func kubectlPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/kubectl"); err == nil {
		return "/usr/bin/kubectl"
	}
	p, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	return p
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func TestAPIResourcesMatchesKubectl(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	kubectl := kubectlPath(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := goBuild(t, moduleRoot(t), "./examples/api-resources", "api-resources")

	home := t.TempDir()
	run := func(name string, args ...string) string {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = append(os.Environ(), "HOME="+home)
		out, err := cmd.Output()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s: %v\n%s", name, err, ee.Stderr)
		}
		require.NoError(t, err)
		return string(out)
	}
	want := run(kubectl, "--kubeconfig", kc, "api-resources")
	got := run(bin, "-kubeconfig", kc, "-cache-dir", filepath.Join(home, "kw-cache"))
	assert.Equal(t, want, got)
	assert.True(t, strings.HasPrefix(got, "NAME"))
	// Again from the disk cache.
	got = run(bin, "-kubeconfig", kc, "-cache-dir", filepath.Join(home, "kw-cache"))
	assert.Equal(t, want, got)
	fi, err := os.Stat(filepath.Join(home, "kw-cache"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
}

func TestDiscoveryAggregatedMatchesLegacy(t *testing.T) {
	ctx := testContext(t)
	rc, dc := dynClients(t)
	agg, err := dc.ServerResources(ctx)
	require.NoError(t, err)
	leg, err := discovery.New(rc, discovery.WithLegacyDiscovery())
	require.NoError(t, err)
	l, err := leg.ServerResources(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(agg.Preferred()), len(l.Preferred()))
	m := discovery.NewRESTMapper(agg)
	r, err := m.ResourceFor("deploy")
	require.NoError(t, err)
	assert.Equal(t, "deployments.v1.apps", r.String())
	_, err = m.ResourceFor("deploymnt")
	var nf *discovery.NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, nf.Suggestions, "deployments.apps")
	v, err := dc.ServerVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, "1", v.Major)
}
