package jsonwire

import internpkg "github.com/kubewire/kubewire/internal/intern"

// Interning: a detached value (see Reset) is kept for long, next to many
// others of its kind that hold the same strings and raw values; package
// intern shares their copies (with protobuf's detached values too).

// intern returns b, not empty, as a string that stays valid, shared when
// short (see intern.String).
func intern(b []byte) string { return internpkg.String(b) }

// shareRaw returns a copy of b, not empty, that stays valid, shared when
// short (see intern.Bytes). It must not be written in place.
func shareRaw(b []byte) []byte { return internpkg.Bytes(b) }

// ShareQuantities returns m, a resource list (metav1.Quantity values by
// resource name) just filled by a detached Reader, or an equal one that
// other calls returned, when the table still holds it (see
// intern.Quantities). It returns m itself when r is not detached (see
// Reset). A shared map must never be modified: its holders replace it
// instead.
func ShareQuantities[K ~string, Q interface {
	comparable
	String() string
}](r *Reader, m map[K]Q) map[K]Q {
	if r.owned || r.err != nil {
		return m
	}
	return internpkg.Quantities(m)
}
