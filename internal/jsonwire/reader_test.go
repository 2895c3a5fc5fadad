package jsonwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func reader(s string) *Reader {
	var r Reader
	r.Reset([]byte(s))
	return &r
}

// Strings decode as encoding/json decodes them, escapes, surrogates and
// invalid UTF-8 included.
func TestStringsMatchEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`"plain"`, `""`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u65e5"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
		`"\ude00"`, "\"\xff\xfe ok\"", "\"caf\xc3\xa9\"", `"\u2028"`, "\"a\xc3\"", `"\ud83d\u0041"`,
	} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(in), &want), in)
		r := reader(in)
		got := r.String()
		require.NoError(t, r.Finish("string"), in)
		assert.Equal(t, want, got, in)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := map[string]func(r *Reader){
		`"abc`:          func(r *Reader) { _ = r.String() },
		"\"a\x01b\"":    func(r *Reader) { _ = r.String() },
		`"\x"`:          func(r *Reader) { _ = r.String() },
		`"\u12"`:        func(r *Reader) { _ = r.String() },
		`12`:            func(r *Reader) { _ = r.String() },
		`tru`:           func(r *Reader) { r.Bool() },
		`nul`:           func(r *Reader) { r.Null(); _ = r.String() },
		`1.5`:           func(r *Reader) { r.Int32() },
		`2147483648`:    func(r *Reader) { r.Int32() },
		`-2147483649`:   func(r *Reader) { r.Int32() },
		`1e400`:         func(r *Reader) { r.Float64() },
		`01`:            func(r *Reader) { r.Int64() },
		`-`:             func(r *Reader) { r.Int64() },
		`1.`:            func(r *Reader) { r.Float64() },
		`1e`:            func(r *Reader) { r.Float64() },
		`1x`:            func(r *Reader) { r.Int64() },
		`"AQID!"`:       func(r *Reader) { r.Bytes() },
		`{"a" 1}`:       func(r *Reader) { r.Skip() },
		`{"a":1,}`:      func(r *Reader) { r.Skip() },
		`{"a":1 "b":2}`: func(r *Reader) { r.Skip() },
		`[1,]`:          func(r *Reader) { r.Skip() },
		`[1 2]`:         func(r *Reader) { r.Skip() },
		`{1:2}`:         func(r *Reader) { r.Skip() },
		`[`:             func(r *Reader) { r.Skip() },
		``:              func(r *Reader) { r.Skip() },
		`}`:             func(r *Reader) { r.Skip() },
		`[1] x`:         func(r *Reader) { r.Skip() },
		`{"a":[1}`:      func(r *Reader) { r.Skip() },
		`"x"`:           func(r *Reader) { r.BeginObject() },
		`{}`:            func(r *Reader) { r.BeginArray() },
	}
	for in, f := range cases {
		r := reader(in)
		f(r)
		err := r.Finish("T")
		require.Error(t, err, "%q", in)
		var se *SyntaxError
		require.True(t, errors.As(err, &se), in)
		assert.Equal(t, "T", se.Type)
		assert.Contains(t, err.Error(), "decoding T")
		// Everything after an error reads as zero values and ends loops.
		assert.Equal(t, "", r.String())
		_, ok := r.NextKey()
		assert.False(t, ok)
		assert.False(t, r.NextElem())
	}
	assert.Contains(t, reader(`2147483648`).errOf(func(r *Reader) { r.Int32() }), "2147483648")
}

func (r *Reader) errOf(f func(*Reader)) string {
	f(r)
	if err := r.Finish("T"); err != nil {
		return err.Error()
	}
	return ""
}

func TestNumbers(t *testing.T) {
	r := reader(`[0,-0,2147483647,-2147483648,9223372036854775807,-9223372036854775808,1.5e3,null]`)
	require.True(t, r.BeginArray())
	var got []any
	for i := 0; r.NextElem(); i++ {
		switch {
		case i < 4:
			got = append(got, r.Int32())
		case i < 6:
			got = append(got, r.Int64())
		case i == 6:
			got = append(got, r.Float64())
		default:
			got = append(got, r.Int32Ptr())
		}
	}
	require.NoError(t, r.Finish("numbers"))
	assert.Equal(t, []any{int32(0), int32(0), int32(math.MaxInt32), int32(math.MinInt32),
		int64(math.MaxInt64), int64(math.MinInt64), 1500.0, (*int32)(nil)}, got)
	require.Error(t, reader(`9223372036854775808`).errOfErr(func(r *Reader) { r.Int64() }))
	require.Error(t, reader(`123456789012345678901234`).errOfErr(func(r *Reader) { r.Int64() }))
}

func (r *Reader) errOfErr(f func(*Reader)) error {
	f(r)
	return r.Finish("T")
}

func TestObjectsAndNull(t *testing.T) {
	r := reader(` { "a" : [ 1 , { } , [ ] ] , "b" : null , "c\u0041" : "x" } `)
	require.True(t, r.BeginObject())
	var keys []string
	for k, ok := r.NextKey(); ok; k, ok = r.NextKey() {
		keys = append(keys, string(k))
		switch string(k) {
		case "a":
			assert.Equal(t, 3, r.Count())
			r.Skip()
		case "b":
			assert.True(t, r.Null())
		default:
			assert.Equal(t, "x", r.String())
		}
	}
	require.NoError(t, r.Finish("obj"))
	assert.Equal(t, []string{"a", "b", "cA"}, keys)
	assert.False(t, reader(`null`).BeginObject())
	assert.False(t, reader(`null`).BeginArray())
	r = reader(`[]`)
	require.True(t, r.BeginArray())
	assert.Equal(t, 0, r.Count())
}

func TestDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	r := reader(deep)
	r.Skip()
	require.Error(t, r.Finish("deep"))
	ok := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	r = reader(ok)
	r.Skip()
	require.NoError(t, r.Finish("deep"))
}

func TestRawAndOwnership(t *testing.T) {
	data := []byte(`{"raw": {"x" : [1]} , "s":"abc"}`)
	var r Reader
	r.Reset(data)
	require.True(t, r.BeginObject())
	k, _ := r.NextKey()
	require.Equal(t, "raw", string(k))
	raw := r.Raw()
	k, _ = r.NextKey()
	require.Equal(t, "s", string(k))
	s := r.String()
	copy(data, strings.Repeat("#", len(data)))
	assert.Equal(t, `{"x" : [1]}`, string(raw), "a borrowed buffer is copied")
	assert.Equal(t, "abc", s)

	owned := []byte(`{"x":1}`)
	r.ResetOwned(owned)
	raw = r.Raw()
	assert.Equal(t, &owned[0], &raw[0], "an owned buffer is shared")
	raw = append(raw, '!')
	assert.Equal(t, `{"x":1}`, string(owned), "appending never writes into the buffer")
}

func TestCapture(t *testing.T) {
	cfg := jsoniter.ConfigCompatibleWithStandardLibrary
	in := `[{"a":"x}]\"y"}, "s\"]", 12, true, null, {"b":[{}]}]`
	want := []string{`{"a":"x}]\"y"}`, `"s\"]"`, `12`, `true`, `null`, `{"b":[{}]}`}
	check := func(it *jsoniter.Iterator) {
		t.Helper()
		var got []string
		for it.ReadArray() {
			var r Reader
			require.True(t, r.Capture(it))
			got = append(got, strings.TrimSpace(string(r.buf))) // the fallback keeps leading space
		}
		require.NoError(t, it.Error)
		assert.Equal(t, want, got)
	}
	check(jsoniter.ParseBytes(cfg, []byte(in)))
	// From a reader in tiny chunks: values cross buffer refills, so the
	// fallback path runs too.
	check(jsoniter.Parse(cfg, iotest.OneByteReader(strings.NewReader(in)), 4))
	check(jsoniter.Parse(cfg, bytes.NewReader([]byte(in)), 16))

	// A top-level number at the end of a reader's buffer is not complete.
	assert.Equal(t, 0, scanEnd([]byte("123"), false, nil))
	assert.Equal(t, 3, scanEnd([]byte("123"), true, nil))
	assert.Equal(t, 0, scanEnd([]byte(`{"a":`), true, nil))

	it := jsoniter.ParseBytes(cfg, []byte(`{"a":`))
	var r Reader
	assert.False(t, r.Capture(it))
	assert.Error(t, it.Error)
	it = jsoniter.Parse(cfg, io.MultiReader(strings.NewReader(`{"a"`), iotest.ErrReader(errors.New("boom"))), 64)
	assert.False(t, r.Capture(it))
}

func TestAlloc(t *testing.T) {
	type pair struct{ a, b *int }
	var r Reader
	r.ResetOwned(nil)
	var k1, k2 byte
	p1 := Alloc[pair](&r, &k1, 3)
	p2 := Alloc[pair](&r, &k1, 3)
	q := Alloc[[2]int](&r, &k2, 2)
	p3 := Alloc[pair](&r, &k1, 3)
	p4 := Alloc[pair](&r, &k1, 3)
	assert.NotSame(t, p1, p2)
	assert.NotSame(t, p2, p3)
	assert.NotSame(t, p3, p4)
	x := 1
	*p1, *p2, *p3, *p4 = pair{&x, &x}, pair{&x, nil}, pair{nil, &x}, pair{}
	q[0], q[1] = 5, 6
	assert.Equal(t, pair{&x, &x}, *p1)
	assert.Equal(t, pair{&x, nil}, *p2)
	assert.Equal(t, pair{nil, &x}, *p3)
	assert.Equal(t, [2]int{5, 6}, *q)
	assert.Same(t, p2, (*pair)(unsafe.Add(unsafe.Pointer(p1), unsafe.Sizeof(pair{}))), "an owned Reader carves from slabs")

	r.Reset(nil)
	d1, d2 := Alloc[pair](&r, &k1, 3), Alloc[pair](&r, &k1, 3)
	assert.NotSame(t, d1, d2)
	*d1 = pair{&x, nil}
	assert.Equal(t, pair{}, *d2)
}

func TestWriters(t *testing.T) {
	s := jsoniter.ConfigCompatibleWithStandardLibrary.BorrowStream(nil)
	for _, f := range []float64{0, 1, -1.5, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, math.SmallestNonzeroFloat64, math.MaxFloat64} {
		want, _ := json.Marshal(f)
		s.SetBuffer(nil)
		Float64(s, f)
		assert.Equal(t, string(want), string(s.Buffer()), "%g", f)
	}
	s.SetBuffer(nil)
	Float64(s, math.NaN())
	assert.Error(t, s.Error)

	for _, b := range [][]byte{nil, {}, {0, 1, 254, 255}} {
		want, _ := json.Marshal(b)
		s.SetBuffer(nil)
		Bytes(s, b)
		assert.Equal(t, string(want), string(s.Buffer()))
	}
	for _, str := range []string{"a<b>&c", "\u2028\u2029", "\xff", "tab\t\"q\"\\"} {
		want, _ := json.Marshal(str)
		s.SetBuffer(nil)
		String(s, str)
		assert.Equal(t, string(want), string(s.Buffer()), "%q", str)
	}
	raw := []byte(" { \"a\" : [ 1 , \"x y<\u2028>\\\" \" ] } ")
	var want bytes.Buffer
	require.NoError(t, json.Compact(&want, raw))
	std, _ := json.Marshal(json.RawMessage(raw))
	assert.Equal(t, string(std), string(AppendCompact(nil, raw)))
	assert.Equal(t, []string{"a", "b", "c"}, SortedKeys(map[string]int{"c": 1, "a": 2, "b": 3}, nil))
}

// Counts recorded while capturing agree with counting by scanning.
func TestCaptureCounts(t *testing.T) {
	in := `{"a":[[],[1,[2,3],{"x":[4,5,6]}],"s[,]",[{},{}]], "b":[ ], "c":{"d":[null , true]}}`
	var fast Reader
	require.True(t, fast.Capture(jsoniter.ParseBytes(jsoniter.ConfigDefault, []byte(in))))
	require.Positive(t, fast.counts.n)
	var slow Reader
	slow.Reset([]byte(in))
	var walk func(r *Reader) []int
	walk = func(r *Reader) []int {
		var out []int
		var visit func()
		visit = func() {
			switch r.Kind() {
			case '[':
				r.BeginArray()
				out = append(out, r.Count())
				for r.NextElem() {
					visit()
				}
			case '{':
				r.BeginObject()
				for _, ok := r.NextKey(); ok; _, ok = r.NextKey() {
					visit()
				}
			default:
				r.Skip()
			}
		}
		visit()
		require.NoError(t, r.Finish("walk"))
		return out
	}
	want := []int{4, 0, 3, 2, 3, 2, 0, 2}
	assert.Equal(t, want, walk(&slow))
	assert.Equal(t, want, walk(&fast))
}
