package protocheck

import (
	"bytes"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/bench/fixture"
	"github.com/kubewire/kubewire/internal/protowire"
)

// TestSideBySide measures decode and encode of 10,000 pods in protobuf,
// client-go and kubewire alternating in one process (a GC before each
// measurement), and logs the medians of 7 rounds and their ratios. It runs
// when PROTO_SIDE_BY_SIDE is set:
//
//	PROTO_SIDE_BY_SIDE=1 go test -run TestSideBySide -v ./protocheck/
func TestSideBySide(t *testing.T) {
	if os.Getenv("PROTO_SIDE_BY_SIDE") == "" {
		t.Skip("set PROTO_SIDE_BY_SIDE=1 to measure")
	}
	rounds := 7
	data := encodeClientGo(t, benchPods)
	dec := clientgoDecoder(&testing.B{})
	k8sList := fixture.PodList(benchPods)
	pb := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	env, _ := protowire.Unwrap(data)
	var kwList kwcorev1.PodList
	if err := kwList.UnmarshalProto(env.Raw); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	out := make([]byte, 0, len(data))
	timeIt := func(f func()) time.Duration {
		runtime.GC()
		start := time.Now()
		f()
		return time.Since(start)
	}
	var cgDec, kwDec, cgEnc, kwEnc []time.Duration
	for range rounds {
		cgDec = append(cgDec, timeIt(func() {
			var l corev1.PodList
			if _, _, err := dec.Decode(data, nil, &l); err != nil {
				t.Fatal(err)
			}
		}))
		kwDec = append(kwDec, timeIt(func() {
			e, err := protowire.Unwrap(data)
			if err != nil {
				t.Fatal(err)
			}
			var l kwcorev1.PodList
			if err := l.UnmarshalProto(e.Raw); err != nil {
				t.Fatal(err)
			}
		}))
		cgEnc = append(cgEnc, timeIt(func() {
			buf.Reset()
			if err := pb.Encode(k8sList, &buf); err != nil {
				t.Fatal(err)
			}
		}))
		kwEnc = append(kwEnc, timeIt(func() {
			out = protowire.Wrap(out[:0], "v1", "PodList", &kwList)
		}))
	}
	med := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	t.Logf("decode %d pods (%.1f MB protobuf), medians of %d alternating rounds: client-go %v, kubewire %v (%.2fx)",
		benchPods, float64(len(data))/1e6, rounds, med(cgDec), med(kwDec), float64(med(kwDec))/float64(med(cgDec)))
	t.Logf("encode: client-go %v, kubewire %v (%.2fx)", med(cgEnc), med(kwEnc), float64(med(kwEnc))/float64(med(cgEnc)))
}
