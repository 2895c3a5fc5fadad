package dynamic

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
)

func TestDecodeNumbersAndShapes(t *testing.T) {
	o, err := Decode([]byte(`{"a":1,"b":-9007199254740993,"c":1.5,"d":1e3,"e":[true,null,"x",{}],"f":{"":2},"g":18446744073709551616}`))
	require.NoError(t, err)
	assert.Equal(t, int64(1), o["a"])
	assert.Equal(t, int64(-9007199254740993), o["b"], "integers stay exact")
	assert.Equal(t, 1.5, o["c"])
	assert.Equal(t, 1000.0, o["d"])
	assert.Equal(t, []any{true, nil, "x", map[string]any{}}, o["e"])
	assert.Equal(t, map[string]any{"": int64(2)}, o["f"])
	assert.Equal(t, 18446744073709551616.0, o["g"])
	for _, bad := range []string{`{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1`, `{"a"}`, strings.Repeat("[", 20000)} {
		_, err := Decode([]byte(`{"x":` + bad + `}`))
		assert.Error(t, err, bad)
	}
	_, err = Decode([]byte(`[1]`))
	assert.Error(t, err)
	_, err = Decode([]byte(`"x"`))
	assert.Error(t, err)
}

func TestListDecodeFillsItemKinds(t *testing.T) {
	var l List
	require.NoError(t, l.UnmarshalJSON([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"c"},"items":[{"metadata":{"name":"a"}},{"kind":"X","apiVersion":"y/v1"}]}`)))
	assert.Equal(t, "7", l.GetResourceVersion())
	assert.Equal(t, "c", l.GetContinue())
	assert.Equal(t, "Pod", l.Items[0].GetKind())
	assert.Equal(t, "v1", l.Items[0].GetAPIVersion())
	assert.Equal(t, "X", l.Items[1].GetKind())
	b, err := l.MarshalJSON()
	require.NoError(t, err)
	assert.Contains(t, string(b), `"items":[`)
}

func TestAccessors(t *testing.T) {
	var o Object
	assert.Equal(t, "", o.GetName())
	o.SetAPIVersion("apps/v1")
	o.SetKind("Deployment")
	o.SetName("web")
	o.SetNamespace("ns")
	o.SetLabels(map[string]string{"a": "b"})
	o.SetAnnotations(map[string]string{"x": "y"})
	o.SetFinalizers([]string{"f"})
	o.SetResourceVersion("5")
	o.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "p", UID: "u"}})
	assert.Equal(t, "apps", o.Group())
	assert.Equal(t, "v1", o.Version())
	assert.Equal(t, "web", o.GetName())
	assert.Equal(t, "ns", o.GetNamespace())
	assert.Equal(t, map[string]string{"a": "b"}, o.GetLabels())
	assert.Equal(t, map[string]string{"x": "y"}, o.GetAnnotations())
	assert.Equal(t, []string{"f"}, o.GetFinalizers())
	assert.Equal(t, "5", o.GetResourceVersion())
	assert.Equal(t, "p", o.GetOwnerReferences()[0].Name)
	assert.Nil(t, o.GetDeletionTimestamp())
	o["metadata"].(map[string]any)["deletionTimestamp"] = "2025-01-01T00:00:00Z"
	assert.Equal(t, 2025, o.GetDeletionTimestamp().Year())
	o.SetNamespace("")
	_, has := o["metadata"].(map[string]any)["namespace"]
	assert.False(t, has)
	cp := o.DeepCopy()
	cp.SetName("other")
	assert.Equal(t, "web", o.GetName())
	// Wrong types read as zero values, never panic.
	bad := Object{"metadata": "nope", "kind": 3}
	assert.Equal(t, "", bad.GetName())
	assert.Equal(t, "", bad.GetKind())
	assert.Nil(t, bad.GetLabels())
}

func TestNested(t *testing.T) {
	o := Object{"spec": map[string]any{"replicas": int64(3), "name": "x", "list": []any{"a", "b"}, "m": map[string]any{"k": "v"}, "f": 1.5}}
	s, ok, err := o.NestedString("spec", "name")
	assert.Equal(t, "x", s)
	assert.True(t, ok)
	assert.NoError(t, err)
	_, ok, err = o.NestedString("spec", "missing")
	assert.False(t, ok)
	assert.NoError(t, err)
	n, _, err := o.NestedInt64("spec", "replicas")
	assert.NoError(t, err)
	assert.Equal(t, int64(3), n)
	ss, _, _ := o.NestedStringSlice("spec", "list")
	assert.Equal(t, []string{"a", "b"}, ss)
	sm, _, _ := o.NestedStringMap("spec", "m")
	assert.Equal(t, map[string]string{"k": "v"}, sm)
	f, _, _ := o.NestedFloat64("spec", "replicas")
	assert.Equal(t, 3.0, f)

	var fe *FieldTypeError
	_, _, err = o.NestedString("spec", "replicas")
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, ".spec.replicas", fe.Path)
	assert.Equal(t, "string", fe.Want)
	assert.Equal(t, "number", fe.Got)
	_, _, err = o.NestedMap("spec", "name", "deeper")
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, ".spec.name", fe.Path)
	_, _, err = o.NestedSlice("spec", "m")
	assert.ErrorAs(t, err, &fe)
	_, _, err = o.NestedInt64("spec", "f")
	assert.ErrorAs(t, err, &fe)
	_, _, err = o.NestedBool("spec", "name")
	assert.ErrorAs(t, err, &fe)

	require.NoError(t, o.SetNested(5, "spec", "replicas"))
	n, _, _ = o.NestedInt64("spec", "replicas")
	assert.Equal(t, int64(5), n)
	require.NoError(t, o.SetNested([]string{"x"}, "status", "a", "b"))
	sl, _, _ := o.NestedStringSlice("status", "a", "b")
	assert.Equal(t, []string{"x"}, sl)
	err = o.SetNested("v", "spec", "name", "sub")
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "x", o["spec"].(map[string]any)["name"], "nothing changed")
	assert.Error(t, o.SetNested("v"))

	require.NoError(t, o.RemoveNested("spec", "replicas"))
	_, ok, _ = o.NestedInt64("spec", "replicas")
	assert.False(t, ok)
	require.NoError(t, o.RemoveNested("nope", "deeper"))
	assert.ErrorAs(t, o.RemoveNested("spec", "name", "x"), &fe)
	require.NoError(t, o.RemoveNested("status"))
	assert.NotContains(t, o, "status")
}

func TestConversionRoundTrip(t *testing.T) {
	pod := &corev1.Pod{}
	pod.APIVersion, pod.Kind = "v1", "Pod"
	pod.Name, pod.Namespace = "p", "ns"
	pod.Labels = map[string]string{"app": "x"}
	pod.Spec.Containers = []corev1.Container{{Name: "c", Image: "img", Ports: []corev1.ContainerPort{{ContainerPort: 8080}}}}
	o, err := ToUnstructured(pod)
	require.NoError(t, err)
	assert.Equal(t, "p", o.GetName())
	cs, _, err := o.NestedSlice("spec", "containers")
	require.NoError(t, err)
	port := cs[0].(map[string]any)["ports"].([]any)[0].(map[string]any)["containerPort"]
	assert.Equal(t, int64(8080), port)
	var back corev1.Pod
	require.NoError(t, FromUnstructured(o, &back))
	assert.Equal(t, *pod, back)

	_, err = ToUnstructured([]int{1})
	var ce *ConversionError
	assert.ErrorAs(t, err, &ce)
	err = FromUnstructured(Object{"spec": "not an object"}, &back)
	assert.ErrorAs(t, err, &ce)
}

func newFake(t *testing.T) (*rest.Client, *discovery.Client, *fake.Server) {
	t.Helper()
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(1000, 1000))
	require.NoError(t, err)
	dc, err := discovery.New(rc)
	require.NoError(t, err)
	return rc, dc, srv
}

func TestClientVerbs(t *testing.T) {
	ctx := t.Context()
	rc, dc, _ := newFake(t)
	c, err := ForKind(ctx, rc, dc, "v1", "ConfigMap", "default")
	require.NoError(t, err)
	for _, name := range []string{"a", "b", "c"} {
		o := Object{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"k": name}}
		o.SetName(name)
		_, err := c.CreateObject(ctx, o, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	got, err := c.Get(ctx, "b", metav1.GetOptions{})
	require.NoError(t, err)
	v, _, _ := got.NestedString("data", "k")
	assert.Equal(t, "b", v)

	var names []string
	for o, err := range c.All(ctx, metav1.ListOptions{Limit: 1}) {
		require.NoError(t, err)
		names = append(names, o.GetName())
		assert.Equal(t, "ConfigMap", o.GetKind())
	}
	assert.Subset(t, names, []string{"a", "b", "c"})

	require.NoError(t, got.SetNested("B", "data", "k"))
	up, err := c.Update(ctx, got, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.NotEqual(t, got.GetResourceVersion(), up.GetResourceVersion())
	_, err = c.Update(ctx, got, metav1.UpdateOptions{})
	assert.True(t, rest.IsConflict(err))

	p, err := c.Patch(ctx, "a", rest.StrategicMergePatch, []byte(`{"data":{"z":"1"}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"k": "a", "z": "1"}, mustStringMap(t, *p, "data"))
	_, err = c.ApplyObject(ctx, Object{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "d"}}, metav1.ApplyOptions{FieldManager: "t"})
	require.NoError(t, err)
	_, err = c.ApplyObject(ctx, Object{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "d"}}, metav1.ApplyOptions{})
	var fm *rest.RequestError
	assert.ErrorAs(t, err, &fm)

	require.NoError(t, c.Delete(ctx, "a", metav1.DeleteOptions{}))
	_, err = c.Get(ctx, "a", metav1.GetOptions{})
	assert.True(t, rest.IsNotFound(err))
	require.NoError(t, c.InNamespace("default").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}))
	l, err := c.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, l.Items)

	_, err = ForKind(ctx, rc, dc, "v1", "ConfigMapz", "default")
	var nf *discovery.NotFoundError
	assert.ErrorAs(t, err, &nf)
	_, err = ForKind(ctx, rc, nil, "v1", "ConfigMap", "")
	assert.Error(t, err)
}

func mustStringMap(t *testing.T, o Object, fields ...string) map[string]string {
	t.Helper()
	m, _, err := o.NestedStringMap(fields...)
	require.NoError(t, err)
	return m
}

func TestManifests(t *testing.T) {
	objs, err := DecodeManifests("m.yaml", []byte(`# comment only
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data:
  n: "1"
binaryData:
  b: !!binary |
    aGVs
    bG8=
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Secret, metadata: {name: s}}
- apiVersion: v1
  kind: Service
  metadata: {name: svc}
  spec: {ports: [{port: 80}], x: 1.5, t: 2025-01-01, big: 1e3, y: yes}
`))
	require.NoError(t, err)
	require.Len(t, objs, 3)
	assert.Equal(t, "aGVsbG8=", objs[0]["binaryData"].(map[string]any)["b"])
	assert.Equal(t, "1", objs[0]["data"].(map[string]any)["n"])
	spec := objs[2]["spec"].(map[string]any)
	assert.Equal(t, int64(80), spec["ports"].([]any)[0].(map[string]any)["port"])
	assert.Equal(t, 1.5, spec["x"])
	assert.Equal(t, "2025-01-01", spec["t"])
	assert.Equal(t, 1000.0, spec["big"])
	assert.Equal(t, "yes", spec["y"], "YAML 1.2: yes is a string")

	j, err := DecodeManifests("m.json", []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"n":1}}
{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}`))
	require.NoError(t, err)
	require.Len(t, j, 2)
	assert.Equal(t, int64(1), j[0]["data"].(map[string]any)["n"])
}

func TestManifestErrors(t *testing.T) {
	for _, tc := range []struct {
		in          string
		index, line int
		msg         string
	}{
		{"apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: [unclosed\n", 1, 7, ""},
		{"apiVersion: v1\nkind: A\n---\napiVersion: v1\n  kind: bad indent\n", 1, 5, ""},
		{"apiVersion: v1\nkind: A\n---\nmetadata: {name: x}\n", 1, 4, "no apiVersion or kind"},
		{"apiVersion: v1\nkind: A\nspec:\n  1: one\n", 0, 4, "not a string"},
		{"- a\n- b\n", 0, 1, "must be an object"},
		{"apiVersion: v1\nkind: A\nx: .inf\n", 0, 3, "cannot be represented"},
		{"apiVersion: v1\nkind: A\nx: !!binary '%%%'\n", 0, 3, "binary"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"A\"}\n{\"apiVersion\":\n\"v1\",,}", 1, 3, ""},
		{"{\"apiVersion\":\"v1\",\"kind\":\"A\"}\n{\"kind\":\"B\"}", 1, 2, "no apiVersion"},
	} {
		_, err := DecodeManifests("f.yaml", []byte(tc.in))
		var me *ManifestError
		if !assert.ErrorAs(t, err, &me, tc.in) {
			continue
		}
		assert.Equal(t, "f.yaml", me.Source)
		assert.Equal(t, tc.index, me.Index, tc.in)
		assert.Equal(t, tc.line, me.Line, "%s: %v", tc.in, err)
		assert.Contains(t, err.Error(), tc.msg)
	}
	// Alias bombs are bounded.
	bomb := "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	_, err := DecodeManifests("bomb.yaml", []byte(bomb))
	assert.Error(t, err)
}

func TestOrder(t *testing.T) {
	mk := func(av, kind, name string) Object {
		o := Object{"apiVersion": av, "kind": kind}
		o.SetName(name)
		return o
	}
	in := []Object{
		mk("demo.io/v1", "Gadget", "g"), mk("apps/v1", "Deployment", "d"),
		mk("apiextensions.k8s.io/v1", "CustomResourceDefinition", "crd"), mk("v1", "Namespace", "ns"),
		mk("v1", "Service", "s"), mk("v1", "Namespace", "ns2"),
	}
	var got []string
	for _, o := range Order(in) {
		got = append(got, o.GetName())
	}
	assert.Equal(t, []string{"ns", "ns2", "crd", "g", "d", "s"}, got)
}

func TestApplyFake(t *testing.T) {
	ctx := t.Context()
	rc, dc, _ := newFake(t)
	objs, err := ReadManifests("../examples/apply/testdata/demo", false)
	require.NoError(t, err)
	a := NewApplier(rc, dc, "test")
	res, err := a.Apply(ctx, objs)
	require.NoError(t, err)
	var lines []string
	for _, r := range res {
		lines = append(lines, r.String())
		assert.Equal(t, Created, r.Action)
	}
	assert.Equal(t, []string{
		"namespace/kw-apply-demo serverside-applied",
		"customresourcedefinition.apiextensions.k8s.io/gadgets.demo.kubewire.io serverside-applied",
		"gadget.demo.kubewire.io/sprocket serverside-applied",
		"deployment.apps/web serverside-applied",
		"service/web serverside-applied",
	}, lines)
	res, err = a.Apply(ctx, objs)
	require.NoError(t, err)
	for _, r := range res {
		assert.Equal(t, Unchanged, r.Action, r.String())
	}
	objs[3]["spec"].(map[string]any)["replicas"] = int64(2)
	res, err = a.Apply(ctx, objs)
	require.NoError(t, err)
	assert.Equal(t, Configured, res[3].Action)

	_, err = NewApplier(rc, dc, "").Apply(ctx, objs)
	assert.Error(t, err)
	_, err = a.Apply(ctx, []Object{{"apiVersion": "nope/v1", "kind": "Thing", "metadata": map[string]any{"name": "x"}}})
	var ae *ApplyError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, "Thing/x", ae.Object)
}
