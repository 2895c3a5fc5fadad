package typed

import (
	"context"

	"github.com/kubewire/kubewire/rest"
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
func (c *Client[T, L]) ListItems(ctx context.Context, opts metav1.ListOptions) ([]T, metav1.ListMeta, error) {
	if opts.Limit == 0 {
		opts.Limit = 500
	}
	first := opts
	var items []T
	var meta metav1.ListMeta
	for {
		var p page[T]
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
