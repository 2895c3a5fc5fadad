// Package metav1 holds the API machinery types every Kubernetes object
// shares: TypeMeta, ObjectMeta, ListMeta, Status, LabelSelector, Condition,
// the discovery documents, and the small value types Time, MicroTime,
// Quantity, IntOrString and RawJSON.
//
// The types generated from the OpenAPI spec (zz_generated_*.go) carry
// reflection-free JSON decoders and encoders: DecodeJSON and EncodeJSON for
// json-iterator, and UnmarshalJSON for encoding/json. They have no
// MarshalJSON, so that a program that only reads objects does not link their
// encoders: encoding/json encodes them by reflection, to exactly the bytes
// EncodeJSON writes. The hand-written value types (Time, MicroTime,
// Quantity, IntOrString, RawJSON) implement both json.Marshaler and
// json.Unmarshaler.
//
// Decoded strings share one buffer per decoded object (see DecodeJSON): a
// string kept from an object keeps the object's JSON text alive.
package metav1

import "github.com/kubewire/kubewire/internal/jsonwire"

// SyntaxError is the error UnmarshalJSON returns for malformed JSON or a
// value of the wrong JSON type, with the Go type being decoded and the byte
// offset; dynamic.Object's decoder returns it too (Type "dynamic.Object"). For a value its type rejects, Err holds that type's own error (a
// *QuantityError, a *TimeError), reachable with errors.As. (DecodeJSON
// reports the same text through the json-iterator Iterator.)
type SyntaxError = jsonwire.SyntaxError

//go:generate go run github.com/kubewire/kubewire/internal/gen

// UnsupportedValueError is the error MarshalJSON returns for a float that
// JSON cannot represent (NaN or an infinity).
type UnsupportedValueError = jsonwire.UnsupportedValueError
