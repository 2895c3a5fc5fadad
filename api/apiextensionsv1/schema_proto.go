package apiextensionsv1

import "github.com/kubewire/kubewire/internal/protowire"

// Protobuf codecs of the schema unions, as Kubernetes encodes them: Schema
// is field 1 (field 2 of JSONSchemaPropsOrBool), written when set; the
// other member follows its own rule.

// DecodeProto reads x's message from d.
func (x *JSONSchemaPropsOrArray) DecodeProto(d *protowire.Decoder) {
	for d.Next() {
		switch d.Num() {
		case 1:
			if o, ok := d.Enter(-1); ok {
				if x.Schema == nil {
					x.Schema = new(JSONSchemaProps)
				}
				x.Schema.DecodeProto(d)
				d.Leave(o)
			}
		case 2:
			x.JSONSchemas = append(x.JSONSchemas, JSONSchemaProps{})
			if o, ok := d.Enter(len(x.JSONSchemas) - 1); ok {
				x.JSONSchemas[len(x.JSONSchemas)-1].DecodeProto(d)
				d.Leave(o)
			}
		default:
			d.Unknown()
		}
	}
}

// SizeProto returns the size of x's message.
func (x *JSONSchemaPropsOrArray) SizeProto(e *protowire.Encoder) (n int) {
	if x.Schema != nil {
		e.Enter(1, -1)
		n += 1 + protowire.SizeBytes(x.Schema.SizeProto(e))
		e.Leave()
	}
	for i := range x.JSONSchemas {
		e.Enter(2, i)
		n += 1 + protowire.SizeBytes(x.JSONSchemas[i].SizeProto(e))
		e.Leave()
	}
	return n + e.UnknownSize()
}

// EncodeProto appends x's message to b.
func (x *JSONSchemaPropsOrArray) EncodeProto(e *protowire.Encoder, b []byte) []byte {
	if x.Schema != nil {
		e.Enter(1, -1)
		b = append(b, 0xa)
		b = protowire.AppendVarint(b, uint64(x.Schema.SizeProto(e)))
		b = x.Schema.EncodeProto(e, b)
		e.Leave()
	}
	for i := range x.JSONSchemas {
		e.Enter(2, i)
		b = append(b, 0x12)
		b = protowire.AppendVarint(b, uint64(x.JSONSchemas[i].SizeProto(e)))
		b = x.JSONSchemas[i].EncodeProto(e, b)
		e.Leave()
	}
	return e.AppendUnknown(b)
}

// DecodeProto reads x's message from d.
func (x *JSONSchemaPropsOrBool) DecodeProto(d *protowire.Decoder) {
	for d.Next() {
		switch d.Num() {
		case 1:
			x.Allows = d.Bool()
		case 2:
			if o, ok := d.Enter(-1); ok {
				if x.Schema == nil {
					x.Schema = new(JSONSchemaProps)
				}
				x.Schema.DecodeProto(d)
				d.Leave(o)
			}
		default:
			d.Unknown()
		}
	}
}

// SizeProto returns the size of x's message.
func (x *JSONSchemaPropsOrBool) SizeProto(e *protowire.Encoder) (n int) {
	n = 2
	if x.Schema != nil {
		e.Enter(2, -1)
		n += 1 + protowire.SizeBytes(x.Schema.SizeProto(e))
		e.Leave()
	}
	return n + e.UnknownSize()
}

// EncodeProto appends x's message to b: Allows always, Schema when set.
func (x *JSONSchemaPropsOrBool) EncodeProto(e *protowire.Encoder, b []byte) []byte {
	b = protowire.AppendBool(b, 0x8, x.Allows)
	if x.Schema != nil {
		e.Enter(2, -1)
		b = append(b, 0x12)
		b = protowire.AppendVarint(b, uint64(x.Schema.SizeProto(e)))
		b = x.Schema.EncodeProto(e, b)
		e.Leave()
	}
	return e.AppendUnknown(b)
}

// DecodeProto reads x's message from d.
func (x *JSONSchemaPropsOrStringArray) DecodeProto(d *protowire.Decoder) {
	for d.Next() {
		switch d.Num() {
		case 1:
			if o, ok := d.Enter(-1); ok {
				if x.Schema == nil {
					x.Schema = new(JSONSchemaProps)
				}
				x.Schema.DecodeProto(d)
				d.Leave(o)
			}
		case 2:
			x.Property = append(x.Property, d.String())
		default:
			d.Unknown()
		}
	}
}

// SizeProto returns the size of x's message.
func (x *JSONSchemaPropsOrStringArray) SizeProto(e *protowire.Encoder) (n int) {
	if x.Schema != nil {
		e.Enter(1, -1)
		n += 1 + protowire.SizeBytes(x.Schema.SizeProto(e))
		e.Leave()
	}
	return n + protowire.SizeStrings(x.Property) + e.UnknownSize()
}

// EncodeProto appends x's message to b.
func (x *JSONSchemaPropsOrStringArray) EncodeProto(e *protowire.Encoder, b []byte) []byte {
	if x.Schema != nil {
		e.Enter(1, -1)
		b = append(b, 0xa)
		b = protowire.AppendVarint(b, uint64(x.Schema.SizeProto(e)))
		b = x.Schema.EncodeProto(e, b)
		e.Leave()
	}
	for _, s := range x.Property {
		b = protowire.AppendString(b, 0x12, s)
	}
	return e.AppendUnknown(b)
}
