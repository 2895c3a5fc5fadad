package corev1_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/internal/jsonwire"
	"github.com/kubewire/kubewire/typed"
)

func podWithFuture(t *testing.T, i int) []byte {
	t.Helper()
	return fixtures.FuturePodJSON(i)
}

// withMembers is fixtures.WithMembers, failing t on error.
func withMembers(t *testing.T, doc []byte, adds map[string]any) []byte {
	t.Helper()
	b, err := fixtures.WithMembers(doc, adds)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := codec.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every decode entry point keeps the members the types lack, at every
// level, and the encoder writes them back: the round trip is JSON-equal.
func TestUnknownMembersRoundTrip(t *testing.T) {
	in := podWithFuture(t, 3)
	decoders := map[string]func(*corev1.Pod) error{
		"UnmarshalJSON":         func(p *corev1.Pod) error { return p.UnmarshalJSON(in) },
		"codec.Unmarshal":       func(p *corev1.Pod) error { return codec.Unmarshal(in, p) },
		"encoding/json":         func(p *corev1.Pod) error { return json.Unmarshal(in, p) },
		"codec.Decode (stream)": func(p *corev1.Pod) error { return codec.Decode(bytes.NewReader(in), p) },
	}
	for name, decode := range decoders {
		var p corev1.Pod
		if err := decode(&p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := mustMarshal(t, &p)
		if d := fixtures.JSONDiff(in, out); d != "" {
			t.Errorf("%s: round trip changed the pod: %s", name, d)
		}
		// Encoding twice gives the same bytes: the members have a
		// stable place, after the declared fields.
		if again := mustMarshal(t, &p); !bytes.Equal(out, again) {
			t.Errorf("%s: two encodings differ", name)
		}
		if !bytes.HasSuffix(out, []byte(`,"futureTop":{"a":[1,"two",{"b":null}]}}`)) {
			t.Errorf("%s: the top-level member is not last: %s", name, out[len(out)-80:])
		}
	}
}

// A copy of a decoded object shares its unknown members, and changes to
// declared fields are encoded together with them.
func TestUnknownMembersSurviveChanges(t *testing.T) {
	in := podWithFuture(t, 5)
	var p corev1.Pod
	if err := p.UnmarshalJSON(in); err != nil {
		t.Fatal(err)
	}
	q := p
	q.Labels = map[string]string{"changed": "yes"}
	want := withMembers(t, in, map[string]any{"metadata.labels": map[string]any{"changed": "yes"}})
	if d := fixtures.JSONDiff(want, mustMarshal(t, &q)); d != "" {
		t.Fatalf("label change: %s", d)
	}
	if d := fixtures.JSONDiff(in, mustMarshal(t, &p)); d != "" {
		t.Fatalf("the original changed with its copy: %s", d)
	}
}

// List items are identified by their list-map keys: reordered containers
// keep their own members; a removed container or a struct set to nil
// takes its members with it.
func TestUnknownMembersFollowListKeys(t *testing.T) {
	in := podWithFuture(t, 8)
	var p corev1.Pod
	if err := p.UnmarshalJSON(in); err != nil {
		t.Fatal(err)
	}
	c := p.Spec.Containers
	p.Spec.Containers = []corev1.Container{c[1], c[0]}
	out := mustMarshal(t, &p)
	var got struct {
		Spec struct {
			Containers []map[string]json.RawMessage `json:"containers"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	app, sidecar := got.Spec.Containers[1], got.Spec.Containers[0]
	if string(app["futureContainer"]) != `"app's"` || !bytes.Contains(app["securityContext"], []byte(`"futureSC":{"level":3}`)) {
		t.Errorf("the app container lost its members after reordering: %s", app)
	}
	if _, ok := sidecar["futureContainer"]; ok {
		t.Errorf("the sidecar took the app container's member: %s", sidecar["futureContainer"])
	}
	if !bytes.Contains(sidecar["env"], []byte(`"futureEnv":["e"]`)) {
		t.Errorf("the sidecar's env lost its member: %s", sidecar["env"])
	}
	// Ports are keyed by containerPort and protocol: the second port of
	// the app container keeps its member when the first is removed.
	appC := &p.Spec.Containers[1]
	appC.Ports = appC.Ports[1:]
	appC.SecurityContext = nil
	p.Spec.Containers = p.Spec.Containers[1:]
	out = mustMarshal(t, &p)
	if !bytes.Contains(out, []byte(`"futurePort":8`)) {
		t.Errorf("the metrics port lost its member")
	}
	for _, gone := range []string{"futureSC", "futureEnv"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("%s survived the removal of its object", gone)
		}
	}
}

// A list decoded by every path keeps the members of its own objects and
// of each item.
func TestUnknownMembersInLists(t *testing.T) {
	// Large enough for typed.DecodeList to decode the items in parallel,
	// with members the types lack in a few, one of them in the second half.
	var items []string
	for i := range 400 {
		if i == 1 || i == 2 || i == 250 {
			items = append(items, string(podWithFuture(t, i)))
		} else {
			items = append(items, string(fixtures.PodJSON(i)))
		}
	}
	list := func(items []string) []byte {
		return withMembers(t, []byte(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[`+strings.Join(items, ",")+`]}`),
			map[string]any{"futureList": 1.0, "metadata.futureListMeta": "m"})
	}
	large, small := list(items), list(items[:3])
	if len(large) < codec.ParallelMin {
		t.Fatalf("the list is %d bytes, too small to be decoded in parallel", len(large))
	}
	decodeList := func(in []byte, l *corev1.PodList) error { return typed.DecodeList[corev1.Pod](bytes.Clone(in), l) }
	for _, c := range []struct {
		name   string
		in     []byte
		decode func([]byte, *corev1.PodList) error
	}{
		{"UnmarshalJSON", large, func(in []byte, l *corev1.PodList) error { return l.UnmarshalJSON(in) }},
		{"codec.Unmarshal", large, func(in []byte, l *corev1.PodList) error { return codec.Unmarshal(in, l) }},
		{"typed.DecodeList, parallel", large, decodeList},
		{"typed.DecodeList, sequential", small, decodeList},
		{"typed.DecodeList, first item", list(items[1:3]), decodeList},
	} {
		var l corev1.PodList
		if err := c.decode(c.in, &l); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if d := fixtures.JSONDiff(c.in, mustMarshal(t, &l)); d != "" {
			t.Errorf("%s: the list changed: %s", c.name, d)
		}
		last, want := len(l.Items)-1, 2
		if last > 250 {
			last, want = 250, 250
		}
		if d := fixtures.JSONDiff(podWithFuture(t, want), mustMarshal(t, &l.Items[last])); d != "" {
			t.Errorf("%s: item %d alone: %s", c.name, last, d)
		}
	}
}

// Members are written once: a key repeated in the input keeps its last
// value, as for a declared field.
func TestUnknownMemberRepeated(t *testing.T) {
	in := []byte(`{"metadata":{"name":"a","future":1,"future":2},"spec":{"containers":null},"status":{}}`)
	var p corev1.Pod
	if err := p.UnmarshalJSON(in); err != nil {
		t.Fatal(err)
	}
	out := mustMarshal(t, &p)
	if bytes.Count(out, []byte(`"future"`)) != 1 || !bytes.Contains(out, []byte(`"future":2`)) {
		t.Fatalf("got %s", out)
	}
}

// BenchmarkUnknownMembers decodes and encodes a pod without members its
// types lack and with the 14 of fixtures.FutureMembers, the slow path.
func BenchmarkUnknownMembers(b *testing.B) {
	for _, c := range []struct {
		name string
		data []byte
	}{{"none", fixtures.PodJSON(1)}, {"future", fixtures.FuturePodJSON(1)}} {
		b.Run("decode/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				var p corev1.Pod
				if err := p.UnmarshalJSON(c.data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("encode/"+c.name, func(b *testing.B) {
			var p corev1.Pod
			if err := p.UnmarshalJSON(c.data); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.Marshal(&p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// An apply encoding of a decoded object writes its unknown members too,
// with the declared fields as the apply encoding writes them; a struct
// held by value that the apply encoding leaves out for writing nothing is
// written when members were read into it, a pointer set to nil or a map
// entry removed is not.
func TestUnknownMembersApplyEncoding(t *testing.T) {
	in := []byte(`{"apiVersion":"v1","kind":"Pod","futureTop":1,"metadata":{"name":"a","futureMeta":"m"},
		"spec":{"containers":[{"name":"app","image":"x","securityContext":{"futureSC":true}}],"nodeSelector":{"k":"v"}},
		"status":{"futureStatus":{"s":1}}}`)
	var p corev1.Pod
	if err := p.UnmarshalJSON(in); err != nil {
		t.Fatal(err)
	}
	body, missed, err := jsonwire.MarshalApply(&p, nil)
	if err != nil || len(missed) != 0 {
		t.Fatal(err, missed)
	}
	want := `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","futureMeta":"m"},` +
		`"spec":{"containers":[{"name":"app","image":"x","securityContext":{"futureSC":true}}],"nodeSelector":{"k":"v"}},` +
		`"futureTop":1,"status":{"futureStatus":{"s":1}}}`
	if string(body) != want {
		t.Fatalf("apply encoding:\ngot  %s\nwant %s", body, want)
	}
	p.Spec.Containers[0].SecurityContext = nil
	body, _, err = jsonwire.MarshalApply(&p, nil)
	if err != nil || bytes.Contains(body, []byte("futureSC")) {
		t.Fatalf("a struct set to nil came back: %s (%v)", body, err)
	}
}
