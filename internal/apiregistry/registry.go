// Package apiregistry maps the built-in kinds and lists of Kubernetes
// 1.37 (by group, version and kind) to their Go types in api/, for code
// that meets objects by name rather than by type: the fake server, which
// converts request and response bodies between JSON and protobuf. It
// imports every api package, so a program that uses it links every
// type's codecs; the clients do not import it.
package apiregistry

import (
	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/protowire"
)

// GVK names a kind: its API group ("" for core), version and kind.
type GVK struct{ Group, Version, Kind string }

// Object is what every registered kind and list provides: its protobuf
// and JSON codecs.
type Object interface {
	UnmarshalProto(data []byte) error
	AppendProto(b []byte) []byte
	ProtoSize() int
	UnmarshalJSON(data []byte) error
	EncodeJSON(s *jsoniter.Stream)
}

// New returns a new zero value of the kind, or false when it is not a
// built-in kind with a protobuf encoding.
func New(gvk GVK) (Object, bool) {
	k, ok := kinds[gvk]
	if !ok {
		return nil, false
	}
	return k.new(), true
}

// Kinds returns the registered kinds, in no particular order.
func Kinds() []GVK {
	out := make([]GVK, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	return out
}

// Decode reads a protobuf body (the envelope and the object in it) into a
// new value of the kind the envelope names, with its apiVersion and kind
// set as JSON would have them.
func Decode(body []byte) (Object, protowire.Envelope, error) {
	env, err := protowire.Unwrap(body)
	if err != nil {
		return nil, env, err
	}
	group, version := splitAPIVersion(env.APIVersion)
	k, ok := kinds[GVK{group, version, env.Kind}]
	if !ok {
		return nil, env, &protowire.Error{Reason: "unknown kind " + env.APIVersion + " " + env.Kind}
	}
	obj := k.new()
	if err := obj.UnmarshalProto(env.Raw); err != nil {
		return nil, env, err
	}
	if k.typeMeta != nil {
		*k.typeMeta(obj) = metav1.TypeMeta{APIVersion: env.APIVersion, Kind: env.Kind}
	}
	return obj, env, nil
}

// kind is a registered kind: its constructor, and where its TypeMeta is
// (nil for the few kinds without one).
type kind struct {
	new      func() Object
	typeMeta func(Object) *metav1.TypeMeta
}

// Encode appends obj's protobuf body (envelope and message) to b.
func Encode(b []byte, apiVersion, kind string, obj Object) []byte {
	return protowire.Wrap(b, apiVersion, kind, obj)
}

// splitAPIVersion splits "group/version" ("v1" is the core group).
func splitAPIVersion(apiVersion string) (group, version string) {
	for i := 0; i < len(apiVersion); i++ {
		if apiVersion[i] == '/' {
			return apiVersion[:i], apiVersion[i+1:]
		}
	}
	return "", apiVersion
}
