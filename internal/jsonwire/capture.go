package jsonwire

import (
	"io"

	jsoniter "github.com/json-iterator/go"
)

// Capture reads the next value of it into a new buffer that r then owns,
// through json-iterator's public API, for the generated DecodeJSON methods
// (kubewire's own decode path, codec.DecodeBody, hands readers whole
// bodies and never goes through an iterator). It returns false when it has
// an error already or the capture fails.
func (r *Reader) Capture(it *jsoniter.Iterator) bool {
	if it.Error != nil {
		return false
	}
	buf := it.SkipAndAppendBytes(make([]byte, 0, 512))
	if it.Error != nil && it.Error != io.EOF {
		return false
	}
	r.ResetOwned(buf)
	// One scan records the element counts of the first arrays, so that
	// Count costs nothing for them.
	i := 0
	for i < len(buf) && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t') {
		i++
	}
	if scanEnd(buf[i:], true, &r.counts) != len(buf)-i {
		r.counts = arrayCounts{}
	}
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

// Head returns -1: an iterator's offset is not known through
// json-iterator's public API. Generated list decoders pass it to
// ItemsHint, which then sizes nothing.
func Head(it *jsoniter.Iterator) int { return -1 }

// ItemsHint returns 0: the capacity of a list's items is not known ahead
// when decoding from an iterator (see Head). Kept for the generated
// DecodeJSON methods.
func ItemsHint(it *jsoniter.Iterator, n int) int { return 0 }
