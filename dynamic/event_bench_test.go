package dynamic

import (
	"fmt"
	"testing"

	"github.com/kubewire/kubewire/internal/codec"
)

// BenchmarkDecodeSmallObject decodes a watch event's small ConfigMap as
// the typed client's Watch does, through codec.DecodeBody (the event's
// bytes are handed over).
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
		if err := codec.DecodeBody(objs[i%len(objs)], "", &o, codec.Owned); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// Single objects decoded one after another, concurrently and after
// malformed ones, through the pooled decoder come out whole and separate.
func TestDecodeSmallObjectsPooled(t *testing.T) {
	done := make(chan error)
	for g := range 4 {
		go func() {
			for i := range 200 {
				if i%7 == 0 {
					var bad Object
					if err := codec.Unmarshal([]byte(`{"metadata":{"name":"x","labels":{"a":`), &bad); err == nil {
						done <- fmt.Errorf("malformed input accepted")
						return
					}
				}
				var o Object
				in := fmt.Sprintf(`{"kind":"ConfigMap","metadata":{"name":"cm-%d-%d","labels":{"g":"%d"}},"data":{"k":"v%d"},"n":[1,300,"x"]}`, g, i, g, i)
				if err := codec.Unmarshal([]byte(in), &o); err != nil {
					done <- err
					return
				}
				name, _, _ := o.NestedString("metadata", "name")
				v, _, _ := o.NestedString("data", "k")
				n, _ := o["n"].([]any)
				if name != fmt.Sprintf("cm-%d-%d", g, i) || v != fmt.Sprint("v", i) || len(n) != 3 || n[1] != int64(300) || len(o) != 4 {
					done <- fmt.Errorf("decoded %v from %s", o, in)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
