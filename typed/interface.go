package typed

import (
	"context"
	"io"
	"iter"
	"net/url"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
)

// Interface is what a Client does for one kind: T is the object type
// (Pod), L its list type (PodList). *Client implements it; code that takes
// an Interface (controller.FromTyped, leader election) can be given a fake
// or a wrapper instead.
type Interface[T, L any] interface {
	// Resource returns the descriptor of the kind the client serves.
	Resource() *metav1.Resource
	// Namespace returns the namespace the client is bound to ("" for all
	// namespaces or a cluster-scoped kind).
	Namespace() string
	// InNamespace returns a client for the same kind bound to namespace ns.
	InNamespace(ns string) Interface[T, L]

	// Get returns the object called name.
	Get(ctx context.Context, name string, opts metav1.GetOptions) (*T, error)
	// List returns one page of objects (all of them when opts.Limit is 0).
	List(ctx context.Context, opts metav1.ListOptions) (*L, error)
	// All iterates over every object, following continue tokens.
	All(ctx context.Context, opts metav1.ListOptions) iter.Seq2[*T, error]
	// ListItems returns every object, sharing no memory with the responses,
	// and the list's metadata.
	ListItems(ctx context.Context, opts metav1.ListOptions) ([]T, metav1.ListMeta, error)
	// Watch starts a watch of the objects opts selects.
	Watch(ctx context.Context, opts metav1.ListOptions) (*Watcher[T], error)

	// Create creates obj and returns the object as the server stored it.
	Create(ctx context.Context, obj *T, opts metav1.CreateOptions) (*T, error)
	// Update replaces the object named in obj's metadata.
	Update(ctx context.Context, obj *T, opts metav1.UpdateOptions) (*T, error)
	// UpdateStatus replaces the status of the object named in obj's metadata.
	UpdateStatus(ctx context.Context, obj *T, opts metav1.UpdateOptions) (*T, error)
	// Patch applies a patch of type pt to the object called name.
	Patch(ctx context.Context, name string, pt rest.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*T, error)
	// Apply applies config with server-side apply.
	Apply(ctx context.Context, name string, config any, opts metav1.ApplyOptions) (*T, error)
	// ApplyStatus is Apply on the status subresource.
	ApplyStatus(ctx context.Context, name string, config any, opts metav1.ApplyOptions) (*T, error)
	// Delete deletes the object called name.
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	// DeleteCollection deletes every object list selects.
	DeleteCollection(ctx context.Context, opts metav1.DeleteOptions, list metav1.ListOptions) error

	// GetSubresource reads subresource sub of the object called name into out.
	GetSubresource(ctx context.Context, name, sub string, out any) error
	// UpdateSubresource replaces subresource sub with in, decoding the answer into out.
	UpdateSubresource(ctx context.Context, name, sub string, in, out any, opts metav1.UpdateOptions) error
	// CreateSubresource posts in to subresource sub, decoding the answer into out.
	CreateSubresource(ctx context.Context, name, sub string, in, out any, opts metav1.CreateOptions) error
	// StreamSubresource streams subresource sub (pods' log).
	StreamSubresource(ctx context.Context, name, sub string, q url.Values) (io.ReadCloser, error)
	// Proxy returns a request to the proxy subresource of the object called name.
	Proxy(base *rest.Request, scheme, name, port, path string) *rest.Request
	// Subresource returns a request builder for a subresource of the object called name.
	Subresource(base *rest.Request, name string, sub ...string) *rest.Request
	// Request returns a request builder for the collection (name "") or one object.
	Request(base *rest.Request, name string) *rest.Request
}

var _ Interface[struct{}, struct{}] = (*Client[struct{}, struct{}])(nil)
