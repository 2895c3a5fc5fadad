//go:build integration

package integration

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

const gadgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.itest.kubewire.io
spec:
  group: itest.kubewire.io
  names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}
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

// gadget is a custom resource type written by hand, as users write them.
type gadget struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Size int `json:"size,omitempty"`
	} `json:"spec"`
}

type gadgetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []gadget `json:"items"`
}

var gadgetResource = metav1.Resource{Group: "itest.kubewire.io", Version: "v1", Resource: "gadgets", Kind: "Gadget", Namespaced: true}

func (*gadget) APIResource() *metav1.Resource { return &gadgetResource }
func (*gadget) NewList() *gadgetList          { return new(gadgetList) }

// TestTypedCustomResourceWithoutTypeMeta creates and updates a hand-written
// custom resource type whose apiVersion and kind the caller left empty:
// the server needs them in a custom resource's body, and the typed client
// takes them from the kind's descriptor without changing the caller's
// object.
func TestTypedCustomResourceWithoutTypeMeta(t *testing.T) {
	ctx := testContext(t)
	rc, dc := dynClients(t)
	objs, err := dynamic.DecodeManifests("crd.yaml", []byte(gadgetCRD))
	require.NoError(t, err)
	crdRes, err := dc.ResourceForKind(ctx, "apiextensions.k8s.io/v1", "CustomResourceDefinition")
	require.NoError(t, err)
	crds := dynamic.New(rc, crdRes.Typed(), "")
	_, err = crds.ApplyObject(ctx, objs[0], metav1.ApplyOptions{FieldManager: "itest"})
	require.NoError(t, err)
	// The CRD stays: TestCustomResourceBodyWithoutTypeMeta applies it too,
	// and one being deleted would not be served.
	ns := "kw-typed-cr"
	require.NoError(t, testenv.Shared(t).CreateNamespace(ctx, ns))

	gadgets := typed.For[gadget, gadgetList](rc, ns)
	in := &gadget{ObjectMeta: metav1.ObjectMeta{Name: "g1"}}
	in.Spec.Size = 3
	// The custom resource is served shortly after the CRD is created.
	var out *gadget
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		out, err = gadgets.Create(ctx, in, metav1.CreateOptions{})
		if !rest.IsNotFound(err) || time.Now().After(deadline) {
			break
		}
	}
	require.NoError(t, err)
	assert.Equal(t, metav1.TypeMeta{}, in.TypeMeta, "the caller's object is left as it was")
	assert.Equal(t, "Gadget", out.Kind)
	assert.Equal(t, 3, out.Spec.Size)

	up := &gadget{ObjectMeta: out.ObjectMeta}
	up.Spec.Size = 4
	got, err := gadgets.Update(ctx, up, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, 4, got.Spec.Size)
}

// TestCustomResourceBodyWithoutTypeMeta sends custom resource bodies that
// lack kind or apiVersion to kube-apiserver and to the fake, which must
// answer alike.
func TestCustomResourceBodyWithoutTypeMeta(t *testing.T) {
	ctx := testContext(t)
	env := testenv.Shared(t)
	rc, dc := dynClients(t)
	objs, err := dynamic.DecodeManifests("crd.yaml", []byte(gadgetCRD))
	require.NoError(t, err)
	crdRes, err := dc.ResourceForKind(ctx, "apiextensions.k8s.io/v1", "CustomResourceDefinition")
	require.NoError(t, err)
	_, err = dynamic.New(rc, crdRes.Typed(), "").ApplyObject(ctx, objs[0], metav1.ApplyOptions{FieldManager: "itest"})
	require.NoError(t, err)
	ns := "kw-typed-cr-body"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	srv := fake.NewServer(t, fake.WithObjects(gadgetCRD, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"`+ns+`"}}`))

	path := "/apis/itest.kubewire.io/v1/namespaces/" + ns + "/gadgets"
	for _, body := range []string{
		`{"metadata":{"name":"b1"},"spec":{"size":1}}`,
		`{"kind":"Gadget","metadata":{"name":"b2"}}`,
		`{"apiVersion":"itest.kubewire.io/v1","metadata":{"name":"b3"}}`,
	} {
		var realCode int
		var realMsg string
		// The custom resource is served shortly after the CRD is created
		// (a plain-text 404 until then).
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			realCode, err = env.Do(ctx, "POST", path, json.RawMessage(body), nil)
			if realCode != 404 || time.Now().After(deadline) {
				break
			}
		}
		var ae *testenv.APIError
		if errors.As(err, &ae) {
			var st metav1.Status
			require.NoError(t, json.Unmarshal(ae.Body, &st), "%s", ae.Body)
			realMsg = st.Message
		}
		res, err := http.Post(srv.URL()+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var st metav1.Status
		_ = json.Unmarshal(b, &st)
		fakeMsg := ""
		if res.StatusCode >= 300 {
			fakeMsg = st.Message
		}
		assert.Equal(t, realCode, res.StatusCode, "%s", body)
		assert.Equal(t, realMsg, fakeMsg, "%s", body)
	}
}
