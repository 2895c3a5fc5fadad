package jsonwire_test

import (
	"testing"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

// BenchmarkDecodePods decodes 1,000 realistic pods one by one (an
// informer's work): owned (strings point into a private copy of each pod,
// as typed Get does) and detached (Reset: strings interned, raw values
// shared, pointers allocated to size, as ListItems and NextDetached do).
// Figures are in docs/controller-benchmarks.md.
func BenchmarkDecodePods(b *testing.B) {
	const n = 1000
	pods := make([][]byte, n)
	size := 0
	for i := range pods {
		pods[i] = fixtures.PodJSON(i)
		size += len(pods[i])
	}
	for _, mode := range []string{"owned", "detached"} {
		b.Run(mode, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			out := make([]corev1.Pod, n)
			for b.Loop() {
				for i, p := range pods {
					var r jsonwire.Reader
					if mode == "owned" {
						r.ResetOwned(append([]byte(nil), p...))
					} else {
						r.Reset(p)
					}
					out[i] = corev1.Pod{}
					out[i].DecodeWire(&r)
					if err := r.Finish("corev1.Pod"); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
