package typed

import (
	"context"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
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
// only its decoded fields, not the JSON it came from. Detached objects
// share identical short strings, raw JSON values (managedFields'
// fieldsV1) and resource lists (map[string]metav1.Quantity: container
// limits and requests, pod overhead) with each other instead of each
// holding a copy: raw values and resource lists must not be written in
// place (replacing them is fine).
func (c *Client[T, L]) ListItems(ctx context.Context, opts metav1.ListOptions) ([]T, metav1.ListMeta, error) {
	var items []T
	var meta metav1.ListMeta
	first := true
	err := c.eachPage(ctx, opts, page[T]{detached: true}, func(p *page[T], restarted bool) bool {
		if first || restarted {
			// The first page's metadata, or the unpaged reread's, names
			// the snapshot; a reread replaces what was read before.
			meta, items, first = p.ListMeta, items[:0], false
		}
		if items == nil {
			items = p.Items
		} else {
			items = append(items, p.Items...)
		}
		return true
	})
	if err != nil {
		return nil, metav1.ListMeta{}, err
	}
	meta.Continue, meta.RemainingItemCount = "", nil
	return items, meta, nil
}

// decodeDetached decodes data into v so that v shares no memory with
// data (codec.Detached): strings and raw values are copies, shared with
// other detached objects holding the same bytes, resource lists are shared
// likewise, and no slab space is kept.
func decodeDetached(data []byte, contentType string, v any) error {
	return codec.DecodeBody(data, contentType, v, codec.Detached)
}

// NextDetached is Next with the object decoded detached (see ListItems):
// it shares no memory with the event's JSON, for objects kept in a cache.
func (w *Watcher[T]) NextDetached() (Event[T], error) {
	ev, err := w.w.Next()
	if err != nil {
		return Event[T]{}, err
	}
	obj := new(T)
	if err := decodeDetached(ev.Object, ev.ContentType, obj); err != nil {
		return Event[T]{}, &rest.DecodeError{Err: err}
	}
	return Event[T]{Type: ev.Type, Object: obj}, nil
}
