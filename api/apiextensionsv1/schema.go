package apiextensionsv1

import (
	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
)

// The three JSON-schema values that are one of two JSON types. The spec
// describes them as any JSON; they are written by hand so that schemas can be
// built and read as Go values.

// JSONSchemaPropsOrArray is the items of an array schema: one schema for
// every item, or (JSON Schema's tuple form) one per position. Schema is
// written when set, else JSONSchemas; the zero value is null.
type JSONSchemaPropsOrArray struct {
	Schema      *JSONSchemaProps
	JSONSchemas []JSONSchemaProps
}

// DecodeWire reads an object into Schema or an array into JSONSchemas.
func (x *JSONSchemaPropsOrArray) DecodeWire(r *jsonwire.Reader) {
	switch r.Kind() {
	case '{':
		*x = JSONSchemaPropsOrArray{Schema: new(JSONSchemaProps)}
		x.Schema.DecodeWire(r)
	case '[':
		*x = JSONSchemaPropsOrArray{JSONSchemas: []JSONSchemaProps{}}
		r.BeginArray()
		for r.NextElem() {
			x.JSONSchemas = append(x.JSONSchemas, JSONSchemaProps{})
			x.JSONSchemas[len(x.JSONSchemas)-1].DecodeWire(r)
		}
	case 'n':
		r.Null()
		*x = JSONSchemaPropsOrArray{}
	default:
		r.Fail("JSONSchemaPropsOrArray: expected an object or an array")
	}
}

// EncodeJSON writes Schema, else JSONSchemas, else null.
func (x *JSONSchemaPropsOrArray) EncodeJSON(s *jsoniter.Stream) {
	switch {
	case x.Schema != nil:
		x.Schema.EncodeJSON(s)
	case x.JSONSchemas != nil:
		s.WriteRaw("[")
		for i := range x.JSONSchemas {
			if i > 0 {
				s.WriteRaw(",")
			}
			x.JSONSchemas[i].EncodeJSON(s)
		}
		s.WriteRaw("]")
	default:
		s.WriteNil()
	}
}

// DecodeJSON reads x from it.
func (x *JSONSchemaPropsOrArray) DecodeJSON(it *jsoniter.Iterator) {
	decodeJSON(it, x, "JSONSchemaPropsOrArray")
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *JSONSchemaPropsOrArray) UnmarshalJSON(data []byte) error {
	return unmarshal(data, x, "JSONSchemaPropsOrArray")
}

// MarshalJSON implements json.Marshaler.
func (x JSONSchemaPropsOrArray) MarshalJSON() ([]byte, error) {
	s := codec.API.BorrowStream(nil)
	defer codec.API.ReturnStream(s)
	x.EncodeJSON(s)
	return streamBytes(s)
}

// JSONSchemaPropsOrBool is additionalProperties or additionalItems: a
// schema the extra values must match, or whether they are allowed at all.
// Schema is written when set, else Allows; a decoded schema sets Allows
// too.
type JSONSchemaPropsOrBool struct {
	Allows bool
	Schema *JSONSchemaProps
}

// DecodeWire reads a boolean into Allows or an object into Schema.
func (x *JSONSchemaPropsOrBool) DecodeWire(r *jsonwire.Reader) {
	switch r.Kind() {
	case '{':
		*x = JSONSchemaPropsOrBool{Allows: true, Schema: new(JSONSchemaProps)}
		x.Schema.DecodeWire(r)
	case 't', 'f':
		*x = JSONSchemaPropsOrBool{Allows: r.Bool()}
	case 'n':
		r.Null()
		*x = JSONSchemaPropsOrBool{}
	default:
		r.Fail("JSONSchemaPropsOrBool: expected an object or a boolean")
	}
}

// EncodeJSON writes Schema, else Allows.
func (x *JSONSchemaPropsOrBool) EncodeJSON(s *jsoniter.Stream) {
	if x.Schema != nil {
		x.Schema.EncodeJSON(s)
		return
	}
	s.WriteBool(x.Allows)
}

// DecodeJSON reads x from it.
func (x *JSONSchemaPropsOrBool) DecodeJSON(it *jsoniter.Iterator) {
	decodeJSON(it, x, "JSONSchemaPropsOrBool")
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *JSONSchemaPropsOrBool) UnmarshalJSON(data []byte) error {
	return unmarshal(data, x, "JSONSchemaPropsOrBool")
}

// MarshalJSON implements json.Marshaler.
func (x JSONSchemaPropsOrBool) MarshalJSON() ([]byte, error) {
	s := codec.API.BorrowStream(nil)
	defer codec.API.ReturnStream(s)
	x.EncodeJSON(s)
	return streamBytes(s)
}

// JSONSchemaPropsOrStringArray is one of a schema's dependencies: a schema
// the object must also match, or the properties it must also have. Schema
// is written when set, else Property (null when nil).
type JSONSchemaPropsOrStringArray struct {
	Schema   *JSONSchemaProps
	Property []string
}

// DecodeWire reads an object into Schema or an array into Property.
func (x *JSONSchemaPropsOrStringArray) DecodeWire(r *jsonwire.Reader) {
	switch r.Kind() {
	case '{':
		*x = JSONSchemaPropsOrStringArray{Schema: new(JSONSchemaProps)}
		x.Schema.DecodeWire(r)
	case '[':
		*x = JSONSchemaPropsOrStringArray{Property: []string{}}
		r.BeginArray()
		for r.NextElem() {
			x.Property = append(x.Property, r.String())
		}
	case 'n':
		r.Null()
		*x = JSONSchemaPropsOrStringArray{}
	default:
		r.Fail("JSONSchemaPropsOrStringArray: expected an object or an array")
	}
}

// EncodeJSON writes Schema, else Property.
func (x *JSONSchemaPropsOrStringArray) EncodeJSON(s *jsoniter.Stream) {
	switch {
	case x.Schema != nil:
		x.Schema.EncodeJSON(s)
	case x.Property != nil:
		s.WriteRaw("[")
		for i, p := range x.Property {
			if i > 0 {
				s.WriteRaw(",")
			}
			jsonwire.String(s, p)
		}
		s.WriteRaw("]")
	default:
		s.WriteNil()
	}
}

// DecodeJSON reads x from it.
func (x *JSONSchemaPropsOrStringArray) DecodeJSON(it *jsoniter.Iterator) {
	decodeJSON(it, x, "JSONSchemaPropsOrStringArray")
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *JSONSchemaPropsOrStringArray) UnmarshalJSON(data []byte) error {
	return unmarshal(data, x, "JSONSchemaPropsOrStringArray")
}

// MarshalJSON implements json.Marshaler.
func (x JSONSchemaPropsOrStringArray) MarshalJSON() ([]byte, error) {
	s := codec.API.BorrowStream(nil)
	defer codec.API.ReturnStream(s)
	x.EncodeJSON(s)
	return streamBytes(s)
}

type wireDecoder interface{ DecodeWire(*jsonwire.Reader) }

func decodeJSON(it *jsoniter.Iterator, x wireDecoder, name string) {
	var r jsonwire.Reader
	if r.Capture(it) {
		x.DecodeWire(&r)
		r.Report(it, "apiextensionsv1."+name)
	}
}

func unmarshal(data []byte, x wireDecoder, name string) error {
	var r jsonwire.Reader
	r.ResetOwned(append([]byte(nil), data...))
	x.DecodeWire(&r)
	return r.Finish("apiextensionsv1." + name)
}

// streamBytes returns a copy of what s holds, or s's error. The MarshalJSON
// methods above call their EncodeJSON directly rather than through
// jsonwire.Marshal, whose interface call would make the linker keep the
// encoder of every type a program converts to an interface.
func streamBytes(s *jsoniter.Stream) ([]byte, error) {
	if s.Error != nil {
		return nil, s.Error
	}
	return append([]byte(nil), s.Buffer()...), nil
}
