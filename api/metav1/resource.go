package metav1

// Resource describes the REST endpoint of one kind: where it lives and how it
// is scoped. Generated code declares one per kind; the generic Client reads it.
type Resource struct {
	// Group is the API group; "" is the core group (served under /api).
	Group string
	// Version is the API version within the group ("v1", "v1beta1").
	Version string
	// Resource is the lower-case plural name in URLs ("pods").
	Resource string
	// Kind is the CamelCase kind of the objects ("Pod").
	Kind string
	// Namespaced is true when objects live in a namespace.
	Namespaced bool
	// Subresources are the subresource names the server serves for the kind
	// ("status", "scale", "log", ...).
	Subresources []string
}

// GroupVersion returns the apiVersion string of the kind: "v1" for the core
// group, "GROUP/VERSION" otherwise.
func (r *Resource) GroupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// HasSubresource reports whether the server serves sub for the kind.
func (r *Resource) HasSubresource(sub string) bool {
	for _, s := range r.Subresources {
		if s == sub {
			return true
		}
	}
	return false
}
