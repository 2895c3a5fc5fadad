package discovery

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
)

// Group is one API group and the versions the server serves for it.
type Group struct {
	// Name is the group's name; "" is the core group (served under /api).
	Name string `json:"name"`
	// Versions are the group's versions in the server's order of
	// preference (most preferred first).
	Versions []GroupVersion `json:"versions"`
	// PreferredVersion is the version clients should use when they have no
	// other preference (normally Versions[0].Version).
	PreferredVersion string `json:"preferredVersion"`
}

// GroupVersion is one version of a group and the resources it serves.
type GroupVersion struct {
	// Version is the version's name ("v1", "v1beta1").
	Version string `json:"version"`
	// Resources are the version's resources, sorted by name.
	Resources []Resource `json:"resources"`
	// Stale is true when the server reported the version's discovery
	// information stale or failed to serve it: its Resources are then empty.
	Stale bool `json:"stale,omitempty"`
}

// Resource describes one resource of one group version.
type Resource struct {
	// Group and Version locate the resource; Group "" is the core group.
	Group   string `json:"group"`
	Version string `json:"version"`
	// Name is the plural, lower-case name used in URLs ("deployments").
	Name string `json:"name"`
	// SingularName is the singular name ("deployment"); it may be empty on
	// old servers.
	SingularName string `json:"singularName,omitempty"`
	// Kind is the CamelCase kind of the objects ("Deployment").
	Kind string `json:"kind"`
	// Namespaced is true when objects live in a namespace.
	Namespaced bool `json:"namespaced"`
	// Verbs are the verbs the resource supports ("get", "list", "watch",
	// "create", "update", "patch", "delete", "deletecollection").
	Verbs []string `json:"verbs,omitempty"`
	// ShortNames are the aliases the server suggests ("deploy").
	ShortNames []string `json:"shortNames,omitempty"`
	// Categories are the groupings the resource belongs to ("all").
	Categories []string `json:"categories,omitempty"`
	// Subresources are the resource's subresources ("status", "scale").
	Subresources []Subresource `json:"subresources,omitempty"`
}

// Subresource describes a subresource of a resource.
type Subresource struct {
	// Name is the subresource's name ("status", "scale", "log").
	Name string `json:"name"`
	// Group, Version and Kind are those of the objects the subresource
	// takes and returns (autoscaling/v1 Scale for "scale"); they may be
	// the parent's unless the subresource says otherwise.
	Group   string   `json:"group,omitempty"`
	Version string   `json:"version,omitempty"`
	Kind    string   `json:"kind,omitempty"`
	Verbs   []string `json:"verbs,omitempty"`
}

// GroupVersion returns the resource's apiVersion: "v1" for the core group,
// "GROUP/VERSION" otherwise.
func (r Resource) GroupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// GroupResource returns "name" for the core group, "name.group" otherwise
// (kubectl's spelling: "deployments.apps").
func (r Resource) GroupResource() string {
	if r.Group == "" {
		return r.Name
	}
	return r.Name + "." + r.Group
}

// String returns the fully qualified name "name.version.group"
// ("deployments.v1.apps", "pods.v1.").
func (r Resource) String() string { return r.Name + "." + r.Version + "." + r.Group }

// HasVerb reports whether the resource supports verb.
func (r Resource) HasVerb(verb string) bool { return slices.Contains(r.Verbs, verb) }

// Typed returns the descriptor the typed and dynamic clients take.
func (r Resource) Typed() *metav1.Resource {
	subs := make([]string, 0, len(r.Subresources))
	for _, s := range r.Subresources {
		subs = append(subs, s.Name)
	}
	return &metav1.Resource{Group: r.Group, Version: r.Version, Resource: r.Name, Kind: r.Kind,
		Namespaced: r.Namespaced, Subresources: subs}
}

// Resources is the server's discovery information: every group with its
// versions and resources. A Resources value is shared by the cache and must
// not be modified.
type Resources struct {
	// Groups are in the server's order: the core group first, then the
	// others in their priority order.
	Groups []Group `json:"groups"`
}

// Group returns the group called name.
func (rs *Resources) Group(name string) (Group, bool) {
	for _, g := range rs.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// All returns every resource of every served version, group by group in
// the server's order, versions in preference order.
func (rs *Resources) All() []Resource {
	var out []Resource
	for _, g := range rs.Groups {
		for _, v := range g.Versions {
			out = append(out, v.Resources...)
		}
	}
	return out
}

// Preferred returns each resource once, in the version kubectl would use:
// the group's preferred version when it serves the resource, else the most
// preferred version that does (kubectl api-resources lists these). The
// result is sorted by group, then name.
func (rs *Resources) Preferred() []Resource {
	type key struct{ group, name string }
	chosen := map[key]int{}
	var out []Resource
	for _, g := range rs.Groups {
		for _, v := range g.Versions {
			for _, r := range v.Resources {
				k := key{g.Name, r.Name}
				if i, ok := chosen[k]; ok {
					if v.Version == g.PreferredVersion {
						out[i] = r
					}
					continue
				}
				chosen[k] = len(out)
				out = append(out, r)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Group != out[j].Group {
			return out[i].Group < out[j].Group
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// FailedGroupVersion is one group version whose discovery failed.
type FailedGroupVersion struct {
	// GroupVersion is "v1" or "GROUP/VERSION".
	GroupVersion string
	// Err says why: the server reported it stale, or the request's error
	// (often a *rest.StatusError with code 503 for an unavailable
	// aggregated API).
	Err error
}

// PartialError reports the group versions whose discovery failed while the
// others succeeded. Calls that return it return the resources they did get
// as well.
type PartialError struct {
	// Failed is sorted by group version.
	Failed []FailedGroupVersion
}

// Error returns the error's message.
func (e *PartialError) Error() string {
	parts := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		parts[i] = f.GroupVersion + ": " + f.Err.Error()
	}
	return fmt.Sprintf("discovery: unable to retrieve the complete list of server APIs: %s", strings.Join(parts, "; "))
}

// Unwrap returns the failures' errors.
func (e *PartialError) Unwrap() []error {
	out := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		out[i] = f.Err
	}
	return out
}

// StaleError is the error of a group version the server reported stale in
// aggregated discovery (an aggregated API server that is not answering).
type StaleError struct{ GroupVersion string }

// Error returns the error's message.
func (e *StaleError) Error() string {
	return "the server reported discovery for " + e.GroupVersion + " as stale"
}

func gvString(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}
