package jsonwire_test

import (
	"bytes"
	"testing"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

func podList(tb testing.TB, n int) (*corev1.PodList, []byte) {
	tb.Helper()
	data := fixtures.PodListJSON(n)
	var l corev1.PodList
	if err := l.UnmarshalJSON(data); err != nil {
		tb.Fatal(err)
	}
	return &l, data
}

// BenchmarkMarshalPodList is what a caller pays for the bytes of a list:
// codec.Marshal (the rest client's request bodies) and jsonwire.Marshal
// (the hand-written types' MarshalJSON).
func BenchmarkMarshalPodList(b *testing.B) {
	for _, n := range []int{1, 1000, 10000} {
		l, data := podList(b, n)
		if n == 1 {
			l.Items = l.Items[:1]
		}
		b.Run(itoa(n)+"/codec.Marshal", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.Marshal(l); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(itoa(n)+"/jsonwire.Marshal", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jsonwire.Marshal(l); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(itoa(n)+"/EncodeJSON-borrowed-stream", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				s := codec.API.BorrowStream(nil)
				l.EncodeJSON(s)
				_ = bytes.Clone(s.Buffer())
				codec.API.ReturnStream(s)
			}
		})
	}
}

func itoa(n int) string {
	switch n {
	case 1:
		return "1"
	case 1000:
		return "1000"
	}
	return "10000"
}

// A large value is encoded in chunks; the bytes must be those of one
// buffer, and a stream with a writer must write through.
func TestMarshalChunkedMatchesOneBuffer(t *testing.T) {
	l, _ := podList(t, 300)
	s := jsoniter.NewStream(codec.API, nil, 0)
	l.EncodeJSON(s)
	require.NoError(t, s.Error)
	want := bytes.Clone(s.Buffer())
	require.Greater(t, len(want), 10*codec.SpillSize)

	got, err := codec.Marshal(l)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "codec.Marshal")
	got, err = jsonwire.Marshal(l)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "jsonwire.Marshal")

	// Again, with the pool's chunks reused.
	got, err = codec.Marshal(l)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "codec.Marshal, second time")

	var w countingWriter
	ws := jsoniter.NewStream(codec.API, &w, 512)
	l.EncodeJSON(ws)
	require.NoError(t, ws.Flush())
	assert.True(t, bytes.Equal(want, w.buf.Bytes()), "write-through")
	assert.Greater(t, w.writes, 10, "written in pieces")
	assert.Less(t, cap(ws.Buffer()), 4*codec.SpillSize, "the stream's buffer stays small")

	small := &l.Items[0]
	got, err = codec.Marshal(small)
	require.NoError(t, err)
	s.SetBuffer(nil)
	small.EncodeJSON(s)
	assert.Equal(t, string(s.Buffer()), string(got))
}

type countingWriter struct {
	buf    bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.buf.Write(p)
}
