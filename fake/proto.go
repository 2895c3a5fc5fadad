package fake

import (
	"encoding/binary"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apiregistry"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/protowire"
)

// Protobuf, as the real server speaks it: built-in kinds are accepted and
// answered in Kubernetes' protobuf encoding (application/vnd.kubernetes.
// protobuf) when the client asks; the server keeps JSON maps, so bodies are
// converted through the kinds' Go types (internal/apiregistry): protobuf
// <-> typed value <-> JSON. Custom resources have no protobuf encoding, but
// their PartialObjectMetadata(List) has, as every kind's.

const (
	protoType      = protowire.ContentType
	protoWatchType = protowire.WatchContentType
)

// protoKind reports whether ri's objects have a protobuf encoding.
func protoKind(ri *resInfo) bool {
	if ri == nil || ri.CRD != "" {
		return false
	}
	_, ok := apiregistry.New(apiregistry.GVK{Group: ri.Group, Version: ri.Version, Kind: ri.Kind})
	return ok
}

// negotiateFor picks the response format from the Accept header as the
// real server does: the first media type it can serve, in the client's
// order; protobuf for kinds that have it, and, for every kind, custom
// resources too, the PartialObjectMetadata(List) transformations in
// protobuf. proto reports a protobuf answer. Nothing acceptable is a 406.
func negotiateFor(accept string, ri *resInfo) (out string, proto bool, err error) {
	if !strings.Contains(accept, protoType) {
		out, err := negotiate(accept)
		return out, false, err
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if mt == protoType {
			switch params["as"] {
			case "":
				if protoKind(ri) {
					return "protobuf", true, nil
				}
			case "PartialObjectMetadata", "PartialObjectMetadataList":
				if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
					if params["as"] == "PartialObjectMetadataList" {
						return "partiallist", true, nil
					}
					return "partial", true, nil
				}
			}
			continue
		}
		if out, err := negotiate(part); err == nil {
			return out, false, nil
		}
	}
	return "", false, errNotAcceptable()
}

// protoRequest turns a protobuf request body into JSON for the handlers.
// Patches take JSON only (415), as do custom resources.
func protoRequest(rq *request) error {
	if rq.ct != protoType {
		return nil
	}
	if rq.verb == "patch" {
		return nil // the patch handler refuses it with the router's 415
	}
	if !protoKind(rq.ri) {
		return errUnsupportedMedia(rq.ct, "application/json, application/yaml")
	}
	if len(rq.body) == 0 {
		return nil
	}
	v, _, err := apiregistry.Decode(rq.body)
	if err != nil {
		return errBadRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf: " + err.Error())
	}
	b, err := codec.Marshal(v)
	if err != nil {
		return errInternal(err)
	}
	rq.body, rq.ct = b, "application/json"
	return nil
}

// toProto returns the protobuf body of v, a JSON-encodable value whose
// kind has a protobuf encoding, or false.
func toProto(v any) ([]byte, bool) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var tm struct{ APIVersion, Kind string }
	if json.Unmarshal(b, &tm) != nil || tm.Kind == "" {
		return nil, false
	}
	if tm.APIVersion == "meta.k8s.io/v1" || tm.APIVersion == "meta.k8s.io/v1beta1" {
		return partialProto(b, tm.APIVersion, tm.Kind)
	}
	group, version, ok := strings.Cut(tm.APIVersion, "/")
	if !ok {
		group, version = "", tm.APIVersion
	}
	o, ok := apiregistry.New(apiregistry.GVK{Group: group, Version: version, Kind: tm.Kind})
	if !ok || o.UnmarshalJSON(b) != nil {
		return nil, false
	}
	return apiregistry.Encode(nil, tm.APIVersion, tm.Kind, o), true
}

// writeProto writes v in protobuf when the response was negotiated so and
// v's kind has an encoding, and reports whether it did.
func writeProto(w http.ResponseWriter, code int, v any) bool {
	sw, ok := w.(*statusWriter)
	if !ok || !sw.proto && !sw.protoMeta {
		return false
	}
	var b []byte
	if sw.protoMeta {
		b, ok = partialToProto(v)
	} else {
		b, ok = toProto(v)
	}
	if !ok {
		return false
	}
	w.Header().Set("Content-Type", protoType)
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(code)
	w.Write(b)
	return true
}

// protoFrame returns a protobuf watch frame for ev ({"type", "object"}).
func protoFrame(ev map[string]any) ([]byte, bool) {
	typ, _ := ev["type"].(string)
	body, ok := toProto(ev["object"])
	if !ok {
		return nil, false
	}
	// As the real server writes it: a 4-byte big-endian length, then a
	// metav1.WatchEvent message without envelope (type, field 1; object,
	// field 2, a RawExtension whose raw bytes, field 1, are the object's
	// enveloped body).
	raw := protowire.AppendBytes(nil, protowire.Tag(1, protowire.WireBytes), body)
	msg := protowire.AppendString(nil, protowire.Tag(1, protowire.WireBytes), typ)
	msg = protowire.AppendBytes(msg, protowire.Tag(2, protowire.WireBytes), raw)
	frame := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(msg)), uint32(len(msg)))
	return append(frame, msg...), true
}

// partialToProto returns the protobuf body of v when it is a
// PartialObjectMetadata or PartialObjectMetadataList (given as JSON
// maps), or false.
func partialToProto(v any) ([]byte, bool) {
	m, ok := v.(obj)
	if !ok {
		return nil, false
	}
	gv, _ := m["apiVersion"].(string)
	if gv != "meta.k8s.io/v1" && gv != "meta.k8s.io/v1beta1" {
		return nil, false
	}
	kind, _ := m["kind"].(string)
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	return partialProto(b, gv, kind)
}

// partialProto returns the protobuf body of a PartialObjectMetadata or
// PartialObjectMetadataList of group/version gv given as JSON, as the real
// server writes it for any kind, built-in or custom.
func partialProto(b []byte, gv, kind string) ([]byte, bool) {
	var m protowire.Message
	switch kind {
	case "PartialObjectMetadata":
		p := &metav1.PartialObjectMetadata{}
		if codec.Unmarshal(b, p) != nil {
			return nil, false
		}
		m = p
	case "PartialObjectMetadataList":
		l := &metav1.PartialObjectMetadataList{}
		if codec.Unmarshal(b, l) != nil {
			return nil, false
		}
		m = l
		if gv == "meta.k8s.io/v1beta1" {
			m = v1beta1List{l}
		}
	default:
		return nil, false
	}
	return protowire.Wrap(nil, gv, kind, m), true
}

// v1beta1List is the meta.k8s.io/v1beta1 message of a
// PartialObjectMetadataList: the v1 one with its fields' numbers swapped
// (items 1, metadata 2).
type v1beta1List struct {
	*metav1.PartialObjectMetadataList
}

func (l v1beta1List) ProtoSize() int {
	n := 1 + protowire.SizeBytes(metav1.ListMetaSizeProto(nil, &l.ListMeta))
	for i := range l.Items {
		n += 1 + protowire.SizeBytes(l.Items[i].ProtoSize())
	}
	return n
}

func (l v1beta1List) AppendProto(b []byte) []byte {
	for i := range l.Items {
		b = protowire.AppendVarint(b, protowire.Tag(1, protowire.WireBytes))
		b = protowire.AppendVarint(b, uint64(l.Items[i].ProtoSize()))
		b = l.Items[i].AppendProto(b)
	}
	b = protowire.AppendVarint(b, protowire.Tag(2, protowire.WireBytes))
	b = protowire.AppendVarint(b, uint64(metav1.ListMetaSizeProto(nil, &l.ListMeta)))
	return metav1.ListMetaEncodeProto(nil, b, &l.ListMeta)
}

// partialGroupVersion is the group/version of the PartialObjectMetadata
// transformation negotiated (out "partial" or "partiallist", in protobuf
// or JSON): the version of the first Accept entry asking for it in that
// media type. Other answers have "meta.k8s.io/v1".
func partialGroupVersion(accept, out string, proto bool) string {
	if out != "partial" && out != "partiallist" {
		return "meta.k8s.io/v1"
	}
	want := "application/json"
	if proto {
		want = protoType
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt != want || params["g"] != "meta.k8s.io" || !strings.HasPrefix(params["as"], "PartialObjectMetadata") {
			continue
		}
		if params["v"] == "v1beta1" {
			return "meta.k8s.io/v1beta1"
		}
		return "meta.k8s.io/v1"
	}
	return "meta.k8s.io/v1"
}
