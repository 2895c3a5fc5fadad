package typed

import (
	"context"
	"reflect"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
	"github.com/kubewire/kubewire/rest"
)

// keyed is implemented by objects whose metadata is reachable without
// re-reading their JSON.
type keyed interface {
	GetName() string
	GetNamespace() string
}

// page is one page of a list, decoded without knowing the list type: its
// metadata and items and, when wantKeys is set, each item's namespace/name
// key. detached items share no memory with the response (see ListItems).
type page[T any] struct {
	metav1.ListMeta
	Items []T
	keys  []string

	detached, wantKeys bool
}

// eachPage reads the list opts selects page by page (opts.Limit objects a
// page, 500 when 0), following continue tokens, and calls fn with each page
// until fn returns false. When a continue token has expired (410) it reads
// the rest in one unpaged request, which it passes with restarted set: that
// page holds the whole list again, from a newer snapshot. The caller's opts
// are not changed.
func (c *Client[T, L]) eachPage(ctx context.Context, opts metav1.ListOptions, p page[T], fn func(p *page[T], restarted bool) bool) error {
	if opts.Limit == 0 {
		opts.Limit = 500
	}
	restarted := false
	for {
		p.ListMeta, p.Items, p.keys = metav1.ListMeta{}, nil, nil
		own := ownership[T]()
		if p.detached {
			// Nothing of the body is kept: it is read into a reused buffer.
			own = codec.Detached
		}
		err := c.negotiated(c.request(c.rc.Get(), "")).Params(opts.Query()).Into(ctx, codec.Target{V: &p, Own: own})
		if err != nil && opts.Continue != "" && !restarted && rest.IsResourceExpired(err) {
			// The token outlived the server's compaction window: list
			// again in one consistent read.
			restarted = true
			opts.Continue, opts.Limit, opts.ResourceVersion, opts.ResourceVersionMatch = "", 0, "", ""
			continue
		}
		if err != nil {
			return err
		}
		if !fn(&p, restarted) || p.Continue == "" || restarted {
			return nil
		}
		opts.Continue = p.Continue
		// resourceVersion must not be sent with a continue token.
		opts.ResourceVersion, opts.ResourceVersionMatch = "", ""
	}
}

// DecodeWire decodes a page from the whole response body (codec's JSON
// capability): its items in parallel when it is large, each through its
// generated decoder, with strings pointing into the body when the reader
// owns it and copied (detached) otherwise. Other item types, and a page
// whose keys must be read from the JSON, are decoded sequentially.
func (p *page[T]) DecodeWire(r *jsonwire.Reader) {
	var zero T
	_, hasKey := any(&zero).(keyed)
	newDecode := itemDecoder[T](r.Owned())
	if newDecode == nil || (p.wantKeys && !hasKey) {
		p.decodeSeq(r)
		return
	}
	data := r.Whole()
	if data == nil {
		p.decodeSeq(r)
		return
	}
	items, rest, ok := codec.DecodeListItems(data, newDecode)
	sub := subReader(r, data)
	if !ok {
		p.decodeSeq(sub)
		r.FailWith(sub.Finish(""))
		return
	}
	sub = subReader(r, rest)
	p.decodeSeq(sub)
	if err := sub.Finish(""); err != nil {
		r.FailWith(err)
		return
	}
	p.Items = items
	if p.wantKeys {
		p.keys = make([]string, len(items))
		for i := range items {
			k := any(&items[i]).(keyed)
			p.keys[i] = k.GetNamespace() + "/" + k.GetName()
		}
	}
}

// subReader returns a reader of data, owned when r's input is.
func subReader(r *jsonwire.Reader, data []byte) *jsonwire.Reader {
	sub := new(jsonwire.Reader)
	if r.Owned() {
		sub.ResetOwned(data)
	} else {
		sub.Reset(data)
	}
	return sub
}

// decodeSeq reads a list object from r, keeping metadata and items only.
func (p *page[T]) decodeSeq(r *jsonwire.Reader) {
	if !r.BeginObject() {
		return
	}
	for key, ok := r.NextKey(); ok; key, ok = r.NextKey() {
		switch string(key) {
		case "metadata":
			metav1.ListMetaDecodeWire(r, &p.ListMeta)
		case "items":
			p.decodeItems(r)
		default:
			r.Skip()
		}
	}
}

func (p *page[T]) decodeItems(r *jsonwire.Reader) {
	var zero T
	_, hasKey := any(&zero).(keyed)
	_, generated := any(&zero).(codec.JSONDecoder)
	if !r.BeginArray() {
		return
	}
	for r.NextElem() {
		p.Items = append(p.Items, zero)
		item := &p.Items[len(p.Items)-1]
		if generated && !(p.wantKeys && !hasKey) {
			any(item).(codec.JSONDecoder).DecodeWire(r)
		} else {
			// Read from the item's own bytes: a type without a generated
			// decoder, or a key that can only be read from the JSON.
			raw := r.Value()
			if r.Failed() {
				return
			}
			var err error
			if generated {
				sub := subReader(r, raw)
				any(item).(codec.JSONDecoder).DecodeWire(sub)
				err = sub.Finish("")
			} else {
				err = codec.API.Unmarshal(raw, item)
			}
			if err != nil {
				r.FailWith(err)
				return
			}
			if p.wantKeys && !hasKey {
				ns, name := metadataKey(raw)
				p.keys = append(p.keys, ns+"/"+name)
				continue
			}
		}
		if r.Failed() {
			return
		}
		if p.wantKeys {
			k := any(item).(keyed)
			p.keys = append(p.keys, k.GetNamespace()+"/"+k.GetName())
		}
	}
}

// itemDecoder returns a source of item decoders for DecodeListItems, or
// nil when T has no generated decoder. An owned item's strings point into
// the response; a detached one's are copies.
func itemDecoder[T any](owned bool) func() func(item []byte, v *T) error {
	var zero T
	if _, ok := any(&zero).(codec.JSONDecoder); !ok {
		return nil
	}
	return func() func([]byte, *T) error {
		r := new(jsonwire.Reader)
		return func(b []byte, v *T) error {
			if owned {
				r.ResetOwned(b)
			} else {
				r.Reset(b)
			}
			any(v).(codec.JSONDecoder).DecodeWire(r)
			return r.Finish("")
		}
	}
}

// ownedList is List's decode target for a generated list type L whose
// Items are []T: decoded like L, its items in parallel when the body is
// large.
type ownedList[T, L any] struct {
	out   *L
	items int // index of L's Items field
}

// generatedKind reports whether T is a generated kind: it has a generated
// decoder and a descriptor.
func generatedKind[T any]() bool {
	var zero T
	_, dec := any(&zero).(codec.JSONDecoder)
	_, kind := any(&zero).(interface{ APIResource() *metav1.Resource })
	return dec && kind
}

// ownership is how responses of kind T are decoded: a generated kind's
// strings point into its own body (codec.Owned); any other type (a
// dynamic object, a struct decoded by reflection) copies what it keeps
// anyway, so its body is read into a reused buffer (codec.Detached).
func ownership[T any]() codec.Ownership {
	if generatedKind[T]() {
		return codec.Owned
	}
	return codec.Detached
}

// objectTarget returns what a call that returns one T decodes into.
func objectTarget[T any](out *T) any {
	return codec.Target{V: out, Own: ownership[T]()}
}

// listTarget returns what List decodes the response into: an ownedList
// when T is a generated kind and L a generated list with Items of []T,
// else out itself (a dynamic List decodes its items in parallel on its
// own).
func listTarget[T, L any](out *L) any {
	if _, ok := any(out).(codec.JSONDecoder); !ok || !generatedKind[T]() {
		return codec.Target{V: out, Own: ownership[T]()}
	}
	f, ok := reflect.TypeFor[L]().FieldByName("Items")
	if !ok || len(f.Index) != 1 || f.Type != reflect.TypeFor[[]T]() {
		return out
	}
	return ownedList[T, L]{out: out, items: f.Index[0]}
}

// DecodeList decodes data, a list object such as a List response body,
// into out as List does: with the generated decoders, and in parallel
// when the list is large. out is a list type whose Items field is []T
// (PodList of Pod); a list type without generated decoders is decoded by
// reflection. data is kept: the decoded strings point into it, so the
// caller must not change it afterwards.
func DecodeList[T, L any](data []byte, out *L) error {
	v, _ := codec.Unwrap(listTarget[T](out))
	return codec.DecodeBody(data, "", v, codec.Owned)
}

// DecodeWire decodes the list (codec's JSON capability); errors name L.
func (o ownedList[T, L]) DecodeWire(r *jsonwire.Reader) {
	o.decode(r)
	if se, ok := r.Err().(*jsonwire.SyntaxError); ok {
		se.Type = reflect.TypeFor[L]().String()
	}
}

func (o ownedList[T, L]) decode(r *jsonwire.Reader) {
	dec := any(o.out).(codec.JSONDecoder)
	if r.Left() < codec.ParallelMin {
		dec.DecodeWire(r)
		return
	}
	data := r.Whole()
	if data == nil {
		dec.DecodeWire(r)
		return
	}
	if items, rest, ok := codec.DecodeListItems(data, itemDecoder[T](r.Owned())); ok {
		sub := subReader(r, rest)
		dec.DecodeWire(sub)
		if sub.Finish("") == nil {
			reflect.ValueOf(o.out).Elem().Field(o.items).Set(reflect.ValueOf(items))
			return
		}
		var zero L
		*o.out = zero
	}
	sub := subReader(r, data)
	dec.DecodeWire(sub)
	r.FailWith(sub.Finish(""))
}

// metadataKey reads metadata.namespace and metadata.name of the JSON object
// in data: "" for either when it is missing or not a string.
func metadataKey(data []byte) (namespace, name string) {
	it := codec.API.BorrowIterator(data)
	defer codec.API.ReturnIterator(it)
	if it.WhatIsNext() != jsoniter.ObjectValue {
		return "", ""
	}
	for field := it.ReadObject(); field != "" && it.Error == nil; field = it.ReadObject() {
		if field != "metadata" || it.WhatIsNext() != jsoniter.ObjectValue {
			it.Skip()
			continue
		}
		for key := it.ReadObject(); key != "" && it.Error == nil; key = it.ReadObject() {
			switch {
			case key == "name" && it.WhatIsNext() == jsoniter.StringValue:
				name = it.ReadString()
			case key == "namespace" && it.WhatIsNext() == jsoniter.StringValue:
				namespace = it.ReadString()
			default:
				it.Skip()
			}
		}
	}
	return namespace, name
}
