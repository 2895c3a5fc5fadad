package typed

import (
	"context"
	"io"
	"net/url"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
)

// GetSubresource reads subresource sub ("scale", "status", "ephemeralcontainers")
// of the object called name into out.
func (c *Client[T, L]) GetSubresource(ctx context.Context, name, sub string, out any) error {
	if err := c.checkObjectScope("get "+sub, name); err != nil {
		return err
	}
	return c.request(c.rc.Get(), name, sub).Into(ctx, out)
}

// UpdateSubresource replaces subresource sub of the object called name with
// in and decodes the server's answer into out (nil to discard it). It is how
// scale, ephemeralcontainers and other writable subresources are written.
func (c *Client[T, L]) UpdateSubresource(ctx context.Context, name, sub string, in, out any, opts metav1.UpdateOptions) error {
	return c.sendSubresource(ctx, c.rc.Put(), "update", name, sub, in, out, opts.Query())
}

// CreateSubresource posts in to subresource sub of the object called name and
// decodes the answer into out (nil to discard it): pods/eviction,
// pods/binding, serviceaccounts/token.
func (c *Client[T, L]) CreateSubresource(ctx context.Context, name, sub string, in, out any, opts metav1.CreateOptions) error {
	return c.sendSubresource(ctx, c.rc.Post(), "create", name, sub, in, out, opts.Query())
}

func (c *Client[T, L]) sendSubresource(ctx context.Context, base *rest.Request, op, name, sub string, in, out any, q url.Values) error {
	if err := c.checkObjectScope(op+" "+sub, name); err != nil {
		return err
	}
	r := c.request(base, name, sub).Params(q).Body(in)
	if out == nil {
		_, err := r.Do(ctx).Raw()
		return err
	}
	return r.Into(ctx, out)
}

// StreamSubresource opens subresource sub of the object called name as a
// stream, with query parameters q: pods/log ("follow=true" streams until the
// container ends or ctx is cancelled). The caller closes the stream. An error
// status from the server is a *rest.StatusError.
func (c *Client[T, L]) StreamSubresource(ctx context.Context, name, sub string, q url.Values) (io.ReadCloser, error) {
	if err := c.checkObjectScope("stream "+sub, name); err != nil {
		return nil, err
	}
	return c.request(c.rc.Get(), name, sub).Params(q).Stream(ctx)
}

// Proxy returns a request through the API server's proxy to the object
// called name (a service, pod or node), for the verb base carries:
// .../NAME/proxy/PATH, where a service or pod is addressed as
// [scheme:]name[:port] (scheme "https" or ""; port a number or port name,
// "" for the default). path "" or "/" addresses the root.
func (c *Client[T, L]) Proxy(base *rest.Request, scheme, name, port, path string) *rest.Request {
	r := c.request(base, rest.ServiceProxyName(scheme, name, port), "proxy")
	if path == "" {
		path = "/"
	}
	return r.Suffix(path)
}
