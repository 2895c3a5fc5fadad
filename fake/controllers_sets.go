package fake

import (
	"fmt"
	"strconv"
)

// The StatefulSet and DaemonSet controllers of WithControllers.

// reconcileStatefulSet keeps pods NAME-0 ... NAME-(replicas-1), created in
// order (each once the one before is ready, unless podManagementPolicy is
// Parallel), replaces pods of an older template from the highest ordinal
// down, one at a time, and reports them in the StatefulSet's status.
func (s *Server) reconcileStatefulSet(set obj) {
	if metaString(set, "deletionTimestamp") != "" {
		return
	}
	ns, uid, name := metaString(set, "namespace"), metaString(set, "uid"), metaString(set, "name")
	replicas := int64Or(nested(set, "spec", "replicas"), 1)
	parallel := nested(set, "spec", "podManagementPolicy") == "Parallel"
	tmpl := nestedMap(set, "spec", "template")
	revision := name + "-" + podTemplateHash(tmpl)
	byOrdinal := map[int64]obj{}
	podsKey := "/pods"
	ri := s.reg.byStorageKey(podsKey)
	for _, p := range s.owned(podsKey, ns, uid) {
		i, err := strconv.ParseInt(str(nestedMap(p, "metadata", "labels"), "apps.kubernetes.io/pod-index"), 10, 64)
		if err != nil || i >= replicas {
			s.deleteOne(&request{verb: "delete", ri: ri, ns: ns}, ns, metaString(p, "name"), deleteOptions{})
			continue
		}
		byOrdinal[i] = p
	}
	// One pod of an older revision is replaced at a time, highest first.
	for i := replicas - 1; i >= 0; i-- {
		if p, ok := byOrdinal[i]; ok && str(nestedMap(p, "metadata", "labels"), "controller-revision-hash") != revision {
			s.deleteOne(&request{verb: "delete", ri: ri, ns: ns}, ns, metaString(p, "name"), deleteOptions{})
			delete(byOrdinal, i)
			break
		}
	}
	for i := int64(0); i < replicas; i++ {
		if _, ok := byOrdinal[i]; ok {
			if !parallel && !podIsReady(byOrdinal[i]) {
				break
			}
			continue
		}
		podName := fmt.Sprintf("%s-%d", name, i)
		extra := map[string]any{"controller-revision-hash": revision, "statefulset.kubernetes.io/pod-name": podName, "apps.kubernetes.io/pod-index": fmt.Sprint(i)}
		p := s.podFromTemplate(set, tmpl, extra)
		md := meta(p)
		delete(md, "generateName")
		md["name"] = podName
		spec := nestedMap(p, "spec")
		spec["hostname"] = podName
		if svc := str(nestedMap(set, "spec"), "serviceName"); svc != "" {
			spec["subdomain"] = svc
		}
		c := s.ctrlCreate(podsKey, ns, p)
		if c == nil {
			break
		}
		byOrdinal[i] = c
		if !parallel {
			break // the next one once this one is ready
		}
	}
	var ready, updated int64
	for _, p := range byOrdinal {
		if podIsReady(p) {
			ready++
		}
		if str(nestedMap(p, "metadata", "labels"), "controller-revision-hash") == revision {
			updated++
		}
	}
	st := obj{
		"observedGeneration": meta(set)["generation"], "replicas": num(int64(len(byOrdinal))),
		"readyReplicas": num(ready), "availableReplicas": num(ready), "currentReplicas": num(updated), "updatedReplicas": num(updated),
		"currentRevision": revision, "updateRevision": revision, "collisionCount": num(0),
	}
	n := copyObj(set)
	n["status"] = st
	s.ctrlUpdate("apps/statefulsets", set, n, "status")
}

// reconcileDaemonSet keeps one pod of the current template on the one
// node, and reports it in the DaemonSet's status.
func (s *Server) reconcileDaemonSet(ds obj) {
	if metaString(ds, "deletionTimestamp") != "" {
		return
	}
	ns, uid := metaString(ds, "namespace"), metaString(ds, "uid")
	tmpl := nestedMap(ds, "spec", "template")
	hash := podTemplateHash(tmpl)
	ri := s.reg.byStorageKey("/pods")
	var current obj
	for _, p := range s.owned("/pods", ns, uid) {
		if current == nil && str(nestedMap(p, "metadata", "labels"), "controller-revision-hash") == hash {
			current = p
			continue
		}
		s.deleteOne(&request{verb: "delete", ri: ri, ns: ns}, ns, metaString(p, "name"), deleteOptions{})
	}
	if current == nil {
		current = s.ctrlCreate("/pods", ns, s.podFromTemplate(ds, tmpl, map[string]any{"controller-revision-hash": hash, "pod-template-generation": fmt.Sprint(meta(ds)["generation"])}))
	}
	var ready, scheduled int64
	if current != nil {
		scheduled = 1
		if podIsReady(current) {
			ready = 1
		}
	}
	st := obj{
		"observedGeneration": meta(ds)["generation"], "desiredNumberScheduled": num(1), "currentNumberScheduled": num(scheduled),
		"updatedNumberScheduled": num(scheduled), "numberReady": num(ready), "numberAvailable": num(ready), "numberMisscheduled": num(0),
	}
	if ready == 0 {
		st["numberUnavailable"] = num(1)
		delete(st, "numberAvailable")
	}
	n := copyObj(ds)
	n["status"] = st
	s.ctrlUpdate("apps/daemonsets", ds, n, "status")
}
