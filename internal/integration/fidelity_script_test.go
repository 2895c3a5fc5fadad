//go:build integration

package integration

// The script TestFidelity runs against kube-apiserver and against the fake
// server. Placeholders in Path, Query and Body are expanded per run:
//
//	{ns}           the run's namespace
//	{name:ID}      metadata.name of the object step ID answered
//	{rv:ID}        metadata.resourceVersion of that object
//	{uid:ID}       metadata.uid of that object
//	{continue:ID}  metadata.continue of the list step ID answered
//
// Query is "k=v&k=v" with unescaped values (split at '&', then at the first
// '='). A step with Watch set opens a watch on Path from the
// resourceVersion step Watch.From answered and collects Watch.Count events:
// the events replay writes made earlier in the script, so both servers
// must send the same ones.

const (
	ctJSON  = "application/json"
	ctMerge = "application/merge-patch+json"
	ctJSONP = "application/json-patch+json"
	ctSMP   = "application/strategic-merge-patch+json"
	ctApply = "application/apply-patch+yaml"
)

// fidWatch asks for a watch from the resourceVersion of step From.
type fidWatch struct {
	From  string
	Count int
}

// fidStep is one request of the script.
type fidStep struct {
	ID     string
	Method string
	Path   string
	Query  string
	CT     string // content type; application/json when a body is given without one
	Body   string
	Watch  *fidWatch
	Retry  bool // repeat while the answer is 404, for at most 15 s
	// Settle waits a second before the step: the real server's admission
	// plugins read limit ranges and quotas from an informer, which sees a
	// write a moment after it.
	Settle bool
}

const (
	pCM     = "/api/v1/namespaces/{ns}/configmaps"
	pSecret = "/api/v1/namespaces/{ns}/secrets"
	pPod    = "/api/v1/namespaces/{ns}/pods"
	pSvc    = "/api/v1/namespaces/{ns}/services"
	pDeploy = "/apis/apps/v1/namespaces/{ns}/deployments"
	pPC     = "/apis/scheduling.k8s.io/v1/priorityclasses"
)

const podSpec = `{"containers":[{"name":"c","image":"busybox"}]}`

const deploySpec = `{"replicas":1,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"},{"name":"side","image":"nginx"}]}}}`

func cm(name, labels, data string) string {
	return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"` + name + `","labels":` + labels + `},"data":` + data + `}`
}

func pod(name, labels, extra string) string {
	spec := podSpec
	if extra != "" {
		spec = `{` + extra + `,"containers":[{"name":"c","image":"busybox"}]}`
	}
	return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"` + name + `","labels":` + labels + `},"spec":` + spec + `}`
}

func applyDeploy(replicas string) string {
	r := ""
	if replicas != "" {
		r = `"replicas":` + replicas + `,`
	}
	return `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"applied","labels":{"by":"apply"}},"spec":{` + r +
		`"selector":{"matchLabels":{"app":"ap"}},"template":{"metadata":{"labels":{"app":"ap"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}`
}

var fidelityScript = []fidStep{
	// ConfigMaps: creates and their errors.
	{ID: "cm-create-a", Method: "POST", Path: pCM, Body: cm("a", `{"app":"web","tier":"front"}`, `{"k":"v"}`)},
	{ID: "cm-create-a-again", Method: "POST", Path: pCM, Body: cm("a", `{"app":"web"}`, `{"k":"v"}`)},
	{ID: "cm-create-gen", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-","labels":{"app":"web","tier":"back"}},"data":{"g":"1"}}`},
	{ID: "cm-create-noname", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{},"data":{"k":"v"}}`},
	{ID: "cm-create-invalid-name", Method: "POST", Path: pCM, Body: cm("Bad_Name", `{}`, `{}`)},
	{ID: "cm-create-invalid-label", Method: "POST", Path: pCM, Body: cm("badlabel", `{"a b":"c"}`, `{}`)},
	{ID: "cm-create-missing-ns", Method: "POST", Path: "/api/v1/namespaces/{ns}-missing/configmaps", Body: cm("a", `{}`, `{}`)},
	{ID: "cm-create-rv-set", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"rvset","resourceVersion":"12"}}`},
	{ID: "cm-create-ns-mismatch", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"other"}}`},
	{ID: "cm-create-bad-json", Method: "POST", Path: pCM, Body: `{"apiVersion":`},
	{ID: "cm-create-wrong-kind", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}`},
	{ID: "cm-create-b", Method: "POST", Path: pCM, Body: cm("b", `{"app":"db","env":"prod"}`, `{"k":"b"}`)},
	{ID: "cm-create-c", Method: "POST", Path: pCM, Body: cm("c", `{"app":"web","env":"dev"}`, `{"k":"c"}`)},
	{ID: "cm-create-d", Method: "POST", Path: pCM, Body: cm("d", `{}`, `{"k":"d"}`)},

	// Gets.
	{ID: "cm-get-a", Method: "GET", Path: pCM + "/a"},
	{ID: "cm-get-gen", Method: "GET", Path: pCM + "/{name:cm-create-gen}"},
	{ID: "cm-get-missing", Method: "GET", Path: pCM + "/nope"},
	{ID: "cm-get-missing-ns", Method: "GET", Path: "/api/v1/namespaces/{ns}-missing/configmaps/a"},

	// Label selectors.
	{ID: "cm-list-all", Method: "GET", Path: pCM},
	{ID: "cm-list-eq", Method: "GET", Path: pCM, Query: "labelSelector=app=web"},
	{ID: "cm-list-eqeq", Method: "GET", Path: pCM, Query: "labelSelector=app==db"},
	{ID: "cm-list-neq", Method: "GET", Path: pCM, Query: "labelSelector=app!=web"},
	{ID: "cm-list-in", Method: "GET", Path: pCM, Query: "labelSelector=app in (web,db)"},
	{ID: "cm-list-notin", Method: "GET", Path: pCM, Query: "labelSelector=app notin (web)"},
	{ID: "cm-list-exists", Method: "GET", Path: pCM, Query: "labelSelector=tier"},
	{ID: "cm-list-notexists", Method: "GET", Path: pCM, Query: "labelSelector=!tier"},
	{ID: "cm-list-multi", Method: "GET", Path: pCM, Query: "labelSelector=app=web,tier=front"},
	{ID: "cm-list-bad-selector", Method: "GET", Path: pCM, Query: "labelSelector=app in web"},
	{ID: "cm-list-bad-label-value", Method: "GET", Path: pCM, Query: "labelSelector=app=a b"},

	// Field selectors.
	{ID: "cm-list-field-name", Method: "GET", Path: pCM, Query: "fieldSelector=metadata.name=a"},
	{ID: "cm-list-field-name-neq", Method: "GET", Path: pCM, Query: "fieldSelector=metadata.name!=a"},
	{ID: "cm-list-field-ns", Method: "GET", Path: pCM, Query: "fieldSelector=metadata.namespace={ns}"},
	{ID: "cm-list-field-both", Method: "GET", Path: pCM, Query: "fieldSelector=metadata.name=c&labelSelector=app=web"},
	{ID: "cm-list-field-unsupported", Method: "GET", Path: pCM, Query: "fieldSelector=data.k=v"},

	// Pagination over five objects.
	{ID: "cm-page-1", Method: "GET", Path: pCM, Query: "limit=2"},
	{ID: "cm-page-2", Method: "GET", Path: pCM, Query: "limit=2&continue={continue:cm-page-1}"},
	{ID: "cm-page-3", Method: "GET", Path: pCM, Query: "limit=2&continue={continue:cm-page-2}"},
	{ID: "cm-page-selector", Method: "GET", Path: pCM, Query: "limit=1&labelSelector=app=web"},
	{ID: "cm-page-bad-continue", Method: "GET", Path: pCM, Query: "limit=2&continue=garbage"},

	// Updates.
	{ID: "cm-update-a", Method: "PUT", Path: pCM + "/a", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"{rv:cm-create-a}","labels":{"app":"web","tier":"front"}},"data":{"k":"v2"}}`},
	{ID: "cm-update-stale", Method: "PUT", Path: pCM + "/a", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"{rv:cm-create-a}"},"data":{"k":"stale"}}`},
	{ID: "cm-update-no-rv", Method: "PUT", Path: pCM + "/a", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"app":"web","tier":"front"}},"data":{"k":"v3"}}`},
	{ID: "cm-update-noop", Method: "PUT", Path: pCM + "/a", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"app":"web","tier":"front"}},"data":{"k":"v3"}}`},
	{ID: "cm-update-name-mismatch", Method: "PUT", Path: pCM + "/a", Body: cm("b", `{}`, `{}`)},
	{ID: "cm-update-missing", Method: "PUT", Path: pCM + "/nope", Body: cm("nope", `{}`, `{}`)},
	{ID: "cm-update-bad-rv", Method: "PUT", Path: pCM + "/a", Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"xyz"}}`},

	// Patches.
	{ID: "cm-patch-merge", Method: "PATCH", Path: pCM + "/a", CT: ctMerge, Body: `{"metadata":{"labels":{"tier":null}},"data":{"x":"y"}}`},
	{ID: "cm-patch-json", Method: "PATCH", Path: pCM + "/a", CT: ctJSONP, Body: `[{"op":"add","path":"/data/j","value":"1"},{"op":"replace","path":"/data/k","value":"v4"}]`},
	{ID: "cm-patch-json-test-ok", Method: "PATCH", Path: pCM + "/a", CT: ctJSONP, Body: `[{"op":"test","path":"/data/k","value":"v4"},{"op":"remove","path":"/data/j"}]`},
	{ID: "cm-patch-json-test-fail", Method: "PATCH", Path: pCM + "/a", CT: ctJSONP, Body: `[{"op":"test","path":"/data/k","value":"wrong"},{"op":"remove","path":"/data/k"}]`},
	{ID: "cm-patch-json-bad-path", Method: "PATCH", Path: pCM + "/a", CT: ctJSONP, Body: `[{"op":"remove","path":"/data/nope"}]`},
	{ID: "cm-patch-json-not-array", Method: "PATCH", Path: pCM + "/a", CT: ctJSONP, Body: `{"op":"remove"}`},
	{ID: "cm-patch-smp", Method: "PATCH", Path: pCM + "/a", CT: ctSMP, Body: `{"data":{"s":"1"},"metadata":{"labels":{"smp":"yes"}}}`},
	{ID: "cm-patch-missing", Method: "PATCH", Path: pCM + "/nope", CT: ctMerge, Body: `{"data":{"x":"y"}}`},
	{ID: "cm-patch-bad-ct", Method: "PATCH", Path: pCM + "/a", CT: "text/plain", Body: `{"data":{"x":"y"}}`},
	{ID: "cm-patch-bad-merge", Method: "PATCH", Path: pCM + "/a", CT: ctMerge, Body: `{"data":`},
	{ID: "cm-patch-change-name", Method: "PATCH", Path: pCM + "/a", CT: ctMerge, Body: `{"metadata":{"name":"zzz"}}`},
	{ID: "cm-patch-dryrun", Method: "PATCH", Path: pCM + "/a", Query: "dryRun=All", CT: ctMerge, Body: `{"data":{"dry":"run"}}`},
	{ID: "cm-get-after-dryrun", Method: "GET", Path: pCM + "/a"},
	{ID: "cm-create-dryrun", Method: "POST", Path: pCM, Query: "dryRun=All", Body: cm("dry", `{}`, `{}`)},
	{ID: "cm-get-dry", Method: "GET", Path: pCM + "/dry"},
	{ID: "cm-bad-dryrun", Method: "POST", Path: pCM, Query: "dryRun=Some", Body: cm("dry", `{}`, `{}`)},

	// Watches replaying the writes above.
	{ID: "cm-watch-all", Method: "GET", Path: pCM, Watch: &fidWatch{From: "cm-create-a", Count: 9}},
	{ID: "cm-watch-selector", Method: "GET", Path: pCM, Query: "labelSelector=app=web", Watch: &fidWatch{From: "cm-create-a", Count: 7}},
	{ID: "cm-watch-field", Method: "GET", Path: pCM, Query: "fieldSelector=metadata.name=b", Watch: &fidWatch{From: "cm-create-a", Count: 1}},

	// Deletes: preconditions, dry run, finalizers, DeleteCollection.
	{ID: "cm-delete-precond-uid", Method: "DELETE", Path: pCM + "/a", Body: `{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}`},
	{ID: "cm-delete-precond-rv", Method: "DELETE", Path: pCM + "/a", Body: `{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"resourceVersion":"{rv:cm-create-a}"}}`},
	{ID: "cm-delete-dryrun", Method: "DELETE", Path: pCM + "/b", Query: "dryRun=All"},
	{ID: "cm-get-b", Method: "GET", Path: pCM + "/b"},
	{ID: "cm-delete-precond-ok", Method: "DELETE", Path: pCM + "/b", Body: `{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"{uid:cm-create-b}","resourceVersion":"{rv:cm-create-b}"}}`},
	{ID: "cm-delete-b-again", Method: "DELETE", Path: pCM + "/b"},
	{ID: "cm-fin-create", Method: "POST", Path: pCM, Body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fin","finalizers":["example.com/keep"],"labels":{"app":"fin"}},"data":{"k":"f"}}`},
	{ID: "cm-fin-delete", Method: "DELETE", Path: pCM + "/fin"},
	{ID: "cm-fin-get", Method: "GET", Path: pCM + "/fin"},
	{ID: "cm-fin-delete-again", Method: "DELETE", Path: pCM + "/fin"},
	{ID: "cm-fin-add-finalizer", Method: "PATCH", Path: pCM + "/fin", CT: ctMerge, Body: `{"metadata":{"finalizers":["example.com/keep","example.com/more"]}}`},
	{ID: "cm-fin-patch-data", Method: "PATCH", Path: pCM + "/fin", CT: ctMerge, Body: `{"data":{"k":"changed"}}`},
	{ID: "cm-fin-remove", Method: "PATCH", Path: pCM + "/fin", CT: ctMerge, Body: `{"metadata":{"finalizers":null}}`},
	{ID: "cm-fin-get-gone", Method: "GET", Path: pCM + "/fin"},
	{ID: "cm-watch-fin", Method: "GET", Path: pCM, Query: "labelSelector=app=fin", Watch: &fidWatch{From: "cm-get-b", Count: 5}},
	{ID: "cm-deletecollection", Method: "DELETE", Path: pCM, Query: "labelSelector=app=web"},
	{ID: "cm-list-after-dc", Method: "GET", Path: pCM},

	// Secrets.
	{ID: "sec-create", Method: "POST", Path: pSecret, Body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"type":"Opaque","data":{"p":"cGFzcw=="},"stringData":{"u":"admin"}}`},
	{ID: "sec-create-bad-base64", Method: "POST", Path: pSecret, Body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s2"},"data":{"p":"!!!"}}`},
	{ID: "sec-create-immutable", Method: "POST", Path: pSecret, Body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"imm"},"type":"Opaque","immutable":true,"data":{"p":"cGFzcw=="}}`},
	{ID: "sec-get", Method: "GET", Path: pSecret + "/s1"},
	{ID: "sec-list-type", Method: "GET", Path: pSecret, Query: "fieldSelector=type=Opaque"},
	{ID: "sec-patch-immutable", Method: "PATCH", Path: pSecret + "/imm", CT: ctMerge, Body: `{"data":{"p":"b3RoZXI="}}`},
	{ID: "sec-patch-labels", Method: "PATCH", Path: pSecret + "/imm", CT: ctMerge, Body: `{"metadata":{"labels":{"ok":"yes"}}}`},
	{ID: "sec-delete", Method: "DELETE", Path: pSecret + "/s1"},

	// Pods: field selectors, the status subresource, strategic merge patch.
	{ID: "pod-create-p1", Method: "POST", Path: pPod, Body: pod("p1", `{"app":"web"}`, `"nodeName":"node-1"`)},
	{ID: "pod-create-p2", Method: "POST", Path: pPod, Body: pod("p2", `{"app":"db"}`, "")},
	{ID: "pod-create-invalid", Method: "POST", Path: pPod, Body: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"},"spec":{"containers":[]}}`},
	{ID: "pod-list-nodename", Method: "GET", Path: pPod, Query: "fieldSelector=spec.nodeName=node-1"},
	{ID: "pod-list-unscheduled", Method: "GET", Path: pPod, Query: "fieldSelector=spec.nodeName="},
	{ID: "pod-list-phase", Method: "GET", Path: pPod, Query: "fieldSelector=status.phase=Pending"},
	{ID: "pod-list-unsupported-field", Method: "GET", Path: pPod, Query: "fieldSelector=spec.restartPolicy=Always"},
	{ID: "pod-status-patch", Method: "PATCH", Path: pPod + "/p1/status", CT: ctMerge, Body: `{"status":{"phase":"Running"},"spec":{"activeDeadlineSeconds":5},"metadata":{"labels":{"from":"status"}}}`},
	{ID: "pod-list-running", Method: "GET", Path: pPod, Query: "fieldSelector=status.phase=Running"},
	{ID: "pod-list-running-not-node", Method: "GET", Path: pPod, Query: "fieldSelector=status.phase=Running,spec.nodeName!=node-1"},
	{ID: "pod-patch-main-status", Method: "PATCH", Path: pPod + "/p1", CT: ctMerge, Body: `{"status":{"phase":"Failed"},"metadata":{"labels":{"x":"y"}}}`},
	{ID: "pod-get-p1", Method: "GET", Path: pPod + "/p1"},
	{ID: "pod-smp-image", Method: "PATCH", Path: pPod + "/p2", CT: ctSMP, Body: `{"spec":{"containers":[{"name":"c","image":"busybox:2"}]}}`},
	{ID: "pod-watch-node", Method: "GET", Path: pPod, Query: "fieldSelector=spec.nodeName=node-1", Watch: &fidWatch{From: "pod-create-p1", Count: 2}},
	{ID: "pod-delete-p2", Method: "DELETE", Path: pPod + "/p2"},
	{ID: "pod-delete-p1", Method: "DELETE", Path: pPod + "/p1", Query: "gracePeriodSeconds=0"},
	{ID: "pod-list-after", Method: "GET", Path: pPod},

	// Services: the name rule (an RFC 1123 label since 1.37, so a leading
	// digit is fine; the ports are given in full, as the fake does not
	// default them), strategic merge on ports.
	{ID: "svc-create", Method: "POST", Path: pSvc, Body: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080}]}}`},
	{ID: "svc-create-digit-name", Method: "POST", Path: pSvc, Body: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"1web"},"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":80}]}}`},
	{ID: "svc-create-invalid-name", Method: "POST", Path: pSvc, Body: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web.1"},"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":80}]}}`},
	{ID: "svc-smp-add-port", Method: "PATCH", Path: pSvc + "/web", CT: ctSMP, Body: `{"spec":{"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":8443}]}}`},
	{ID: "svc-smp-delete-port", Method: "PATCH", Path: pSvc + "/web", CT: ctSMP, Body: `{"spec":{"ports":[{"port":80,"$patch":"delete"}]}}`},
	{ID: "svc-get", Method: "GET", Path: pSvc + "/web"},

	// Deployments: generation, status subresource, strategic merge patch, apply.
	{ID: "dep-create", Method: "POST", Path: pDeploy, Body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"d"}},"spec":` + deploySpec + `}`},
	{ID: "dep-get", Method: "GET", Path: pDeploy + "/d"},
	{ID: "dep-patch-replicas", Method: "PATCH", Path: pDeploy + "/d", CT: ctMerge, Body: `{"spec":{"replicas":2}}`},
	{ID: "dep-patch-labels", Method: "PATCH", Path: pDeploy + "/d", CT: ctMerge, Body: `{"metadata":{"labels":{"extra":"1"}}}`},
	{ID: "dep-status-patch", Method: "PATCH", Path: pDeploy + "/d/status", CT: ctMerge, Body: `{"status":{"replicas":5,"observedGeneration":2},"spec":{"replicas":9}}`},
	{ID: "dep-smp-image", Method: "PATCH", Path: pDeploy + "/d", CT: ctSMP, Body: `{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"nginx:2"}]}}}}`},
	{ID: "dep-smp-delete-container", Method: "PATCH", Path: pDeploy + "/d", CT: ctSMP, Body: `{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}`},
	{ID: "dep-smp-bad-directive", Method: "PATCH", Path: pDeploy + "/d", CT: ctSMP, Body: `{"spec":{"$patch":"bogus"}}`},
	{ID: "dep-update-stale", Method: "PUT", Path: pDeploy + "/d", Body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","resourceVersion":"{rv:dep-create}"},"spec":` + deploySpec + `}`},
	{ID: "dep-get-scale", Method: "GET", Path: pDeploy + "/d/scale"},
	{ID: "dep-get-final", Method: "GET", Path: pDeploy + "/d"},
	{ID: "dep-apply-no-manager", Method: "PATCH", Path: pDeploy + "/applied", CT: ctApply, Body: applyDeploy("1")},
	{ID: "dep-apply-a", Method: "PATCH", Path: pDeploy + "/applied", Query: "fieldManager=mgr-a", CT: ctApply, Body: applyDeploy("1")},
	{ID: "dep-apply-b-conflict", Method: "PATCH", Path: pDeploy + "/applied", Query: "fieldManager=mgr-b", CT: ctApply, Body: applyDeploy("3")},
	{ID: "dep-apply-b-force", Method: "PATCH", Path: pDeploy + "/applied", Query: "fieldManager=mgr-b&force=true", CT: ctApply, Body: applyDeploy("3")},
	{ID: "dep-apply-a-again", Method: "PATCH", Path: pDeploy + "/applied", Query: "fieldManager=mgr-a", CT: ctApply, Body: applyDeploy("")},
	{ID: "dep-apply-a-shared", Method: "PATCH", Path: pDeploy + "/applied", Query: "fieldManager=mgr-a", CT: ctApply, Body: applyDeploy("3")},
	{ID: "dep-watch", Method: "GET", Path: pDeploy, Watch: &fidWatch{From: "dep-create", Count: 7}},
	{ID: "dep-delete-foreground", Method: "DELETE", Path: pDeploy + "/d", Query: "propagationPolicy=Foreground"},
	{ID: "dep-get-deleting", Method: "GET", Path: pDeploy + "/d"},
	{ID: "dep-list", Method: "GET", Path: pDeploy},

	// A cluster-scoped kind.
	{ID: "pc-create", Method: "POST", Path: pPC, Body: `{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{ns}-high","labels":{"fid":"{ns}"}},"value":1000,"description":"high"}`},
	{ID: "pc-create-low", Method: "POST", Path: pPC, Body: `{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{ns}-low","labels":{"fid":"{ns}","level":"low"}},"value":10}`},
	{ID: "pc-create-namespaced-path", Method: "POST", Path: "/apis/scheduling.k8s.io/v1/namespaces/{ns}/priorityclasses", Body: `{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{ns}-x"},"value":1}`},
	{ID: "pc-get", Method: "GET", Path: pPC + "/{ns}-high"},
	{ID: "pc-list", Method: "GET", Path: pPC, Query: "labelSelector=fid={ns}"},
	{ID: "pc-list-notin", Method: "GET", Path: pPC, Query: "labelSelector=fid={ns},level notin (low)"},
	{ID: "pc-patch-description", Method: "PATCH", Path: pPC + "/{ns}-high", CT: ctMerge, Body: `{"description":"higher"}`},
	{ID: "pc-patch-value", Method: "PATCH", Path: pPC + "/{ns}-high", CT: ctMerge, Body: `{"value":2000}`},
	{ID: "pc-deletecollection", Method: "DELETE", Path: pPC, Query: "labelSelector=fid={ns},level=low"},
	{ID: "pc-delete", Method: "DELETE", Path: pPC + "/{ns}-high"},
	{ID: "pc-get-missing", Method: "GET", Path: pPC + "/{ns}-high"},

	// Other errors.
	{ID: "err-unknown-resource", Method: "GET", Path: "/api/v1/namespaces/{ns}/nothings"},
	{ID: "err-unknown-group", Method: "GET", Path: "/apis/nope.example.com/v1/things"},
	{ID: "err-put-collection", Method: "PUT", Path: pCM, Body: cm("a", `{}`, `{}`)},
	{ID: "err-post-named", Method: "POST", Path: pCM + "/a", Body: cm("a", `{}`, `{}`)},
	{ID: "err-watch-bad-rv", Method: "GET", Path: pCM, Query: "watch=true&resourceVersion=abc"},
	{ID: "err-list-bad-limit", Method: "GET", Path: pCM, Query: "limit=abc"},
	{ID: "err-unknown-subresource", Method: "GET", Path: pCM + "/d/nothing"},
}
