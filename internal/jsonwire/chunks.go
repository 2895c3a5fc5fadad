package jsonwire

import (
	"bytes"
	"sync"

	jsoniter "github.com/json-iterator/go"
)

// MarshalStream runs encode on s, a stream without a writer, and returns a
// copy of what it wrote, or s.Error. A large value is encoded into a list
// of chunks, which the generated encoder fills one after the other (see
// Spill), and copied once into the result: the cost stays linear in the
// size of the output, without the repeated copying and zeroing of a
// growing buffer.
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

// chunks are the buffers a stream of MarshalStream has filled, and those
// of them that came from the pool.
type chunks struct {
	full   [][]byte
	pooled []*[]byte
}

// Spill ends s's current buffer once SpillSize bytes are written to it:
// on a stream of MarshalStream the buffer joins the output's chunks and s
// continues in a new one; a stream with a writer is flushed to it, so
// encoding writes through in pieces of about SpillSize bytes; on a stream
// without either it does nothing. Key and String call it between values.
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
