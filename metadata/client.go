// Package metadata reads objects of any resource as their metadata only
// (metav1.PartialObjectMetadata): the API server strips each object to
// kind, apiVersion and metadata before sending it, when asked with
// `Accept: application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`
// (then the same in JSON) for lists and `as=PartialObjectMetadata` for gets
// and watches; a client made with rest.WithJSON asks for JSON only. It is
// client-go's metadata client: a controller that needs only names, labels,
// owners or finalizers of many objects (secrets, pods, custom resources)
// lists, watches and caches a fraction of their bytes.
//
// Client mirrors typed.Client's reads (Get, List, All, ListItems, Watch),
// Patch and Delete;
// ListerWatcher feeds controller.NewInformer. Objects come back with the
// resource's kind and apiVersion in their TypeMeta, not meta.k8s.io's.
package metadata

import (
	"context"
	"iter"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// The Accept headers of the server's metadata negotiation. Each ends with
// plain JSON, as client-go's do: a server that cannot transform (an
// aggregated API server of another make) answers with whole objects, which
// decode into PartialObjectMetadata all the same.
const (
	// AcceptObject asks for one object, or each watch event's, as
	// meta.k8s.io/v1 PartialObjectMetadata.
	AcceptObject = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
	// AcceptList asks for a list as meta.k8s.io/v1 PartialObjectMetadataList.
	AcceptList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
)

// protobufFirst are the Accept headers of a client that speaks protobuf
// (any not made with rest.WithJSON): the protobuf form first, as client-go's
// metadata client asks; custom resources are answered in it too.
var protobufFirst = map[string]string{
	AcceptObject: "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1," + AcceptObject,
	AcceptList:   "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1," + AcceptList,
}

// Client reads the objects of one resource as metadata. It is bound to one
// namespace, or to none, and is safe for concurrent use.
type Client struct {
	rc *rest.Client
	r  *metav1.Resource
	ns string
	gv string
}

// New returns the metadata client of the resource r describes (a
// generated descriptor such as &corev1.SecretResource, or one from
// discovery for a custom resource), bound to namespace: ignored for a
// cluster-scoped resource, "" for all namespaces on list and watch (Get
// then fails with a *rest.RequestError).
func New(c *rest.Client, r *metav1.Resource, namespace string) *Client {
	if !r.Namespaced {
		namespace = ""
	}
	gv := r.Version
	if r.Group != "" {
		gv = r.Group + "/" + r.Version
	}
	return &Client{rc: c, r: r, ns: namespace, gv: gv}
}

// Resource returns the descriptor of the resource the client reads.
func (c *Client) Resource() *metav1.Resource { return c.r }

// Namespace returns the namespace the client is bound to ("" for all
// namespaces or a cluster-scoped resource).
func (c *Client) Namespace() string { return c.ns }

// InNamespace returns a client for the same resource bound to namespace ns.
func (c *Client) InNamespace(ns string) *Client { return New(c.rc, c.r, ns) }

func (c *Client) request(accept, name string) *rest.Request {
	if p, ok := protobufFirst[accept]; ok && !c.rc.JSONOnly() {
		accept = p
	}
	r := c.rc.Get().Group(c.r.Group).Version(c.r.Version).Resource(c.r.Resource).Header("Accept", accept)
	if c.ns != "" {
		r = r.Namespace(c.ns)
	}
	if name != "" {
		r = r.Name(name)
	}
	return r
}

// Get returns the metadata of the object called name. Its errors are
// rest.Request.Into's, and a *rest.RequestError for an empty name or a
// namespaced resource on a client bound to all namespaces.
func (c *Client) Get(ctx context.Context, name string, opts metav1.GetOptions) (*metav1.PartialObjectMetadata, error) {
	if err := c.checkObject("get", name); err != nil {
		return nil, err
	}
	out := new(metav1.PartialObjectMetadata)
	if err := c.request(AcceptObject, name).Params(opts.Query()).Into(ctx, out); err != nil {
		return nil, err
	}
	c.setKind(out)
	return out, nil
}

// checkObject returns the *rest.RequestError of a request for one object
// without a name, or without a namespace for a namespaced resource.
func (c *Client) checkObject(op, name string) error {
	if c.r.Namespaced && c.ns == "" {
		return &rest.RequestError{Field: "Namespace", Reason: op + " " + c.r.Resource + " " + name + ": a namespace is required (the client is bound to all namespaces)"}
	}
	if name == "" {
		return &rest.RequestError{Field: "Name", Reason: op + " " + c.r.Resource + ": a resource name is required"}
	}
	return nil
}

// Patch applies a patch of type pt to the object called name (or to its
// subresource) and returns the result's metadata: a controller that
// caches metadata removes its finalizer or changes a label without
// reading the object. data is sent as it is. Its errors are Get's.
func (c *Client) Patch(ctx context.Context, name string, pt rest.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*metav1.PartialObjectMetadata, error) {
	if err := c.checkObject("patch", name); err != nil {
		return nil, err
	}
	r := c.rc.Patch(pt).Group(c.r.Group).Version(c.r.Version).Resource(c.r.Resource).Namespace(c.ns).Name(name)
	if len(subresources) > 0 {
		r = r.SubResource(subresources...)
	}
	out := new(metav1.PartialObjectMetadata)
	err := r.Header("Accept", AcceptObject).Params(opts.Query()).BodyBytes(data, string(pt)).Into(ctx, out)
	if err != nil {
		return nil, err
	}
	c.setKind(out)
	return out, nil
}

// Delete deletes the object called name, as typed.Client.Delete does.
func (c *Client) Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	return typed.New[metav1.PartialObjectMetadata, metav1.PartialObjectMetadataList](c.rc, c.r, c.ns).Delete(ctx, name, opts)
}

// DeleteCollection deletes every object list selects, as
// typed.Client.DeleteCollection does.
func (c *Client) DeleteCollection(ctx context.Context, opts metav1.DeleteOptions, list metav1.ListOptions) error {
	return typed.New[metav1.PartialObjectMetadata, metav1.PartialObjectMetadataList](c.rc, c.r, c.ns).DeleteCollection(ctx, opts, list)
}

// List returns one page of metadata (all of it when opts.Limit is 0); the
// list's Continue token asks for the next page. The items' strings point
// into the response body; ListItems decodes items that share nothing.
func (c *Client) List(ctx context.Context, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	out := new(metav1.PartialObjectMetadataList)
	if err := c.request(AcceptList, "").Params(opts.Query()).Into(ctx, out); err != nil {
		return nil, err
	}
	for i := range out.Items {
		c.setKind(&out.Items[i])
	}
	return out, nil
}

// All iterates over the metadata of every object the options select,
// fetching pages of opts.Limit objects (500 when 0) and following continue
// tokens; the caller's options are not changed. When a continue token has
// expired (410) it lists again in full and yields only the objects it has
// not yielded yet. Iteration stops at the first error, yielded with a nil
// object.
func (c *Client) All(ctx context.Context, opts metav1.ListOptions) iter.Seq2[*metav1.PartialObjectMetadata, error] {
	return func(yield func(*metav1.PartialObjectMetadata, error) bool) {
		seen := map[string]struct{}{}
		err := c.eachPage(ctx, opts, false, func(p *metav1.PartialObjectMetadataList, restarted bool) bool {
			for i := range p.Items {
				it := &p.Items[i]
				key := it.Namespace + "/" + it.Name
				if _, dup := seen[key]; dup && restarted {
					continue
				}
				if !restarted {
					seen[key] = struct{}{}
				}
				if !yield(it, nil) {
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

// ListItems returns the metadata of every object the options select,
// following continue tokens in pages of opts.Limit objects (500 when 0),
// with the list's metadata: ResourceVersion is that of the snapshot the
// pages were read from, the one to watch from. When a token expires (410)
// the list is read again in one unpaged request. Items are decoded
// detached (they share no memory with the responses), for caches.
func (c *Client) ListItems(ctx context.Context, opts metav1.ListOptions) ([]metav1.PartialObjectMetadata, metav1.ListMeta, error) {
	var items []metav1.PartialObjectMetadata
	var meta metav1.ListMeta
	first := true
	err := c.eachPage(ctx, opts, true, func(p *metav1.PartialObjectMetadataList, restarted bool) bool {
		if first || restarted {
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

// eachPage reads the list page by page, as typed.Client's paging does:
// on an expired continue token it reads the rest in one unpaged request,
// passed with restarted set.
func (c *Client) eachPage(ctx context.Context, opts metav1.ListOptions, detached bool, fn func(p *metav1.PartialObjectMetadataList, restarted bool) bool) error {
	if opts.Limit == 0 {
		opts.Limit = 500
	}
	restarted := false
	for {
		p := new(metav1.PartialObjectMetadataList)
		err := c.request(AcceptList, "").Params(opts.Query()).Into(ctx, listTarget(p, detached))
		if err != nil && opts.Continue != "" && !restarted && rest.IsResourceExpired(err) {
			restarted = true
			opts.Continue, opts.Limit, opts.ResourceVersion, opts.ResourceVersionMatch = "", 0, "", ""
			continue
		}
		if err != nil {
			return err
		}
		for i := range p.Items {
			c.setKind(&p.Items[i])
		}
		if !fn(p, restarted) || p.Continue == "" || restarted {
			return nil
		}
		opts.Continue = p.Continue
		opts.ResourceVersion, opts.ResourceVersionMatch = "", ""
	}
}

// setKind replaces meta.k8s.io's kind with the resource's own.
func (c *Client) setKind(o *metav1.PartialObjectMetadata) {
	o.Kind, o.APIVersion = c.r.Kind, c.gv
}

// listTarget is what a list body is decoded into (codec.DecodeBody):
// in place (strings pointing into the body) or detached (copies, the body
// read into a reused buffer and not kept).
func listTarget(out *metav1.PartialObjectMetadataList, detached bool) any {
	if detached {
		return codec.Target{V: out, Own: codec.Detached}
	}
	return out
}
