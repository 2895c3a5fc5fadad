package corev1_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"runtime"
	"testing"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/fixtures"
)

// jsonEqual reports whether a and b hold the same JSON value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("first value: %v", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("second value: %v", err)
	}
	return reflect.DeepEqual(x, y)
}

func TestPodFixtureSizes(t *testing.T) {
	for i := 0; i < 200; i++ {
		if n := len(fixtures.PodJSON(i)); n < 3<<10 || n > 6<<10 {
			t.Fatalf("pod %d is %d bytes, want 3 to 6 KB", i, n)
		}
	}
}

// A server's PodList decodes and re-encodes to the same JSON: no field lost,
// none added, through every entry point.
func TestPodListRoundTrip(t *testing.T) {
	data := fixtures.PodListJSON(50)
	var viaCodec corev1.PodList
	if err := codec.Unmarshal(data, &viaCodec); err != nil {
		t.Fatal(err)
	}
	if len(viaCodec.Items) != 50 || viaCodec.Items[7].Name == "" || viaCodec.ResourceVersion != "1000050" {
		t.Fatalf("decoded %d items, name %q, rv %q", len(viaCodec.Items), viaCodec.Items[7].Name, viaCodec.ResourceVersion)
	}
	out, err := codec.Marshal(&viaCodec)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, data, out) {
		for i := range viaCodec.Items {
			one, _ := codec.Marshal(&viaCodec.Items[i])
			if !jsonEqual(t, fixtures.PodJSON(i), one) {
				t.Fatalf("pod %d changed:\nserver: %s\nours:   %s", i, fixtures.PodJSON(i), one)
			}
		}
		t.Fatal("list changed")
	}

	var viaStd corev1.PodList
	if err := json.Unmarshal(data, &viaStd); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(viaCodec, viaStd) {
		t.Fatal("UnmarshalJSON and DecodeJSON disagree")
	}
	var viaReader corev1.PodList
	if err := codec.Decode(bytes.NewReader(data), &viaReader); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(viaCodec, viaReader) {
		t.Fatal("decoding from a reader disagrees")
	}
	std, err := json.Marshal(fixtures.Mirror(&viaCodec))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(std, out) {
		t.Fatal("EncodeJSON differs from encoding/json")
	}
	p := viaCodec.Items[3]
	c := p.Spec.Containers[0]
	if c.Resources.Limits["memory"].Value() != 512<<20 || c.Resources.Requests["cpu"].MilliValue() != 100 ||
		c.LivenessProbe.HTTPGet.Port.IntValue() != 8080 || *p.Spec.SecurityContext.FSGroup != 2000 ||
		p.Status.Conditions[0].LastProbeTime.IsZero() != true || p.Status.StartTime.IsZero() {
		t.Fatalf("unexpected values in %+v", p)
	}
}

func benchDecode(b *testing.B, n int) {
	data := fixtures.PodListJSON(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var l corev1.PodList
		if err := codec.Unmarshal(data, &l); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*n), "allocs/pod")
}

func benchEncode(b *testing.B, n int) {
	data := fixtures.PodListJSON(n)
	var l corev1.PodList
	if err := codec.Unmarshal(data, &l); err != nil {
		b.Fatal(err)
	}
	s := codec.API.BorrowStream(nil)
	defer codec.API.ReturnStream(s)
	s.SetBuffer(make([]byte, 0, len(data)+len(data)/4)) // a caller reusing its buffer
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.SetBuffer(s.Buffer()[:0])
		l.EncodeJSON(s)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*n), "allocs/pod")
}

func BenchmarkDecodePodList1000(b *testing.B)  { benchDecode(b, 1000) }
func BenchmarkDecodePodList10000(b *testing.B) { benchDecode(b, 10000) }
func BenchmarkEncodePodList1000(b *testing.B)  { benchEncode(b, 1000) }
func BenchmarkEncodePodList10000(b *testing.B) { benchEncode(b, 10000) }

// Baselines on the same 1,000-pod list.

// BenchmarkBaselineSkip1000 is json-iterator validating and skipping the
// list: a ceiling for any decoder built on it.
func BenchmarkBaselineSkip1000(b *testing.B) {
	data := fixtures.PodListJSON(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		it := codec.API.BorrowIterator(data)
		it.Skip()
		if it.Error != nil {
			b.Fatal(it.Error)
		}
		codec.API.ReturnIterator(it)
	}
}

// BenchmarkBaselineReflect1000 decodes into the same structure with
// encoding/json's reflection (the Mirror type has no generated methods),
// the way client-go decodes JSON.
func BenchmarkBaselineReflect1000(b *testing.B) {
	data := fixtures.PodListJSON(1000)
	typ := reflect.TypeOf(fixtures.Mirror(&corev1.PodList{})).Elem()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		v := reflect.New(typ).Interface()
		if err := json.Unmarshal(data, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineJsoniterReflect1000 is json-iterator's reflective decoder
// on the same structure.
func BenchmarkBaselineJsoniterReflect1000(b *testing.B) {
	data := fixtures.PodListJSON(1000)
	typ := reflect.TypeOf(fixtures.Mirror(&corev1.PodList{})).Elem()
	api := jsoniter.ConfigCompatibleWithStandardLibrary
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		v := reflect.New(typ).Interface()
		if err := api.Unmarshal(data, v); err != nil {
			b.Fatal(err)
		}
	}
}
