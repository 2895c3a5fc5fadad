package typed

import (
	"context"
	"fmt"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed/internal/jsonwire"
	"github.com/kubewire/kubewire/typed/metav1"
)

// ListItems returns every object opts selects, following continue tokens
// in pages of opts.Limit objects (500 when 0), together with the list's
// metadata: ResourceVersion is the version of the snapshot every page was
// read from, the one to start a watch after. Continue is always empty.
// The caller's options are not changed.
//
// When a continue token expires (410) before the last page, the pages read
// so far are dropped and the list is read again in one unpaged request, so
// the items always come from one snapshot. The returned slice is owned by
// the caller.
//
// Unlike List, every item is decoded detached: none of its strings shares
// memory with the response, so an item kept for long (in a cache) holds
// only its decoded fields, not the JSON it came from.
func (c *Client[T, L]) ListItems(ctx context.Context, opts metav1.ListOptions) ([]T, metav1.ListMeta, error) {
	if opts.Limit == 0 {
		opts.Limit = 500
	}
	first := opts
	var items []T
	var meta metav1.ListMeta
	for {
		var p detachedPage[T]
		err := c.request(c.rc.Get(), "").Params(opts.Query()).Into(ctx, &p)
		if err != nil && opts.Continue != "" && rest.IsResourceExpired(err) {
			// The snapshot left the server's window: start again in one
			// consistent read.
			items, opts = items[:0], first
			opts.Limit, opts.ResourceVersion, opts.ResourceVersionMatch = 0, "", ""
			continue
		}
		if err != nil {
			return nil, metav1.ListMeta{}, err
		}
		if opts.Continue == "" {
			meta = p.ListMeta
		}
		if items == nil {
			items = p.Items
		} else {
			items = append(items, p.Items...)
		}
		if p.Continue == "" {
			meta.Continue, meta.RemainingItemCount = "", nil
			return items, meta, nil
		}
		opts.Continue = p.Continue
		// resourceVersion must not be sent with a continue token.
		opts.ResourceVersion, opts.ResourceVersionMatch = "", ""
	}
}

// detachedPage is one page of a list whose items are decoded detached.
type detachedPage[T any] struct {
	metav1.ListMeta
	Items []T
}

// DecodeJSON reads a list object, keeping metadata and items only.
func (p *detachedPage[T]) DecodeJSON(it *jsoniter.Iterator) {
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		switch field {
		case "metadata":
			it.ReadVal(&p.ListMeta)
		case "items":
			for it.ReadArray() {
				var zero T
				p.Items = append(p.Items, zero)
				raw := it.SkipAndReturnBytes()
				if it.Error != nil {
					return
				}
				if err := decodeDetached(raw, &p.Items[len(p.Items)-1]); err != nil {
					it.ReportError("decode list item", err.Error())
					return
				}
			}
		default:
			it.Skip()
		}
		if it.Error != nil {
			return
		}
	}
}

// wireDecoder is the generated decoder of a kind.
type wireDecoder interface {
	DecodeWire(r *jsonwire.Reader)
}

// decodeDetached decodes data into v so that v shares no memory with
// data: generated kinds through their decoder over a borrowed buffer
// (strings are copied), other types through the reflective decoder, which
// copies too.
func decodeDetached(data []byte, v any) error {
	d, ok := v.(wireDecoder)
	if !ok {
		return codec.Unmarshal(data, v)
	}
	var r jsonwire.Reader
	r.Reset(data)
	d.DecodeWire(&r)
	if err := r.Finish(fmt.Sprintf("%T", v)); err != nil {
		return err
	}
	return nil
}

// NextDetached is Next with the object decoded detached (see ListItems):
// it shares no memory with the event's JSON, for objects kept in a cache.
func (w *Watcher[T]) NextDetached() (Event[T], error) {
	ev, err := w.w.Next()
	if err != nil {
		return Event[T]{}, err
	}
	obj := new(T)
	if err := decodeDetached(ev.Object, obj); err != nil {
		return Event[T]{}, &rest.DecodeError{Err: err}
	}
	return Event[T]{Type: ev.Type, Object: obj}, nil
}
