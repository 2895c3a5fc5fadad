package typed

import (
	"context"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed/metav1"
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
				p.keys = append(p.keys, jsoniter.Get(raw, "metadata", "namespace").ToString()+"/"+jsoniter.Get(raw, "metadata", "name").ToString())
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
