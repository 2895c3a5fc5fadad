package metav1

import "github.com/kubewire/kubewire/internal/protowire"

// The protobuf codecs of PartialObjectMetadata and its list, the server's
// answer to `Accept: application/vnd.kubernetes.protobuf;as=...;g=meta.k8s.io;v=v1`.
// Every Kubernetes kind holds its ObjectMeta in field 1, so the message of
// a whole object decodes into PartialObjectMetadata too (its other fields
// are skipped), as its JSON does.

// partialKind and partialAPIVersion are the TypeMeta the server writes on
// each item of a PartialObjectMetadataList's JSON; the protobuf items carry
// none, so decoding sets them to match.
const (
	partialKind       = "PartialObjectMetadata"
	partialAPIVersion = "meta.k8s.io/v1"
)

// UnmarshalProto sets x to the protobuf message data (without the
// envelope); malformed data is a *ProtoError.
func (x *PartialObjectMetadata) UnmarshalProto(data []byte) error {
	return x.UnmarshalProtoFrom(protowire.NewDecoder(data))
}

// UnmarshalProtoFrom sets x to the message d reads, keeping only the
// metadata, as far as d's ownership allows.
func (x *PartialObjectMetadata) UnmarshalProtoFrom(d *protowire.Decoder) error {
	*x = PartialObjectMetadata{}
	x.decodeProto(d)
	return d.Err()
}

func (x *PartialObjectMetadata) decodeProto(d *protowire.Decoder) {
	for d.Next() {
		if d.Num() != 1 {
			d.Skip()
			continue
		}
		if o, ok := d.Enter(-1); ok {
			x.ObjectMeta.decodeProto(d)
			d.Leave(o)
		}
	}
}

// UnmarshalProto sets x to the protobuf message data (without the
// envelope); malformed data is a *ProtoError.
func (x *PartialObjectMetadataList) UnmarshalProto(data []byte) error {
	return x.UnmarshalProtoFrom(protowire.NewDecoder(data))
}

// UnmarshalProtoFrom sets x to the list message d reads: its metadata and
// each item's, the items' kind and apiVersion set as the server's JSON has
// them.
func (x *PartialObjectMetadataList) UnmarshalProtoFrom(d *protowire.Decoder) error {
	*x = PartialObjectMetadataList{}
	for d.Next() {
		switch d.Num() {
		case 1:
			if o, ok := d.Enter(-1); ok {
				x.ListMeta.decodeProto(d)
				d.Leave(o)
			}
		case 2:
			if x.Items == nil {
				x.Items = make([]PartialObjectMetadata, 0, d.Count())
			}
			x.Items = append(x.Items, PartialObjectMetadata{TypeMeta: TypeMeta{Kind: partialKind, APIVersion: partialAPIVersion}})
			if o, ok := d.Enter(len(x.Items) - 1); ok {
				x.Items[len(x.Items)-1].decodeProto(d)
				d.Leave(o)
			}
		default:
			d.Skip()
		}
	}
	return d.Err()
}

// ProtoSize returns the size of x's protobuf message (without the
// envelope).
func (x *PartialObjectMetadata) ProtoSize() int {
	return 1 + protowire.SizeBytes(x.ObjectMeta.sizeProto(nil))
}

// AppendProto appends x's protobuf message (without the envelope) to b:
// its metadata, field 1, as the server writes it. Its kind and apiVersion
// belong in the envelope.
func (x *PartialObjectMetadata) AppendProto(b []byte) []byte {
	b = append(b, 0xa)
	b = protowire.AppendVarint(b, uint64(x.ObjectMeta.sizeProto(nil)))
	return x.ObjectMeta.encodeProto(nil, b)
}

// ProtoSize returns the size of x's protobuf message (without the
// envelope).
func (x *PartialObjectMetadataList) ProtoSize() int {
	n := 1 + protowire.SizeBytes(x.ListMeta.sizeProto(nil))
	for i := range x.Items {
		n += 1 + protowire.SizeBytes(x.Items[i].ProtoSize())
	}
	return n
}

// AppendProto appends x's protobuf message (without the envelope) to b:
// the list's metadata, field 1, then each item's message, field 2, which
// carries no kind or apiVersion.
func (x *PartialObjectMetadataList) AppendProto(b []byte) []byte {
	b = append(b, 0xa)
	b = protowire.AppendVarint(b, uint64(x.ListMeta.sizeProto(nil)))
	b = x.ListMeta.encodeProto(nil, b)
	for i := range x.Items {
		b = append(b, 0x12)
		b = protowire.AppendVarint(b, uint64(x.Items[i].ProtoSize()))
		b = x.Items[i].AppendProto(b)
	}
	return b
}
