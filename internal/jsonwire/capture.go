package jsonwire

import (
	"io"
	"reflect"
	"unsafe"

	jsoniter "github.com/json-iterator/go"
)

// Capturing a value through json-iterator's public API (SkipAndAppendBytes)
// costs one allocation per object key: its strict Skip reads every key as a
// string. Instead, when the value lies whole in the iterator's buffer, the
// reader scans for its end and copies it directly, advancing the iterator.
// The buffer fields are located by reflection once, and the fast path checks
// itself at start-up: when json-iterator's Iterator ever changes shape, it
// falls back to SkipAndAppendBytes.

// iterFields are the offsets of Iterator's buffer fields.
type iterFields struct {
	buf, head, tail, reader uintptr
	ok                      bool
}

var fields = findIterFields()

func findIterFields() iterFields {
	t := reflect.TypeFor[jsoniter.Iterator]()
	var f iterFields
	want := map[string]reflect.Type{
		"buf":    reflect.TypeFor[[]byte](),
		"head":   reflect.TypeFor[int](),
		"tail":   reflect.TypeFor[int](),
		"reader": reflect.TypeFor[io.Reader](),
	}
	found := 0
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if typ, ok := want[sf.Name]; ok && sf.Type == typ {
			found++
			switch sf.Name {
			case "buf":
				f.buf = sf.Offset
			case "head":
				f.head = sf.Offset
			case "tail":
				f.tail = sf.Offset
			case "reader":
				f.reader = sf.Offset
			}
		}
	}
	f.ok = found == len(want)
	if f.ok {
		f.ok = selfTest(f)
	}
	return f
}

// selfTest checks the offsets against an iterator whose state is known.
func selfTest(f iterFields) bool {
	data := []byte(`  {"a":[1,"x"]} 7`)
	it := jsoniter.ParseBytes(jsoniter.ConfigDefault, data)
	if it.WhatIsNext() != jsoniter.ObjectValue {
		return false
	}
	v := f.view(it)
	if len(*v.buf) != len(data) || &(*v.buf)[0] != &data[0] || *v.head != 2 || *v.tail != len(data) || *v.reader != nil {
		return false
	}
	var r Reader
	if !r.captureFast(it, f) || string(r.buf) != `{"a":[1,"x"]}` {
		return false
	}
	return it.ReadInt() == 7 && (it.Error == nil || it.Error == io.EOF)
}

type iterView struct {
	buf        *[]byte
	head, tail *int
	reader     *io.Reader
}

func (f iterFields) view(it *jsoniter.Iterator) iterView {
	p := unsafe.Pointer(it)
	return iterView{
		buf:    (*[]byte)(unsafe.Add(p, f.buf)),
		head:   (*int)(unsafe.Add(p, f.head)),
		tail:   (*int)(unsafe.Add(p, f.tail)),
		reader: (*io.Reader)(unsafe.Add(p, f.reader)),
	}
}

// Capture reads the next value of it into a new buffer that r then owns.
// It returns false when it has an error already or the capture fails.
func (r *Reader) Capture(it *jsoniter.Iterator) bool {
	if it.Error != nil {
		return false
	}
	if fields.ok && r.captureFast(it, fields) {
		return true
	}
	buf := it.SkipAndAppendBytes(make([]byte, 0))
	if it.Error != nil {
		return false
	}
	r.ResetOwned(buf)
	return true
}

// captureFast copies the next value when it ends inside the iterator's
// buffer, reporting false (and consuming nothing) otherwise.
func (r *Reader) captureFast(it *jsoniter.Iterator, f iterFields) bool {
	v := f.view(it)
	buf, head, tail := *v.buf, *v.head, *v.tail
	if head < 0 || tail > len(buf) || head > tail {
		return false
	}
	for head < tail && (buf[head] == ' ' || buf[head] == '\n' || buf[head] == '\r' || buf[head] == '\t') {
		head++
	}
	var counts arrayCounts
	end := scanEnd(buf[head:tail], *v.reader == nil, &counts)
	if end <= 0 {
		return false
	}
	owned := append([]byte(nil), buf[head:head+end]...) // not zeroed first, unlike make
	*v.head = head + end
	r.ResetOwned(owned)
	r.counts = counts
	return true
}

// arrayCounts are the element counts of the first arrays of a captured
// value, in the order of their opening brackets, found while scanning for
// its end: Count then costs nothing for them.
type arrayCounts struct {
	n      int // arrays recorded; -1 when recording stopped
	counts [64]int32
}

// scanEnd returns the length of the JSON value at the start of b, or 0 when
// it does not end inside b. final says no input follows b, so a number or
// literal reaching the end of b is complete. The scan only matches quotes
// and brackets; the Reader checks the syntax when it decodes. When ac is
// not nil, it records the element counts of the arrays.
func scanEnd(b []byte, final bool, ac *arrayCounts) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case '{', '[':
	case '"':
		for i := 1; i < len(b); i++ {
			switch b[i] {
			case '"':
				return i + 1
			case '\\':
				i++
			}
		}
		return 0
	default:
		for i := 0; i < len(b); i++ {
			switch b[i] {
			case ' ', '\n', '\r', '\t', ',', ']', '}', ':':
				return i
			}
		}
		if final {
			return len(b)
		}
		return 0
	}
	if ac == nil {
		ac = &arrayCounts{n: -1}
	}
	// open holds, for each open container, the index of its count in ac
	// (arrays) or -1 (objects); once too deep, counting stops.
	var open [64]int32
	depth := 0
	empty := false // the innermost container has no element yet
	for i := 0; i < len(b); i++ {
		c := b[i]
		if countClass[c] == 0 {
			if empty {
				empty = false
				ac.bump(open[:], depth)
			}
			continue
		}
		switch c {
		case ' ', '\n', '\r', '\t':
			continue
		case ',':
			ac.bump(open[:], depth)
			continue
		}
		if empty {
			empty = false
			if c != ']' {
				ac.bump(open[:], depth)
			}
		}
		switch c {
		case '{', '[':
			depth++
			if depth <= len(open) {
				open[depth-1] = -1
				if c == '[' && ac.n >= 0 {
					if ac.n < len(ac.counts) {
						open[depth-1] = int32(ac.n)
						ac.counts[ac.n] = 0
						ac.n++
					} else {
						ac.n = -1
					}
				}
			} else {
				ac.n = -1
			}
			empty = c == '['
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			for i++; i < len(b); i++ {
				if strPlain[b[i]] {
					continue
				}
				if b[i] == '"' {
					break
				}
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return 0
}

// bump counts one more element in the innermost container when it is a
// recorded array.
func (ac *arrayCounts) bump(open []int32, depth int) {
	if ac.n >= 0 && depth >= 1 && depth <= len(open) && open[depth-1] >= 0 {
		ac.counts[open[depth-1]]++
	}
}

// Remaining returns how many bytes of input it has left when it reads from
// a byte slice, or -1 when it reads from a stream (or the fast path is
// off). List decoders use it to size their items from the first one.
func Remaining(it *jsoniter.Iterator) int {
	if !fields.ok {
		return -1
	}
	v := fields.view(it)
	if *v.reader != nil {
		return -1
	}
	return *v.tail - *v.head
}

// Head returns the iterator's offset in its input, for measuring a value's
// size with Remaining; -1 when unknown.
func Head(it *jsoniter.Iterator) int {
	if !fields.ok {
		return -1
	}
	return *fields.view(it).head
}

// ItemsHint returns the capacity to give a list's items after decoding the
// first one, which took n bytes of input: enough for the rest of the input
// in items of that size, with 12% to spare; 0 when the input's size is not
// known. Items are assumed to take at least 512 bytes, which bounds the
// allocation by a small multiple of the input's size whatever the first
// item is.
func ItemsHint(it *jsoniter.Iterator, n int) int {
	rest := Remaining(it)
	if rest <= 0 || n <= 0 {
		return 0
	}
	n = max(n, 512)
	return 2 + rest/n + rest/(8*n)
}
