package jsonwire

import (
	"encoding/base64"
	"math"
	"slices"
	"strconv"

	jsoniter "github.com/json-iterator/go"
)

// Encoder is a value with a generated encoder.
type Encoder interface {
	EncodeJSON(s *jsoniter.Stream)
}

// Marshal encodes e into a new slice, for MarshalJSON methods: chunked
// like MarshalStream, so a large value costs time linear in its size.
func Marshal(e Encoder) ([]byte, error) {
	s := API.BorrowStream(nil)
	defer API.ReturnStream(s)
	return MarshalStream(s, e.EncodeJSON)
}

// Key writes an object key. key is the quoted key with a leading comma and a
// trailing colon (`,"name":`); the comma is written only when more is set,
// and more is set afterwards.
func Key(s *jsoniter.Stream, more *bool, key string) {
	Spill(s)
	if *more {
		s.WriteRaw(key)
		return
	}
	*more = true
	s.WriteRaw(key[1:])
}

// String writes v quoted, escaped as encoding/json does (HTML characters,
// U+2028, U+2029, invalid UTF-8).
func String(s *jsoniter.Stream, v string) {
	Spill(s)
	s.WriteStringWithHTMLEscaped(v)
}

// Bytes writes v as a base64 string, as encoding/json does for []byte.
func Bytes(s *jsoniter.Stream, v []byte) {
	if v == nil {
		s.WriteNil()
		return
	}
	b := s.Buffer()
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, v)
	b = append(b, '"')
	s.SetBuffer(b)
}

// Float64 writes v in encoding/json's format: the shortest representation,
// in exponent form only for very small or very large magnitudes. NaN and
// infinities are errors, as in encoding/json.
func Float64(s *jsoniter.Stream, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		if s.Error == nil {
			s.Error = &UnsupportedValueError{Value: strconv.FormatFloat(v, 'g', -1, 64)}
		}
		s.WriteRaw("0")
		return
	}
	s.SetBuffer(AppendFloat(s.Buffer(), v))
}

// UnsupportedValueError reports a float that JSON cannot represent.
type UnsupportedValueError struct{ Value string }

// Error returns the error's message.
func (e *UnsupportedValueError) Error() string { return "json: unsupported value: " + e.Value }

// AppendFloat appends v formatted as encoding/json formats a float64.
func AppendFloat(b []byte, v float64) []byte {
	abs := math.Abs(v)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// Raw writes a raw JSON value as encoding/json writes a Marshaler's output:
// compacted, with HTML characters and U+2028/U+2029 escaped inside strings.
// An empty value is written as null.
func Raw(s *jsoniter.Stream, v []byte) {
	if len(v) == 0 {
		s.WriteNil()
		return
	}
	s.SetBuffer(AppendCompact(s.Buffer(), v))
}

// AppendCompact appends the JSON value v without insignificant whitespace,
// escaping '<', '>', '&', U+2028 and U+2029 inside strings. v must be valid
// JSON.
func AppendCompact(b []byte, v []byte) []byte {
	inString := false
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if inString {
			switch {
			case c == '\\':
				i++
			case c == '"':
				inString = false
			case c == '<' || c == '>' || c == '&':
				b = append(b, v[start:i]...)
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
				start = i + 1
			case c == 0xE2 && i+2 < len(v) && v[i+1] == 0x80 && v[i+2]&^1 == 0xA8:
				b = append(b, v[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[v[i+2]&0xF])
				i += 2
				start = i + 1
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			b = append(b, v[start:i]...)
			start = i + 1
		}
	}
	return append(b, v[start:]...)
}

const hexDigits = "0123456789abcdef"

// SortedKeys returns m's keys in order, as encoding/json writes them,
// appended to buf (pass a stack array's slice to avoid allocating for small
// maps).
func SortedKeys[K ~string, V any](m map[K]V, buf []K) []K {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
