package dynamic

import (
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

// byteDecoder reads JSON from a byte slice into the shapes of this package
// (see decoder), faster than through an iterator: keys are interned (an
// object's keys repeat across a list), string values are copied into
// shared 16 KiB chunks instead of one allocation each, and numbers are
// parsed in place. Nothing it returns points into its input.
type byteDecoder struct {
	data  []byte
	pos   int
	depth int
	err   *metav1.SyntaxError

	keys  []string
	ovals []any
	avals []any
	names map[string]string
	arena []byte
	strs  []string
	ints  []int64
	buf   []byte // unescaping scratch

	// single marks a decoder of one small object (a watch event's): keys
	// repeat across the objects of a list, but in one small object
	// interning them costs more than it saves.
	single bool
}

const (
	arenaSize = 16 << 10
	maxNames  = 4096 // interned keys per decoder
)

// left is the number of input bytes not read yet.
func (d *byteDecoder) left() int { return len(d.data) - d.pos }

func (d *byteDecoder) reset(data []byte) {
	d.data, d.pos, d.depth, d.err = data, 0, 0, nil
}

func (d *byteDecoder) fail(msg string) {
	if d.err == nil {
		d.err = &metav1.SyntaxError{Type: "dynamic.Object", Offset: d.pos, Msg: msg}
	}
	d.pos = len(d.data)
}

// finish checks that only whitespace is left and returns the error, if any.
func (d *byteDecoder) finish() error {
	if d.err == nil {
		d.skipWS()
		if d.pos < len(d.data) {
			d.fail("invalid character after top-level value")
		}
	}
	if d.err != nil {
		return d.err
	}
	return nil
}

func (d *byteDecoder) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\n', '\r', '\t':
			d.pos++
		default:
			return
		}
	}
}

// next skips whitespace and returns the next byte, 0 at the end.
func (d *byteDecoder) next() byte {
	d.skipWS()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *byteDecoder) value() any {
	switch c := d.next(); c {
	case '"':
		return d.boxString(d.keep(d.str()))
	case '{':
		return d.object()
	case '[':
		return d.array()
	case 't':
		d.literal("true")
		return true
	case 'f':
		d.literal("false")
		return false
	case 'n':
		d.literal("null")
		return nil
	case 0:
		d.fail("unexpected end of input")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return d.number()
		}
		d.fail("expected a JSON value")
	}
	return nil
}

func (d *byteDecoder) literal(lit string) {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		d.fail("invalid literal, expected " + lit)
		return
	}
	d.pos += len(lit)
}

func (d *byteDecoder) enter() bool {
	if d.depth++; d.depth > maxDepth {
		d.fail("value nested too deeply")
		return false
	}
	return true
}

// object reads an object whose '{' is at d.pos.
func (d *byteDecoder) object() map[string]any {
	d.pos++
	if !d.enter() {
		return nil
	}
	defer func() { d.depth-- }()
	base := len(d.keys)
	if d.next() == '}' {
		d.pos++
		return map[string]any{}
	}
	for {
		if d.next() != '"' {
			d.fail("expected string key")
			return nil
		}
		k := d.name(d.str())
		if d.next() != ':' {
			d.fail("expected ':' after object key")
			return nil
		}
		d.pos++
		v := d.value()
		if d.err != nil {
			return nil
		}
		d.keys = append(d.keys, k)
		d.ovals = append(d.ovals, v)
		c := d.next()
		d.pos++
		if c == '}' {
			break
		}
		if c != ',' {
			d.fail("expected ',' or '}' after object value")
			return nil
		}
	}
	out := make(map[string]any, len(d.keys)-base)
	for i := base; i < len(d.keys); i++ {
		out[d.keys[i]] = d.ovals[i]
	}
	clear(d.ovals[base:])
	d.keys, d.ovals = d.keys[:base], d.ovals[:base]
	return out
}

// array reads an array whose '[' is at d.pos.
func (d *byteDecoder) array() []any {
	d.pos++
	if !d.enter() {
		return nil
	}
	defer func() { d.depth-- }()
	base := len(d.avals)
	if d.next() == ']' {
		d.pos++
		return []any{}
	}
	for {
		v := d.value()
		if d.err != nil {
			return nil
		}
		d.avals = append(d.avals, v)
		c := d.next()
		d.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			d.fail("expected ',' or ']' after array element")
			return nil
		}
	}
	out := make([]any, len(d.avals)-base)
	copy(out, d.avals[base:])
	clear(d.avals[base:])
	d.avals = d.avals[:base]
	return out
}

// str reads a string whose opening quote is at d.pos and returns its
// contents: a slice of the input when it has no escapes, else of d.buf,
// valid until the next call.
func (d *byteDecoder) str() []byte {
	start := d.pos + 1
	i := start
	for i < len(d.data) && plain[d.data[i]] {
		i++
	}
	if i < len(d.data) && d.data[i] == '"' {
		d.pos = i + 1
		return d.data[start:i]
	}
	return d.unescape(start, i)
}

// plain marks the bytes a string's fast path passes over.
var plain = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i != '"' && i != '\\'
	}
	return t
}()

func (d *byteDecoder) unescape(start, i int) []byte {
	b := append(d.buf[:0], d.data[start:i]...)
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = b
			return b
		case c < 0x20:
			d.pos = i
			d.fail("control character in string")
			return nil
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.data) {
			break
		}
		i++
		switch e := d.data[i]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(d.data, i+1)
			if !ok {
				d.pos = i
				d.fail("invalid \\u escape")
				return nil
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(-1), false
				if i+6 < len(d.data) && d.data[i+1] == '\\' && d.data[i+2] == 'u' {
					r2, ok = hex4(d.data, i+3)
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			d.pos = i
			d.fail("invalid escape in string")
			return nil
		}
		i++
	}
	d.pos = len(d.data)
	d.fail("unterminated string")
	return nil
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// name returns b as an interned string: the keys of a list's objects are
// allocated once.
func (d *byteDecoder) name(b []byte) string {
	if s, ok := d.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.names) < maxNames && len(b) <= 64 && !d.single {
		if d.names == nil {
			d.names = make(map[string]string, 256)
		}
		d.names[s] = s
	}
	return s
}

// keep returns b as a string that stays valid, carved from the decoder's
// current chunk when it is short. A chunk is never written where a string
// was carved, and a string keeps only its chunk alive.
func (d *byteDecoder) keep(b []byte) string {
	if d.err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > arenaSize/8 {
		return string(b)
	}
	if len(d.arena) < len(b) {
		// The strings still to come are no longer than the input left:
		// a small object gets a chunk of its size, not a whole one.
		d.arena = make([]byte, min(arenaSize, len(b)+d.left()))
	}
	n := copy(d.arena, b)
	s := unsafe.String(&d.arena[0], n)
	d.arena = d.arena[n:]
	return s
}

// number reads a number: an int64 when integral and in range, else a
// float64.
func (d *byteDecoder) number() any {
	start := d.pos
	i := start
	for i < len(d.data) && numChar[d.data[i]] {
		i++
	}
	d.pos = i
	text := d.data[start:i]
	if i < len(d.data) {
		switch d.data[i] {
		case ' ', '\n', '\r', '\t', ',', ']', '}':
		default:
			d.fail("invalid character after number")
			return nil
		}
	}
	s := unsafe.String(unsafe.SliceData(text), len(text))
	integral, ok := checkNumber(s)
	if !ok {
		d.pos = start
		d.fail("invalid number")
		return nil
	}
	if integral {
		if len(text) <= 18 {
			neg := text[0] == '-'
			if neg {
				text = text[1:]
			}
			var n int64
			for _, c := range text {
				n = n*10 + int64(c-'0')
			}
			if neg {
				n = -n
			}
			return d.boxInt(n)
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return d.boxInt(n)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		d.pos = start
		d.fail("number out of range")
		return nil
	}
	return f
}

// Boxing a string or an int64 in an interface allocates its value; these
// carve the values from slabs instead, a few hundred a time, the way the
// runtime itself stores them: an interface of a non-pointer type holds a
// pointer to an immutable copy of the value. A slab element is written
// once, before it is boxed.

type eface struct {
	typ, data unsafe.Pointer
}

var (
	stringType = typeOf("")
	int64Type  = typeOf(int64(0))
)

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

func (d *byteDecoder) boxString(s string) any {
	if s == "" {
		return ""
	}
	if len(d.strs) == 0 {
		d.strs = make([]string, min(256, 1+d.left()/16)) // about one string value in 16 bytes of input
	}
	p := &d.strs[0]
	*p = s
	d.strs = d.strs[1:]
	var v any
	(*eface)(unsafe.Pointer(&v)).typ = stringType
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(p)
	return v
}

func (d *byteDecoder) boxInt(n int64) any {
	if n >= 0 && n < 256 {
		return n // the runtime boxes small integers without allocating
	}
	if len(d.ints) == 0 {
		d.ints = make([]int64, min(128, 1+d.left()/32))
	}
	p := &d.ints[0]
	*p = n
	d.ints = d.ints[1:]
	var v any
	(*eface)(unsafe.Pointer(&v)).typ = int64Type
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(p)
	return v
}

var numChar = func() (t [256]bool) {
	for _, c := range "0123456789-+.eE" {
		t[c] = true
	}
	return t
}()

// decodeObject decodes data, one JSON object or null, with d.
func (d *byteDecoder) decodeObject(data []byte) (Object, error) {
	d.reset(data)
	var o Object
	switch d.next() {
	case 'n':
		d.literal("null")
	case '{':
		o = d.object()
	default:
		d.fail("expected a JSON object")
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return o, nil
}

// DecodeWire decodes one JSON object (null leaves o nil), like DecodeJSON,
// faster: it is the JSON capability through which codec.DecodeBody, and so
// the rest, typed and dynamic clients, decode Objects. o keeps nothing of
// the input, owned or not.
func (o *Object) DecodeWire(r *jsonwire.Reader) {
	data := r.Whole()
	if data == nil {
		if data = r.Value(); r.Failed() {
			return
		}
	}
	r.FailWith(o.decodeBytes(data))
}

// decodeBytes decodes data, one JSON object, into o.
func (o *Object) decodeBytes(data []byte) error {
	d := objectDecoders.Get().(*byteDecoder)
	d.single = len(data) < 4<<10
	obj, err := d.decodeObject(data)
	if err != nil {
		return err // the stacks may hold a half-decoded value: not reused
	}
	// Only the scratch stacks are reused; after a clean decode they are
	// empty (object and array clear the values they pop). The chunks stay
	// with the objects carved from them, and interned keys are not shared.
	d.data, d.names, d.arena, d.strs, d.ints = nil, nil, nil, nil, nil
	objectDecoders.Put(d)
	*o = obj
	return nil
}

// objectDecoders keep the scratch stacks of decoders of single objects
// (watch events, Get responses).
var objectDecoders = sync.Pool{New: func() any { return new(byteDecoder) }}

// DecodeWire decodes a list like DecodeJSON, its items in parallel when
// it is large: the JSON capability through which codec.DecodeBody decodes
// Lists. l keeps nothing of the input, owned or not.
func (l *List) DecodeWire(r *jsonwire.Reader) {
	data := r.Whole()
	if data == nil {
		if data = r.Value(); r.Failed() {
			return
		}
	}
	r.FailWith(l.decodeBytes(data))
}

func (l *List) decodeBytes(data []byte) error {
	newDecode := func() func([]byte, *Object) error {
		d := new(byteDecoder)
		return func(b []byte, o *Object) error {
			obj, err := d.decodeObject(b)
			*o = obj
			return err
		}
	}
	var d byteDecoder
	items, rest, ok := codec.DecodeListItems(data, newDecode)
	if !ok {
		items, rest = nil, data
	}
	d.reset(rest)
	if d.next() != '{' {
		d.fail("expected a JSON object")
		return d.finish()
	}
	d.pos++
	if !d.enter() {
		return d.finish()
	}
	header := Object{}
	if d.next() == '}' {
		d.pos++
	} else {
		for {
			if d.next() != '"' {
				d.fail("expected string key")
				break
			}
			k := string(d.str())
			if d.next() != ':' {
				d.fail("expected ':' after object key")
				break
			}
			d.pos++
			if k == "items" {
				l.Items = nil
				if ok {
					// Decoded above; rest holds null in its place.
					d.literal("null")
					l.Items = items
				} else {
					l.Items = d.items()
				}
			} else {
				header[k] = d.value()
			}
			if d.err != nil {
				break
			}
			c := d.next()
			d.pos++
			if c == '}' {
				break
			}
			if c != ',' {
				d.fail("expected ',' or '}' after object value")
				break
			}
		}
	}
	if err := d.finish(); err != nil {
		return err
	}
	l.Header = header
	l.fillItemKinds()
	return nil
}

// items reads the items array (or null) of a list.
func (d *byteDecoder) items() []Object {
	switch d.next() {
	case 'n':
		d.literal("null")
		return nil
	case '[':
	default:
		d.fail("items is not an array")
		return nil
	}
	d.pos++
	var items []Object
	if d.next() == ']' {
		d.pos++
		return items
	}
	for {
		if d.next() != '{' {
			d.fail("an item is not an object")
			return nil
		}
		items = append(items, d.object())
		if d.err != nil {
			return nil
		}
		c := d.next()
		d.pos++
		if c == ']' {
			return items
		}
		if c != ',' {
			d.fail("expected ',' or ']' after array element")
			return nil
		}
	}
}
