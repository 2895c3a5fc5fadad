// Package intern shares the copies of short strings and raw values among
// the decoded values kept for long (an informer's cache), whichever wire
// format they were decoded from: JSON (internal/jsonwire) or protobuf
// (internal/protowire).
package intern

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Interning: a detached value (jsonwire.Reader.Reset, a detached protowire.Decoder) is kept for long, next to many
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
	// MaxShort is the length of the longest string of the short table,
	// which has slots per length and stores bare string data.
	MaxShort = 64
	// shortSlots is the number of slots per length, a power of two.
	shortSlots = 256
	// MaxIntern is the length of the longest string shared; longer ones
	// are copied every time.
	MaxIntern = 256
	// longSlots is the number of slots for the strings longer than
	// MaxShort, which are boxed.
	longSlots = 512
	// MaxShareRaw is the length of the longest raw value shared.
	MaxShareRaw = 4096
	// rawSlots is the number of slots of the raw table.
	rawSlots = 256
	// maxShareList is the number of entries of the largest resource list
	// shared.
	maxShareList = 16
	// listSlots is the number of slots of the resource list table.
	listSlots = 256
)

// shortTable holds, per length n, the slots of strings of n+1 bytes, each
// the address of a string's first byte: no box, one allocation per miss.
type shortTable [MaxShort][shortSlots]atomic.Pointer[byte]

// The tables are allocated on first use, so that programs that never
// decode detached pay nothing.
var (
	seed     = maphash.MakeSeed()
	shortTab = sync.OnceValue(func() *shortTable { return new(shortTable) })
	longTab  = sync.OnceValue(newBoxTable[string](longSlots))
	rawTab   = sync.OnceValue(newBoxTable[[]byte](rawSlots))
	listTab  = sync.OnceValue(newBoxTable[any](listSlots))
)

// String returns b, not empty, as a string that stays valid: for strings
// of at most MaxIntern bytes, the copy other calls returned for the same
// bytes, when the tables still hold it.
func String(b []byte) string {
	n := len(b)
	if n > MaxShort {
		if n > MaxIntern {
			return string(b)
		}
		return shareBytes(longTab(), b)
	}
	h := maphash.Bytes(seed, b)
	set := shortTab()[n-1][h&(shortSlots-2):][:2]
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

// Bytes returns a copy of b, not empty, that stays valid: for values of
// at most MaxShareRaw bytes, the copy other calls returned for the same
// bytes, when the table still holds it. The copy has no spare capacity, so
// appending to it copies; it must not be written in place.
func Bytes(b []byte) []byte {
	if len(b) > MaxShareRaw {
		return append([]byte(nil), b...)
	}
	return shareBytes(rawTab(), b)
}

// boxTable is a table of boxed values: strings or byte slices, which
// carry their length, and the resource lists of List.
type boxTable[V any] struct {
	slots []atomic.Pointer[V]
}

// newBoxTable returns a constructor of a table of size slots.
func newBoxTable[V any](size int) func() *boxTable[V] {
	return func() *boxTable[V] { return &boxTable[V]{slots: make([]atomic.Pointer[V], size)} }
}

// find returns the value of one of the two slots of hash h that eq
// accepts, promoting it from the second slot to the first, and the slot a
// new value takes (see put) when there is none.
func (t *boxTable[V]) find(h uint64, eq func(V) bool) (*V, []atomic.Pointer[V]) {
	set := t.slots[h&uint64(len(t.slots)-2):][:2]
	if p := set[0].Load(); p != nil && eq(*p) {
		return p, nil
	}
	if p := set[1].Load(); p != nil && eq(*p) {
		set[1].Store(set[0].Swap(p))
		return p, nil
	}
	return nil, set
}

// shareBytes returns t's copy of b, making one on a miss.
func shareBytes[V string | []byte](t *boxTable[V], b []byte) V {
	p, set := t.find(maphash.Bytes(seed, b), func(v V) bool { return string(v) == string(b) })
	if p != nil {
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

// Quantities returns m, a resource list (quantities by resource name) just
// decoded detached, or an equal one that other calls returned, when the
// table still holds it: the replicas of a workload then share their
// containers' limits and requests. It returns m itself when m is nil or
// has more than maxShareList entries. A shared map must never be
// modified: its holders replace it instead.
//
// Lists are equal when they have the same keys and, for each, equal (==)
// quantities, which have the same text; they are hashed without regard to
// the order of their entries.
func Quantities[K ~string, Q interface {
	comparable
	String() string
}](m map[K]Q) map[K]Q {
	if m == nil || len(m) > maxShareList {
		return m
	}
	var mh maphash.Hash
	mh.SetSeed(seed)
	h := uint64(len(m))
	for k, v := range m {
		mh.Reset()
		mh.WriteString(string(k))
		mh.WriteByte(0)
		mh.WriteString(v.String())
		h += mh.Sum64()
	}
	p, set := listTab().find(h, func(v any) bool {
		o, ok := v.(map[K]Q)
		if !ok || len(o) != len(m) {
			return false
		}
		for k, q := range m {
			if w, ok := o[k]; !ok || w != q {
				return false
			}
		}
		return true
	})
	if p != nil {
		return (*p).(map[K]Q)
	}
	var c any = m
	set[1].Store(&c)
	return m
}
