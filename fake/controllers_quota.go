package fake

import "strings"

// The resource quota controller of kube-controller-manager, simulated
// under WithControllers: a quota's status.hard is its spec.hard and
// status.used what the objects of its namespace in its scopes use of each
// hard resource, recomputed on every change (so deletes give usage back,
// and what admission counted for a create that then failed is dropped).
// The ResourceQuota admission plugin (admission_quota.go) then enforces
// quotas from their spec, as in a cluster.

// reconcileQuota recomputes one quota's status; s.st.mu is held.
func (s *Server) reconcileQuota(q obj) {
	hardJSON := nestedMap(q, "spec", "hard")
	hard := resourcesOf(hardJSON)
	ns := metaString(q, "namespace")
	// The names each resource's evaluator counts.
	byKey := map[string][]string{}
	for _, n := range hard.names() {
		if key := quotaStorageKey(n); key != "" {
			byKey[key] = append(byKey[key], n)
		}
	}
	used := copyResources(resourcesOf(nestedMap(q, "status", "used")))
	for key, names := range byKey {
		ri := s.reg.byStorageKey(key)
		if ri == nil || !ri.Namespaced {
			continue
		}
		ev := quotaEvaluatorFor(ri)
		total := resources{}
		for _, n := range names {
			total[n] = count(0)
		}
		for _, o := range sortedObjs(s.st.data[key]) {
			if metaString(o, "namespace") == ns && inQuotaScopes(ev, q, o) {
				total.add(ev.usage(o).mask(names))
			}
		}
		for k, v := range total {
			used[k] = v
		}
	}
	used = used.mask(hard.names())
	status := map[string]any{}
	if len(hardJSON) > 0 {
		status["hard"] = deepCopy(hardJSON)
		status["used"] = used.json()
	}
	if equalJSON(normalizeNumbers(deepCopy(q["status"])), normalizeNumbers(status)) {
		return
	}
	n := copyObj(q)
	n["status"] = status
	s.ctrlUpdate("/resourcequotas", q, n, "status")
}

// quotaStorageKey is the storage key of the resource whose evaluator
// counts quota resource name n ("" when none does).
func quotaStorageKey(n string) string {
	switch {
	case podQuotaEvaluator.matches(n):
		return "/pods"
	case serviceQuotaEvaluator.matches(n):
		return "/services"
	case claimQuotaEvaluator.matches(n):
		return "/persistentvolumeclaims"
	case strings.HasPrefix(n, "count/"):
		res, group, _ := strings.Cut(strings.TrimPrefix(n, "count/"), ".")
		return group + "/" + res
	}
	for key, alias := range legacyCountNames {
		if alias == n {
			return key
		}
	}
	return ""
}
