package fake

import (
	"fmt"
	"sort"
	"strings"
)

// The quota evaluators of pods, services and persistent volume claims
// (pkg/quota/v1/evaluator/core in Kubernetes 1.37).

// podQuotaResources are the quota names the pod evaluator counts, besides
// hugepages-*, requests.hugepages-* and requests.<extended resource>.
var podQuotaResources = map[string]bool{
	"count/pods": true, "pods": true, "cpu": true, "memory": true, "ephemeral-storage": true,
	"requests.cpu": true, "requests.memory": true, "requests.ephemeral-storage": true,
	"limits.cpu": true, "limits.memory": true, "limits.ephemeral-storage": true,
}

// podConstrained are the resources a quota makes every container set.
var podConstrained = []string{"cpu", "limits.cpu", "limits.memory", "memory", "requests.cpu", "requests.memory"}

var podQuotaEvaluator = &quotaEvaluator{
	handles: func(rq *request, o, old obj) bool {
		if rq.sub != "" {
			return false
		}
		return old == nil || podTerminating(o) != podTerminating(old)
	},
	matches: func(n string) bool {
		return podQuotaResources[n] || strings.HasPrefix(n, "hugepages-") || strings.HasPrefix(n, "requests.hugepages-") ||
			strings.HasPrefix(n, "requests.") && extendedResource(strings.TrimPrefix(n, "requests."))
	},
	scope:       podInScope,
	constraints: podConstraints,
	usage:       podQuotaUsage,
}

// extendedResource reports whether a resource name is an extended
// resource (example.com/gpu): one with a domain other than kubernetes.io.
func extendedResource(n string) bool {
	domain, _, ok := strings.Cut(n, "/")
	return ok && domain != "kubernetes.io" && !strings.HasSuffix(domain, ".kubernetes.io") && !strings.HasPrefix(n, "requests.")
}

// podInScope is the pod evaluator's scope match.
func podInScope(scope, op string, values []string, o obj) bool {
	spec := nestedMap(o, "spec")
	switch scope {
	case "Terminating":
		return podTerminating(o)
	case "NotTerminating":
		return !podTerminating(o)
	case "BestEffort":
		return podBestEffort(spec)
	case "NotBestEffort":
		return !podBestEffort(spec)
	case "PriorityClass":
		pc := str(spec, "priorityClassName")
		if op == "Exists" {
			return pc != ""
		}
		return scopeValueMatches(op, values, pc, pc != "")
	case "CrossNamespacePodAffinity":
		return crossNamespaceAffinity(spec)
	}
	return false
}

// podBestEffort reports whether no container (init containers and the pod
// level included) requests or limits cpu or memory.
func podBestEffort(spec map[string]any) bool {
	has := func(res map[string]any) bool {
		for _, k := range []string{"requests", "limits"} {
			m := nestedMap(res, k)
			if _, ok := m["cpu"]; ok {
				return true
			}
			if _, ok := m["memory"]; ok {
				return true
			}
		}
		return false
	}
	if has(nestedMap(spec, "resources")) {
		return false
	}
	for _, list := range []string{"containers", "initContainers"} {
		for _, c := range asList(spec[list]) {
			cm, _ := c.(map[string]any)
			if has(nestedMap(cm, "resources")) {
				return false
			}
		}
	}
	return true
}

// crossNamespaceAffinity reports whether a pod (anti-)affinity term names
// namespaces or a namespace selector.
func crossNamespaceAffinity(spec map[string]any) bool {
	for _, kind := range []string{"podAffinity", "podAntiAffinity"} {
		a := nestedMap(spec, "affinity", kind)
		for _, t := range asList(a["requiredDuringSchedulingIgnoredDuringExecution"]) {
			if tm, _ := t.(map[string]any); crossNamespaceTerm(tm) {
				return true
			}
		}
		for _, t := range asList(a["preferredDuringSchedulingIgnoredDuringExecution"]) {
			if tm, _ := t.(map[string]any); crossNamespaceTerm(nestedMap(tm, "podAffinityTerm")) {
				return true
			}
		}
	}
	return false
}

func crossNamespaceTerm(t map[string]any) bool {
	return len(asList(t["namespaces"])) > 0 || t["namespaceSelector"] != nil
}

// podConstraints names, per limited resource, the containers that do not
// set it: "must specify limits.cpu for: a,b; requests.memory for: a".
func podConstraints(required []string, o obj) string {
	spec := nestedMap(o, "spec")
	if podLevelResources(spec) {
		return ""
	}
	need := map[string]bool{}
	for _, r := range required {
		need[r] = true
	}
	missing := map[string][]string{}
	for _, list := range []string{"containers", "initContainers"} {
		for _, c := range asList(spec[list]) {
			cm, _ := c.(map[string]any)
			usage := containerUsage(resourcesOf(nestedMap(cm, "resources", "requests")), resourcesOf(nestedMap(cm, "resources", "limits")))
			for _, r := range podConstrained {
				if _, ok := usage[r]; need[r] && !ok && !contains(missing[r], str(cm, "name")) {
					missing[r] = append(missing[r], str(cm, "name"))
				}
			}
		}
	}
	if len(missing) == 0 {
		return ""
	}
	var parts []string
	for _, r := range podConstrained {
		if names := missing[r]; names != nil {
			sort.Strings(names)
			parts = append(parts, fmt.Sprintf("%s for: %s", r, strings.Join(names, ",")))
		}
	}
	return "must specify " + strings.Join(parts, "; ")
}

// podLevelResources reports whether a pod sets pod-level cpu or memory.
func podLevelResources(spec map[string]any) bool {
	for _, k := range []string{"requests", "limits"} {
		m := nestedMap(spec, "resources", k)
		if _, ok := m["cpu"]; ok {
			return true
		}
		if _, ok := m["memory"]; ok {
			return true
		}
	}
	return false
}

// containerUsage is podComputeUsageHelper: what requests and limits count
// for.
func containerUsage(req, lim resources) resources {
	out := resources{"pods": count(1)}
	for _, r := range []string{"cpu", "memory", "ephemeral-storage"} {
		if v, ok := req[r]; ok {
			out[r] = v
			out["requests."+r] = v
		}
		if v, ok := lim[r]; ok {
			out["limits."+r] = v
		}
	}
	for k, v := range req {
		if strings.HasPrefix(k, "hugepages-") {
			out[k] = v
			out["requests."+k] = v
		}
		if extendedResource(k) {
			out["requests."+k] = v
		}
	}
	return out
}

// podQuotaUsage is a pod's usage: its count, and unless it has finished
// its aggregate requests and limits (pod overhead added).
func podQuotaUsage(o obj) resources {
	out := resources{"count/pods": count(1)}
	if !podCountsCompute(o) {
		return out
	}
	spec := nestedMap(o, "spec")
	req, lim := podAggregate(spec, "requests"), podAggregate(spec, "limits")
	overhead := resourcesOf(nestedMap(spec, "overhead"))
	req.add(overhead)
	for k, v := range overhead {
		if l, ok := lim[k]; ok && l.milli != 0 {
			lim[k] = l.plus(v)
		}
	}
	out.add(containerUsage(req, lim))
	return out
}

var serviceQuotaEvaluator = &quotaEvaluator{
	handles: func(rq *request, _, _ obj) bool { return rq.sub == "" },
	matches: func(n string) bool {
		return n == "count/services" || n == "services" || n == "services.nodeports" || n == "services.loadbalancers"
	},
	usage: func(o obj) resources {
		spec := nestedMap(o, "spec")
		ports := asList(spec["ports"])
		out := resources{"count/services": count(1), "services": count(1), "services.loadbalancers": count(0), "services.nodeports": count(0)}
		switch str(spec, "type") {
		case "NodePort":
			out["services.nodeports"] = count(int64(len(ports)))
		case "LoadBalancer":
			n := int64(len(ports))
			if spec["allocateLoadBalancerNodePorts"] == false {
				n = 0
				for _, p := range ports {
					if v, _ := numberInt(nestedMap(p.(map[string]any))["nodePort"]); v != 0 {
						n++
					}
				}
			}
			out["services.nodeports"] = count(n)
			out["services.loadbalancers"] = count(1)
		}
		return out
	},
}

// storageClassQuota is the infix of a quota name per storage class:
// gold.storageclass.storage.k8s.io/requests.storage.
const storageClassQuota = ".storageclass.storage.k8s.io/"

var claimQuotaEvaluator = &quotaEvaluator{
	handles: func(rq *request, _, _ obj) bool { return rq.sub == "" },
	matches: func(n string) bool {
		return n == "count/persistentvolumeclaims" || n == "persistentvolumeclaims" || n == "requests.storage" ||
			strings.HasSuffix(n, storageClassQuota+"persistentvolumeclaims") || strings.HasSuffix(n, storageClassQuota+"requests.storage")
	},
	scope: func(scope, op string, values []string, o obj) bool {
		if scope != "VolumeAttributesClass" {
			return false
		}
		names := claimAttributesClasses(o)
		if op == "Exists" {
			return len(names) > 0
		}
		if len(names) == 0 {
			return scopeValueMatches(op, values, "", false)
		}
		for _, n := range names {
			if scopeValueMatches(op, values, n, true) {
				return true
			}
		}
		return false
	},
	usage: claimQuotaUsage,
}

// claimAttributesClasses are the volume attributes classes a claim
// refers to (spec, current and target).
func claimAttributesClasses(o obj) []string {
	var out []string
	for _, n := range []string{str(nestedMap(o, "spec"), "volumeAttributesClassName"),
		str(nestedMap(o, "status"), "currentVolumeAttributesClassName"),
		str(nestedMap(o, "status", "modifyVolumeStatus"), "targetVolumeAttributesClassName")} {
		if n != "" && !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// claimQuotaUsage is a claim's usage: its count and storage request (in
// whole units, at least what is allocated), also per storage class.
func claimQuotaUsage(o obj) resources {
	out := resources{"persistentvolumeclaims": count(1), "count/persistentvolumeclaims": count(1)}
	class := str(nestedMap(o, "metadata", "annotations"), "volume.beta.kubernetes.io/storage-class")
	if class == "" {
		class = str(nestedMap(o, "spec"), "storageClassName")
	}
	if class != "" {
		out[class+storageClassQuota+"persistentvolumeclaims"] = count(1)
	}
	req, ok := resourcesOf(nestedMap(o, "spec", "resources", "requests"))["storage"]
	if !ok {
		return out
	}
	req = roundUp(req)
	if alloc, ok := resourcesOf(nestedMap(o, "status", "allocatedResources"))["storage"]; ok && alloc.milli > req.milli {
		req = roundUp(alloc)
	}
	out["requests.storage"] = req
	if class != "" {
		out[class+storageClassQuota+"requests.storage"] = req
	}
	return out
}

// roundUp rounds an amount up to a whole unit.
func roundUp(a amount) amount {
	if a.milli%1000 == 0 {
		return a
	}
	return amount{milli: (a.milli/1000 + 1) * 1000, format: a.format}
}
