package corev1

import (
	"testing"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

// An object without unknown members costs no allocation for keeping them:
// decoding a pod allocates as much as decoding its fields without the
// root's bookkeeping, and encoding it as much as its declared fields'
// encoder alone.
func TestNoUnknownMembersNoAllocation(t *testing.T) {
	data := fixtures.PodJSON(4)
	var p Pod
	if err := p.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	if p.unknown != nil {
		t.Fatalf("a pod without unknown members holds %d", p.unknown.Len())
	}
	for _, owned := range []bool{true, false} {
		reset := func(r *jsonwire.Reader) {
			if owned {
				r.ResetOwned(data) // not written by either decoder
			} else {
				r.Reset(data)
			}
		}
		whole := testing.AllocsPerRun(200, func() {
			var r jsonwire.Reader
			reset(&r)
			var q Pod
			q.DecodeWire(&r)
			if r.Finish("") != nil {
				t.Fatal("decode failed")
			}
		})
		fields := testing.AllocsPerRun(200, func() {
			var r jsonwire.Reader
			reset(&r)
			var q Pod
			// Pod's DecodeWire without Mark and TakeUnknown.
			r.BeginObject()
			for key, ok := r.NextKey(); ok; key, ok = r.NextKey() {
				switch string(key) {
				case "metadata":
					metav1.ObjectMetaDecodeWire(&r, &q.ObjectMeta)
				case "spec":
					q.Spec.DecodeWire(&r)
				case "status":
					q.Status.DecodeWire(&r)
				default:
					r.Skip()
				}
			}
			if r.Finish("") != nil {
				t.Fatal("decode failed")
			}
		})
		if whole != fields {
			t.Errorf("owned=%t: decoding a pod allocates %v times, its fields alone %v", owned, whole, fields)
		}
	}

	s := codec.API.BorrowStream(nil)
	defer codec.API.ReturnStream(s)
	encode := func(f func()) float64 {
		return testing.AllocsPerRun(200, func() { s.SetBuffer(s.Buffer()[:0]); f() })
	}
	whole := encode(func() { p.EncodeJSON(s) })
	known := encode(func() { p.encodeKnown(s) })
	if whole != known || whole != 0 {
		t.Errorf("encoding a pod into a grown buffer allocates %v times, its declared fields alone %v; want 0", whole, known)
	}
}
