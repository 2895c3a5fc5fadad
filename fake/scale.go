package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// The scale subresource: an autoscaling/v1 Scale read from and written to
// its object. Built-in kinds (Deployments, ReplicaSets, StatefulSets,
// ReplicationControllers) keep replicas at spec.replicas and status.replicas
// and report their selector in canonical form; a custom resource uses the
// paths its CRD declares (specReplicasPath, statusReplicasPath,
// labelSelectorPath, the last read as the string it holds).

// scalePaths are a CRD version's subresources.scale.
type scalePaths struct {
	spec, status, selector []string
}

// crdScalePaths reads the scale subresource of a CRD version; nil when it
// has none.
func crdScalePaths(subs map[string]any) *scalePaths {
	sc, ok := subs["scale"].(map[string]any)
	if !ok {
		return nil
	}
	split := func(k string) []string {
		p, _ := sc[k].(string)
		p = strings.TrimPrefix(p, ".")
		if p == "" {
			return nil
		}
		return strings.Split(p, ".")
	}
	return &scalePaths{spec: split("specReplicasPath"), status: split("statusReplicasPath"), selector: split("labelSelectorPath")}
}

// scaleOf is the autoscaling/v1 Scale of o, as the real scale subresource
// builds it.
func scaleOf(ri *resInfo, o obj) obj {
	md := meta(copyObj(o))
	keep := obj{}
	for _, k := range []string{"name", "namespace", "uid", "resourceVersion", "creationTimestamp"} {
		if v, ok := md[k]; ok {
			keep[k] = v
		}
	}
	var specReplicas, statusReplicas int64
	sel := ""
	if sp := ri.Scale; sp != nil {
		specReplicas, _ = numberInt(nested(o, sp.spec...))
		statusReplicas, _ = numberInt(nested(o, sp.status...))
		if sp.selector != nil {
			sel, _ = nested(o, sp.selector...).(string)
		}
	} else {
		specReplicas = 1 // the built-in kinds default it
		if r, ok := numberInt(nested(o, "spec", "replicas")); ok {
			specReplicas = r
		}
		statusReplicas, _ = numberInt(nested(o, "status", "replicas"))
		if ri.Resource == "replicationcontrollers" {
			sel = formatSelector(nestedMap(o, "spec", "selector"), nil)
		} else {
			ls := nestedMap(o, "spec", "selector")
			sel = formatSelector(nestedMap(ls, "matchLabels"), asList(ls["matchExpressions"]))
		}
	}
	spec := obj{}
	if specReplicas != 0 {
		spec["replicas"] = json.Number(fmt.Sprint(specReplicas))
	}
	status := obj{"replicas": json.Number(fmt.Sprint(statusReplicas))}
	if sel != "" {
		status["selector"] = sel
	}
	return obj{"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": keep, "spec": spec, "status": status}
}

// formatSelector prints a label selector as the real server's selector
// String does: requirements sorted by key, "k=v", "k in (a,b)",
// "k notin (a,b)", "k", "!k".
func formatSelector(matchLabels map[string]any, exprs []any) string {
	type req struct{ key, text string }
	var reqs []req
	for k, v := range matchLabels {
		reqs = append(reqs, req{k, k + "=" + fmt.Sprint(v)})
	}
	for _, e := range exprs {
		em, _ := e.(map[string]any)
		k := str(em, "key")
		vals := stringList(em["values"])
		sort.Strings(vals)
		switch str(em, "operator") {
		case "In":
			reqs = append(reqs, req{k, k + " in (" + strings.Join(vals, ",") + ")"})
		case "NotIn":
			reqs = append(reqs, req{k, k + " notin (" + strings.Join(vals, ",") + ")"})
		case "Exists":
			reqs = append(reqs, req{k, k})
		case "DoesNotExist":
			reqs = append(reqs, req{k, "!" + k})
		}
	}
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].key < reqs[j].key })
	parts := make([]string, len(reqs))
	for i, r := range reqs {
		parts[i] = r.text
	}
	return strings.Join(parts, ",")
}

// handleScaleUpdate serves PUT on the scale subresource.
func (s *Server) handleScaleUpdate(rq *request) error {
	switch rq.ct {
	case "", "application/json", "application/yaml":
	default:
		return errUnsupportedMedia(rq.ct, "application/json, application/yaml")
	}
	sc, err := decodeObjectBody("Scale", rq.body)
	if err != nil {
		return err
	}
	av, _ := sc["apiVersion"].(string)
	k, _ := sc["kind"].(string)
	if av != "" && av != "autoscaling/v1" || k != "" && k != "Scale" {
		return errBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a Scale: no kind %q is registered for version %q in scheme \"pkg/runtime/scheme.go:111\"", k, av, k, av))
	}
	if n := metaString(sc, "name"); n != rq.name {
		return errBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, rq.name))
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	cur := s.st.data[rq.ri.storageKey()][objKey(rq.ns, rq.name)]
	if cur == nil {
		return errNotFound(rq.ri.Group, rq.ri.Resource, rq.name)
	}
	return s.writeScale(rq, cur, sc)
}

// writeScale stores the replicas of a new or patched Scale into its
// object, as the real scale update does: the Scale is validated, its uid
// (when set) must match, its resourceVersion (when set) is the update's
// precondition; the answer is the updated object's Scale. s.st.mu must be
// held.
func (s *Server) writeScale(rq *request, cur obj, scale obj) error {
	var errs []fieldError
	r, hasReplicas := numberInt(nested(scale, "spec", "replicas"))
	if v := nested(scale, "spec", "replicas"); v != nil && !hasReplicas {
		return errBadRequest(fmt.Sprintf("unable to decode spec.replicas: %v", v))
	}
	if r < 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.replicas", Value: r, Detail: "must be greater than or equal to 0"})
	}
	if errs != nil {
		return errInvalid("autoscaling", "Scale", rq.name, errs...)
	}
	if uid := metaString(scale, "uid"); uid != "" && uid != metaString(cur, "uid") {
		// The storage layer reports it, naming the object's etcd key.
		return errConflict(rq.ri.Group, rq.ri.Resource, rq.name,
			fmt.Sprintf("StorageError: invalid object, Code: 4, Key: %s, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: %v, UID in object meta: %v",
				etcdKey(rq.ri, rq.ns, rq.name), uid, metaString(cur, "uid")))
	}
	n := copyObj(cur)
	path := []string{"spec", "replicas"}
	if rq.ri.Scale != nil && rq.ri.Scale.spec != nil {
		path = rq.ri.Scale.spec
	}
	old, hadOld := numberInt(nested(cur, path...))
	setNested(n, path, json.Number(fmt.Sprint(r)))
	delete(meta(n), "resourceVersion")
	if rv := metaString(scale, "resourceVersion"); rv != "" {
		meta(n)["resourceVersion"] = rv
	}
	if rq.manager != "" && (!hadOld || old != r) {
		recordScaleManager(n, rq, path, r)
	}
	sub, manager := rq.sub, rq.manager
	rq.sub, rq.manager = "", "" // the object is updated as a whole; its managedFields are set above
	out, _, err := s.update(rq, n, "Update")
	rq.sub, rq.manager = sub, manager
	if err != nil {
		return err
	}
	writeJSON(rq.w, http.StatusOK, scaleOf(rq.ri, out))
	return nil
}

// recordScaleManager records a write of replicas through the scale
// subresource in o's managedFields, as the real server does: the writer's
// Update entry for subresource scale owns the replicas field, which no
// other manager owns any more. The real server sees the Scale's managed
// fields as the entries that own replicas; when none does, its field
// manager does not start tracking on an update, so the write records
// nothing. Replicas 0, which a Scale omits, is no one's.
func recordScaleManager(o obj, rq *request, path []string, replicas int64) {
	p := ""
	for i, seg := range path {
		if i > 0 {
			p += sep
		}
		p += "f:" + seg
	}
	entries := readManaged(o)
	tracked := false
	for _, e := range entries {
		if _, ok := e.set[p]; ok {
			tracked = true
		}
	}
	if !tracked {
		return
	}
	var mine *managedEntry
	for _, e := range entries {
		if e.Manager == rq.manager && e.Operation == "Update" && e.Subresource == "scale" {
			mine = e
		}
		delete(e.set, p)
	}
	if replicas == 0 {
		writeManaged(o, entries)
		return
	}
	if mine == nil {
		mine = &managedEntry{Manager: rq.manager, Operation: "Update", APIVersion: rq.ri.groupVersion(), Subresource: "scale", set: fieldSet{}}
		entries = append(entries, mine)
	}
	mine.Time = "" // the real server keeps no time for scale entries
	mine.set[p] = nil
	writeManaged(o, entries)
}

// setNested sets o's value at path, making the maps on the way.
func setNested(o map[string]any, path []string, v any) {
	cur := o
	for _, p := range path[:len(path)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[path[len(path)-1]] = v
}

// etcdKey is where kube-apiserver stores an object of a scalable kind.
func etcdKey(ri *resInfo, ns, name string) string {
	prefix := "/registry/" + ri.Resource
	switch {
	case ri.CRD != "":
		prefix = "/registry/" + ri.Group + "/" + ri.Resource
	case ri.Group == "" && ri.Resource == "replicationcontrollers":
		prefix = "/registry/controllers"
	}
	if ns != "" {
		return prefix + "/" + ns + "/" + name
	}
	return prefix + "/" + name
}
