package fake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"mime"
	"net/http"
	"runtime"
	"strings"

	"github.com/kubewire/kubewire/internal/apischema"
)

// serveNonResource serves discovery, /version and the health checks, and
// reports whether the path was one of them.
func (s *Server) serveNonResource(w http.ResponseWriter, r *http.Request) bool {
	p := strings.TrimSuffix(r.URL.Path, "/")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case p == "/version":
		minor := strings.TrimPrefix(s.opts.version, "v1.")
		minor, _, _ = strings.Cut(minor, ".")
		s.getOnly(w, r, map[string]any{
			"major": "1", "minor": minor, "gitVersion": s.opts.version, "gitCommit": "kubewire-fake",
			"gitTreeState": "clean", "buildDate": s.started.UTC().Format("2006-01-02T15:04:05Z"),
			"goVersion": runtime.Version(), "compiler": runtime.Compiler, "platform": runtime.GOOS + "/" + runtime.GOARCH,
		})
	case p == "/healthz" || p == "/readyz" || p == "/livez":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok"))
	case p == "/openapi/v3" || strings.HasPrefix(p, "/openapi/v3/"):
		s.serveOpenAPIV3(w, r, strings.TrimPrefix(strings.TrimPrefix(p, "/openapi/v3"), "/"))
	case p == "/openapi/v2":
		s.serveOpenAPIV2(w, r)
	case strings.HasPrefix(p, "/openapi/"):
		writePlainNotFound(w)
	case len(segs) >= 2 && segs[0] == "apis" && !s.reg.hasGroup(segs[1]):
		// No handler at all for a group the server does not serve.
		writePlainNotFound(w)
	case p == "/api":
		if v := aggregatedVersion(r.Header.Get("Accept")); v != "" {
			s.serveAggregated(w, r, v, true)
			return true
		}
		s.getOnly(w, r, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []any{map[string]any{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
	case p == "/apis":
		if v := aggregatedVersion(r.Header.Get("Accept")); v != "" {
			s.serveAggregated(w, r, v, false)
			return true
		}
		var groups []any
		for _, g := range s.reg.groups() {
			if g.Group != "" {
				groups = append(groups, apiGroup(g))
			}
		}
		s.getOnly(w, r, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
	case len(segs) == 2 && segs[0] == "apis":
		for _, g := range s.reg.groups() {
			if g.Group == segs[1] {
				m := apiGroup(g)
				m["kind"], m["apiVersion"] = "APIGroup", "v1"
				s.getOnly(w, r, m)
				return true
			}
		}
		writeErr(w, errPathNotFound())
	case len(segs) == 2 && segs[0] == "api" || len(segs) == 3 && segs[0] == "apis":
		group, version := "", segs[1]
		if segs[0] == "apis" {
			group, version = segs[1], segs[2]
		}
		list := s.resourceList(group, version)
		if list == nil {
			writeErr(w, errPathNotFound())
			return true
		}
		s.getOnly(w, r, list)
	default:
		return false
	}
	return true
}

// writePlainNotFound is the real server's answer for a path no handler
// serves: Go's plain-text 404, not a Status.
func writePlainNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte("404 page not found\n"))
}

func (s *Server) getOnly(w http.ResponseWriter, r *http.Request, v any) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErr(w, errMethodNotAllowed())
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func gvString(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}

func apiGroup(g groupVersions) map[string]any {
	var vs []any
	for _, v := range g.Versions {
		vs = append(vs, map[string]any{"groupVersion": gvString(g.Group, v), "version": v})
	}
	return map[string]any{"name": g.Group, "versions": vs, "preferredVersion": vs[0]}
}

// resourceList is the APIResourceList of one group version, or nil.
func (s *Server) resourceList(group, version string) map[string]any {
	var res []any
	for _, ri := range s.reg.all() {
		if ri.Group != group || ri.Version != version {
			continue
		}
		m := map[string]any{"name": ri.Resource, "singularName": ri.Singular, "namespaced": ri.Namespaced,
			"kind": ri.Kind, "verbs": ri.Verbs}
		if len(ri.ShortNames) > 0 {
			m["shortNames"] = ri.ShortNames
		}
		if len(ri.Categories) > 0 {
			m["categories"] = ri.Categories
		}
		if h := storageVersionHash(ri); h != "" {
			m["storageVersionHash"] = h
		}
		res = append(res, m)
		for _, sub := range ri.Subresources {
			sm := map[string]any{"name": ri.Resource + "/" + sub.Name, "singularName": "", "namespaced": ri.Namespaced,
				"kind": sub.Kind, "verbs": sub.Verbs}
			if sub.Group != ri.Group || sub.Version != ri.Version {
				sm["group"], sm["version"] = sub.Group, sub.Version
			}
			res = append(res, sm)
		}
	}
	if res == nil {
		return nil
	}
	out := map[string]any{"kind": "APIResourceList", "groupVersion": gvString(group, version), "resources": res}
	if group != "" {
		out["apiVersion"] = "v1"
	}
	return out
}

// storageVersionHash is what discovery says of the version a resource is
// stored in: the first 8 bytes of the SHA-256 of its storage
// "group/version/Kind", in base64; empty for resources without storage
// (bindings, reviews, component statuses: not watchable).
func storageVersionHash(ri *resInfo) string {
	if !ri.hasVerb("watch") {
		return ""
	}
	gvk := ""
	switch {
	case ri.CRD != "":
		gvk = ri.Group + "/" + ri.Storage + "/" + ri.Kind
	case storageVersions[ri.storageKey()] != "":
		gvk = storageVersions[ri.storageKey()] + "/" + ri.Kind
	default:
		// The newest version of the resource Kubernetes has.
		v := ri.Version
		for _, r := range apischema.Resources() {
			if r.Group == ri.Group && r.Resource == ri.Resource && apischema.CompareVersions(r.Version, v) > 0 {
				v = r.Version
			}
		}
		gvk = ri.Group + "/" + v + "/" + ri.Kind
	}
	sum := sha256.Sum256([]byte(gvk))
	return base64.StdEncoding.EncodeToString(sum[:8])
}

// storageVersions are the built-in resources kube-apiserver v1.37.2
// stores in another group or in an older version than their newest one
// (a version new in a release is stored from the next).
var storageVersions = map[string]string{
	"events.k8s.io/events":                             "/v1",
	"certificates.k8s.io/clustertrustbundles":          "certificates.k8s.io/v1beta1",
	"certificates.k8s.io/podcertificaterequests":       "certificates.k8s.io/v1beta1",
	"apiextensions.k8s.io/customresourcedefinitions":   "apiextensions.k8s.io/v1beta1",
	"resource.k8s.io/devicetaintrules":                 "resource.k8s.io/v1beta2",
	"storagemigration.k8s.io/storageversionmigrations": "storagemigration.k8s.io/v1beta1",
}

// aggregatedVersion returns the apidiscovery.k8s.io version the Accept
// header asks for first ("v2" or "v2beta1"), or "" for legacy discovery.
func aggregatedVersion(accept string) string {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if mt == "application/json" && params["g"] == "apidiscovery.k8s.io" && params["as"] == "APIGroupDiscoveryList" &&
			(params["v"] == "v2" || params["v"] == "v2beta1") {
			return params["v"]
		}
		if mt == "application/json" && params["as"] == "" {
			return ""
		}
	}
	return ""
}

// serveAggregated serves an APIGroupDiscoveryList of the core group (core)
// or of every other group.
func (s *Server) serveAggregated(w http.ResponseWriter, r *http.Request, version string, core bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErr(w, errMethodNotAllowed())
		return
	}
	all := s.reg.all()
	var items []any
	for _, g := range s.reg.groups() {
		if (g.Group == "") != core {
			continue
		}
		var versions []any
		for _, v := range g.Versions {
			var res []any
			for _, ri := range all {
				if ri.Group == g.Group && ri.Version == v {
					res = append(res, aggregatedResource(ri))
				}
			}
			versions = append(versions, map[string]any{"version": v, "resources": res, "freshness": "Current"})
		}
		md := map[string]any{}
		if g.Group != "" {
			md["name"] = g.Group
		}
		items = append(items, map[string]any{"metadata": md, "versions": versions})
	}
	if items == nil {
		items = []any{}
	}
	ct := "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList"
	w.Header().Set("Vary", "Accept")
	b := map[string]any{"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/" + version, "metadata": map[string]any{}, "items": items}
	writeJSONType(w, http.StatusOK, ct, b)
}

func aggregatedResource(ri *resInfo) map[string]any {
	scope := "Cluster"
	if ri.Namespaced {
		scope = "Namespaced"
	}
	m := map[string]any{
		"resource": ri.Resource, "responseKind": map[string]any{"group": "", "version": "", "kind": ri.Kind},
		"scope": scope, "singularResource": ri.Singular, "verbs": ri.Verbs,
	}
	if len(ri.ShortNames) > 0 {
		m["shortNames"] = ri.ShortNames
	}
	if len(ri.Categories) > 0 {
		m["categories"] = ri.Categories
	}
	var subs []any
	for _, sub := range ri.Subresources {
		g, v := sub.Group, sub.Version
		if ri.CRD == "" && g == ri.Group && v == ri.Version {
			// Built-in subresources answering in the resource's own group
			// version leave it out, as legacy discovery does.
			g, v = "", ""
		}
		subs = append(subs, map[string]any{"subresource": sub.Name,
			"responseKind": map[string]any{"group": g, "version": v, "kind": sub.Kind}, "verbs": sub.Verbs})
	}
	if subs != nil {
		m["subresources"] = subs
	}
	return m
}

// serveOpenAPIV3 serves a minimal OpenAPI v3 index and per group-version
// documents. They hold no schemas: only each resource's PATCH operation
// with its group-version-kind and the fieldValidation parameter, which is
// what kubectl looks for before it relies on server-side field validation
// instead of downloading schemas.
func (s *Server) serveOpenAPIV3(w http.ResponseWriter, r *http.Request, gvPath string) {
	if gvPath == "" {
		paths := map[string]any{}
		for _, g := range s.reg.groups() {
			for _, v := range g.Versions {
				p := "apis/" + g.Group + "/" + v
				if g.Group == "" {
					p = "api/" + v
				}
				paths[p] = map[string]any{"serverRelativeURL": "/openapi/v3/" + p + "?hash=" + s.openAPIHash()}
			}
		}
		s.getOnly(w, r, map[string]any{"paths": paths})
		return
	}
	segs := strings.Split(gvPath, "/")
	var group, version string
	switch {
	case len(segs) == 2 && segs[0] == "api":
		version = segs[1]
	case len(segs) == 3 && segs[0] == "apis":
		group, version = segs[1], segs[2]
	default:
		writeErr(w, errPathNotFound())
		return
	}
	paths := map[string]any{}
	for _, ri := range s.reg.all() {
		if ri.Group != group || ri.Version != version || !ri.hasVerb("patch") {
			continue
		}
		p := "/" + gvPath + "/"
		if ri.Namespaced {
			p += "namespaces/{namespace}/"
		}
		p += ri.Resource + "/{name}"
		paths[p] = map[string]any{"patch": map[string]any{
			"x-kubernetes-action":             "patch",
			"x-kubernetes-group-version-kind": map[string]any{"group": ri.Group, "version": ri.Version, "kind": ri.Kind},
			"parameters": []any{
				map[string]any{"name": "fieldValidation", "in": "query", "schema": map[string]any{"type": "string", "uniqueItems": true}},
				map[string]any{"name": "fieldManager", "in": "query", "schema": map[string]any{"type": "string", "uniqueItems": true}},
				map[string]any{"name": "dryRun", "in": "query", "schema": map[string]any{"type": "string", "uniqueItems": true}},
			},
			"responses": map[string]any{"200": map[string]any{"description": "OK"}},
		}}
	}
	if len(paths) == 0 {
		writeErr(w, errPathNotFound())
		return
	}
	s.getOnly(w, r, map[string]any{
		"openapi": "3.0.0", "info": map[string]any{"title": "Kubernetes (kubewire fake)", "version": s.opts.version},
		"paths": paths, "components": map[string]any{},
	})
}

// serveOpenAPIV2 serves an OpenAPI v2 document with no paths and no
// definitions, as protobuf (gnostic's openapi_v2.Document) when asked for
// it, else as JSON. kubectl reads it for kinds missing from /openapi/v3 (a
// List, a kind no group serves): finding no schema and no fieldValidation
// support there, it skips client-side validation and lets the kind's
// mapping fail per object, as it does against a real server.
func (s *Server) serveOpenAPIV2(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErr(w, errMethodNotAllowed())
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "protobuf") {
		info := protoString(nil, 1, "Kubernetes")
		info = protoString(info, 2, s.opts.version)
		doc := protoString(nil, 1, "2.0")
		doc = protoBytes(doc, 2, info)
		doc = protoBytes(doc, 8, nil)
		w.Header().Set("Content-Type", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
		w.Write(doc)
		return
	}
	s.getOnly(w, r, map[string]any{"swagger": "2.0", "info": map[string]any{"title": "Kubernetes", "version": s.opts.version},
		"paths": map[string]any{}, "definitions": map[string]any{}})
}

// protoString appends a length-delimited protobuf field.
func protoString(b []byte, field int, v string) []byte { return protoBytes(b, field, []byte(v)) }

// protoBytes appends a length-delimited protobuf field (a string, bytes or
// an embedded message).
func protoBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// openAPIHash changes whenever the served resources change (CRDs), so
// clients' caches of the documents stay correct.
func (s *Server) openAPIHash() string {
	h := fnv.New64a()
	for _, ri := range s.reg.all() {
		h.Write([]byte(ri.Group + "/" + ri.Version + "/" + ri.Resource + ";"))
	}
	return fmt.Sprintf("%016X", h.Sum64())
}
