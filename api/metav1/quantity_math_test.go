package metav1_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
)

// The canonical text, Value and MilliValue of apimachinery v0.37.2's
// resource.Quantity (String after MustParse) for the same input, recorded
// by running it; inputs where apimachinery overflows int64 are left out,
// and its Value and MilliValue of "-0.0000000001" (1, a sign lost) are
// not followed: kubewire's is -1.
func TestQuantityCanonical(t *testing.T) {
	tests := []struct {
		in, want     string
		value, milli int64
	}{
		{"0", "0", 0, 0},
		{"1", "1", 1, 1000},
		{"1.5", "1500m", 2, 1500},
		{"0.5", "500m", 1, 500},
		{".5", "500m", 1, 500},
		{"1000", "1k", 1000, 1000000},
		{"1500", "1500", 1500, 1500000},
		{"1e3", "1e3", 1000, 1000000},
		{"1.5e3", "1500", 1500, 1500000},
		{"1E3", "1E3", 1000, 1000000},
		{"12e-2", "120e-3", 1, 120},
		{"1.5Gi", "1536Mi", 1610612736, 1610612736000},
		{"0.5Gi", "512Mi", 536870912, 536870912000},
		{"1.5Ki", "1536", 1536, 1536000},
		{"1Ki", "1Ki", 1024, 1024000},
		{"8Ki", "8Ki", 8192, 8192000},
		{"1024Mi", "1Gi", 1 << 30, 1 << 30 * 1000},
		{"1536Mi", "1536Mi", 1610612736, 1610612736000},
		{"1024", "1024", 1024, 1024000},
		{"1000Ki", "1000Ki", 1024000, 1024000000},
		{"0.1Ki", "102400m", 103, 102400},
		{"1.0001Ki", "1024102400u", 1025, 1024103},
		{"100m", "100m", 1, 100},
		{"100.0m", "100m", 1, 100},
		{"0.1m", "100u", 1, 1},
		{"0.0000000001", "1n", 1, 1},
		{"1n", "1n", 1, 1},
		{"1.5n", "2n", 1, 1},
		{"-1.5", "-1500m", -2, -1500},
		{"-1.5Gi", "-1536Mi", -1610612736, -1610612736000},
		{"-0.5Ki", "-512", -512, -512000},
		{"-0.0000000001", "-1n", -1, -1},
		{"-0", "0", 0, 0},
		{"0.0", "0", 0, 0},
		{"0m", "0", 0, 0},
		{"1000000", "1M", 1000000, 1000000000},
		{"1.5M", "1500k", 1500000, 1500000000},
		{"100M", "100M", 100000000, 100000000000},
		{"0.001k", "1", 1, 1000},
		{"5e-10", "1e-9", 1, 1},
		{"1e-9", "1e-9", 1, 1},
		{"2e2", "200", 200, 200000},
		{"20e1", "200", 200, 200000},
		{"1.2e-2", "1.2e-2", 1, 12},
		{"2.5e1", "2.5e1", 25, 25000},
		{"123456789n", "123456789n", 1, 124},
		{"0.000001", "1u", 1, 1},
		{"1u", "1u", 1, 1},
		{"1000u", "1m", 1, 1},
		{"1.500", "1.500", 2, 1500},
		{"+1", "+1", 1, 1000},
		{"007", "007", 7, 7000},
		{"1.", "1.", 1, 1000},
		{"3Mi", "3Mi", 3 << 20, 3 << 20 * 1000},
		{"1500000000000000000000", "1500E", math.MaxInt64, math.MaxInt64},
		{"9Ei", "9223372036854775807", math.MaxInt64, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q := metav1.MustParse(tt.in)
			c := q.Canonical()
			assert.Equal(t, tt.want, c.String())
			assert.Equal(t, tt.in, q.String(), "q keeps its text")
			assert.Equal(t, tt.want, c.Canonical().String(), "canonical is a fixed point")
			switch tt.in {
			case "9Ei": // capped at 2^63-1, as the server does
			case "0.0000000001", "-0.0000000001", "1.5n", "5e-10": // rounded away from zero to 1n
				assert.Equal(t, q.Sign(), q.Cmp(c)*-1)
			default:
				assert.Equal(t, 0, q.Cmp(c), "same value")
			}
			assert.Equal(t, tt.value, q.Value())
			assert.Equal(t, tt.milli, q.MilliValue())
		})
	}
	assert.Equal(t, "0", metav1.Quantity{}.Canonical().String())
	assert.Equal(t, "1k", metav1.NewQuantity(1000, metav1.BinarySI).String(), "a binary quantity under 1024 is written in decimal")
}

// Results of apimachinery v0.37.2's Add, Sub and Neg on MustParse(a) and
// MustParse(b), recorded by running it.
func TestQuantityArithmetic(t *testing.T) {
	tests := []struct{ a, b, sum, diff, neg string }{
		{"1", "500m", "1500m", "500m", "-1"},
		{"1Gi", "512Mi", "1536Mi", "512Mi", "-1Gi"},
		{"0", "1Gi", "1Gi", "-1Gi", "0"},
		{"100m", "900m", "1", "-800m", "-100m"},
		{"1Ki", "1", "1025", "1023", "-1Ki"},
		{"1", "1Ki", "1025", "-1023", "-1"},
		{"1.5", "-1.5", "0", "3", "-1500m"},
		{"1e3", "1", "1001", "999", "-1e3"},
		{"512", "1536", "2048", "-1024", "-512"},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			a, b := metav1.MustParse(tt.a), metav1.MustParse(tt.b)
			s := a
			s.Add(b)
			assert.Equal(t, tt.sum, s.String())
			d := a
			d.Sub(b)
			assert.Equal(t, tt.diff, d.String())
			n := a
			n.Neg()
			assert.Equal(t, tt.neg, n.String())
			assert.Equal(t, tt.a, a.String(), "operands unchanged")
		})
	}
	var z metav1.Quantity
	z.Add(metav1.MustParse("1.5Gi"))
	z.Sub(metav1.MustParse("1.5Gi"))
	assert.True(t, z.IsZero())
	assert.Equal(t, metav1.Quantity{}, z, "a zero result is the zero Quantity")
}

func TestQuantityScaledValue(t *testing.T) {
	tests := []struct {
		in               string
		giga, milli, nan int64
		i                int64
		ok               bool
	}{
		{"1.5Gi", 2, 1610612736000, 1610612736000000000, 1610612736, true},
		{"100m", 1, 100, 100000000, 0, false},
		{"-1.5", -1, -1500, -1500000000, 0, false},
		{"1", 1, 1000, 1000000000, 1, true},
		{"1500m", 1, 1500, 1500000000, 0, false},
		{"5e-10", 1, 1, 1, 0, false},
		{"20Ei", 0, math.MaxInt64, math.MaxInt64, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q := metav1.MustParse(tt.in)
			if tt.in != "20Ei" {
				assert.Equal(t, tt.giga, q.ScaledValue(metav1.Giga))
			}
			assert.Equal(t, tt.milli, q.ScaledValue(metav1.Milli))
			assert.Equal(t, tt.nan, q.ScaledValue(metav1.Nano))
			assert.Equal(t, q.Value(), q.ScaledValue(0))
			i, ok := q.AsInt64()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.i, i)
		})
	}
	require.Equal(t, 1, metav1.MustParse("1.5").CmpInt64(1))
	require.Equal(t, 0, metav1.MustParse("1k").CmpInt64(1000))
	require.Equal(t, -1, metav1.MustParse("-1").CmpInt64(0))
}

// apimachinery v0.37.2's RoundUp(Milli), then String, recorded by running
// it: what kube-apiserver stores for a core/v1 resource list.
func TestQuantityRoundUp(t *testing.T) {
	tests := []struct {
		in, want string
		exact    bool
	}{
		{"0", "0", true}, {"1", "1", true}, {"1.5", "1500m", true}, {"0.5", "500m", true}, {"1000", "1k", true},
		{"1e3", "1e3", true}, {"1E3", "1E3", true}, {"12e-2", "120e-3", true}, {"1.5Gi", "1536Mi", true},
		{"0.1Ki", "102400m", true}, {"1.0001Ki", "1024103m", false}, {"100.0m", "100m", true}, {"0.1m", "1m", false},
		{"0.0000000001", "1m", false}, {"1.5n", "1m", false}, {"5e-10", "1e-3", false}, {"1.2e-2", "1.2e-2", true},
		{"123456789n", "124m", false}, {"1000u", "1m", true}, {"1.500", "1.500", true}, {"+1", "+1", true},
		{"007", "007", true}, {"1500000000000000000000", "1500E", true}, {"9Ei", "9223372036854775807", true},
		{"0m", "0", true}, {"-1.5n", "-1m", false}, {"-0.1m", "-1m", false}, {"1.2345", "1235m", false},
		{"1.2340", "1234m", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q := metav1.MustParse(tt.in)
			assert.Equal(t, tt.exact, q.RoundUp(metav1.Milli))
			assert.Equal(t, tt.want, q.Canonical().String())
		})
	}
}
