package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/selector"
	"github.com/kubewire/kubewire/labels"
)

// present returns o as served at the request's version.
func present(ri *resInfo, o obj) obj {
	out := make(obj, len(o))
	for k, v := range o {
		out[k] = v
	}
	out["apiVersion"] = ri.groupVersion()
	out["kind"] = ri.Kind
	return out
}

// writeObject answers with one object in the negotiated format.
func (s *Server) writeObject(rq *request, code int, o obj) {
	o = present(rq.ri, o)
	for _, w := range rq.warnings {
		rq.w.Header().Add("Warning", "299 - "+strconv.Quote(w))
	}
	switch rq.out {
	case "table":
		writeJSON(rq.w, code, s.table(rq, []obj{o}, false))
	case "partial":
		writeJSON(rq.w, code, partialIn(o, rq.metaGV))
	case "partiallist":
		writeErr(rq.w, errPartialListOfObject(rq.ri))
	default:
		writeJSON(rq.w, code, o)
	}
}

// notAcceptable is the 406 the real server answers when the object asked
// for as PartialObjectMetadata is a list, or the list asked for as
// PartialObjectMetadataList is one object.
func notAcceptable(msg string) *apiError {
	return newStatus(http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable, msg, nil)
}

func partial(o obj) obj { return partialIn(o, "meta.k8s.io/v1") }

// partialIn is o as a PartialObjectMetadata of group/version gv
// (meta.k8s.io/v1 or v1beta1).
func partialIn(o obj, gv string) obj {
	return obj{"kind": "PartialObjectMetadata", "apiVersion": gv, "metadata": o["metadata"]}
}

// parseRV parses a resourceVersion parameter; "" is 0. A value that is not
// a number is the watch cache's error: a 500 with no reason.
func parseRV(v string) (uint64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, newStatus(http.StatusInternalServerError, "", rvInvalid(v, err), nil)
	}
	return n, nil
}

// rvInvalid is the field error the real server prints for a
// resourceVersion that does not parse.
func rvInvalid(v string, err error) string {
	return fmt.Sprintf("resourceVersion: Invalid value: %q: %v", v, err)
}

// queryInts checks the integer parameters of a list or watch as the real
// server's query decoding does, in its order, answering the strconv error.
func queryInts(q url.Values) (timeout, limit int64, err error) {
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"timeoutSeconds", &timeout}, {"limit", &limit}} {
		v, ok := q[p.name]
		if !ok || len(v) == 0 {
			continue
		}
		n, perr := strconv.ParseInt(v[0], 10, 64)
		if perr != nil {
			return 0, 0, errBadRequest(perr.Error())
		}
		*p.dst = n
	}
	return timeout, limit, nil
}

func errTooLarge(rv, cur uint64) *apiError {
	e := newStatus(http.StatusGatewayTimeout, "Timeout",
		fmt.Sprintf("Timeout: Too large resource version: %d, current: %d", rv, cur), nil)
	e.s.Details = detailsTooLarge()
	return e
}

func (s *Server) handleGet(rq *request) error {
	rv, err := parseRV(rq.q.Get("resourceVersion"))
	if err != nil {
		return err
	}
	if cur := s.st.current(); rv > cur {
		return errTooLarge(rv, cur)
	}
	o := s.st.get(rq.ri.storageKey(), rq.ns, rq.name)
	if o == nil {
		return notFound(rq)
	}
	if rq.sub == "scale" {
		writeJSON(rq.w, http.StatusOK, scaleOf(rq.ri, o))
		return nil
	}
	s.writeObject(rq, http.StatusOK, o)
	return nil
}

// validateListOptions checks the options of a list or watch as the real
// server's ListOptions validation does, reporting every problem.
func validateListOptions(q url.Values, watch bool) error {
	rv, match, cont := q.Get("resourceVersion"), q.Get("resourceVersionMatch"), q.Get("continue")
	_, sendInitial := q["sendInitialEvents"]
	forbidden := func(field, detail string) fieldError {
		return fieldError{Type: "FieldValueForbidden", Field: field, Detail: detail}
	}
	var errs []fieldError
	if !watch && match != "" {
		if rv == "" {
			errs = append(errs, forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"))
		}
		if cont != "" {
			errs = append(errs, forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
		}
		if match != "Exact" && match != "NotOlderThan" {
			errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "resourceVersionMatch", Value: match, Detail: `supported values: "Exact", "NotOlderThan", ""`})
		}
		if match == "Exact" && rv == "0" {
			errs = append(errs, forbidden("resourceVersionMatch", `resourceVersionMatch "exact" is forbidden for resourceVersion "0"`))
		}
	}
	if sendInitial {
		if !watch {
			errs = append(errs, forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))
		} else if match != "NotOlderThan" {
			errs = append(errs, forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
		}
	}
	if watch && match != "" {
		if !sendInitial {
			errs = append(errs, forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"))
		}
		if match != "NotOlderThan" {
			errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "resourceVersionMatch", Value: match, Detail: `supported values: "NotOlderThan"`})
		}
		if cont != "" {
			errs = append(errs, forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
		}
	}
	if errs != nil {
		return errInvalidOptions("ListOptions", errs...)
	}
	return nil
}

// selectors parses the label and field selectors of a list or watch.
func (s *Server) selectors(rq *request) (labels.Selector, selector.Fields, error) {
	ls, err := labels.Parse(rq.q.Get("labelSelector"))
	if err != nil {
		return ls, nil, errBadRequest(err.Error())
	}
	fs, err := selector.ParseFieldsLax(rq.q.Get("fieldSelector"))
	if err != nil {
		return ls, nil, errBadRequest(err.Error())
	}
	for _, r := range fs {
		if err := checkFieldLabel(rq.ri, r.Field); err != nil {
			return ls, nil, err
		}
	}
	return ls, fs, nil
}

func matches(ri *resInfo, ls labels.Selector, fs selector.Fields, o obj) bool {
	if !ls.Empty() && !ls.Matches(objectLabels(o)) {
		return false
	}
	return len(fs) == 0 || fs.Matches(func(f string) string { return fieldValue(ri, o, f) })
}

// continueToken is the opaque state of a paginated list.
type continueToken struct {
	V     string `json:"v"`
	RV    int64  `json:"rv"`
	Start string `json:"start"`
}

// encodeContinue encodes the state of a paginated list; rv -1 continues
// at the latest resourceVersion (an inconsistent continuation).
func encodeContinue(rv int64, lastKey string) string {
	b, _ := json.Marshal(continueToken{V: "meta.k8s.io/v1", RV: rv, Start: lastKey + "\x00"})
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenKey is a store key as the real server's continue token holds it:
// relative to the listed resource's prefix in storage (the name alone in
// a namespace's list or for a cluster-scoped kind, namespace/name across
// namespaces). storeKey is its inverse.
func tokenKey(rq *request, key string) string {
	if rq.ns != "" || !rq.ri.Namespaced {
		return key[strings.IndexByte(key, '/')+1:]
	}
	return key
}

func storeKey(rq *request, tok string) string {
	if rq.ns != "" || !rq.ri.Namespaced {
		return objKey(rq.ns, tok)
	}
	return tok
}

// decodeContinue decodes a continue token with the checks and messages of
// the real storage layer.
func decodeContinue(tok string) (continueToken, error) {
	var t continueToken
	invalid := func(msg string) error {
		return errBadRequest("invalid continue token: continue key is not valid" + msg)
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return t, invalid(": " + err.Error())
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, invalid(": " + err.Error())
	}
	if t.V != "meta.k8s.io/v1" {
		return t, invalid(": server does not recognize this encoded version " + t.V)
	}
	switch {
	case t.RV == 0:
		return t, invalid(": incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
	case t.Start == "":
		return t, invalid(": encoded start key empty (version meta.k8s.io/v1)")
	}
	key := t.Start
	if !strings.HasPrefix(key, "/") {
		key = "/" + key
	}
	if path.Clean(key) != key {
		return t, invalid(": " + t.Start)
	}
	return t, nil
}

const msgContinueExpired = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."

func (s *Server) handleList(rq *request) error {
	_, limit, err := queryInts(rq.q)
	if err != nil {
		return err
	}
	ls, fs, err := s.selectors(rq)
	if err != nil {
		return err
	}
	if err := validateListOptions(rq.q, false); err != nil {
		return err
	}
	rvParam, match := rq.q.Get("resourceVersion"), rq.q.Get("resourceVersionMatch")
	cont := rq.q.Get("continue")
	var tok continueToken
	if cont != "" {
		// The storage layer decodes the token before it looks at the
		// resourceVersion.
		if tok, err = decodeContinue(cont); err != nil {
			return err
		}
		if rvParam != "" && rvParam != "0" {
			return errBadRequest("specifying resource version is not allowed when using continue")
		}
	}
	rv, err := parseRV(rvParam)
	if err != nil {
		// A list reports it as a BadRequest (in 1.32 the watch cache
		// served the lists without limit or Exact match, with a bare
		// 500).
		_, perr := strconv.ParseUint(rvParam, 10, 64)
		return errBadRequest("invalid resource version: " + rvInvalid(rvParam, perr))
	}
	start := ""
	var snapRV uint64
	if cont != "" {
		start = storeKey(rq, strings.TrimSuffix(tok.Start, "\x00"))
		if tok.RV > 0 {
			snapRV = uint64(tok.RV)
		}
	} else if match == "Exact" || (match == "" && rv > 0 && limit > 0) {
		snapRV = rv
	}
	s.st.mu.Lock()
	cur := s.st.rv
	if rv > cur && snapRV == 0 {
		s.st.mu.Unlock()
		return errTooLarge(rv, cur)
	}
	items, atRV, err := s.st.snapshot(rq.ri.storageKey(), rq.ns, snapRV)
	if err != nil && cont != "" {
		items, atRV, err = s.st.snapshot(rq.ri.storageKey(), rq.ns, 0)
		s.st.mu.Unlock()
		if err != nil {
			return err
		}
		e := errExpired(msgContinueExpired)
		e.s.ListMeta.Continue = encodeContinue(-1, tokenKey(rq, start))
		_ = items
		_ = atRV
		return e
	}
	s.st.mu.Unlock()
	if err != nil {
		return err
	}
	var out []obj
	var next string
	remaining := int64(0)
	for i, o := range items {
		key := objKey(metaString(o, "namespace"), metaString(o, "name"))
		if start != "" && key <= start {
			continue
		}
		if !matches(rq.ri, ls, fs, o) {
			continue
		}
		if limit > 0 && int64(len(out)) == limit {
			last := out[len(out)-1]
			next = encodeContinue(int64(atRV), tokenKey(rq, objKey(metaString(last, "namespace"), metaString(last, "name"))))
			if ls.Empty() && len(fs) == 0 {
				remaining = int64(len(items) - i)
			}
			break
		}
		out = append(out, o)
	}
	lm := map[string]any{"resourceVersion": rvString(atRV)}
	if rq.ri.CRD != "" {
		// Custom resource lists are unstructured: the empty continue
		// token is written.
		lm["continue"] = next
	}
	if next != "" {
		lm["continue"] = next
		if remaining > 0 {
			lm["remainingItemCount"] = remaining
		}
	}
	s.writeList(rq, lm, out)
	return nil
}

// writeList answers with a list in the negotiated format.
func (s *Server) writeList(rq *request, lm map[string]any, items []obj) {
	switch rq.out {
	case "table":
		for i, o := range items {
			items[i] = present(rq.ri, o)
		}
		t := s.table(rq, items, true)
		t["metadata"] = tableListMeta(lm)
		writeJSON(rq.w, http.StatusOK, t)
		return
	case "partial":
		writeErr(rq.w, errPartialOfList(rq.ri))
		return
	case "partiallist":
		list := make([]any, len(items))
		for i, o := range items {
			list[i] = partialIn(present(rq.ri, o), rq.metaGV)
		}
		if c, ok := lm["continue"]; ok && c == "" {
			// A custom resource list's empty continue token: the
			// ListMeta of the typed list omits it.
			lm = maps.Clone(lm)
			delete(lm, "continue")
		}
		writeJSON(rq.w, http.StatusOK, obj{"kind": "PartialObjectMetadataList", "apiVersion": rq.metaGV, "metadata": lm, "items": list})
		return
	}
	list := make([]any, len(items))
	for i, o := range items {
		p := present(rq.ri, o)
		if rq.ri.CRD == "" {
			delete(p, "apiVersion")
			delete(p, "kind")
		}
		list[i] = p
	}
	writeJSON(rq.w, http.StatusOK, obj{"kind": rq.ri.Kind + "List", "apiVersion": rq.ri.groupVersion(), "metadata": lm, "items": list})
}

// fieldLabels are the field selectors beyond metadata.name and
// metadata.namespace that built-in kinds support, by storage key. Kinds
// listed here answer an unsupported field with "field label not supported".
var fieldLabels = map[string][]string{
	"/pods": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
		"spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"},
	"/nodes":                  {"spec.unschedulable"},
	"/replicationcontrollers": {"status.replicas"},
	"/events": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
		"involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
		"reason", "reportingComponent", "source", "type"},
	"/namespaces":      {"status.phase"},
	"/secrets":         {"type"},
	"apps/replicasets": {"status.replicas"},
	"batch/jobs":       {"status.successful"},
	"certificates.k8s.io/certificatesigningrequests": {"spec.signerName"},
}

func checkFieldLabel(ri *resInfo, f string) error {
	if f == "metadata.name" || f == "metadata.namespace" {
		return nil
	}
	extra, registered := fieldLabels[ri.storageKey()]
	for _, x := range append(extra, ri.Selectable...) {
		if x == f {
			return nil
		}
	}
	if registered {
		return errBadRequest("field label not supported: " + f)
	}
	return errBadRequest(fmt.Sprintf("%q is not a known field selector: only %q, %q", f, "metadata.name", "metadata.namespace"))
}

// fieldValue is the value a field selector compares for o.
func fieldValue(ri *resInfo, o obj, f string) string {
	switch ri.storageKey() + " " + f {
	case "/pods spec.hostNetwork", "/nodes spec.unschedulable":
		if v := selector.Lookup(o, f); v != "" {
			return v
		}
		return "false"
	case "/pods spec.restartPolicy", "/pods spec.schedulerName":
		// The fake does not default pods; the selector sees the value the
		// real server's defaulting gives.
		if v := selector.Lookup(o, f); v != "" {
			return v
		}
		return map[string]string{"spec.restartPolicy": "Always", "spec.schedulerName": "default-scheduler"}[f]
	case "/pods status.podIPs":
		if ips, ok := nested(o, "status", "podIPs").([]any); ok && len(ips) > 0 {
			if m, ok := ips[0].(map[string]any); ok {
				return str(m, "ip")
			}
		}
		return ""
	case "/events source":
		if v := selector.Lookup(o, "source.component"); v != "" {
			return v
		}
		return selector.Lookup(o, "reportingComponent")
	case "/replicationcontrollers status.replicas", "apps/replicasets status.replicas":
		return numberOr0(selector.Lookup(o, "status.replicas"))
	case "batch/jobs status.successful":
		return numberOr0(selector.Lookup(o, "status.succeeded"))
	}
	return selector.Lookup(o, f)
}

func numberOr0(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func numberOrZero(v any) any {
	if v == nil {
		return json.Number("0")
	}
	return v
}

// objectLabels returns the metadata.labels of an object decoded from JSON.
func objectLabels(o obj) labels.Set {
	md, _ := o["metadata"].(map[string]any)
	raw, _ := md["labels"].(map[string]any)
	out := make(labels.Set, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}
