package protowire

import (
	"unsafe"

	"github.com/kubewire/kubewire/internal/intern"
)

// Allocation in chunks: a decoded object holds many small pointers
// (optional scalars, the probes of each container), each of which would
// be an allocation of its own.

// slab is the unused rest of a chunk of structs of one type.
type slab struct {
	key  *byte
	next unsafe.Pointer
	left int
}

// Alloc returns a pointer to a new zero T. Decoders call it for optional
// structs one object often holds several of: the first call allocates a
// chunk of n, and the next n-1 calls for the same key share it. key is the
// address of a package-level variable that stands for T. A detached
// decoder allocates each T on its own, so that no unused chunk stays alive
// with the value.
func Alloc[T any](d *Decoder, key *byte, n int) *T {
	if d.detached {
		return new(T)
	}
	size := unsafe.Sizeof(*new(T))
	if p := d.fromSlab(key, size); p != nil {
		return (*T)(p)
	}
	p := unsafe.Pointer(unsafe.SliceData(make([]T, n)))
	d.addSlab(key, size, p, n)
	return (*T)(p)
}

//go:noinline
func (d *Decoder) fromSlab(key *byte, size uintptr) unsafe.Pointer {
	for i := range d.slabs {
		s := &d.slabs[i]
		if s.key == key && s.left > 0 {
			p := s.next
			s.left--
			if s.left > 0 {
				s.next = unsafe.Add(s.next, size)
			} else {
				*s = slab{}
			}
			return p
		}
	}
	return nil
}

//go:noinline
func (d *Decoder) addSlab(key *byte, size uintptr, first unsafe.Pointer, n int) {
	if n < 2 {
		return
	}
	s := slab{key: key, next: unsafe.Add(first, size), left: n - 1}
	for i := range d.slabs {
		if d.slabs[i].key == nil {
			d.slabs[i] = s
			return
		}
	}
	d.slabs = append(d.slabs, s)
}

// ShareQuantities returns m, a resource list (quantities by resource name)
// just decoded, or an equal one other detached values hold, when d is
// detached (see intern.Quantities); else m itself. A shared map must never
// be modified: its holders replace it instead.
func ShareQuantities[K ~string, Q interface {
	comparable
	String() string
}](d *Decoder, m map[K]Q) map[K]Q {
	if !d.detached || d.err != nil {
		return m
	}
	return intern.Quantities(m)
}
