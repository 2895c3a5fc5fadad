package protowire

import (
	"sort"
	"strconv"
	"strings"
)

// Unknown fields. A server newer than the Go types sends fields they lack;
// a client that reads an object, changes it and writes it back must not
// drop them. The decoder keeps each such field with the path of the
// message that held it (field numbers and item indexes from the root), and
// a kind or list holds them in one pointer; its encoder writes each back
// at the end of the message at the same path. Items of repeated fields are
// named by index.

type unknownField struct {
	path string
	data []byte // tag and value as read
}

// Unknown holds the fields of a decoded object, at any depth, that its Go
// types do not declare. It is never changed once made: copies of an object
// share it.
type Unknown struct {
	byPath map[string][]byte // the fields of each message, concatenated
}

// Len returns the number of messages with unknown fields (0 for nil).
func (u *Unknown) Len() int {
	if u == nil {
		return 0
	}
	return len(u.byPath)
}

// Paths returns the paths of the messages that hold unknown fields,
// sorted: for tests and diagnostics.
func (u *Unknown) Paths() []string {
	if u == nil {
		return nil
	}
	out := make([]string, 0, len(u.byPath))
	for p := range u.byPath {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// pathKey encodes a decoder or encoder path as a map key.
func pathKey(path []int32) string {
	b := make([]byte, 0, 4*len(path))
	for i := 0; i < len(path); i += 2 {
		b = strconv.AppendInt(b, int64(path[i]), 10)
		if path[i+1] >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(path[i+1]), 10)
			b = append(b, ']')
		}
		b = append(b, '/')
	}
	return string(b)
}

// TakeUnknown returns the unknown fields read so far and forgets them; nil
// when there were none or decoding failed.
func (d *Decoder) TakeUnknown() *Unknown {
	if len(d.unknown) == 0 || d.err != nil {
		d.unknown = nil
		return nil
	}
	u := &Unknown{byPath: map[string][]byte{}}
	for _, f := range d.unknown {
		u.byPath[f.path] = append(u.byPath[f.path], f.data...)
	}
	d.unknown = nil
	return u
}

// Encoder carries the unknown fields of the object being encoded to the
// messages they belong to. Generated encoders take a nil *Encoder when
// there are none; all its methods accept nil.
type Encoder struct {
	u    *Unknown
	path []int32
}

// NewEncoder returns the encoder that writes u back; nil when u is empty.
func NewEncoder(u *Unknown) *Encoder {
	if u.Len() == 0 {
		return nil
	}
	return &Encoder{u: u}
}

// Enter begins nested message num (item index of a repeated field, -1 for
// a single one).
func (e *Encoder) Enter(num, index int) {
	if e != nil {
		e.path = append(e.path, int32(num), int32(index))
	}
}

// Leave ends the message begun by Enter.
func (e *Encoder) Leave() {
	if e != nil {
		e.path = e.path[:len(e.path)-2]
	}
}

// extra returns the unknown fields of the current message.
func (e *Encoder) extra() []byte {
	if e == nil {
		return nil
	}
	return e.u.byPath[pathKey(e.path)]
}

// UnknownSize returns the size of the current message's unknown fields.
func (e *Encoder) UnknownSize() int {
	if e == nil {
		return 0
	}
	return len(e.extra())
}

// AppendUnknown appends the current message's unknown fields to b.
func (e *Encoder) AppendUnknown(b []byte) []byte {
	if e == nil {
		return b
	}
	return append(b, e.extra()...)
}

// Without returns u without the fields of the items of repeated field num
// (a list's items, which keep their own).
func (u *Unknown) Without(num int) *Unknown {
	if u == nil {
		return nil
	}
	prefix := strconv.Itoa(num) + "["
	out := &Unknown{byPath: map[string][]byte{}}
	for p, b := range u.byPath {
		if !strings.HasPrefix(p, prefix) {
			out.byPath[p] = b
		}
	}
	if len(out.byPath) == 0 {
		return nil
	}
	return out
}

// Item returns the fields of item i of repeated field num, with paths from
// the item, or nil.
func (u *Unknown) Item(num, i int) *Unknown {
	if u == nil {
		return nil
	}
	prefix := strconv.Itoa(num) + "[" + strconv.Itoa(i) + "]/"
	var out *Unknown
	for p, b := range u.byPath {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			if out == nil {
				out = &Unknown{byPath: map[string][]byte{}}
			}
			out.byPath[rest] = b
		}
	}
	return out
}
