package jsonwire

import (
	"hash/maphash"
	"sync/atomic"
	"unsafe"
)

// Interning: a detached value (see Reset) is kept for long, next to many
// others of its kind that hold the same strings (label keys and values,
// images and image IDs, container and env names, condition types, reasons,
// node names, quantities) and often the same raw values (managedFields'
// fieldsV1 of the replicas of one workload). Each is copied once and
// shared.
//
// The tables are caches, not registries: fixed arrays of slots, each
// holding the last value whose hash chose it. A lookup hashes the bytes and
// compares them with the values of two slots; a hit in the second slot
// promotes the value to the first, a miss copies the bytes into the second.
// Values that repeat settle in first slots, where values seen once (names,
// UIDs) do not evict them. The tables never grow, cost no allocation on a
// hit and one or two on a miss, and keep at most one value per slot alive
// on their own.

const (
	// maxShort is the length of the longest string of the short table,
	// which has slots per length and stores bare string data.
	maxShort = 64
	// shortSlots is the number of slots per length, a power of two.
	shortSlots = 256
	// maxIntern is the length of the longest string interned; longer ones
	// are copied every time.
	maxIntern = 256
	// longSlots is the number of slots for the strings longer than
	// maxShort, which are boxed.
	longSlots = 512
	// maxShareRaw is the length of the longest raw value shared.
	maxShareRaw = 4096
	// rawSlots is the number of slots of the raw table.
	rawSlots = 256
)

// shortTable holds, per length n, the slots of strings of n+1 bytes, each
// the address of a string's first byte: no box, one allocation per miss.
type shortTable [maxShort][shortSlots]atomic.Pointer[byte]

var (
	seed     = maphash.MakeSeed()
	shortTab lazy[shortTable]
	longTab  = lazy[boxTable[string]]{size: longSlots}
	rawTab   = lazy[boxTable[[]byte]]{size: rawSlots}
)

// lazy is a table allocated on first use, so that programs that never
// decode detached pay nothing.
type lazy[T any] struct {
	p    atomic.Pointer[T]
	size int
}

func (l *lazy[T]) get() *T {
	if t := l.p.Load(); t != nil {
		return t
	}
	t := new(T)
	if b, ok := any(t).(interface{ init(int) }); ok {
		b.init(l.size)
	}
	l.p.CompareAndSwap(nil, t)
	return l.p.Load()
}

// intern returns b, not empty, as a string that stays valid: for strings
// of at most maxIntern bytes, the copy other calls returned for the same
// bytes, when the tables still hold it.
func intern(b []byte) string {
	n := len(b)
	if n > maxShort {
		if n > maxIntern {
			return string(b)
		}
		return longTab.get().share(b)
	}
	h := maphash.Bytes(seed, b)
	set := shortTab.get()[n-1][h&(shortSlots-2):][:2]
	if p := set[0].Load(); p != nil {
		if s := unsafe.String(p, n); s == string(b) {
			return s
		}
	}
	if p := set[1].Load(); p != nil {
		if s := unsafe.String(p, n); s == string(b) {
			set[1].Store(set[0].Swap(p))
			return s
		}
	}
	s := string(b)
	set[1].Store(unsafe.StringData(s))
	return s
}

// shareRaw returns a copy of b, not empty, that stays valid: for values of
// at most maxShareRaw bytes, the copy other calls returned for the same
// bytes, when the table still holds it. The copy has no spare capacity, so
// appending to it copies; it must not be written in place.
func shareRaw(b []byte) []byte {
	if len(b) > maxShareRaw {
		return append([]byte(nil), b...)
	}
	return rawTab.get().share(b)
}

// boxTable is a table of boxed values: strings or byte slices, which
// carry their length.
type boxTable[V string | []byte] struct {
	slots []atomic.Pointer[V]
}

func (t *boxTable[V]) init(size int) { t.slots = make([]atomic.Pointer[V], size) }

// share returns the table's copy of b, making one on a miss.
func (t *boxTable[V]) share(b []byte) V {
	set := t.slots[maphash.Bytes(seed, b)&uint64(len(t.slots)-2):][:2]
	if p := set[0].Load(); p != nil && string(*p) == string(b) {
		return *p
	}
	if p := set[1].Load(); p != nil && string(*p) == string(b) {
		set[1].Store(set[0].Swap(p))
		return *p
	}
	var c V
	switch c := any(&c).(type) {
	case *string:
		*c = string(b)
	case *[]byte:
		*c = append([]byte(nil), b...)
		*c = (*c)[:len(b):len(b)] // appending copies
	}
	set[1].Store(&c)
	return c
}
