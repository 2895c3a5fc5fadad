package fake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"sync/atomic"
	"time"
)

// Simulated controllers (WithControllers): what kube-controller-manager,
// the scheduler and a kubelet would do, enough for programs and tests
// that wait for pods and readiness. They run in one goroutine driven by
// the store's changes, write as "kube-controller-manager" (status through
// the status subresource), and are a simplification: see docs/fake.md.

// fakeNode is the node every pod is bound to.
const fakeNode = "fake-node"

// controllerManager is the field manager of the simulated controllers.
const controllerManager = "kube-controller-manager"

// WithControllers turns on simulated controllers, off by default: a
// Deployment gets a ReplicaSet per pod template (labelled with its
// pod-template-hash) scaled to its replicas, a ReplicaSet or
// ReplicationController gets its pods, a Job runs its pods to
// completion, a StatefulSet gets its ordinal pods in order, a DaemonSet
// one pod, and a kubelet binds every pod to the node "fake-node" and
// moves it to Running and Ready; workload status (replicas, readyReplicas,
// availableReplicas, updatedReplicas, observedGeneration, conditions)
// follows, and a ResourceQuota's status is computed from its spec and the
// namespace's objects. Server.Settle waits for them.
func WithControllers() Option {
	return func(o *options) error { o.controllers = true; return nil }
}

// WithJobPodDuration sets how long a Job's pod runs before it succeeds
// under WithControllers (the default, 0, is as soon as it runs).
func WithJobPodDuration(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("fake: WithJobPodDuration: %v is negative", d)
		}
		o.podRunTime = d
		return nil
	}
}

// ctrlState is the simulated controllers' state.
type ctrlState struct {
	processed atomic.Uint64 // resourceVersion handled, for Settle
	wake      chan struct{} // timers due
	nextIP    int
}

// startControllers starts the garbage collector and, when asked for, the
// simulated controllers.
func (s *Server) startControllers() {
	if !s.opts.noGC {
		s.gc = newGCState()
		s.nsWork.Add(1)
		go s.gcLoop()
	}
	if s.opts.controllers {
		s.ctrl = &ctrlState{wake: make(chan struct{}, 1)}
		s.nsWork.Add(1)
		go s.ctrlLoop()
	}
}

func (s *Server) ctrlLoop() {
	defer s.nsWork.Done()
	for {
		s.st.mu.Lock()
		for pass := 0; pass < 50; pass++ {
			rv := s.st.rv
			s.reconcile()
			if s.st.rv == rv {
				break
			}
		}
		s.ctrl.processed.Store(s.st.rv)
		ch := s.st.changed
		s.st.mu.Unlock()
		select {
		case <-ch:
		case <-s.ctrl.wake:
		case <-s.done:
			return
		}
	}
}

// wakeAt runs the controllers again after d.
func (s *Server) wakeAt(d time.Duration) {
	time.AfterFunc(d, func() {
		select {
		case s.ctrl.wake <- struct{}{}:
		default:
		}
	})
}

// reconcile is one pass of every controller; s.st.mu must be held.
func (s *Server) reconcile() {
	for _, d := range sortedObjs(s.st.data["apps/deployments"]) {
		s.reconcileDeployment(d)
	}
	for _, rs := range sortedObjs(s.st.data["apps/replicasets"]) {
		s.reconcileReplicas("apps/replicasets", rs)
	}
	for _, rc := range sortedObjs(s.st.data["/replicationcontrollers"]) {
		s.reconcileReplicas("/replicationcontrollers", rc)
	}
	for _, set := range sortedObjs(s.st.data["apps/statefulsets"]) {
		s.reconcileStatefulSet(set)
	}
	for _, ds := range sortedObjs(s.st.data["apps/daemonsets"]) {
		s.reconcileDaemonSet(ds)
	}
	for _, j := range sortedObjs(s.st.data["batch/jobs"]) {
		s.reconcileJob(j)
	}
	for _, p := range sortedObjs(s.st.data["/pods"]) {
		s.kubelet(p)
	}
	for _, q := range sortedObjs(s.st.data["/resourcequotas"]) {
		s.reconcileQuota(q)
	}
}

func sortedObjs(m map[string]obj) []obj {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]obj, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// owned returns the live objects of key in ns whose controller is uid.
func (s *Server) owned(key, ns, uid string) []obj {
	var out []obj
	for _, o := range sortedObjs(s.st.data[key]) {
		if metaString(o, "namespace") != ns || metaString(o, "deletionTimestamp") != "" {
			continue
		}
		for _, r := range ownerRefs(o) {
			if r["uid"] == uid && r["controller"] == true {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

func controllerRef(o obj) obj {
	return obj{"apiVersion": o["apiVersion"], "kind": o["kind"], "name": metaString(o, "name"), "uid": metaString(o, "uid"), "controller": true, "blockOwnerDeletion": true}
}

func int64Or(v any, def int64) int64 {
	if n, ok := numberInt(v); ok {
		return n
	}
	return def
}

func num(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }

// ctrlCreate creates o in key's resource as a controller does, unless the
// name is taken or the namespace is going away; s.st.mu must be held.
func (s *Server) ctrlCreate(key, ns string, o obj) obj {
	ri := s.reg.byStorageKey(key)
	if ri == nil {
		return nil
	}
	if ri.Namespaced {
		nsObj := s.st.data["/namespaces"][objKey("", ns)]
		if nsObj == nil || metaString(nsObj, "deletionTimestamp") != "" {
			return nil
		}
	} else {
		ns = ""
	}
	o["apiVersion"], o["kind"] = ri.groupVersion(), ri.Kind
	md := meta(o)
	if ns != "" {
		md["namespace"] = ns
	}
	name := metaString(o, "name")
	if name == "" {
		name = generateName(metaString(o, "generateName"))
		md["name"] = name
	}
	if s.st.data[key][objKey(ns, name)] != nil {
		return nil
	}
	md["uid"] = newUID()
	md["creationTimestamp"] = now()
	if ri.tracksGeneration() {
		md["generation"] = json.Number("1")
	}
	rq := &request{verb: "create", ri: ri, ns: ns, manager: controllerManager}
	if !s.controllerCreateStages(rq, o) {
		return nil
	}
	setManagedFields(o, nil, rq, nil, "Update")
	return s.st.commit(key, ns, name, o)
}

// ctrlUpdate stores n in place of cur when they differ, as a controller's
// update (sub "") or status update (sub "status"); s.st.mu must be held.
func (s *Server) ctrlUpdate(key string, cur, n obj, sub string) obj {
	if equalJSON(cur, n) {
		return cur
	}
	ri := s.reg.byStorageKey(key)
	if ri.bumpsGeneration() && specChanged(cur, n) {
		g, _ := numberInt(meta(cur)["generation"])
		meta(n)["generation"] = num(g + 1)
	}
	setManagedFields(n, nil, &request{ri: ri, manager: controllerManager, sub: sub}, cur, "Update")
	return s.st.commit(key, metaString(cur, "namespace"), metaString(cur, "name"), n)
}

// podTemplateHash names a pod template as the pod-template-hash label
// does: a 32-bit FNV-1a hash of the template, in the alphabet Kubernetes
// uses for generated names (the value differs from a real cluster's).
func podTemplateHash(template any) string {
	b, _ := json.Marshal(template)
	h := fnv.New32a()
	h.Write(b)
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	v := h.Sum32()
	out := ""
	for _, c := range strconv.FormatUint(uint64(v), 10) {
		out += string(alphabet[int(c-'0')%len(alphabet)])
	}
	return out
}

func labelsOf(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// reconcileDeployment keeps one ReplicaSet per pod template, the current
// one at the Deployment's replicas and the others at 0, and sums their
// status into the Deployment's.
func (s *Server) reconcileDeployment(d obj) {
	if metaString(d, "deletionTimestamp") != "" {
		return
	}
	ns, uid := metaString(d, "namespace"), metaString(d, "uid")
	replicas := int64Or(nested(d, "spec", "replicas"), 1)
	tmpl := nestedMap(d, "spec", "template")
	hash := podTemplateHash(tmpl)
	var cur obj
	rev := int64(0)
	sets := s.owned("apps/replicasets", ns, uid)
	for _, rs := range sets {
		if str(nestedMap(rs, "metadata", "labels"), "pod-template-hash") == hash {
			cur = rs
		}
		if r, err := strconv.ParseInt(str(nestedMap(rs, "metadata", "annotations"), "deployment.kubernetes.io/revision"), 10, 64); err == nil && r > rev {
			rev = r
		}
	}
	if cur == nil {
		t := copyObj(tmpl)
		if t == nil {
			t = obj{}
		}
		tl := labelsOf(nestedMap(t, "metadata", "labels"))
		tl["pod-template-hash"] = hash
		meta(t)["labels"] = tl
		sel := copyObj(nestedMap(d, "spec", "selector"))
		if sel == nil {
			sel = obj{}
		}
		ml := labelsOf(nestedMap(sel, "matchLabels"))
		ml["pod-template-hash"] = hash
		sel["matchLabels"] = ml
		rs := obj{
			"metadata": obj{
				"name": metaString(d, "name") + "-" + hash, "labels": tl,
				"annotations": obj{
					"deployment.kubernetes.io/desired-replicas": fmt.Sprint(replicas),
					"deployment.kubernetes.io/max-replicas":     fmt.Sprint(replicas + 1),
					"deployment.kubernetes.io/revision":         fmt.Sprint(rev + 1),
				},
				"ownerReferences": []any{controllerRef(d)},
			},
			"spec": obj{"replicas": num(replicas), "selector": sel, "template": t},
		}
		if m, ok := nested(d, "spec", "minReadySeconds").(json.Number); ok {
			nestedMap(rs, "spec")["minReadySeconds"] = m
		}
		cur = s.ctrlCreate("apps/replicasets", ns, rs)
		if cur == nil {
			return
		}
		sets = append(sets, cur)
	}
	var total, updated, ready, available int64
	for _, rs := range sets {
		want := int64(0)
		if metaString(rs, "uid") == metaString(cur, "uid") {
			want = replicas
		}
		if int64Or(nested(rs, "spec", "replicas"), 1) != want {
			n := copyObj(rs)
			nestedMap(n, "spec")["replicas"] = num(want)
			rs = s.ctrlUpdate("apps/replicasets", rs, n, "")
		}
		st := nestedMap(rs, "status")
		r := int64Or(st["replicas"], 0)
		total += r
		ready += int64Or(st["readyReplicas"], 0)
		available += int64Or(st["availableReplicas"], 0)
		if metaString(rs, "uid") == metaString(cur, "uid") {
			updated = r
		}
	}
	n := copyObj(d)
	if a, _ := meta(n)["annotations"].(map[string]any); a == nil {
		meta(n)["annotations"] = obj{}
	}
	meta(n)["annotations"].(map[string]any)["deployment.kubernetes.io/revision"] = str(nestedMap(cur, "metadata", "annotations"), "deployment.kubernetes.io/revision")
	d = s.ctrlUpdate("apps/deployments", d, n, "")
	n = copyObj(d)
	st := obj{"observedGeneration": meta(d)["generation"], "replicas": num(total), "updatedReplicas": num(updated), "readyReplicas": num(ready), "availableReplicas": num(available)}
	if total-available > 0 {
		st["unavailableReplicas"] = num(total - available)
	}
	for k, v := range st {
		if v == json.Number("0") {
			delete(st, k)
		}
	}
	if old := nestedMap(d, "status"); old != nil {
		st["conditions"] = deepCopy(old["conditions"])
	}
	if available >= replicas {
		setCondition(st, obj{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability."})
	} else {
		setCondition(st, obj{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."})
	}
	rsName := metaString(cur, "name")
	if updated == replicas && available >= replicas {
		setCondition(st, obj{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": fmt.Sprintf("ReplicaSet %q has successfully progressed.", rsName)})
	} else {
		setCondition(st, obj{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated", "message": fmt.Sprintf("ReplicaSet %q is progressing.", rsName)})
	}
	n["status"] = st
	s.ctrlUpdate("apps/deployments", d, n, "status")
}

// reconcileReplicas keeps a ReplicaSet's or ReplicationController's pods
// at its replicas and reports them in its status.
func (s *Server) reconcileReplicas(key string, rs obj) {
	if metaString(rs, "deletionTimestamp") != "" {
		return
	}
	ns, uid := metaString(rs, "namespace"), metaString(rs, "uid")
	replicas := int64Or(nested(rs, "spec", "replicas"), 1)
	pods := s.owned("/pods", ns, uid)
	for i := int64(len(pods)); i < replicas; i++ {
		p := s.podFromTemplate(rs, nestedMap(rs, "spec", "template"), nil)
		if c := s.ctrlCreate("/pods", ns, p); c != nil {
			pods = append(pods, c)
		}
	}
	if extra := int64(len(pods)) - replicas; extra > 0 {
		// Not-ready pods go first, then the newest.
		sort.SliceStable(pods, func(i, j int) bool {
			if podIsReady(pods[i]) != podIsReady(pods[j]) {
				return !podIsReady(pods[i])
			}
			return metaString(pods[i], "creationTimestamp") > metaString(pods[j], "creationTimestamp")
		})
		ri := s.reg.byStorageKey("/pods")
		for _, p := range pods[:extra] {
			s.deleteOne(&request{verb: "delete", ri: ri, ns: ns}, ns, metaString(p, "name"), deleteOptions{})
		}
		pods = pods[extra:]
	}
	var ready int64
	for _, p := range pods {
		if podIsReady(p) {
			ready++
		}
	}
	st := obj{"replicas": num(int64(len(pods))), "observedGeneration": meta(rs)["generation"]}
	if len(pods) > 0 {
		st["fullyLabeledReplicas"] = num(int64(len(pods)))
	}
	if ready > 0 {
		st["readyReplicas"], st["availableReplicas"] = num(ready), num(ready)
	}
	n := copyObj(rs)
	n["status"] = st
	s.ctrlUpdate(key, rs, n, "status")
}

// podFromTemplate is a new pod of owner from its pod template.
func (s *Server) podFromTemplate(owner, tmpl obj, extraLabels map[string]any) obj {
	labels := labelsOf(nestedMap(tmpl, "metadata", "labels"))
	for k, v := range extraLabels {
		labels[k] = v
	}
	md := obj{"generateName": metaString(owner, "name") + "-", "ownerReferences": []any{controllerRef(owner)}}
	if len(labels) > 0 {
		md["labels"] = labels
	}
	if a := nestedMap(tmpl, "metadata", "annotations"); len(a) > 0 {
		md["annotations"] = copyObj(a)
	}
	spec := copyObj(nestedMap(tmpl, "spec"))
	if spec == nil {
		spec = obj{}
	}
	return obj{"metadata": md, "spec": spec}
}

// reconcileJob runs a Job's pods, parallelism at a time, until
// completions of them have succeeded.
func (s *Server) reconcileJob(j obj) {
	if metaString(j, "deletionTimestamp") != "" {
		return
	}
	ns, uid := metaString(j, "namespace"), metaString(j, "uid")
	completions := int64Or(nested(j, "spec", "completions"), 1)
	parallelism := int64Or(nested(j, "spec", "parallelism"), 1)
	old := nestedMap(j, "status")
	complete := false
	for _, c := range asList(old["conditions"]) {
		if cm, _ := c.(map[string]any); cm["type"] == "Complete" && cm["status"] == "True" {
			complete = true
		}
	}
	var active, ready, succeeded, failed int64
	for _, p := range s.owned("/pods", ns, uid) {
		switch str(nestedMap(p, "status"), "phase") {
		case "Succeeded":
			succeeded++
		case "Failed":
			failed++
		default:
			active++
			if podIsReady(p) {
				ready++
			}
		}
	}
	if suspended, _ := nested(j, "spec", "suspend").(bool); !complete && !suspended {
		for want := min(parallelism, completions-succeeded); active < want; active++ {
			extra := map[string]any{"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": metaString(j, "name"), "controller-uid": uid, "job-name": metaString(j, "name")}
			if s.ctrlCreate("/pods", ns, s.podFromTemplate(j, nestedMap(j, "spec", "template"), extra)) == nil {
				break
			}
		}
	}
	st := copyObj(old)
	if st == nil {
		st = obj{}
	}
	if _, ok := st["startTime"]; !ok {
		st["startTime"] = now()
	}
	st["active"], st["ready"], st["succeeded"], st["failed"] = num(active), num(ready), num(succeeded), num(failed)
	st["terminating"] = num(0)
	st["uncountedTerminatedPods"] = obj{}
	for _, k := range []string{"active", "succeeded", "failed"} {
		if st[k] == json.Number("0") {
			delete(st, k)
		}
	}
	if succeeded >= completions && !complete {
		t := now()
		setCondition(st, obj{"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": t})
		setCondition(st, obj{"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": t})
		st["completionTime"] = t
	}
	n := copyObj(j)
	n["status"] = st
	s.ctrlUpdate("batch/jobs", j, n, "status")
}

// kubelet binds a pod to the fake node, starts it (Running, Ready, an IP,
// running containers) and, for a Job's pod, finishes it after the Job pod
// duration.
func (s *Server) kubelet(p obj) {
	if metaString(p, "deletionTimestamp") != "" {
		return
	}
	phase := str(nestedMap(p, "status"), "phase")
	if phase == "Succeeded" || phase == "Failed" {
		return
	}
	ns, name := metaString(p, "namespace"), metaString(p, "name")
	if str(nestedMap(p, "spec"), "nodeName") == "" {
		s.ensureNode()
		p = s.st.commit("/pods", ns, name, bindPod(p, fakeNode, nil))
	}
	if phase != "Running" {
		n := copyObj(p)
		st := nestedMap(n, "status")
		s.ctrl.nextIP++
		ip := fmt.Sprintf("10.244.%d.%d", s.ctrl.nextIP/250, s.ctrl.nextIP%250+2)
		t := now()
		st["phase"] = "Running"
		st["hostIP"], st["hostIPs"] = "10.0.0.1", []any{obj{"ip": "10.0.0.1"}}
		st["podIP"], st["podIPs"] = ip, []any{obj{"ip": ip}}
		st["startTime"] = t
		if g, ok := meta(n)["generation"]; ok {
			st["observedGeneration"] = g
		}
		for _, c := range []string{"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"} {
			setCondition(st, obj{"type": c, "status": "True", "lastProbeTime": nil})
		}
		var cs []any
		for _, c := range asList(nested(n, "spec", "containers")) {
			cm, _ := c.(map[string]any)
			cs = append(cs, obj{
				"name": cm["name"], "image": cm["image"], "imageID": fmt.Sprint(cm["image"]), "containerID": "containerd://" + newUID(),
				"ready": true, "started": true, "restartCount": num(0), "state": obj{"running": obj{"startedAt": t}}, "lastState": obj{},
			})
		}
		st["containerStatuses"] = cs
		p = s.ctrlUpdate("/pods", p, n, "status")
		phase = "Running"
	}
	if !ownedByKind(p, "Job") {
		return
	}
	started, err := time.Parse(time.RFC3339, str(nestedMap(p, "status"), "startTime"))
	if err != nil {
		return
	}
	if left := time.Until(started.Add(s.opts.podRunTime)); left > 0 {
		s.wakeAt(left)
		return
	}
	n := copyObj(p)
	st := nestedMap(n, "status")
	st["phase"] = "Succeeded"
	t := now()
	for _, c := range []string{"Ready", "ContainersReady"} {
		setCondition(st, obj{"type": c, "status": "False", "reason": "PodCompleted", "lastProbeTime": nil})
	}
	for _, c := range asList(st["containerStatuses"]) {
		cm, _ := c.(map[string]any)
		startedAt := nested(cm, "state", "running", "startedAt")
		cm["ready"], cm["started"] = false, false
		cm["state"] = obj{"terminated": obj{"exitCode": num(0), "reason": "Completed", "startedAt": startedAt, "finishedAt": t, "containerID": cm["containerID"]}}
	}
	s.ctrlUpdate("/pods", p, n, "status")
}

func ownedByKind(o obj, kind string) bool {
	for _, r := range ownerRefs(o) {
		if r["kind"] == kind && r["controller"] == true {
			return true
		}
	}
	return false
}

// ensureNode creates the node pods are bound to; s.st.mu must be held.
func (s *Server) ensureNode() {
	if s.st.data["/nodes"][objKey("", fakeNode)] != nil {
		return
	}
	t := now()
	s.ctrlCreate("/nodes", "", obj{
		"metadata": obj{"name": fakeNode, "labels": obj{"kubernetes.io/hostname": fakeNode, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}},
	})
	n := copyObj(s.st.data["/nodes"][objKey("", fakeNode)])
	if n == nil {
		return
	}
	n["status"] = obj{
		"conditions": []any{obj{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": t, "lastTransitionTime": t}},
		"addresses":  []any{obj{"type": "InternalIP", "address": "10.0.0.1"}, obj{"type": "Hostname", "address": fakeNode}},
		"capacity":   obj{"cpu": "8", "memory": "32Gi", "pods": "110"}, "allocatable": obj{"cpu": "8", "memory": "32Gi", "pods": "110"},
		"nodeInfo": obj{"kubeletVersion": s.opts.version, "operatingSystem": "linux", "architecture": "amd64", "containerRuntimeVersion": "fake://1.0",
			"machineID": "", "systemUUID": "", "bootID": "", "kernelVersion": "", "osImage": "kubewire fake", "kubeProxyVersion": ""},
	}
	s.st.commit("/nodes", "", fakeNode, n)
}
