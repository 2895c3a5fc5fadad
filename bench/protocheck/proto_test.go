// Package protocheck compares kubewire's generated protobuf codecs with
// client-go's: the same bytes back, the same values as JSON, and the
// decode and encode times side by side.
package protocheck

import (
	"bytes"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/bench/fixture"
	"github.com/kubewire/kubewire/internal/protowire"
)

func encodeClientGo(t testing.TB, n int) []byte {
	var pb bytes.Buffer
	if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(fixture.PodList(n), &pb); err != nil {
		t.Fatal(err)
	}
	return pb.Bytes()
}

// TestPodListRoundTrip decodes client-go's protobuf of the fixture's pods
// and encodes it back to the same bytes, envelope included; the value
// equals the one decoded from the fixture's JSON.
func TestPodListRoundTrip(t *testing.T) {
	body := encodeClientGo(t, 200)
	env, err := protowire.Unwrap(body)
	if err != nil {
		t.Fatal(err)
	}
	if env.APIVersion != "v1" || env.Kind != "PodList" {
		t.Fatalf("envelope %s %s", env.APIVersion, env.Kind)
	}
	var l kwcorev1.PodList
	if err := l.UnmarshalProto(env.Raw); err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 200 {
		t.Fatalf("%d items", len(l.Items))
	}
	if got := l.ProtoSize(); got != len(env.Raw) {
		t.Errorf("ProtoSize %d, want %d", got, len(env.Raw))
	}
	out := protowire.Wrap(nil, "v1", "PodList", &l)
	if !bytes.Equal(out, body) {
		i := 0
		for i < len(out) && i < len(body) && out[i] == body[i] {
			i++
		}
		t.Fatalf("re-encoded %d bytes, want %d; first difference at %d", len(out), len(body), i)
	}
	var js kwcorev1.PodList
	if err := js.UnmarshalJSON(fixture.PodListJSON(200)); err != nil {
		t.Fatal(err)
	}
	l.TypeMeta = js.TypeMeta
	for i := range l.Items {
		if !reflect.DeepEqual(l.Items[i], js.Items[i]) {
			t.Fatalf("item %d differs from JSON:\nproto %+v\njson  %+v", i, l.Items[i], js.Items[i])
		}
	}
	if !reflect.DeepEqual(l.ListMeta, js.ListMeta) {
		t.Fatalf("list meta differs")
	}
}
