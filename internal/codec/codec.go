// Package codec is kubewire's one way from a body to a Go value: DecodeBody
// chooses the wire format from the content type and, for that format, the
// value's capability (one interface per format) or reflection. Encoding
// goes through Marshal.
package codec

import (
	"bytes"
	"io"
	"mime"
	"reflect"
	"strings"
	"sync"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/jsonwire"
	"github.com/kubewire/kubewire/internal/protowire"
)

// JSONDecoder is the JSON capability: a value that reads itself from a
// jsonwire.Reader. Every generated type has it; so do the decode targets
// that read a whole body themselves (typed's list pages, dynamic objects),
// which take it with Reader.Value and learn from Reader.Owned whether they
// may keep it.
type JSONDecoder interface {
	DecodeWire(r *jsonwire.Reader)
}

// ProtoDecoder is the protobuf capability: a value that reads itself, whole,
// from the decoder of its protobuf message (the body without its
// envelope), keeping what the decoder's ownership allows. Every generated
// kind and list has it, and so do typed's list pages.
type ProtoDecoder interface {
	UnmarshalProtoFrom(d *protowire.Decoder) error
}

// ProtoEncoder is what a value needs to be sent as a protobuf body.
type ProtoEncoder interface {
	AppendProto(b []byte) []byte
	ProtoSize() int
}

// Encoder is implemented by types with a generated encoder. EncodeJSON
// writes the receiver as one JSON value.
type Encoder interface {
	EncodeJSON(s *jsoniter.Stream)
}

// Ownership says what a decoded value may keep of the body it came from.
type Ownership uint8

const (
	// Owned hands the body to the value: decoded strings may point into
	// it, so the caller must never change it afterwards.
	Owned Ownership = iota
	// Borrowed leaves the body with the caller: the value is decoded from
	// a copy it then owns (one copy, as fast as Owned).
	Borrowed
	// Detached leaves the body with the caller and the value shares no
	// memory with it and holds no more than it needs: strings are copies,
	// short ones and raw values shared with other detached values, for
	// values kept for long (an informer's cache). The caller may reuse
	// the body's buffer as soon as DecodeBody returns.
	Detached
)

// Target is a decode target with its Ownership, for calls that take the
// target alone (rest.Request.Into): a plain target is decoded Owned.
type Target struct {
	V   any
	Own Ownership
}

// Unwrap returns the target inside v and its Ownership: Owned for a v that
// is not a Target.
func Unwrap(v any) (any, Ownership) {
	if t, ok := v.(Target); ok {
		return t.V, t.Own
	}
	return v, Owned
}

// Format is a wire format.
type Format uint8

// The wire formats.
const (
	JSON Format = iota + 1
	// Protobuf is Kubernetes' protobuf encoding (ProtobufContentType):
	// the magic "k8s\x00", then a runtime.Unknown envelope holding the
	// object's apiVersion, kind and message.
	Protobuf
)

// ProtobufContentType is the media type of Kubernetes' protobuf encoding.
const ProtobufContentType = protowire.ContentType

// FormatOf returns the wire format a Content-Type names: JSON for
// application/json, any +json type and an empty content type, Protobuf for
// application/vnd.kubernetes.protobuf (with any parameters, such as a
// watch's stream=watch); false for anything else.
func FormatOf(contentType string) (Format, bool) {
	switch contentType {
	case "", "application/json":
		return JSON, true
	case protowire.ContentType:
		// Each event of a protobuf watch names it: no parsing.
		return Protobuf, true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, false
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return JSON, true
	case mt == protowire.ContentType:
		return Protobuf, true
	}
	return 0, false
}

// ContentTypeError is DecodeBody's error for a content type it cannot
// decode.
type ContentTypeError struct{ ContentType string }

func (e *ContentTypeError) Error() string {
	return "codec: cannot decode content type " + e.ContentType
}

// DecodeBody decodes body, one value in the format contentType names, into
// v (a non-nil pointer). It is the one entry point from a body to a Go
// value: JSON goes through v's JSONDecoder when it has one, else through
// json-iterator's reflection (which copies what it keeps, whatever own
// says); protobuf through v's ProtoDecoder, after the envelope, whose
// apiVersion and kind are set in v's TypeMeta (protobuf messages do not
// carry them) when v has one. own says what v may keep of body. Anything
// but white space after a JSON value is an error. A content type FormatOf
// refuses, or protobuf for a v without ProtoDecoder, is a
// *ContentTypeError; malformed input a *jsonwire.SyntaxError, a
// *protowire.Error (metav1.ProtoError), or json-iterator's error, for
// reflection.
func DecodeBody(body []byte, contentType string, v any, own Ownership) error {
	format, ok := FormatOf(contentType)
	if !ok {
		return &ContentTypeError{ContentType: contentType}
	}
	switch format {
	case Protobuf:
		d, ok := v.(ProtoDecoder)
		if !ok {
			return &ContentTypeError{ContentType: contentType}
		}
		env, err := protowire.Unwrap(body)
		if err != nil {
			return err
		}
		var pd *protowire.Decoder
		switch own {
		case Owned:
			pd = protoDecoders.Get().(*protowire.Decoder)
			pd.ResetOwned(env.Raw)
			defer func() {
				pd.Release()
				protoDecoders.Put(pd)
			}()
		case Borrowed:
			pd = protowire.NewDecoder(env.Raw)
		default:
			pd = protowire.NewDecoderDetached(env.Raw)
		}
		if err := d.UnmarshalProtoFrom(pd); err != nil {
			return err
		}
		SetTypeMeta(v, env.APIVersion, env.Kind)
		return nil
	default: // JSON
		d, ok := v.(JSONDecoder)
		if !ok {
			return jsonwire.API.Unmarshal(body, v)
		}
		r := readers.Get().(*jsonwire.Reader)
		defer func() {
			r.Reset(nil) // keep no reference to body or decoded values
			readers.Put(r)
		}()
		switch own {
		case Owned:
			r.ResetOwned(body)
		case Borrowed:
			r.ResetOwned(bytes.Clone(body))
		default:
			r.Reset(body)
		}
		d.DecodeWire(r)
		if err := r.Finish(""); err != nil {
			if se, ok := err.(*jsonwire.SyntaxError); ok && se.Type == "" {
				se.Type = typeName(v)
			}
			return err
		}
		return nil
	}
}

// protoDecoders are the protobuf decoders DecodeBody decodes in place
// with: one per decode would cost an allocation as large as a small
// object (a watch event's).
var protoDecoders = sync.Pool{New: func() any { return new(protowire.Decoder) }}

// readers are the Readers DecodeBody decodes with: a Reader is large
// enough that one per decode would cost an allocation of its own.
var readers = sync.Pool{New: func() any { return new(jsonwire.Reader) }}

// typeMetaFields caches, per type, the indexes of the APIVersion and Kind
// string fields (promoted from an embedded TypeMeta), or nil.
var typeMetaFields sync.Map // reflect.Type -> [][]int

// SetTypeMeta sets v's APIVersion and Kind, when v points to a struct that
// has both (through its embedded TypeMeta).
func SetTypeMeta(v any, apiVersion, kind string) {
	if apiVersion == "" && kind == "" {
		return
	}
	if e, f := typeMetaOf(v); f != nil {
		e.FieldByIndex(f[0]).SetString(apiVersion)
		e.FieldByIndex(f[1]).SetString(kind)
	}
}

// TypeMetaOf returns v's APIVersion and Kind; ok is false when v does not
// point to a struct that has both.
func TypeMetaOf(v any) (apiVersion, kind string, ok bool) {
	e, f := typeMetaOf(v)
	if f == nil {
		return "", "", false
	}
	return e.FieldByIndex(f[0]).String(), e.FieldByIndex(f[1]).String(), true
}

// typeMetaOf returns the struct v points to and the indexes of its
// APIVersion and Kind fields, or nil indexes.
func typeMetaOf(v any) (reflect.Value, [][]int) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, nil
	}
	t := rv.Elem().Type()
	idx, ok := typeMetaFields.Load(t)
	if !ok {
		var found [][]int
		a, okA := t.FieldByName("APIVersion")
		k, okK := t.FieldByName("Kind")
		if okA && okK && a.Type.Kind() == reflect.String && k.Type.Kind() == reflect.String {
			found = [][]int{a.Index, k.Index}
		}
		idx, _ = typeMetaFields.LoadOrStore(t, found)
	}
	return rv.Elem(), idx.([][]int)
}

// typeName names v's type for errors: the pointed-to type.
func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.String()
}

// API is the json-iterator configuration used everywhere (see
// jsonwire.API).
var API = jsonwire.API

// ReadBufferSize is the buffer used when reading a stream of values (watch
// events). json-iterator's default 512-byte reads cost several times the
// CPU on large bodies.
const ReadBufferSize = 64 << 10

// SpillSize is the size from which a stream buffer is moved to its chunk
// list while encoding (see jsonwire.Spill).
const SpillSize = jsonwire.SpillSize

// Unmarshal decodes the JSON data into v through DecodeBody, leaving data
// with the caller (Borrowed).
func Unmarshal(data []byte, v any) error {
	return DecodeBody(data, "", v, Borrowed)
}

// Decode reads r to its end and decodes the JSON value it holds into v
// through DecodeBody.
func Decode(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return DecodeBody(data, "", v, Owned)
}

// Marshal encodes v, through v's generated encoder when it has one, in
// chunks joined once (see jsonwire.MarshalStream).
func Marshal(v any) ([]byte, error) {
	e, ok := v.(Encoder)
	if !ok {
		return API.Marshal(v)
	}
	s := API.BorrowStream(nil)
	defer API.ReturnStream(s)
	return jsonwire.MarshalStream(s, e.EncodeJSON)
}

// MarshalStream runs encode on s, a stream without a writer, chunked as
// Marshal does, and returns a copy of what it wrote, or s.Error.
func MarshalStream(s *jsoniter.Stream, encode func(*jsoniter.Stream)) ([]byte, error) {
	return jsonwire.MarshalStream(s, encode)
}
