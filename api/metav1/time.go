package metav1

import (
	"errors"
	"strconv"
	"time"
	"unsafe"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/jsonwire"
)

// Time is a timestamp with second precision, serialized as an RFC 3339
// string in UTC ("2024-05-01T12:00:00Z"). The zero Time is serialized as
// null, and null or "" decode to the zero Time, as the API server does.
type Time struct {
	time.Time
}

// NewTime wraps t.
func NewTime(t time.Time) Time { return Time{t} }

// Now returns the current local time.
func Now() Time { return Time{time.Now()} }

// Unix returns the Time of the Unix time sec seconds and nsec nanoseconds.
func Unix(sec, nsec int64) Time { return Time{time.Unix(sec, nsec)} }

// Equal reports whether t and u are the same instant; nil pointers are equal
// only to each other.
func (t *Time) Equal(u *Time) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.Time.Equal(u.Time)
}

// TimeError reports a timestamp that is not RFC 3339.
type TimeError struct {
	// Input is the text that failed to parse.
	Input string
	// Err is the parser's error.
	Err error
}

// Error returns the error's message.
func (e *TimeError) Error() string {
	return "invalid time " + strconv.Quote(e.Input) + ": " + e.Err.Error()
}

// Unwrap returns the parser's error.
func (e *TimeError) Unwrap() error { return e.Err }

const microFormat = "2006-01-02T15:04:05.000000Z07:00"

func decodeTime(r *jsonwire.Reader, layout string) time.Time {
	if r.Null() {
		return time.Time{}
	}
	b, ok := r.StringBytes()
	if !ok || len(b) == 0 {
		return time.Time{}
	}
	// b is not retained: the text is only parsed.
	t, err := time.Parse(layout, unsafe.String(&b[0], len(b)))
	if err != nil {
		r.FailErr(&TimeError{Input: string(b), Err: errors.New(err.Error())})
		return time.Time{}
	}
	return t
}

func encodeTime(s *jsoniter.Stream, t time.Time, layout string) {
	if t.IsZero() {
		s.WriteNil()
		return
	}
	b := append(s.Buffer(), '"')
	b = t.UTC().AppendFormat(b, layout)
	s.SetBuffer(append(b, '"'))
}

// DecodeWire reads t from r; it is the entry point generated decoders use.
func (t *Time) DecodeWire(r *jsonwire.Reader) { t.Time = decodeTime(r, time.RFC3339) }

// DecodeJSON reads t from it.
func (t *Time) DecodeJSON(it *jsoniter.Iterator) {
	var r jsonwire.Reader
	if r.Capture(it) {
		t.DecodeWire(&r)
		r.Report(it, "metav1.Time")
	}
}

// EncodeJSON writes t as an RFC 3339 string in UTC with second precision,
// or null when t is zero.
func (t *Time) EncodeJSON(s *jsoniter.Stream) { encodeTime(s, t.Time, time.RFC3339) }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	t.DecodeWire(&r)
	return r.Finish("metav1.Time")
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	s := borrowStream()
	t.EncodeJSON(s)
	return finishStream(s)
}

// MicroTime is a timestamp with microsecond precision, serialized as an RFC
// 3339 string in UTC with six fractional digits
// ("2024-05-01T12:00:00.000000Z"). The zero MicroTime is serialized as null.
type MicroTime struct {
	time.Time
}

// NewMicroTime wraps t.
func NewMicroTime(t time.Time) MicroTime { return MicroTime{t} }

// NowMicro returns the current local time.
func NowMicro() MicroTime { return MicroTime{time.Now()} }

// Equal reports whether t and u are the same instant; nil pointers are equal
// only to each other.
func (t *MicroTime) Equal(u *MicroTime) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.Time.Equal(u.Time)
}

// DecodeWire reads t from r; it is the entry point generated decoders use.
func (t *MicroTime) DecodeWire(r *jsonwire.Reader) { t.Time = decodeTime(r, time.RFC3339Nano) }

// DecodeJSON reads t from it.
func (t *MicroTime) DecodeJSON(it *jsoniter.Iterator) {
	var r jsonwire.Reader
	if r.Capture(it) {
		t.DecodeWire(&r)
		r.Report(it, "metav1.MicroTime")
	}
}

// EncodeJSON writes t as an RFC 3339 string in UTC with six fractional
// digits, or null when t is zero.
func (t *MicroTime) EncodeJSON(s *jsoniter.Stream) { encodeTime(s, t.Time, microFormat) }

// UnmarshalJSON implements json.Unmarshaler.
func (t *MicroTime) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	t.DecodeWire(&r)
	return r.Finish("metav1.MicroTime")
}

// MarshalJSON implements json.Marshaler.
func (t MicroTime) MarshalJSON() ([]byte, error) {
	s := borrowStream()
	t.EncodeJSON(s)
	return finishStream(s)
}
