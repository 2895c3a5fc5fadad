package dynamic

import (
	"fmt"

	"github.com/kubewire/kubewire/internal/codec"
)

// ConversionError reports a value that could not be converted between its
// typed and unstructured forms.
type ConversionError struct {
	Op  string // "ToUnstructured" or "FromUnstructured"
	Err error
}

// Error returns the error's message.
func (e *ConversionError) Error() string { return fmt.Sprintf("dynamic: %s: %v", e.Op, e.Err) }

// Unwrap returns the codec's error.
func (e *ConversionError) Unwrap() error { return e.Err }

// ToUnstructured converts v (a typed object such as *corev1.Pod, or any
// value that encodes to a JSON object) into an Object through its JSON
// encoding, with the codec's generated encoder when v has one. Fields
// omitted by omitempty are absent. A value that does not encode to an
// object is a *ConversionError.
func ToUnstructured(v any) (Object, error) {
	b, err := codec.Marshal(v)
	if err != nil {
		return nil, &ConversionError{Op: "ToUnstructured", Err: err}
	}
	var o Object
	if err := codec.Unmarshal(b, &o); err != nil {
		return nil, &ConversionError{Op: "ToUnstructured", Err: fmt.Errorf("%T does not encode to a JSON object: %w", v, err)}
	}
	return o, nil
}

// FromUnstructured converts obj into out (a pointer to a typed object)
// through its JSON encoding, with out's generated decoder when it has one.
// A type mismatch is a *ConversionError.
func FromUnstructured(obj map[string]any, out any) error {
	b, err := codec.API.Marshal(obj)
	if err != nil {
		return &ConversionError{Op: "FromUnstructured", Err: err}
	}
	if err := codec.Unmarshal(b, out); err != nil {
		return &ConversionError{Op: "FromUnstructured", Err: err}
	}
	return nil
}
