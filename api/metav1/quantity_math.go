package metav1

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Arithmetic and the canonical form of quantities, with the semantics of
// apimachinery's resource.Quantity. A result is written in canonical form;
// its format is that of the receiver (of the other operand when the
// receiver is zero), as read from the receiver's text.

// Scale is a power of ten, the unit of ScaledValue: Milli is 10^-3.
type Scale int32

// The scales of the decimal suffixes.
const (
	Nano  Scale = -9
	Micro Scale = -6
	Milli Scale = -3
	Kilo  Scale = 3
	Mega  Scale = 6
	Giga  Scale = 9
	Tera  Scale = 12
	Peta  Scale = 15
	Exa   Scale = 18
)

var (
	big10   = big.NewInt(10)
	big1024 = big.NewInt(1024)
	bigNano = big.NewInt(1e9)
)

// Canonical returns q in the form the API server stores and returns it:
// the value rounded away from zero to a multiple of 10^-9 (binary
// quantities above 2^63-1 are capped there), written with the largest
// suffix of its format that keeps it an integer: "1.5" is "1500m", "1000"
// is "1k", "0.5" is "500m", "1.5Gi" is "1536Mi", "1e3" stays "1e3", and a
// binary quantity that is not an integer of at least 1024 in magnitude is
// written in decimal ("0.5Gi" is "512Mi", "1.5Ki" is "1536").
//
// Like the server, it keeps text that apimachinery's parser takes as
// already canonical even where it is not the form above: a decimal whose
// digits, without the point, fit 18 places, do not start with 0 or end in
// 000, and whose exponent is a multiple of 3 ("1E3", "1.2e-2", "1.500"),
// and a binary one whose number is an integer not divisible by 8 ("1Ki",
// "3Mi").
func (q Quantity) Canonical() Quantity {
	if q.s == "" || keptAsWritten(q.s) {
		return q
	}
	return Quantity{s: canonicalText(q.rat(), q.Format())}
}

// keptAsWritten reports whether apimachinery's ParseQuantity keeps s as
// the quantity's text (its fast path, for text in canonical form).
func keptAsWritten(s string) bool {
	_, _, kept := fastPath(s)
	return kept
}

// fastPath reports how apimachinery's ParseQuantity holds s: as a small
// integer times 10^scale (fast), and whether it keeps s as its text.
func fastPath(s string) (fast bool, scale int, kept bool) {
	if s == "0" {
		return true, 0, true
	}
	p, reason := parseQuantity(s)
	if reason != "" {
		return false, 0, false
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	for i < len(s) && s[i] == '0' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	num := s[start:i]
	if num == "" {
		num = "0"
	}
	denom := ""
	if i < len(s) && s[i] == '.' {
		i++
		ds := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		denom = s[ds:i]
	}
	if p.format == BinarySI {
		if denom != "" || 15-len(num)-int(float32(p.exp2)*3/10)-1 < 0 {
			return false, 0, false
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v > math.MaxInt64>>p.exp2 {
			return false, 0, false
		}
		return true, 0, v&7 != 0
	}
	scale = p.exp10 // the suffix's exponent less len(denom)
	shifted := num + denom
	if 18-len(shifted) < 0 || scale < -9 {
		return false, 0, false
	}
	if _, err := strconv.ParseInt(shifted, 10, 64); err != nil {
		return false, 0, false
	}
	return true, scale, scale%3 == 0 && !strings.HasSuffix(shifted, "000") && shifted[0] != '0'
}

// RoundUp rounds q away from zero to a multiple of 10^scale and reports
// whether that kept its value. The API server does this at Milli to every
// resource list of core/v1 (a container's requests and limits, a
// ResourceQuota's hard limits) before storing it: "123456789n" of CPU is
// stored as "124m". As in apimachinery, the text is kept when the value
// needed no rounding and was written with no more than scale's precision
// ("1.500" at Milli); otherwise the result is written in canonical form.
func (q *Quantity) RoundUp(scale Scale) bool {
	if q.s == "" {
		return true
	}
	fast, textScale, _ := fastPath(q.s)
	if fast && textScale >= int(scale) {
		return true
	}
	v := q.rat()
	unit := new(big.Rat).SetInt(new(big.Int).Exp(big10, big.NewInt(int64(abs32(int32(scale)))), nil))
	if scale < 0 {
		unit.Inv(unit)
	}
	n := roundAwayBig(new(big.Rat).Quo(v, unit))
	r := new(big.Rat).Mul(new(big.Rat).SetInt(n), unit)
	exact := r.Cmp(v) == 0
	q.s = canonicalText(r, q.Format())
	if q.s == "0" {
		q.s = ""
	}
	return exact
}

// Add sets q to q+y.
func (q *Quantity) Add(y Quantity) { q.set(new(big.Rat).Add(q.rat(), y.rat()), y) }

// Sub sets q to q-y.
func (q *Quantity) Sub(y Quantity) { q.set(new(big.Rat).Sub(q.rat(), y.rat()), y) }

// Neg sets q to -q.
func (q *Quantity) Neg() { q.set(new(big.Rat).Neg(q.rat()), *q) }

// set stores v in canonical form, in q's format, or y's when q is zero.
func (q *Quantity) set(v *big.Rat, y Quantity) {
	format := q.Format()
	if q.IsZero() {
		format = y.Format()
	}
	q.s = canonicalText(v, format)
	if q.s == "0" {
		q.s = ""
	}
}

// CmpInt64 returns -1, 0 or 1 as q is less than, equal to or greater than
// y.
func (q Quantity) CmpInt64(y int64) int { return q.rat().Cmp(new(big.Rat).SetInt64(y)) }

// ScaledValue returns q in units of 10^scale, rounded away from zero
// ("1.5Gi" at Giga is 2, "100m" at Milli is 100), saturating at
// math.MinInt64 and math.MaxInt64. Value is ScaledValue(0) and MilliValue
// ScaledValue(Milli).
func (q Quantity) ScaledValue(scale Scale) int64 {
	v := q.rat()
	pow := new(big.Int).Exp(big10, big.NewInt(int64(abs32(int32(scale)))), nil)
	if scale > 0 {
		v.Quo(v, new(big.Rat).SetInt(pow))
	} else {
		v.Mul(v, new(big.Rat).SetInt(pow))
	}
	return roundAway(v)
}

// AsInt64 returns q's value and true when it is an integer that fits an
// int64, else 0 and false. (apimachinery's also answers false for values
// it happens to hold as big decimals, such as "1.5Gi"; this one does not.)
func (q Quantity) AsInt64() (int64, bool) {
	v := q.rat()
	if !v.IsInt() || !v.Num().IsInt64() {
		return 0, false
	}
	return v.Num().Int64(), true
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// roundAwayBig returns v rounded away from zero to an integer.
func roundAwayBig(v *big.Rat) *big.Int {
	num, den := v.Num(), v.Denom()
	quo, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Sign() != 0 {
		if num.Sign() < 0 {
			quo.Sub(quo, big.NewInt(1))
		} else {
			quo.Add(quo, big.NewInt(1))
		}
	}
	return quo
}

// roundAway returns v rounded away from zero, saturated to int64.
func roundAway(v *big.Rat) int64 {
	quo := roundAwayBig(v)
	if !quo.IsInt64() {
		if quo.Sign() < 0 {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	return quo.Int64()
}

// canonicalText writes v as the API server does for format.
func canonicalText(v *big.Rat, format Format) string {
	if v.Sign() == 0 {
		return "0"
	}
	neg := v.Sign() < 0
	// n = |v| in nanos, rounded up.
	a := new(big.Rat).Abs(v)
	a.Mul(a, new(big.Rat).SetInt(bigNano))
	n, rem := new(big.Int).QuoRem(a.Num(), a.Denom(), new(big.Int))
	if rem.Sign() != 0 {
		n.Add(n, big.NewInt(1))
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if format == BinarySI {
		if maxNanos := new(big.Int).Mul(big.NewInt(math.MaxInt64), bigNano); n.Cmp(maxNanos) > 0 {
			n = maxNanos
		}
		whole, frac := new(big.Int).QuoRem(n, bigNano, new(big.Int))
		if frac.Sign() == 0 && whole.Cmp(big1024) >= 0 {
			exp := 0
			for exp < 6 {
				q, r := new(big.Int).QuoRem(whole, big1024, new(big.Int))
				if r.Sign() != 0 {
					break
				}
				whole, exp = q, exp+1
			}
			suffix := ""
			if exp > 0 {
				suffix = "KMGTPE"[exp-1:exp] + "i"
			}
			return sign + whole.String() + suffix
		}
		format = DecimalSI
	}
	m, exp := n, -9
	for {
		q, r := new(big.Int).QuoRem(m, big10, new(big.Int))
		if r.Sign() != 0 {
			break
		}
		m, exp = q, exp+1
	}
	for exp%3 != 0 {
		m.Mul(m, big10)
		exp--
	}
	if format == DecimalExponent {
		if exp == 0 {
			return sign + m.String()
		}
		return sign + m.String() + "e" + strconv.Itoa(exp)
	}
	for exp > 18 {
		m.Mul(m, big.NewInt(1000))
		exp -= 3
	}
	return sign + m.String() + decimalSuffixes[(exp+9)/3]
}

// decimalSuffixes are the suffixes of 10^-9 to 10^18, by (exp+9)/3.
var decimalSuffixes = [...]string{"n", "u", "m", "", "k", "M", "G", "T", "P", "E"}
