package jsonwire

import (
	"reflect"
	"strings"
	"unsafe"

	jsoniter "github.com/json-iterator/go"
)

// API is the json-iterator configuration used everywhere: compatible with
// encoding/json (struct tags, omitempty and omitzero, sorted map keys).
var API = newAPI()

// newAPI returns the configuration of ConfigCompatibleWithStandardLibrary
// (escaped HTML, sorted map keys, validated raw messages), as a value of
// its own so that the extension it adds changes no one else's
// json-iterator, plus encoding/json's omitzero option, which json-iterator
// predates: a field tagged omitzero is left out when it is zero, as its
// IsZero method reports or else as reflect.Value.IsZero does. Kubernetes'
// types tag ObjectMeta.creationTimestamp omitzero, and a user's struct
// embedding metav1.ObjectMeta is encoded by reflection.
func newAPI() jsoniter.API {
	api := jsoniter.Config{EscapeHTML: true, SortMapKeys: true, ValidateJsonRawMessage: true}.Froze()
	api.RegisterExtension(&omitZeroExtension{})
	return api
}

// omitZeroExtension gives the fields tagged omitzero an encoder that says
// when they are to be left out.
type omitZeroExtension struct{ jsoniter.DummyExtension }

// UpdateStructDescriptor wraps the encoder of each field tagged omitzero.
func (*omitZeroExtension) UpdateStructDescriptor(d *jsoniter.StructDescriptor) {
	for _, b := range d.Fields {
		tag := b.Field.Tag().Get("json")
		_, opts, _ := strings.Cut(tag, ",")
		if tag == "-" || !hasOption(opts, "omitzero") {
			continue
		}
		b.Encoder = &omitZeroEncoder{ValEncoder: b.Encoder, isZero: zeroTest(b.Field.Type().Type1())}
	}
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// omitZeroEncoder encodes a field tagged omitzero. json-iterator skips a
// field whose encoder reports IsEmbeddedPtrNil, whatever its other
// options (omitempty still applies on its own), so that is how a zero
// value is reported.
type omitZeroEncoder struct {
	jsoniter.ValEncoder
	isZero func(ptr unsafe.Pointer) bool
}

// IsEmbeddedPtrNil reports whether the field at ptr is zero.
func (e *omitZeroEncoder) IsEmbeddedPtrNil(ptr unsafe.Pointer) bool { return e.isZero(ptr) }

type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// zeroTest returns the test encoding/json applies to an omitzero field of
// type t: its IsZero method (on the value or its address; a nil pointer or
// interface is zero without a call), else reflect.Value.IsZero.
func zeroTest(t reflect.Type) func(ptr unsafe.Pointer) bool {
	value := func(ptr unsafe.Pointer) reflect.Value { return reflect.NewAt(t, ptr).Elem() }
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return func(ptr unsafe.Pointer) bool {
			v := value(ptr)
			return v.IsNil() || v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() || v.Interface().(isZeroer).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(ptr unsafe.Pointer) bool {
			v := value(ptr)
			return v.IsNil() || v.Interface().(isZeroer).IsZero()
		}
	case t.Implements(isZeroerType):
		return func(ptr unsafe.Pointer) bool { return value(ptr).Interface().(isZeroer).IsZero() }
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(ptr unsafe.Pointer) bool { return value(ptr).Addr().Interface().(isZeroer).IsZero() }
	}
	return func(ptr unsafe.Pointer) bool { return value(ptr).IsZero() }
}
