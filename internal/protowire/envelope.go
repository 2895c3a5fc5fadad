package protowire

import (
	"bytes"
	"encoding/binary"
	"github.com/kubewire/kubewire/internal/intern"
	"io"
)

// Magic begins every protobuf body of the Kubernetes API.
const Magic = "k8s\x00"

// ContentType is the media type of Kubernetes' protobuf encoding.
const ContentType = "application/vnd.kubernetes.protobuf"

// WatchContentType is the media type of a watch stream in protobuf.
const WatchContentType = "application/vnd.kubernetes.protobuf;stream=watch"

// Envelope is a protobuf body of the Kubernetes API: after Magic, a
// runtime.Unknown message holding the object's apiVersion and kind and
// its encoded message (Raw).
type Envelope struct {
	APIVersion, Kind string
	// Raw is the object's message, to give to its UnmarshalProto. It
	// points into the body given to Unwrap.
	Raw []byte
	// ContentEncoding and ContentType are empty in what the API server
	// sends.
	ContentEncoding, ContentType string
}

// Unwrap reads the envelope of a protobuf body. A body without the magic
// prefix, or a malformed envelope, is an *Error.
func Unwrap(body []byte) (Envelope, error) {
	var env Envelope
	if !bytes.HasPrefix(body, []byte(Magic)) {
		return env, &Error{Reason: "no k8s protobuf magic prefix"}
	}
	d := Decoder{buf: body, pos: len(Magic), end: len(body)}
	for d.Next() {
		switch d.num {
		case 1:
			tm := d.Message()
			t := Decoder{buf: tm, end: len(tm)}
			for t.Next() {
				switch t.num {
				case 1:
					env.APIVersion = shortString(t.Bytes())
				case 2:
					env.Kind = shortString(t.Bytes())
				default:
					t.Skip()
				}
			}
			if t.err != nil {
				t.err.Offset += d.pos - len(tm)
				return Envelope{}, t.err
			}
		case 2:
			env.Raw = d.Bytes()
		case 3:
			env.ContentEncoding = string(d.Bytes())
		case 4:
			env.ContentType = string(d.Bytes())
		default:
			d.Skip()
		}
	}
	if err := d.Err(); err != nil {
		return Envelope{}, err
	}
	return env, nil
}

// shortString returns b as a string, shared with other calls for the same
// bytes when short (apiVersion and kind repeat in every body of a stream).
func shortString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return intern.String(b)
}

// Message is what a generated type provides to be wrapped.
type Message interface {
	AppendProto(b []byte) []byte
	ProtoSize() int
}

// Wrap appends the envelope of m, an object of the given apiVersion and
// kind, to b, as the API server writes it.
func Wrap(b []byte, apiVersion, kind string, m Message) []byte {
	b = append(b, Magic...)
	b = appendTypeMeta(b, apiVersion, kind)
	b = AppendVarint(b, Tag(2, WireBytes))
	b = AppendVarint(b, uint64(m.ProtoSize()))
	b = m.AppendProto(b)
	return append(b, 0x1a, 0, 0x22, 0) // empty contentEncoding and contentType
}

// WrapRaw appends the envelope of an encoded message raw to b.
func WrapRaw(b []byte, apiVersion, kind string, raw []byte) []byte {
	b = append(b, Magic...)
	b = appendTypeMeta(b, apiVersion, kind)
	if raw != nil {
		b = AppendBytes(b, Tag(2, WireBytes), raw)
	}
	return append(b, 0x1a, 0, 0x22, 0)
}

func appendTypeMeta(b []byte, apiVersion, kind string) []byte {
	b = AppendVarint(b, Tag(1, WireBytes))
	b = AppendVarint(b, uint64(1+SizeBytes(len(apiVersion))+1+SizeBytes(len(kind))))
	b = AppendString(b, Tag(1, WireBytes), apiVersion)
	return AppendString(b, Tag(2, WireBytes), kind)
}

// WatchEvent is one event of a watch stream: its type (ADDED, MODIFIED,
// DELETED, BOOKMARK, ERROR) and the object, itself an enveloped body.
type WatchEvent struct {
	Type   string
	Object []byte
}

// DecodeWatchEvent reads a watch event from one frame of a protobuf watch
// stream (without its length prefix): a metav1.WatchEvent message, not
// enveloped (the API server writes it bare), whose object is the envelope
// of the object. A frame in an envelope is read too. Object points into
// frame.
func DecodeWatchEvent(frame []byte) (WatchEvent, error) {
	var ev WatchEvent
	msg := frame
	if bytes.HasPrefix(frame, []byte(Magic)) {
		env, err := Unwrap(frame)
		if err != nil {
			return ev, err
		}
		msg = env.Raw
	}
	d := Decoder{buf: msg, end: len(msg)}
	for d.Next() {
		switch d.num {
		case 1:
			ev.Type = string(d.Bytes())
		case 2:
			if outer, ok := d.Enter(-1); ok {
				for d.Next() {
					if d.num == 1 {
						ev.Object = d.Bytes()
					} else {
						d.Skip()
					}
				}
				d.Leave(outer)
			}
		default:
			d.Skip()
		}
	}
	if err := d.Err(); err != nil {
		return WatchEvent{}, err
	}
	return ev, nil
}

// AppendWatchFrame appends one frame of a protobuf watch stream to b, as
// the API server writes it: the 4-byte big-endian length, then the
// metav1.WatchEvent message (type 1, object 2 holding raw 1), not
// enveloped, whose object is the enveloped body object.
func AppendWatchFrame(b []byte, eventType string, object []byte) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0)
	b = AppendString(b, Tag(1, WireBytes), eventType)
	b = AppendVarint(b, Tag(2, WireBytes))
	b = AppendVarint(b, uint64(1+SizeBytes(len(object))))
	b = AppendBytes(b, Tag(1, WireBytes), object)
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}

// ReadFrame reads one frame of a protobuf watch stream from r into buf
// (grown as needed) and returns it without its length prefix. A frame
// longer than max bytes is an *Error before anything is allocated for it;
// io.EOF means the stream ended between frames.
func ReadFrame(r io.Reader, buf []byte, max int) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if uint64(n) > uint64(max) {
		return nil, &Error{Reason: "watch frame of " + itoa(uint64(n)) + " bytes is over the limit"}
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
