// Package codec is kubewire's JSON layer: json-iterator, with a fast path for
// types that carry generated, reflection-free decoders and encoders.
package codec

import (
	"bytes"
	"io"
	"sync"

	jsoniter "github.com/json-iterator/go"
)

// Decoder is implemented by types with a generated decoder. DecodeJSON reads
// one JSON value from it into the receiver, skipping unknown fields, and
// reports failures through it.ReportError.
type Decoder interface {
	DecodeJSON(it *jsoniter.Iterator)
}

// OwnedDecoder is implemented by types that decode from a whole JSON body
// they take ownership of: data is never read or written by anyone else
// afterwards, so decoded strings may point into it instead of being copied
// and the value can be decoded in parallel parts. The rest client reads the
// whole response into a fresh buffer for them instead of decoding from the
// connection.
type OwnedDecoder interface {
	DecodeOwnedJSON(data []byte) error
}

// StreamDecoder is implemented by types that decode a whole JSON body from
// a reader themselves, keeping nothing of it: the rest client hands them
// the response body, decompressed and size-limited, instead of an
// iterator.
type StreamDecoder interface {
	DecodeJSONFrom(r io.Reader) error
}

// Transient is implemented by OwnedDecoders that may keep no reference to
// the data they decode once DecodeOwnedJSON returns: when TransientJSON
// reports true, the rest client reads the body into a buffer it reuses.
type Transient interface {
	TransientJSON() bool
}

// Encoder is implemented by types with a generated encoder. EncodeJSON writes
// the receiver as one JSON value.
type Encoder interface {
	EncodeJSON(s *jsoniter.Stream)
}

// API is the json-iterator configuration used everywhere: compatible with
// encoding/json (struct tags, omitempty and omitzero, sorted map keys).
var API = newAPI()

// ReadBufferSize is the buffer used when decoding from a reader. json-iterator's
// default 512-byte reads cost several times the CPU on large bodies.
const ReadBufferSize = 64 << 10

// Unmarshal decodes data into v: through its whole-body decoder when v keeps
// nothing of data (OwnedDecoder and Transient: dynamic objects), else
// through its generated decoder when it has one, else by reflection.
func Unmarshal(data []byte, v any) error {
	if d, ok := v.(OwnedDecoder); ok {
		if t, ok := v.(Transient); ok && t.TransientJSON() {
			return d.DecodeOwnedJSON(data)
		}
	}
	if d, ok := v.(Decoder); ok {
		it := API.BorrowIterator(data)
		defer API.ReturnIterator(it)
		d.DecodeJSON(it)
		return endOfInput(it)
	}
	return API.Unmarshal(data, v)
}

// endOfInput returns the iterator's error, or an error when anything but
// white space follows the value, as encoding/json does.
func endOfInput(it *jsoniter.Iterator) error {
	if err := iterError(it); err != nil {
		return err
	}
	if it.WhatIsNext() != jsoniter.InvalidValue {
		it.ReportError("Unmarshal", "there are bytes left after the JSON value")
	}
	return iterError(it)
}

// Decode decodes one JSON value from r into v, through v's generated decoder
// when it has one.
func Decode(r io.Reader, v any) error {
	if d, ok := v.(Decoder); ok {
		it := jsoniter.Parse(API, r, ReadBufferSize)
		d.DecodeJSON(it)
		return iterError(it)
	}
	it := jsoniter.Parse(API, r, ReadBufferSize)
	it.ReadVal(v)
	return iterError(it)
}

// Marshal encodes v, through v's generated encoder when it has one. A large
// value is encoded into a list of chunks, which the generated encoder
// fills one after the other (see Spill), and copied once into the result:
// the cost stays linear in the size of the output, without the repeated
// copying and zeroing of a growing buffer.
func Marshal(v any) ([]byte, error) {
	e, ok := v.(Encoder)
	if !ok {
		return API.Marshal(v)
	}
	s := API.BorrowStream(nil)
	defer API.ReturnStream(s)
	return MarshalStream(s, e.EncodeJSON)
}

// MarshalStream runs encode on s, a stream without a writer, chunked as
// Marshal does, and returns a copy of what it wrote, or s.Error.
func MarshalStream(s *jsoniter.Stream, encode func(*jsoniter.Stream)) ([]byte, error) {
	var c chunks
	s.Attachment = &c
	encode(s)
	s.Attachment = nil
	if len(c.full) == 0 {
		if s.Error != nil {
			return nil, s.Error
		}
		return bytes.Clone(s.Buffer()), nil // bytes.Clone does not zero
	}
	c.full = append(c.full, s.Buffer())
	var out []byte
	if s.Error == nil {
		out = bytes.Join(c.full, nil) // nor does bytes.Join
	}
	// The stream keeps its first buffer; the chunks go back to the pool.
	s.SetBuffer(c.full[0][:0])
	for _, p := range c.pooled {
		*p = (*p)[:0]
		chunkPool.Put(p)
	}
	if s.Error != nil {
		return nil, s.Error
	}
	return out, nil
}

// SpillSize is the size of the stream buffer from which Spill moves it to
// its chunk list.
const SpillSize = 32 << 10

const chunkCap = SpillSize + 8<<10

var chunkPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkCap); return &b }}

// chunks are the buffers a stream of Marshal has filled, and those of them
// that came from the pool.
type chunks struct {
	full   [][]byte
	pooled []*[]byte
}

// Spill ends s's current buffer once SpillSize bytes are written to it:
// on a stream of Marshal the buffer joins the output's chunks and s
// continues in a new one; a stream with a writer is flushed to it, so
// encoding writes through in pieces of about SpillSize bytes; on a stream
// without either it does nothing. Generated encoders call it (through
// jsonwire) between values.
func Spill(s *jsoniter.Stream) {
	if len(s.Buffer()) >= SpillSize {
		spill(s)
	}
}

func spill(s *jsoniter.Stream) {
	c, ok := s.Attachment.(*chunks)
	if !ok {
		s.Flush() // a no-op without a writer
		return
	}
	c.full = append(c.full, s.Buffer())
	p := chunkPool.Get().(*[]byte)
	c.pooled = append(c.pooled, p)
	s.SetBuffer((*p)[:0])
}

func iterError(it *jsoniter.Iterator) error {
	if it.Error != nil && it.Error != io.EOF {
		return it.Error
	}
	return nil
}
