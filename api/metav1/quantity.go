package metav1

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/jsonwire"
)

// Quantity is a fixed-point number in the API's quantity syntax: a signed
// decimal number followed by a binary suffix (Ki, Mi, Gi, Ti, Pi, Ei), a
// decimal suffix (n, u, m, "", k, M, G, T, P, E) or a decimal exponent
// (e3, E-2): "100m", "1Gi", "1e3", "0.5", "1.5Ki".
//
// A Quantity keeps the text it was parsed from and serializes it unchanged,
// so a decoded object re-encodes exactly as the server sent it; two
// quantities with different text may be numerically equal (compare with
// Cmp). The zero Quantity is 0. Quantities made from numbers by
// NewQuantity and NewMilliQuantity are written in canonical form.
type Quantity struct {
	s string
}

// Format is the suffix family of a quantity.
type Format string

// Quantity formats.
const (
	// DecimalSI uses the suffixes n, u, m, k, M, G, T, P and E.
	DecimalSI Format = "DecimalSI"
	// BinarySI uses the suffixes Ki, Mi, Gi, Ti, Pi and Ei.
	BinarySI Format = "BinarySI"
	// DecimalExponent uses an exponent: 1e3, 5e-3.
	DecimalExponent Format = "DecimalExponent"
)

// QuantityError reports text that is not a valid quantity.
type QuantityError struct {
	// Input is the text that failed to parse.
	Input string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns the error's message.
func (e *QuantityError) Error() string {
	return "invalid quantity " + strconv.Quote(e.Input) + ": " + e.Reason
}

// parsedQuantity is digits × 10^exp10 × 2^exp2, negated when neg.
type parsedQuantity struct {
	neg    bool
	digits string // decimal digits, no sign or point; may have leading zeros
	exp10  int
	exp2   int
	format Format
}

const maxQuantityExponent = 1000

func parseQuantity(s string) (parsedQuantity, string) {
	var p parsedQuantity
	if s == "" {
		return p, "empty string"
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		p.neg = s[0] == '-'
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart := s[intStart:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		frac = s[fs:i]
	}
	if intPart == "" && frac == "" {
		return p, "expected a number"
	}
	switch {
	case frac == "":
		p.digits = intPart
	case intPart == "":
		p.digits = frac
	default:
		// The only allocation of parsing, for quantities with both parts.
		p.digits = intPart + frac
	}
	p.exp10 = -len(frac)
	suffix := s[i:]
	p.format = DecimalSI
	switch suffix {
	case "":
	case "n":
		p.exp10 -= 9
	case "u":
		p.exp10 -= 6
	case "m":
		p.exp10 -= 3
	case "k":
		p.exp10 += 3
	case "M":
		p.exp10 += 6
	case "G":
		p.exp10 += 9
	case "T":
		p.exp10 += 12
	case "P":
		p.exp10 += 15
	case "E":
		p.exp10 += 18
	case "Ki", "Mi", "Gi", "Ti", "Pi", "Ei":
		p.format = BinarySI
		p.exp2 = 10 * (1 + strings.IndexByte("KMGTPE", suffix[0]))
	default:
		if suffix[0] != 'e' && suffix[0] != 'E' {
			return p, "unknown suffix " + strconv.Quote(suffix)
		}
		e, err := strconv.Atoi(suffix[1:])
		if err != nil {
			return p, "invalid exponent " + strconv.Quote(suffix)
		}
		if e > maxQuantityExponent || e < -maxQuantityExponent {
			return p, "exponent out of range"
		}
		p.format = DecimalExponent
		p.exp10 += e
	}
	return p, ""
}

// ParseQuantity parses s. It returns a *QuantityError for text that is not
// a quantity.
func ParseQuantity(s string) (Quantity, error) {
	if _, reason := parseQuantity(s); reason != "" {
		return Quantity{}, &QuantityError{Input: s, Reason: reason}
	}
	return Quantity{s: s}, nil
}

// MustParse is ParseQuantity for constants: it panics on invalid text.
func MustParse(s string) Quantity {
	q, err := ParseQuantity(s)
	if err != nil {
		panic(err)
	}
	return q
}

func (q Quantity) parsed() parsedQuantity {
	if q.s == "" {
		return parsedQuantity{digits: "0", format: DecimalSI}
	}
	p, _ := parseQuantity(q.s) // q.s was validated when q was made
	return p
}

// String returns the quantity's text: the text it was parsed from, or the
// canonical form when it was made from a number. The zero Quantity is "0".
func (q Quantity) String() string {
	if q.s == "" {
		return "0"
	}
	return q.s
}

// Format returns the suffix family of q's text.
func (q Quantity) Format() Format { return q.parsed().format }

// IsZero reports whether q's value is zero.
func (q Quantity) IsZero() bool { return q.Sign() == 0 }

// Sign returns -1, 0 or 1 as q is negative, zero or positive.
func (q Quantity) Sign() int {
	p := q.parsed()
	if strings.Trim(p.digits, "0") == "" {
		return 0
	}
	if p.neg {
		return -1
	}
	return 1
}

// rat returns q's exact value.
func (q Quantity) rat() *big.Rat {
	p := q.parsed()
	n, _ := new(big.Int).SetString(p.digits, 10)
	if p.neg {
		n.Neg(n)
	}
	d := big.NewInt(1)
	ten := big.NewInt(10)
	if p.exp10 > 0 {
		n.Mul(n, new(big.Int).Exp(ten, big.NewInt(int64(p.exp10)), nil))
	} else if p.exp10 < 0 {
		d.Exp(ten, big.NewInt(int64(-p.exp10)), nil)
	}
	n.Lsh(n, uint(p.exp2))
	return new(big.Rat).SetFrac(n, d)
}

// Cmp returns -1, 0 or 1 as q is less than, equal to or greater than y.
func (q Quantity) Cmp(y Quantity) int { return q.rat().Cmp(y.rat()) }

// Equal reports whether q and y have the same value, whatever their text.
func (q Quantity) Equal(y Quantity) bool { return q.Cmp(y) == 0 }

// Value returns q rounded away from zero to an integer ("100m" is 1), or the
// nearest of math.MinInt64 and math.MaxInt64 when it does not fit.
func (q Quantity) Value() int64 { return q.scaled(1) }

// MilliValue returns q×1000 rounded away from zero to an integer ("1.5m" is
// 2), saturating like Value.
func (q Quantity) MilliValue() int64 { return q.scaled(1000) }

func (q Quantity) scaled(mul int64) int64 {
	v := q.rat()
	return roundAway(v.Mul(v, new(big.Rat).SetInt64(mul)))
}

// AsApproximateFloat64 returns q as the nearest float64 (±Inf when it is too
// large).
func (q Quantity) AsApproximateFloat64() float64 {
	p := q.parsed()
	f, _ := strconv.ParseFloat(p.digits+"e"+strconv.Itoa(p.exp10), 64)
	f = math.Ldexp(f, p.exp2)
	if p.neg {
		f = -f
	}
	return f
}

// NewQuantity returns value in canonical form for format.
func NewQuantity(value int64, format Format) Quantity {
	return Quantity{s: canonicalText(new(big.Rat).SetInt64(value), format)}
}

// NewMilliQuantity returns milli/1000 in canonical form for format.
func NewMilliQuantity(milli int64, format Format) Quantity {
	return Quantity{s: canonicalText(big.NewRat(milli, 1000), format)}
}

// DecodeWire reads q from a JSON string or number; null reads as zero.
func (q *Quantity) DecodeWire(r *jsonwire.Reader) {
	var b []byte
	switch r.Kind() {
	case 'n':
		r.Null()
		*q = Quantity{}
		return
	case '0':
		b, _ = r.Number()
	default:
		var ok bool
		if b, ok = r.StringBytes(); !ok {
			return
		}
	}
	if r.Failed() {
		return
	}
	if string(b) == "0" {
		*q = Quantity{} // the zero Quantity's text
		return
	}
	s := r.Keep(b)
	if _, reason := parseQuantity(s); reason != "" {
		r.FailErr(&QuantityError{Input: string(b), Reason: reason})
		return
	}
	q.s = s
}

// DecodeJSON reads q from it.
func (q *Quantity) DecodeJSON(it *jsoniter.Iterator) {
	var r jsonwire.Reader
	if r.Capture(it) {
		q.DecodeWire(&r)
		r.Report(it, "metav1.Quantity")
	}
}

// EncodeJSON writes q's text as a JSON string.
func (q *Quantity) EncodeJSON(s *jsoniter.Stream) { jsonwire.String(s, q.String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	q.DecodeWire(&r)
	return r.Finish("metav1.Quantity")
}

// MarshalJSON implements json.Marshaler.
func (q Quantity) MarshalJSON() ([]byte, error) {
	s := borrowStream()
	q.EncodeJSON(s)
	return finishStream(s)
}
