package dynamic

import (
	"context"
	"iter"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// Client is the typed client with its type supplied at run time: every
// verb of typed.Client (Get, List, All with the pagination iterator and
// the expired-token fallback, Watch, Create, Update, UpdateStatus, Patch,
// Apply, ApplyStatus, Delete with metav1.DeleteOptions, DeleteCollection)
// on Objects of the resource it was made for. It is safe for concurrent
// use.
type Client struct {
	*typed.Client[Object, List]
	rc *rest.Client
}

// New returns a client for the resource r describes (group, version,
// resource, kind and scope; discovery.Resource.Typed makes one), bound to
// namespace (ignored for cluster-scoped resources; "" for a namespaced one
// means all namespaces on list and watch).
func New(rc *rest.Client, r *metav1.Resource, namespace string) *Client {
	return &Client{Client: typed.New[Object, List](rc, r, namespace), rc: rc}
}

// KindMapper resolves an apiVersion and kind to a resource;
// *discovery.Client implements it (refreshing discovery once for an
// unknown kind).
type KindMapper interface {
	ResourceForKind(ctx context.Context, apiVersion, kind string) (discovery.Resource, error)
}

// ForKind returns a client for the resource of apiVersion and kind, found
// through m. Errors are m's (a *discovery.NotFoundError for an unknown
// kind), or a *rest.ConfigError for a nil m.
func ForKind(ctx context.Context, rc *rest.Client, m KindMapper, apiVersion, kind, namespace string) (*Client, error) {
	if m == nil {
		return nil, &rest.ConfigError{Field: "ForKind", Reason: "nil mapper"}
	}
	r, err := m.ResourceForKind(ctx, apiVersion, kind)
	if err != nil {
		return nil, err
	}
	return New(rc, r.Typed(), namespace), nil
}

// ForObject returns a client for obj's apiVersion and kind, bound to its
// namespace (for a namespaced kind, defaultNamespace when obj has none).
func ForObject(ctx context.Context, rc *rest.Client, m KindMapper, obj Object, defaultNamespace string) (*Client, error) {
	ns := obj.GetNamespace()
	if ns == "" {
		ns = defaultNamespace
	}
	return ForKind(ctx, rc, m, obj.GetAPIVersion(), obj.GetKind(), ns)
}

// InNamespace returns a client for the same resource bound to namespace ns.
func (c *Client) InNamespace(ns string) *Client { return New(c.rc, c.Resource(), ns) }

// ApplyObject applies obj with server-side apply under its own name (see
// typed.Client.Apply; opts.FieldManager is required).
func (c *Client) ApplyObject(ctx context.Context, obj Object, opts metav1.ApplyOptions) (*Object, error) {
	return c.Apply(ctx, obj.GetName(), obj, opts)
}

// CreateObject creates obj (a convenience for Create(ctx, &obj, opts)).
func (c *Client) CreateObject(ctx context.Context, obj Object, opts metav1.CreateOptions) (*Object, error) {
	return c.Create(ctx, &obj, opts)
}

// All is typed.Client.All with each object's apiVersion and kind filled in
// from the resource when the server left them out (it does in lists of
// built-in kinds).
func (c *Client) All(ctx context.Context, opts metav1.ListOptions) iter.Seq2[*Object, error] {
	r := c.Resource()
	return func(yield func(*Object, error) bool) {
		for o, err := range c.Client.All(ctx, opts) {
			if o != nil && o.GetKind() == "" && o.GetAPIVersion() == "" {
				o.SetKind(r.Kind)
				o.SetAPIVersion(r.GroupVersion())
			}
			if !yield(o, err) {
				return
			}
		}
	}
}
