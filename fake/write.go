package fake

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kubewire/kubewire/api/metav1"
)

func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05Z") }

// decodeBody decodes a JSON (or YAML) request body of a create or update
// into an object, with the real server's decoding errors.
func (s *Server) decodeBody(rq *request) (obj, error) {
	switch rq.ct {
	case "", "application/json", "application/yaml", "application/apply-patch+yaml":
	default:
		return nil, errUnsupportedMedia(rq.ct, "application/json, application/yaml")
	}
	var o obj
	var err error
	body := rq.body
	if rq.ct == "application/yaml" {
		// The real server converts YAML to JSON, then decodes that.
		var v any
		if err := yaml.Unmarshal(body, &v); err != nil {
			return nil, errBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %v (%s)", rq.ri.Kind, err, summarizeBody(body)))
		}
		j, err := yamlToJSON(v)
		if err != nil {
			return nil, errBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %v (%s)", rq.ri.Kind, err, summarizeBody(body)))
		}
		body, _ = json.Marshal(j)
	}
	if o, err = decodeObjectBody(rq.ri.Kind, body); err != nil {
		return nil, err
	}
	if err := s.checkBodyKind(rq.ri, o, body); err != nil {
		return nil, err
	}
	dups, order := scanFields(body)
	if len(dups) > 0 {
		// Go's decoder merges an object given twice into the first.
		if m, err := decodeMerged(body); err == nil {
			o = m
		}
	}
	if err := s.decodeTyped(rq, o, dups, order); err != nil {
		return nil, err
	}
	return o, nil
}

// typeMetaOnly is what the real server reads first from a JSON body to find
// its kind; its decoding errors name this type.
type typeMetaOnly = struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// decodeObjectBody decodes a JSON body. Errors are the real server's: it
// first reads apiVersion and kind, and quotes the start of a body it cannot.
func decodeObjectBody(kind string, body []byte) (obj, error) {
	var tm typeMetaOnly
	if err := json.Unmarshal(body, &tm); err != nil {
		return nil, errBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): couldn't get version/kind; json parse error: %v (%s)", kind, err, summarizeBody(body)))
	}
	if strings.TrimSpace(string(body)) == "null" {
		return obj{}, nil
	}
	o, err := decodeJSON(body)
	if err != nil {
		return nil, errBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %v (%s)", kind, err, summarizeBody(body)))
	}
	return o, nil
}

// summarizeBody is how the real server quotes a body it cannot decode: the
// first 30 bytes, as text when it looks like a JSON object, else in hex.
func summarizeBody(b []byte) string {
	const max = 30
	more := ""
	if len(b) > max {
		b, more = b[:max], " ..."
	}
	switch {
	case len(b) == 0:
		return "<empty>"
	case b[0] == '{':
		return string(b) + more
	}
	return hex.EncodeToString(b) + more
}

// checkBodyKind checks the apiVersion and kind of a create or update body
// against the endpoint, with the real server's messages for built-in kinds:
// another kind it knows fails conversion, one it does not know is not
// registered. Missing parts default to the endpoint's, except for a custom
// resource, whose decoder needs both (body is quoted when kind is missing).
func (s *Server) checkBodyKind(ri *resInfo, o obj, body []byte) error {
	if ri.CRD != "" {
		if k, _ := o["kind"].(string); k == "" {
			return errBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): Object 'Kind' is missing in '%s' (%s)", ri.Kind, body, summarizeBody(body)))
		}
		if av, _ := o["apiVersion"].(string); av == "" {
			return errBadRequest(fmt.Sprintf("the API version in the data () does not match the expected API version (%s)", ri.groupVersion()))
		}
		return checkTypeMeta(ri, o)
	}
	av, _ := o["apiVersion"].(string)
	k, _ := o["kind"].(string)
	if av == "" {
		av = ri.groupVersion()
	}
	if k == "" {
		k = ri.Kind
	}
	if av == ri.groupVersion() && k == ri.Kind {
		return nil
	}
	group, version := splitGV(av)
	if k == ri.Kind && group == ri.Group {
		return errBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", av, ri.groupVersion()))
	}
	prefix := fmt.Sprintf("%s in version %q cannot be handled as a %s: ", k, version, ri.Kind)
	if other := s.reg.byKind(av, k); other != nil && other.CRD == "" {
		return errBadRequest(prefix + fmt.Sprintf("converting (%s.%s) to (%s.%s): unknown conversion", version, k, internalPackage(ri.Group), ri.Kind))
	}
	return errBadRequest(prefix + fmt.Sprintf("no kind %q is registered for version %q in scheme \"pkg/runtime/scheme.go:111\"", k, av))
}

// internalPackage is the Go package of a group's internal types in
// Kubernetes, which conversion errors name.
func internalPackage(group string) string {
	switch group {
	case "":
		return "core"
	case "internal.apiserver.k8s.io":
		return "apiserverinternal"
	case "events.k8s.io":
		return "core"
	}
	first, _, _ := strings.Cut(group, ".")
	return first
}

// checkTypeMeta checks the body's apiVersion and kind against the endpoint.
func checkTypeMeta(ri *resInfo, o obj) error {
	if av, _ := o["apiVersion"].(string); av != "" && av != ri.groupVersion() {
		return errBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", av, ri.groupVersion()))
	}
	if k, _ := o["kind"].(string); k != "" && k != ri.Kind {
		return errBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (%s)", k, ri.Kind))
	}
	return nil
}

func (s *Server) handleCreate(rq *request) error {
	if rq.name != "" {
		// No POST route on a named object: refused before decoding.
		return errMethodNotAllowed()
	}
	o, err := s.decodeBody(rq)
	if err != nil {
		return err
	}
	out, code, err := s.create(rq, o)
	if err != nil {
		return err
	}
	s.writeObject(rq, code, out)
	return nil
}

// checkNamespace enforces the NamespaceLifecycle admission rules.
func (s *Server) checkNamespace(rq *request, name string) error {
	if !rq.ri.Namespaced {
		return nil
	}
	ns := s.st.data["/namespaces"][objKey("", rq.ns)]
	if ns == nil {
		return errNotFound("", "namespaces", rq.ns)
	}
	if metaString(ns, "deletionTimestamp") != "" && rq.verb != "delete" {
		return errForbidden(rq.ri.Group, rq.ri.Resource, name,
			fmt.Sprintf("unable to create new content in namespace %s because it is being terminated", rq.ns),
			metav1.StatusCause{Type: "NamespaceTerminating", Message: fmt.Sprintf("namespace %s is being terminated", rq.ns), Field: "metadata.namespace"})
	}
	return nil
}

// create runs the write pipeline (see pipeline.go) for a new object; it is
// shared by POST, apply-create and seeding. o has been decoded.
func (s *Server) create(rq *request, o obj) (obj, int, error) {
	if err := checkTypeMeta(rq.ri, o); err != nil {
		return nil, 0, err
	}
	if err := decodeSecret(rq.ri, o); err != nil {
		return nil, 0, err
	}
	o["apiVersion"], o["kind"] = rq.ri.groupVersion(), rq.ri.Kind
	md := meta(o)
	if ns := metaString(o, "namespace"); rq.ri.Namespaced {
		if ns != "" && ns != rq.ns {
			return nil, 0, errBadRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
		md["namespace"] = rq.ns
	} else {
		delete(md, "namespace")
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	name := metaString(o, "name")
	st := strategyFor(rq.ri)

	// Default.
	pruneEmpty(rq.ri, o)
	applyDefaults(rq.ri, o)
	view := managedView(rq, o)

	// Admission.
	if err := s.admit(rq, o, nil, name); err != nil {
		return nil, 0, err
	}
	if gn := metaString(o, "generateName"); name == "" && gn != "" {
		name = generateName(gn)
		meta(o)["name"] = name
	}

	// Prepare.
	md = meta(o)
	rv := metaString(o, "resourceVersion")
	md["uid"] = newUID()
	md["creationTimestamp"] = now()
	for _, k := range []string{"deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generation"} {
		delete(md, k)
	}
	if rq.verb != "patch" {
		delete(md, "managedFields")
	}
	if rq.ri.tracksGeneration() {
		md["generation"] = json.Number("1")
	}
	resetStatus(rq.ri, o)
	dropDisabled(rq.ri, o, nil)
	if st.prepareCreate != nil {
		st.prepareCreate(s, rq, o)
	}

	// Validate.
	if errs := append(validateCreate(rq.ri, o, name), crErrors(rq, o)...); errs != nil {
		return nil, 0, errInvalid(rq.ri.Group, rq.ri.Kind, name, errs...)
	}
	kindWarnings(rq, o, nil)
	if err := s.validatingAdmission(rq, o, nil, name); err != nil {
		return nil, 0, err
	}
	if rv != "" {
		// The real server's storage layer refuses it with a bare 500.
		return nil, 0, newStatus(http.StatusInternalServerError, "", "resourceVersion should not be set on objects to be created", nil)
	}
	if s.st.data[rq.ri.storageKey()][objKey(rq.ns, name)] != nil {
		return nil, 0, errAlreadyExists(rq.ri.Group, rq.ri.Resource, name)
	}

	// Canonicalise.
	canonicalizeStored(rq.ri, o)
	if st.allocate != nil {
		if err := st.allocate(s, rq, o); err != nil {
			return nil, 0, err
		}
	}
	if isCRD(rq.ri) {
		infos, errs := crdInfos(o)
		if errs != nil {
			return nil, 0, errInvalid(rq.ri.Group, rq.ri.Kind, name, errs...)
		}
		if !rq.dryRun {
			setCRDStatus(o, nil)
			s.reg.setCRD(name, infos)
		}
	}
	if rq.manager != "" && rq.verb != "patch" {
		setManagedFields(o, view, rq, nil, "Update")
	}
	if isCRD(rq.ri) && !rq.dryRun {
		// The status the create stored: the stored versions, names and
		// conditions still empty.
		created := obj{"acceptedNames": obj{"plural": "", "kind": ""}, "storedVersions": nested(o, "status", "storedVersions")}
		recordCRDStatus(rq.ri, o, created)
	}

	// Store and notify.
	if rq.dryRun {
		return o, http.StatusCreated, nil
	}
	out := s.st.commit(rq.ri.storageKey(), rq.ns, name, o)
	if st.created != nil {
		st.created(s, rq, out)
	}
	return out, http.StatusCreated, nil
}

// managedView is the object as the field manager sees it: decoded and
// defaulted, before admission and the strategy change it (the real server
// records managedFields at that point, so fields admission adds, such as a
// pod's token volume, belong to no manager), canonicalised as it will be
// stored.
func managedView(rq *request, o obj) obj {
	if rq.manager == "" {
		return nil
	}
	v := copyObj(o)
	if rq.ri.hasStatus() && rq.sub == "" {
		delete(v, "status")
	}
	canonicalize(rq.ri, v)
	return v
}

func isCRD(ri *resInfo) bool {
	return ri.Group == "apiextensions.k8s.io" && ri.Resource == "customresourcedefinitions"
}

// resetStatus resets status on create as the real strategies do: to its
// zero value, which the built-in kinds serialise as {} (custom resources
// have none). A kind's prepareCreate may set more.
func resetStatus(ri *resInfo, o obj) {
	if ri.hasStatus() {
		o["status"] = obj{}
		if ri.CRD != "" {
			delete(o, "status")
		}
	}
}

// qosClass computes a pod's QoS class from its containers' resources.
func qosClass(o obj) string {
	hasAny, guaranteed := false, true
	for _, c := range asList(nested(o, "spec", "containers")) {
		cm, _ := c.(map[string]any)
		req := nestedMap(cm, "resources", "requests")
		lim := nestedMap(cm, "resources", "limits")
		if len(req) > 0 || len(lim) > 0 {
			hasAny = true
		}
		for _, r := range []string{"cpu", "memory"} {
			l, ok := lim[r]
			if !ok {
				guaranteed = false
				continue
			}
			if q, ok := req[r]; ok && fmt.Sprint(q) != fmt.Sprint(l) {
				guaranteed = false
			}
		}
	}
	switch {
	case !hasAny:
		return "BestEffort"
	case guaranteed:
		return "Guaranteed"
	}
	return "Burstable"
}

// recordCRDStatus records in o's managedFields the apiextensions
// controllers' write of the status setCRDStatus gave it (before was the
// status until then), as kube-apiserver's Update of
// customresourcedefinitions/status does: its manager is kube-apiserver
// (the binary's name).
func recordCRDStatus(ri *resInfo, o obj, before any) {
	old := obj{}
	for k, v := range o {
		old[k] = v
	}
	old["status"] = before
	if before == nil {
		delete(old, "status")
	}
	setManagedFields(o, nil, &request{ri: ri, manager: "kube-apiserver", sub: "status"}, old, "Update")
	if before == nil || nested(obj{"status": before}, "status", "conditions") != nil {
		return
	}
	// After a create, kube-apiserver v1.37.2's entry owns the conditions'
	// items but not the list itself (no "." member), as observed.
	entries := readManaged(o)
	for _, e := range entries {
		if e.Manager == "kube-apiserver" && e.Subresource == "status" {
			delete(e.set, "f:status"+sep+"f:conditions"+sep+".")
		}
	}
	writeManaged(o, entries)
}

// setCRDStatus sets the status the apiextensions controllers would give o;
// a condition that keeps its status keeps old's lastTransitionTime, so an
// update that changes nothing leaves the object unchanged.
func setCRDStatus(o, old obj) {
	t := now()
	since := func(typ string) any {
		for _, c := range asList(nested(old, "status", "conditions")) {
			if cm, ok := c.(map[string]any); ok && cm["type"] == typ && cm["status"] == "True" {
				if lt, ok := cm["lastTransitionTime"]; ok {
					return lt
				}
			}
		}
		return t
	}
	names := nestedMap(o, "spec", "names")
	accepted := copyObj(names)
	if accepted == nil {
		accepted = obj{}
	}
	if _, ok := accepted["singular"]; !ok {
		accepted["singular"] = strings.ToLower(fmt.Sprint(accepted["kind"]))
	}
	if _, ok := accepted["listKind"]; !ok {
		accepted["listKind"] = fmt.Sprint(accepted["kind"]) + "List"
	}
	var stored []any
	for _, v := range asList(nested(o, "spec", "versions")) {
		if vm, ok := v.(map[string]any); ok && vm["storage"] == true {
			stored = append(stored, vm["name"])
		}
	}
	o["status"] = obj{
		"acceptedNames": accepted,
		"conditions": []any{
			obj{"type": "NamesAccepted", "status": "True", "lastTransitionTime": since("NamesAccepted"), "reason": "NoConflicts", "message": "no conflicts found"},
			obj{"type": "Established", "status": "True", "lastTransitionTime": since("Established"), "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"},
		},
		"storedVersions": stored,
	}
}

func (s *Server) handleUpdate(rq *request) error {
	o, err := s.decodeBody(rq)
	if err != nil {
		return err
	}
	if err := checkTypeMeta(rq.ri, o); err != nil {
		return err
	}
	if n := metaString(o, "name"); n != "" && n != rq.name {
		return errBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, rq.name))
	}
	if ns := metaString(o, "namespace"); rq.ri.Namespaced && ns != "" && ns != rq.ns {
		return errBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	s.st.mu.Lock()
	out, code, err := s.update(rq, o, "Update")
	s.st.mu.Unlock()
	if err != nil {
		return err
	}
	s.writeObject(rq, code, out)
	return nil
}

// update replaces an existing object; s.st.mu must be held. op is the
// managedFields operation ("Update" or "Apply").
func (s *Server) update(rq *request, o obj, op string) (obj, int, error) {
	key := rq.ri.storageKey()
	old := s.st.data[key][objKey(rq.ns, rq.name)]
	if old == nil {
		return nil, 0, errNotFound(rq.ri.Group, rq.ri.Resource, rq.name)
	}
	o["apiVersion"], o["kind"] = rq.ri.groupVersion(), rq.ri.Kind
	md := meta(o)
	md["name"] = rq.name
	if rq.ri.Namespaced {
		md["namespace"] = rq.ns
	} else {
		delete(md, "namespace")
	}
	rv := metaString(o, "resourceVersion")
	if rv != "" {
		if _, err := strconv.ParseUint(rv, 10, 64); err != nil {
			// The storage layer parses it and answers a bare 500.
			return nil, 0, newStatus(http.StatusInternalServerError, "", err.Error(), nil)
		}
	}
	switch {
	case rv == "" && rq.ri.CRD != "" && op == "Update" && rq.verb == "update":
		// The storage layer reports it, naming the resource where the
		// kind would be, and the parsed version, 0.
		return nil, 0, errInvalid(rq.ri.Group, rq.ri.Resource, rq.name, fieldError{Type: "FieldValueInvalid", Field: "metadata.resourceVersion", Value: int64(0), Detail: "must be specified for an update"})
	case rv != "" && rv != metaString(old, "resourceVersion"):
		return nil, 0, errConflict(rq.ri.Group, rq.ri.Resource, rq.name, msgModified)
	}
	oldMD := meta(old)
	for _, k := range []string{"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"} {
		if v, ok := oldMD[k]; ok {
			md[k] = v
		} else {
			delete(md, k)
		}
	}
	delete(md, "selfLink")
	if rq.sub == "status" {
		// The status subresource changes status only.
		n := copyObj(old)
		if st, ok := o["status"]; ok {
			n["status"] = st
		} else {
			delete(n, "status")
		}
		for _, k := range rq.ri.statusMeta() {
			if v, ok := md[k]; ok {
				meta(n)[k] = v
			} else {
				delete(meta(n), k)
			}
		}
		meta(n)["resourceVersion"] = md["resourceVersion"]
		if mf, ok := md["managedFields"]; ok {
			meta(n)["managedFields"] = mf
		}
		o = n
		md = meta(o)
	} else if rq.ri.hasStatus() {
		if st, ok := old["status"]; ok {
			// A copy: the stages below rewrite it, and old is the stored
			// object concurrent reads encode.
			o["status"] = deepCopy(st)
		} else {
			delete(o, "status")
		}
	}
	st := strategyFor(rq.ri)
	if err := decodeSecret(rq.ri, o); err != nil {
		return nil, 0, err
	}

	// Default.
	pruneEmpty(rq.ri, o)
	applyDefaults(rq.ri, o)
	view := managedView(rq, o)

	// Admission.
	if err := s.admit(rq, o, old, rq.name); err != nil {
		return nil, 0, err
	}

	// Prepare (the rest of it: the generation is bumped below).
	if rq.sub == "" {
		dropDisabled(rq.ri, o, old)
		if st.prepareUpdate != nil {
			st.prepareUpdate(o, old)
		}
	}

	// Validate.
	if errs := append(updateErrors(rq.ri, o, old), crErrors(rq, o)...); errs != nil {
		return nil, 0, errInvalid(rq.ri.Group, rq.ri.Kind, rq.name, errs...)
	}
	kindWarnings(rq, o, old)
	if err := s.validatingAdmission(rq, o, old, rq.name); err != nil {
		return nil, 0, err
	}

	// Canonicalise.
	canonicalizeStored(rq.ri, o)
	if isCRD(rq.ri) && rq.sub == "" {
		infos, errs := crdInfos(o)
		if errs != nil {
			return nil, 0, errInvalid(rq.ri.Group, rq.ri.Kind, rq.name, errs...)
		}
		if !rq.dryRun {
			setCRDStatus(o, old)
			s.reg.setCRD(rq.name, infos)
		}
	}
	// The generation (part of the real PrepareForUpdate) is bumped by
	// comparing the defaulted objects, as the real server compares them.
	labelsChanged := rq.ri.bumpsGenerationOnLabels() && !equalJSON(oldMD["labels"], md["labels"])
	if rq.ri.bumpsGeneration() && (specChanged(old, o) || labelsChanged) {
		g, _ := numberInt(oldMD["generation"])
		md["generation"] = json.Number(fmt.Sprint(g + 1))
	}
	if rq.manager != "" && op == "Update" {
		setManagedFields(o, view, rq, old, "Update")
	}
	if isCRD(rq.ri) && rq.sub == "" && !rq.dryRun {
		recordCRDStatus(rq.ri, o, old["status"])
	}
	md["resourceVersion"] = oldMD["resourceVersion"]
	if equalJSON(old, o) {
		return old, http.StatusOK, nil
	}

	// Store and notify.
	if rq.dryRun {
		return o, http.StatusOK, nil
	}
	if metaString(o, "deletionTimestamp") != "" && len(finalizers(o)) == 0 {
		s.st.commit(key, rq.ns, rq.name, nil)
		return o, http.StatusOK, nil
	}
	return s.st.commit(key, rq.ns, rq.name, o), http.StatusOK, nil
}

// specChanged reports whether anything outside metadata and status changed.
func specChanged(a, b obj) bool {
	for k, v := range a {
		if k == "metadata" || k == "status" || k == "apiVersion" || k == "kind" {
			continue
		}
		if !equalJSON(v, b[k]) {
			return true
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && k != "metadata" && k != "status" && k != "apiVersion" && k != "kind" {
			return true
		}
	}
	return false
}
