package jsonwire

import "unsafe"

// Allocation helpers: slices sized before they are filled, and pointers
// carved from slabs, which keep a decoded object to few allocations.

// Count returns the number of elements of the array begun by BeginArray,
// without consuming anything: a quick scan that matches brackets and quotes
// only, so that decoders allocate slices of the right size. Malformed input
// gives a wrong count, which is harmless: decoding reports it.
func (r *Reader) Count() int {
	if i := r.arrays - 1; i >= 0 && i < r.counts.n {
		return int(r.counts.counts[i])
	}
	buf := r.buf
	depth, n := 0, 0
	empty := true
	for i := r.pos; i < len(buf); i++ {
		c := buf[i]
		if countClass[c] == 0 {
			continue // a byte of a scalar
		}
		switch c {
		case ' ', '\n', '\r', '\t':
			continue
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				if empty {
					return 0
				}
				return n + 1
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		case '"':
			for i++; i < len(buf) && buf[i] != '"'; i++ {
				if buf[i] == '\\' {
					i++
				}
			}
		}
		empty = false
	}
	return n + 1
}

// countClass marks the bytes Count looks at.
var countClass = func() (t [256]byte) {
	for _, c := range " \n\r\t[]{},\"" {
		t[c] = 1
	}
	return t
}()

// word returns a pointer to a fresh 8-byte word from r's scalar slab: one
// pointer-free allocation serves many optional fields. A detached Reader
// (see Reset) allocates each word on its own instead, so that no unused
// slab stays alive with the value: the runtime packs such small
// pointer-free allocations together.
func (r *Reader) word() unsafe.Pointer {
	if !r.owned {
		return unsafe.Pointer(new(uint64))
	}
	if len(r.words) == 0 {
		r.words = make([]uint64, 64)
	}
	p := unsafe.Pointer(&r.words[0])
	r.words = r.words[1:]
	return p
}

// BoolPtr reads an optional boolean: nil for null.
func (r *Reader) BoolPtr() *bool {
	if r.Null() {
		return nil
	}
	var p *bool
	if r.owned {
		p = (*bool)(r.word())
	} else {
		p = new(bool) // one byte
	}
	*p = r.Bool()
	return p
}

// Int32Ptr reads an optional int32: nil for null.
func (r *Reader) Int32Ptr() *int32 {
	if r.Null() {
		return nil
	}
	var p *int32
	if r.owned {
		p = (*int32)(r.word())
	} else {
		p = new(int32) // four bytes
	}
	*p = r.Int32()
	return p
}

// Int64Ptr reads an optional int64: nil for null.
func (r *Reader) Int64Ptr() *int64 {
	if r.Null() {
		return nil
	}
	p := (*int64)(r.word())
	*p = r.Int64()
	return p
}

// Float64Ptr reads an optional float64: nil for null.
func (r *Reader) Float64Ptr() *float64 {
	if r.Null() {
		return nil
	}
	p := (*float64)(r.word())
	*p = r.Float64()
	return p
}

// StringPtr reads an optional string: nil for null.
func (r *Reader) StringPtr() *string {
	if r.Null() {
		return nil
	}
	v := r.String()
	return &v
}

// slab is the unused rest of a chunk of structs of one type.
type slab struct {
	key  *byte
	left int
	next unsafe.Pointer
}

// Alloc returns a pointer to a new zero T. Decoders call it for optional
// structs that one object often holds several of (the probes of each
// container, the state of each container status): the first call allocates
// a chunk of n, and the next n-1 calls for the same key share it. key is
// the address of a package-level variable that stands for T.
func Alloc[T any](r *Reader, key *byte, n int) *T {
	// Only the allocation itself depends on T: the slab bookkeeping is
	// shared, so each of the many instantiations stays small.
	size := unsafe.Sizeof(*new(T))
	p, n := r.fromSlab(key, size, n)
	if p == nil {
		p = unsafe.Pointer(unsafe.SliceData(make([]T, n)))
		r.addSlab(key, size, p, n)
	}
	return (*T)(p)
}

// fromSlab takes the next element of size bytes from the slab of key. When
// there is none it returns nil and the number of elements to allocate: n,
// or 1 when the decoded values must not share memory.
//
//go:noinline
func (r *Reader) fromSlab(key *byte, size uintptr, n int) (unsafe.Pointer, int) {
	for i := range r.slabs {
		s := &r.slabs[i]
		if s.key == key && s.left > 0 {
			p := s.next
			s.left--
			if s.left > 0 {
				s.next = unsafe.Add(s.next, size)
			} else {
				*s = slab{}
			}
			return p, 0
		}
	}
	if !r.owned || n < 1 {
		n = 1
	}
	return nil, n
}

// addSlab records the n-1 elements of size bytes after first, a new chunk
// of n, as the slab of key.
//
//go:noinline
func (r *Reader) addSlab(key *byte, size uintptr, first unsafe.Pointer, n int) {
	if n > 1 {
		r.slabs[r.slabPos] = slab{key: key, left: n - 1, next: unsafe.Add(first, size)}
		r.slabPos = (r.slabPos + 1) % len(r.slabs)
	}
}

// Strings reads an array of strings, sized exactly: nil for null. The
// generated decoders call it for every []string field instead of
// repeating the loop, which keeps their code small.
func (r *Reader) Strings() []string {
	if !r.BeginArray() {
		return nil
	}
	s := make([]string, 0, r.Count())
	for r.NextElem() {
		s = append(s, r.String())
	}
	return s
}

// StringsOf is Strings for a slice of a named string type ([]Capability),
// with the same allocations.
func StringsOf[T ~string](r *Reader) []T {
	if !r.BeginArray() {
		return nil
	}
	s := make([]T, 0, r.Count())
	for r.NextElem() {
		s = append(s, T(r.String()))
	}
	return s
}

// StringMap reads an object of strings (labels, annotations, selectors):
// nil for null.
func (r *Reader) StringMap() map[string]string {
	if !r.BeginObject() {
		return nil
	}
	m := make(map[string]string)
	for k, ok := r.MapKey(); ok; k, ok = r.MapKey() {
		m[k] = r.String()
	}
	return m
}
