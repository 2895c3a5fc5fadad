//go:build integration

package integration

// The pod part of the validation script: what users get wrong in volumes,
// probes, security contexts, environment variables, affinity and
// scheduling, and what a pod update may change; then the immutable parts
// of Jobs and claims. Each step is one mistake, so each answer is one
// message (or the few a single mistake makes).

func init() { fidelityScript = append(fidelityScript, fidelityPodValidationScript...) }

// podC is a pod named name with one container "c" (image nginx:1.27) that
// has the extra members cextra, and the extra pod spec members pextra.
func podC(name, cextra, pextra string) string {
	c := `{"name":"c","image":"nginx:1.27"`
	if cextra != "" {
		c += "," + cextra
	}
	spec := `{` + pextra
	if pextra != "" {
		spec += ","
	}
	return podWith(name, spec+`"containers":[`+c+`}]}`)
}

// jobWith is a Job named name with the spec members extra before its
// template (restartPolicy Never, one busybox container).
func jobWith(name, extra string) string {
	return `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"` + name + `"},"spec":{` + extra +
		`"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.36"}]}}}}`
}

// pvcWith is a PersistentVolumeClaim named name with the given spec.
func pvcWith(name, spec string) string {
	return `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"` + name + `"},"spec":` + spec + `}`
}

var fidelityPodValidationScript = []fidStep{
	// Volumes and mounts.
	{ID: "pv-vol-two-sources", Method: "POST", Path: pPod, Body: podC("pv1", "", `"volumes":[{"name":"v","emptyDir":{},"hostPath":{"path":"/x"}}]`)},
	{ID: "pv-vol-dup-name", Method: "POST", Path: pPod, Body: podC("pv2", "", `"volumes":[{"name":"v","emptyDir":{}},{"name":"v","emptyDir":{}}]`)},
	{ID: "pv-vol-bad-name", Method: "POST", Path: pPod, Body: podC("pv3", "", `"volumes":[{"name":"Bad_V","emptyDir":{}}]`)},
	{ID: "pv-mount-not-found", Method: "POST", Path: pPod, Body: podC("pv4", `"volumeMounts":[{"name":"nope","mountPath":"/data"}]`, "")},
	{ID: "pv-mount-no-path", Method: "POST", Path: pPod, Body: podC("pv5", `"volumeMounts":[{"name":"v"}]`, `"volumes":[{"name":"v","emptyDir":{}}]`)},
	{ID: "pv-mount-dup-path", Method: "POST", Path: pPod, Body: podC("pv6", `"volumeMounts":[{"name":"v","mountPath":"/a"},{"name":"w","mountPath":"/a"}]`, `"volumes":[{"name":"v","emptyDir":{}},{"name":"w","emptyDir":{}}]`)},
	{ID: "pv-cm-mode", Method: "POST", Path: pPod, Body: podC("pv7", "", `"volumes":[{"name":"v","configMap":{"name":"x","defaultMode":1000}}]`)},
	{ID: "pv-secret-no-name", Method: "POST", Path: pPod, Body: podC("pv8", "", `"volumes":[{"name":"v","secret":{}}]`)},
	{ID: "pv-hostpath-type", Method: "POST", Path: pPod, Body: podC("pv9", "", `"volumes":[{"name":"v","hostPath":{"path":"/x","type":"Dir"}}]`)},
	{ID: "pv-pvc-no-claim", Method: "POST", Path: pPod, Body: podC("pv10", "", `"volumes":[{"name":"v","persistentVolumeClaim":{}}]`)},
	{ID: "pv-downward-abs", Method: "POST", Path: pPod, Body: podC("pv11", "", `"volumes":[{"name":"v","downwardAPI":{"items":[{"path":"/abs","fieldRef":{"fieldPath":"metadata.name"}}]}}]`)},
	{ID: "pv-cm-item-no-key", Method: "POST", Path: pPod, Body: podC("pv12", "", `"volumes":[{"name":"v","configMap":{"name":"x","items":[{"key":"","path":"p"}]}}]`)},
	{ID: "pv-mount-ok", Method: "POST", Path: pPod, Body: podC("pv13", `"volumeMounts":[{"name":"v","mountPath":"/a","readOnly":true},{"name":"p","mountPath":"/p","subPath":"x"}]`,
		`"volumes":[{"name":"v","projected":{"sources":[{"configMap":{"name":"x"}},{"serviceAccountToken":{"path":"t"}}]}},{"name":"p","persistentVolumeClaim":{"claimName":"c"}},{"name":"e","emptyDir":{"medium":"Memory","sizeLimit":"64Mi"}}]`)},

	// Probes and lifecycle hooks.
	{ID: "pv-probe-no-handler", Method: "POST", Path: pPod, Body: podC("pr1", `"livenessProbe":{"periodSeconds":5}`, "")},
	{ID: "pv-probe-two-handlers", Method: "POST", Path: pPod, Body: podC("pr2", `"readinessProbe":{"exec":{"command":["true"]},"tcpSocket":{"port":80}}`, "")},
	{ID: "pv-probe-negative", Method: "POST", Path: pPod, Body: podC("pr3", `"livenessProbe":{"tcpSocket":{"port":80},"periodSeconds":-1,"initialDelaySeconds":-2}`, "")},
	{ID: "pv-probe-liveness-success", Method: "POST", Path: pPod, Body: podC("pr4", `"livenessProbe":{"tcpSocket":{"port":80},"successThreshold":2}`, "")},
	{ID: "pv-probe-port-zero", Method: "POST", Path: pPod, Body: podC("pr5", `"readinessProbe":{"httpGet":{"port":0}}`, "")},
	{ID: "pv-probe-port-name", Method: "POST", Path: pPod, Body: podC("pr6", `"readinessProbe":{"tcpSocket":{"port":"Web_Port"}}`, "")},
	{ID: "pv-probe-exec-empty", Method: "POST", Path: pPod, Body: podC("pr7", `"startupProbe":{"exec":{}}`, "")},
	{ID: "pv-probe-scheme", Method: "POST", Path: pPod, Body: podC("pr8", `"livenessProbe":{"httpGet":{"port":80,"scheme":"FTP"}}`, "")},
	{ID: "pv-prestop-no-handler", Method: "POST", Path: pPod, Body: podC("pr9", `"lifecycle":{"preStop":{}}`, "")},
	{ID: "pv-init-probe", Method: "POST", Path: pPod, Body: podWith("pr10", `{"initContainers":[{"name":"i","image":"busybox","readinessProbe":{"exec":{"command":["true"]}}}],"containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "pv-sidecar-ok", Method: "POST", Path: pPod, Body: podWith("pr11", `{"initContainers":[{"name":"i","image":"busybox","restartPolicy":"Always","startupProbe":{"exec":{"command":["true"]}},"readinessProbe":{"grpc":{"port":9090}}}],"containers":[{"name":"c","image":"nginx","livenessProbe":{"httpGet":{"path":"/healthz","port":"http","httpHeaders":[{"name":"X","value":"y"}]}},"ports":[{"name":"http","containerPort":8080}]}]}`)},

	// Security contexts.
	{ID: "pv-sc-privileged-escalation", Method: "POST", Path: pPod, Body: podC("sc1", `"securityContext":{"privileged":true,"allowPrivilegeEscalation":false}`, "")},
	{ID: "pv-sc-run-as-user", Method: "POST", Path: pPod, Body: podC("sc2", `"securityContext":{"runAsUser":-1,"runAsGroup":-2}`, "")},
	{ID: "pv-sc-fsgroup", Method: "POST", Path: pPod, Body: podC("sc3", "", `"securityContext":{"fsGroup":-5,"supplementalGroups":[-1]}`)},
	{ID: "pv-sc-seccomp-localhost", Method: "POST", Path: pPod, Body: podC("sc4", `"securityContext":{"seccompProfile":{"type":"Localhost"}}`, "")},
	{ID: "pv-sc-seccomp-type", Method: "POST", Path: pPod, Body: podC("sc5", "", `"securityContext":{"seccompProfile":{"type":"Default"}}`)},
	{ID: "pv-sc-sysctl", Method: "POST", Path: pPod, Body: podC("sc6", "", `"securityContext":{"sysctls":[{"name":"bad name","value":"1"}]}`)},
	{ID: "pv-sc-apparmor", Method: "POST", Path: pPod, Body: podC("sc7", `"securityContext":{"appArmorProfile":{"type":"Localhost"}}`, "")},
	{ID: "pv-sc-ok", Method: "POST", Path: pPod, Body: podC("sc8", `"securityContext":{"runAsNonRoot":true,"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}`,
		`"securityContext":{"runAsUser":1000,"runAsGroup":3000,"fsGroup":2000,"fsGroupChangePolicy":"OnRootMismatch","seccompProfile":{"type":"RuntimeDefault"}}`)},

	// Environment variables.
	{ID: "pv-env-equals", Method: "POST", Path: pPod, Body: podC("ev1", `"env":[{"name":"A=B","value":"x"}]`, "")},
	{ID: "pv-env-empty-name", Method: "POST", Path: pPod, Body: podC("ev2", `"env":[{"name":"","value":"x"}]`, "")},
	{ID: "pv-env-value-and-from", Method: "POST", Path: pPod, Body: podC("ev3", `"env":[{"name":"A","value":"x","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]`, "")},
	{ID: "pv-env-two-sources", Method: "POST", Path: pPod, Body: podC("ev4", `"env":[{"name":"A","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"},"configMapKeyRef":{"name":"x","key":"k"}}}]`, "")},
	{ID: "pv-env-fieldpath", Method: "POST", Path: pPod, Body: podC("ev5", `"env":[{"name":"A","valueFrom":{"fieldRef":{"fieldPath":"spec.nope"}}}]`, "")},
	{ID: "pv-env-secret-no-key", Method: "POST", Path: pPod, Body: podC("ev6", `"env":[{"name":"A","valueFrom":{"secretKeyRef":{"name":"s"}}}]`, "")},
	{ID: "pv-env-resource", Method: "POST", Path: pPod, Body: podC("ev7", `"env":[{"name":"A","valueFrom":{"resourceFieldRef":{"resource":"limits.gpu"}}}]`, "")},
	{ID: "pv-envfrom-no-name", Method: "POST", Path: pPod, Body: podC("ev8", `"envFrom":[{"configMapRef":{}}]`, "")},
	{ID: "pv-env-ok", Method: "POST", Path: pPod, Body: podC("ev9", `"env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},{"name":"MEM","valueFrom":{"resourceFieldRef":{"resource":"limits.memory","divisor":"1Mi"}}},{"name":"K","valueFrom":{"configMapKeyRef":{"name":"x","key":"k","optional":true}}}],"envFrom":[{"prefix":"P_","secretRef":{"name":"s"}}]`, "")},

	// Affinity, tolerations and scheduling.
	{ID: "pv-aff-no-terms", Method: "POST", Path: pPod, Body: podC("af1", "", `"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[]}}}`)},
	{ID: "pv-aff-operator", Method: "POST", Path: pPod, Body: podC("af2", "", `"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"Equals","values":["a"]}]}]}}}`)},
	{ID: "pv-aff-in-no-values", Method: "POST", Path: pPod, Body: podC("af3", "", `"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In"}]}]}}}`)},
	{ID: "pv-aff-topology-empty", Method: "POST", Path: pPod, Body: podC("af4", "", `"affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":{"app":"w"}},"topologyKey":""}]}}`)},
	{ID: "pv-aff-weight", Method: "POST", Path: pPod, Body: podC("af5", "", `"affinity":{"podAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":0,"podAffinityTerm":{"labelSelector":{"matchLabels":{"app":"w"}},"topologyKey":"zone"}}]}}`)},
	{ID: "pv-tol-exists-value", Method: "POST", Path: pPod, Body: podC("af6", "", `"tolerations":[{"key":"k","operator":"Exists","value":"v"}]`)},
	{ID: "pv-tol-effect", Method: "POST", Path: pPod, Body: podC("af7", "", `"tolerations":[{"key":"k","operator":"Equal","value":"v","effect":"Sometimes"}]`)},
	{ID: "pv-nodeselector-key", Method: "POST", Path: pPod, Body: podC("af8", "", `"nodeSelector":{"bad key":"x"}`)},
	{ID: "pv-hostname", Method: "POST", Path: pPod, Body: podC("af9", "", `"hostname":"Bad_Host","subdomain":"x.y"`)},
	{ID: "pv-dns-none", Method: "POST", Path: pPod, Body: podC("af10", "", `"dnsPolicy":"None"`)},
	{ID: "pv-dns-nameserver", Method: "POST", Path: pPod, Body: podC("af11", "", `"dnsConfig":{"nameservers":["not-an-ip"]}`)},
	{ID: "pv-deadline-zero", Method: "POST", Path: pPod, Body: podC("af12", "", `"activeDeadlineSeconds":0`)},
	{ID: "pv-spread", Method: "POST", Path: pPod, Body: podC("af13", "", `"topologySpreadConstraints":[{"maxSkew":0,"topologyKey":"zone","whenUnsatisfiable":"Sometimes"}]`)},
	{ID: "pv-resource-name", Method: "POST", Path: pPod, Body: podC("af14", `"resources":{"requests":{"cpus":"1"}}`, "")},
	{ID: "pv-hostnetwork-hostport", Method: "POST", Path: pPod, Body: podC("af15", `"ports":[{"containerPort":80,"hostPort":8080}]`, `"hostNetwork":true`)},
	{ID: "pv-init-same-name", Method: "POST", Path: pPod, Body: podWith("af16", `{"initContainers":[{"name":"c","image":"busybox"}],"containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "pv-aff-ok", Method: "POST", Path: pPod, Body: podC("af17", "", `"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":10,"preference":{"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]}]}}]},"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":{"app":"w"}},"topologyKey":"kubernetes.io/hostname"}]}},"tolerations":[{"key":"gpu","operator":"Exists","effect":"NoSchedule"}],"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"ScheduleAnyway","labelSelector":{"matchLabels":{"app":"w"}}}]`)},

	// What a pod update may change.
	{ID: "pu-create", Method: "POST", Path: pPod, Body: podC("pu1", `"env":[{"name":"A","value":"1"}]`, `"tolerations":[{"key":"a","operator":"Exists"}]`)},
	{ID: "pu-image", Method: "PATCH", Path: pPod + "/pu1", CT: ctSMP, Body: `{"spec":{"containers":[{"name":"c","image":"nginx:1.28"}]}}`},
	{ID: "pu-image-empty", Method: "PATCH", Path: pPod + "/pu1", CT: ctSMP, Body: `{"spec":{"containers":[{"name":"c","image":""}]}}`},
	{ID: "pu-env", Method: "PATCH", Path: pPod + "/pu1", CT: ctSMP, Body: `{"spec":{"containers":[{"name":"c","env":[{"name":"B","value":"2"}]}]}}`},
	{ID: "pu-add-toleration", Method: "PATCH", Path: pPod + "/pu1", CT: ctMerge, Body: `{"spec":{"tolerations":[{"key":"a","operator":"Exists"},{"key":"b","operator":"Exists"}]}}`},
	{ID: "pu-remove-toleration", Method: "PATCH", Path: pPod + "/pu1", CT: ctMerge, Body: `{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}`},
	{ID: "pu-deadline-set", Method: "PATCH", Path: pPod + "/pu1", CT: ctMerge, Body: `{"spec":{"activeDeadlineSeconds":100}}`},
	{ID: "pu-deadline-raise", Method: "PATCH", Path: pPod + "/pu1", CT: ctMerge, Body: `{"spec":{"activeDeadlineSeconds":200}}`},
	{ID: "pu-resources", Method: "PATCH", Path: pPod + "/pu1", CT: ctSMP, Body: `{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1"}}}]}}`},
	{ID: "pu-restart-policy", Method: "PATCH", Path: pPod + "/pu1", CT: ctMerge, Body: `{"spec":{"restartPolicy":"Never"}}`},
	{ID: "pu-labels", Method: "PATCH", Path: pPod + "/pu1", CT: ctMerge, Body: `{"metadata":{"labels":{"tier":"web"}}}`},
	{ID: "pu-get", Method: "GET", Path: pPod + "/pu1"},

	// Jobs: the template and completions are immutable, parallelism and
	// suspend are not.
	{ID: "jv-create", Method: "POST", Path: pJob, Body: jobWith("jv1", `"completions":3,"parallelism":1,`)},
	{ID: "jv-template", Method: "PATCH", Path: pJob + "/jv1", CT: ctSMP, Body: `{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox:1.37"}]}}}}`},
	{ID: "jv-completions", Method: "PATCH", Path: pJob + "/jv1", CT: ctMerge, Body: `{"spec":{"completions":5}}`},
	{ID: "jv-parallelism", Method: "PATCH", Path: pJob + "/jv1", CT: ctMerge, Body: `{"spec":{"parallelism":2,"suspend":true}}`},
	{ID: "jv-backoff-negative", Method: "POST", Path: pJob, Body: jobWith("jv2", `"backoffLimit":-1,`)},
	{ID: "jv-completion-mode", Method: "POST", Path: pJob, Body: jobWith("jv3", `"completionMode":"Sometimes",`)},
	{ID: "jv-ttl-negative", Method: "POST", Path: pJob, Body: jobWith("jv4", `"ttlSecondsAfterFinished":-1,"activeDeadlineSeconds":0,`)},
	{ID: "jv-manual-no-selector", Method: "POST", Path: pJob, Body: jobWith("jv5", `"manualSelector":true,`)},
	{ID: "jv-indexed", Method: "POST", Path: pJob, Body: jobWith("jv6", `"completionMode":"Indexed","completions":2,`)},
	{ID: "jv-indexed-no-completions", Method: "POST", Path: pJob, Body: jobWith("jv7", `"completionMode":"Indexed",`)},

	// Claims: the spec is immutable after creation (requests only grow on
	// a bound claim).
	{ID: "cv-create", Method: "POST", Path: pPVC, Body: pvcWith("cv1", `{"accessModes":["ReadWriteOnce"],"storageClassName":"manual","resources":{"requests":{"storage":"1Gi"}}}`)},
	{ID: "cv-access-modes", Method: "PATCH", Path: pPVC + "/cv1", CT: ctMerge, Body: `{"spec":{"accessModes":["ReadWriteMany"]}}`},
	{ID: "cv-grow-unbound", Method: "PATCH", Path: pPVC + "/cv1", CT: ctMerge, Body: `{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}`},
	{ID: "cv-labels", Method: "PATCH", Path: pPVC + "/cv1", CT: ctMerge, Body: `{"metadata":{"labels":{"a":"b"}}}`},
	{ID: "cv-no-access-modes", Method: "POST", Path: pPVC, Body: pvcWith("cv2", `{"resources":{"requests":{"storage":"1Gi"}}}`)},
	{ID: "cv-no-storage", Method: "POST", Path: pPVC, Body: pvcWith("cv3", `{"accessModes":["ReadWriteOnce"]}`)},
	{ID: "cv-access-mode-bad", Method: "POST", Path: pPVC, Body: pvcWith("cv4", `{"accessModes":["ReadWriteSometimes"],"resources":{"requests":{"storage":"1Gi"}}}`)},
	{ID: "cv-volume-mode-bad", Method: "POST", Path: pPVC, Body: pvcWith("cv5", `{"accessModes":["ReadWriteOnce"],"volumeMode":"Disk","resources":{"requests":{"storage":"1Gi"}}}`)},
	{ID: "cv-negative", Method: "POST", Path: pPVC, Body: pvcWith("cv6", `{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"-1Gi"}}}`)},
}
