//go:build integration

package integration

// The defaulting, admission, validation and canonicalisation part of the
// fidelity script: what kube-apiserver fills in for the objects users write
// (pods, workloads, services, storage, policies), the Invalid answers for
// what they get wrong, fieldValidation, and how values are stored
// (quantities, omitted zero values, base64).

func init() { fidelityScript = append(fidelityScript, fidelityDefaultsScript...) }

const (
	pSts    = "/apis/apps/v1/namespaces/{ns}/statefulsets"
	pDS     = "/apis/apps/v1/namespaces/{ns}/daemonsets"
	pCJ     = "/apis/batch/v1/namespaces/{ns}/cronjobs"
	pPT     = "/api/v1/namespaces/{ns}/podtemplates"
	pPVC    = "/api/v1/namespaces/{ns}/persistentvolumeclaims"
	pPV     = "/api/v1/persistentvolumes"
	pRQ     = "/api/v1/namespaces/{ns}/resourcequotas"
	pNP     = "/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies"
	pRB     = "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings"
	pNS     = "/api/v1/namespaces"
	pSA     = "/api/v1/namespaces/{ns}/serviceaccounts"
	pLR     = "/api/v1/namespaces/{ns}/limitranges"
	pEP     = "/api/v1/namespaces/{ns}/endpoints"
	tmplApp = `{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}`
)

// podWith is a Pod named name whose spec is spec.
func podWith(name, spec string) string {
	return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"` + name + `"},"spec":` + spec + `}`
}

// fidWorkload is an apps/v1 object of kind with the given spec members before
// a selector and template for app=w.
func fidWorkload(kind, name, extra string) string {
	return `{"apiVersion":"apps/v1","kind":"` + kind + `","metadata":{"name":"` + name + `"},"spec":{` + extra +
		`"selector":{"matchLabels":{"app":"w"}},"template":` + tmplApp + `}}`
}

func svc(name, spec string) string {
	return `{"apiVersion":"v1","kind":"Service","metadata":{"name":"` + name + `"},"spec":` + spec + `}`
}

var fidelityDefaultsScript = []fidStep{
	// Pods: SetDefaults_Pod/PodSpec/Container, service-account, priority
	// and toleration admission.
	{ID: "def-pod-minimal", Method: "POST", Path: pPod, Body: podWith("dp1", `{"containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "def-pod-full", Method: "POST", Path: pPod, Body: podWith("dp2", `{"initContainers":[{"name":"init","image":"busybox:1.36","command":["true"]}],`+
		`"containers":[{"name":"c","image":"nginx:1.27","ports":[{"containerPort":80,"name":"http"},{"containerPort":53,"protocol":"UDP"}],`+
		`"env":[{"name":"NS","valueFrom":{"fieldRef":{"fieldPath":"metadata.namespace"}}}],`+
		`"livenessProbe":{"httpGet":{"port":80}},"readinessProbe":{"tcpSocket":{"port":"http"},"periodSeconds":5},`+
		`"resources":{"limits":{"cpu":"500m","memory":"128Mi"}},"volumeMounts":[{"name":"cfg","mountPath":"/cfg"}]},`+
		`{"name":"latest","image":"registry.k8s.io/pause:latest"},{"name":"digest","image":"busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}],`+
		`"volumes":[{"name":"cfg","configMap":{"name":"x"}},{"name":"sec","secret":{"secretName":"s"}},{"name":"scratch"},`+
		`{"name":"host","hostPath":{"path":"/tmp"}},{"name":"dapi","downwardAPI":{"items":[{"path":"n","fieldRef":{"fieldPath":"metadata.name"}}]}}]}`)},
	{ID: "def-pod-hostnetwork", Method: "POST", Path: pPod, Body: podWith("dp3", `{"hostNetwork":true,"automountServiceAccountToken":false,"containers":[{"name":"c","image":"nginx:1.27","ports":[{"containerPort":8080}]}]}`)},
	{ID: "def-pod-tolerations", Method: "POST", Path: pPod, Body: podWith("dp4", `{"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute"}],"restartPolicy":"Never","dnsPolicy":"Default","terminationGracePeriodSeconds":-5,"containers":[{"name":"c","image":"nginx:1.27","imagePullPolicy":"Never"}]}`)},
	{ID: "def-pod-sa-missing", Method: "POST", Path: pPod, Body: podWith("dp5", `{"serviceAccountName":"nobody","containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "def-pod-priority-missing", Method: "POST", Path: pPod, Body: podWith("dp6", `{"priorityClassName":"no-such-class","containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "def-pod-priority-given", Method: "POST", Path: pPod, Body: podWith("dp7", `{"priority":5,"containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "def-pod-get", Method: "GET", Path: pPod + "/dp2"},
	{ID: "def-pod-update-keeps", Method: "PATCH", Path: pPod + "/dp1", CT: ctMerge, Body: `{"metadata":{"labels":{"x":"y"}}}`},
	{ID: "def-pod-missing-ns", Method: "POST", Path: "/api/v1/namespaces/{ns}-gone/pods", Body: podWith("dp8", `{"containers":[{"name":"c","image":"nginx"}]}`)},

	// Fields of feature gates off by default in 1.37 are dropped.
	{ID: "fg-pod-stop-signal", Method: "POST", Path: pPod, Body: podWith("fg1", `{"containers":[{"name":"c","image":"nginx","lifecycle":{"stopSignal":"SIGUSR1","preStop":{"exec":{"command":["true"]}}}},{"name":"d","image":"nginx","lifecycle":{"stopSignal":"SIGUSR1"}}]}`)},
	{ID: "fg-pod-grpc-mode", Method: "POST", Path: pPod, Body: podWith("fg2", `{"containers":[{"name":"c","image":"nginx","readinessProbe":{"grpc":{"port":9000,"mode":"TLS"}}}]}`)},
	{ID: "fg-deploy-stop-signal", Method: "POST", Path: pDeploy, Body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"fg3"},"spec":{"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c","image":"nginx","lifecycle":{"stopSignal":"SIGUSR1"}}]}}}}`},

	// Workloads and their pod templates.
	{ID: "def-deploy", Method: "POST", Path: pDeploy, Body: fidWorkload("Deployment", "dd1", "")},
	{ID: "def-deploy-recreate", Method: "POST", Path: pDeploy, Body: fidWorkload("Deployment", "dd2", `"strategy":{"type":"Recreate"},"replicas":3,`)},
	{ID: "def-sts", Method: "POST", Path: pSts, Body: fidWorkload("StatefulSet", "ds1", `"serviceName":"w",`)},
	{ID: "def-ds", Method: "POST", Path: pDS, Body: fidWorkload("DaemonSet", "dds1", "")},
	{ID: "def-ds-template-change", Method: "PATCH", Path: pDS + "/dds1", CT: ctSMP, Body: `{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1.28"}]}}}}`},
	{ID: "def-rs", Method: "POST", Path: pRS, Body: fidWorkload("ReplicaSet", "drs1", "")},
	{ID: "def-job", Method: "POST", Path: pJob, Body: `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"dj1"},"spec":{"template":{"metadata":{"labels":{"app":"j"}},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}`},
	{ID: "def-cronjob", Method: "POST", Path: pCJ, Body: `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"dcj1"},"spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}}}`},
	{ID: "def-rc", Method: "POST", Path: pRC, Body: `{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"drc1"},"spec":{"template":` + tmplApp + `}}`},
	{ID: "def-podtemplate", Method: "POST", Path: pPT, Body: `{"apiVersion":"v1","kind":"PodTemplate","metadata":{"name":"dpt1"},"template":` + tmplApp + `}`},

	// Services: defaults and allocation.
	{ID: "def-svc", Method: "POST", Path: pSvc, Body: svc("ds1", `{"selector":{"app":"w"},"ports":[{"port":80}]}`)},
	{ID: "def-svc-nodeport", Method: "POST", Path: pSvc, Body: svc("ds2", `{"type":"NodePort","selector":{"app":"w"},"ports":[{"port":80,"targetPort":"http","name":"web"}]}`)},
	{ID: "def-svc-lb", Method: "POST", Path: pSvc, Body: svc("ds3", `{"type":"LoadBalancer","ports":[{"port":443,"protocol":"TCP"}],"sessionAffinity":"ClientIP"}`)},
	{ID: "def-svc-headless", Method: "POST", Path: pSvc, Body: svc("ds4", `{"clusterIP":"None","selector":{"app":"w"},"ports":[{"port":5432}]}`)},
	{ID: "def-svc-headless-noselector", Method: "POST", Path: pSvc, Body: svc("ds5", `{"clusterIP":"None","ports":[{"port":5432}]}`)},
	{ID: "def-svc-externalname", Method: "POST", Path: pSvc, Body: svc("ds6", `{"type":"ExternalName","externalName":"db.example.com"}`)},
	{ID: "def-svc-put-keeps-ip", Method: "PUT", Path: pSvc + "/ds1", Body: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"ds1"},"spec":{"selector":{"app":"w"},"ports":[{"port":80}]}}`},

	// Storage, policy, RBAC, scheduling, namespaces.
	{ID: "def-secret", Method: "POST", Path: pSecret, Body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"dsec"},"stringData":{"a":"b"}}`},
	{ID: "def-pvc", Method: "POST", Path: pPVC, Body: `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"dpvc"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1.5Gi"}}}}`},
	{ID: "def-pv", Method: "POST", Path: pPV, Body: `{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"{ns}-pv"},"spec":{"capacity":{"storage":"1000Mi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/data"}}}`},
	{ID: "def-netpol", Method: "POST", Path: pNP, Body: `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"dnp"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":80}]}],"egress":[{"ports":[{"port":53,"protocol":"UDP"}]}]}}`},
	{ID: "def-rolebinding", Method: "POST", Path: pRB, Body: `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"drb"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"default","namespace":"{ns}"}]}`},
	{ID: "def-priorityclass", Method: "POST", Path: pPC, Body: `{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{ns}-def"},"value":7}`},
	{ID: "def-priorityclass-delete", Method: "DELETE", Path: pPC + "/{ns}-def"},
	{ID: "def-namespace", Method: "POST", Path: pNS, Body: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{ns}-extra"}}`},
	{ID: "def-namespace-delete", Method: "DELETE", Path: pNS + "/{ns}-extra"},
	{ID: "def-sa", Method: "POST", Path: pSA, Body: `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"robot"},"automountServiceAccountToken":false,"imagePullSecrets":[{"name":"regcred"}]}`},
	{ID: "def-pod-robot", Method: "POST", Path: pPod, Body: podWith("dp9", `{"serviceAccountName":"robot","containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "def-endpoints", Method: "POST", Path: pEP, Body: `{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"dep1"},"subsets":[{"addresses":[{"ip":"10.1.2.3"}],"ports":[{"port":80}]}]}`},
	{ID: "def-limitrange", Method: "POST", Path: pLR, Body: `{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"dlr"},"spec":{"limits":[{"type":"Container","max":{"cpu":"2"},"min":{"memory":"0.5Gi"}}]}}`},

	// Stored as the server stores: canonical quantities, omitted zero
	// values, base64.
	{ID: "canon-pod-quantities", Method: "POST", Path: pPod, Body: podWith("cq1", `{"hostNetwork":false,"hostPID":false,"containers":[{"name":"c","image":"nginx","stdin":false,`+
		`"ports":[{"containerPort":80,"hostPort":0}],"resources":{"requests":{"cpu":"1.5","memory":"1.5Gi","ephemeral-storage":0.5},"limits":{"cpu":2,"memory":"2048Mi"}}}]}`)},
	{ID: "canon-quota", Method: "POST", Path: pRQ, Body: `{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"cq"},"spec":{"hard":{"pods":"1000","requests.cpu":"1.5","requests.memory":"1e9","limits.memory":"0.5Gi","count/configmaps":"10"}}}`},
	{ID: "canon-netpol-empty", Method: "POST", Path: pNP, Body: `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"cnp"},"spec":{"podSelector":{"matchLabels":{}},"ingress":[],"policyTypes":["Ingress"]}}`},
	{ID: "canon-cm-bad-base64", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cb"},"binaryData":{"b":"!!!"}}`},
	{ID: "canon-cm-binary", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cb2"},"binaryData":{"b":"aGk="},"data":{}}`},
	{ID: "canon-bad-quantity", Method: "POST", Path: pPod, Body: podWith("cq2", `{"containers":[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"lots"}}}]}`)},

	// Validation: what users get wrong.
	{ID: "inv-container-name", Method: "POST", Path: pPod, Body: podWith("iv1", `{"containers":[{"name":"Bad_Name","image":"nginx"}]}`)},
	{ID: "inv-container-dup", Method: "POST", Path: pPod, Body: podWith("iv2", `{"containers":[{"name":"c","image":"nginx"},{"name":"c","image":"busybox"}]}`)},
	{ID: "inv-container-no-image", Method: "POST", Path: pPod, Body: podWith("iv3", `{"containers":[{"name":"c"}]}`)},
	{ID: "inv-port-range", Method: "POST", Path: pPod, Body: podWith("iv4", `{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":70000}]}]}`)},
	{ID: "inv-port-dup-name", Method: "POST", Path: pPod, Body: podWith("iv5", `{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80,"name":"http"},{"containerPort":81,"name":"http"}]}]}`)},
	{ID: "inv-port-name", Method: "POST", Path: pPod, Body: podWith("iv6", `{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80,"name":"Web--Port-Too-Long"}]}]}`)},
	{ID: "inv-port-protocol", Method: "POST", Path: pPod, Body: podWith("iv7", `{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80,"protocol":"HTTP"}]}]}`)},
	{ID: "inv-requests-gt-limits", Method: "POST", Path: pPod, Body: podWith("iv8", `{"containers":[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}]}`)},
	{ID: "inv-restart-policy", Method: "POST", Path: pPod, Body: podWith("iv9", `{"restartPolicy":"Sometimes","containers":[{"name":"c","image":"nginx"}]}`)},
	{ID: "inv-pull-policy", Method: "POST", Path: pPod, Body: podWith("iv10", `{"containers":[{"name":"c","image":"nginx","imagePullPolicy":"Sometimes"}]}`)},
	{ID: "inv-annotation-key", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ia","annotations":{"bad key!":"x"}}}`},
	{ID: "inv-deploy-no-selector", Method: "POST", Path: pDeploy, Body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"id1"},"spec":{"template":` + tmplApp + `}}`},
	{ID: "inv-deploy-mismatch", Method: "POST", Path: pDeploy, Body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"id2"},"spec":{"selector":{"matchLabels":{"app":"other"}},"template":` + tmplApp + `}}`},
	{ID: "inv-deploy-empty-selector", Method: "POST", Path: pDeploy, Body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"id3"},"spec":{"selector":{},"template":` + tmplApp + `}}`},
	{ID: "inv-rs-empty-selector", Method: "POST", Path: pRS, Body: `{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"irs"},"spec":{"selector":{},"template":` + tmplApp + `}}`},
	{ID: "inv-deploy-restart-never", Method: "POST", Path: pDeploy, Body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"id4"},"spec":{"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":{"app":"w"}},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"nginx"}]}}}}`},
	{ID: "inv-deploy-selector-immutable", Method: "PATCH", Path: pDeploy + "/dd1", CT: ctMerge, Body: `{"spec":{"selector":{"matchLabels":{"app":"w","v":"2"}},"template":{"metadata":{"labels":{"app":"w","v":"2"}}}}}`},
	{ID: "inv-rs-selector-immutable", Method: "PATCH", Path: pRS + "/drs1", CT: ctMerge, Body: `{"spec":{"selector":{"matchLabels":{"app":"w","v":"2"}},"template":{"metadata":{"labels":{"app":"w","v":"2"}}}}}`},
	{ID: "inv-deploy-progress", Method: "POST", Path: pDeploy, Body: fidWorkload("Deployment", "id5", `"minReadySeconds":700,`)},
	{ID: "inv-job-restart-always", Method: "POST", Path: pJob, Body: `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"ij1"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}`},
	// 10.0.0.0, the range's network address, is never allocated (another
	// address could be ds1's own, making the patch a no-op).
	{ID: "inv-svc-clusterip-immutable", Method: "PATCH", Path: pSvc + "/ds1", CT: ctMerge, Body: `{"spec":{"clusterIP":"10.0.0.0"}}`},
	{ID: "inv-cronjob-no-schedule", Method: "POST", Path: pCJ, Body: `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"icj"},"spec":{"jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}}`},

	// fieldValidation: Strict refuses unknown and duplicate fields, Warn
	// (the default) stores the object and warns, Ignore says nothing.
	{ID: "fv-strict-unknown", Method: "POST", Path: pPod, Query: "fieldValidation=Strict", Body: podWith("fv1", `{"containers":[{"name":"c","image":"nginx","imagePullPolic":"Always"}],"nodeSelectr":{"a":"b"}}`)},
	{ID: "fv-strict-duplicate", Method: "POST", Path: pCM, Query: "fieldValidation=Strict", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fv2","name":"fv2"},"data":{"a":"1"},"data":{"b":"2"}}`},
	{ID: "fv-warn-unknown", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fv3","labelz":{"a":"b"}},"data":{"a":"1"},"extra":true}`},
	{ID: "fv-warn-duplicate", Method: "POST", Path: pCM, Query: "fieldValidation=Warn", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fv4"},"data":{"a":"1"},"data":{"b":"2"}}`},
	{ID: "fv-ignore", Method: "POST", Path: pCM, Query: "fieldValidation=Ignore", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fv5"},"extra":true}`},
	{ID: "fv-strict-patch", Method: "PATCH", Path: pCM + "/fv3", Query: "fieldValidation=Strict", CT: ctMerge, Body: `{"extra":1}`},
	{ID: "fv-warn-put", Method: "PUT", Path: pCM + "/fv3", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fv3"},"data":{"a":"2"},"spec":{}}`},
}
