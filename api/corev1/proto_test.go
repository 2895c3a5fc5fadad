package corev1_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/internal/protowire"
)

// jsonPod decodes fixture pod i from JSON.
func jsonPod(t testing.TB, i int) *corev1.Pod {
	t.Helper()
	var p corev1.Pod
	if err := p.UnmarshalJSON(fixtures.PodJSON(i)); err != nil {
		t.Fatal(err)
	}
	return &p
}

// The same pod read from JSON and from protobuf is the same value, and
// writes the same JSON.
func TestProtoEqualsJSON(t *testing.T) {
	for i := range 20 {
		js := jsonPod(t, i)
		var pb corev1.Pod
		if err := pb.UnmarshalProto(js.AppendProto(nil)); err != nil {
			t.Fatal(err)
		}
		pb.TypeMeta = js.TypeMeta
		if !reflect.DeepEqual(js, &pb) {
			t.Fatalf("pod %d differs", i)
		}
		out, err := codec.Marshal(&pb)
		want, _ := codec.Marshal(js)
		if err != nil || !bytes.Equal(out, want) {
			t.Fatalf("pod %d re-encoded to JSON differs (%v)", i, err)
		}
	}
}

// field returns the value of the last field num of a message.
func field(t *testing.T, msg []byte, num int) []byte {
	t.Helper()
	d := protowire.NewDecoder(msg)
	var v []byte
	for d.Next() {
		if d.Num() == num {
			v = d.Bytes()
		} else {
			d.Skip()
		}
	}
	if err := d.Err(); err != nil || v == nil {
		t.Fatalf("field %d: %v", num, err)
	}
	return v
}

// items returns the values of repeated field num.
func items(t *testing.T, msg []byte, num int) [][]byte {
	t.Helper()
	d := protowire.NewDecoder(msg)
	var out [][]byte
	for d.Next() {
		if d.Num() == num {
			out = append(out, d.Bytes())
		} else {
			d.Skip()
		}
	}
	return out
}

// appendAt returns msg with an unknown field appended to the message at
// path (field numbers from the top; items of repeated fields by index
// given as the next element).
func appendAt(msg []byte, path []int, extra []byte) []byte {
	if len(path) == 0 {
		return append(append([]byte(nil), msg...), extra...)
	}
	num, index := path[0], -1
	rest := path[1:]
	if len(rest) > 0 && rest[0] < 0 {
		index, rest = -rest[0]-1, rest[1:]
	}
	d := protowire.NewDecoder(msg)
	var out []byte
	seen := 0
	for d.Next() {
		n := d.Num()
		if n == num {
			v := d.Bytes()
			if index < 0 || seen == index {
				v = appendAt(v, rest, extra)
			}
			seen++
			out = protowire.AppendBytes(out, protowire.Tag(n, protowire.WireBytes), v)
			continue
		}
		// Copy other fields as they are: re-read them raw.
		out = append(out, d.RawField()...)
	}
	return out
}

// Fields a newer server sends, at the top, in the spec, in the second
// container and in a list item, are kept and written back where they were.
func TestProtoUnknownFields(t *testing.T) {
	js := jsonPod(t, 3)
	base := js.AppendProto(nil)
	top := protowire.AppendString(nil, protowire.Tag(90, protowire.WireBytes), "top")
	spec := protowire.AppendUvarint(nil, protowire.Tag(91, protowire.WireVarint), 7)
	ctr := protowire.AppendString(nil, protowire.Tag(92, protowire.WireBytes), "ctr")
	in := appendAt(base, nil, top)
	in = appendAt(in, []int{2}, spec)
	in = appendAt(in, []int{2, 2, -2}, ctr)
	var p corev1.Pod
	if err := p.UnmarshalProto(in); err != nil {
		t.Fatal(err)
	}
	out := p.AppendProto(nil)
	if !bytes.Equal(out, in) || p.ProtoSize() != len(in) {
		t.Fatalf("unknown fields not written back where they were: %d bytes, want %d", len(out), len(in))
	}
	// A copy keeps them; the value without them encodes as before.
	cp := p.DeepCopy()
	if !bytes.Equal(cp.AppendProto(nil), in) {
		t.Error("DeepCopy dropped the unknown fields")
	}
	// Reordered containers keep theirs by index (the documented limit).
	if got := field(t, field(t, out, 2), 2); !bytes.HasSuffix(items(t, field(t, out, 2), 2)[1], ctr) || len(got) == 0 {
		t.Error("container's unknown field moved")
	}

	// In a list, each item keeps its own: taken out of the list, a pod
	// still writes them.
	l := corev1.PodList{Items: []corev1.Pod{*jsonPod(t, 1), *jsonPod(t, 2)}}
	lb := appendAt(l.AppendProto(nil), []int{2, -2, 2}, spec)
	var got corev1.PodList
	if err := got.UnmarshalProto(lb); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.AppendProto(nil), lb) {
		t.Fatal("list did not write its item's unknown field back")
	}
	one := got.Items[1]
	if !bytes.HasSuffix(field(t, one.AppendProto(nil), 2), spec) {
		t.Error("item taken from the list lost its unknown field")
	}
}

func TestProtoErrors(t *testing.T) {
	data := jsonPod(t, 0).AppendProto(nil)
	var p corev1.Pod
	err := p.UnmarshalProto(data[:len(data)-3])
	var pe *metav1.ProtoError
	if !errors.As(err, &pe) || pe.Offset == 0 {
		t.Fatalf("truncated: %v", err)
	}
	// A quantity that does not parse, in ResourceRequirements.requests.
	q := protowire.AppendBytes(nil, 0x12, protowire.AppendString(nil, 0xa, "12xyz"))
	entry := protowire.AppendString(nil, 0xa, "cpu")
	entry = append(entry, q...)
	reqs := protowire.AppendBytes(nil, 0x12, entry)
	var rr corev1.ResourceRequirements
	if err := rr.UnmarshalProto(reqs); !errors.As(err, &pe) {
		t.Errorf("bad quantity: %v", err)
	}
}

// FuzzUnmarshalProto decodes arbitrary bytes as a Pod and a PodList: an
// error or a value, never a panic or a hang; a value re-encodes to bytes
// that decode to the same value.
//
//	go test -run XXX -fuzz FuzzUnmarshalProto -fuzztime 30s ./api/corev1/
func FuzzUnmarshalProto(f *testing.F) {
	f.Add(jsonPod(f, 0).AppendProto(nil))
	f.Add([]byte{0x0a, 0x02, 0x0a, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		var p corev1.Pod
		if err := p.UnmarshalProto(data); err != nil {
			var pe *metav1.ProtoError
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		again := p.AppendProto(nil)
		var q corev1.Pod
		if err := q.UnmarshalProto(again); err != nil {
			t.Fatalf("re-encoded pod does not decode: %v", err)
		}
		if !bytes.Equal(q.AppendProto(nil), again) {
			t.Fatal("encoding is not stable")
		}
		var l corev1.PodList
		_ = l.UnmarshalProto(data)
	})
}

// TestWriteFuzzSeeds writes the fuzz corpus's seeds under testdata when
// KUBEWIRE_WRITE_SEEDS is set.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("KUBEWIRE_WRITE_SEEDS") == "" {
		t.Skip("set KUBEWIRE_WRITE_SEEDS=1 to rewrite testdata/fuzz/FuzzUnmarshalProto")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzUnmarshalProto")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	l := corev1.PodList{Items: []corev1.Pod{*jsonPod(t, 5)}}
	seeds := map[string][]byte{
		"pod":          jsonPod(t, 1).AppendProto(nil),
		"podlist":      l.AppendProto(nil),
		"huge-length":  append([]byte{0x0a}, protowire.AppendVarint(nil, 1<<40)...),
		"deep-nesting": bytes.Repeat([]byte{0x12, 0x7f}, 200),
		"truncated":    jsonPod(t, 2).AppendProto(nil)[:300],
	}
	for name, b := range seeds {
		content := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
