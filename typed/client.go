package typed

import (
	"context"
	"iter"
	"net/url"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
)

// Client is the one generic client for every kind: T is the object type (Pod),
// L its list type (PodList). A Client is bound to one namespace, or to none
// for cluster-scoped kinds, and is safe for concurrent use.
type Client[T, L any] struct {
	rc *rest.Client
	r  *metav1.Resource
	ns string
}

// Kind is what a generated kind's pointer type provides: its descriptor and
// its list type. typed.For reads it; a custom resource's Go type can
// provide it too.
type Kind[T, L any] interface {
	*T
	// APIResource returns the kind's descriptor.
	APIResource() *metav1.Resource
	// NewList returns an empty list of the kind.
	NewList() *L
}

// For returns the Client of kind T, whose list type is L, bound to
// namespace (ignored for cluster-scoped kinds; "" for all namespaces on
// list and watch): typed.For[corev1.Pod, corev1.PodList](c, ns). The
// descriptor is T's own, and an L other than T's list type does not
// compile.
func For[T, L any, PT Kind[T, L]](c *rest.Client, namespace string) *Client[T, L] {
	return New[T, L](c, PT(nil).APIResource(), namespace)
}

// New returns a Client for the kind r describes, for types that do not
// carry a descriptor (a slim projection of a kind); For is the way for
// those that do. namespace is ignored for
// cluster-scoped kinds; "" for a namespaced kind means all namespaces on
// list and watch (get and writes then fail with a clear error).
func New[T, L any](c *rest.Client, r *metav1.Resource, namespace string) *Client[T, L] {
	if !r.Namespaced {
		namespace = ""
	}
	return &Client[T, L]{rc: c, r: r, ns: namespace}
}

// Resource returns the descriptor of the kind the client serves.
func (c *Client[T, L]) Resource() *metav1.Resource { return c.r }

// Namespace returns the namespace the client is bound to ("" for all
// namespaces or a cluster-scoped kind).
func (c *Client[T, L]) Namespace() string { return c.ns }

// InNamespace returns a client for the same kind bound to namespace ns.
func (c *Client[T, L]) InNamespace(ns string) Interface[T, L] {
	return New[T, L](c.rc, c.r, ns)
}

// request starts a request for the collection, or for one object when name
// is set.
func (c *Client[T, L]) request(r *rest.Request, name string, sub ...string) *rest.Request {
	r = r.Group(c.r.Group).Version(c.r.Version).Resource(c.r.Resource)
	if c.ns != "" {
		r = r.Namespace(c.ns)
	}
	if name != "" {
		r = r.Name(name)
	}
	if len(sub) > 0 {
		r = r.SubResource(sub...)
	}
	return r
}

// checkObjectScope reports the error a namespaced object request without a
// namespace would otherwise get from the server as a confusing 404.
func (c *Client[T, L]) checkObjectScope(op, name string) error {
	if c.r.Namespaced && c.ns == "" {
		return scopeError(op, c.r.Resource, name)
	}
	if name == "" {
		return nameRequired(op, c.r.Resource)
	}
	return nil
}

// Get returns the object called name.
func (c *Client[T, L]) Get(ctx context.Context, name string, opts metav1.GetOptions) (*T, error) {
	if err := c.checkObjectScope("get", name); err != nil {
		return nil, err
	}
	out := new(T)
	err := c.negotiated(c.request(c.rc.Get(), name)).Params(opts.Query()).Into(ctx, objectTarget[T](out))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// List returns one page of objects (all of them when opts.Limit is 0).
// The items of a generated list type share one buffer, the response body,
// which their strings point into (a large list is decoded in parallel):
// keeping any of them keeps the whole body alive; ListItems decodes items
// that share nothing.
func (c *Client[T, L]) List(ctx context.Context, opts metav1.ListOptions) (*L, error) {
	out := new(L)
	if err := c.negotiated(c.request(c.rc.Get(), "")).Params(opts.Query()).Into(ctx, listTarget[T](out)); err != nil {
		return nil, err
	}
	return out, nil
}

// All iterates over every object the list options select, fetching pages of
// opts.Limit objects (500 when 0) and following continue tokens; the caller's
// options are not changed. When a continue token has expired (410), it lists
// again in full and yields only the objects it has not yielded yet. Iteration
// stops at the first error, which is yielded with a nil object.
func (c *Client[T, L]) All(ctx context.Context, opts metav1.ListOptions) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		seen := map[string]struct{}{}
		err := c.eachPage(ctx, opts, page[T]{wantKeys: true}, func(p *page[T], restarted bool) bool {
			for i := range p.Items {
				if _, dup := seen[p.keys[i]]; dup && restarted {
					continue
				}
				if !restarted {
					seen[p.keys[i]] = struct{}{}
				}
				if !yield(&p.Items[i], nil) {
					return false
				}
			}
			return true
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// Create creates obj and returns the object as the server stored it.
func (c *Client[T, L]) Create(ctx context.Context, obj *T, opts metav1.CreateOptions) (*T, error) {
	if c.r.Namespaced && c.ns == "" {
		return nil, scopeError("create", c.r.Resource, "")
	}
	return c.write(ctx, c.rc.Post(), "", obj, opts.Query())
}

// Update replaces the object named in obj's metadata. The server rejects it
// with a Conflict when obj's resourceVersion is stale.
func (c *Client[T, L]) Update(ctx context.Context, obj *T, opts metav1.UpdateOptions) (*T, error) {
	return c.update(ctx, obj, opts, nil)
}

// UpdateStatus replaces the status of the object named in obj's metadata;
// changes outside status are ignored by the server.
func (c *Client[T, L]) UpdateStatus(ctx context.Context, obj *T, opts metav1.UpdateOptions) (*T, error) {
	return c.update(ctx, obj, opts, []string{"status"})
}

func (c *Client[T, L]) update(ctx context.Context, obj *T, opts metav1.UpdateOptions, sub []string) (*T, error) {
	body, ct, err := c.encodeBody(obj)
	if err != nil {
		return nil, err
	}
	var name string
	if k, ok := any(obj).(keyed); ok {
		name = k.GetName()
	} else {
		_, name = metadataKey(body)
	}
	if err := c.checkObjectScope("update", name); err != nil {
		return nil, err
	}
	out := new(T)
	err = c.negotiated(c.request(c.rc.Put(), name, sub...)).Params(opts.Query()).
		BodyBytes(body, ct).Into(ctx, objectTarget[T](out))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Patch applies a patch of type pt to the object called name (or to its
// subresource) and returns the result. data is sent as it is.
func (c *Client[T, L]) Patch(ctx context.Context, name string, pt rest.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*T, error) {
	if err := c.checkObjectScope("patch", name); err != nil {
		return nil, err
	}
	out := new(T)
	err := c.negotiated(c.request(c.rc.Patch(pt), name, subresources...)).Params(opts.Query()).
		BodyBytes(data, string(pt)).Into(ctx, objectTarget[T](out))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete deletes the object called name. opts carries the propagation policy
// (metav1.DeletePropagationForeground, ...), preconditions, grace period and
// dry run; the zero value uses the kind's defaults.
func (c *Client[T, L]) Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	if err := c.checkObjectScope("delete", name); err != nil {
		return err
	}
	return c.delete(ctx, c.request(c.rc.Delete(), name), opts)
}

// DeleteCollection deletes every object list selects.
func (c *Client[T, L]) DeleteCollection(ctx context.Context, opts metav1.DeleteOptions, list metav1.ListOptions) error {
	return c.delete(ctx, c.request(c.rc.Delete(), "").Params(list.Query()), opts)
}

func (c *Client[T, L]) delete(ctx context.Context, r *rest.Request, opts metav1.DeleteOptions) error {
	b, err := deleteBody(opts)
	if err != nil {
		return err
	}
	if b != nil {
		r = r.BodyBytes(b, "application/json")
	}
	_, err = r.Do(ctx).Raw()
	return err
}

// Subresource returns a request builder for a subresource of the object
// called name ("scale", "eviction", "token", ...), for the calls that have no
// dedicated method. The verb is chosen by the builder passed as base, e.g.
// c.Subresource(rc.Post(), "web-0", "eviction").
func (c *Client[T, L]) Subresource(base *rest.Request, name string, sub ...string) *rest.Request {
	return c.request(base, name, sub...)
}

// Request returns a request builder for the collection (name "") or one object
// with the client's group, version, resource and namespace already set.
func (c *Client[T, L]) Request(base *rest.Request, name string) *rest.Request {
	return c.request(base, name)
}

func (c *Client[T, L]) write(ctx context.Context, base *rest.Request, name string, obj *T, q url.Values) (*T, error) {
	body, ct, err := c.encodeBody(obj)
	if err != nil {
		return nil, err
	}
	out := new(T)
	err = c.negotiated(c.request(base, name)).Params(q).BodyBytes(body, ct).Into(ctx, objectTarget[T](out))
	if err != nil {
		return nil, err
	}
	return out, nil
}
