// Package patch creates the patch that turns one value into another, for
// rest.Client.Patch and the typed and dynamic clients' Patch: a JSON merge
// patch (RFC 7386), a JSON patch (RFC 6902) or a strategic merge patch
// (Kubernetes' merge of lists by key, with the merge keys and patch
// strategies of the built-in kinds' schemas), as client-go users make with
// jsonmergepatch, evanphx/json-patch and strategicpatch.
//
// The values are typed objects (encoded with their generated encoders, so
// fields the types lack are kept), dynamic objects, maps, or JSON as
// []byte. Only this package's strategic merge patch links the schemas'
// patch metadata.
package patch

import (
	"bytes"
	"encoding/json"

	"fmt"
	"io"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

// InputError reports a value that cannot be diffed: it does not encode as
// JSON, or (as []byte) is not JSON, or is not a JSON object where one is
// needed.
type InputError struct {
	// Which is "original" or "modified".
	Which string
	// Err is the encoder's or decoder's error, if any.
	Err error
	// Reason says what is wrong when Err is nil.
	Reason string
}

// Error returns the error's message.
func (e *InputError) Error() string {
	if e.Err != nil {
		return "patch: the " + e.Which + " value: " + e.Err.Error()
	}
	return "patch: the " + e.Which + " value " + e.Reason
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// KindError reports a strategic merge patch asked for a kind whose schema
// kubewire does not have: a custom resource (the API server refuses
// strategic merge patches for those; use a merge patch), or an unknown
// apiVersion and kind.
type KindError struct {
	APIVersion, Kind string
}

// Error returns the error's message.
func (e *KindError) Error() string {
	if e.Kind == "" {
		return "patch: a strategic merge patch needs the kind: give its descriptor, or values with apiVersion and kind"
	}
	return fmt.Sprintf("patch: no strategic merge patch schema for %s %s (custom resources take merge patches)", e.APIVersion, e.Kind)
}

// ListKeyError reports a list merged by key in which an item lacks its
// merge key, or is not an object.
type ListKeyError struct {
	// Path is the list's dotted path ("spec.containers").
	Path string
	// Key is the merge key ("name").
	Key string
}

// Error returns the error's message.
func (e *ListKeyError) Error() string {
	return fmt.Sprintf("patch: an item of %s has no merge key %q", e.Path, e.Key)
}

// toJSON returns v as a JSON tree: maps, slices, strings, booleans,
// json.Number and nil.
func toJSON(which string, v any) (any, error) {
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case json.RawMessage:
		b = x
	case metav1.RawJSON:
		b = x
	default:
		var err error
		if b, err = codec.Marshal(v); err != nil {
			return nil, &InputError{Which: which, Err: err}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, &InputError{Which: which, Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &InputError{Which: which, Reason: "has data after its JSON value"}
	}
	return out, nil
}

// objects returns both values as JSON objects.
func objects(original, modified any) (map[string]any, map[string]any, error) {
	o, err := toJSON("original", original)
	if err != nil {
		return nil, nil, err
	}
	m, err := toJSON("modified", modified)
	if err != nil {
		return nil, nil, err
	}
	om, ok := o.(map[string]any)
	if !ok {
		return nil, nil, &InputError{Which: "original", Reason: "is not a JSON object"}
	}
	mm, ok := m.(map[string]any)
	if !ok {
		return nil, nil, &InputError{Which: "modified", Reason: "is not a JSON object"}
	}
	return om, mm, nil
}

// encode writes a patch, keys sorted, without HTML escaping.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
