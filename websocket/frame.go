package websocket

import (
	"bufio"
	"encoding/binary"
	"io"
	"strconv"
)

// Opcodes of RFC 6455 section 5.2.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

const (
	// maxControlPayload is the largest payload of a control frame.
	maxControlPayload = 125
	// maxHeaderLen is the longest frame header: 2 bytes, an 8-byte length
	// and a 4-byte masking key.
	maxHeaderLen = 14
)

// frameHeader is a decoded frame header.
type frameHeader struct {
	fin    bool
	op     byte
	masked bool
	key    [4]byte
	length int64
}

func (h frameHeader) control() bool { return h.op&0x8 != 0 }

// readHeader reads and checks one frame header from a server: no reserved
// bits (no extension is negotiated), a known opcode, no mask, control
// frames unfragmented and at most 125 bytes, a 64-bit length below 2^63.
// A header that breaks a rule is a *ProtocolError; a short read is the
// reader's error (io.EOF or io.ErrUnexpectedEOF at the end of the input).
func readHeader(r *bufio.Reader) (frameHeader, error) {
	var h frameHeader
	b0, err := r.ReadByte()
	if err != nil {
		return h, err
	}
	b1, err := r.ReadByte()
	if err != nil {
		return h, unexpected(err)
	}
	h.fin = b0&0x80 != 0
	h.op = b0 & 0x0F
	h.masked = b1&0x80 != 0
	if b0&0x70 != 0 {
		return h, &ProtocolError{Reason: "reserved bits set with no extension negotiated"}
	}
	switch h.op {
	case opContinuation, opText, opBinary, opClose, opPing, opPong:
	default:
		return h, &ProtocolError{Reason: "unknown opcode " + strconv.Itoa(int(h.op))}
	}
	switch n := b1 & 0x7F; n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, unexpected(err)
		}
		h.length = int64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, unexpected(err)
		}
		u := binary.BigEndian.Uint64(b[:])
		if u>>63 != 0 {
			return h, &ProtocolError{Reason: "frame length has its most significant bit set"}
		}
		h.length = int64(u)
	default:
		h.length = int64(n)
	}
	if h.masked {
		if _, err := io.ReadFull(r, h.key[:]); err != nil {
			return h, unexpected(err)
		}
		return h, &ProtocolError{Reason: "masked frame from the server"}
	}
	if h.control() {
		if !h.fin {
			return h, &ProtocolError{Reason: "fragmented control frame"}
		}
		if h.length > maxControlPayload {
			return h, &ProtocolError{Reason: "control frame longer than 125 bytes"}
		}
	}
	return h, nil
}

// unexpected turns an io.EOF inside a frame into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// appendHeader appends a frame header for a payload of n bytes; a non-nil
// key masks the frame (every client frame is masked).
func appendHeader(dst []byte, fin bool, op byte, n int, key *[4]byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	var maskBit byte
	if key != nil {
		maskBit = 0x80
	}
	switch {
	case n <= 125:
		dst = append(dst, b0, maskBit|byte(n))
	case n <= 0xFFFF:
		dst = append(dst, b0, maskBit|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, b0, maskBit|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	if key != nil {
		dst = append(dst, key[:]...)
	}
	return dst
}

// maskBytes XORs b in place with the masking key, starting at key byte
// pos&3, eight bytes at a time, and returns the key position after b.
func maskBytes(key [4]byte, pos int, b []byte) int {
	var k [8]byte
	for i := range k {
		k[i] = key[(pos+i)&3]
	}
	kw := binary.LittleEndian.Uint64(k[:])
	n := len(b) &^ 7
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^kw)
	}
	for i := n; i < len(b); i++ {
		b[i] ^= k[i&7]
	}
	return (pos + len(b)) & 3
}

// validCloseCode reports whether code may appear in a close frame
// (RFC 6455 section 7.4: 1000-1003, 1007-1011 and the private range
// 3000-4999; 1004, 1005, 1006 and 1015 never travel).
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1011:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}
