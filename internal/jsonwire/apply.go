package jsonwire

import (
	"bytes"
	"reflect"

	jsoniter "github.com/json-iterator/go"
)

// Apply is the state of an apply encoding, the body of a server-side apply:
// the generated encoders write only what the caller set. A non-pointer
// field holding its zero value is left out (a struct when it writes
// nothing), and so are nil pointers, slices and maps; a pointer that is
// set is written even when it points to a zero value (emptyDir: {}), and a
// slice or map that is not nil even when empty. Fields named as explicit
// are written even when zero.
//
// The encoders find it in the stream's Attachment (see Applying), where
// Marshal keeps its chunk list otherwise: an apply encoding is never
// chunked, so that a field written and found empty can be taken back.
type Apply struct {
	// explicit maps each pointer named as explicit to whether the
	// encoding has written the field it points to.
	explicit map[any]*bool
}

// Applying returns the apply state of s, or nil when s is not encoding an
// apply body.
func Applying(s *jsoniter.Stream) *Apply {
	a, _ := s.Attachment.(*Apply)
	return a
}

// Explicit reports whether p, a pointer to a field being encoded, was named
// as explicit, and records that it was found: the generated encoders ask
// it of every field they could leave out, before looking at its value. It
// is false on a nil Apply and costs one length check when nothing was
// named.
func (a *Apply) Explicit(p any) bool {
	return a != nil && len(a.explicit) != 0 && a.found(p)
}

// found is out of line so that each field's check stays a length test in
// the generated code.
//
//go:noinline
func (a *Apply) found(p any) bool {
	hit := a.explicit[p]
	if hit == nil {
		return false
	}
	*hit = true
	return true
}

// Field writes key as Key does and returns the position where it begins,
// for Kept.
func Field(s *jsoniter.Stream, more *bool, key string) int {
	Spill(s)
	at := len(s.Buffer())
	Key(s, more, key)
	return at
}

// Kept is called after a struct field has been written from position at
// (returned by Field); p points to the field. When the struct wrote
// nothing ({}) and p is not explicit, it takes the key and the value back.
// It returns whether the enclosing object has a field written, the new
// value of the encoder's more flag.
func (a *Apply) Kept(s *jsoniter.Stream, at int, p any) bool {
	b := s.Buffer()
	if a.Explicit(p) || !bytes.HasSuffix(b, []byte(":{}")) || at >= len(b) {
		return true
	}
	more := b[at] == ','
	s.SetBuffer(b[:at])
	return more
}

// MarshalApply encodes e as an apply body (see Apply). explicit are
// pointers to fields of e to write even when they hold their zero value.
// missed are the indexes of the entries of explicit that are not
// pointers or point to no field the encoding could leave out; the body is
// encoded either way.
func MarshalApply(e Encoder, explicit []any) (body []byte, missed []int, err error) {
	a := &Apply{}
	var hits []bool
	if len(explicit) > 0 {
		a.explicit = make(map[any]*bool, len(explicit))
		hits = make([]bool, len(explicit))
		for i, p := range explicit {
			if !IsPointer(p) {
				continue
			}
			if _, dup := a.explicit[p]; !dup {
				a.explicit[p] = &hits[i]
			}
		}
	}
	s := API.BorrowStream(nil)
	defer API.ReturnStream(s)
	s.Attachment = a
	e.EncodeJSON(s)
	s.Attachment = nil
	if s.Error != nil {
		return nil, nil, s.Error
	}
	for i, p := range explicit {
		if !IsPointer(p) || !*a.explicit[p] {
			missed = append(missed, i)
		}
	}
	return bytes.Clone(s.Buffer()), missed, nil
}

// IsPointer reports whether p is a non-nil pointer, the only kind of value
// that names a field (and the only one safe as a map key whatever its
// type).
func IsPointer(p any) bool {
	v := reflect.ValueOf(p)
	return v.Kind() == reflect.Pointer && !v.IsNil()
}
