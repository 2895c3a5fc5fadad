package codec

import (
	"bytes"
	"runtime"
	"sync"
)

// Parallel list decoding. A large list is decoded from one owned buffer by
// several goroutines, each from its own item onwards. Where to start is
// guessed without a first pass over the input: the first item's opening
// bytes (`{"metadata":{"name"`), preceded by a comma, are looked up near
// each share of the buffer. In valid JSON such a match can only be an
// element boundary, but perhaps of an array nested in an item; so a guess
// is used only when the goroutine decoding the items before it stops
// exactly there, which proves it is an item boundary of the list. A wrong
// guess costs the work done from it, never the result; any error sends the
// caller back to its sequential decoder, which reports it.

// ParallelMin is the input size from which parallel decoding pays off.
const ParallelMin = 1 << 20

// minShare is the least input each goroutine is given (a variable for
// tests).
var minShare = 512 << 10

// DecodeListItems decodes the "items" array of the JSON list object in
// data, in parallel when data is large (one goroutine per minShare bytes,
// up to GOMAXPROCS). newDecode returns a decoder for one goroutine, which
// reads one item (an object's bytes, a slice of data) into v. It returns
// the items, in order, and rest: a new buffer holding data with the items
// array replaced by null, for the caller to decode the other fields from.
// ok is false when it declines: the list has no items array or an unusual
// shape (escaped keys, two "items" keys, items that are not objects), or
// any item fails to decode. The caller then decodes data sequentially,
// which reports the error, if any.
func DecodeListItems[T any](data []byte, newDecode func() func(item []byte, v *T) error) (items []T, rest []byte, ok bool) {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(data)/minShare, 16))
	open, ok := findItems(data)
	if !ok {
		return nil, nil, false
	}
	first := skipWS(data, open+1)
	if first >= len(data) || data[first] != '{' {
		return nil, nil, false // empty, or not objects: sequential is fine
	}
	firstEnd := valueEnd(data, first)
	if firstEnd < 0 {
		return nil, nil, false
	}
	starts := []int{first}
	if workers > 1 {
		starts = guessStarts(data, first, firstEnd, workers)
	}
	parts := make([]part[T], len(starts))
	// Items are counted from the first one's size, with 12% to spare, and
	// taken to be at least 512 bytes, which bounds the allocation by a
	// small multiple of the input's size whatever the first item is. The
	// first part's slice is sized for all of them: when the guesses are
	// right, the other parts are appended to it without growing it.
	size := max(firstEnd-first, 512)
	estimate := func(n int) int { return n/size + n/(8*size) + 2 }
	var wg sync.WaitGroup
	for k := 1; k < len(starts); k++ {
		end := len(data)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		wg.Go(func() { parts[k] = decodePart(data, starts, k, estimate(end-starts[k]), newDecode()) })
	}
	parts[0] = decodePart(data, starts, 0, estimate(len(data)-first), newDecode())
	wg.Wait()

	// Follow the chain of parts from the first item to the closing bracket.
	end := -1
	for k := 0; ; {
		p := &parts[k]
		if p.failed {
			return nil, nil, false
		}
		if p.next < 0 {
			end = p.end
			break
		}
		k = p.next
	}
	if !onlyOtherKeys(data, end) {
		return nil, nil, false
	}
	items = parts[0].items
	for k := parts[0].next; k >= 0; k = parts[k].next {
		items = append(items, parts[k].items...)
	}
	rest = make([]byte, 0, open+len("null")+len(data)-end)
	rest = append(append(append(rest, data[:open]...), "null"...), data[end:]...)
	return items, rest, true
}

// part is what one goroutine decoded: items from starts[k] until it reached
// another start (next, its index) or the end of the array (next -1, end
// the offset after ']').
type part[T any] struct {
	items  []T
	next   int
	end    int
	failed bool
}

func decodePart[T any](data []byte, starts []int, k, capacity int, decode func([]byte, *T) error) part[T] {
	p := part[T]{items: make([]T, 0, capacity)}
	pos, nk := starts[k], k+1
	var zero T
	for {
		for nk < len(starts) && starts[nk] < pos {
			nk++
		}
		if nk < len(starts) && starts[nk] == pos {
			p.next = nk
			return p
		}
		if pos >= len(data) || data[pos] != '{' {
			p.failed = true
			return p
		}
		end := valueEnd(data, pos)
		if end < 0 {
			p.failed = true
			return p
		}
		p.items = append(p.items, zero)
		if decode(data[pos:end:end], &p.items[len(p.items)-1]) != nil {
			p.failed = true
			return p
		}
		pos = skipWS(data, end)
		switch {
		case pos < len(data) && data[pos] == ',':
			pos = skipWS(data, pos+1)
		case pos < len(data) && data[pos] == ']':
			p.next, p.end = -1, pos+1
			return p
		default:
			p.failed = true
			return p
		}
	}
}

// guessStarts returns the offset of the first item and up to workers-1
// guessed item starts after it, in increasing order.
func guessStarts(data []byte, first, firstEnd, workers int) []int {
	// The first item's bytes up to its fourth quote: the first key and the
	// start of its value, or a short first value whole.
	quotes, n := 0, first
	for ; n < firstEnd && n-first < 64; n++ {
		if data[n] == '"' {
			if quotes++; quotes == 4 {
				n++
				break
			}
		}
	}
	sep := make([]byte, 0, 1+n-first)
	sep = append(append(sep, ','), data[first:n]...)
	starts := []int{first}
	share := (len(data) - first) / workers
	for k := 1; k < workers; k++ {
		from := max(first+k*share, starts[len(starts)-1]+1)
		if from >= len(data) {
			break
		}
		i := bytes.Index(data[from:], sep)
		if i < 0 {
			break
		}
		starts = append(starts, from+i+1)
	}
	return starts
}

// findItems returns the offset of the '[' that opens the items array of
// the object in data, checking the keys before it.
func findItems(data []byte) (int, bool) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return 0, false
	}
	i++
	for {
		key, v, ok := nextKey(data, i)
		if !ok {
			return 0, false
		}
		if string(key) == "items" {
			if v >= len(data) || data[v] != '[' {
				return 0, false
			}
			return v, true
		}
		end := valueEnd(data, v)
		if end < 0 {
			return 0, false
		}
		i = skipWS(data, end)
		if i >= len(data) || data[i] != ',' {
			return 0, false
		}
		i++
	}
}

// onlyOtherKeys checks the keys after the items array (which ends before
// offset i) up to the end of the object: none may be "items" again.
func onlyOtherKeys(data []byte, i int) bool {
	for {
		i = skipWS(data, i)
		if i >= len(data) {
			return false
		}
		if data[i] == '}' {
			return true
		}
		if data[i] != ',' {
			return false
		}
		key, v, ok := nextKey(data, i+1)
		if !ok || string(key) == "items" {
			return false
		}
		if i = valueEnd(data, v); i < 0 {
			return false
		}
	}
}

// nextKey reads the key at data[i:] (after whitespace) and the colon after
// it, returning the key and the offset of its value. A key with escapes is
// refused: it might spell "items".
func nextKey(data []byte, i int) (key []byte, value int, ok bool) {
	i = skipWS(data, i)
	if i >= len(data) || data[i] != '"' {
		return nil, 0, false
	}
	end := bytes.IndexByte(data[i+1:], '"')
	if end < 0 {
		return nil, 0, false
	}
	key = data[i+1 : i+1+end]
	if bytes.IndexByte(key, '\\') >= 0 {
		return nil, 0, false
	}
	i = skipWS(data, i+end+2)
	if i >= len(data) || data[i] != ':' {
		return nil, 0, false
	}
	return key, skipWS(data, i+1), true
}

func skipWS(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
}

// ValueEnd returns the offset just after the JSON value that starts at
// data[i], or -1 when it does not end in data; a number or literal is
// taken to end at the end of data. It matches quotes and brackets only;
// decoders check the syntax.
func ValueEnd(data []byte, i int) int { return valueEnd(data, i) }

func valueEnd(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return stringEnd(data, i+1)
	case '{', '[':
	default:
		for j := i; j < len(data); j++ {
			switch data[j] {
			case ' ', '\n', '\r', '\t', ',', ']', '}', ':':
				return j
			}
		}
		return len(data)
	}
	depth := 0
	for j := i; j < len(data); j++ {
		switch structural[data[j]] {
		case 0:
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return j + 1
			}
		case '"':
			if j = stringEnd(data, j+1); j < 0 {
				return -1
			}
			j--
		}
	}
	return -1
}

// stringEnd returns the offset after the quote that closes the string
// whose contents start at data[i], or -1.
func stringEnd(data []byte, i int) int {
	for i < len(data) {
		c := data[i]
		if inString[c] {
			i++
			continue
		}
		if c == '"' {
			return i + 1
		}
		i += 2 // a backslash and the byte it escapes
	}
	return -1
}

// structural maps the bytes valueEnd looks at outside strings: brackets of
// both kinds to '{' and '}', the quote to itself, every other byte to 0.
var structural = func() (t [256]byte) {
	t['{'], t['['] = '{', '{'
	t['}'], t[']'] = '}', '}'
	t['"'] = '"'
	return t
}()

// inString marks the bytes a string's scan passes over: all but the quote
// and the backslash.
var inString = func() (t [256]bool) {
	for i := range t {
		t[i] = i != '"' && i != '\\'
	}
	return t
}()
