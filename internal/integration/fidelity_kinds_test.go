//go:build integration

package integration

// The kinds part of the validation script: defaults and the Invalid
// answers of the kinds users write beside their workloads (autoscalers,
// storage and ingress classes, ingresses, network policies, disruption
// budgets, RBAC, quotas and limit ranges, CronJobs, leases, API priority
// and fairness, admission configuration, CSI drivers, runtime classes,
// endpoint slices). Cluster-scoped objects are named after the namespace
// and deleted at the end; webhook configurations match nothing.

func init() { fidelityScript = append(fidelityScript, fidelityKindsScript...) }

const (
	pHPA         = "/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers"
	pSC          = "/apis/storage.k8s.io/v1/storageclasses"
	pIC          = "/apis/networking.k8s.io/v1/ingressclasses"
	pIng         = "/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses"
	pRole        = "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles"
	pClusterRole = "/apis/rbac.authorization.k8s.io/v1/clusterroles"
	pCRB         = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
	pLease       = "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases"
	pPLC         = "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations"
	pFS          = "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas"
	pVWC         = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations"
	pMWC         = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"
	pVAP         = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies"
	pCSI         = "/apis/storage.k8s.io/v1/csidrivers"
	pRTC         = "/apis/node.k8s.io/v1/runtimeclasses"
	pEPS         = "/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices"
)

func obj(apiVersion, kind, name, rest string) string {
	s := `{"apiVersion":"` + apiVersion + `","kind":"` + kind + `","metadata":{"name":"` + name + `"}`
	if rest != "" {
		s += "," + rest
	}
	return s + "}"
}

func hpa(name, spec string) string {
	return obj("autoscaling/v2", "HorizontalPodAutoscaler", name, `"spec":`+spec)
}

func ing(name, spec string) string {
	return obj("networking.k8s.io/v1", "Ingress", name, `"spec":`+spec)
}

func pdb(name, spec string) string {
	return obj("policy/v1", "PodDisruptionBudget", name, `"spec":`+spec)
}

func role(name, rules string) string {
	return obj("rbac.authorization.k8s.io/v1", "Role", name, `"rules":`+rules)
}

// webhook is a webhook entry that matches nothing users create.
func webhook(name, extra string) string {
	s := `{"name":"` + name + `","clientConfig":{"url":"https://127.0.0.1:1/hook"},"rules":[{"apiGroups":["nothing.example.com"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["nothings"]}]`
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

var fidelityKindsScript = []fidStep{
	// The defaults script's limit range (cpu at most 2) would make
	// LimitRanger refuse, on both servers, every pod below that sets no cpu
	// limit, before the checks these steps are about.
	{ID: "kv-lr-cleanup", Method: "DELETE", Path: pLR + "/dlr"},

	// HorizontalPodAutoscaler (autoscaling/v2).
	{ID: "kv-hpa-minimal", Method: "POST", Path: pHPA, Body: hpa("h1", `{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":5}`)},
	{ID: "kv-hpa-behavior", Method: "POST", Path: pHPA, Body: hpa("h2", `{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}}],"behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}`)},
	{ID: "kv-hpa-max-lt-min", Method: "POST", Path: pHPA, Body: hpa("h3", `{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":3,"maxReplicas":2}`)},
	{ID: "kv-hpa-min-zero", Method: "POST", Path: pHPA, Body: hpa("h4", `{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":0,"maxReplicas":2}`)},
	{ID: "kv-hpa-no-kind", Method: "POST", Path: pHPA, Body: hpa("h5", `{"scaleTargetRef":{"name":"web"},"maxReplicas":2}`)},
	{ID: "kv-hpa-metric-missing", Method: "POST", Path: pHPA, Body: hpa("h6", `{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":2,"metrics":[{"type":"Resource"}]}`)},
	{ID: "kv-hpa-utilization-value", Method: "POST", Path: pHPA, Body: hpa("h7", `{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":2,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization"}}}]}`)},
	{ID: "kv-hpa-update", Method: "PATCH", Path: pHPA + "/h1", CT: ctMerge, Body: `{"spec":{"maxReplicas":8}}`},

	// StorageClass: defaults, immutable parameters, the default class
	// given to a claim without one.
	{ID: "kv-sc-minimal", Method: "POST", Path: pSC, Body: obj("storage.k8s.io/v1", "StorageClass", "{ns}-sc1", `"provisioner":"example.com/disk","parameters":{"type":"ssd"}`)},
	{ID: "kv-sc-no-provisioner", Method: "POST", Path: pSC, Body: obj("storage.k8s.io/v1", "StorageClass", "{ns}-sc2", "")},
	{ID: "kv-sc-reclaim", Method: "POST", Path: pSC, Body: obj("storage.k8s.io/v1", "StorageClass", "{ns}-sc3", `"provisioner":"example.com/disk","reclaimPolicy":"Keep","volumeBindingMode":"Later"`)},
	{ID: "kv-sc-parameters", Method: "PATCH", Path: pSC + "/{ns}-sc1", CT: ctMerge, Body: `{"parameters":{"type":"hdd"}}`},
	{ID: "kv-sc-provisioner", Method: "PATCH", Path: pSC + "/{ns}-sc1", CT: ctMerge, Body: `{"provisioner":"example.com/other"}`},
	{ID: "kv-sc-expansion", Method: "PATCH", Path: pSC + "/{ns}-sc1", CT: ctMerge, Body: `{"allowVolumeExpansion":true,"metadata":{"labels":{"a":"b"}}}`},
	{ID: "kv-sc-default", Method: "POST", Path: pSC, Body: `{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"{ns}-default","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"example.com/disk","volumeBindingMode":"WaitForFirstConsumer"}`},
	{ID: "kv-sc-default-claim", Method: "POST", Path: pPVC, Body: pvcWith("kc1", `{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}`)},
	{ID: "kv-sc-default-delete", Method: "DELETE", Path: pSC + "/{ns}-default"},
	{ID: "kv-sc-delete", Method: "DELETE", Path: pSC + "/{ns}-sc1"},

	// IngressClass and Ingress.
	{ID: "kv-ic-minimal", Method: "POST", Path: pIC, Body: obj("networking.k8s.io/v1", "IngressClass", "{ns}-ic1", `"spec":{"controller":"example.com/ingress"}`)},
	{ID: "kv-ic-params", Method: "POST", Path: pIC, Body: obj("networking.k8s.io/v1", "IngressClass", "{ns}-ic2", `"spec":{"controller":"example.com/ingress","parameters":{"apiGroup":"example.com","kind":"Params","name":"p"}}`)},
	{ID: "kv-ic-no-controller", Method: "POST", Path: pIC, Body: obj("networking.k8s.io/v1", "IngressClass", "{ns}-ic3", `"spec":{}`)},
	{ID: "kv-ic-namespace-scope", Method: "POST", Path: pIC, Body: obj("networking.k8s.io/v1", "IngressClass", "{ns}-ic4", `"spec":{"controller":"example.com/ingress","parameters":{"kind":"Params","name":"p","scope":"Namespace"}}`)},
	{ID: "kv-ic-controller-immutable", Method: "PATCH", Path: pIC + "/{ns}-ic1", CT: ctMerge, Body: `{"spec":{"controller":"example.com/other"}}`},
	{ID: "kv-ic-delete", Method: "DELETE", Path: pIC + "/{ns}-ic1"},
	{ID: "kv-ic-delete2", Method: "DELETE", Path: pIC + "/{ns}-ic2"},
	{ID: "kv-ing-ok", Method: "POST", Path: pIng, Body: ing("i1", `{"ingressClassName":"nginx","tls":[{"hosts":["a.example.com"],"secretName":"tls"}],"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}`)},
	{ID: "kv-ing-no-path-type", Method: "POST", Path: pIng, Body: ing("i2", `{"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}`)},
	{ID: "kv-ing-relative-path", Method: "POST", Path: pIng, Body: ing("i3", `{"rules":[{"http":{"paths":[{"path":"api","pathType":"Exact","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}`)},
	{ID: "kv-ing-port-both", Method: "POST", Path: pIng, Body: ing("i4", `{"defaultBackend":{"service":{"name":"web","port":{"number":80,"name":"http"}}}}`)},
	{ID: "kv-ing-host-ip", Method: "POST", Path: pIng, Body: ing("i5", `{"rules":[{"host":"1.2.3.4"}]}`)},
	{ID: "kv-ing-host-wildcard", Method: "POST", Path: pIng, Body: ing("i6", `{"rules":[{"host":"*.*.example.com"}]}`)},
	{ID: "kv-ing-backend-both", Method: "POST", Path: pIng, Body: ing("i7", `{"defaultBackend":{"service":{"name":"web","port":{"number":80}},"resource":{"kind":"Bucket","name":"b"}}}`)},
	{ID: "kv-ing-no-backend", Method: "POST", Path: pIng, Body: ing("i8", `{}`)},
	{ID: "kv-ing-update", Method: "PATCH", Path: pIng + "/i1", CT: ctMerge, Body: `{"spec":{"ingressClassName":"other"}}`},

	// NetworkPolicy validation.
	{ID: "kv-np-cidr", Method: "POST", Path: pNP, Body: obj("networking.k8s.io/v1", "NetworkPolicy", "np1", `"spec":{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/33"}}]}]}`)},
	{ID: "kv-np-except", Method: "POST", Path: pNP, Body: obj("networking.k8s.io/v1", "NetworkPolicy", "np2", `"spec":{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/16","except":["192.168.0.0/24"]}}]}]}`)},
	{ID: "kv-np-endport", Method: "POST", Path: pNP, Body: obj("networking.k8s.io/v1", "NetworkPolicy", "np3", `"spec":{"podSelector":{},"ingress":[{"ports":[{"port":8000,"endPort":7000}]}]}`)},
	{ID: "kv-np-policy-type", Method: "POST", Path: pNP, Body: obj("networking.k8s.io/v1", "NetworkPolicy", "np4", `"spec":{"podSelector":{},"policyTypes":["Inbound"]}`)},
	{ID: "kv-np-peer-empty", Method: "POST", Path: pNP, Body: obj("networking.k8s.io/v1", "NetworkPolicy", "np5", `"spec":{"podSelector":{},"ingress":[{"from":[{}]}]}`)},
	{ID: "kv-np-selector", Method: "POST", Path: pNP, Body: obj("networking.k8s.io/v1", "NetworkPolicy", "np6", `"spec":{"podSelector":{"matchExpressions":[{"key":"app","operator":"In"}]}}`)},

	// PodDisruptionBudget.
	{ID: "kv-pdb-ok", Method: "POST", Path: pPDB, Body: pdb("b1", `{"minAvailable":1,"selector":{"matchLabels":{"app":"w"}}}`)},
	{ID: "kv-pdb-both", Method: "POST", Path: pPDB, Body: pdb("b2", `{"minAvailable":1,"maxUnavailable":1,"selector":{"matchLabels":{"app":"w"}}}`)},
	{ID: "kv-pdb-percent", Method: "POST", Path: pPDB, Body: pdb("b3", `{"minAvailable":"150%","selector":{"matchLabels":{"app":"w"}}}`)},
	{ID: "kv-pdb-negative", Method: "POST", Path: pPDB, Body: pdb("b4", `{"maxUnavailable":-1}`)},
	{ID: "kv-pdb-policy", Method: "POST", Path: pPDB, Body: pdb("b5", `{"maxUnavailable":"10%","unhealthyPodEvictionPolicy":"Sometimes"}`)},
	{ID: "kv-pdb-update-selector", Method: "PATCH", Path: pPDB + "/b1", CT: ctMerge, Body: `{"spec":{"selector":{"matchLabels":{"app":"v"}},"minAvailable":"50%"}}`},

	// RBAC.
	{ID: "kv-role-ok", Method: "POST", Path: pRole, Body: role("r1", `[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list","watch"]},{"apiGroups":["apps"],"resources":["deployments"],"resourceNames":["web"],"verbs":["patch"]}]`)},
	{ID: "kv-role-no-verbs", Method: "POST", Path: pRole, Body: role("r2", `[{"apiGroups":[""],"resources":["pods"]}]`)},
	{ID: "kv-role-non-resource", Method: "POST", Path: pRole, Body: role("r3", `[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]`)},
	{ID: "kv-role-no-groups", Method: "POST", Path: pRole, Body: role("r4", `[{"resources":["pods"],"verbs":["get"]}]`)},
	{ID: "kv-cr-mixed", Method: "POST", Path: pClusterRole, Body: obj("rbac.authorization.k8s.io/v1", "ClusterRole", "{ns}-cr1", `"rules":[{"apiGroups":[""],"resources":["pods"],"nonResourceURLs":["/healthz"],"verbs":["get"]}]`)},
	{ID: "kv-cr-aggregated", Method: "POST", Path: pClusterRole, Body: obj("rbac.authorization.k8s.io/v1", "ClusterRole", "{ns}-cr2", `"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"agg":"{ns}"}}]}`)},
	{ID: "kv-cr-delete", Method: "DELETE", Path: pClusterRole + "/{ns}-cr2"},
	{ID: "kv-rb-roleref-kind", Method: "POST", Path: pRB, Body: obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb1", `"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"view"},"subjects":[{"kind":"User","name":"a"}]`)},
	{ID: "kv-rb-subject-kind", Method: "POST", Path: pRB, Body: obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb2", `"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r1"},"subjects":[{"kind":"Robot","name":"a"}]`)},
	{ID: "kv-rb-ok", Method: "POST", Path: pRB, Body: obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb3", `"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r1"},"subjects":[{"kind":"Group","name":"devs"},{"kind":"ServiceAccount","name":"default"}]`)},
	{ID: "kv-rb-roleref-change", Method: "PATCH", Path: pRB + "/rb3", CT: ctMerge, Body: `{"roleRef":{"name":"r2"}}`},
	{ID: "kv-crb-sa-no-ns", Method: "POST", Path: pCRB, Body: obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "{ns}-crb1", `"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"ServiceAccount","name":"default"}]`)},
	{ID: "kv-crb-role", Method: "POST", Path: pCRB, Body: obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "{ns}-crb2", `"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"view"},"subjects":[{"kind":"User","name":"a"}]`)},

	// ServiceAccount, ResourceQuota, LimitRange.
	{ID: "kv-sa-secrets", Method: "POST", Path: pSA, Body: obj("v1", "ServiceAccount", "sa1", `"secrets":[{"name":"s"}],"imagePullSecrets":[{"name":"r"}]`)},
	{ID: "kv-sa-bad-name", Method: "POST", Path: pSA, Body: obj("v1", "ServiceAccount", "Robot_1", "")},
	{ID: "kv-rq-resource-name", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "q1", `"spec":{"hard":{"cpus":"1"}}`)},
	{ID: "kv-rq-negative", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "q2", `"spec":{"hard":{"pods":"-1"}}`)},
	{ID: "kv-rq-scope", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "q3", `"spec":{"hard":{"pods":"1"},"scopes":["Forever"]}`)},
	{ID: "kv-rq-scope-selector", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "q4", `"spec":{"hard":{"pods":"10"},"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"In","values":["high"]}]}}`)},
	{ID: "kv-rq-status", Method: "PATCH", Path: pRQ + "/q4/status", CT: ctMerge, Body: `{"status":{"hard":{"pods":"10"},"used":{"pods":"2"}}}`},
	{ID: "kv-lr-min-max", Method: "POST", Path: pLR, Body: obj("v1", "LimitRange", "l1", `"spec":{"limits":[{"type":"Container","min":{"cpu":"2"},"max":{"cpu":"1"}}]}`)},
	{ID: "kv-lr-default-max", Method: "POST", Path: pLR, Body: obj("v1", "LimitRange", "l2", `"spec":{"limits":[{"type":"Container","default":{"memory":"2Gi"},"max":{"memory":"1Gi"}}]}`)},
	{ID: "kv-lr-pod-default", Method: "POST", Path: pLR, Body: obj("v1", "LimitRange", "l3", `"spec":{"limits":[{"type":"Pod","default":{"cpu":"1"}}]}`)},
	{ID: "kv-lr-defaults", Method: "POST", Path: pLR, Body: obj("v1", "LimitRange", "l4", `"spec":{"limits":[{"type":"Container","max":{"cpu":"2"},"defaultRequest":{"memory":"128Mi"}},{"type":"PersistentVolumeClaim","max":{"storage":"10Gi"}}]}`)},
	{ID: "kv-lr-defaults-delete", Method: "DELETE", Path: pLR + "/l4"},

	// CronJob.
	{ID: "kv-cj-schedule", Method: "POST", Path: pCJ, Body: obj("batch/v1", "CronJob", "cj1", `"spec":{"schedule":"every minute","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}`)},
	{ID: "kv-cj-timezone", Method: "POST", Path: pCJ, Body: obj("batch/v1", "CronJob", "cj2", `"spec":{"schedule":"0 * * * *","timeZone":"Mars/Olympus","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}`)},
	{ID: "kv-cj-tz-in-schedule", Method: "POST", Path: pCJ, Body: obj("batch/v1", "CronJob", "cj3", `"spec":{"schedule":"TZ=UTC 0 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}`)},
	{ID: "kv-cj-long-name", Method: "POST", Path: pCJ, Body: obj("batch/v1", "CronJob", "a-cronjob-name-that-is-longer-than-fifty-two-characters", `"spec":{"schedule":"0 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}`)},
	{ID: "kv-cj-concurrency", Method: "POST", Path: pCJ, Body: obj("batch/v1", "CronJob", "cj4", `"spec":{"schedule":"@hourly","concurrencyPolicy":"Sometimes","startingDeadlineSeconds":-1,"jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}`)},
	{ID: "kv-cj-ok", Method: "POST", Path: pCJ, Body: obj("batch/v1", "CronJob", "cj5", `"spec":{"schedule":"@daily","timeZone":"Europe/Paris","jobTemplate":{"metadata":{"labels":{"a":"b"}},"spec":{"backoffLimit":2,"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}}`)},
	{ID: "kv-cj-update-schedule", Method: "PATCH", Path: pCJ + "/cj5", CT: ctMerge, Body: `{"spec":{"schedule":"0 0 * * MON","suspend":true}}`},

	// Lease.
	{ID: "kv-lease-ok", Method: "POST", Path: pLease, Body: obj("coordination.k8s.io/v1", "Lease", "le1", `"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"acquireTime":"2026-01-01T00:00:00.000000Z","renewTime":"2026-01-01T00:00:05.123456Z","leaseTransitions":0}`)},
	{ID: "kv-lease-duration", Method: "POST", Path: pLease, Body: obj("coordination.k8s.io/v1", "Lease", "le2", `"spec":{"holderIdentity":"a","leaseDurationSeconds":0,"leaseTransitions":-1}`)},
	{ID: "kv-lease-renew", Method: "PATCH", Path: pLease + "/le1", CT: ctMerge, Body: `{"spec":{"renewTime":"2026-01-01T00:00:10.654321Z","holderIdentity":"b","leaseTransitions":1}}`},

	// API priority and fairness.
	{ID: "kv-plc-limited", Method: "POST", Path: pPLC, Body: obj("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "{ns}-plc1", `"spec":{"type":"Limited","limited":{"limitResponse":{"type":"Queue","queuing":{}}}}`)},
	{ID: "kv-plc-queuing-typo", Method: "POST", Path: pPLC, Body: obj("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "{ns}-plc5", `"spec":{"type":"Limited","limited":{"limitResponse":{"type":"Queuing","queuing":{}}}}`)},
	{ID: "kv-plc-reject", Method: "POST", Path: pPLC, Body: obj("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "{ns}-plc2", `"spec":{"type":"Limited","limited":{"nominalConcurrencyShares":5,"limitResponse":{"type":"Reject"}}}`)},
	{ID: "kv-plc-type", Method: "POST", Path: pPLC, Body: obj("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "{ns}-plc3", `"spec":{"type":"Unlimited"}`)},
	{ID: "kv-plc-no-limited", Method: "POST", Path: pPLC, Body: obj("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "{ns}-plc4", `"spec":{"type":"Limited"}`)},
	{ID: "kv-fs-ok", Method: "POST", Path: pFS, Body: obj("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "{ns}-fs1", `"spec":{"priorityLevelConfiguration":{"name":"{ns}-plc1"},"distinguisherMethod":{"type":"ByUser"},"rules":[{"subjects":[{"kind":"User","user":{"name":"nobody-{ns}"}}],"resourceRules":[{"verbs":["get"],"apiGroups":[""],"resources":["configmaps"],"namespaces":["{ns}"]}]}]}`)},
	{ID: "kv-fs-no-verbs", Method: "POST", Path: pFS, Body: obj("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "{ns}-fs2", `"spec":{"priorityLevelConfiguration":{"name":"{ns}-plc1"},"rules":[{"subjects":[{"kind":"User","user":{"name":"nobody"}}],"resourceRules":[{"apiGroups":[""],"resources":["configmaps"],"clusterScope":true}]}]}`)},
	{ID: "kv-fs-delete", Method: "DELETE", Path: pFS + "/{ns}-fs1"},
	{ID: "kv-plc-delete", Method: "DELETE", Path: pPLC + "/{ns}-plc1"},
	{ID: "kv-plc-delete2", Method: "DELETE", Path: pPLC + "/{ns}-plc2"},

	// Admission configuration: webhooks that match nothing, a policy
	// with no binding.
	{ID: "kv-vwc-ok", Method: "POST", Path: pVWC, Body: obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "{ns}-vwc1", `"webhooks":[`+webhook("a.example.com", `"sideEffects":"None","admissionReviewVersions":["v1"]`)+`]`)},
	{ID: "kv-vwc-no-side-effects", Method: "POST", Path: pVWC, Body: obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "{ns}-vwc2", `"webhooks":[`+webhook("b.example.com", `"admissionReviewVersions":["v1"]`)+`]`)},
	{ID: "kv-vwc-http", Method: "POST", Path: pVWC, Body: obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "{ns}-vwc3", `"webhooks":[{"name":"c.example.com","clientConfig":{"url":"http://127.0.0.1:1/hook"},"sideEffects":"None","admissionReviewVersions":["v1"]}]`)},
	{ID: "kv-vwc-name", Method: "POST", Path: pVWC, Body: obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "{ns}-vwc4", `"webhooks":[`+webhook("nodots", `"sideEffects":"None","admissionReviewVersions":["v1"],"timeoutSeconds":31`)+`]`)},
	{ID: "kv-vwc-delete", Method: "DELETE", Path: pVWC + "/{ns}-vwc1"},
	{ID: "kv-mwc-ok", Method: "POST", Path: pMWC, Body: obj("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "{ns}-mwc1", `"webhooks":[`+webhook("m.example.com", `"sideEffects":"NoneOnDryRun","admissionReviewVersions":["v1","v1beta1"],"failurePolicy":"Ignore"`)+`]`)},
	{ID: "kv-mwc-delete", Method: "DELETE", Path: pMWC + "/{ns}-mwc1"},
	{ID: "kv-vap-no-validations", Method: "POST", Path: pVAP, Body: obj("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "{ns}-vap1", `"spec":{"matchConstraints":{"resourceRules":[{"apiGroups":["nothing.example.com"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["nothings"]}]}}`)},
	{ID: "kv-vap-failure-policy", Method: "POST", Path: pVAP, Body: obj("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "{ns}-vap2", `"spec":{"failurePolicy":"Sometimes","validations":[{"expression":"true"}],"matchConstraints":{"resourceRules":[{"apiGroups":["nothing.example.com"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["nothings"]}]}}`)},

	// CSIDriver, RuntimeClass, EndpointSlice.
	{ID: "kv-csi-minimal", Method: "POST", Path: pCSI, Body: obj("storage.k8s.io/v1", "CSIDriver", "{ns}.csi.example.com", `"spec":{}`)},
	{ID: "kv-csi-attach-immutable", Method: "PATCH", Path: pCSI + "/{ns}.csi.example.com", CT: ctMerge, Body: `{"spec":{"attachRequired":false}}`},
	{ID: "kv-csi-mode", Method: "POST", Path: pCSI, Body: obj("storage.k8s.io/v1", "CSIDriver", "{ns}.csi2.example.com", `"spec":{"volumeLifecycleModes":["Forever"]}`)},
	{ID: "kv-csi-delete", Method: "DELETE", Path: pCSI + "/{ns}.csi.example.com"},
	{ID: "kv-rtc-ok", Method: "POST", Path: pRTC, Body: obj("node.k8s.io/v1", "RuntimeClass", "{ns}-rtc1", `"handler":"runc","scheduling":{"nodeSelector":{"runtime":"runc"}}`)},
	{ID: "kv-rtc-handler", Method: "POST", Path: pRTC, Body: obj("node.k8s.io/v1", "RuntimeClass", "{ns}-rtc2", `"handler":"Bad_H"`)},
	{ID: "kv-rtc-immutable", Method: "PATCH", Path: pRTC + "/{ns}-rtc1", CT: ctMerge, Body: `{"handler":"crun"}`},
	{ID: "kv-rtc-delete", Method: "DELETE", Path: pRTC + "/{ns}-rtc1"},
	{ID: "kv-eps-ok", Method: "POST", Path: pEPS, Body: obj("discovery.k8s.io/v1", "EndpointSlice", "e1", `"addressType":"IPv4","endpoints":[{"addresses":["10.1.2.3"],"conditions":{"ready":true}}],"ports":[{"port":80}]`)},
	{ID: "kv-eps-address", Method: "POST", Path: pEPS, Body: obj("discovery.k8s.io/v1", "EndpointSlice", "e2", `"addressType":"IPv4","endpoints":[{"addresses":["fe80::1"]}]`)},
	{ID: "kv-eps-type", Method: "POST", Path: pEPS, Body: obj("discovery.k8s.io/v1", "EndpointSlice", "e3", `"addressType":"IPv7","endpoints":[]`)},
	{ID: "kv-eps-type-immutable", Method: "PATCH", Path: pEPS + "/e1", CT: ctMerge, Body: `{"addressType":"IPv6"}`},
}
