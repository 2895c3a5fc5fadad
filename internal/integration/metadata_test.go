//go:build integration

package integration

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/metadata"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

const metaCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: metawidgets.itest.kubewire.io
spec:
  group: itest.kubewire.io
  names: {plural: metawidgets, singular: metawidget, kind: MetaWidget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
`

var metaWidgetResource = metav1.Resource{Group: "itest.kubewire.io", Version: "v1", Resource: "metawidgets", Kind: "MetaWidget", Namespaced: true}

// TestMetadataNegotiation lists, pages, gets, watches and caches built-in
// kinds and custom resources as PartialObjectMetadata against the real
// server, and checks the server's answers to the negotiation the fake
// server copies.
func TestMetadataNegotiation(t *testing.T) {
	ctx := testContext(t)
	rc, dc := dynClients(t)

	objs, err := dynamic.DecodeManifests("crd.yaml", []byte(metaCRD))
	require.NoError(t, err)
	crdRes, err := dc.ResourceForKind(ctx, "apiextensions.k8s.io/v1", "CustomResourceDefinition")
	require.NoError(t, err)
	crds := dynamic.New(rc, crdRes.Typed(), "")
	_, err = crds.ApplyObject(ctx, objs[0], metav1.ApplyOptions{FieldManager: "itest"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = crds.Delete(context.Background(), "metawidgets.itest.kubewire.io", metav1.DeleteOptions{}) })

	ns := "kw-metadata"
	require.NoError(t, testenv.Shared(t).CreateNamespace(ctx, ns))
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)
	widgets := dynamic.New(rc, &metaWidgetResource, ns)
	for i := range 5 {
		_, err := cms.Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i), Labels: map[string]string{"set": "meta"}},
			Data:       map[string]string{"payload": strings.Repeat("x", 1000)},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	// The custom resource is served shortly after the CRD is created.
	require.Eventually(t, func() bool {
		o := dynamic.Object{"apiVersion": "itest.kubewire.io/v1", "kind": "MetaWidget"}
		o.SetName("w-0")
		o.SetLabels(map[string]string{"set": "meta"})
		_, err = widgets.CreateObject(ctx, o, metav1.CreateOptions{})
		return err == nil || rest.IsAlreadyExists(err)
	}, 30*time.Second, 200*time.Millisecond, "custom resource not served: %v", err)
	for i := 1; i < 5; i++ {
		o := dynamic.Object{"apiVersion": "itest.kubewire.io/v1", "kind": "MetaWidget"}
		o.SetName(fmt.Sprintf("w-%d", i))
		o.SetLabels(map[string]string{"set": "meta"})
		require.NoError(t, o.SetNested(int64(i), "spec", "size"))
		_, err := widgets.CreateObject(ctx, o, metav1.CreateOptions{})
		require.NoError(t, err)
	}

	for _, tc := range []struct {
		r    *metav1.Resource
		kind string
		ver  string
		pfx  string
	}{{&corev1.ConfigMapResource, "ConfigMap", "v1", "cm-"}, {&metaWidgetResource, "MetaWidget", "itest.kubewire.io/v1", "w-"}} {
		t.Run(tc.kind, func(t *testing.T) {
			mc := metadata.New(rc, tc.r, ns)
			sel := metav1.ListOptions{LabelSelector: "set=meta"}
			page := sel
			page.Limit = 2
			first, err := mc.List(ctx, page)
			require.NoError(t, err)
			assert.Equal(t, "PartialObjectMetadataList", first.Kind)
			assert.Equal(t, "meta.k8s.io/v1", first.APIVersion)
			require.Len(t, first.Items, 2)
			assert.NotEmpty(t, first.Continue, "a limited list has a continue token")
			assert.Equal(t, tc.kind, first.Items[0].Kind)
			assert.Equal(t, tc.ver, first.Items[0].APIVersion)
			assert.Equal(t, tc.pfx+"0", first.Items[0].Name)
			assert.NotEmpty(t, first.Items[0].UID)
			assert.False(t, first.Items[0].CreationTimestamp.IsZero())

			var names []string
			for o, err := range mc.All(ctx, page) {
				require.NoError(t, err)
				names = append(names, o.Name)
			}
			assert.Equal(t, []string{tc.pfx + "0", tc.pfx + "1", tc.pfx + "2", tc.pfx + "3", tc.pfx + "4"}, names)
			items, meta, err := mc.ListItems(ctx, page)
			require.NoError(t, err)
			assert.Len(t, items, 5)
			assert.NotEmpty(t, meta.ResourceVersion)

			got, err := mc.Get(ctx, tc.pfx+"3", metav1.GetOptions{})
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"set": "meta"}, got.Labels)
			assert.Equal(t, tc.kind, got.Kind)

			// Watch from the list's version: the next change arrives as
			// metadata.
			w, err := mc.Watch(ctx, metav1.ListOptions{ResourceVersion: meta.ResourceVersion, LabelSelector: "set=meta"})
			require.NoError(t, err)
			defer w.Close()
			lc := dynamic.New(rc, tc.r, ns)
			o, err := lc.Get(ctx, tc.pfx+"4", metav1.GetOptions{})
			require.NoError(t, err)
			o.SetLabels(map[string]string{"set": "meta", "touched": "yes"})
			_, err = lc.Update(ctx, o, metav1.UpdateOptions{})
			require.NoError(t, err)
			ev, err := w.Next()
			require.NoError(t, err)
			assert.Equal(t, rest.EventModified, ev.Type)
			assert.Equal(t, tc.pfx+"4", ev.Object.Name)
			assert.Equal(t, "yes", ev.Object.Labels["touched"])

			// A patch answered as metadata.
			patched, err := mc.Patch(ctx, tc.pfx+"2", rest.MergePatch, []byte(`{"metadata":{"annotations":{"note":"patched"}}}`), metav1.PatchOptions{})
			require.NoError(t, err)
			assert.Equal(t, "patched", patched.Annotations["note"])
			assert.Equal(t, tc.kind, patched.Kind)

			// An informer of metadata, listing in pages of 2.
			inf, err := controller.NewInformer(metadata.ListerWatcher(mc), controller.WithPageSize(2), controller.WithLabelSelector("set=meta"))
			require.NoError(t, err)
			ictx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { _ = inf.Run(ictx); close(done) }()
			defer func() { cancel(); <-done }()
			require.NoError(t, inf.WaitForSync(ctx))
			assert.Equal(t, 5, inf.Lister().Len())
			cached, ok := inf.Lister().Get(ns, tc.pfx+"4")
			require.True(t, ok)
			assert.Equal(t, "yes", cached.Labels["touched"])
		})
	}

	// The server's negotiation, which the fake server copies: a list
	// asked as one object and an object asked as a list are 406.
	_, err = rc.Get().Version("v1").Namespace(ns).Resource("configmaps").
		Header("Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1").Do(ctx).Raw()
	assert.True(t, rest.ReasonForError(err) == metav1.StatusReasonNotAcceptable && statusCodeOf(err) == http.StatusNotAcceptable, "%v", err)
	_, err = rc.Get().Version("v1").Namespace(ns).Resource("configmaps").Name("cm-0").
		Header("Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1").Do(ctx).Raw()
	assert.True(t, statusCodeOf(err) == http.StatusNotAcceptable, "%v", err)
	// A watch asked for as a list ends at its first object, empty.
	st, err := rc.Get().Version("v1").Namespace(ns).Resource("configmaps").Param("watch", "true").
		Header("Accept", metadata.AcceptList).Stream(ctx)
	require.NoError(t, err)
	body, err := io.ReadAll(st)
	st.Close()
	require.NoError(t, err)
	assert.Empty(t, body)
	raw, err := rc.Get().Version("v1").Namespace(ns).Resource("configmaps").Name("cm-0").
		Header("Accept", metadata.AcceptObject).Do(ctx).Raw()
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1"`)
	assert.NotContains(t, string(raw), strings.Repeat("x", 100), "the data is not sent")

	// The metadata client asks for protobuf first, as client-go's does: the
	// server answers built-in kinds and custom resources alike in it, and
	// the answer decodes to what the JSON one does.
	for _, res := range []struct{ group, version, resource string }{{"", "v1", "configmaps"}, {"itest.kubewire.io", "v1", "metawidgets"}} {
		ask := func(accept string) rest.Result {
			return rc.Get().Group(res.group).Version(res.version).Namespace(ns).Resource(res.resource).Param("labelSelector", "set=meta").
				Header("Accept", accept).Do(ctx)
		}
		pb := ask("application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1," + metadata.AcceptList)
		require.NoError(t, pb.Err())
		ct := pb.Header().Get("Content-Type")
		require.Equal(t, "application/vnd.kubernetes.protobuf", ct, res.resource)
		body, _ := pb.Raw()
		var fromProto, fromJSON metav1.PartialObjectMetadataList
		require.NoError(t, codec.DecodeBody(body, ct, &fromProto, codec.Detached))
		require.NoError(t, ask(metadata.AcceptList).Into(&fromJSON))
		require.Len(t, fromProto.Items, 5, res.resource)
		assert.Equal(t, fromJSON, fromProto, res.resource)
	}
}

func statusCodeOf(err error) int {
	if se, ok := err.(*rest.StatusError); ok {
		return int(se.Status.Code)
	}
	return 0
}
