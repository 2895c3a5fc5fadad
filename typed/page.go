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
		err := c.request(c.rc.Get(), "").Params(opts.Query()).Into(ctx, &p)
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

// DecodeJSON reads a list object, keeping metadata and items only.
func (p *page[T]) DecodeJSON(it *jsoniter.Iterator) {
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		switch field {
		case "metadata":
			it.ReadVal(&p.ListMeta)
		case "items":
			p.decodeItems(it)
		default:
			it.Skip()
		}
		if it.Error != nil {
			return
		}
	}
}

func (p *page[T]) decodeItems(it *jsoniter.Iterator) {
	var zero T
	_, hasKey := any(&zero).(keyed)
	// Items are read from their own bytes when they must not share the
	// response's memory, or when their key can only be read from the JSON.
	viaBytes := p.detached || (p.wantKeys && !hasKey)
	for it.ReadArray() {
		p.Items = append(p.Items, zero)
		item := &p.Items[len(p.Items)-1]
		if !viaBytes {
			decodeInto(it, item)
			if it.Error != nil {
				return
			}
		} else {
			raw := it.SkipAndReturnBytes()
			if it.Error != nil {
				return
			}
			var err error
			if p.detached {
				err = decodeDetached(raw, item)
			} else {
				err = codec.Unmarshal(raw, item)
			}
			if err != nil {
				it.ReportError("decode list item", err.Error())
				return
			}
			if p.wantKeys && !hasKey {
				ns, name := metadataKey(raw)
				p.keys = append(p.keys, ns+"/"+name)
				continue
			}
		}
		if p.wantKeys {
			k := any(item).(keyed)
			p.keys = append(p.keys, k.GetNamespace()+"/"+k.GetName())
		}
	}
}

// decodeInto reads one value into v, through its generated decoder when it
// has one.
func decodeInto(it *jsoniter.Iterator, v any) {
	if d, ok := v.(codec.Decoder); ok {
		d.DecodeJSON(it)
		return
	}
	it.ReadVal(v)
}

// DecodeOwnedJSON decodes a page from the whole response body: its items
// in parallel when it is large, each through its generated decoder, with
// strings pointing into data unless the page is detached (data is then not
// kept). Other item types, and a page whose keys must be read from the
// JSON, take the iterator path.
func (p *page[T]) DecodeOwnedJSON(data []byte) error {
	var zero T
	_, hasKey := any(&zero).(keyed)
	newDecode := itemDecoder[T](!p.detached)
	if newDecode == nil || (p.wantKeys && !hasKey) {
		return codec.Unmarshal(data, (*pageStream[T])(p))
	}
	items, rest, ok := codec.DecodeListItems(data, newDecode)
	if !ok {
		return codec.Unmarshal(data, (*pageStream[T])(p))
	}
	if err := codec.Unmarshal(rest, (*pageStream[T])(p)); err != nil {
		return err
	}
	p.Items = items
	if p.wantKeys {
		p.keys = make([]string, len(items))
		for i := range items {
			k := any(&items[i]).(keyed)
			p.keys[i] = k.GetNamespace() + "/" + k.GetName()
		}
	}
	return nil
}

// TransientJSON reports whether p keeps nothing of the body it decodes: a
// detached page copies what it keeps (codec.Transient).
func (p *page[T]) TransientJSON() bool { return p.detached }

// pageStream is a page without DecodeOwnedJSON, decoded through the
// iterator.
type pageStream[T any] page[T]

func (p *pageStream[T]) DecodeJSON(it *jsoniter.Iterator) { (*page[T])(p).DecodeJSON(it) }

// itemDecoder returns a source of item decoders for DecodeListItems, or
// nil when T has neither a generated decoder nor an owned-buffer one (the
// latter serves only when owned is set). An owned item's strings point
// into the response; a detached one's are copies.
func itemDecoder[T any](owned bool) func() func(item []byte, v *T) error {
	var zero T
	switch any(&zero).(type) {
	case wireDecoder:
		return func() func([]byte, *T) error {
			r := new(jsonwire.Reader)
			return func(b []byte, v *T) error {
				if owned {
					r.ResetOwned(b)
				} else {
					r.Reset(b)
				}
				any(v).(wireDecoder).DecodeWire(r)
				return r.Finish("")
			}
		}
	case codec.OwnedDecoder:
		if !owned {
			return nil
		}
		return func() func([]byte, *T) error {
			return func(b []byte, v *T) error { return any(v).(codec.OwnedDecoder).DecodeOwnedJSON(b) }
		}
	}
	return nil
}

// ownedList is List's decode target for a generated list type L whose
// Items are []T: the whole body decoded in place (strings point into it),
// its items in parallel when it is large.
type ownedList[T, L any] struct {
	out   *L
	items int // index of L's Items field
}

// listTarget returns what List decodes the response into: out itself when
// it decodes from an owned buffer or has no generated decoder, else an
// ownedList.
func listTarget[T, L any](out *L) any {
	if _, ok := any(out).(codec.OwnedDecoder); ok {
		return out
	}
	if _, ok := any(out).(wireDecoder); !ok {
		return out
	}
	items := -1
	if f, ok := reflect.TypeFor[L]().FieldByName("Items"); ok && len(f.Index) == 1 && f.Type == reflect.TypeFor[[]T]() {
		items = f.Index[0]
	}
	return ownedList[T, L]{out: out, items: items}
}

// DecodeList decodes data, a list object such as a List response body,
// into out as List does: with the generated decoders, and in parallel
// when the list is large. out is a list type whose Items field is []T
// (PodList of Pod); a list type without generated decoders is decoded by
// reflection. data is kept: the decoded strings point into it, so the
// caller must not change it afterwards.
func DecodeList[T, L any](data []byte, out *L) error {
	if od, ok := listTarget[T](out).(codec.OwnedDecoder); ok {
		return od.DecodeOwnedJSON(data)
	}
	return codec.Unmarshal(data, out)
}

func (o ownedList[T, L]) DecodeOwnedJSON(data []byte) error {
	if o.items >= 0 && len(data) >= codec.ParallelMin {
		if items, rest, ok := codec.DecodeListItems(data, itemDecoder[T](true)); ok {
			if err := decodeOwned(rest, o.out); err == nil {
				reflect.ValueOf(o.out).Elem().Field(o.items).Set(reflect.ValueOf(items))
				return nil
			}
			var zero L
			*o.out = zero
		}
	}
	return decodeOwned(data, o.out)
}

// ownedObject is the decode target of the calls that return one object of
// a generated kind: the whole body decoded in place.
type ownedObject[T any] struct{ out *T }

// objectTarget returns what a call decodes one object into.
func objectTarget[T any](out *T) any {
	if _, ok := any(out).(wireDecoder); ok {
		if _, ok := any(out).(codec.OwnedDecoder); !ok {
			return ownedObject[T]{out}
		}
	}
	return out
}

func (o ownedObject[T]) DecodeOwnedJSON(data []byte) error { return decodeOwned(data, o.out) }

// decodeOwned decodes data, which v may point into, with v's generated
// decoder.
func decodeOwned[V any](data []byte, v *V) error {
	var r jsonwire.Reader
	r.ResetOwned(data)
	any(v).(wireDecoder).DecodeWire(&r)
	if err := r.Finish(""); err != nil {
		if se, ok := err.(*jsonwire.SyntaxError); ok {
			se.Type = reflect.TypeFor[V]().String()
		}
		return err
	}
	return nil
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
