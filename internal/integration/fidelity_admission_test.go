//go:build integration

package integration

// The LimitRanger and ResourceQuota part of the fidelity script: what a
// kube-apiserver running alone (no kube-controller-manager, so nothing
// computes a quota's status but the test) does with the limit ranges and
// quotas of a namespace. Every limit range and quota the script makes is
// deleted at its end, so the steps after it see a namespace without them.
// Steps marked Settle wait a second first: the real plugins read limit
// ranges and quotas from an informer, which sees a write a moment later.

func init() { fidelityScript = append(fidelityScript, fidelityAdmissionScript...) }

// admPod is a Pod named name whose containers are containers.
func admPod(name, containers string) string {
	return podWith(name, `{"containers":`+containers+`}`)
}

// admRes is a container named name with the given resources.
func admRes(name, resources string) string {
	return `{"name":"` + name + `","image":"nginx","resources":` + resources + `}`
}

func admClaim(name, size string) string {
	return `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"` + name + `"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"` + size + `"}}}}`
}

const (
	admLimitRange = `{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"adm-lr"},"spec":{"limits":[` +
		`{"type":"Container","default":{"cpu":"500m","memory":"256Mi"},"defaultRequest":{"cpu":"100m","memory":"128Mi"},` +
		`"max":{"cpu":"1","memory":"1Gi"},"min":{"cpu":"50m"},"maxLimitRequestRatio":{"cpu":"10"}},` +
		`{"type":"PersistentVolumeClaim","min":{"storage":"1Gi"},"max":{"storage":"5Gi"}}]}}`
	admPodLimitRange = `{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"adm-lr-pod"},"spec":{"limits":[` +
		`{"type":"Pod","max":{"memory":"1Gi"}}]}}`
	admQuotaHard = `{"pods":"3","requests.cpu":"1","requests.memory":"1Gi","limits.cpu":"2","limits.memory":"2Gi",` +
		`"count/configmaps":"2","configmaps":"3","secrets":"5","services":"2","services.loadbalancers":"1","services.nodeports":"1",` +
		`"persistentvolumeclaims":"3","requests.storage":"6Gi"}`
	admQuotaUsed = `{"pods":"0","requests.cpu":"0","requests.memory":"0","limits.cpu":"0","limits.memory":"0",` +
		`"count/configmaps":"0","configmaps":"0","secrets":"0","services":"0","services.loadbalancers":"0","services.nodeports":"0",` +
		`"persistentvolumeclaims":"0","requests.storage":"0"}`
)

var fidelityAdmissionScript = []fidStep{
	// LimitRanger: defaults, bounds and ratios for containers, bounds for
	// claims; only pods and claims are admitted.
	{ID: "adm-lr-create", Method: "POST", Path: pLR, Body: admLimitRange},
	{ID: "adm-lr-defaults", Method: "POST", Path: pPod, Settle: true, Body: podWith("adm-p1", `{"initContainers":[{"name":"init","image":"busybox","command":["true"]}],"containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "adm-lr-partial", Method: "POST", Path: pPod, Body: admPod("adm-p2", `[`+admRes("c", `{"limits":{"cpu":"800m"}}`)+`,`+admRes("d", `{"requests":{"memory":"64Mi"}}`)+`]`)},
	{ID: "adm-lr-over-max", Method: "POST", Path: pPod, Body: admPod("adm-p3", `[`+admRes("c", `{"limits":{"cpu":"2"}}`)+`]`)},
	{ID: "adm-lr-under-min", Method: "POST", Path: pPod, Body: admPod("adm-p4", `[`+admRes("c", `{"requests":{"cpu":"10m"},"limits":{"cpu":"100m"}}`)+`]`)},
	{ID: "adm-lr-ratio", Method: "POST", Path: pPod, Body: admPod("adm-p5", `[`+admRes("c", `{"requests":{"cpu":"50m"},"limits":{"cpu":"1"}}`)+`]`)},
	{ID: "adm-lr-three-errors", Method: "POST", Path: pPod, Body: admPod("adm-p6", `[`+admRes("c", `{"requests":{"cpu":"10m"},"limits":{"memory":"2Gi"}}`)+`]`)},
	{ID: "adm-lr-generate-name", Method: "POST", Path: pPod, Body: `{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"adm-gen-"},"spec":{"containers":[` + admRes("c", `{"limits":{"memory":"512Mi"}}`) + `]}}`},
	{ID: "adm-lr-invalid-first", Method: "POST", Path: pPod, Body: admPod("adm-p7", `[{"name":"C_bad","image":"nginx","resources":{"limits":{"cpu":"2"}}}]`)},
	{ID: "adm-lr-sa-first", Method: "POST", Path: pPod, Body: podWith("adm-p8", `{"serviceAccountName":"nobody","containers":[`+admRes("c", `{"limits":{"cpu":"2"}}`)+`]}`)},
	{ID: "adm-lr-init-sidecar", Method: "POST", Path: pPod, Body: podWith("adm-p9", `{"initContainers":[{"name":"side","image":"nginx","restartPolicy":"Always","resources":{"limits":{"cpu":"300m"}}}],"containers":[`+admRes("c", `{"requests":{"cpu":"200m","memory":"100Mi"},"limits":{"cpu":"1","memory":"100Mi"}}`)+`]}`)},
	{ID: "adm-lr-dry-run", Method: "POST", Path: pPod, Query: "dryRun=All", Body: admPod("adm-p10", `[{"name":"c","image":"nginx"}]`)},
	{ID: "adm-lr-deployment", Method: "POST", Path: pDeploy, Body: fidWorkload("Deployment", "adm-d1", "")},
	{ID: "adm-lr-claim", Method: "POST", Path: pPVC, Body: admClaim("adm-c1", "2Gi")},
	{ID: "adm-lr-claim-big", Method: "POST", Path: pPVC, Body: admClaim("adm-c2", "10Gi")},
	{ID: "adm-lr-claim-small", Method: "POST", Path: pPVC, Body: admClaim("adm-c3", "500Mi")},
	{ID: "adm-lr-pod-type", Method: "POST", Path: pLR, Body: admPodLimitRange},
	{ID: "adm-lr-pod-sum", Method: "POST", Path: pPod, Settle: true, Body: admPod("adm-p11", `[`+admRes("a", `{"limits":{"memory":"400Mi"}}`)+`,`+admRes("b", `{"limits":{"memory":"400Mi"}}`)+`,`+admRes("c", `{"limits":{"memory":"400Mi"}}`)+`]`)},
	{ID: "adm-lr-pod-type-delete", Method: "DELETE", Path: pLR + "/adm-lr-pod"},
	{ID: "adm-lr-pod-update", Method: "PATCH", Path: pPod + "/adm-p1", CT: ctMerge, Settle: true, Body: `{"metadata":{"labels":{"x":"y"}}}`},

	// ResourceQuota: a quota's spec alone changes nothing (nothing
	// computes its status); a status with hard but not used refuses; with
	// both, requests are checked and counted.
	{ID: "adm-rq-create", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "adm-q", `"spec":{"hard":`+admQuotaHard+`}`)},
	{ID: "adm-rq-no-status", Method: "POST", Path: pCM, Settle: true, Body: cm("adm-cm0", `{}`, `{}`)},
	{ID: "adm-rq-hard", Method: "PATCH", Path: pRQ + "/adm-q/status", CT: ctMerge, Body: `{"status":{"hard":` + admQuotaHard + `}}`},
	{ID: "adm-rq-unknown", Method: "POST", Path: pCM, Settle: true, Body: cm("adm-cm1", `{}`, `{}`)},
	{ID: "adm-rq-unknown-pod", Method: "POST", Path: pPod, Body: admPod("adm-q0", `[{"name":"c","image":"nginx"}]`)},
	{ID: "adm-rq-used", Method: "PATCH", Path: pRQ + "/adm-q/status", CT: ctMerge, Body: `{"status":{"used":` + admQuotaUsed + `}}`},
	{ID: "adm-rq-cm1", Method: "POST", Path: pCM, Settle: true, Body: cm("adm-cm1", `{}`, `{}`)},
	{ID: "adm-rq-cm2", Method: "POST", Path: pCM, Body: cm("adm-cm2", `{}`, `{}`)},
	{ID: "adm-rq-cm3", Method: "POST", Path: pCM, Body: cm("adm-cm3", `{}`, `{}`)},
	{ID: "adm-rq-cm-update", Method: "PATCH", Path: pCM + "/adm-cm1", CT: ctMerge, Body: `{"data":{"a":"b"}}`},
	{ID: "adm-rq-get-1", Method: "GET", Path: pRQ + "/adm-q"},
	{ID: "adm-rq-pod-defaults", Method: "POST", Path: pPod, Body: admPod("adm-q1", `[{"name":"c","image":"nginx"}]`)},
	{ID: "adm-rq-pod-dry-run", Method: "POST", Path: pPod, Query: "dryRun=All", Body: admPod("adm-q2", `[`+admRes("c", `{"requests":{"cpu":"300m","memory":"200Mi"},"limits":{"cpu":"600m","memory":"400Mi"}}`)+`]`)},
	{ID: "adm-rq-pod-2", Method: "POST", Path: pPod, Body: admPod("adm-q2", `[`+admRes("c", `{"requests":{"cpu":"300m","memory":"200Mi"},"limits":{"cpu":"600m","memory":"400Mi"}}`)+`]`)},
	{ID: "adm-rq-pod-cpu", Method: "POST", Path: pPod, Body: admPod("adm-q3", `[`+admRes("c", `{"requests":{"cpu":"700m"},"limits":{"cpu":"1"}}`)+`]`)},
	{ID: "adm-rq-pod-exists", Method: "POST", Path: pPod, Body: admPod("adm-q2", `[`+admRes("c", `{"requests":{"cpu":"100m","memory":"1Mi"},"limits":{"cpu":"100m","memory":"1Mi"}}`)+`]`)},
	{ID: "adm-rq-get-2", Method: "GET", Path: pRQ + "/adm-q"},
	{ID: "adm-rq-pod-count", Method: "POST", Path: pPod, Body: admPod("adm-q4", `[`+admRes("c", `{"requests":{"cpu":"50m","memory":"1Mi"},"limits":{"cpu":"50m","memory":"1Mi"}}`)+`]`)},
	{ID: "adm-rq-svc-cluster", Method: "POST", Path: pSvc, Body: svc("adm-s1", `{"selector":{"app":"a"},"ports":[{"port":80}]}`)},
	{ID: "adm-rq-svc-nodeport", Method: "POST", Path: pSvc, Body: svc("adm-s2", `{"type":"NodePort","selector":{"app":"a"},"ports":[{"port":80}]}`)},
	{ID: "adm-rq-svc-lb", Method: "POST", Path: pSvc, Body: svc("adm-s3", `{"type":"LoadBalancer","selector":{"app":"a"},"ports":[{"port":80}]}`)},
	{ID: "adm-rq-svc-to-nodeport", Method: "PATCH", Path: pSvc + "/adm-s1", CT: ctMerge, Body: `{"spec":{"type":"NodePort"}}`},
	{ID: "adm-rq-secret", Method: "POST", Path: pSecret, Body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"adm-sec"},"stringData":{"a":"b"}}`},
	{ID: "adm-rq-claim", Method: "POST", Path: pPVC, Body: admClaim("adm-c4", "3Gi")},
	{ID: "adm-rq-claim-over", Method: "POST", Path: pPVC, Body: admClaim("adm-c5", "3500Mi")},
	{ID: "adm-rq-get-3", Method: "GET", Path: pRQ + "/adm-q"},
	{ID: "adm-rq-second", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "adm-q2", `"spec":{"hard":{"count/deployments.apps":"1","pods":"10"}}`)},
	{ID: "adm-rq-second-status", Method: "PUT", Path: pRQ + "/adm-q2/status", Body: `{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"adm-q2","resourceVersion":"{rv:adm-rq-second}"},"spec":{"hard":{"count/deployments.apps":"1","pods":"10"}},"status":{"hard":{"count/deployments.apps":"1","pods":"10"},"used":{"count/deployments.apps":"1","pods":"9"}}}`},
	{ID: "adm-rq-deploy", Method: "POST", Path: pDeploy, Settle: true, Body: fidWorkload("Deployment", "adm-d2", "")},
	{ID: "adm-rq-pod-two-quotas", Method: "POST", Path: pPod, Body: admPod("adm-q5", `[`+admRes("c", `{"requests":{"cpu":"50m","memory":"1Mi"},"limits":{"cpu":"50m","memory":"1Mi"}}`)+`]`)},

	{ID: "adm-rq-ratio-zero", Method: "POST", Path: pPod, Body: admPod("adm-q6", `[`+admRes("c", `{"requests":{"cpu":"0"}}`)+`]`)},

	// Without the limit range's defaults, a quota on compute resources
	// wants every container to set them.
	{ID: "adm-lr-delete", Method: "DELETE", Path: pLR + "/adm-lr"},
	{ID: "adm-rq-constraints", Method: "POST", Path: pPod, Settle: true, Body: admPod("adm-q7", `[{"name":"c","image":"nginx"},`+admRes("d", `{"limits":{"cpu":"100m"}}`)+`]`)},
	{ID: "adm-rq-delete", Method: "DELETE", Path: pRQ + "/adm-q"},
	{ID: "adm-rq-delete-2", Method: "DELETE", Path: pRQ + "/adm-q2"},

	// Scopes: BestEffort, PriorityClass (a scope selector), Terminating,
	// and a storage class's quota.
	{ID: "adm-sc-class", Method: "POST", Path: pPC, Body: `{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{ns}-adm"},"value":100}`},
	{ID: "adm-sc-be", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "adm-qs-be", `"spec":{"hard":{"pods":"1"},"scopes":["BestEffort"]}`)},
	{ID: "adm-sc-pc", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "adm-qs-pc", `"spec":{"hard":{"pods":"1"},"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"In","values":["{ns}-adm"]}]}}`)},
	{ID: "adm-sc-term", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "adm-qs-term", `"spec":{"hard":{"pods":"1"},"scopes":["Terminating"]}`)},
	{ID: "adm-sc-gold", Method: "POST", Path: pRQ, Body: obj("v1", "ResourceQuota", "adm-qs-gold", `"spec":{"hard":{"gold.storageclass.storage.k8s.io/requests.storage":"1Gi","gold.storageclass.storage.k8s.io/persistentvolumeclaims":"2"}}`)},
	{ID: "adm-sc-be-status", Method: "PATCH", Path: pRQ + "/adm-qs-be/status", CT: ctMerge, Body: `{"status":{"hard":{"pods":"1"},"used":{"pods":"0"}}}`},
	{ID: "adm-sc-pc-status", Method: "PATCH", Path: pRQ + "/adm-qs-pc/status", CT: ctMerge, Body: `{"status":{"hard":{"pods":"1"},"used":{"pods":"0"}}}`},
	{ID: "adm-sc-term-status", Method: "PATCH", Path: pRQ + "/adm-qs-term/status", CT: ctMerge, Body: `{"status":{"hard":{"pods":"1"},"used":{"pods":"0"}}}`},
	{ID: "adm-sc-gold-status", Method: "PATCH", Path: pRQ + "/adm-qs-gold/status", CT: ctMerge, Body: `{"status":{"hard":{"gold.storageclass.storage.k8s.io/requests.storage":"1Gi","gold.storageclass.storage.k8s.io/persistentvolumeclaims":"2"},"used":{"gold.storageclass.storage.k8s.io/requests.storage":"0","gold.storageclass.storage.k8s.io/persistentvolumeclaims":"0"}}}`},
	{ID: "adm-sc-be-1", Method: "POST", Path: pPod, Settle: true, Body: admPod("adm-s1", `[{"name":"c","image":"nginx"}]`)},
	{ID: "adm-sc-be-2", Method: "POST", Path: pPod, Body: admPod("adm-s2", `[{"name":"c","image":"nginx"}]`)},
	{ID: "adm-sc-burstable", Method: "POST", Path: pPod, Body: admPod("adm-s3", `[`+admRes("c", `{"requests":{"cpu":"10m"}}`)+`]`)},
	{ID: "adm-sc-pc-1", Method: "POST", Path: pPod, Body: podWith("adm-s4", `{"priorityClassName":"{ns}-adm","containers":[`+admRes("c", `{"requests":{"cpu":"10m"}}`)+`]}`)},
	{ID: "adm-sc-pc-2", Method: "POST", Path: pPod, Body: podWith("adm-s5", `{"priorityClassName":"{ns}-adm","containers":[`+admRes("c", `{"requests":{"cpu":"10m"}}`)+`]}`)},
	{ID: "adm-sc-term-update", Method: "PATCH", Path: pPod + "/adm-s3", CT: ctMerge, Body: `{"spec":{"activeDeadlineSeconds":600}}`},
	{ID: "adm-sc-term-create", Method: "POST", Path: pPod, Body: podWith("adm-s6", `{"activeDeadlineSeconds":60,"containers":[`+admRes("c", `{"requests":{"cpu":"10m"}}`)+`]}`)},
	{ID: "adm-sc-gold-big", Method: "POST", Path: pPVC, Body: `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"adm-g1"},"spec":{"storageClassName":"gold","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}}}}`},
	{ID: "adm-sc-gold-ok", Method: "POST", Path: pPVC, Body: `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"adm-g2"},"spec":{"storageClassName":"gold","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"500Mi"}}}}`},
	{ID: "adm-sc-other-class", Method: "POST", Path: pPVC, Body: `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"adm-g3"},"spec":{"storageClassName":"silver","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}}}}`},
	{ID: "adm-sc-list", Method: "GET", Path: pRQ},

	// Clean up, so that later steps see no limit range or quota.
	{ID: "adm-sc-delete-be", Method: "DELETE", Path: pRQ + "/adm-qs-be"},
	{ID: "adm-sc-delete-pc", Method: "DELETE", Path: pRQ + "/adm-qs-pc"},
	{ID: "adm-sc-delete-term", Method: "DELETE", Path: pRQ + "/adm-qs-term"},
	{ID: "adm-sc-delete-gold", Method: "DELETE", Path: pRQ + "/adm-qs-gold"},
	{ID: "adm-sc-delete-class", Method: "DELETE", Path: pPC + "/{ns}-adm"},
	{ID: "adm-after", Method: "POST", Path: pCM, Settle: true, Body: cm("adm-cm4", `{}`, `{}`)},
}
