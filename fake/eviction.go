package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/labels"
)

// serveSubresource serves the subresources with their own write
// semantics: PUT on scale, and POST on pods/eviction, pods/binding and
// bindings. It reports whether rq was one of them.
func (s *Server) serveSubresource(rq *request) (bool, error) {
	pods := rq.ri.CRD == "" && rq.ri.Group == "" && rq.ri.Resource == "pods"
	switch {
	case rq.sub == "scale" && rq.verb == "update":
		return true, s.handleScaleUpdate(rq)
	case pods && rq.sub == "eviction" && rq.verb == "create":
		return true, s.handleEviction(rq)
	case pods && rq.sub == "binding" && rq.verb == "create":
		return true, s.handleBinding(rq, rq.name)
	case rq.ri.CRD == "" && rq.ri.Group == "" && rq.ri.Resource == "bindings" && rq.verb == "create" && rq.sub == "":
		return true, s.handleBinding(rq, "")
	}
	return false, nil
}

// writeCreatedStatus answers a subresource create that returns a Status.
func writeCreatedStatus(rq *request) {
	writeJSON(rq.w, http.StatusCreated, metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess, Code: http.StatusCreated,
	})
}

// handleEviction serves POST pods/NAME/eviction as the real eviction
// subresource does: a pod that is pending, finished or already being
// deleted is deleted at once; otherwise the one PodDisruptionBudget
// selecting it must allow a disruption, which the eviction uses up, and
// the pod is deleted with the Eviction's deleteOptions.
func (s *Server) handleEviction(rq *request) error {
	ev, err := decodeObjectBody("Eviction", rq.body)
	if err != nil {
		return err
	}
	if k, _ := ev["kind"].(string); k != "" && k != "Eviction" {
		return errBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (Eviction)", k))
	}
	if metaString(ev, "name") != rq.name {
		return errBadRequest("name in URL does not match name in Eviction object")
	}
	var opts deleteOptions
	if do, ok := ev["deleteOptions"].(map[string]any); ok {
		b, _ := json.Marshal(do)
		if err := json.Unmarshal(b, &opts); err != nil {
			return errBadRequest(err.Error())
		}
	}
	if rq.dryRun {
		opts.DryRun = []string{"All"}
	}
	rq.dryRun = len(opts.DryRun) > 0
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	pod := s.st.data["/pods"][objKey(rq.ns, rq.name)]
	if pod == nil {
		return errNotFound("", "pods", rq.name)
	}
	if err := s.checkDisruptionBudget(rq, pod); err != nil {
		return err
	}
	if _, _, err := s.deleteOne(rq, rq.ns, rq.name, opts); err != nil {
		return err
	}
	writeCreatedStatus(rq)
	return nil
}

// checkDisruptionBudget decides whether pod may be evicted, using up one
// allowed disruption of its budget when it counts; s.st.mu must be held.
func (s *Server) checkDisruptionBudget(rq *request, pod obj) error {
	switch str(nestedMap(pod, "status"), "phase") {
	case "Succeeded", "Failed", "Pending", "":
		return nil
	}
	if metaString(pod, "deletionTimestamp") != "" {
		return nil
	}
	var pdbs []obj
	for _, p := range s.st.data["policy/poddisruptionbudgets"] {
		if metaString(p, "namespace") != rq.ns {
			continue
		}
		ls, ok := nested(p, "spec", "selector").(map[string]any)
		if !ok {
			continue // a budget without a selector selects nothing
		}
		sel, err := labels.Parse(formatSelector(nestedMap(ls, "matchLabels"), asList(ls["matchExpressions"])))
		if err != nil || !sel.Matches(objectLabels(pod)) {
			continue
		}
		pdbs = append(pdbs, p)
	}
	switch {
	case len(pdbs) == 0:
		return nil
	case len(pdbs) > 1:
		return newStatus(http.StatusInternalServerError, "", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", nil)
	}
	pdb := pdbs[0]
	st := nestedMap(pdb, "status")
	desired, _ := numberInt(st["desiredHealthy"])
	current, _ := numberInt(st["currentHealthy"])
	if !podIsReady(pod) {
		if nested(pdb, "spec", "unhealthyPodEvictionPolicy") == "AlwaysAllow" {
			return nil
		}
		if current >= desired && desired > 0 {
			return nil
		}
	}
	name := metaString(pdb, "name")
	observed, _ := numberInt(st["observedGeneration"])
	gen, _ := numberInt(meta(pdb)["generation"])
	allowed, _ := numberInt(st["disruptionsAllowed"])
	switch {
	case observed < gen:
		e := errTooManyRequests(fmt.Sprintf("The disruption budget %s is still being processed by the server.", name), 10)
		rq.w.Header().Set("Retry-After", "10")
		return e
	case allowed < 0:
		return errForbidden("policy", "poddisruptionbudget", name, "pdb disruptions allowed is negative")
	case len(nestedMap(st, "disruptedPods")) > 2000:
		return errForbidden("policy", "poddisruptionbudget", name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller")
	case allowed == 0:
		return errTooManyRequests(fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", name, desired, current), 0)
	}
	if rq.dryRun {
		return nil
	}
	n := copyObj(pdb)
	ns := nestedMap(n, "status")
	ns["disruptionsAllowed"] = json.Number(strconv.FormatInt(allowed-1, 10))
	dp, _ := ns["disruptedPods"].(map[string]any)
	if dp == nil {
		dp = map[string]any{}
		ns["disruptedPods"] = dp
	}
	dp[rq.name] = now()
	if allowed-1 == 0 {
		setCondition(ns, obj{"type": "DisruptionAllowed", "status": "False", "reason": "InsufficientPods", "message": "", "observedGeneration": st["observedGeneration"]})
	}
	s.st.commit("policy/poddisruptionbudgets", rq.ns, name, n)
	return nil
}

// errTooManyRequests is the eviction's 429 with its DisruptionBudget cause.
func errTooManyRequests(cause string, retryAfter int32) *apiError {
	return newStatus(http.StatusTooManyRequests, metav1.StatusReasonTooManyRequests,
		"Cannot evict pod as it would violate the pod's disruption budget.",
		&metav1.StatusDetails{RetryAfterSeconds: retryAfter, Causes: []metav1.StatusCause{{Type: "DisruptionBudget", Message: cause}}})
}

// podIsReady reports whether the pod's Ready condition is True.
func podIsReady(pod obj) bool {
	for _, c := range asList(nested(pod, "status", "conditions")) {
		if cm, ok := c.(map[string]any); ok && cm["type"] == "Ready" {
			return cm["status"] == "True"
		}
	}
	return false
}

// setCondition replaces or adds the condition of c's type in status,
// keeping its transition time when its status is unchanged.
func setCondition(status map[string]any, c obj) {
	list := asList(status["conditions"])
	for i, x := range list {
		xm, ok := x.(map[string]any)
		if !ok || xm["type"] != c["type"] {
			continue
		}
		if xm["status"] == c["status"] && xm["lastTransitionTime"] != nil {
			c["lastTransitionTime"] = xm["lastTransitionTime"]
		} else {
			c["lastTransitionTime"] = now()
		}
		list[i] = c
		status["conditions"] = list
		return
	}
	c["lastTransitionTime"] = now()
	status["conditions"] = append(list, c)
}

// handleBinding serves POST pods/NAME/binding (and POST bindings, where
// the Binding names the pod): the pod is assigned to the target node once.
func (s *Server) handleBinding(rq *request, name string) error {
	b, err := decodeObjectBody("Binding", rq.body)
	if err != nil {
		return err
	}
	if k, _ := b["kind"].(string); k != "" && k != "Binding" {
		return errBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (Binding)", k))
	}
	if name == "" {
		name = metaString(b, "name")
	} else if metaString(b, "name") != name {
		return errBadRequest("name in URL does not match name in Binding object")
	}
	target := nestedMap(b, "target")
	node := str(target, "name")
	switch {
	case node == "":
		return newStatus(http.StatusInternalServerError, "", "target.name: Required value", nil)
	case str(target, "kind") != "" && str(target, "kind") != "Node":
		return newStatus(http.StatusInternalServerError, "", fmt.Sprintf("target.kind: Invalid value: %q: must be empty or 'Node'", str(target, "kind")), nil)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if err := s.checkNamespace(rq, name); err != nil {
		return err
	}
	pod := s.st.data["/pods"][objKey(rq.ns, name)]
	if pod == nil {
		return errNotFound("", "pods", name)
	}
	if uid := metaString(b, "uid"); uid != "" && uid != metaString(pod, "uid") {
		return errConflict("", "pods", name, fmt.Sprintf("Precondition failed: UID in precondition: %v, UID in object meta: %v", uid, metaString(pod, "uid")))
	}
	if metaString(pod, "deletionTimestamp") != "" {
		return newStatus(http.StatusInternalServerError, "", fmt.Sprintf("pod %s is being deleted, cannot be assigned to a host", name), nil)
	}
	if n := str(nestedMap(pod, "spec"), "nodeName"); n != "" {
		return errConflict("", "pods/binding", name, fmt.Sprintf("pod %v is already assigned to node %q", name, n))
	}
	if len(asList(nested(pod, "spec", "schedulingGates"))) > 0 {
		return errConflict("", "pods/binding", name, fmt.Sprintf("pod %v has non-empty .spec.schedulingGates", name))
	}
	if rq.dryRun {
		writeCreatedStatus(rq)
		return nil
	}
	s.st.commit("/pods", rq.ns, name, bindPod(pod, node, nestedMap(b, "metadata", "annotations")))
	writeCreatedStatus(rq)
	return nil
}

// bindPod returns pod assigned to node, with the binding's annotations and
// a PodScheduled condition, as the binding subresource stores it.
func bindPod(pod obj, node string, annotations map[string]any) obj {
	n := copyObj(pod)
	spec := nestedMap(n, "spec")
	if spec == nil {
		spec = obj{}
		n["spec"] = spec
	}
	spec["nodeName"] = node
	if len(annotations) > 0 {
		a, _ := meta(n)["annotations"].(map[string]any)
		if a == nil {
			a = map[string]any{}
			meta(n)["annotations"] = a
		}
		for k, v := range annotations {
			a[k] = v
		}
	}
	st := nestedMap(n, "status")
	if st == nil {
		st = obj{}
		n["status"] = st
	}
	setCondition(st, obj{"type": "PodScheduled", "status": "True", "lastProbeTime": nil})
	return n
}
