package apischema

import (
	"sort"
	"strings"
)

// Resource describes one built-in resource as discovery reports it.
type Resource struct {
	// Group is the API group; "" is the core group.
	Group string
	// Version is the API version within the group.
	Version string
	// Resource is the lower-case plural used in URLs ("pods").
	Resource string
	// Singular is the lower-case singular name ("pod").
	Singular string
	// Kind is the CamelCase kind of the objects ("Pod").
	Kind string
	// Namespaced is true when objects live in a namespace.
	Namespaced bool
	// Verbs are the verbs served on the resource, in discovery's order.
	Verbs []string
	// Subresources are the subresources served for the resource.
	Subresources []Subresource
}

// Subresource describes one subresource of a Resource.
type Subresource struct {
	// Name is the subresource name ("status", "scale").
	Name string
	// Group, Version and Kind are the kind of the subresource's objects
	// (autoscaling/v1 Scale for "scale"); all empty for subresources that
	// exchange no object of a kind (such as "log").
	Group, Version, Kind string
	// Verbs are the verbs served on the subresource.
	Verbs []string
}

// GroupVersion returns the apiVersion of the resource's objects: "v1" for the
// core group, "GROUP/VERSION" otherwise.
func (r *Resource) GroupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// HasSubresource reports whether the named subresource is served.
func (r *Resource) HasSubresource(name string) bool {
	return r.Subresource(name) != nil
}

// Subresource returns the named subresource, or nil.
func (r *Resource) Subresource(name string) *Subresource {
	for i := range r.Subresources {
		if r.Subresources[i].Name == name {
			return &r.Subresources[i]
		}
	}
	return nil
}

// HasVerb reports whether verb is served on the resource.
func (r *Resource) HasVerb(verb string) bool {
	for _, v := range r.Verbs {
		if v == verb {
			return true
		}
	}
	return false
}

// ShortNames returns kubectl's well-known short names for the resource.
func (r *Resource) ShortNames() []string { return shortNames[r.Group+"/"+r.Resource] }

// Categories returns the categories the resource belongs to ("all").
func (r *Resource) Categories() []string { return categories[r.Group+"/"+r.Resource] }

// Resources returns every built-in resource, sorted by group, version and
// resource. The slice is shared: callers must not modify it.
func Resources() []Resource { return resources }

// Lookup returns the built-in resource served at group, version and plural
// resource name, or nil.
func Lookup(group, version, resource string) *Resource {
	i := sort.Search(len(resources), func(i int) bool {
		r := &resources[i]
		return r.Group > group || r.Group == group && (r.Version > version || r.Version == version && r.Resource >= resource)
	})
	if i < len(resources) {
		r := &resources[i]
		if r.Group == group && r.Version == version && r.Resource == resource {
			return r
		}
	}
	return nil
}

// PreferredVersions returns, for every group, its versions ordered as the
// API server lists them: preferred first (GA, then beta, then alpha, higher
// numbers first).
func PreferredVersions() map[string][]string {
	out := map[string][]string{}
	seen := map[string]bool{}
	for _, r := range resources {
		k := r.Group + "/" + r.Version
		if !seen[k] {
			seen[k] = true
			out[r.Group] = append(out[r.Group], r.Version)
		}
	}
	for _, vs := range out {
		sort.Slice(vs, func(i, j int) bool { return CompareVersions(vs[i], vs[j]) > 0 })
	}
	return out
}

// CompareVersions orders Kubernetes API versions by priority: it returns a
// positive number when a is preferred over b, negative when b is, 0 when
// equal. GA versions win over beta, beta over alpha; within a level the
// higher number wins; names that are not Kubernetes versions sort last,
// alphabetically.
func CompareVersions(a, b string) int {
	ma, la, na, oka := parseVersion(a)
	mb, lb, nb, okb := parseVersion(b)
	switch {
	case oka && !okb:
		return 1
	case !oka && okb:
		return -1
	case !oka && !okb:
		return strings.Compare(b, a)
	}
	if la != lb {
		return la - lb
	}
	if ma != mb {
		return ma - mb
	}
	return na - nb
}

// parseVersion splits "v1beta2" into major 1, level 1 (0 alpha, 1 beta, 2 GA)
// and minor 2.
func parseVersion(v string) (major, level, minor int, ok bool) {
	if len(v) < 2 || v[0] != 'v' {
		return 0, 0, 0, false
	}
	i := 1
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		major = major*10 + int(v[i]-'0')
		i++
	}
	if i == 1 || major == 0 {
		return 0, 0, 0, false
	}
	if i == len(v) {
		return major, 2, 0, true
	}
	rest := v[i:]
	switch {
	case strings.HasPrefix(rest, "alpha"):
		rest, level = rest[5:], 0
	case strings.HasPrefix(rest, "beta"):
		rest, level = rest[4:], 1
	default:
		return 0, 0, 0, false
	}
	if rest == "" {
		return 0, 0, 0, false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return 0, 0, 0, false
		}
		minor = minor*10 + int(c-'0')
	}
	return major, level, minor, true
}
