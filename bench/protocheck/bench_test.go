package protocheck

import (
	"bytes"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/bench/fixture"
	"github.com/kubewire/kubewire/internal/protowire"
)

const benchPods = 10000

var benchBody []byte

func body(b *testing.B) []byte {
	if benchBody == nil {
		benchBody = encodeClientGo(b, benchPods)
	}
	return benchBody
}

// clientgoDecoder is the decoder client-go's clientset negotiates for
// core/v1 protobuf.
func clientgoDecoder(b *testing.B) runtime.Decoder {
	d, err := runtime.NewClientNegotiator(scheme.Codecs.WithoutConversion(), corev1.SchemeGroupVersion).
		Decoder("application/vnd.kubernetes.protobuf", nil)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkDecode decodes a list of 10,000 pods from protobuf; allocs/op
// divided by 10,000 is allocations per pod.
func BenchmarkDecode(b *testing.B) {
	data := body(b)
	b.Run("client-go", func(b *testing.B) {
		d := clientgoDecoder(b)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var l corev1.PodList
			if _, _, err := d.Decode(data, nil, &l); err != nil || len(l.Items) != benchPods {
				b.Fatal(err, len(l.Items))
			}
		}
	})
	b.Run("kubewire", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			env, err := protowire.Unwrap(data)
			if err != nil {
				b.Fatal(err)
			}
			var l kwcorev1.PodList
			if err := l.UnmarshalProto(env.Raw); err != nil || len(l.Items) != benchPods {
				b.Fatal(err, len(l.Items))
			}
		}
	})
}

// BenchmarkEncode encodes a list of 10,000 pods to protobuf, envelope
// included, into a reused buffer.
func BenchmarkEncode(b *testing.B) {
	data := body(b)
	b.Run("client-go", func(b *testing.B) {
		l := fixture.PodList(benchPods)
		pb := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
		var buf bytes.Buffer
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := pb.Encode(l, &buf); err != nil || buf.Len() != len(data) {
				b.Fatal(err, buf.Len())
			}
		}
	})
	b.Run("kubewire", func(b *testing.B) {
		env, _ := protowire.Unwrap(data)
		var l kwcorev1.PodList
		if err := l.UnmarshalProto(env.Raw); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 0, len(data))
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			buf = protowire.Wrap(buf[:0], "v1", "PodList", &l)
			if len(buf) != len(data) {
				b.Fatal(len(buf))
			}
		}
	})
}
