package dynamic

import (
	"io"
	"sync"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

// Streaming list decoding: the body is read through a window that holds
// at least one whole value at a time, and each value is decoded from the
// window with the byte decoder, which keeps nothing of its input. A list
// of any size costs a window of the size of its largest item, not a
// buffer of the whole body.

// window is the part of a stream not yet decoded: buf[pos:].
type window struct {
	r   io.Reader
	buf []byte
	pos int
	eof bool
	err error // a read error other than io.EOF
}

var windowPool = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// more reads more input, moving what is left to the front and growing
// the buffer when it is full. It returns false at the end of the input.
func (w *window) more() bool {
	if w.eof {
		return false
	}
	if w.pos > 0 {
		n := copy(w.buf, w.buf[w.pos:])
		w.buf, w.pos = w.buf[:n], 0
	}
	if len(w.buf) == cap(w.buf) {
		nb := make([]byte, len(w.buf), 2*cap(w.buf))
		copy(nb, w.buf)
		w.buf = nb
	}
	n, err := w.r.Read(w.buf[len(w.buf):cap(w.buf)])
	w.buf = w.buf[:len(w.buf)+n]
	if err != nil {
		w.eof = true
		if err != io.EOF {
			w.err = err
		}
	}
	return n > 0 || !w.eof
}

// next skips whitespace and returns the next byte, 0 at the end.
func (w *window) next() byte {
	for {
		for w.pos < len(w.buf) {
			switch c := w.buf[w.pos]; c {
			case ' ', '\n', '\r', '\t':
				w.pos++
			default:
				return c
			}
		}
		if !w.more() {
			return 0
		}
	}
}

// value returns the bytes of the whole value at w.pos, reading as much as
// it takes, and moves past it; nil at the end of the input.
func (w *window) value() []byte {
	w.next()
	for {
		end := codec.ValueEnd(w.buf, w.pos)
		// A value that reaches the end of the buffer may go on.
		if end > 0 && (end < len(w.buf) || w.eof) {
			v := w.buf[w.pos:end]
			w.pos = end
			return v
		}
		if w.eof {
			return nil // the input ends inside the value
		}
		// Read at least as much again as was scanned before scanning
		// again, so that a value arriving in small reads is scanned a
		// bounded number of times, not once per read.
		want := 2 * (len(w.buf) - w.pos)
		for w.more() && len(w.buf)-w.pos < want {
		}
	}
}

// DecodeJSONFrom decodes a list from r like DecodeJSON, faster and holding
// one item's bytes at a time, for a caller that has a reader rather than a
// body (kubewire's clients read whole bodies and decode through
// DecodeWire).
func (l *List) DecodeJSONFrom(r io.Reader) error {
	wb := windowPool.Get().(*[]byte)
	w := &window{r: r, buf: (*wb)[:0]}
	defer func() {
		if cap(w.buf) <= 4<<20 {
			*wb = w.buf[:0]
			windowPool.Put(wb)
		}
	}()
	var d byteDecoder
	fail := func(msg string) error {
		if w.err != nil {
			return w.err
		}
		return &metav1.SyntaxError{Type: "dynamic.Object", Offset: -1, Msg: msg}
	}
	if w.next() != '{' {
		return fail("expected a JSON object")
	}
	w.pos++
	header := Object{}
	var items []Object
	first := true
	for {
		c := w.next()
		if c == '}' {
			w.pos++
			break
		}
		if !first {
			if c != ',' {
				return fail("expected ',' or '}' after object value")
			}
			w.pos++
			c = w.next()
		}
		first = false
		if c != '"' {
			return fail("expected string key")
		}
		kb := w.value()
		if kb == nil {
			return fail("unterminated key")
		}
		d.reset(kb)
		k := string(d.str())
		if d.err != nil {
			return d.err
		}
		if w.next() != ':' {
			return fail("expected ':' after object key")
		}
		w.pos++
		if k != "items" {
			v := w.value()
			if v == nil {
				return fail("unexpected end of input")
			}
			d.reset(v)
			val := d.value()
			if err := d.finish(); err != nil {
				return err
			}
			header[k] = val
			continue
		}
		items = nil
		switch w.next() {
		case 'n':
			v := w.value()
			if string(v) != "null" {
				return fail("items is not an array")
			}
			continue
		case '[':
			w.pos++
		default:
			return fail("items is not an array")
		}
		if w.next() == ']' {
			w.pos++
			continue
		}
		for {
			if w.next() != '{' {
				return fail("an item is not an object")
			}
			item, err := d.decodeObject(w.value())
			if err != nil {
				return err
			}
			items = append(items, item)
			c := w.next()
			w.pos++
			if c == ']' {
				break
			}
			if c != ',' {
				return fail("expected ',' or ']' after array element")
			}
		}
	}
	if w.next() != 0 {
		return fail("invalid character after top-level value")
	}
	if w.err != nil {
		return w.err
	}
	l.Header, l.Items = header, items
	l.fillItemKinds()
	return nil
}
