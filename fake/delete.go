package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
)

// deleteOptions are the parts of DeleteOptions the fake honours.
type deleteOptions struct {
	Preconditions      *deletePreconditions `json:"preconditions"`
	OrphanDependents   *bool                `json:"orphanDependents"`
	PropagationPolicy  *string              `json:"propagationPolicy"`
	GracePeriodSeconds *int64               `json:"gracePeriodSeconds"`
	DryRun             []string             `json:"dryRun"`
}

// deletePreconditions are DeleteOptions.preconditions.
type deletePreconditions struct {
	UID             *string `json:"uid"`
	ResourceVersion *string `json:"resourceVersion"`
}

// parseDeleteOptions reads DeleteOptions as the real server does: from the
// body when there is one, else from the query (a body's options ignore the
// query's, dryRun included), and validates them, reporting every problem.
func parseDeleteOptions(rq *request) (deleteOptions, error) {
	var d deleteOptions
	if len(strings.TrimSpace(string(rq.body))) > 0 {
		var tm typeMetaOnly
		if err := json.Unmarshal(rq.body, &tm); err != nil {
			// The real server fails to find the body's kind (a bare
			// 500 in 1.32).
			return d, errBadRequest(fmt.Sprintf("couldn't get version/kind; json parse error: %v", err))
		}
		if err := json.Unmarshal(rq.body, &d); err != nil {
			return d, errBadRequest(fmt.Sprintf("the body of the request was in an unknown format: %v", err))
		}
	} else {
		if g, ok := rq.q["gracePeriodSeconds"]; ok && len(g) > 0 {
			n, err := strconv.ParseInt(g[0], 10, 64)
			if err != nil {
				return d, errBadRequest(err.Error())
			}
			d.GracePeriodSeconds = &n
		}
		if p := rq.q.Get("propagationPolicy"); p != "" {
			d.PropagationPolicy = &p
		}
		if o := rq.q.Get("orphanDependents"); o != "" {
			b, err := strconv.ParseBool(o)
			if err != nil {
				return d, errBadRequest(err.Error())
			}
			d.OrphanDependents = &b
		}
		d.DryRun = rq.q["dryRun"]
	}
	var errs []fieldError
	if d.OrphanDependents != nil && d.PropagationPolicy != nil {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "propagationPolicy", Value: *d.PropagationPolicy, Detail: "orphanDependents and deletionPropagation cannot be both set"})
	}
	if p := d.PropagationPolicy; p != nil && *p != "Orphan" && *p != "Background" && *p != "Foreground" {
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "propagationPolicy", Value: *p, Detail: `supported values: "Foreground", "Background", "Orphan", "nil"`})
	}
	for _, v := range d.DryRun {
		if v != "All" {
			errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "dryRun", Value: d.DryRun, Detail: `supported values: "All"`})
			break
		}
	}
	if errs != nil {
		return d, errInvalidOptions("DeleteOptions", errs...)
	}
	rq.dryRun = len(d.DryRun) > 0
	return d, nil
}

func (s *Server) handleDelete(rq *request) error {
	if rq.sub != "" {
		return errMethodNotAllowed()
	}
	opts, err := parseDeleteOptions(rq)
	if err != nil {
		return err
	}
	s.st.mu.Lock()
	out, deleted, err := s.deleteOne(rq, rq.ns, rq.name, opts)
	s.st.mu.Unlock()
	if err != nil {
		return err
	}
	if rq.ri.CRD == "" && rq.ri.storageKey() == "batch/jobs" && opts.PropagationPolicy == nil && opts.OrphanDependents == nil {
		// The Job strategy warns that a delete with no policy keeps
		// the pods.
		rq.w.Header().Add("Warning", "299 - "+strconv.Quote("child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning"))
	}
	if !deleted && opts.OrphanDependents != nil && !*opts.OrphanDependents {
		// The deprecated way to ask for cascading: 202 while the object
		// stays.
		s.writeObject(rq, http.StatusAccepted, out)
		return nil
	}
	if deleted && !rq.ri.returnsDeletedObject() {
		writeJSON(rq.w, http.StatusOK, metav1.Status{
			TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess,
			Details: &metav1.StatusDetails{Name: rq.name, Group: rq.ri.Group, Kind: rq.ri.Resource, UID: metaString(out, "uid")},
		})
		return nil
	}
	s.writeObject(rq, http.StatusOK, out)
	return nil
}

// deleteOne deletes or marks for deletion one object; s.st.mu must be held.
// It returns the object as the response shows it and whether it is gone.
func (s *Server) deleteOne(rq *request, ns, name string, opts deleteOptions) (obj, bool, error) {
	key := rq.ri.storageKey()
	cur := s.st.data[key][objKey(ns, name)]
	if cur == nil {
		return nil, false, errNotFound(rq.ri.Group, rq.ri.Resource, name)
	}
	if p := opts.Preconditions; p != nil {
		if p.UID != nil && *p.UID != metaString(cur, "uid") {
			return nil, false, errPrecondition(rq.ri, name, fmt.Sprintf("the UID in the precondition (%s) does not match the UID in record (%s). The object might have been deleted and then recreated", *p.UID, metaString(cur, "uid")))
		}
		if p.ResourceVersion != nil && *p.ResourceVersion != metaString(cur, "resourceVersion") {
			return nil, false, errPrecondition(rq.ri, name, fmt.Sprintf("the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified", *p.ResourceVersion, metaString(cur, "resourceVersion")))
		}
	}
	if key == "/namespaces" {
		return s.deleteNamespace(rq, cur)
	}
	fins, changed := gcFinalizers(rq.ri, withoutProtection(key, finalizers(cur)), opts)
	if len(fins) > 0 {
		if metaString(cur, "deletionTimestamp") != "" && !changed {
			return cur, false, nil
		}
		n := copyObj(cur)
		md := meta(n)
		if _, ok := md["deletionTimestamp"]; !ok {
			markDeleting(n, 0)
		}
		list := make([]any, len(fins))
		for i, f := range fins {
			list[i] = f
		}
		md["finalizers"] = list
		if rq.dryRun {
			return n, false, nil
		}
		return s.st.commit(key, ns, name, n), false, nil
	}
	if key == "/pods" && metaString(cur, "deletionTimestamp") == "" {
		// Pods delete gracefully: the real server first stores the pod
		// marked with its grace period (a MODIFIED event), and removes it
		// at once only when the period is 0, answering the removed pod.
		// The fake, with no kubelet, removes it at once in every case.
		n := copyObj(cur)
		markDeleting(n, podGracePeriod(n, opts.GracePeriodSeconds))
		if rq.dryRun {
			return n, true, nil
		}
		s.st.commit(key, ns, name, n)
		return s.st.commit(key, ns, name, nil), true, nil
	}
	if rq.dryRun {
		return cur, true, nil
	}
	if isCRD(rq.ri) {
		s.removeCustomResources(cur)
	}
	return s.st.commit(key, ns, name, nil), true, nil
}

// markDeleting sets the deletion timestamp and grace period of o, bumping
// metadata.generation when the kind tracks it, as the real server does for
// every object it marks for deletion.
func markDeleting(o obj, grace int64) {
	md := meta(o)
	md["deletionTimestamp"] = time.Now().Add(time.Duration(grace) * time.Second).UTC().Format("2006-01-02T15:04:05Z")
	md["deletionGracePeriodSeconds"] = json.Number(fmt.Sprint(grace))
	if g, ok := numberInt(md["generation"]); ok && g > 0 {
		md["generation"] = json.Number(fmt.Sprint(g + 1))
	}
}

// podGracePeriod is the grace period the real pod strategy picks: the
// request's, else the pod's terminationGracePeriodSeconds (defaulted to
// 30), and 0 for a pod not scheduled or already terminated.
func podGracePeriod(pod obj, requested *int64) int64 {
	grace := int64(30)
	if g, ok := numberInt(nested(pod, "spec", "terminationGracePeriodSeconds")); ok {
		grace = g
	}
	if requested != nil {
		grace = *requested
	}
	if str(nestedMap(pod, "spec"), "nodeName") == "" {
		grace = 0
	}
	switch str(nestedMap(pod, "status"), "phase") {
	case "Failed", "Succeeded":
		grace = 0
	}
	if grace < 0 {
		grace = 1
	}
	return grace
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// deleteNamespace marks a namespace Terminating and, playing the namespace
// controller, deletes its content; the namespace goes once it is empty.
func (s *Server) deleteNamespace(rq *request, cur obj) (obj, bool, error) {
	if metaString(cur, "deletionTimestamp") != "" {
		return cur, false, nil
	}
	n := copyObj(cur)
	markDeleting(n, 0)
	delete(meta(n), "deletionGracePeriodSeconds") // namespaces get none
	n["status"] = obj{"phase": "Terminating"}
	if rq.dryRun {
		return n, false, nil
	}
	out := s.st.commit("/namespaces", "", metaString(cur, "name"), n)
	s.finalizeNamespace(metaString(cur, "name"))
	return out, false, nil
}

// finalizeNamespace deletes what is left in a terminating namespace and
// the namespace itself once empty; s.st.mu must be held.
func (s *Server) finalizeNamespace(ns string) {
	for key, names := range s.st.namespaceObjects(ns) {
		for _, name := range names {
			o := s.st.data[key][objKey(ns, name)]
			if o == nil {
				continue
			}
			if len(withoutProtection(key, finalizers(o))) == 0 {
				s.st.commit(key, ns, name, nil)
			} else if metaString(o, "deletionTimestamp") == "" {
				n := copyObj(o)
				markDeleting(n, 0)
				s.st.commit(key, ns, name, n)
			}
		}
	}
	if len(s.st.namespaceObjects(ns)) > 0 {
		return
	}
	nsObj := s.st.data["/namespaces"][objKey("", ns)]
	if nsObj == nil || len(finalizers(nsObj)) > 0 {
		return
	}
	s.st.commit("/namespaces", "", ns, nil)
}

// removed is called by the store after an object is deleted, with the
// store locked: it lets a terminating namespace finish.
func (s *Server) removed(key, ns, name string) {
	if ns == "" || key == "/namespaces" {
		return
	}
	nsObj := s.st.data["/namespaces"][objKey("", ns)]
	if nsObj != nil && metaString(nsObj, "deletionTimestamp") != "" && len(s.st.namespaceObjects(ns)) == 0 && len(finalizers(nsObj)) == 0 {
		s.st.commit("/namespaces", "", ns, nil)
	}
}

// removeCustomResources deletes every object of a CRD and stops serving
// it; s.st.mu must be held.
func (s *Server) removeCustomResources(crd obj) {
	group, _ := nested(crd, "spec", "group").(string)
	plural, _ := nested(crd, "spec", "names", "plural").(string)
	key := group + "/" + plural
	for k, o := range s.st.data[key] {
		_ = k
		s.st.commit(key, metaString(o, "namespace"), metaString(o, "name"), nil)
	}
	s.reg.removeCRD(metaString(crd, "name"))
}

func (s *Server) handleDeleteCollection(rq *request) error {
	ls, fs, err := s.selectors(rq)
	if err != nil {
		return err
	}
	opts, err := parseDeleteOptions(rq)
	if err != nil {
		return err
	}
	s.st.mu.Lock()
	items, rv, err := s.st.snapshot(rq.ri.storageKey(), rq.ns, 0)
	var out []obj
	if err == nil {
		for _, o := range items {
			if !matches(rq.ri, ls, fs, o) {
				continue
			}
			d, _, derr := s.deleteOne(rq, metaString(o, "namespace"), metaString(o, "name"), opts)
			if derr != nil {
				err = derr
				break
			}
			out = append(out, d)
		}
		rv = s.st.rv
	}
	s.st.mu.Unlock()
	if err != nil {
		return err
	}
	s.writeList(rq, map[string]any{"resourceVersion": rvString(rv)}, out)
	return nil
}

// errPrecondition is the real server's Conflict for a failed delete
// precondition, which names the kind rather than the resource.
func errPrecondition(ri *resInfo, name, why string) *apiError {
	return newStatus(http.StatusConflict, metav1.StatusReasonConflict,
		fmt.Sprintf("Operation cannot be fulfilled on %s %q: %s", qualifiedKind(ri.Group, ri.Kind), name, why),
		&metav1.StatusDetails{Name: name, Group: ri.Group, Kind: ri.Kind})
}

// withoutProtection drops the storage-protection finalizers of a claim or
// volume from fins: the fake plays their controllers, which remove them
// from a volume no pod uses, so deleting one does not hang.
func withoutProtection(key string, fins []string) []string {
	if key != "/persistentvolumeclaims" && key != "/persistentvolumes" {
		return fins
	}
	var out []string
	for _, f := range fins {
		if f != "kubernetes.io/pvc-protection" && f != "kubernetes.io/pv-protection" {
			out = append(out, f)
		}
	}
	return out
}
