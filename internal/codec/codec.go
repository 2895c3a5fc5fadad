// Package codec is kubewire's JSON layer: json-iterator, with a fast path for
// types that carry generated, reflection-free decoders and encoders.
package codec

import (
	"io"

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

// Encoder is implemented by types with a generated encoder. EncodeJSON writes
// the receiver as one JSON value.
type Encoder interface {
	EncodeJSON(s *jsoniter.Stream)
}

// API is the json-iterator configuration used everywhere: compatible with
// encoding/json (struct tags, omitempty, sorted map keys).
var API = jsoniter.ConfigCompatibleWithStandardLibrary

// ReadBufferSize is the buffer used when decoding from a reader. json-iterator's
// default 512-byte reads cost several times the CPU on large bodies.
const ReadBufferSize = 64 << 10

// Unmarshal decodes data into v, through v's generated decoder when it has one.
func Unmarshal(data []byte, v any) error {
	if d, ok := v.(Decoder); ok {
		it := API.BorrowIterator(data)
		defer API.ReturnIterator(it)
		d.DecodeJSON(it)
		return iterError(it)
	}
	return API.Unmarshal(data, v)
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

// Marshal encodes v, through v's generated encoder when it has one.
func Marshal(v any) ([]byte, error) {
	if e, ok := v.(Encoder); ok {
		s := API.BorrowStream(nil)
		defer API.ReturnStream(s)
		e.EncodeJSON(s)
		if s.Error != nil {
			return nil, s.Error
		}
		out := make([]byte, len(s.Buffer()))
		copy(out, s.Buffer())
		return out, nil
	}
	return API.Marshal(v)
}

func iterError(it *jsoniter.Iterator) error {
	if it.Error != nil && it.Error != io.EOF {
		return it.Error
	}
	return nil
}
