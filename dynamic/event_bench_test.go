package dynamic

import (
	"fmt"
	"testing"

	"github.com/kubewire/kubewire/internal/codec"
)

// BenchmarkDecodeSmallObject decodes a watch event's small ConfigMap as
// the typed client's Watch does, through codec.Unmarshal.
func BenchmarkDecodeSmallObject(b *testing.B) {
	objs := make([][]byte, 1000)
	for i := range objs {
		objs[i] = fmt.Appendf(nil, `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm-%d","namespace":"ns-%d","uid":"6f1d6c3e-2b1a-4c3d-9e8f-%012d","resourceVersion":"%d","creationTimestamp":"2025-03-01T10:00:00Z","labels":{"app":"bench"}},"data":{"key":"value-%d","mode":"fast"}}`,
			i, i%10, i, 1000000+i, i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var o Object
		if err := codec.Unmarshal(objs[i%len(objs)], &o); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
