package protowire

import (
	"math"
	"math/bits"
	"slices"
)

// AppendVarint appends v as a varint.
func AppendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// SizeVarint returns the size of v as a varint.
func SizeVarint(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// Tag returns the tag of field num with the wire type.
func Tag(num, wire int) uint64 { return uint64(num)<<3 | uint64(wire) }

// SizeTag returns the size of field num's tag.
func SizeTag(num int) int { return SizeVarint(uint64(num) << 3) }

// SizeBytes returns the size of a length-delimited value of n bytes,
// without its tag.
func SizeBytes(n int) int { return SizeVarint(uint64(n)) + n }

// AppendString appends a string field.
func AppendString(b []byte, tag uint64, s string) []byte {
	b = AppendVarint(b, tag)
	b = AppendVarint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendBytes appends a bytes field.
func AppendBytes(b []byte, tag uint64, v []byte) []byte {
	b = AppendVarint(b, tag)
	b = AppendVarint(b, uint64(len(v)))
	return append(b, v...)
}

// AppendUvarint appends a varint field.
func AppendUvarint(b []byte, tag uint64, v uint64) []byte {
	b = AppendVarint(b, tag)
	return AppendVarint(b, v)
}

// AppendBool appends a bool field.
func AppendBool(b []byte, tag uint64, v bool) []byte {
	b = AppendVarint(b, tag)
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendFloat64 appends a double field.
func AppendFloat64(b []byte, tag uint64, v float64) []byte {
	b = AppendVarint(b, tag)
	u := math.Float64bits(v)
	return append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24), byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
}

// SortedKeys returns m's keys in order, as Kubernetes writes map entries.
func SortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SizeStrings returns the size of strings written as repeated field 1.
func SizeStrings[S ~string](s []S) int {
	n := 0
	for _, v := range s {
		n += 1 + SizeBytes(len(v))
	}
	return n
}

// SizeOptBytes returns the size of bytes field 2 written when v is not nil.
func SizeOptBytes(v []byte) int {
	if v == nil {
		return 0
	}
	return 1 + SizeBytes(len(v))
}
