package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// futurePod is a pod with members kubewire's types lack at the top, in
// metadata, spec, a container, its securityContext and a port. The fake
// server, like a newer real one, stores them.
func futurePod(name string) string {
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","futureTop":{"t":[1,2]},
	"metadata":{"name":%q,"namespace":"default","labels":{"app":"web"},"futureMeta":"m"},
	"spec":{"futureSpec":1,"containers":[
		{"name":"app","image":"nginx","futureContainer":true,"securityContext":{"runAsNonRoot":true,"futureSC":{"x":"<&>"}},
		 "ports":[{"containerPort":80,"protocol":"TCP","futurePort":"p80"},{"containerPort":81,"protocol":"TCP","futurePort":"p81"}]},
		{"name":"side","image":"busybox","futureContainer":"side"}]}}`, name)
}

// futureStatus is a status patch with members the types lack.
const futureStatus = `{"status":{"futureStatus":{"s":1},"conditions":[{"type":"Ready","status":"True","futureCondition":"c"}]}}`

// futureMembers are the unknown members of futurePod after futureStatus,
// by path (containers by name, ports by number).
var futureMembers = map[string]string{
	"futureTop":                                    `{"t":[1,2]}`,
	"metadata.futureMeta":                          `"m"`,
	"spec.futureSpec":                              `1`,
	"spec.containers.app.futureContainer":          `true`,
	"spec.containers.app.securityContext.futureSC": `{"x":"<&>"}`,
	"spec.containers.app.ports.80.futurePort":      `"p80"`,
	"spec.containers.app.ports.81.futurePort":      `"p81"`,
	"spec.containers.side.futureContainer":         `"side"`,
	"status.futureStatus":                          `{"s":1}`,
	"status.conditions.Ready.futureCondition":      `"c"`,
}

// member returns the value at path in the JSON object data, list items
// named by their name, containerPort or type, or by index as #i; "" when
// absent.
func member(t *testing.T, data []byte, path string) string {
	t.Helper()
	var cur any
	require.NoError(t, json.Unmarshal(data, &cur))
	for _, p := range splitPath(path) {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			cur = nil
			if i, err := strconv.Atoi(strings.TrimPrefix(p, "#")); strings.HasPrefix(p, "#") && err == nil && i < len(c) {
				cur = c[i]
				continue
			}
			for _, it := range c {
				m, _ := it.(map[string]any)
				for _, k := range []string{"name", "containerPort", "type"} {
					if v, ok := m[k]; ok && fmt.Sprint(v) == p {
						cur = m
					}
				}
			}
		default:
			return ""
		}
	}
	if cur == nil {
		return ""
	}
	b, err := json.Marshal(cur)
	require.NoError(t, err)
	return string(b)
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

// checkFuture fails unless data holds every future member.
func checkFuture(t *testing.T, what string, data []byte) {
	t.Helper()
	for path, want := range futureMembers {
		var w any
		require.NoError(t, json.Unmarshal([]byte(want), &w))
		canon, _ := json.Marshal(w)
		if got := member(t, data, path); got != string(canon) {
			t.Errorf("%s: %s = %s, want %s", what, path, got, canon)
		}
	}
}

func newFutureServer(t *testing.T, names ...string) (*rest.Client, typed.Interface[corev1.Pod, corev1.PodList]) {
	t.Helper()
	srv := fake.NewServer(t, fake.WithUnknownFields())
	// The members the types lack are JSON members here (the fake keeps
	// JSON, and its protobuf is converted through the types): the JSON
	// path is what keeps them.
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0), rest.WithJSON())
	require.NoError(t, err)
	ctx := context.Background()
	for _, name := range names {
		require.NoError(t, srv.Seed(futurePod(name)))
		_, err := rc.Patch(rest.MergePatch).Version("v1").Namespace("default").Resource("pods").Name(name).SubResource("status").
			BodyBytes([]byte(futureStatus), string(rest.MergePatch)).Do(ctx).Raw()
		require.NoError(t, err)
	}
	return rc, typed.For[corev1.Pod, corev1.PodList](rc, "default")
}

func rawPod(t *testing.T, rc *rest.Client, name string) []byte {
	t.Helper()
	b, err := rc.Get().Version("v1").Namespace("default").Resource("pods").Name(name).Do(context.Background()).Raw()
	require.NoError(t, err)
	return b
}

// Get, change, Update and UpdateStatus through the typed client keep every
// member the types lack, on the server.
func TestTypedUpdateKeepsUnknownMembers(t *testing.T) {
	rc, pods := newFutureServer(t, "web")
	ctx := context.Background()
	checkFuture(t, "seeded", rawPod(t, rc, "web"))

	p, err := pods.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	p.Labels["changed"] = "yes"
	// Containers whose images change keep their own members (a pod
	// update may change images, not reorder containers).
	p.Spec.Containers[0].Image, p.Spec.Containers[1].Image = "busybox", "nginx"
	up, err := pods.Update(ctx, p, metav1.UpdateOptions{})
	require.NoError(t, err)
	raw := rawPod(t, rc, "web")
	checkFuture(t, "after Update", raw)
	require.Equal(t, `"yes"`, member(t, raw, "metadata.labels.changed"))
	require.Equal(t, `"busybox"`, member(t, raw, "spec.containers.app.image"), "the image did not change")
	checkFuture(t, "Update's result re-encoded", mustMarshal(t, up))

	up.Status.Phase = "Running"
	st, err := pods.UpdateStatus(ctx, up, metav1.UpdateOptions{})
	require.NoError(t, err)
	raw = rawPod(t, rc, "web")
	checkFuture(t, "after UpdateStatus", raw)
	require.Equal(t, `"Running"`, member(t, raw, "status.phase"))

	// A typed object applied whole keeps them too.
	applied, err := pods.Apply(ctx, "web", st, metav1.ApplyOptions{FieldManager: "test", Force: true})
	require.NoError(t, err)
	checkFuture(t, "Apply's result", mustMarshal(t, applied))
}

// List, ListItems (detached, from a reused buffer), DecodeList and watch
// events keep them in every item.
func TestTypedListKeepsUnknownMembers(t *testing.T) {
	rc, pods := newFutureServer(t, "a", "b", "c")
	ctx := context.Background()

	l, err := pods.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, l.Items, 3)
	for i := range l.Items {
		checkFuture(t, "List item "+l.Items[i].Name, mustMarshal(t, &l.Items[i]))
	}

	items, _, err := pods.ListItems(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	// Another large response through the same pooled body buffer.
	_, _, err = typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").ListItems(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	_, _, err = pods.ListItems(ctx, metav1.ListOptions{LabelSelector: "none=such"})
	require.NoError(t, err)
	for i := range items {
		checkFuture(t, "ListItems item "+items[i].Name, mustMarshal(t, &items[i]))
	}

	body, err := rc.Get().Version("v1").Namespace("default").Resource("pods").Do(ctx).Raw()
	require.NoError(t, err)
	var dl corev1.PodList
	require.NoError(t, typed.DecodeList[corev1.Pod](body, &dl))
	checkFuture(t, "DecodeList item", mustMarshal(t, &dl.Items[1]))

	w, err := pods.Watch(ctx, metav1.ListOptions{ResourceVersion: "0"})
	require.NoError(t, err)
	defer w.Close()
	ev, err := w.Next()
	require.NoError(t, err)
	checkFuture(t, "watch event", mustMarshal(t, ev.Object))
	ev, err = w.NextDetached()
	require.NoError(t, err)
	checkFuture(t, "detached watch event", mustMarshal(t, ev.Object))
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := codec.Marshal(v)
	require.NoError(t, err)
	return b
}

// What a manager applied, extracted as a typed object and applied back,
// keeps the fields the types lack that the manager owns: leaving them out
// would release them, and the server would remove them.
func TestExtractApplyKeepsUnknownMembers(t *testing.T) {
	rc, pods := newFutureServer(t)
	ctx := context.Background()
	cfg := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ssa","namespace":"default","futureMeta":"m"},
		"spec":{"futureSpec":1,"containers":[{"name":"app","image":"nginx","securityContext":{"futureSC":{"x":1}}}]}}`)
	opts := metav1.ApplyOptions{FieldManager: "owner"}
	live, err := pods.Apply(ctx, "ssa", cfg, opts)
	require.NoError(t, err)
	applied, explicit, err := typed.Extract(live, "owner", "")
	require.NoError(t, err)
	applied.Spec.Containers[0].Image = "nginx:2"
	opts.Explicit = explicit
	_, err = pods.Apply(ctx, "ssa", applied, opts)
	require.NoError(t, err)
	raw := rawPod(t, rc, "ssa")
	require.Equal(t, `"nginx:2"`, member(t, raw, "spec.containers.app.image"))
	for path, want := range map[string]string{
		"metadata.futureMeta": `"m"`, "spec.futureSpec": `1`, "spec.containers.app.securityContext.futureSC": `{"x":1}`,
	} {
		require.Equal(t, want, member(t, raw, path), path)
	}
}
