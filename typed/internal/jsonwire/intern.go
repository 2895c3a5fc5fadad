package jsonwire

import (
	"hash/maphash"
	"sync/atomic"
	"unsafe"
)

// Interning: a detached value (see ResetDetached) is kept for long, next to
// many others of its kind that hold the same short strings (label keys and
// values, images, container and env names, condition types, reasons, node
// names, quantities). Each such string is copied once and shared.
//
// The table is a cache, not a registry: a fixed array of slots per string
// length, each holding the last string of that length whose hash chose it.
// A lookup hashes the bytes and compares them with the slot's string; a
// miss copies the bytes and takes the slot. The table never grows, costs
// no allocation on a hit and one (the copy) on a miss, and keeps at most
// one string per slot alive on its own. Strings that do not repeat (names,
// UIDs) only pass through their slots; strings that do stay there as long
// as they keep coming back.

const (
	// maxIntern is the length of the longest string interned.
	maxIntern = 64
	// internSlots is the number of slots per length, a power of two.
	internSlots = 256
)

// internTable holds, per length n, the slots of strings of n+1 bytes, each
// the address of a string's first byte.
type internTable [maxIntern][internSlots]atomic.Pointer[byte]

var (
	internTab  atomic.Pointer[internTable]
	internSeed = maphash.MakeSeed()
)

// intern returns b, not empty, as a string that stays valid: for strings
// of at most maxIntern bytes, the copy other calls returned for the same
// bytes, when the table still holds it.
func intern(b []byte) string {
	n := len(b)
	if n > maxIntern {
		return string(b)
	}
	t := internTab.Load()
	if t == nil {
		t = new(internTable)
		if !internTab.CompareAndSwap(nil, t) {
			t = internTab.Load()
		}
	}
	// Two slots per hash: a hit in the second promotes the string to the
	// first, a miss takes the second. Strings that repeat settle in first
	// slots, where strings seen once (names, UIDs) do not evict them.
	set := t[n-1][maphash.Bytes(internSeed, b)&(internSlots-2):]
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

const (
	// maxShareRaw is the length of the longest raw value shared.
	maxShareRaw = 4096
	// rawSlots is the number of slots of the raw table, a power of two.
	rawSlots = 256
)

var rawTab atomic.Pointer[[rawSlots]atomic.Pointer[[]byte]]

// shareRaw returns a copy of b, not empty, that stays valid: for values of
// at most maxShareRaw bytes, the copy other calls returned for the same
// bytes, when the table still holds it. The table works as intern's does.
// The copy has no spare capacity, so appending to it copies; it must not
// be written in place.
func shareRaw(b []byte) []byte {
	if len(b) > maxShareRaw {
		return append([]byte(nil), b...)
	}
	t := rawTab.Load()
	if t == nil {
		t = new([rawSlots]atomic.Pointer[[]byte])
		if !rawTab.CompareAndSwap(nil, t) {
			t = rawTab.Load()
		}
	}
	set := t[maphash.Bytes(internSeed, b)&(rawSlots-2):]
	if p := set[0].Load(); p != nil && string(*p) == string(b) {
		return *p
	}
	if p := set[1].Load(); p != nil && string(*p) == string(b) {
		set[1].Store(set[0].Swap(p))
		return *p
	}
	c := append([]byte(nil), b...)
	c = c[:len(c):len(c)]
	set[1].Store(&c)
	return c
}
