package fake

import (
	"fmt"
	"regexp"
	"strings"
)

// Pods: admission (service account, priority, default tolerations), the
// status a create starts with, the Pod and PodSpec defaulting functions of
// Kubernetes 1.37 (pkg/apis/core/v1/defaults.go) and the pod spec
// validation users meet most. The pod spec rules are shared by every kind
// with a pod template (strategy_workloads.go).

// podStrategy is the Pod's strategy.
var podStrategy = &strategy{
	admit:         admitPod,
	prepareCreate: func(_ *Server, _ *request, o obj) { o["status"] = obj{"phase": "Pending", "qosClass": qosClass(o)} },
	defaults:      defaultPod,
	validate: func(o obj) []fieldError {
		return validatePodSpec(nestedMap(o, "spec"), "spec", false)
	},
	validateUpdate: validatePodUpdate,
	warnings:       func(o obj) []string { return podSpecWarnings(nestedMap(o, "spec"), "spec") },
	podSpec:        []string{"spec"},
}

// defaultProbe is SetDefaults_Probe.
func defaultProbe(m map[string]any) {
	for k, v := range map[string]int64{"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3} {
		if n, _ := numberInt(m[k]); n == 0 {
			m[k] = num(v)
		}
	}
}

// defaultHTTPGetAction is SetDefaults_HTTPGetAction.
func defaultHTTPGetAction(m map[string]any) {
	setDefault(m, "path", "/")
	setDefault(m, "scheme", "HTTP")
}

// defaultFileMode is the defaultMode of secret, config map, downward API
// and projected volume sources.
func defaultFileMode(m map[string]any) { setDefault(m, "defaultMode", num(0o644)) }

// defaultTokenProjection is SetDefaults_ServiceAccountTokenProjection.
func defaultTokenProjection(m map[string]any) { setDefault(m, "expirationSeconds", num(3600)) }

// defaultObjectFieldSelector is SetDefaults_ObjectFieldSelector.
func defaultObjectFieldSelector(m map[string]any) { setDefault(m, "apiVersion", "v1") }

// defaultHostPath is SetDefaults_HostPathVolumeSource: the type "".
func defaultHostPath(m map[string]any) {
	if _, ok := m["type"]; !ok {
		m["type"] = ""
	}
}

// defaultPod is SetDefaults_Pod: a negative grace period becomes 1,
// containers' requests default to their limits, service links are on, and
// with the host's network a port's hostPort is its containerPort.
func defaultPod(o obj) {
	spec := child(o, "spec")
	if n, ok := numberInt(spec["terminationGracePeriodSeconds"]); ok && n < 0 {
		spec["terminationGracePeriodSeconds"] = num(1)
	}
	for _, list := range []string{"containers", "initContainers"} {
		for _, c := range asList(spec[list]) {
			cm, _ := c.(map[string]any)
			lim := nestedMap(cm, "resources", "limits")
			if lim == nil {
				continue
			}
			req := child(child(cm, "resources"), "requests")
			for k, v := range lim {
				if _, ok := req[k]; !ok {
					req[k] = v
				}
			}
		}
	}
	if _, ok := spec["enableServiceLinks"]; !ok {
		spec["enableServiceLinks"] = true
	}
	if spec["hostNetwork"] == true {
		for _, list := range []string{"containers", "initContainers"} {
			for _, c := range asList(spec[list]) {
				cm, _ := c.(map[string]any)
				for _, p := range asList(cm["ports"]) {
					if pm, ok := p.(map[string]any); ok {
						if n, _ := numberInt(pm["hostPort"]); n == 0 {
							pm["hostPort"] = pm["containerPort"]
						}
					}
				}
			}
		}
	}
}

// defaultPodSpec is SetDefaults_PodSpec, for pods and pod templates.
func defaultPodSpec(m map[string]any) {
	if str(m, "serviceAccountName") == "" && str(m, "serviceAccount") != "" {
		m["serviceAccountName"] = m["serviceAccount"]
	}
	if sa := str(m, "serviceAccountName"); sa != "" {
		m["serviceAccount"] = sa
	} else {
		delete(m, "serviceAccount")
	}
	setDefault(m, "dnsPolicy", "ClusterFirst")
	setDefault(m, "restartPolicy", "Always")
	if _, ok := m["securityContext"].(map[string]any); !ok {
		m["securityContext"] = map[string]any{}
	}
	if m["terminationGracePeriodSeconds"] == nil {
		m["terminationGracePeriodSeconds"] = num(30)
	}
	setDefault(m, "schedulerName", "default-scheduler")
}

// defaultContainer is SetDefaults_Container: the pull policy from the
// image's tag, and the termination message's path and policy.
func defaultContainer(m map[string]any) {
	if str(m, "imagePullPolicy") == "" {
		if imageTag(str(m, "image")) == "latest" {
			m["imagePullPolicy"] = "Always"
		} else {
			m["imagePullPolicy"] = "IfNotPresent"
		}
	}
	setDefault(m, "terminationMessagePath", "/dev/termination-log")
	setDefault(m, "terminationMessagePolicy", "File")
}

// reImageRef is the grammar of an image reference the pull policy default
// can read a tag from (lower-case repository path, optional tag, optional
// digest).
var reImageRef = regexp.MustCompile(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`)

// imageTag is the tag the kubelet's image parser gives an image: its tag,
// "latest" when it has neither tag nor digest, "" when it has only a digest
// or does not parse.
func imageTag(image string) string {
	m := reImageRef.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	if m[1] == "" && m[2] == "" {
		return "latest"
	}
	return m[1]
}

// volumeSources are the members of a Volume besides its name.
func defaultVolume(m map[string]any) {
	for k := range m {
		if k != "name" {
			return
		}
	}
	m["emptyDir"] = map[string]any{}
}

// admitPod is the pod admission of a default kube-apiserver: on create the
// ServiceAccount plugin (the default account, its token volume, its image
// pull secrets), then DefaultTolerationSeconds and Priority; on update,
// Priority keeps the old priority and DefaultTolerationSeconds adds its
// tolerations again.
func admitPod(s *Server, rq *request, o, old obj) error {
	spec := child(o, "spec")
	if old != nil {
		oldSpec := nestedMap(old, "spec")
		for _, k := range []string{"priority", "preemptionPolicy"} {
			if _, ok := spec[k]; !ok && oldSpec[k] != nil {
				spec[k] = oldSpec[k]
			}
		}
		addDefaultTolerations(spec)
		return nil
	}
	name := metaString(o, "name")
	if err := s.admitServiceAccount(rq, o, spec, name); err != nil {
		return err
	}
	addDefaultTolerations(spec)
	return s.admitPriority(rq, spec, name)
}

const tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

// admitServiceAccount is the ServiceAccount admission plugin on create.
func (s *Server) admitServiceAccount(rq *request, o, spec map[string]any, name string) error {
	if _, mirror := nestedMap(o, "metadata", "annotations")["kubernetes.io/config.mirror"]; mirror {
		return nil
	}
	sa := str(spec, "serviceAccountName")
	if sa == "" {
		sa = "default"
		spec["serviceAccountName"], spec["serviceAccount"] = sa, sa
	}
	acct := s.st.data["/serviceaccounts"][objKey(rq.ns, sa)]
	if acct == nil {
		return errForbidden("", "pods", name, fmt.Sprintf("error looking up service account %s/%s: serviceaccount %q not found", rq.ns, sa, sa))
	}
	automount := true
	if v, ok := spec["automountServiceAccountToken"].(bool); ok {
		automount = v
	} else if v, ok := acct["automountServiceAccountToken"].(bool); ok {
		automount = v
	}
	if automount {
		mountToken(spec)
	}
	if len(asList(spec["imagePullSecrets"])) == 0 {
		var refs []any
		for _, r := range asList(acct["imagePullSecrets"]) {
			if rm, ok := r.(map[string]any); ok {
				refs = append(refs, map[string]any{"name": rm["name"]})
			}
		}
		if refs != nil {
			spec["imagePullSecrets"] = refs
		}
	}
	return nil
}

// mountToken adds the projected service account token volume and mounts it
// in every container that has nothing at its path, as the real plugin does
// (the volume named kube-api-access- and five random characters).
func mountToken(spec map[string]any) {
	volName := ""
	for _, v := range asList(spec["volumes"]) {
		if vm, ok := v.(map[string]any); ok && strings.HasPrefix(str(vm, "name"), "kube-api-access-") {
			volName = str(vm, "name")
			break
		}
	}
	hasVolume := volName != ""
	if !hasVolume {
		volName = generateName("kube-api-access-")
	}
	needed := false
	for _, list := range []string{"initContainers", "containers"} {
		for _, c := range asList(spec[list]) {
			cm, ok := c.(map[string]any)
			if !ok {
				continue
			}
			mounted := false
			for _, vm := range asList(cm["volumeMounts"]) {
				if m, ok := vm.(map[string]any); ok && str(m, "mountPath") == tokenMountPath {
					mounted = true
				}
			}
			if !mounted {
				cm["volumeMounts"] = append(asList(cm["volumeMounts"]), map[string]any{"name": volName, "readOnly": true, "mountPath": tokenMountPath})
				needed = true
			}
		}
	}
	if hasVolume || !needed {
		return
	}
	spec["volumes"] = append(asList(spec["volumes"]), map[string]any{
		"name": volName,
		"projected": map[string]any{
			"defaultMode": num(0o644),
			"sources": []any{
				map[string]any{"serviceAccountToken": map[string]any{"path": "token", "expirationSeconds": num(3607)}},
				map[string]any{"configMap": map[string]any{"name": "kube-root-ca.crt", "items": []any{map[string]any{"key": "ca.crt", "path": "ca.crt"}}}},
				map[string]any{"downwardAPI": map[string]any{"items": []any{map[string]any{"path": "namespace", "fieldRef": map[string]any{"apiVersion": "v1", "fieldPath": "metadata.namespace"}}}}},
			},
		},
	})
}

// addDefaultTolerations is the DefaultTolerationSeconds plugin: pods
// tolerate a not-ready and an unreachable node for 300 seconds unless they
// already tolerate those taints.
func addDefaultTolerations(spec map[string]any) {
	for _, key := range []string{"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"} {
		tolerated := false
		for _, t := range asList(spec["tolerations"]) {
			tm, _ := t.(map[string]any)
			if k := str(tm, "key"); (k == key || k == "") && (str(tm, "effect") == "NoExecute" || str(tm, "effect") == "") {
				tolerated = true
			}
		}
		if !tolerated {
			spec["tolerations"] = append(asList(spec["tolerations"]), map[string]any{
				"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": num(300)})
		}
	}
}

// systemPriorityClasses are the classes kube-apiserver creates at start.
var systemPriorityClasses = map[string]int64{"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}

// admitPriority is the Priority plugin on create: the priority (and
// preemption policy) of the pod's class, of the global default class, or 0.
func (s *Server) admitPriority(rq *request, spec map[string]any, name string) error {
	pcName := str(spec, "priorityClassName")
	var prio int64
	policy := "PreemptLowerPriority"
	if pcName == "" {
		for _, pc := range s.st.data["scheduling.k8s.io/priorityclasses"] {
			if pc["globalDefault"] == true {
				pcName = metaString(pc, "name")
				prio, _ = numberInt(pc["value"])
				if p := str(pc, "preemptionPolicy"); p != "" {
					policy = p
				}
				spec["priorityClassName"] = pcName
			}
		}
	} else if v, ok := systemPriorityClasses[pcName]; ok {
		prio = v
	} else if pc := s.st.data["scheduling.k8s.io/priorityclasses"][objKey("", pcName)]; pc != nil {
		prio, _ = numberInt(pc["value"])
		if p := str(pc, "preemptionPolicy"); p != "" {
			policy = p
		}
	} else {
		return errForbidden("", "pods", name, fmt.Sprintf("no PriorityClass with name %s was found", pcName))
	}
	if v, ok := numberInt(spec["priority"]); spec["priority"] != nil && (!ok || v != prio) {
		return errForbidden("", "pods", name, fmt.Sprintf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", v, prio))
	}
	spec["priority"] = num(prio)
	if p := str(spec, "preemptionPolicy"); p != "" && p != policy {
		return errForbidden("", "pods", name, fmt.Sprintf("the string value of PreemptionPolicy (%s) must not be provided in pod spec; priority admission controller computed %s from the given PriorityClass name", p, policy))
	}
	spec["preemptionPolicy"] = policy
	return nil
}

// validatePodSpec is the part of the real pod spec validation the fake
// does: containers (required, names, image, ports, resources, pull and
// termination message policies), restart and DNS policies. template is true
// for a workload's pod template.
func validatePodSpec(spec map[string]any, path string, template bool) []fieldError {
	errs, vols := validateVolumes(asList(spec["volumes"]), path+".volumes")
	cs := asList(spec["containers"])
	if len(cs) == 0 {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: path + ".containers"})
	}
	names := map[string]bool{}
	for i, c := range cs {
		cm, _ := c.(map[string]any)
		p := fmt.Sprintf("%s.containers[%d]", path, i)
		errs = append(errs, validateContainer(cm, p, vols)...)
		errs = append(errs, validateContainerProbes(cm, p, false)...)
		n := str(cm, "name")
		if names[n] {
			errs = append(errs, fieldError{Type: "FieldValueDuplicate", Field: p + ".name", Value: n})
		}
		names[n] = true
	}
	for i, c := range asList(spec["initContainers"]) {
		cm, _ := c.(map[string]any)
		p := fmt.Sprintf("%s.initContainers[%d]", path, i)
		errs = append(errs, validateContainer(cm, p, vols)...)
		errs = append(errs, validateContainerProbes(cm, p, true)...)
		n := str(cm, "name")
		if names[n] {
			errs = append(errs, fieldError{Type: "FieldValueDuplicate", Field: p + ".name", Value: n})
		}
		names[n] = true
	}
	switch rp := str(spec, "restartPolicy"); rp {
	case "Always", "OnFailure", "Never":
	case "":
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: path + ".restartPolicy"})
	default:
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: path + ".restartPolicy", Value: rp, Detail: `supported values: "Always", "OnFailure", "Never"`})
	}
	switch dp := str(spec, "dnsPolicy"); dp {
	case "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None":
	case "":
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: path + ".dnsPolicy"})
	default:
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: path + ".dnsPolicy", Value: dp, Detail: `supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`})
	}
	errs = append(errs, validatePodSecurity(spec, path)...)
	errs = append(errs, validateScheduling(spec, path)...)
	errs = append(errs, validateHostNetworkPorts(spec, path)...)
	if sa := str(spec, "serviceAccountName"); sa != "" {
		for _, m := range dns1123SubdomainErrors(sa) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path + ".serviceAccountName", Value: sa, Detail: m})
		}
	}
	return errs
}

var (
	rePortNameChars  = regexp.MustCompile(`^[-a-z0-9]+$`)
	rePortNameLetter = regexp.MustCompile(`[a-z]`)
)

// validateContainer is validateContainerCommon's checks the fake does, in
// its order.
func validateContainer(c map[string]any, p string, vols map[string]bool) []fieldError {
	var errs []fieldError
	if n := str(c, "name"); n == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".name"})
	} else {
		for _, m := range dns1123LabelMessages(n) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".name", Value: n, Detail: m})
		}
	}
	if str(c, "image") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".image"})
	}
	switch tp := str(c, "terminationMessagePolicy"); tp {
	case "File", "FallbackToLogsOnError":
	case "":
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".terminationMessagePolicy"})
	default:
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: p + ".terminationMessagePolicy", Value: tp, Detail: `supported values: "File", "FallbackToLogsOnError"`})
	}
	errs = append(errs, validateContainerPorts(asList(c["ports"]), p+".ports")...)
	errs = append(errs, validateEnv(c, p)...)
	errs = append(errs, validateMounts(asList(c["volumeMounts"]), vols, p+".volumeMounts")...)
	switch pp := str(c, "imagePullPolicy"); pp {
	case "Always", "IfNotPresent", "Never":
	case "":
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".imagePullPolicy"})
	default:
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: p + ".imagePullPolicy", Value: pp, Detail: `supported values: "Always", "IfNotPresent", "Never"`})
	}
	errs = append(errs, validateResourceNames(c, p)...)
	errs = append(errs, validateResources(nestedMap(c, "resources"), p+".resources")...)
	errs = append(errs, validateContainerSecurity(c, p)...)
	return errs
}

// dns1123LabelMessages are ValidateDNS1123Label's messages (no special
// wording for dots, unlike object names).
func dns1123LabelMessages(n string) []string {
	var msgs []string
	if len(n) > 63 {
		msgs = append(msgs, "must be no more than 63 characters")
	}
	if !reLabel.MatchString(n) {
		msgs = append(msgs, msgLabel)
	}
	return msgs
}

func validateContainerPorts(ports []any, p string) []fieldError {
	var errs []fieldError
	names := map[string]bool{}
	for i, port := range ports {
		pm, _ := port.(map[string]any)
		ip := fmt.Sprintf("%s[%d]", p, i)
		if n := str(pm, "name"); n != "" {
			if msgs := portNameMessages(n); len(msgs) > 0 {
				for _, m := range msgs {
					errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".name", Value: n, Detail: m})
				}
			} else if names[n] {
				errs = append(errs, fieldError{Type: "FieldValueDuplicate", Field: ip + ".name", Value: n})
			} else {
				names[n] = true
			}
		}
		cp, _ := numberInt(pm["containerPort"])
		if cp == 0 {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".containerPort"})
		} else if cp < 1 || cp > 65535 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".containerPort", Value: cp, Detail: "must be between 1 and 65535, inclusive"})
		}
		if hp, _ := numberInt(pm["hostPort"]); hp != 0 && (hp < 1 || hp > 65535) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".hostPort", Value: hp, Detail: "must be between 1 and 65535, inclusive"})
		}
		switch pr := str(pm, "protocol"); pr {
		case "TCP", "UDP", "SCTP":
		case "":
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".protocol"})
		default:
			errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: ip + ".protocol", Value: pr, Detail: `supported values: "SCTP", "TCP", "UDP"`})
		}
	}
	return errs
}

// portNameMessages are IsValidPortName's messages.
func portNameMessages(n string) []string {
	var msgs []string
	if len(n) > 15 {
		msgs = append(msgs, "must be no more than 15 characters")
	}
	if !rePortNameChars.MatchString(n) {
		msgs = append(msgs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !rePortNameLetter.MatchString(n) {
		msgs = append(msgs, "must contain at least one letter (a-z)")
	}
	if strings.Contains(n, "--") {
		msgs = append(msgs, "must not contain consecutive hyphens")
	}
	if len(n) > 0 && (n[0] == '-' || n[len(n)-1] == '-') {
		msgs = append(msgs, "must not begin or end with a hyphen")
	}
	return msgs
}

// validateResources checks that requests do not exceed limits, and that a
// quantity is not negative, as validateResourceRequirements does.
func validateResources(r map[string]any, p string) []fieldError {
	var errs []fieldError
	lim := nestedMap(r, "limits")
	req := nestedMap(r, "requests")
	for _, k := range sortedKeys(lim) {
		if q, err := parseQuantityValue(lim[k]); err == nil && q.Sign() < 0 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".limits[" + k + "]", Value: canonicalQuantity(q), Detail: "must be greater than or equal to 0"})
		}
	}
	for _, k := range sortedKeys(req) {
		q, err := parseQuantityValue(req[k])
		if err != nil {
			continue
		}
		if q.Sign() < 0 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".requests[" + k + "]", Value: canonicalQuantity(q), Detail: "must be greater than or equal to 0"})
		}
		lv, ok := lim[k]
		if !ok {
			continue
		}
		l, err := parseQuantityValue(lv)
		if err == nil && q.Cmp(l) > 0 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".requests", Value: canonicalQuantity(q), Detail: fmt.Sprintf("must be less than or equal to %s limit of %s", k, canonicalQuantity(l))})
		}
	}
	return errs
}

// deprecatedVolumes are the volume sources GetWarningsForPod warns about,
// in its order, with what it says of each.
var deprecatedVolumes = []struct{ source, message string }{
	{"photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+"},
	{"gitRepo", "deprecated in v1.11"},
	{"scaleIO", "deprecated in v1.16, non-functional in v1.22+"},
	{"flocker", "deprecated in v1.22, non-functional in v1.25+"},
	{"storageos", "deprecated in v1.22, non-functional in v1.25+"},
	{"quobyte", "deprecated in v1.22, non-functional in v1.25+"},
	{"glusterfs", "deprecated in v1.25, non-functional in v1.26+"},
	{"cephfs", "deprecated in v1.28, non-functional in v1.31+"},
	{"rbd", "deprecated in v1.28, non-functional in v1.31+"},
}

// podSpecWarnings are the pod warnings the fake gives (GetWarningsForPod):
// deprecated volume sources, and memory and ephemeral storage quantities
// that are not whole bytes.
func podSpecWarnings(spec map[string]any, path string) []string {
	var out []string
	for i, v := range asList(spec["volumes"]) {
		vm, _ := v.(map[string]any)
		for _, d := range deprecatedVolumes {
			if vm[d.source] != nil {
				// The real warning names the storageos source by its
				// Go field, storageOS.
				name := d.source
				if name == "storageos" {
					name = "storageOS"
				}
				out = append(out, fmt.Sprintf("%s.volumes[%d].%s: %s", path, i, name, d.message))
			}
		}
	}
	for _, list := range []string{"containers", "initContainers"} {
		for i, c := range asList(spec[list]) {
			cm, _ := c.(map[string]any)
			p := fmt.Sprintf("%s.%s[%d].resources", path, list, i)
			for _, res := range []string{"memory", "ephemeral-storage"} {
				for _, kind := range []string{"limits", "requests"} {
					v, ok := nestedMap(cm, "resources", kind)[res]
					if !ok {
						continue
					}
					if q, err := parseQuantityValue(v); err == nil && q.MilliValue()%1000 != 0 {
						out = append(out, fmt.Sprintf("%s.%s[%s]: fractional byte value %q is invalid, must be an integer", p, kind, res, canonicalQuantity(q)))
					}
				}
			}
		}
	}
	return out
}

// dropDisabledPodFields drops what the real pod strategy drops for the
// feature gates off by default in 1.37, unless old (the old pod spec, nil
// on create) uses it: a container lifecycle's stopSignal
// (ContainerStopSignals) and a gRPC probe's mode (GRPCContainerProbeTLS).
func dropDisabledPodFields(spec, old map[string]any) {
	containers := func(s map[string]any) []map[string]any {
		var out []map[string]any
		for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
			for _, c := range asList(s[list]) {
				if cm, ok := c.(map[string]any); ok {
					out = append(out, cm)
				}
			}
		}
		return out
	}
	inUse := func(check func(c map[string]any) bool) bool {
		for _, c := range containers(old) {
			if check(c) {
				return true
			}
		}
		return false
	}
	hasStopSignal := func(c map[string]any) bool { return nested(c, "lifecycle", "stopSignal") != nil }
	probes := []string{"livenessProbe", "readinessProbe", "startupProbe"}
	hasGRPCMode := func(c map[string]any) bool {
		for _, p := range probes {
			if nested(c, p, "grpc", "mode") != nil {
				return true
			}
		}
		return false
	}
	if !inUse(hasStopSignal) {
		for _, c := range containers(spec) {
			if lc, ok := c["lifecycle"].(map[string]any); ok {
				delete(lc, "stopSignal")
				if len(lc) == 0 {
					delete(c, "lifecycle")
				}
			}
		}
	}
	if !inUse(hasGRPCMode) {
		for _, c := range containers(spec) {
			for _, p := range probes {
				if g := nestedMap(c, p, "grpc"); g != nil {
					delete(g, "mode")
				}
			}
		}
	}
}
