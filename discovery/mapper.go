package discovery

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// RESTMapper resolves resource names and kinds to resources, over one
// discovery answer. It is immutable and safe for concurrent use. Build one
// with NewRESTMapper or Client.RESTMapper; Client.ResourceFor and
// Client.ResourceForKind add a refresh when a name is unknown.
type RESTMapper struct {
	groups []Group
	// preferred holds each group resource once, in its preferred version,
	// in discovery order.
	preferred []Resource
}

// NewRESTMapper returns a mapper over res. A nil res maps nothing.
func NewRESTMapper(res *Resources) *RESTMapper {
	if res == nil {
		res = &Resources{}
	}
	m := &RESTMapper{groups: res.Groups}
	type key struct{ group, name string }
	chosen := map[key]int{}
	for _, g := range res.Groups {
		for _, v := range g.Versions {
			for _, r := range v.Resources {
				k := key{g.Name, r.Name}
				if i, ok := chosen[k]; ok {
					if v.Version == g.PreferredVersion {
						m.preferred[i] = r
					}
					continue
				}
				chosen[k] = len(m.preferred)
				m.preferred = append(m.preferred, r)
			}
		}
	}
	return m
}

var versionRE = regexp.MustCompile(`^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$`)

// query is one reading of a name the user typed.
type query struct {
	name, version, group string
	groupSet             bool
}

// readings returns the ways name can be read, most specific first:
// "deployments.v1.apps" is name.version.group, "deployments.apps" is
// name.group, "pods.v1." (or "pods.v1") name.version of the core group.
func readings(name string) []query {
	name = strings.ToLower(strings.TrimSpace(name))
	first, rest, qualified := strings.Cut(name, ".")
	if !qualified {
		return []query{{name: name}}
	}
	var out []query
	if v, g, ok := strings.Cut(rest, "."); ok && versionRE.MatchString(v) {
		out = append(out, query{name: first, version: v, group: g, groupSet: true})
	} else if versionRE.MatchString(rest) {
		out = append(out, query{name: first, version: rest, groupSet: true})
	}
	return append(out, query{name: first, group: rest, groupSet: true})
}

// ResourceFor resolves a name the way kubectl reads its arguments: a plural
// ("deployments"), singular ("deployment"), short name ("deploy") or kind
// ("Deployment"), case-insensitively, optionally qualified by group
// ("deployments.apps", "deploy.apps") or version and group
// ("deployments.v1.apps"). Plural and singular names win over short names,
// which win over kinds. Without a version, the group's preferred version is
// used. When the name matches resources of several groups, the core group
// wins; otherwise the error is an *AmbiguousError listing them. An unknown
// name is a *NotFoundError with suggestions.
func (m *RESTMapper) ResourceFor(name string) (Resource, error) {
	for _, q := range readings(name) {
		if q.name == "" {
			break
		}
		for tier := 0; tier < 3; tier++ {
			var found []Resource
			for _, r := range m.candidates(q) {
				if matchTier(r, q.name) == tier {
					found = append(found, r)
				}
			}
			if len(found) == 0 {
				continue
			}
			return pick(name, found)
		}
	}
	return Resource{}, &NotFoundError{Name: name, Suggestions: m.suggest(name)}
}

// candidates returns the resources q's group and version allow: the
// preferred version of each resource unless q names a version.
func (m *RESTMapper) candidates(q query) []Resource {
	if q.version == "" {
		if !q.groupSet {
			return m.preferred
		}
		var out []Resource
		for _, r := range m.preferred {
			if r.Group == q.group {
				out = append(out, r)
			}
		}
		return out
	}
	for _, g := range m.groups {
		if g.Name != q.group {
			continue
		}
		for _, v := range g.Versions {
			if v.Version == q.version {
				return v.Resources
			}
		}
	}
	return nil
}

// matchTier returns 0 when name is r's plural or singular name, 1 when it
// is a short name, 2 when it is the kind, and -1 otherwise.
func matchTier(r Resource, name string) int {
	switch {
	case r.Name == name || strings.EqualFold(r.SingularName, name):
		return 0
	case containsFold(r.ShortNames, name):
		return 1
	case strings.EqualFold(r.Kind, name):
		return 2
	}
	return -1
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// pick returns the one match, the core group's among several, or an
// *AmbiguousError.
func pick(name string, found []Resource) (Resource, error) {
	if len(found) == 1 {
		return found[0], nil
	}
	for _, r := range found {
		if r.Group == "" {
			return r, nil
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].String() < found[j].String() })
	return Resource{}, &AmbiguousError{Name: name, Candidates: found}
}

// ResourceForKind returns the resource whose objects have apiVersion
// ("apps/v1", "v1" for the core group) and kind ("Deployment"). With an
// apiVersion of only a group ("apps/"), the group's preferred version is
// used. Kinds match exactly, or case-insensitively when nothing matches
// exactly. An unknown kind is a *NotFoundError with suggestions (and the
// versions that do serve the kind, if any).
func (m *RESTMapper) ResourceForKind(apiVersion, kind string) (Resource, error) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	var pool []Resource
	if version == "" {
		pool = m.candidates(query{group: group, groupSet: true})
	} else {
		pool = m.candidates(query{group: group, version: version, groupSet: true})
	}
	for _, exact := range []bool{true, false} {
		for _, r := range pool {
			if r.Kind == kind || !exact && strings.EqualFold(r.Kind, kind) {
				return r, nil
			}
		}
	}
	err := &NotFoundError{Name: kind, APIVersion: apiVersion}
	var kinds []string
	seen := map[string]bool{}
	for _, g := range m.groups {
		for _, v := range g.Versions {
			for _, r := range v.Resources {
				if g.Name == group && r.Kind == kind {
					err.ServedIn = append(err.ServedIn, gvString(g.Name, v.Version))
				}
				if !seen[r.Kind] {
					seen[r.Kind] = true
					kinds = append(kinds, r.Kind)
				}
			}
		}
	}
	err.Suggestions = closest(kind, kinds)
	return Resource{}, err
}

// suggest returns the names closest to name by edit distance.
func (m *RESTMapper) suggest(name string) []string {
	base := strings.ToLower(name)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	best := map[string]int{}
	for _, r := range m.preferred {
		d := -1
		for _, alias := range append([]string{r.Name, r.SingularName, strings.ToLower(r.Kind)}, r.ShortNames...) {
			if alias == "" {
				continue
			}
			if x := distance(base, strings.ToLower(alias)); d < 0 || x < d {
				d = x
			}
		}
		if d >= 0 && d <= maxDistance(base) {
			best[r.GroupResource()] = d
		}
	}
	return topN(best)
}

func closest(name string, pool []string) []string {
	best := map[string]int{}
	for _, p := range pool {
		if d := distance(strings.ToLower(name), strings.ToLower(p)); d <= maxDistance(name) {
			best[p] = d
		}
	}
	return topN(best)
}

func maxDistance(s string) int { return max(2, len(s)/3) }

// topN returns up to three keys with the lowest distances, ties by name.
func topN(best map[string]int) []string {
	var out []string
	for k := range best {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if best[out[i]] != best[out[j]] {
			return best[out[i]] < best[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// characters each cost one. Inputs are capped at 64 bytes.
func distance(a, b string) int {
	if len(a) > 64 {
		a = a[:64]
	}
	if len(b) > 64 {
		b = b[:64]
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// AmbiguousError reports a name that matches resources of several groups.
type AmbiguousError struct {
	Name string
	// Candidates are the matching resources, sorted.
	Candidates []Resource
}

// Error returns the error's message.
func (e *AmbiguousError) Error() string {
	names := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		names[i] = c.GroupResource()
	}
	return fmt.Sprintf("resource name %q is ambiguous: it matches %s; qualify it with a group (%s)",
		e.Name, strings.Join(names, ", "), names[0])
}

// NotFoundError reports a resource name or kind the server does not serve.
type NotFoundError struct {
	// Name is the name or kind asked for.
	Name string
	// APIVersion is set when a kind was asked for in that apiVersion.
	APIVersion string
	// ServedIn lists the versions of the group that do serve the kind.
	ServedIn []string
	// Suggestions are the closest known names ("deployments.apps") or
	// kinds, best first.
	Suggestions []string
}

// Error returns the error's message.
func (e *NotFoundError) Error() string {
	var b strings.Builder
	if e.APIVersion != "" || e.ServedIn != nil {
		fmt.Fprintf(&b, "no matches for kind %q in version %q", e.Name, e.APIVersion)
		if len(e.ServedIn) > 0 {
			fmt.Fprintf(&b, " (it is served in %s)", strings.Join(e.ServedIn, ", "))
		}
	} else {
		fmt.Fprintf(&b, "the server doesn't have a resource type %q", e.Name)
	}
	if len(e.Suggestions) > 0 {
		q := make([]string, len(e.Suggestions))
		for i, s := range e.Suggestions {
			q[i] = fmt.Sprintf("%q", s)
		}
		fmt.Fprintf(&b, "; did you mean %s?", strings.Join(q, " or "))
	}
	return b.String()
}
