package metav1_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

func TestTime(t *testing.T) {
	var tm metav1.Time
	require.NoError(t, json.Unmarshal([]byte(`"2024-05-01T12:30:45Z"`), &tm))
	assert.Equal(t, time.Date(2024, 5, 1, 12, 30, 45, 0, time.UTC), tm.Time)
	out, err := json.Marshal(tm)
	require.NoError(t, err)
	assert.Equal(t, `"2024-05-01T12:30:45Z"`, string(out))

	// Other zones are written in UTC; sub-second precision is dropped.
	tm = metav1.NewTime(time.Date(2024, 5, 1, 14, 30, 45, 999, time.FixedZone("x", 2*3600)))
	out, _ = json.Marshal(tm)
	assert.Equal(t, `"2024-05-01T12:30:45Z"`, string(out))

	// Zero is null; null and "" decode to zero.
	out, _ = json.Marshal(metav1.Time{})
	assert.Equal(t, "null", string(out))
	for _, in := range []string{`null`, `""`} {
		tm = metav1.Now()
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.True(t, tm.IsZero(), in)
	}

	// A struct field goes through the codec's fast path too.
	var holder struct {
		T metav1.Time  `json:"t"`
		P *metav1.Time `json:"p,omitempty"`
	}
	require.NoError(t, codec.Unmarshal([]byte(`{"t":"2024-01-02T03:04:05Z","p":"2024-01-02T03:04:06+01:00"}`), &holder))
	assert.Equal(t, 5, holder.T.Second())
	assert.True(t, holder.P.Equal(&metav1.Time{Time: time.Date(2024, 1, 2, 2, 4, 6, 0, time.UTC)}))
}

func TestTimeErrors(t *testing.T) {
	for _, in := range []string{`"yesterday"`, `"2024-13-01T00:00:00Z"`, `17`, `{}`, `"2024-01-01T00:00:00Z`} {
		var tm metav1.Time
		err := json.Unmarshal([]byte(in), &tm)
		require.Error(t, err, in)
		if strings.HasPrefix(in, `"20`) && strings.HasSuffix(in, `"`) || in == `"yesterday"` {
			assert.Contains(t, err.Error(), strings.Trim(in, `"`), "error names the input")
			var te *metav1.TimeError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, strings.Trim(in, `"`), te.Input)
			var se *metav1.SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "metav1.Time", se.Type)
		}
	}
}

func TestMicroTime(t *testing.T) {
	var tm metav1.MicroTime
	require.NoError(t, json.Unmarshal([]byte(`"2024-05-01T12:30:45.123456Z"`), &tm))
	assert.Equal(t, 123456000, tm.Nanosecond())
	out, _ := json.Marshal(tm)
	assert.Equal(t, `"2024-05-01T12:30:45.123456Z"`, string(out))
	out, _ = json.Marshal(metav1.NewMicroTime(time.Date(2024, 5, 1, 12, 30, 45, 0, time.UTC)))
	assert.Equal(t, `"2024-05-01T12:30:45.000000Z"`, string(out), "always six digits")
	out, _ = json.Marshal(metav1.MicroTime{})
	assert.Equal(t, "null", string(out))
	require.Error(t, json.Unmarshal([]byte(`"12:30"`), &tm))
}

func TestQuantityParse(t *testing.T) {
	cases := []struct {
		in     string
		value  int64
		milli  int64
		float  float64
		format metav1.Format
	}{
		{"0", 0, 0, 0, metav1.DecimalSI},
		{"100m", 1, 100, 0.1, metav1.DecimalSI},
		{"1", 1, 1000, 1, metav1.DecimalSI},
		{"1.5", 2, 1500, 1.5, metav1.DecimalSI},
		{"0.5", 1, 500, 0.5, metav1.DecimalSI},
		{".5", 1, 500, 0.5, metav1.DecimalSI},
		{"1.", 1, 1000, 1, metav1.DecimalSI},
		{"2k", 2000, 2000000, 2000, metav1.DecimalSI},
		{"1M", 1000000, 1000000000, 1e6, metav1.DecimalSI},
		{"1Gi", 1 << 30, 1000 << 30, 1 << 30, metav1.BinarySI},
		{"1.5Ki", 1536, 1536000, 1536, metav1.BinarySI},
		{"128974848", 128974848, 128974848000, 128974848, metav1.DecimalSI},
		{"1e3", 1000, 1000000, 1000, metav1.DecimalExponent},
		{"1E3", 1000, 1000000, 1000, metav1.DecimalExponent},
		{"5e-3", 1, 5, 0.005, metav1.DecimalExponent},
		{"-1.5", -2, -1500, -1.5, metav1.DecimalSI},
		{"+2", 2, 2000, 2, metav1.DecimalSI},
		{"250n", 1, 1, 250e-9, metav1.DecimalSI},
		{"3u", 1, 1, 3e-6, metav1.DecimalSI},
		{"1E", 1e18, math.MaxInt64, 1e18, metav1.DecimalSI},
		{"8Ei", math.MaxInt64, math.MaxInt64, 8 * (1 << 60), metav1.BinarySI},
	}
	for _, c := range cases {
		q, err := metav1.ParseQuantity(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.in, q.String(), "text kept")
		assert.Equal(t, c.value, q.Value(), "Value %s", c.in)
		assert.Equal(t, c.milli, q.MilliValue(), "MilliValue %s", c.in)
		assert.InDelta(t, c.float, q.AsApproximateFloat64(), math.Abs(c.float)*1e-12, c.in)
		assert.Equal(t, c.format, q.Format(), c.in)
	}
}

func TestQuantityErrors(t *testing.T) {
	for _, in := range []string{"", "m", "1.2.3", "1Ki2", "1kb", "abc", "1e", "1e+", "1e1.5", "--1", "1 ", " 1", "1e99999", "0x10"} {
		_, err := metav1.ParseQuantity(in)
		require.Error(t, err, "%q", in)
		var qe *metav1.QuantityError
		require.True(t, errors.As(err, &qe), in)
		assert.Equal(t, in, qe.Input)
		assert.Contains(t, err.Error(), `"`+in+`"`)
	}
	assert.Panics(t, func() { metav1.MustParse("bogus") })
}

func TestQuantityCmp(t *testing.T) {
	q := metav1.MustParse
	assert.Equal(t, 0, q("1").Cmp(q("1000m")))
	assert.Equal(t, 0, q("1Ki").Cmp(q("1024")))
	assert.Equal(t, 0, q("1e3").Cmp(q("1k")))
	assert.Equal(t, -1, q("999m").Cmp(q("1")))
	assert.Equal(t, 1, q("1Gi").Cmp(q("1G")))
	assert.Equal(t, -1, q("-1").Cmp(q("0")))
	assert.Equal(t, 0, metav1.Quantity{}.Cmp(q("0")))
	assert.True(t, q("0.0").IsZero())
	assert.True(t, q("100m").Equal(q("0.1")))
	assert.Equal(t, -1, q("-5m").Sign())
}

func TestQuantityFromNumbers(t *testing.T) {
	cases := []struct {
		q    metav1.Quantity
		want string
	}{
		{metav1.NewQuantity(0, metav1.DecimalSI), "0"},
		{metav1.NewQuantity(1500, metav1.DecimalSI), "1500"},
		{metav1.NewQuantity(2000, metav1.DecimalSI), "2k"},
		{metav1.NewQuantity(5e9, metav1.DecimalSI), "5G"},
		{metav1.NewQuantity(1<<30, metav1.BinarySI), "1Gi"},
		{metav1.NewQuantity(1536, metav1.BinarySI), "1536"},
		{metav1.NewQuantity(3<<20, metav1.BinarySI), "3Mi"},
		{metav1.NewQuantity(2000, metav1.DecimalExponent), "2e3"},
		{metav1.NewMilliQuantity(100, metav1.DecimalSI), "100m"},
		{metav1.NewMilliQuantity(1500, metav1.DecimalSI), "1500m"},
		{metav1.NewMilliQuantity(2000, metav1.DecimalSI), "2"},
		{metav1.NewMilliQuantity(500, metav1.BinarySI), "500m"},
		{metav1.NewMilliQuantity(5, metav1.DecimalExponent), "5e-3"},
		{metav1.NewQuantity(-3000, metav1.DecimalSI), "-3k"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.q.String())
		back, err := metav1.ParseQuantity(c.q.String())
		require.NoError(t, err)
		assert.Equal(t, 0, back.Cmp(c.q))
	}
}

func TestQuantityJSON(t *testing.T) {
	var m map[string]metav1.Quantity
	require.NoError(t, json.Unmarshal([]byte(`{"cpu":"100m","memory":"1Gi","n":2,"f":0.5}`), &m))
	assert.Equal(t, "100m", m["cpu"].String())
	assert.Equal(t, "2", m["n"].String(), "numbers are accepted")
	assert.Equal(t, "0.5", m["f"].String())
	out, _ := json.Marshal(m)
	assert.Equal(t, `{"cpu":"100m","f":"0.5","memory":"1Gi","n":"2"}`, string(out))
	out, _ = json.Marshal(metav1.Quantity{})
	assert.Equal(t, `"0"`, string(out))

	var q metav1.Quantity
	err := json.Unmarshal([]byte(`"12 apples"`), &q)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"12 apples"`)
	var qe *metav1.QuantityError
	require.ErrorAs(t, err, &qe)
	assert.Equal(t, "12 apples", qe.Input)
	var pod struct {
		Limits map[string]metav1.Quantity `json:"limits"`
	}
	err = codec.Unmarshal([]byte(`{"limits":{"cpu":"lots"}}`), &pod)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"lots"`)
	require.Error(t, json.Unmarshal([]byte(`true`), &q))
	require.NoError(t, json.Unmarshal([]byte(`null`), &q))
	assert.True(t, q.IsZero())
}

func TestIntOrString(t *testing.T) {
	var v metav1.IntOrString
	require.NoError(t, json.Unmarshal([]byte(`8080`), &v))
	assert.Equal(t, metav1.FromInt32(8080), v)
	assert.Equal(t, "8080", v.String())
	require.NoError(t, json.Unmarshal([]byte(`"http"`), &v))
	assert.Equal(t, metav1.FromString("http"), v)
	assert.Equal(t, 0, v.IntValue())
	assert.Equal(t, 25, metav1.FromString("25").IntValue())

	for _, x := range []metav1.IntOrString{metav1.FromInt32(-3), metav1.FromString("25%"), {}} {
		out, err := json.Marshal(x)
		require.NoError(t, err)
		var back metav1.IntOrString
		require.NoError(t, json.Unmarshal(out, &back))
		assert.Equal(t, x, back)
	}
	out, _ := json.Marshal(metav1.FromString("25%"))
	assert.Equal(t, `"25%"`, string(out))

	for _, in := range []string{`1.5`, `true`, `{}`, `4294967296`, `[1]`} {
		require.Error(t, json.Unmarshal([]byte(in), &v), in)
	}
	err := json.Unmarshal([]byte(`99999999999`), &v)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "99999999999")
}

func TestRawJSON(t *testing.T) {
	var holder struct {
		Raw metav1.RawJSON `json:"raw,omitempty"`
	}
	in := `{"raw":{"b": [1, 2.50, "x"], "a":null}}`
	require.NoError(t, codec.Unmarshal([]byte(in), &holder))
	assert.Equal(t, `{"b": [1, 2.50, "x"], "a":null}`, string(holder.Raw), "kept verbatim")

	var r metav1.RawJSON
	require.NoError(t, json.Unmarshal([]byte(` {"x": "<&>"} `), &r))
	out, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, `{"x":"\u003c\u0026\u003e"}`, string(out), "compacted and escaped as encoding/json does")
	out, err = codec.Marshal(&r)
	require.NoError(t, err)
	assert.Equal(t, `{"x":"\u003c\u0026\u003e"}`, string(out))

	require.NoError(t, json.Unmarshal([]byte(`null`), &r))
	assert.Nil(t, r)
	out, _ = json.Marshal(metav1.RawJSON(nil))
	assert.Equal(t, "null", string(out))
	require.Error(t, json.Unmarshal([]byte(`{"x":`), &r))
	require.Error(t, json.Unmarshal([]byte(`{"x":1} 2`), &r))
}

func TestStatusCauseReason(t *testing.T) {
	var st metav1.Status
	in := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"bad","reason":"Invalid",
		"details":{"name":"x","kind":"pods","causes":[{"reason":"FieldValueInvalid","message":"m","field":"spec.x"}]},"code":422}`
	require.NoError(t, codec.Unmarshal([]byte(in), &st))
	assert.Equal(t, int32(422), st.Code)
	assert.Equal(t, metav1.StatusReasonInvalid, st.Reason)
	assert.Equal(t, metav1.CauseTypeFieldValueInvalid, st.Details.Causes[0].Type)
	assert.Equal(t, "Status", st.Kind)
}

func TestObjectMetaAccessors(t *testing.T) {
	m := metav1.ObjectMeta{Name: "a", Namespace: "b", UID: "u", ResourceVersion: "7", Labels: map[string]string{"k": "v"}}
	assert.Equal(t, "a", m.GetName())
	assert.Equal(t, "b", m.GetNamespace())
	assert.Equal(t, "u", m.GetUID())
	assert.Equal(t, "7", m.GetResourceVersion())
	assert.Equal(t, "v", m.GetLabels()["k"])
	assert.Nil(t, m.GetAnnotations())
}
