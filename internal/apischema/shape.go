package apischema

// Kind is the JSON shape of a field's value.
type Kind uint8

// The kinds of value a field holds.
const (
	KindAny         Kind = iota // anything: raw extensions, JSON, schemas of CRDs
	KindString                  // a string (also times)
	KindInteger                 // a whole number
	KindNumber                  // a number
	KindBoolean                 // true or false
	KindObject                  // an object of a named schema (Type)
	KindArray                   // a list; Elem is the items' kind
	KindMap                     // an object of arbitrary keys; Elem is the values' kind
	KindBytes                   // a base64 string ([]byte in the Go types)
	KindQuantity                // a resource quantity
	KindIntOrString             // an int-or-string
)

// Shape is every field of one object schema, as the fake server needs it to
// drop unknown fields, apply the spec's defaults and check field types.
type Shape struct {
	// Name is the OpenAPI schema name.
	Name string
	// Order is the JSON field names in the order the server writes them
	// (its Go type's field order).
	Order []string
	// Fields maps each JSON field name to its shape.
	Fields map[string]ShapeField
}

// ShapeField is the shape of one field.
type ShapeField struct {
	// Kind is the kind of the value; Elem that of a list's items or a map's
	// values.
	Kind, Elem Kind
	// Type names the object schema of the value (of the items or values for
	// a list or map), when it is an object.
	Type string
	// Default is the JSON of the spec's default when it is not the zero
	// value ("TCP" for a port's protocol); empty otherwise.
	Default string
	// OmitZero is true for a scalar the Go types hold by value with
	// omitempty: the server never writes its zero value. Always is true
	// for one held by value without omitempty: the server writes it even
	// when unset.
	OmitZero, Always bool
	// Struct is true for an object the Go types hold by value (the spec's
	// "default": {}): the server writes it, {} when unset.
	Struct bool
	// Null is true for a scalar the Go types hold by pointer without
	// omitempty: the server writes null when it is unset.
	Null bool
}

// ShapeNamed returns the shape of the named object schema, or nil.
func ShapeNamed(name string) *Shape {
	s, ok := shapes[name]
	if !ok {
		return nil
	}
	return &s
}

// KindShape returns the shape of a kind's root schema, or nil.
func KindShape(group, version, kind string) *Shape {
	return ShapeNamed(shapeRoots[group+"/"+version+"/"+kind])
}

// Field returns the shape of the named field; it is safe on a nil Shape.
func (s *Shape) Field(name string) (ShapeField, bool) {
	if s == nil {
		return ShapeField{}, false
	}
	f, ok := s.Fields[name]
	return f, ok
}
