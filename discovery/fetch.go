package discovery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/kubewire/kubewire/api/metav1"
)

// aggregatedAccept asks for aggregated discovery (v2, then v2beta1 for
// servers from 1.26 to 1.29) and accepts the legacy documents otherwise.
const aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

// legacyConcurrency bounds the parallel per-group-version requests of
// legacy discovery.
const legacyConcurrency = 8

// The apidiscovery.k8s.io/v2 wire format.
type aggList struct {
	Kind  string     `json:"kind"`
	Items []aggGroup `json:"items"`
}

type aggGroup struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Versions []aggVersion `json:"versions"`
}

type aggVersion struct {
	Version   string        `json:"version"`
	Resources []aggResource `json:"resources"`
	Freshness string        `json:"freshness"`
}

type gvk struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

type aggResource struct {
	Resource         string   `json:"resource"`
	ResponseKind     *gvk     `json:"responseKind"`
	Scope            string   `json:"scope"`
	SingularResource string   `json:"singularResource"`
	Verbs            []string `json:"verbs"`
	ShortNames       []string `json:"shortNames"`
	Categories       []string `json:"categories"`
	Subresources     []struct {
		Subresource  string   `json:"subresource"`
		ResponseKind *gvk     `json:"responseKind"`
		Verbs        []string `json:"verbs"`
	} `json:"subresources"`
}

// fetched is one complete answer from the server.
type fetched struct {
	res     *Resources
	partial *PartialError
	etags   [2]string // of /api and /apis, aggregated only
	hash    string    // of the response bodies
	groups  string    // of the group lists, legacy only
	// notModified is set when a conditional request found the cached
	// answer current.
	notModified bool
}

// fetch asks the server, with aggregated discovery unless disabled. When
// etags are given (from a cached answer) and the server answers 304 to
// both, notModified is set and res is nil.
func (c *Client) fetch(ctx context.Context, etags [2]string) (*fetched, error) {
	if c.legacyOnly {
		return c.fetchLegacy(ctx, "")
	}
	var lists [2]aggList
	var out fetched
	h := sha256.New()
	unchanged := 0
	for i, path := range []string{"/api", "/apis"} {
		r := c.rc.Get().AbsPath(path).Header("Accept", aggregatedAccept)
		if etags[i] != "" {
			r = r.Header("If-None-Match", etags[i])
		}
		res := r.Do(ctx)
		if res.StatusCode() == http.StatusNotModified {
			unchanged++
			out.etags[i] = etags[i]
			continue
		}
		if err := res.Into(&lists[i]); err != nil {
			return nil, err
		}
		b, _ := res.Raw()
		out.etags[i] = res.Header().Get("ETag")
		h.Write(b)
	}
	if unchanged == 2 {
		out.notModified = true
		return &out, nil
	}
	if unchanged == 1 {
		// One half changed: ask again for both in full.
		return c.fetch(ctx, [2]string{})
	}
	for i := range lists {
		if lists[i].Kind != "APIGroupDiscoveryList" {
			// A server without aggregated discovery answered with the
			// legacy document.
			return c.fetchLegacy(ctx, "")
		}
	}
	out.res, out.partial = fromAggregated(append(lists[0].Items, lists[1].Items...))
	out.hash = hex.EncodeToString(h.Sum(nil))
	return &out, nil
}

func fromAggregated(items []aggGroup) (*Resources, *PartialError) {
	res := &Resources{}
	var failed []FailedGroupVersion
	for _, ig := range items {
		g := Group{Name: ig.Metadata.Name}
		for _, iv := range ig.Versions {
			v := GroupVersion{Version: iv.Version}
			if strings.EqualFold(iv.Freshness, "Stale") {
				gv := gvString(g.Name, iv.Version)
				v.Stale = true
				failed = append(failed, FailedGroupVersion{GroupVersion: gv, Err: &StaleError{GroupVersion: gv}})
			} else {
				for _, ir := range iv.Resources {
					v.Resources = append(v.Resources, fromAggregatedResource(g.Name, iv.Version, ir))
				}
				sortResources(v.Resources)
			}
			g.Versions = append(g.Versions, v)
		}
		if len(g.Versions) > 0 {
			g.PreferredVersion = g.Versions[0].Version
		}
		res.Groups = append(res.Groups, g)
	}
	return res, partialOf(failed)
}

func fromAggregatedResource(group, version string, ir aggResource) Resource {
	r := Resource{Group: group, Version: version, Name: ir.Resource, SingularName: ir.SingularResource,
		Namespaced: ir.Scope == "Namespaced", Verbs: ir.Verbs, ShortNames: ir.ShortNames, Categories: ir.Categories}
	if ir.ResponseKind != nil {
		r.Kind = ir.ResponseKind.Kind
	}
	for _, s := range ir.Subresources {
		sub := Subresource{Name: s.Subresource, Verbs: s.Verbs}
		if s.ResponseKind != nil {
			sub.Group, sub.Version, sub.Kind = s.ResponseKind.Group, s.ResponseKind.Version, s.ResponseKind.Kind
		}
		if sub.Version == "" {
			sub.Group, sub.Version = group, version
		}
		r.Subresources = append(r.Subresources, sub)
	}
	return r
}

// fetchLegacy reads /api and /apis, then, unless the group lists hash to
// groups (then notModified is set and res is nil), every group version's
// resource list in parallel. A group version that fails is reported in the
// PartialError; the failure of /api or /apis fails the call.
func (c *Client) fetchLegacy(ctx context.Context, groups string) (*fetched, error) {
	var core metav1.APIVersions
	if err := c.rc.Get().AbsPath("/api").Into(ctx, &core); err != nil {
		return nil, err
	}
	var list metav1.APIGroupList
	if err := c.rc.Get().AbsPath("/apis").Into(ctx, &list); err != nil {
		return nil, err
	}
	res := &Resources{}
	if len(core.Versions) > 0 {
		g := Group{Name: "", PreferredVersion: core.Versions[0]}
		for _, v := range core.Versions {
			g.Versions = append(g.Versions, GroupVersion{Version: v})
		}
		res.Groups = append(res.Groups, g)
	}
	for _, ag := range list.Groups {
		g := Group{Name: ag.Name, PreferredVersion: ag.PreferredVersion.Version}
		for _, v := range ag.Versions {
			g.Versions = append(g.Versions, GroupVersion{Version: v.Version})
		}
		if g.PreferredVersion == "" && len(g.Versions) > 0 {
			g.PreferredVersion = g.Versions[0].Version
		}
		res.Groups = append(res.Groups, g)
	}
	gh := groupsHash(res)
	if groups != "" && gh == groups {
		return &fetched{notModified: true, groups: gh}, nil
	}
	f := c.fetchLegacyResources(ctx, res)
	if f != nil {
		f.groups = gh
	}
	return f, ctx.Err()
}

// groupsHash identifies the group list of res: every group, its preferred
// version and its versions.
func groupsHash(res *Resources) string {
	h := sha256.New()
	for _, g := range res.Groups {
		h.Write([]byte(g.Name + "\x00" + g.PreferredVersion))
		for _, v := range g.Versions {
			h.Write([]byte("\x00" + v.Version))
		}
		h.Write([]byte("\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fetchLegacyResources fills in the resources of every group version of
// res; nil when ctx ended.
func (c *Client) fetchLegacyResources(ctx context.Context, res *Resources) *fetched {
	type job struct{ gi, vi int }
	var jobs []job
	for gi := range res.Groups {
		for vi := range res.Groups[gi].Versions {
			jobs = append(jobs, job{gi, vi})
		}
	}
	var (
		mu     sync.Mutex
		failed []FailedGroupVersion
		wg     sync.WaitGroup
		sem    = make(chan struct{}, legacyConcurrency)
	)
	h := sha256.New()
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			g := &res.Groups[j.gi]
			v := &g.Versions[j.vi]
			r := c.rc.Get()
			if g.Name == "" {
				r = r.AbsPath("/api", v.Version)
			} else {
				r = r.AbsPath("/apis", g.Name, v.Version)
			}
			var list metav1.APIResourceList
			err := r.Into(ctx, &list)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				v.Stale = true
				failed = append(failed, FailedGroupVersion{GroupVersion: gvString(g.Name, v.Version), Err: err})
				return
			}
			v.Resources = fromLegacy(g.Name, v.Version, list.Resources)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil
	}
	for _, g := range res.Groups {
		for _, v := range g.Versions {
			h.Write([]byte(gvString(g.Name, v.Version) + "\n"))
			for _, r := range v.Resources {
				h.Write([]byte(r.String() + "\n"))
			}
		}
	}
	return &fetched{res: res, partial: partialOf(failed), hash: hex.EncodeToString(h.Sum(nil))}
}

func fromLegacy(group, version string, list []metav1.APIResource) []Resource {
	var out []Resource
	index := map[string]int{}
	var subs []metav1.APIResource
	for _, ar := range list {
		if strings.Contains(ar.Name, "/") {
			subs = append(subs, ar)
			continue
		}
		index[ar.Name] = len(out)
		out = append(out, Resource{Group: group, Version: version, Name: ar.Name, SingularName: ar.SingularName,
			Kind: ar.Kind, Namespaced: ar.Namespaced, Verbs: ar.Verbs, ShortNames: ar.ShortNames, Categories: ar.Categories})
	}
	for _, s := range subs {
		parent, name, _ := strings.Cut(s.Name, "/")
		i, ok := index[parent]
		if !ok {
			continue
		}
		sub := Subresource{Name: name, Group: s.Group, Version: s.Version, Kind: s.Kind, Verbs: s.Verbs}
		if sub.Version == "" {
			sub.Group, sub.Version = group, version
		}
		out[i].Subresources = append(out[i].Subresources, sub)
	}
	sortResources(out)
	return out
}

func sortResources(rs []Resource) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
}

func partialOf(failed []FailedGroupVersion) *PartialError {
	if len(failed) == 0 {
		return nil
	}
	sort.Slice(failed, func(i, j int) bool { return failed[i].GroupVersion < failed[j].GroupVersion })
	return &PartialError{Failed: failed}
}
