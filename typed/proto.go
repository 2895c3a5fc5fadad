package typed

import (
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

// UnmarshalProtoFrom decodes a page from a list's protobuf message
// (codec's protobuf capability): the metadata (field 1), then each item
// (field 2) through T's UnmarshalProtoFrom with a decoder of its part of
// the message, which decodes as d does: items of a page decoded in place
// point into the body, detached items (an informer's) share nothing with
// it. Large lists are decoded in parallel.
func (p *page[T]) UnmarshalProtoFrom(d *protowire.Decoder) error {
	var zero T
	if _, ok := any(&zero).(codec.ProtoDecoder); !ok {
		return &codec.ContentTypeError{ContentType: codec.ProtobufContentType}
	}
	var raw [][]byte
	size := 0
	for d.Next() {
		switch d.Num() {
		case 1:
			if o, ok := d.Enter(-1); ok {
				metav1.ListMetaDecodeProto(d, &p.ListMeta)
				d.Leave(o)
			}
		case 2:
			if raw == nil {
				raw = make([][]byte, 0, d.Count())
			}
			b := d.Message()
			raw = append(raw, b)
			size += len(b)
		default:
			d.Skip()
		}
	}
	if err := d.Err(); err != nil {
		return err
	}
	p.Items = make([]T, len(raw))
	if err := decodeItemsProto(d, p.Items, raw, size); err != nil {
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

// decodeItemsProto decodes raw[i], parts of d's input, into items[i], on
// several goroutines when the list (size bytes of items) is large.
func decodeItemsProto[T any](d *protowire.Decoder, items []T, raw [][]byte, size int) error {
	one := func(i int) error {
		return any(&items[i]).(codec.ProtoDecoder).UnmarshalProtoFrom(d.Part(raw[i]))
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), size/(512<<10), 16))
	if workers == 1 || size < codec.ParallelMin {
		for i := range raw {
			if err := one(i); err != nil {
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
				if err := one(i); err != nil {
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

// UnmarshalProtoFrom decodes the list from its protobuf message (codec's
// protobuf capability): its items in parallel when it is large, and its
// TypeMeta from the kind's descriptor, as the server's JSON has it.
func (o ownedList[T, L]) UnmarshalProtoFrom(d *protowire.Decoder) error {
	var p page[T]
	if err := p.UnmarshalProtoFrom(d); err != nil {
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
