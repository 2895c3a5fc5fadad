package apischema

import "strings"

// Type is the patch metadata of one object schema: the fields that carry
// list or map metadata, or lead to an object type that does, and the struct
// fields held by value. Fields without any are absent: they are plain
// values, merged as JSON merge patch merges them.
type Type struct {
	// Name is the OpenAPI schema name ("io.k8s.api.core.v1.PodSpec").
	Name string
	// MapType is the schema's own x-kubernetes-map-type: "atomic" for
	// structs such as LabelSelector or OwnerReference that server-side
	// apply and managedFields treat as one value. A field's own MapType
	// overrides it.
	MapType string
	// Fields maps a JSON field name to its metadata.
	Fields map[string]Field
}

// Field is the patch metadata of one field of an object schema.
type Field struct {
	// Type names the object schema of the field's value: of the items for a
	// list, of the values for a map. Empty for scalars and for objects
	// without metadata.
	Type string
	// List is true when the field is a JSON array; Map when it is an object
	// with arbitrary keys (additionalProperties).
	List, Map bool
	// PatchStrategy is x-kubernetes-patch-strategy: "merge", "replace",
	// "retainKeys" or "merge,retainKeys"; empty means replace for lists.
	PatchStrategy string
	// PatchMergeKey is x-kubernetes-patch-merge-key, the field that
	// identifies an item of a list merged by strategic merge patch.
	PatchMergeKey string
	// ListType is x-kubernetes-list-type: "atomic", "set" or "map".
	ListType string
	// ListMapKeys is x-kubernetes-list-map-keys for ListType "map".
	ListMapKeys []string
	// MapType is the field's x-kubernetes-map-type: "atomic" or "granular".
	// See Atomic for the effective value, which also considers the type's.
	MapType string
	// Value is true for a struct field the Go types hold by value (the
	// OpenAPI "default": {}), which the real server always serialises; an
	// object field without it is a pointer (optional) or a map.
	Value bool
	// Item names the schema of a keyed list's items (list map keys or a
	// patch merge key), whose key fields may have defaults (see Shape).
	Item string
}

// Atomic reports whether an object value of the field (or, for a list or
// map, its item type) is one atomic value for server-side apply: the
// field's x-kubernetes-map-type, else its type's.
func (f Field) Atomic() bool {
	if f.MapType != "" && !f.List {
		return f.MapType == "atomic"
	}
	return TypeNamed(f.Type).mapType() == "atomic"
}

// ItemAtomic reports whether the items of a list field are atomic objects.
func (f Field) ItemAtomic() bool {
	return f.List && TypeNamed(f.Type).mapType() == "atomic"
}

func (t *Type) mapType() string {
	if t == nil {
		return ""
	}
	return t.MapType
}

// HasStrategy reports whether s is one of the field's patch strategies.
func (f Field) HasStrategy(s string) bool {
	for _, p := range strings.Split(f.PatchStrategy, ",") {
		if p == s {
			return true
		}
	}
	return false
}

// TypeNamed returns the patch metadata of the named schema, or nil when the
// schema has no field with metadata.
func TypeNamed(name string) *Type {
	if name == "" {
		return nil
	}
	return types[name]
}

// KindType returns the patch metadata of a kind's root schema, or nil when
// the kind is unknown or none of its fields carries metadata.
func KindType(group, version, kind string) *Type {
	return TypeNamed(kindRoots[group+"/"+version+"/"+kind])
}

// Field returns the metadata of the named field and whether it has any.
// It is safe on a nil Type.
func (t *Type) Field(name string) (Field, bool) {
	if t == nil {
		return Field{}, false
	}
	f, ok := t.Fields[name]
	return f, ok
}

// Child returns the type of a field's value (a list's items, a map's
// values), or nil.
func (t *Type) Child(name string) *Type {
	f, _ := t.Field(name)
	return TypeNamed(f.Type)
}

// FieldAt returns the metadata of the field at a dotted path within a kind,
// where "[]" after a name steps into a list's items and "*" into a map's
// values: "spec.template.spec.containers[].ports".
func FieldAt(group, version, kind, path string) (Field, bool) {
	t := KindType(group, version, kind)
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if p == "*" {
			continue
		}
		p = strings.TrimSuffix(p, "[]")
		f, ok := t.Field(p)
		if !ok {
			return Field{}, false
		}
		if i == len(parts)-1 {
			return f, true
		}
		t = TypeNamed(f.Type)
	}
	return Field{}, false
}

// HasKind reports whether group/version/kind is a built-in kind whose
// schema the patch metadata was generated from.
func HasKind(group, version, kind string) bool {
	_, ok := kindRoots[group+"/"+version+"/"+kind]
	return ok
}
