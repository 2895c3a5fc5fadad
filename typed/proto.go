package typed

import (
	"encoding/binary"
	"reflect"
	"runtime"
	"sync"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/protowire"
	"github.com/kubewire/kubewire/rest"
)

// protoAccept is what the client asks for when it reads a built-in kind:
// Kubernetes' protobuf encoding, JSON when the server cannot.
const protoAccept = codec.ProtobufContentType + ", application/json"

// protoKind reports whether T is a built-in kind with protobuf codecs.
func protoKind[T any]() bool {
	var zero T
	_, dec := any(&zero).(codec.ProtoDecoder)
	_, enc := any(&zero).(protowire.Message)
	return dec && enc && generatedKind[T]()
}

// speaksProto reports whether the client uses protobuf: for built-in
// kinds, unless its rest client was made rest.WithJSON.
func (c *Client[T, L]) speaksProto() bool {
	return c.rc != nil && !c.rc.JSONOnly() && protoKind[T]()
}

// negotiated asks for protobuf, with JSON as the fallback, when the client
// speaks it.
func (c *Client[T, L]) negotiated(r *rest.Request) *rest.Request {
	if c.speaksProto() {
		return r.Header("Accept", protoAccept)
	}
	return r
}

// encodeBody returns obj as the body of a create or update: protobuf when
// the client speaks it, else JSON, with apiVersion and kind from the kind's
// descriptor when obj has neither.
func (c *Client[T, L]) encodeBody(obj *T) ([]byte, string, error) {
	if c.speaksProto() {
		return protowire.Wrap(nil, c.r.GroupVersion(), c.r.Kind, any(obj).(protowire.Message)), codec.ProtobufContentType, nil
	}
	if av, k, ok := codec.TypeMetaOf(obj); ok && av == "" && k == "" {
		// The server needs them in a JSON body of a custom resource: take
		// them from the descriptor, on a copy (the caller's object is
		// left as it is).
		cp := *obj
		codec.SetTypeMeta(&cp, c.r.GroupVersion(), c.r.Kind)
		obj = &cp
	}
	body, err := codec.Marshal(obj)
	if err != nil {
		return nil, "", encodeError(c.r.Kind, err)
	}
	return body, "application/json", nil
}

// listFields calls fn with each field of the protobuf message data that is
// length-delimited (a message, string or bytes), and its number; other
// fields are skipped. It returns false on malformed input.
func listFields(data []byte, fn func(num int, b []byte) bool) bool {
	for len(data) > 0 {
		tag, n := binary.Uvarint(data)
		if n <= 0 {
			return false
		}
		data = data[n:]
		switch tag & 7 {
		case protowire.WireBytes:
			l, n := binary.Uvarint(data)
			if n <= 0 || l > uint64(len(data)-n) {
				return false
			}
			b := data[n : n+int(l) : n+int(l)]
			data = data[n+int(l):]
			if !fn(int(tag>>3), b) {
				return false
			}
		case protowire.WireVarint:
			_, n := binary.Uvarint(data)
			if n <= 0 {
				return false
			}
			data = data[n:]
		case 1: // fixed64
			if len(data) < 8 {
				return false
			}
			data = data[8:]
		case 5: // fixed32
			if len(data) < 4 {
				return false
			}
			data = data[4:]
		default:
			return false
		}
	}
	return true
}

// UnmarshalProto decodes a page from a list's protobuf message (codec's
// protobuf capability): the metadata (field 1) and each item (field 2)
// through T's UnmarshalProto, which copies the item's bytes, so that an
// item kept in a cache holds its own message and nothing of the list's.
// Large lists are decoded in parallel.
func (p *page[T]) UnmarshalProto(data []byte) error {
	var meta []byte
	var raw [][]byte
	if !listFields(data, func(num int, b []byte) bool {
		switch num {
		case 1:
			meta = b
		case 2:
			raw = append(raw, b)
		}
		return true
	}) {
		return &protowire.Error{Reason: "malformed list message"}
	}
	if meta != nil {
		d := protowire.NewDecoder(meta)
		metav1.ListMetaDecodeProto(d, &p.ListMeta)
		if err := d.Err(); err != nil {
			return err
		}
	}
	var zero T
	if _, ok := any(&zero).(codec.ProtoDecoder); !ok {
		return &codec.ContentTypeError{ContentType: codec.ProtobufContentType}
	}
	p.Items = make([]T, len(raw))
	if err := decodeItemsProto(p.Items, raw, len(data)); err != nil {
		p.Items = nil
		return err
	}
	if p.wantKeys {
		p.keys = make([]string, len(p.Items))
		for i := range p.Items {
			k := any(&p.Items[i]).(keyed)
			p.keys[i] = k.GetNamespace() + "/" + k.GetName()
		}
	}
	return nil
}

// decodeItemsProto decodes raw[i] into items[i], on several goroutines
// when the list (size bytes) is large.
func decodeItemsProto[T any](items []T, raw [][]byte, size int) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), size/(512<<10), 16))
	if workers == 1 || size < codec.ParallelMin {
		for i := range raw {
			if err := any(&items[i]).(codec.ProtoDecoder).UnmarshalProto(raw[i]); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	per := (len(raw) + workers - 1) / workers
	for w := range workers {
		wg.Go(func() {
			for i := w * per; i < min(len(raw), (w+1)*per); i++ {
				if err := any(&items[i]).(codec.ProtoDecoder).UnmarshalProto(raw[i]); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// UnmarshalProto decodes the list from its protobuf message (codec's
// protobuf capability): its items in parallel when it is large, and its
// TypeMeta from the kind's descriptor, as the server's JSON has it.
func (o ownedList[T, L]) UnmarshalProto(data []byte) error {
	var p page[T]
	if err := p.UnmarshalProto(data); err != nil {
		return err
	}
	out := reflect.ValueOf(o.out).Elem()
	var zero L
	out.Set(reflect.ValueOf(zero))
	if f := out.FieldByName("ListMeta"); f.IsValid() && f.Type() == reflect.TypeFor[metav1.ListMeta]() {
		f.Set(reflect.ValueOf(p.ListMeta))
	}
	out.Field(o.items).Set(reflect.ValueOf(p.Items))
	var t T
	if k, ok := any(&t).(interface{ APIResource() *metav1.Resource }); ok {
		r := k.APIResource()
		codec.SetTypeMeta(o.out, r.GroupVersion(), r.Kind+"List")
	}
	return nil
}
