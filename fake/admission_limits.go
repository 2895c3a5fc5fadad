package fake

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/internal/selector"
)

// The LimitRanger admission plugin of kube-apiserver 1.37
// (plugin/pkg/admission/limitranger), with the namespace's limit ranges:
//
//   - on a pod create (mutating, before the ServiceAccount plugin): each
//     range's Container defaults, defaultRequest into the requests and
//     default into the limits of every container and init container that
//     lacks them, noted in the kubernetes.io/limit-ranger annotation;
//   - on a pod create and on a claim create or update (validating, after
//     the kind's validation): Container min, max and maxLimitRequestRatio
//     for each container and init container, the same for the Pod's
//     aggregate (sidecars and pod-level resources as the plugin counts
//     them), and PersistentVolumeClaim min and max for the storage request.
//
// Pod updates, subresources, other kinds (pod templates of workloads too)
// and objects being deleted are not admitted, as the real plugin admits
// none of them. Ranges are taken in name order and, within an item,
// resources in name order (the real plugin's order is its informer's and
// Go's map order, so which of several errors comes first may differ).

// limitRangerAnnotation notes the defaults LimitRanger set.
const limitRangerAnnotation = "kubernetes.io/limit-ranger"

// limitRanges returns the limit ranges of namespace ns, by name.
func (s *Server) limitRanges(ns string) []obj {
	var out []obj
	for _, lr := range s.st.data["/limitranges"] {
		if metaString(lr, "namespace") == ns {
			out = append(out, lr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return metaString(out[i], "name") < metaString(out[j], "name") })
	return out
}

// limitItems are a limit range's items of type typ.
func limitItems(lr obj, typ string) []map[string]any {
	var out []map[string]any
	for _, it := range asList(nestedMap(lr, "spec")["limits"]) {
		if m, ok := it.(map[string]any); ok && str(m, "type") == typ {
			out = append(out, m)
		}
	}
	return out
}

// limitRangerMutate is the plugin's mutating half: container defaults on a
// pod create.
func (s *Server) limitRangerMutate(rq *request, o, old obj) {
	if old != nil || rq.sub != "" || rq.ri.storageKey() != "/pods" {
		return
	}
	spec := nestedMap(o, "spec")
	if spec == nil {
		return
	}
	for _, lr := range s.limitRanges(rq.ns) {
		requests, limits := map[string]any{}, map[string]any{}
		for _, it := range limitItems(lr, "Container") {
			for k, v := range nestedMap(it, "defaultRequest") {
				requests[k] = v
			}
			for k, v := range nestedMap(it, "default") {
				limits[k] = v
			}
		}
		var notes []string
		for _, list := range []struct{ key, prefix string }{{"containers", "container"}, {"initContainers", "init container"}} {
			for _, c := range asList(spec[list.key]) {
				if cm, ok := c.(map[string]any); ok {
					notes = mergeContainerDefaults(cm, requests, limits, list.prefix, notes)
				}
			}
		}
		if len(notes) > 0 {
			ann := child(meta(o), "annotations")
			ann[limitRangerAnnotation] = "LimitRanger plugin set: " + strings.Join(notes, "; ")
		}
	}
}

// mergeContainerDefaults fills c's missing requests and limits from the
// defaults and appends the annotation's notes for it.
func mergeContainerDefaults(c, requests, limits map[string]any, prefix string, notes []string) []string {
	fill := func(key string, defaults map[string]any) []string {
		var set []string
		if len(defaults) == 0 {
			return nil
		}
		res := child(c, "resources")
		have := child(res, key)
		for k, v := range defaults {
			if _, ok := have[k]; !ok {
				have[k] = v
				set = append(set, k)
			}
		}
		if len(have) == 0 {
			delete(res, key)
		}
		sort.Strings(set)
		return set
	}
	if set := fill("requests", requests); len(set) > 0 {
		notes = append(notes, fmt.Sprintf("%s request for %s %s", strings.Join(set, ", "), prefix, str(c, "name")))
	}
	if set := fill("limits", limits); len(set) > 0 {
		notes = append(notes, fmt.Sprintf("%s limit for %s %s", strings.Join(set, ", "), prefix, str(c, "name")))
	}
	return notes
}

// limitRangerValidate is the plugin's validating half: the bounds of each
// limit range on a pod create and a claim create or update, refused with
// the plugin's 403.
func (s *Server) limitRangerValidate(rq *request, o, old obj, name string) error {
	if rq.sub != "" || (old != nil && metaString(old, "deletionTimestamp") != "") {
		return nil
	}
	var check func(lr obj) []string
	switch rq.ri.storageKey() {
	case "/pods":
		if old != nil {
			return nil
		}
		check = func(lr obj) []string { return podLimitErrors(lr, o) }
	case "/persistentvolumeclaims":
		check = func(lr obj) []string { return claimLimitErrors(lr, o) }
	default:
		return nil
	}
	for _, lr := range s.limitRanges(rq.ns) {
		if errs := check(lr); len(errs) > 0 {
			return errForbidden(rq.ri.Group, rq.ri.Resource, name, selector.Aggregate(errs))
		}
	}
	return nil
}

// podLimitErrors checks a pod against one limit range.
func podLimitErrors(lr, pod obj) []string {
	spec := nestedMap(pod, "spec")
	var errs []string
	for _, it := range asList(nestedMap(lr, "spec")["limits"]) {
		item, _ := it.(map[string]any)
		switch str(item, "type") {
		case "Container":
			for _, list := range []string{"containers", "initContainers"} {
				for _, c := range asList(spec[list]) {
					cm, _ := c.(map[string]any)
					req := resourcesOf(nestedMap(cm, "resources", "requests"))
					lim := resourcesOf(nestedMap(cm, "resources", "limits"))
					errs = append(errs, boundErrors("Container", item, req, lim)...)
				}
			}
		case "Pod":
			req, lim := podAggregate(spec, "requests"), podAggregate(spec, "limits")
			errs = append(errs, boundErrors("Pod", item, req, lim)...)
		}
	}
	return errs
}

// boundErrors checks requests and limits against a limit item's min, max
// and maxLimitRequestRatio, in that order.
func boundErrors(typ string, item map[string]any, req, lim resources) []string {
	var errs []string
	add := func(msg string) {
		if msg != "" {
			errs = append(errs, msg)
		}
	}
	min, max, ratio := resourcesOf(nestedMap(item, "min")), resourcesOf(nestedMap(item, "max")), resourcesOf(nestedMap(item, "maxLimitRequestRatio"))
	for _, k := range min.names() {
		add(minError(typ, k, min[k], req, lim))
	}
	for _, k := range max.names() {
		add(maxError(typ, k, max[k], req, lim))
	}
	for _, k := range ratio.names() {
		add(ratioError(typ, k, ratio[k], req, lim))
	}
	return errs
}

func minError(typ, res string, bound amount, req, lim resources) string {
	r, hasReq := req[res]
	l, hasLim := lim[res]
	switch {
	case !hasReq:
		return fmt.Sprintf("minimum %s usage per %s is %s.  No request is specified", res, typ, bound)
	case r.milli < bound.milli:
		return fmt.Sprintf("minimum %s usage per %s is %s, but request is %s", res, typ, bound, r)
	case hasLim && l.milli < bound.milli:
		return fmt.Sprintf("minimum %s usage per %s is %s, but limit is %s", res, typ, bound, l)
	}
	return ""
}

func maxError(typ, res string, bound amount, req, lim resources) string {
	r, hasReq := req[res]
	l, hasLim := lim[res]
	switch {
	case !hasLim:
		return fmt.Sprintf("maximum %s usage per %s is %s.  No limit is specified", res, typ, bound)
	case l.milli > bound.milli:
		return fmt.Sprintf("maximum %s usage per %s is %s, but limit is %s", res, typ, bound, l)
	case hasReq && r.milli > bound.milli:
		return fmt.Sprintf("maximum %s usage per %s is %s, but request is %s", res, typ, bound, r)
	}
	return ""
}

func ratioError(typ, res string, bound amount, req, lim resources) string {
	r, hasReq := req[res]
	l, hasLim := lim[res]
	if !hasReq || r.milli == 0 {
		return fmt.Sprintf("%s max limit to request ratio per %s is %s, but no request is specified or request is 0", res, typ, bound)
	}
	if !hasLim || l.milli == 0 {
		return fmt.Sprintf("%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0", res, typ, bound)
	}
	observed := float64(l.milli) / float64(r.milli)
	if observed*1000 > float64(bound.milli) {
		return fmt.Sprintf("%s max limit to request ratio per %s is %s, but provided ratio is %f", res, typ, bound, observed)
	}
	return ""
}

// claimLimitErrors checks a claim's storage request against one limit
// range's PersistentVolumeClaim items (its limits are not looked at).
func claimLimitErrors(lr, claim obj) []string {
	req := resourcesOf(nestedMap(claim, "spec", "resources", "requests"))
	var errs []string
	for _, item := range limitItems(lr, "PersistentVolumeClaim") {
		min, max := resourcesOf(nestedMap(item, "min")), resourcesOf(nestedMap(item, "max"))
		for _, k := range min.names() {
			if e := minError("PersistentVolumeClaim", k, min[k], req, nil); e != "" {
				errs = append(errs, e)
			}
		}
		for _, k := range max.names() {
			r, ok := req[k]
			switch {
			case !ok:
				errs = append(errs, fmt.Sprintf("maximum %s usage per PersistentVolumeClaim is %s.  No request is specified", k, max[k]))
			case r.milli > max[k].milli:
				errs = append(errs, fmt.Sprintf("maximum %s usage per PersistentVolumeClaim is %s, but request is %s", k, max[k], r))
			}
		}
	}
	return errs
}

// podAggregate is a pod's total requests or limits (key "requests" or
// "limits") as the scheduler counts them: the containers' sum, sidecars
// (init containers that restart always) added, each other init container
// with the sidecars before it as a floor; then pod-level cpu and memory in
// place of the containers' (PodLevelResources is on in 1.37).
func podAggregate(spec map[string]any, key string) resources {
	total := resources{}
	for _, c := range asList(spec["containers"]) {
		cm, _ := c.(map[string]any)
		total.add(resourcesOf(nestedMap(cm, "resources", key)))
	}
	sidecars, initMax := resources{}, resources{}
	for _, c := range asList(spec["initContainers"]) {
		cm, _ := c.(map[string]any)
		r := resourcesOf(nestedMap(cm, "resources", key))
		if str(cm, "restartPolicy") == "Always" {
			total.add(r)
			sidecars.add(r)
			initMax.maxOf(copyResources(sidecars))
			continue
		}
		tmp := resources{}
		tmp.add(r)
		tmp.add(sidecars)
		initMax.maxOf(tmp)
	}
	total.maxOf(initMax)
	for k, v := range resourcesOf(nestedMap(spec, "resources", key)) {
		if k == "cpu" || k == "memory" {
			total[k] = v
		}
	}
	return total
}

func copyResources(r resources) resources {
	out := resources{}
	for k, v := range r {
		out[k] = v
	}
	return out
}
