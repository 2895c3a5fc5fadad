// Package deepcopy holds the helpers the generated DeepCopyInto methods call,
// one per shape of field, so that the generated code stays a line per field.
//
// Every helper keeps nil as nil and empty as empty, and returns memory that
// shares nothing writable with its argument: values of element types that
// hold no pointers (strings, numbers, Quantity, Time) are copied by
// assignment, which may share a string's immutable bytes.
package deepcopy

import "maps"

// Ptr returns a pointer to a copy of *p, or nil for nil. T must hold no
// memory a copy must not share (a scalar, Quantity, Time, IntOrString).
func Ptr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Slice returns a copy of s, nil for nil. Its elements are copied by
// assignment, so they must hold no memory a copy must not share.
func Slice[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	out := make(S, len(s))
	copy(out, s)
	return out
}

// Map returns a copy of m, nil for nil. Its values are copied by
// assignment, so they must hold no memory a copy must not share.
func Map[M ~map[K]V, K comparable, V any](m M) M { return maps.Clone(m) }

// Into is the constraint of a pointer to T with T's DeepCopyInto.
type Into[T any] interface {
	*T
	DeepCopyInto(out *T)
}

// New returns a deep copy of *in made by into, or nil for nil: the body of
// a hand-written DeepCopy. (Generated ones spell it out, which compiles
// faster than an instantiation of New per type.)
func New[T any](in *T, into func(in, out *T)) *T {
	if in == nil {
		return nil
	}
	out := new(T)
	into(in, out)
	return out
}

// Structs returns a copy of s whose elements are deep copies made by
// their DeepCopyInto, nil for nil.
func Structs[S ~[]T, T any, P Into[T]](s S) S {
	if s == nil {
		return nil
	}
	out := make(S, len(s))
	for i := range s {
		P(&s[i]).DeepCopyInto(&out[i])
	}
	return out
}

// StructMap returns a copy of m whose values are deep copies made by their
// DeepCopyInto, nil for nil.
func StructMap[M ~map[K]T, K comparable, T any, P Into[T]](m M) M {
	if m == nil {
		return nil
	}
	out := make(M, len(m))
	for k, v := range m {
		var c T
		P(&v).DeepCopyInto(&c)
		out[k] = c
	}
	return out
}

// Each returns a copy of s whose elements are copied by elem, nil for nil.
func Each[S ~[]E, E any](s S, elem func(E) E) S {
	if s == nil {
		return nil
	}
	out := make(S, len(s))
	for i, v := range s {
		out[i] = elem(v)
	}
	return out
}

// EachMap returns a copy of m whose values are copied by elem, nil for
// nil.
func EachMap[M ~map[K]V, K comparable, V any](m M, elem func(V) V) M {
	if m == nil {
		return nil
	}
	out := make(M, len(m))
	for k, v := range m {
		out[k] = elem(v)
	}
	return out
}
