// Package jsonwire is the runtime of kubewire's generated decoders and
// encoders: a reflection-free JSON reader over an owned byte slice, and the
// few writing helpers json-iterator's Stream lacks (encoding/json's float
// format, base64, compaction of raw values).
//
// A generated DecodeJSON captures one value from the json-iterator Iterator
// (a single copy), then decodes it with a Reader. Strings without escapes
// are not copied again: they point into that captured buffer, which is never
// written after capture, so one decoded object costs one allocation for all
// of its strings. The price is that a string kept from an object keeps the
// object's buffer alive.
package jsonwire

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	jsoniter "github.com/json-iterator/go"
)

// MaxDepth bounds the nesting of objects and arrays, as json-iterator does.
const MaxDepth = 10000

// SyntaxError reports malformed JSON or a value of the wrong JSON type.
type SyntaxError struct {
	// Type is the Go type being decoded ("corev1.Pod"), when known.
	Type string
	// Offset is the byte offset of the problem in the decoded value.
	Offset int
	// Msg describes the problem.
	Msg string
	// Near is a short excerpt of the input at Offset.
	Near string
	// Err is the underlying error of a value that is well-formed JSON but
	// invalid for its type (a *metav1.QuantityError, a *metav1.TimeError).
	Err error
}

// Unwrap returns the underlying error, if any.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Error returns "decoding TYPE: MSG at offset N near NEAR"; the offset is
// left out when negative (unknown), the excerpt when empty.
func (e *SyntaxError) Error() string {
	t := e.Type
	if t == "" {
		t = "JSON"
	}
	s := "decoding " + t + ": " + e.Msg
	if e.Offset >= 0 {
		s += " at offset " + strconv.Itoa(e.Offset)
	}
	if e.Near != "" {
		s += fmt.Sprintf(" near %q", e.Near)
	}
	return s
}

// Reader decodes JSON from a byte slice it owns. The zero Reader reads an
// empty input. Once an error is recorded every method returns zero values,
// so generated loops end.
type Reader struct {
	buf   []byte
	pos   int
	depth int
	first bool
	owned bool
	err   *SyntaxError

	// words is the slab the scalar pointers of one decoded value are
	// carved from (see word).
	words []uint64
	// slabs are the chunks of structs being handed out by Alloc.
	slabs   [8]slab
	slabPos int
	// arrays is the number of arrays begun; counts, when captured, their
	// element counts in the same order.
	arrays int
	counts arrayCounts

	// unknown are the offsets of the values of the members skipped by
	// SkipUnknown, in order, until a root takes them (see TakeUnknown).
	unknown []int
}

// Reset makes r read buf, which it borrows, decoding detached: the value
// shares no memory with buf and holds no more than it needs, for values
// kept for long (an informer's cache). Strings are copies, and the copies
// of short ones are shared with other detached values holding the same
// bytes (see intern); raw values are shared the same way (see Raw).
// Optional scalars and structs are allocated one by one instead of from
// slabs, so that no unused slab space stays alive with the value.
func (r *Reader) Reset(buf []byte) {
	*r = Reader{buf: buf, unknown: r.unknown[:0]}
}

// ResetOwned makes r read buf, which it owns: buf must never be modified
// afterwards, since decoded strings point into it.
func (r *Reader) ResetOwned(buf []byte) {
	*r = Reader{buf: buf, owned: true, unknown: r.unknown[:0]}
}

// Report checks that r read its whole input and passes its error, if any,
// to it.
func (r *Reader) Report(it *jsoniter.Iterator, typ string) {
	if err := r.Finish(typ); err != nil && it.Error == nil {
		it.ReportError("DecodeJSON", err.Error())
	}
}

// Finish checks that only whitespace follows the value and returns r's
// error, naming typ (when typ is not empty).
func (r *Reader) Finish(typ string) error {
	if r.err == nil {
		r.skipWS()
		if r.pos < len(r.buf) {
			r.fail("invalid character after top-level value")
		}
	}
	if r.err != nil {
		if typ != "" {
			r.err.Type = typ
		}
		return r.err
	}
	return nil
}

// Err returns the first error recorded, or nil.
func (r *Reader) Err() error {
	if r.err == nil {
		return nil
	}
	return r.err
}

// Failed reports whether an error has been recorded.
func (r *Reader) Failed() bool { return r.err != nil }

// Fail records msg as an error at the current offset, unless one is recorded
// already.
func (r *Reader) Fail(msg string) { r.fail(msg) }

// FailErr records err, a value's own error, unless one is recorded already.
func (r *Reader) FailErr(err error) {
	if r.err == nil {
		r.fail(err.Error())
		r.err.Err = err
	}
}

func (r *Reader) fail(msg string) {
	if r.err != nil {
		return
	}
	end := r.pos + 16
	if end > len(r.buf) {
		end = len(r.buf)
	}
	start := r.pos
	if start > end {
		start = end
	}
	r.err = &SyntaxError{Offset: r.pos, Msg: msg, Near: string(r.buf[start:end])}
	r.pos = len(r.buf)
}

func (r *Reader) skipWS() {
	for r.pos < len(r.buf) {
		switch r.buf[r.pos] {
		case ' ', '\n', '\r', '\t':
			r.pos++
		default:
			return
		}
	}
}

// next skips whitespace and returns the next byte without consuming it, or
// 0 at the end of the input.
func (r *Reader) next() byte {
	r.skipWS()
	if r.pos < len(r.buf) {
		return r.buf[r.pos]
	}
	return 0
}

// Null consumes a null literal and reports whether there was one.
func (r *Reader) Null() bool {
	if r.next() != 'n' {
		return false
	}
	r.literal("null")
	return r.err == nil
}

func (r *Reader) literal(lit string) {
	if len(r.buf)-r.pos < len(lit) || string(r.buf[r.pos:r.pos+len(lit)]) != lit {
		r.fail("invalid literal, expected " + lit)
		return
	}
	r.pos += len(lit)
	r.checkDelim()
}

// checkDelim fails unless the byte after a scalar ends it.
func (r *Reader) checkDelim() {
	if r.pos < len(r.buf) {
		switch r.buf[r.pos] {
		case ' ', '\n', '\r', '\t', ',', ']', '}', ':':
		default:
			r.fail("invalid character after value")
		}
	}
}

// BeginObject consumes '{' and returns true, or consumes null and returns
// false. Anything else is an error.
func (r *Reader) BeginObject() bool {
	switch r.next() {
	case '{':
		r.pos++
		if r.depth++; r.depth > MaxDepth {
			r.fail("exceeded max depth")
			return false
		}
		r.first = true
		return true
	case 'n':
		r.literal("null")
	default:
		r.fail("expected object")
	}
	return false
}

// NextKey returns the next key of the object begun by BeginObject, with the
// following ':' consumed, or false at the end of the object. The key is
// valid until the next call on r.
func (r *Reader) NextKey() ([]byte, bool) {
	if r.err != nil {
		return nil, false
	}
	c := r.next()
	if c == '}' {
		r.pos++
		r.depth--
		r.first = false
		return nil, false
	}
	if !r.first {
		if c != ',' {
			r.fail("expected ',' or '}' after object value")
			return nil, false
		}
		r.pos++
		c = r.next()
	}
	r.first = false
	if c != '"' {
		r.fail("expected string key")
		return nil, false
	}
	key := r.str()
	if r.next() != ':' {
		r.fail("expected ':' after object key")
		return nil, false
	}
	r.pos++
	return key, r.err == nil
}

// MapKey is NextKey for map keys: the key is returned as a string that
// stays valid.
func (r *Reader) MapKey() (string, bool) {
	k, ok := r.NextKey()
	if !ok {
		return "", false
	}
	return r.Keep(k), true
}

// BeginArray consumes '[' and returns true, or consumes null and returns
// false. Anything else is an error.
func (r *Reader) BeginArray() bool {
	switch r.next() {
	case '[':
		r.pos++
		r.arrays++
		if r.depth++; r.depth > MaxDepth {
			r.fail("exceeded max depth")
			return false
		}
		r.first = true
		return true
	case 'n':
		r.literal("null")
	default:
		r.fail("expected array")
	}
	return false
}

// NextElem reports whether the array begun by BeginArray has another
// element, consuming the ',' before it or the closing ']'.
func (r *Reader) NextElem() bool {
	if r.err != nil {
		return false
	}
	c := r.next()
	if c == ']' {
		r.pos++
		r.depth--
		r.first = false
		return false
	}
	if r.first {
		r.first = false
		return true
	}
	if c != ',' {
		r.fail("expected ',' or ']' after array element")
		return false
	}
	r.pos++
	return true
}

// Keep returns b, a string's contents from StringBytes, as a string that
// stays valid: without copying when r owns its buffer, since b is then
// either a slice of that buffer or a fresh unescaped copy, neither of which
// is written again; else a copy, shared when short (see intern).
func (r *Reader) Keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if !r.owned {
		return intern(b)
	}
	return unsafe.String(&b[0], len(b))
}

// str reads a string whose opening quote is at r.pos and returns its
// contents: a slice of buf when it has no escapes and is valid UTF-8, else
// a new unescaped copy.
func (r *Reader) str() []byte {
	r.pos++ // opening quote
	start := r.pos
	buf := r.buf
	ascii := true
	for i := start; i < len(buf); i++ {
		c := buf[i]
		if strPlain[c] {
			continue
		}
		if c == '"' {
			r.pos = i + 1
			s := buf[start:i:i]
			if !ascii && !utf8.Valid(s) {
				return fixUTF8(s)
			}
			return s
		}
		if c == '\\' {
			return r.unescape(start, i)
		}
		if c < 0x20 {
			r.pos = i
			r.fail("invalid control character in string")
			return nil
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	r.pos = len(buf)
	r.fail("unexpected end of input in string")
	return nil
}

// strPlain marks the bytes a string's fast path passes over: printable
// ASCII other than the quote and the backslash.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func fixUTF8(s []byte) []byte {
	out := make([]byte, 0, len(s)+8)
	for len(s) > 0 {
		c, n := utf8.DecodeRune(s)
		out = utf8.AppendRune(out, c)
		s = s[n:]
	}
	return out
}

func (r *Reader) unescape(start, i int) []byte {
	buf := r.buf
	out := make([]byte, i-start, i-start+16)
	copy(out, buf[start:i])
	for i < len(buf) {
		c := buf[i]
		switch {
		case c == '"':
			r.pos = i + 1
			return out
		case c == '\\':
			if i+1 >= len(buf) {
				r.pos = i
				r.fail("unexpected end of input in string escape")
				return nil
			}
			e := buf[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				c1, ok := hex4(buf, i)
				if !ok {
					r.pos = i
					r.fail("invalid \\u escape in string")
					return nil
				}
				i += 4
				rn := rune(c1)
				if utf16.IsSurrogate(rn) {
					rn = utf8.RuneError
					if i+6 <= len(buf) && buf[i] == '\\' && buf[i+1] == 'u' {
						if c2, ok := hex4(buf, i+2); ok {
							if dec := utf16.DecodeRune(rune(c1), rune(c2)); dec != utf8.RuneError {
								rn = dec
								i += 6
							}
						}
					}
				}
				out = utf8.AppendRune(out, rn)
			default:
				r.pos = i - 1
				r.fail("invalid escape in string")
				return nil
			}
		case c < 0x20:
			r.pos = i
			r.fail("invalid control character in string")
			return nil
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			rn, n := utf8.DecodeRune(buf[i:])
			out = utf8.AppendRune(out, rn) // invalid bytes become U+FFFD
			i += n
		}
	}
	r.pos = len(buf)
	r.fail("unexpected end of input in string")
	return nil
}

func hex4(b []byte, i int) (uint16, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var v uint16
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | uint16(c)
	}
	return v, true
}

// String reads a string; null reads as "".
func (r *Reader) String() string {
	switch r.next() {
	case '"':
		return r.Keep(r.str())
	case 'n':
		r.literal("null")
	default:
		r.fail("expected string")
	}
	return ""
}

// StringBytes reads a string and returns its contents, valid until the next
// call on r, and whether it was a string (not null).
func (r *Reader) StringBytes() ([]byte, bool) {
	switch r.next() {
	case '"':
		b := r.str()
		return b, r.err == nil
	case 'n':
		r.literal("null")
	default:
		r.fail("expected string")
	}
	return nil, false
}

// Bytes reads a base64 (standard encoding) string as encoding/json does for
// []byte; null reads as nil.
func (r *Reader) Bytes() []byte {
	b, ok := r.StringBytes()
	if !ok {
		return nil
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(out, b)
	if err != nil {
		r.fail("invalid base64 data: " + err.Error())
		return nil
	}
	return out[:n]
}

// Bool reads true or false; null reads as false.
func (r *Reader) Bool() bool {
	switch r.next() {
	case 't':
		r.literal("true")
		return r.err == nil
	case 'f':
		r.literal("false")
	case 'n':
		r.literal("null")
	default:
		r.fail("expected boolean")
	}
	return false
}

// number returns the text of the number at r.pos, validated against JSON's
// grammar, and whether it is an integer (no fraction or exponent).
func (r *Reader) number() ([]byte, bool) {
	buf := r.buf
	start := r.pos
	i := start
	if i < len(buf) && buf[i] == '-' {
		i++
	}
	switch {
	case i < len(buf) && buf[i] == '0':
		i++
	case i < len(buf) && buf[i] >= '1' && buf[i] <= '9':
		for i < len(buf) && buf[i] >= '0' && buf[i] <= '9' {
			i++
		}
	default:
		r.fail("invalid number")
		return nil, false
	}
	integer := true
	if i < len(buf) && buf[i] == '.' {
		integer = false
		i++
		d := i
		for i < len(buf) && buf[i] >= '0' && buf[i] <= '9' {
			i++
		}
		if i == d {
			r.pos = i
			r.fail("invalid number: missing digits after '.'")
			return nil, false
		}
	}
	if i < len(buf) && (buf[i] == 'e' || buf[i] == 'E') {
		integer = false
		i++
		if i < len(buf) && (buf[i] == '+' || buf[i] == '-') {
			i++
		}
		d := i
		for i < len(buf) && buf[i] >= '0' && buf[i] <= '9' {
			i++
		}
		if i == d {
			r.pos = i
			r.fail("invalid number: missing exponent digits")
			return nil, false
		}
	}
	r.pos = i
	r.checkDelim()
	return buf[start:i], integer
}

// Int64 reads an integer that fits int64; null reads as 0.
func (r *Reader) Int64() int64 { return r.intN(64) }

// Int32 reads an integer that fits int32; null reads as 0.
func (r *Reader) Int32() int32 { return int32(r.intN(32)) }

func (r *Reader) intN(bits int) int64 {
	c := r.next()
	if c == 'n' {
		r.literal("null")
		return 0
	}
	if c != '-' && (c < '0' || c > '9') {
		r.fail("expected number")
		return 0
	}
	start := r.pos
	b, integer := r.number()
	if r.err != nil {
		return 0
	}
	if !integer {
		r.pos = start
		r.fail("number " + string(b) + " is not an integer")
		return 0
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var v uint64
	lim := uint64(1) << (bits - 1)
	for _, d := range b {
		v = v*10 + uint64(d-'0')
		if v > lim {
			break
		}
	}
	if v > lim || (!neg && v == lim) || len(b) > 20 {
		r.pos = start
		r.fail(fmt.Sprintf("number %s overflows int%d", r.buf[start:start+len(b)+btoi(neg)], bits))
		return 0
	}
	if neg {
		return -int64(v)
	}
	return int64(v)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Float64 reads a number; null reads as 0.
func (r *Reader) Float64() float64 {
	c := r.next()
	if c == 'n' {
		r.literal("null")
		return 0
	}
	if c != '-' && (c < '0' || c > '9') {
		r.fail("expected number")
		return 0
	}
	start := r.pos
	b, _ := r.number()
	if r.err != nil {
		return 0
	}
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil || math.IsInf(f, 0) {
		r.pos = start
		r.fail("number " + string(b) + " overflows float64")
		return 0
	}
	return f
}

// Number reads a JSON number and returns its text, valid until the next
// call on r; ok is false for anything else.
func (r *Reader) Number() (text []byte, ok bool) {
	c := r.next()
	if c != '-' && (c < '0' || c > '9') {
		return nil, false
	}
	b, _ := r.number()
	return b, r.err == nil
}

// Kind returns the kind of the next value: one of '"', 'n', 't', 'f', '0'
// (number), '{', '[', or 0 at the end of input.
func (r *Reader) Kind() byte {
	switch c := r.next(); c {
	case '-', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	default:
		return c
	}
}

// Raw reads any value and returns its bytes verbatim (a capped slice of an
// owned input, appending to which copies; a copy of a borrowed one, shared
// with other detached values holding the same bytes, see shareRaw). null
// reads as nil.
func (r *Reader) Raw() []byte {
	if r.Null() {
		return nil
	}
	r.skipWS()
	start := r.pos
	r.Skip()
	if r.err != nil {
		return nil
	}
	if !r.owned {
		return shareRaw(r.buf[start:r.pos])
	}
	return r.buf[start:r.pos:r.pos]
}

// Skip reads and discards any value, checking its syntax.
func (r *Reader) Skip() {
	switch c := r.next(); c {
	case '"':
		r.skipString()
	case 'n':
		r.literal("null")
	case 't':
		r.literal("true")
	case 'f':
		r.literal("false")
	case '{':
		if !r.BeginObject() {
			return
		}
		for r.skipKey() {
			r.Skip()
		}
	case '[':
		if !r.BeginArray() {
			return
		}
		for r.NextElem() {
			r.Skip()
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		r.number()
	case 0:
		r.fail("unexpected end of input")
	default:
		r.fail("invalid character looking for a value")
	}
}

// skipKey is NextKey without reading the key.
func (r *Reader) skipKey() bool {
	if r.err != nil {
		return false
	}
	c := r.next()
	if c == '}' {
		r.pos++
		r.depth--
		r.first = false
		return false
	}
	if !r.first {
		if c != ',' {
			r.fail("expected ',' or '}' after object value")
			return false
		}
		r.pos++
		c = r.next()
	}
	r.first = false
	if c != '"' {
		r.fail("expected string key")
		return false
	}
	r.skipString()
	if r.next() != ':' {
		r.fail("expected ':' after object key")
		return false
	}
	r.pos++
	return r.err == nil
}

func (r *Reader) skipString() {
	buf := r.buf
	for i := r.pos + 1; i < len(buf); i++ {
		c := buf[i]
		if strPlain[c] {
			continue
		}
		switch {
		case c == '"':
			r.pos = i + 1
			return
		case c == '\\':
			i++ // the escaped byte; \u digits are plain bytes
		case c < 0x20:
			r.pos = i
			r.fail("invalid control character in string")
			return
		}
	}
	r.pos = len(buf)
	r.fail("unexpected end of input in string")
}

// Owned reports whether r owns its input (ResetOwned): a value may then
// keep slices of what Value and Whole return; otherwise it must copy what
// it keeps.
func (r *Reader) Owned() bool { return r.owned }

// Value reads any value, checking its syntax, and returns its bytes: a
// slice of the input, owned or not (see Owned). null reads as "null".
func (r *Reader) Value() []byte {
	r.skipWS()
	start := r.pos
	r.Skip()
	if r.err != nil {
		return nil
	}
	return r.buf[start:r.pos:r.pos]
}

// Whole returns the whole input, from its first value to its end, and
// consumes it, when r is at its start (nothing but white space read yet);
// else nil. It serves decoders that read a whole body themselves (a list
// decoded in parallel, a dynamic object): they must decode exactly one
// value from it and fail on anything but white space after it. The bytes
// are the input's (see Owned).
func (r *Reader) Whole() []byte {
	if r.err != nil || r.depth != 0 || r.arrays != 0 {
		return nil
	}
	for _, c := range r.buf[:r.pos] {
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return nil
		}
	}
	r.skipWS()
	b := r.buf[r.pos:len(r.buf):len(r.buf)]
	r.pos = len(r.buf)
	return b
}

// Left returns the number of input bytes not read yet.
func (r *Reader) Left() int { return len(r.buf) - r.pos }

// FailWith records err, the error of a decoder that read a value itself,
// unless one is recorded already: a *SyntaxError as it is, any other
// error as FailErr does.
func (r *Reader) FailWith(err error) {
	if r.err != nil || err == nil {
		return
	}
	if se, ok := err.(*SyntaxError); ok {
		r.err = se
		r.pos = len(r.buf)
		return
	}
	r.FailErr(err)
}
