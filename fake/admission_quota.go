package fake

import (
	"fmt"
	"strings"
	"time"
)

// The ResourceQuota admission plugin of kube-apiserver 1.37
// (apiserver/pkg/admission/plugin/resourcequota with the evaluators of
// pkg/quota/v1/evaluator/core). It reads a quota's status, which on a
// kube-apiserver alone only a client writes (the quota controller of
// kube-controller-manager computes it in a cluster): a quota whose
// status.hard names none of a request's resources does not apply, so a
// new quota changes nothing until its status is set; one whose status.hard
// names them but whose status.used lacks one refuses with "status unknown
// for quota"; otherwise the request's usage is added to used, checked
// against hard ("exceeded quota: ..."), and written to the quota's status
// before the object is stored (so a create that then fails, such as one
// whose name exists, still counts, as on the real server). A dry run is
// checked and changes nothing. Deletes give nothing back: the quota
// controller would recompute used.
//
// Evaluated: pods (create, and updates that change whether the pod is
// terminating), services and persistent volume claims (create and update),
// and every other namespaced resource's object count on create
// (count/RESOURCE.GROUP, and the legacy configmaps, secrets,
// resourcequotas and replicationcontrollers names); events and bindings
// are ignored. Quotas are taken in name order.

// validatingAdmission runs the validating admission plugins after the
// kind's validation, as the real server runs them just before storing:
// LimitRanger, then ResourceQuota. name is the object's name (generated
// ones included).
func (s *Server) validatingAdmission(rq *request, o, old obj, name string) error {
	if err := s.limitRangerValidate(rq, o, old, name); err != nil {
		return err
	}
	return s.admitQuota(rq, o, old, name)
}

// quotaManager is the field manager of the quota plugin's status writes
// (kube-apiserver's loopback client, named after its binary).
const quotaManager = "kube-apiserver"

// quotaEvaluator is what the plugin knows about one resource.
type quotaEvaluator struct {
	// handles reports whether a write is evaluated at all.
	handles func(rq *request, o, old obj) bool
	// resources are the quota resource names the evaluator counts;
	// matches reports whether one of them (or a name of its own) is one.
	matches func(name string) bool
	// scope reports whether o is in a quota's scope; nil for resources
	// that have no scopes (a quota with a scope never applies to them).
	scope func(scopeName, op string, values []string, o obj) bool
	// constraints is what o must set for the resources a quota limits
	// ("" when nothing is missing).
	constraints func(required []string, o obj) string
	usage       func(o obj) resources
}

// quotaIgnored are the resources the plugin never evaluates.
var quotaIgnored = map[string]bool{
	"/events": true, "events.k8s.io/events": true, "/bindings": true, "/componentstatuses": true,
	"authorization.k8s.io/localsubjectaccessreviews": true,
}

// legacyCountNames are the object counts quotas may also name without
// "count/".
var legacyCountNames = map[string]string{
	"/configmaps": "configmaps", "/secrets": "secrets", "/resourcequotas": "resourcequotas",
	"/replicationcontrollers": "replicationcontrollers",
}

// quotaEvaluatorFor returns the evaluator of a resource.
func quotaEvaluatorFor(ri *resInfo) *quotaEvaluator {
	switch ri.storageKey() {
	case "/pods":
		return podQuotaEvaluator
	case "/services":
		return serviceQuotaEvaluator
	case "/persistentvolumeclaims":
		return claimQuotaEvaluator
	}
	names := []string{countName(ri)}
	if alias := legacyCountNames[ri.storageKey()]; alias != "" {
		names = append(names, alias)
	}
	return &quotaEvaluator{
		handles: func(rq *request, _, old obj) bool { return rq.sub == "" && old == nil },
		matches: func(n string) bool { return n == names[0] || len(names) > 1 && n == names[1] },
		usage: func(obj) resources {
			out := resources{}
			for _, n := range names {
				out[n] = count(1)
			}
			return out
		},
	}
}

// countName is a resource's object count name: count/pods,
// count/deployments.apps.
func countName(ri *resInfo) string {
	if ri.Group == "" {
		return "count/" + ri.Resource
	}
	return "count/" + ri.Resource + "." + ri.Group
}

// quotaRef is a quota the plugin looks at, with its status read.
type quotaRef struct {
	o          obj
	name       string
	hard, used resources
	restricted []string // the status.hard names the evaluator counts
}

// admitQuota is the plugin on a create (old nil) or update of a namespaced
// object; name is the object's name (generated ones included).
func (s *Server) admitQuota(rq *request, o, old obj, name string) error {
	if rq.ns == "" || !rq.ri.Namespaced || quotaIgnored[rq.ri.storageKey()] {
		return nil
	}
	ev := quotaEvaluatorFor(rq.ri)
	if !ev.handles(rq, o, old) {
		return nil
	}
	forbidden := func(msg string) error { return errForbidden(rq.ri.Group, rq.ri.Resource, name, msg) }
	var applying []*quotaRef
	for _, q := range s.namespaceQuotas(rq.ns) {
		if !quotaApplies(ev, q, o) {
			continue
		}
		if ev.constraints != nil {
			if msg := ev.constraints(q.restricted, o); msg != "" {
				return forbidden(fmt.Sprintf("failed quota: %s: %s", q.name, msg))
			}
		}
		for _, r := range q.restricted {
			if _, ok := q.used[r]; !ok {
				return forbidden(fmt.Sprintf("status unknown for quota: %s, resources: %s", q.name, strings.Join(q.restricted, ",")))
			}
		}
		applying = append(applying, q)
	}
	usage := ev.usage(o)
	var negative []string
	for _, k := range usage.names() {
		if usage[k].milli < 0 {
			negative = append(negative, k)
		}
	}
	if len(negative) > 0 {
		return forbidden("quota usage is negative for resource(s): " + strings.Join(negative, ","))
	}
	deltas := make([]resources, len(applying))
	for i, q := range applying {
		deltas[i] = usage
		if old != nil && quotaApplies(ev, q, old) {
			deltas[i] = usageIncrease(usage, ev.usage(old))
		}
		deltas[i] = deltas[i].nonZero()
	}
	newUsed := make([]resources, len(applying))
	for i, q := range applying {
		if len(deltas[i]) == 0 {
			continue
		}
		requested := deltas[i].mask(q.hard.names())
		used := copyResources(q.used)
		used.add(requested)
		var exceeded []string
		for _, k := range requested.names() {
			if h, ok := q.hard[k]; ok && used[k].milli > h.milli {
				exceeded = append(exceeded, k)
			}
		}
		if len(exceeded) > 0 {
			return forbidden(fmt.Sprintf("exceeded quota: %s, requested: %s, used: %s, limited: %s",
				q.name, requested.mask(exceeded), q.used.mask(exceeded), q.hard.mask(exceeded)))
		}
		newUsed[i] = used
	}
	if rq.dryRun {
		return nil
	}
	for i, q := range applying {
		if newUsed[i] != nil && !newUsed[i].equal(q.used) {
			s.writeQuotaUsed(q, newUsed[i])
		}
	}
	return nil
}

// usageIncrease is what an update adds: each resource of cur less prev,
// and 0 where that is not positive (quota.SubtractWithNonNegativeResult).
func usageIncrease(cur, prev resources) resources {
	out := resources{}
	for k, v := range cur {
		if p, ok := prev[k]; ok {
			v = v.minus(p)
		}
		if v.milli <= 0 {
			v = count(0)
		}
		out[k] = v
	}
	for k := range prev {
		if _, ok := out[k]; !ok {
			out[k] = count(0)
		}
	}
	return out
}

// namespaceQuotas returns the quotas of namespace ns by name, their status
// read.
func (s *Server) namespaceQuotas(ns string) []*quotaRef {
	var out []*quotaRef
	for _, q := range s.st.data["/resourcequotas"] {
		if metaString(q, "namespace") != ns {
			continue
		}
		out = append(out, &quotaRef{o: q, name: metaString(q, "name"),
			hard: resourcesOf(nestedMap(q, "status", "hard")), used: resourcesOf(nestedMap(q, "status", "used"))})
	}
	sortQuotas(out)
	return out
}

func sortQuotas(qs []*quotaRef) {
	for i := 1; i < len(qs); i++ {
		for j := i; j > 0 && qs[j].name < qs[j-1].name; j-- {
			qs[j], qs[j-1] = qs[j-1], qs[j]
		}
	}
}

// quotaApplies reports whether quota q limits o: its status.hard names a
// resource the evaluator counts and o is in every one of its scopes. It
// sets q.restricted.
func quotaApplies(ev *quotaEvaluator, q *quotaRef, o obj) bool {
	q.restricted = nil
	for _, n := range q.hard.names() {
		if ev.matches(n) {
			q.restricted = append(q.restricted, n)
		}
	}
	return len(q.restricted) > 0 && inQuotaScopes(ev, q.o, o)
}

// inQuotaScopes reports whether o is in every scope of quota q (its scopes
// and its scope selector's expressions).
func inQuotaScopes(ev *quotaEvaluator, q, o obj) bool {
	spec := nestedMap(q, "spec")
	for _, sc := range asList(spec["scopes"]) {
		name, _ := sc.(string)
		if ev.scope == nil || !ev.scope(name, "Exists", nil, o) {
			return false
		}
	}
	for _, e := range asList(nestedMap(spec, "scopeSelector")["matchExpressions"]) {
		em, _ := e.(map[string]any)
		var values []string
		for _, v := range asList(em["values"]) {
			if s, ok := v.(string); ok {
				values = append(values, s)
			}
		}
		if ev.scope == nil || !ev.scope(str(em, "scopeName"), str(em, "operator"), values, o) {
			return false
		}
	}
	return true
}

// writeQuotaUsed stores quota q with status.used set to used, as the
// plugin's status update does (its own managedFields entry).
func (s *Server) writeQuotaUsed(q *quotaRef, used resources) {
	n := copyObj(q.o)
	child(n, "status")["used"] = used.json()
	ri := s.reg.byStorageKey("/resourcequotas")
	setManagedFields(n, nil, &request{ri: ri, manager: quotaManager, sub: "status"}, q.o, "Update")
	s.st.commit("/resourcequotas", metaString(q.o, "namespace"), q.name, n)
}

// scopeValueMatches evaluates a scope selector's expression against a value
// that is set or not, as a label selector on {scope: value} does.
func scopeValueMatches(op string, values []string, value string, set bool) bool {
	in := false
	for _, v := range values {
		if set && v == value {
			in = true
		}
	}
	switch op {
	case "In":
		return in
	case "NotIn":
		return !in
	case "Exists":
		return set
	case "DoesNotExist":
		return !set
	}
	return false
}

// podTerminating reports whether a pod has an active deadline (the
// Terminating scope).
func podTerminating(o obj) bool {
	n, ok := numberInt(nestedMap(o, "spec")["activeDeadlineSeconds"])
	return ok && n >= 0
}

// podCountsCompute reports whether a pod's compute resources count: not
// when it has finished, nor when its deletion's grace period is over.
func podCountsCompute(o obj) bool {
	if p := str(nestedMap(o, "status"), "phase"); p == "Failed" || p == "Succeeded" {
		return false
	}
	if ts := metaString(o, "deletionTimestamp"); ts != "" {
		grace, ok := numberInt(meta(o)["deletionGracePeriodSeconds"])
		if t, err := time.Parse(time.RFC3339, ts); ok && err == nil && time.Now().After(t.Add(time.Duration(grace)*time.Second)) {
			return false
		}
	}
	return true
}
