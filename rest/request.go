package rest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

// PatchType is the content type of a PATCH body.
type PatchType string

// The patch types the API server accepts.
const (
	// JSONPatch is an RFC 6902 list of operations.
	JSONPatch PatchType = "application/json-patch+json"
	// MergePatch is an RFC 7386 JSON merge patch.
	MergePatch PatchType = "application/merge-patch+json"
	// StrategicMergePatch is Kubernetes' merge patch that merges lists by
	// key (built-in kinds only).
	StrategicMergePatch PatchType = "application/strategic-merge-patch+json"
	// ApplyPatch is a server-side apply configuration (YAML or JSON); it
	// needs the fieldManager parameter.
	ApplyPatch PatchType = "application/apply-patch+yaml"
)

// ServiceProxyName returns the service name for the proxy subresource in the
// form "[scheme:]name[:port]": ServiceProxyName("https", "echo", "8443") is
// "https:echo:8443". scheme and port may be empty; port may be a number or a
// port name.
func ServiceProxyName(scheme, name, port string) string {
	s := name
	if scheme != "" {
		s = scheme + ":" + s
	}
	if port != "" {
		s += ":" + port
	}
	return s
}

// Request builds one API request. Start it from a Client verb method, chain
// the setters, and finish with Build, Do, Into, Stream or Watch. A setter
// given a bad value records the error and the request fails with that
// *RequestError when finished; later setters are then ignored. Setters
// modify the Request and return it; a Request is not safe for concurrent
// use, but it may be finished more than once.
type Request struct {
	c    *Client
	verb string
	err  error

	group, version  string
	groupSet        bool
	namespace       string
	resource        string
	resourceSet     bool
	name            string
	nameSet         bool
	subresource     []string
	suffix          []string
	trailingSlash   bool
	absPath         []string
	absSet          bool
	params          url.Values
	headers         http.Header
	body            []byte
	bodySet         bool
	contentType     string
	patchType       PatchType
	contentTypeAuto bool // contentType came from Body, so the patch type may replace it
}

func (r *Request) fail(field, value, reason string) {
	if r.err == nil {
		r.err = &RequestError{Field: field, Value: value, Reason: reason}
	}
}

// checkSegment validates one path segment: not empty, not "." or "..", no
// "/" and no "%" (a name is never pre-escaped).
func (r *Request) checkSegment(field, s string) bool {
	switch {
	case s == "":
		r.fail(field, s, "empty path segment")
	case s == "." || strings.Contains(s, ".."):
		r.fail(field, s, `must not be "." or contain ".."`)
	case strings.ContainsAny(s, "/%"):
		r.fail(field, s, `must not contain "/" or "%"`)
	case strings.ContainsFunc(s, func(c rune) bool { return c < ' ' || c == 0x7f }):
		r.fail(field, s, "must not contain control characters")
	default:
		return true
	}
	return false
}

// Group sets the API group; "" is the core group (/api/v1), any other
// group gives /apis/GROUP/VERSION.
func (r *Request) Group(g string) *Request {
	if r.err == nil && (g == "" || r.checkSegment("Group", g)) {
		r.group, r.groupSet = g, true
	}
	return r
}

// Version sets the API version ("v1", "v1beta1"); it is required unless
// AbsPath is used.
func (r *Request) Version(v string) *Request {
	if r.err == nil && r.checkSegment("Version", v) {
		r.version = v
	}
	return r
}

// Namespace scopes the request to namespace ns (/namespaces/NS/...). ""
// means no namespace: all namespaces for a list or watch of a namespaced
// resource, or a cluster-scoped resource. The builder does not know which
// resources are cluster-scoped (the typed clients do); it rejects only a
// namespace on the "namespaces" resource itself.
func (r *Request) Namespace(ns string) *Request {
	if r.err == nil && (ns == "" || r.checkSegment("Namespace", ns)) {
		r.namespace = ns
	}
	return r
}

// Resource sets the resource, plural and lower case ("pods").
func (r *Request) Resource(res string) *Request {
	if r.err == nil && r.checkSegment("Resource", res) {
		r.resource, r.resourceSet = res, true
	}
	return r
}

// Name selects one object of the resource. An empty name is an error: a
// request meant for one object must not silently address the collection.
func (r *Request) Name(name string) *Request {
	if r.err == nil && r.checkSegment("Name", name) {
		r.name, r.nameSet = name, true
	}
	return r
}

// SubResource appends a subresource after the name: "status", "scale",
// "log", "exec", "eviction", or "proxy" (for a service, name it with
// ServiceProxyName and put the proxied path in Suffix).
func (r *Request) SubResource(parts ...string) *Request {
	for _, p := range parts {
		if r.err != nil || !r.checkSegment("SubResource", p) {
			return r
		}
	}
	r.subresource = append(r.subresource, parts...)
	return r
}

// Suffix appends a path after everything else, typically the path proxied
// by the "proxy" subresource. Each argument may hold several "/"-separated
// segments; each segment is escaped. A trailing "/" on the last argument is
// kept, so Suffix("/") addresses the proxied root ".../proxy/". Empty
// segments are dropped; "." and ".." are errors.
func (r *Request) Suffix(paths ...string) *Request {
	for _, p := range paths {
		if r.err != nil {
			return r
		}
		if p == "" {
			r.fail("Suffix", p, "empty path")
			return r
		}
		for seg := range strings.SplitSeq(p, "/") {
			if seg == "" {
				continue
			}
			if seg == "." || seg == ".." {
				r.fail("Suffix", p, `must not contain "." or ".." segments`)
				return r
			}
			r.suffix = append(r.suffix, seg)
		}
		r.trailingSlash = strings.HasSuffix(p, "/")
	}
	return r
}

// AbsPath sets a path outside the group/version scheme: "/api", "/apis",
// "/version", "/healthz", "/openapi/v3". Arguments are joined like Suffix
// and a trailing "/" is kept. It excludes Group, Version, Namespace,
// Resource, Name and SubResource; Suffix may follow it.
func (r *Request) AbsPath(paths ...string) *Request {
	if r.err != nil {
		return r
	}
	saved := r.suffix
	r.suffix = nil
	r.Suffix(paths...)
	r.absPath, r.suffix, r.absSet = r.suffix, saved, true
	if len(paths) == 0 {
		r.fail("AbsPath", "", "no path")
	}
	return r
}

// Param adds a query parameter; repeated calls with the same key add
// values.
func (r *Request) Param(key, value string) *Request {
	if r.err != nil {
		return r
	}
	if key == "" {
		r.fail("Param", value, "empty parameter name")
		return r
	}
	if r.params == nil {
		r.params = url.Values{}
	}
	r.params.Add(key, value)
	return r
}

// Params adds every value of q.
func (r *Request) Params(q url.Values) *Request {
	for k, vs := range q {
		for _, v := range vs {
			r.Param(k, v)
		}
	}
	return r
}

// LabelSelector sets labelSelector ("app=web,tier!=db"); "" sets nothing.
func (r *Request) LabelSelector(s string) *Request { return r.paramIf("labelSelector", s) }

// FieldSelector sets fieldSelector ("metadata.name=web"); "" sets nothing.
func (r *Request) FieldSelector(s string) *Request { return r.paramIf("fieldSelector", s) }

// Limit sets limit, the page size of a list; 0 sets nothing.
func (r *Request) Limit(n int64) *Request {
	if n == 0 {
		return r
	}
	return r.Param("limit", strconv.FormatInt(n, 10))
}

// Continue sets continue, the token of the next list page; "" sets nothing.
func (r *Request) Continue(token string) *Request { return r.paramIf("continue", token) }

// ResourceVersion sets resourceVersion; "" sets nothing.
func (r *Request) ResourceVersion(rv string) *Request { return r.paramIf("resourceVersion", rv) }

// ResourceVersionMatch sets resourceVersionMatch
// (metav1.ResourceVersionMatchExact, metav1.ResourceVersionMatchNotOlderThan);
// "" sets nothing.
func (r *Request) ResourceVersionMatch(m metav1.ResourceVersionMatch) *Request {
	return r.paramIf("resourceVersionMatch", string(m))
}

// TimeoutSeconds sets timeoutSeconds, the server-side limit of a list or
// watch; 0 sets nothing.
func (r *Request) TimeoutSeconds(n int64) *Request {
	if n == 0 {
		return r
	}
	return r.Param("timeoutSeconds", strconv.FormatInt(n, 10))
}

// DryRun sets dryRun=All when on: the server validates a write without
// persisting it.
func (r *Request) DryRun(on bool) *Request {
	if !on {
		return r
	}
	return r.Param("dryRun", "All")
}

// FieldManager sets fieldManager, the writer's name for managed fields; ""
// sets nothing.
func (r *Request) FieldManager(m string) *Request { return r.paramIf("fieldManager", m) }

// Force sets force=true when on: a server-side apply takes conflicting
// fields from other managers.
func (r *Request) Force(on bool) *Request {
	if !on {
		return r
	}
	return r.Param("force", "true")
}

// PropagationPolicy sets propagationPolicy (metav1.DeletePropagationOrphan,
// DeletePropagationBackground, DeletePropagationForeground) for a delete; ""
// sets nothing.
func (r *Request) PropagationPolicy(p metav1.DeletionPropagation) *Request {
	return r.paramIf("propagationPolicy", string(p))
}

// GracePeriodSeconds sets gracePeriodSeconds for a delete (0: immediately).
func (r *Request) GracePeriodSeconds(n int64) *Request {
	return r.Param("gracePeriodSeconds", strconv.FormatInt(n, 10))
}

func (r *Request) paramIf(key, value string) *Request {
	if value == "" {
		return r
	}
	return r.Param(key, value)
}

// Header adds a request header. It replaces the defaults for Accept,
// Content-Type and User-Agent. Header values are never logged or shown in
// errors.
func (r *Request) Header(key, value string) *Request {
	if r.err != nil {
		return r
	}
	if key == "" || strings.ContainsAny(key, " \t\r\n:") {
		r.fail("Header", key, "not a valid header name")
		return r
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		r.fail("Header", key, "value contains a line break or NUL")
		return r
	}
	if r.headers == nil {
		r.headers = http.Header{}
	}
	r.headers.Add(key, value)
	return r
}

// Body sets the body to obj encoded as JSON with codec.Marshal (through its
// generated encoder when it has one); a []byte is sent as it is. The
// content type is application/json, or the patch type for Patch requests.
func (r *Request) Body(obj any) *Request {
	if r.err != nil {
		return r
	}
	var b []byte
	switch v := obj.(type) {
	case nil:
		r.fail("Body", "", "nil body")
		return r
	case []byte:
		b = v
	default:
		var err error
		if b, err = codec.Marshal(obj); err != nil {
			r.err = &RequestError{Field: "Body", Reason: "cannot encode the body as JSON", Err: err}
			return r
		}
	}
	r.body, r.bodySet, r.contentType, r.contentTypeAuto = b, true, "application/json", true
	return r
}

// BodyBytes sets the body to b, sent byte for byte (and again, identical, on
// a retry), with the given content type; "" means application/json, or the
// patch type for Patch requests. The Request keeps b: do not change it
// until the request is done.
func (r *Request) BodyBytes(b []byte, contentType string) *Request {
	if r.err != nil {
		return r
	}
	if b == nil {
		b = []byte{}
	}
	r.body, r.bodySet, r.contentType, r.contentTypeAuto = b, true, contentType, contentType == ""
	if contentType == "" {
		r.contentType = "application/json"
	}
	return r
}

// URL returns the URL the request is sent to, or the builder's error.
func (r *Request) URL() (*url.URL, error) {
	if err := r.usable(context.Background(), "URL"); err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	var segs []string
	switch {
	case r.absSet:
		if r.groupSet || r.version != "" || r.namespace != "" || r.resourceSet || r.nameSet || len(r.subresource) > 0 {
			return nil, &RequestError{Field: "AbsPath", Reason: "cannot be combined with Group, Version, Namespace, Resource, Name or SubResource"}
		}
		segs = r.absPath
	default:
		if r.version == "" {
			return nil, &RequestError{Field: "Version", Reason: "an API version is required (or AbsPath)"}
		}
		if r.group == "" {
			segs = []string{"api", r.version}
		} else {
			segs = []string{"apis", r.group, r.version}
		}
		if !r.resourceSet && (r.namespace != "" || r.nameSet || len(r.subresource) > 0) {
			return nil, &RequestError{Field: "Resource", Reason: "a resource is required with Namespace, Name or SubResource"}
		}
		if r.namespace != "" {
			if r.group == "" && r.resource == "namespaces" {
				return nil, &RequestError{Field: "Namespace", Value: r.namespace, Reason: "namespaces are cluster-scoped; use Resource(\"namespaces\").Name(ns)"}
			}
			segs = append(segs, "namespaces", r.namespace)
		}
		if r.resourceSet {
			segs = append(segs, r.resource)
		}
		if r.nameSet {
			segs = append(segs, r.name)
		} else if len(r.subresource) > 0 {
			return nil, &RequestError{Field: "SubResource", Value: strings.Join(r.subresource, "/"), Reason: "a name is required with a subresource"}
		}
		segs = append(segs, r.subresource...)
	}
	segs = append(segs, r.suffix...)

	u := *r.c.base
	var raw, plain strings.Builder
	raw.WriteString(u.EscapedPath())
	plain.WriteString(u.Path)
	for _, s := range segs {
		raw.WriteString("/" + url.PathEscape(s))
		plain.WriteString("/" + s)
	}
	if r.trailingSlash || len(segs) == 0 {
		raw.WriteString("/")
		plain.WriteString("/")
	}
	u.Path, u.RawPath = plain.String(), raw.String()
	if r.params != nil {
		u.RawQuery = r.params.Encode()
	}
	return &u, nil
}

// Build returns the *http.Request Do would send first, without sending it:
// method, URL, headers (Accept, Content-Type, User-Agent and the ones given)
// and a body that GetBody can replay. It does no I/O and holds no
// credentials (the transport adds those). The error is the builder's
// *RequestError.
func (r *Request) Build(ctx context.Context) (*http.Request, error) {
	if err := r.usable(ctx, "Build"); err != nil {
		return nil, err
	}
	u, err := r.URL()
	if err != nil {
		return nil, err
	}
	req := (&http.Request{
		Method:     r.verb,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, len(r.headers)+3),
		Host:       u.Host,
	}).WithContext(ctx)
	req.Header.Set("Accept", "application/json, */*")
	if r.c.userAgent != "" {
		req.Header.Set("User-Agent", r.c.userAgent)
	}
	if r.bodySet {
		ct := r.contentType
		if r.patchType != "" && r.contentTypeAuto {
			ct = string(r.patchType)
		}
		req.Header.Set("Content-Type", ct)
		body := r.body
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.Body, _ = req.GetBody()
		if len(body) == 0 {
			req.Body = http.NoBody
		}
	}
	for k, vs := range r.headers {
		req.Header[k] = append([]string(nil), vs...)
	}
	return req, nil
}
