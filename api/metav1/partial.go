package metav1

import (
	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/jsonwire"
)

// PartialObjectMetadata is an object of any kind reduced to its metadata,
// as the API server sends it when asked with
// `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`
// (meta.k8s.io/v1 PartialObjectMetadata). Members other than kind,
// apiVersion and metadata are skipped when decoding, so a full object
// decodes into it too.
type PartialObjectMetadata struct {
	TypeMeta `json:",inline"`

	// ObjectMeta is the object's metadata.
	ObjectMeta `json:"metadata,omitempty"`
}

// PartialObjectMetadataList is a list of objects reduced to their metadata
// (meta.k8s.io/v1 PartialObjectMetadataList), the answer to a list asked
// with `as=PartialObjectMetadataList`.
type PartialObjectMetadataList struct {
	TypeMeta `json:",inline"`

	// ListMeta is the list's metadata: resourceVersion, continue token.
	ListMeta `json:"metadata,omitempty"`

	// Items are the objects' metadata.
	Items []PartialObjectMetadata `json:"items"`
}

// DecodeWire reads x from r, keeping kind, apiVersion and metadata and
// skipping every other member. It is the entry point decoders use across
// packages; use DecodeJSON or UnmarshalJSON.
func (x *PartialObjectMetadata) DecodeWire(r *jsonwire.Reader) {
	if !r.BeginObject() {
		return
	}
	for key, ok := r.NextKey(); ok; key, ok = r.NextKey() {
		switch string(key) {
		case "kind":
			x.Kind = r.String()
		case "apiVersion":
			x.APIVersion = r.String()
		case "metadata":
			x.ObjectMeta.decodeWire(r)
		default:
			r.Skip()
		}
	}
}

// DecodeJSON reads x from it without reflection; errors are reported
// through it.ReportError.
func (x *PartialObjectMetadata) DecodeJSON(it *jsoniter.Iterator) {
	var r jsonwire.Reader
	if r.Capture(it) {
		x.DecodeWire(&r)
		r.Report(it, "metav1.PartialObjectMetadata")
	}
}

// UnmarshalJSON implements json.Unmarshaler with DecodeWire.
func (x *PartialObjectMetadata) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.ResetOwned(append([]byte(nil), data...))
	x.DecodeWire(&r)
	return r.Finish("metav1.PartialObjectMetadata")
}

// DecodeWire reads x from r, keeping kind, apiVersion, metadata and the
// items' metadata. Use DecodeJSON or UnmarshalJSON.
func (x *PartialObjectMetadataList) DecodeWire(r *jsonwire.Reader) {
	if !r.BeginObject() {
		return
	}
	for key, ok := r.NextKey(); ok; key, ok = r.NextKey() {
		switch string(key) {
		case "kind":
			x.Kind = r.String()
		case "apiVersion":
			x.APIVersion = r.String()
		case "metadata":
			x.ListMeta.decodeWire(r)
		case "items":
			if !r.BeginArray() {
				x.Items = nil
				continue
			}
			items := make([]PartialObjectMetadata, 0, r.Count())
			for r.NextElem() {
				items = append(items, PartialObjectMetadata{})
				items[len(items)-1].DecodeWire(r)
			}
			x.Items = items
		default:
			r.Skip()
		}
	}
}

// DecodeJSON reads x from it without reflection; errors are reported
// through it.ReportError.
func (x *PartialObjectMetadataList) DecodeJSON(it *jsoniter.Iterator) {
	var r jsonwire.Reader
	if r.Capture(it) {
		x.DecodeWire(&r)
		r.Report(it, "metav1.PartialObjectMetadataList")
	}
}

// UnmarshalJSON implements json.Unmarshaler with DecodeWire.
func (x *PartialObjectMetadataList) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.ResetOwned(append([]byte(nil), data...))
	x.DecodeWire(&r)
	return r.Finish("metav1.PartialObjectMetadataList")
}

// DeepCopyInto copies x into out; the copy shares no memory either side
// could write.
func (x *PartialObjectMetadata) DeepCopyInto(out *PartialObjectMetadata) {
	out.TypeMeta = x.TypeMeta
	x.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
}

// DeepCopy returns a copy of x (nil for nil).
func (x *PartialObjectMetadata) DeepCopy() *PartialObjectMetadata {
	if x == nil {
		return nil
	}
	out := new(PartialObjectMetadata)
	x.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies x into out; the copy shares no memory either side
// could write.
func (x *PartialObjectMetadataList) DeepCopyInto(out *PartialObjectMetadataList) {
	out.TypeMeta = x.TypeMeta
	x.ListMeta.DeepCopyInto(&out.ListMeta)
	if x.Items == nil {
		out.Items = nil
		return
	}
	out.Items = make([]PartialObjectMetadata, len(x.Items))
	for i := range x.Items {
		x.Items[i].DeepCopyInto(&out.Items[i])
	}
}

// DeepCopy returns a copy of x (nil for nil).
func (x *PartialObjectMetadataList) DeepCopy() *PartialObjectMetadataList {
	if x == nil {
		return nil
	}
	out := new(PartialObjectMetadataList)
	x.DeepCopyInto(out)
	return out
}
