package fake

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// request is one resource request being served.
type request struct {
	r        *http.Request
	w        http.ResponseWriter
	verb     string
	ri       *resInfo
	sub      string
	ns, name string
	user     *user
	manager  string
	dryRun   bool
	q        url.Values
	body     []byte
	ct       string // request media type
	out      string // response format: "json", "protobuf", "table", "partial", "partiallist"
	proto    bool   // the response is in protobuf ("protobuf", or "partial"/"partiallist" asked so)
	metaGV   string // "meta.k8s.io/v1" or "meta.k8s.io/v1beta1": the version of "partial"/"partiallist" answers
	log      *Request
	fault    *Fault
	// warnings are sent as Warning headers with the answer.
	warnings []string
}

// statusWriter records the response status for the request log.
type statusWriter struct {
	http.ResponseWriter
	log   *Request
	s     *Server
	code  int
	proto bool // the response is negotiated to protobuf (see writeProto)
	// pretty: JSON answers are indented (see wantsPretty).
	pretty bool
	// protoMeta: PartialObjectMetadata(List) answers are negotiated to
	// protobuf; errors stay JSON, as the real server writes them.
	protoMeta bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
		w.s.mu.Lock()
		w.log.Code = code
		w.s.mu.Unlock()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

const maxBody = 3 << 20

// ServeHTTP serves the Kubernetes API.
func (s *Server) ServeHTTP(hw http.ResponseWriter, r *http.Request) {
	entry := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		entry.ContentType, _, _ = mime.ParseMediaType(ct)
	}
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			writeErr(hw, errBadRequest("unable to read the request body: "+err.Error()))
			return
		}
		body = b
		if len(b) <= 1<<20 {
			entry.Body = b
		}
	}
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	s.mu.Unlock()
	w := &statusWriter{ResponseWriter: hw, log: entry, s: s, pretty: wantsPretty(r)}
	if len(body) > maxBody {
		writeErr(w, newStatus(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request entity too large: limit is 3145728", nil))
		return
	}
	u, ok := s.authenticate(r.Header.Get("Authorization"))
	if !ok {
		writeErr(w, newStatus(http.StatusUnauthorized, "Unauthorized", "Unauthorized", nil))
		return
	}
	if u != nil {
		s.mu.Lock()
		entry.User = u.name
		s.mu.Unlock()
	}
	if s.serveNonResource(w, r) {
		return
	}
	rq, err := s.parse(r, u)
	if err == errNoHandler {
		writePlainNotFound(w)
		return
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	rq.w, rq.body, rq.log = w, body, entry
	w.proto = rq.out == "protobuf"
	w.protoMeta = rq.proto && !w.proto
	if err := protoRequest(rq); err != nil {
		writeErr(w, err)
		return
	}
	s.mu.Lock()
	entry.Verb, entry.Group, entry.Version, entry.Resource = rq.verb, rq.ri.Group, rq.ri.Version, rq.ri.Resource
	entry.Subresource, entry.Namespace, entry.Name = rq.sub, rq.ns, rq.name
	s.mu.Unlock()
	if u != nil {
		authNS := rq.ns
		if rq.ri.Group == "" && rq.ri.Resource == "namespaces" {
			authNS = rq.name
		}
		res := rq.ri.Resource
		if rq.sub != "" {
			res += "/" + rq.sub
		}
		if !u.allowed(rq.verb, rq.ri.Group, res, authNS) {
			rq.ns = authNS
			writeErr(w, forbidden(u, rq))
			return
		}
	}
	if f := s.fault(rq); f != nil {
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if f.Status != nil {
			st := *f.Status
			st.Kind, st.APIVersion = "Status", "v1"
			if st.Status == "" {
				st.Status = "Failure"
			}
			if st.Code == 0 {
				st.Code = http.StatusInternalServerError
			}
			writeErr(w, &apiError{st})
			return
		}
		rq.fault = f
	}
	if err := s.serve(rq); err != nil {
		writeErr(w, err)
	}
}

// errNoHandler marks a path outside the API that the real server has no
// handler for; it is answered with a plain-text 404.
var errNoHandler = errPathNotFound()

// parse resolves the URL and method into a resource request.
func (s *Server) parse(r *http.Request, u *user) (*request, error) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var group, version string
	var rest []string
	switch {
	case len(segs) >= 3 && segs[0] == "api":
		version, rest = segs[1], segs[2:]
	case len(segs) >= 4 && segs[0] == "apis":
		group, version, rest = segs[1], segs[2], segs[3:]
	case segs[0] != "api" && segs[0] != "apis" && segs[0] != "":
		return nil, errNoHandler
	default:
		return nil, errPathNotFound()
	}
	watchPath := false
	if rest[0] == "watch" {
		watchPath, rest = true, rest[1:]
	}
	var ns string
	if len(rest) >= 3 && rest[0] == "namespaces" && !(len(rest) == 3 && (rest[2] == "status" || rest[2] == "finalize")) {
		ns, rest = rest[1], rest[2:]
	}
	if len(rest) == 0 || len(rest) > 3 {
		return nil, errPathNotFound()
	}
	ri := s.reg.lookup(group, version, rest[0])
	if ri == nil || ri.Namespaced == false && ns != "" {
		return nil, errPathNotFound()
	}
	rq := &request{r: r, ri: ri, ns: ns, user: u, q: r.URL.Query()}
	if len(rest) > 1 {
		rq.name = rest[1]
	}
	if len(rest) > 2 {
		rq.sub = rest[2]
		if ri.sub(rq.sub) == nil {
			return nil, errPathNotFound()
		}
	}
	if ri.Namespaced && ns == "" && rq.name != "" {
		return nil, errPathNotFound()
	}
	watch := watchPath || boolParam(rq.q.Get("watch"))
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		switch {
		case watch:
			rq.verb = "watch"
		case rq.name != "":
			rq.verb = "get"
		default:
			rq.verb = "list"
		}
	case http.MethodPost:
		rq.verb = "create"
	case http.MethodPut:
		rq.verb = "update"
	case http.MethodPatch:
		rq.verb = "patch"
	case http.MethodDelete:
		rq.verb = "delete"
		if rq.name == "" {
			rq.verb = "deletecollection"
		}
	default:
		return nil, errMethodNotAllowed()
	}
	if watchPath && rq.verb != "watch" {
		return nil, errMethodNotAllowed()
	}
	rq.dryRun = len(rq.q["dryRun"]) > 0
	if err := validateWriteOptions(rq); err != nil {
		return nil, err
	}
	rq.manager = rq.q.Get("fieldManager")
	if rq.manager == "" {
		ua := r.Header.Get("User-Agent")
		rq.manager, _, _ = strings.Cut(ua, "/")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		rq.ct, _, _ = mime.ParseMediaType(ct)
	}
	out, proto, err := negotiateFor(r.Header.Get("Accept"), rq.ri)
	if err != nil {
		return nil, err
	}
	rq.out, rq.proto = out, proto
	rq.metaGV = partialGroupVersion(r.Header.Get("Accept"), out, proto)
	return rq, nil
}

func boolParam(v string) bool { return v == "true" || v == "1" }

// validateWriteOptions checks dryRun and fieldValidation of a create,
// update or patch, as the real options validation does. A delete's options
// may come from its body: parseDeleteOptions checks them.
func validateWriteOptions(rq *request) error {
	kind := map[string]string{"create": "CreateOptions", "update": "UpdateOptions", "patch": "PatchOptions"}[rq.verb]
	if kind == "" {
		return nil // reads have no dryRun
	}
	var errs []fieldError
	for _, d := range rq.q["dryRun"] {
		if d != "All" {
			errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "dryRun", Value: rq.q["dryRun"], Detail: `supported values: "All"`})
			break
		}
	}
	if fv, ok := rq.q["fieldValidation"]; ok && len(fv) > 0 {
		switch fv[0] {
		case "", "Ignore", "Strict", "Warn":
		default:
			errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "fieldValidation", Value: fv[0], Detail: `supported values: "", "Ignore", "Strict", "Warn"`})
		}
	}
	if errs == nil {
		return nil
	}
	return errInvalidOptions(kind, errs...)
}

// errInvalidOptions is the 422 for bad query options.
func errInvalidOptions(kind string, errs ...fieldError) *apiError {
	return errInvalid("meta.k8s.io", kind, "", errs...)
}

// negotiate picks the response format from the Accept header.
func negotiate(accept string) (string, error) {
	if strings.TrimSpace(accept) == "" {
		return "json", nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/json", "*/*", "application/*":
		default:
			continue
		}
		switch params["as"] {
		case "":
			return "json", nil
		case "Table":
			if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
				return "table", nil
			}
		case "PartialObjectMetadata", "PartialObjectMetadataList":
			if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
				if params["as"] == "PartialObjectMetadataList" {
					return "partiallist", nil
				}
				return "partial", nil
			}
		}
	}
	return "", errNotAcceptable()
}

// deprecatedAPIs are the warnings kube-apiserver 1.37 sends with every
// request to a deprecated built-in resource, by group/version/resource.
var deprecatedAPIs = map[string]string{
	"v1/endpoints":         "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
	"v1/componentstatuses": "v1 ComponentStatus is deprecated in v1.19+",
}

// serve dispatches a parsed resource request.
func (s *Server) serve(rq *request) error {
	if w := deprecatedAPIs[rq.ri.groupVersion()+"/"+rq.ri.Resource]; w != "" && rq.ri.CRD == "" {
		rq.w.Header().Add("Warning", "299 - "+strconv.Quote(w))
	}
	if rq.ri.Group == "" && rq.ri.Resource == "pods" {
		switch rq.sub {
		case "exec", "attach", "portforward", "log":
			return s.servePodStream(rq)
		}
	}
	if handled, err := s.serveSubresource(rq); handled {
		return err
	}
	if rq.sub != "" && rq.sub != "status" && rq.sub != "scale" {
		if s.st.get(rq.ri.storageKey(), rq.ns, rq.name) == nil {
			return errNotFound(rq.ri.Group, rq.ri.Resource, rq.name)
		}
		return newStatus(http.StatusMethodNotAllowed, "MethodNotAllowed",
			"the fake API server does not implement the subresource "+rq.ri.Resource+"/"+rq.sub, nil)
	}
	if !rq.ri.hasVerb(rq.verb) && rq.sub == "" {
		return errMethodNotAllowed()
	}
	if rq.name == "" && (rq.verb == "update" || rq.verb == "patch") {
		// No PUT or PATCH route on a collection.
		return errMethodNotAllowed()
	}
	if rq.sub != "" && rq.verb != "get" && rq.verb != "update" && rq.verb != "patch" {
		return errMethodNotAllowed()
	}
	switch rq.verb {
	case "get":
		return s.handleGet(rq)
	case "list":
		return s.handleList(rq)
	case "watch":
		return s.handleWatch(rq)
	case "create":
		return s.handleCreate(rq)
	case "update":
		return s.handleUpdate(rq)
	case "patch":
		return s.handlePatch(rq)
	case "delete":
		return s.handleDelete(rq)
	case "deletecollection":
		return s.handleDeleteCollection(rq)
	}
	return errMethodNotAllowed()
}

// writeErr writes an error as a Status.
func writeErr(w http.ResponseWriter, err error) {
	ae, ok := err.(*apiError)
	if !ok {
		ae = errInternal(err)
	}
	writeJSON(w, int(ae.s.Code), ae.s)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	writeJSONType(w, code, "application/json", v)
}

func writeJSONType(w http.ResponseWriter, code int, ct string, v any) {
	if ct == "application/json" && writeProto(w, code, v) {
		return
	}
	b, err := encodeJSON(v)
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = encodeJSON(errInternal(err).s)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(code)
	writeBody(w, b)
}
