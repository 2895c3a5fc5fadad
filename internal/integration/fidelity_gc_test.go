//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

// The second differential script: garbage collection as the API server
// does its part (finalizers and deletionTimestamp set by foreground and
// orphan deletes, each kind's default propagation, a second delete
// changing the policy, orphanDependents), and the scale, eviction and
// binding subresources. The harness runs no kube-controller-manager, so
// the real server never collects; the fake is compared without its
// collector, and TestFidelityGC then checks, on a fake with it, what only
// the fake simulates.

const (
	pRS  = "/apis/apps/v1/namespaces/{ns}/replicasets"
	pRC  = "/api/v1/namespaces/{ns}/replicationcontrollers"
	pSTS = "/apis/apps/v1/namespaces/{ns}/statefulsets"
	pJob = "/apis/batch/v1/namespaces/{ns}/jobs"
	pPDB = "/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets"
	pCRD = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
	pCR  = "/apis/{ns}.example.com/v1/namespaces/{ns}/scalers"
)

// gcStep is a step whose answer is compared whole, or only at Fields
// (dotted paths) when set: the kinds whose defaulting the fake does not
// do yet are compared where this script looks.
type gcStep struct {
	fidStep
	Fields []string
}

func gcS(id, method, path, ct, body string, fields ...string) gcStep {
	return gcStep{fidStep: fidStep{ID: id, Method: method, Path: path, CT: ct, Body: body}, Fields: fields}
}

func scaleBody(name, extraMeta string, replicas int) string {
	return fmt.Sprintf(`{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":%q%s},"spec":{"replicas":%d}}`, name, extraMeta, replicas)
}

func workload(kind, apiVersion, name, spec string) string {
	return fmt.Sprintf(`{"apiVersion":%q,"kind":%q,"metadata":{"name":%q},"spec":%s}`, apiVersion, kind, name, spec)
}

const tmplSpec = `"template":{"metadata":{"labels":{"app":"%s","tier":"a","env":"x"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}`

func eviction(name, extra string) string {
	return fmt.Sprintf(`{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":%q}%s}`, name, extra)
}

func binding(name, node string) string {
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Binding","metadata":{"name":%q},"target":{"apiVersion":"v1","kind":"Node","name":%q}}`, name, node)
}

const scalerCRD = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"scalers.{ns}.example.com"},
"spec":{"group":"{ns}.example.com","scope":"Namespaced","names":{"plural":"scalers","singular":"scaler","kind":"Scaler","listKind":"ScalerList"},
"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
"subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas","labelSelectorPath":".status.selector"}}}]}}`

var gcScript = []gcStep{
	// Scale: Deployments (a selector with every operator), ReplicaSets,
	// ReplicationControllers, StatefulSets, a custom resource.
	gcS("sc-dep-create", "POST", pDeploy, "", workload("Deployment", "apps/v1", "s", `{"replicas":2,"selector":{"matchLabels":{"app":"s"},"matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]},{"key":"env","operator":"Exists"},{"key":"old","operator":"DoesNotExist"},{"key":"zone","operator":"NotIn","values":["z"]}]},`+fmt.Sprintf(tmplSpec, "s")+`}`), "metadata.name"),
	gcS("sc-dep-get-scale", "GET", pDeploy+"/s/scale", "", ""),
	gcS("sc-dep-put-scale", "PUT", pDeploy+"/s/scale", "", scaleBody("s", `,"namespace":"{ns}"`, 3)),
	gcS("sc-dep-get", "GET", pDeploy+"/s", "", "", "spec.replicas", "metadata.generation", "metadata.managedFields"),
	gcS("sc-dep-put-stale", "PUT", pDeploy+"/s/scale", "", scaleBody("s", `,"resourceVersion":"{rv:sc-dep-create}"`, 1)),
	gcS("sc-dep-put-negative", "PUT", pDeploy+"/s/scale", "", scaleBody("s", "", -1)),
	gcS("sc-dep-put-wrong-name", "PUT", pDeploy+"/s/scale", "", scaleBody("other", "", 1)),
	gcS("sc-dep-put-wrong-uid", "PUT", pDeploy+"/s/scale", "", scaleBody("s", `,"uid":"00000000-0000-0000-0000-000000000000"`, 1)),
	gcS("sc-dep-patch-two", "PATCH", pDeploy+"/s/scale", ctMerge, `{"spec":{"replicas":2}}`),
	gcS("sc-dep-get-two", "GET", pDeploy+"/s", "", "", "spec.replicas", "metadata.managedFields"),
	gcS("sc-dep-patch-zero", "PATCH", pDeploy+"/s/scale", ctMerge, `{"spec":{"replicas":0}}`),
	gcS("sc-dep-get-zero", "GET", pDeploy+"/s", "", "", "spec.replicas", "metadata.managedFields"),
	gcS("sc-dep-patch-json", "PATCH", pDeploy+"/s/scale", ctJSONP, `[{"op":"replace","path":"/spec/replicas","value":4}]`),
	gcS("sc-dep-get-four", "GET", pDeploy+"/s", "", "", "spec.replicas", "metadata.managedFields"),
	gcS("sc-dep-patch-smp", "PATCH", pDeploy+"/s/scale", ctSMP, `{"spec":{"replicas":5}}`),
	gcS("sc-dep-put-one", "PUT", pDeploy+"/s/scale", "", scaleBody("s", "", 1)),
	gcS("sc-dep-get-one", "GET", pDeploy+"/s", "", "", "spec.replicas", "metadata.managedFields"),
	gcS("sc-dep-get-after", "GET", pDeploy+"/s", "", "", "spec.replicas", "metadata.generation", "metadata.managedFields"),
	gcS("sc-get-missing", "GET", pDeploy+"/nope/scale", "", ""),
	gcS("sc-put-missing", "PUT", pDeploy+"/nope/scale", "", scaleBody("nope", "", 1)),
	gcS("sc-rs-create", "POST", pRS, "", workload("ReplicaSet", "apps/v1", "r", `{"replicas":1,"selector":{"matchLabels":{"app":"r"}},`+fmt.Sprintf(tmplSpec, "r")+`}`), "metadata.name"),
	gcS("sc-rs-get-scale", "GET", pRS+"/r/scale", "", ""),
	gcS("sc-rc-create", "POST", pRC, "", workload("ReplicationController", "v1", "c", `{"replicas":2,"selector":{"app":"c","tier":"a"},`+fmt.Sprintf(tmplSpec, "c")+`}`), "metadata.name"),
	gcS("sc-rc-get-scale", "GET", pRC+"/c/scale", "", ""),
	gcS("sc-rc-put-scale", "PUT", pRC+"/c/scale", "", scaleBody("c", "", 1)),
	gcS("sc-rc-status", "PATCH", pRC+"/c/status", ctMerge, `{"status":{"replicas":2}}`, "status"),
	gcS("sc-rc-get-scale-status", "GET", pRC+"/c/scale", "", ""),
	gcS("sc-sts-create", "POST", pSTS, "", workload("StatefulSet", "apps/v1", "t", `{"serviceName":"t","replicas":1,"selector":{"matchLabels":{"app":"t"}},`+fmt.Sprintf(tmplSpec, "t")+`}`), "metadata.name"),
	gcS("sc-sts-get-scale", "GET", pSTS+"/t/scale", "", ""),
	gcS("sc-sts-patch-scale", "PATCH", pSTS+"/t/scale", ctMerge, `{"spec":{"replicas":3}}`),
	gcS("sc-crd-create", "POST", pCRD, "", scalerCRD, "metadata.name"),
	{fidStep: fidStep{ID: "sc-cr-create", Method: "POST", Path: pCR, Body: `{"apiVersion":"{ns}.example.com/v1","kind":"Scaler","metadata":{"name":"w"},"spec":{"replicas":2}}`, Retry: true}},
	gcS("sc-cr-status", "PATCH", pCR+"/w/status", ctMerge, `{"status":{"replicas":1,"selector":"app=w"}}`),
	gcS("sc-cr-get-scale", "GET", pCR+"/w/scale", "", ""),
	gcS("sc-cr-put-scale", "PUT", pCR+"/w/scale", "", scaleBody("w", `,"resourceVersion":"{rv:sc-cr-status}"`, 4)),
	gcS("sc-cr-patch-scale", "PATCH", pCR+"/w/scale", ctMerge, `{"spec":{"replicas":6}}`),
	gcS("sc-cr-get", "GET", pCR+"/w", "", ""),
	gcS("sc-crd-delete", "DELETE", pCRD+"/scalers.{ns}.example.com", "", "", "metadata.name"),

	// Eviction.
	gcS("ev-pod-pending", "POST", pPod, "", pod("pend", `{"app":"ev"}`, ""), "metadata.name"),
	gcS("ev-pending", "POST", pPod+"/pend/eviction", "", eviction("pend", "")),
	gcS("ev-pending-gone", "GET", pPod+"/pend", "", ""),
	gcS("ev-missing", "POST", pPod+"/nope/eviction", "", eviction("nope", "")),
	gcS("ev-wrong-name", "POST", pPod+"/nope/eviction", "", eviction("other", "")),
	gcS("ev-pod", "POST", pPod, "", pod("run", `{"app":"ev"}`, ""), "metadata.name"),
	gcS("ev-pod-running", "PATCH", pPod+"/run/status", ctMerge, `{"status":{"phase":"Running"}}`, "status.phase"),
	gcS("ev-pdb", "POST", pPDB, "", `{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"budget"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"ev"}}}}`, "metadata.name", "metadata.generation", "spec"),
	gcS("ev-unprocessed", "POST", pPod+"/run/eviction", "", eviction("run", "")),
	gcS("ev-pdb-status", "PATCH", pPDB+"/budget/status", ctMerge, `{"status":{"observedGeneration":1,"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":1,"expectedPods":1}}`, "status"),
	gcS("ev-budget", "POST", pPod+"/run/eviction", "", eviction("run", "")),
	gcS("ev-pdb-allow", "PATCH", pPDB+"/budget/status", ctMerge, `{"status":{"disruptionsAllowed":1}}`, "status"),
	gcS("ev-dry-run", "POST", pPod+"/run/eviction", "", eviction("run", `,"deleteOptions":{"dryRun":["All"]}`)),
	gcS("ev-still-there", "GET", pPod+"/run", "", "", "metadata.name", "metadata.deletionTimestamp"),
	gcS("ev-allowed", "POST", pPod+"/run/eviction", "", eviction("run", "")),
	gcS("ev-gone", "GET", pPod+"/run", "", ""),
	gcS("ev-pdb-after", "GET", pPDB+"/budget", "", "", "status"),
	gcS("ev-pdb-healthy", "PATCH", pPDB+"/budget/status", ctMerge, `{"status":{"currentHealthy":1}}`, "status.currentHealthy"),
	gcS("ev-pod-unready", "POST", pPod, "", pod("unready", `{"app":"ev"}`, ""), "metadata.name"),
	gcS("ev-pod-unready-running", "PATCH", pPod+"/unready/status", ctMerge, `{"status":{"phase":"Running"}}`, "status.phase"),
	gcS("ev-unready-allowed", "POST", pPod+"/unready/eviction", "", eviction("unready", "")),
	gcS("ev-pod-ready", "POST", pPod, "", pod("ready", `{"app":"ev"}`, ""), "metadata.name"),
	gcS("ev-pod-ready-running", "PATCH", pPod+"/ready/status", ctMerge, `{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}`, "status.phase"),
	gcS("ev-ready-refused", "POST", pPod+"/ready/eviction", "", eviction("ready", "")),
	gcS("ev-ready-dry-query", "POST", pPod+"/ready/eviction", "", eviction("ready", "")),
	gcS("ev-pod-2", "POST", pPod, "", pod("run2", `{"app":"ev"}`, ""), "metadata.name"),
	gcS("ev-pod-2-running", "PATCH", pPod+"/run2/status", ctMerge, `{"status":{"phase":"Running"}}`, "status.phase"),
	gcS("ev-pdb-2", "POST", pPDB, "", `{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"budget2"},"spec":{"maxUnavailable":1,"selector":{"matchLabels":{"app":"ev"}}}}`, "metadata.name"),
	gcS("ev-two-budgets", "POST", pPod+"/run2/eviction", "", eviction("run2", "")),

	// Binding.
	gcS("bd-pod", "POST", pPod, "", pod("bd", `{"app":"bd"}`, ""), "metadata.name"),
	gcS("bd-bind", "POST", pPod+"/bd/binding", "", binding("bd", "n1")),
	gcS("bd-get", "GET", pPod+"/bd", "", "", "spec.nodeName", "status", "metadata.generation"),
	gcS("bd-again", "POST", pPod+"/bd/binding", "", binding("bd", "n2")),
	gcS("bd-wrong-name", "POST", pPod+"/bd/binding", "", binding("other", "n1")),
	gcS("bd-missing", "POST", pPod+"/nope/binding", "", binding("nope", "n1")),
	gcS("bd-pod-2", "POST", pPod, "", pod("bd2", `{"app":"bd"}`, ""), "metadata.name"),
	gcS("bd-bindings", "POST", "/api/v1/namespaces/{ns}/bindings", "", binding("bd2", "n1")),
	gcS("bd-get-2", "GET", pPod+"/bd2", "", "", "spec.nodeName"),

	// Garbage collection: the API server's part.
	gcS("gc-owner", "POST", pCM, "", cm("owner", `{}`, `{}`)),
	gcS("gc-dep", "POST", pCM, "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dep","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{uid:gc-owner}","blockOwnerDeletion":true}]}}`),
	gcS("gc-foreground", "DELETE", pCM+"/owner", "", "", "metadata", "status"),
	gcS("gc-foreground-get", "GET", pCM+"/owner", "", ""),
	gcS("gc-foreground-again", "DELETE", pCM+"/owner", "", ""),
	gcS("gc-to-orphan", "DELETE", pCM+"/owner", ctJSON, `{"propagationPolicy":"Orphan"}`),
	gcS("gc-to-background", "DELETE", pCM+"/owner", "", ""),
	gcS("gc-owner-gone", "GET", pCM+"/owner", "", ""),
	gcS("gc-dep-kept", "GET", pCM+"/dep", "", ""),
	gcS("gc-held", "POST", pCM, "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}`),
	gcS("gc-orphan-false", "DELETE", pCM+"/held", "", ""),
	gcS("gc-orphan-true", "DELETE", pCM+"/held", "", ""),
	gcS("gc-orphan-both", "DELETE", pCM+"/held", "", ""),
	gcS("gc-dry", "POST", pCM, "", cm("dry", `{}`, `{}`)),
	gcS("gc-dry-foreground", "DELETE", pCM+"/dry", "", ""),
	gcS("gc-dry-get", "GET", pCM+"/dry", "", ""),
	gcS("gc-pod", "POST", pPod, "", pod("fg", `{}`, ""), "metadata.name"),
	gcS("gc-pod-foreground", "DELETE", pPod+"/fg", "", "", "metadata"),
	gcS("gc-pod-release", "PATCH", pPod+"/fg", ctMerge, `{"metadata":{"finalizers":null}}`, "metadata.name", "metadata.finalizers", "metadata.deletionTimestamp"),
	gcS("gc-pod-gone", "GET", pPod+"/fg", "", ""),
	gcS("gc-job", "POST", pJob, "", workload("Job", "batch/v1", "j", `{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}`), "metadata.name"),
	gcS("gc-job-delete", "DELETE", pJob+"/j", "", "", "metadata.finalizers", "metadata.deletionTimestamp", "metadata.generation"),
	gcS("gc-job-delete-background", "DELETE", pJob+"/j", "", "", "kind", "status", "details"),
	gcS("gc-deploy-delete", "DELETE", pDeploy+"/s", "", ""),
	gcS("gc-rs-orphan", "DELETE", pRS+"/r", "", "", "metadata.finalizers", "metadata.deletionTimestamp", "metadata.generation"),
	gcS("gc-rc-delete", "DELETE", pRC+"/c", "", "", "metadata.finalizers", "metadata.deletionTimestamp", "metadata.generation"),
	gcS("gc-sts-foreground", "DELETE", pSTS+"/t", "", "", "metadata.finalizers", "metadata.deletionTimestamp", "metadata.generation"),
	gcS("gc-sts-get", "GET", pSTS+"/t", "", "", "metadata.finalizers"),
}

// Queries, set apart to keep the table above readable.
var gcQueries = map[string]string{
	"ev-ready-dry-query":       "dryRun=All",
	"gc-foreground":            "propagationPolicy=Foreground",
	"gc-to-background":         "propagationPolicy=Background",
	"gc-orphan-false":          "orphanDependents=false",
	"gc-orphan-true":           "orphanDependents=true",
	"gc-orphan-both":           "orphanDependents=true&propagationPolicy=Orphan",
	"gc-dry-foreground":        "dryRun=All&propagationPolicy=Foreground",
	"gc-pod-foreground":        "propagationPolicy=Foreground",
	"gc-job-delete-background": "propagationPolicy=Background",
	"gc-rs-orphan":             "propagationPolicy=Orphan",
	"gc-sts-foreground":        "propagationPolicy=Foreground",
}

func gcFidSteps() []fidStep {
	out := make([]fidStep, len(gcScript))
	for i, s := range gcScript {
		out[i] = s.fidStep
		if q, ok := gcQueries[s.ID]; ok {
			out[i].Query = q
		}
	}
	return out
}

// fidTime matches an RFC 3339 time in a rendered answer.
var fidTime = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"`)

// onlyFields keeps the dotted paths of an answer's JSON object.
func onlyFields(body json.RawMessage, fields []string) json.RawMessage {
	var v map[string]any
	if len(fields) == 0 || json.Unmarshal(body, &v) != nil {
		return body
	}
	if _, isStatus := v["status"].(string); isStatus && v["kind"] == "Status" {
		return body // errors are compared whole
	}
	out := map[string]any{"kind": v["kind"], "apiVersion": v["apiVersion"]}
	for _, f := range fields {
		parts := strings.Split(f, ".")
		var cur any = v
		for _, p := range parts {
			m, _ := cur.(map[string]any)
			cur = m[p]
		}
		if cur == nil {
			continue
		}
		dst := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := dst[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				dst[p] = next
			}
			dst = next
		}
		dst[parts[len(parts)-1]] = cur
	}
	b, _ := json.Marshal(out)
	return b
}

// TestFidelityGC runs gcScript against kube-apiserver and against the fake
// without its collector and compares the answers as TestFidelity does
// (status times normalised too); then runs it on a fake with its collector
// and checks what the collector changes.
func TestFidelityGC(t *testing.T) {
	env := testenv.Shared(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	ns := "fidgc-" + randomSuffix(t)
	require.NoError(t, env.CreateNamespace(ctx, ns))
	t.Cleanup(func() {
		_, _ = env.Do(context.Background(), http.MethodDelete, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/scalers."+ns+".example.com", nil, nil)
		_, _ = env.Do(context.Background(), http.MethodDelete, "/api/v1/namespaces/"+ns, nil, nil)
	})
	realCfg, err := config.LoadFile(env.Kubeconfig(testenv.IdentityAdminToken), config.Options{})
	require.NoError(t, err)
	realRC, err := rest.New(realCfg, rest.WithMaxRetries(0), rest.WithUserAgent(fidelityUserAgent))
	require.NoError(t, err)
	script := gcFidSteps()

	fakeRun := func(opts ...fake.Option) (*fake.Server, []fidResponse) {
		srv := fake.NewServer(t, opts...)
		rc, err := rest.New(srv.Config(), rest.WithMaxRetries(0), rest.WithUserAgent(fidelityUserAgent))
		require.NoError(t, err)
		res := rc.Post().AbsPath("/api/v1/namespaces").BodyBytes([]byte(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"`+ns+`"}}`), ctJSON).Do(ctx)
		require.NoError(t, res.Err())
		return srv, runScript(ctx, t, rc, ns, script)
	}
	realOut := runScript(ctx, t, realRC, ns, script)
	_, fakeOut := fakeRun(fake.WithoutGarbageCollector())
	dir := t.TempDir()
	if d := os.Getenv("KUBEWIRE_FIDELITY_DIR"); d != "" {
		dir = d
	}
	writeTranscript(t, filepath.Join(dir, "gc-kube-apiserver.jsonl"), realOut)
	writeTranscript(t, filepath.Join(dir, "gc-fake.jsonl"), fakeOut)
	t.Logf("transcripts: %s", dir)

	realN, fakeN := newFidNormaliser(ns, realOut), newFidNormaliser(ns, fakeOut)
	agreed := 0
	for i, step := range gcScript {
		ro, fo := realOut[i], fakeOut[i]
		ro.Body, fo.Body = onlyFields(ro.Body, step.Fields), onlyFields(fo.Body, step.Fields)
		r := fidTime.ReplaceAllString(realN.step(ro), `"<time>"`)
		f := fidTime.ReplaceAllString(fakeN.step(fo), `"<time>"`)
		if r == f {
			agreed++
			continue
		}
		t.Errorf("step %d %s %s %s?%s differs:\n%s", i, step.ID, step.Method, step.Path, script[i].Query, lineDiff(r, f))
	}
	t.Logf("Fidelity (GC and subresources): %d/%d requests agree against kube-apiserver", agreed, len(gcScript))

	// With its collector, the fake finishes what a controller manager
	// would: the foreground-deleted owner and its blocking dependent, the
	// Job orphaning nothing left, the StatefulSet deleted in foreground.
	srv, _ := fakeRun()
	sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
	defer scancel()
	require.NoError(t, srv.Settle(sctx))
	rc, err := rest.New(srv.Config(), rest.WithMaxRetries(0))
	require.NoError(t, err)
	for _, p := range []string{
		"/api/v1/namespaces/" + ns + "/configmaps/dep",       // its owner was deleted: collected
		"/apis/apps/v1/namespaces/" + ns + "/statefulsets/t", // foreground with no dependents: finished
		"/apis/apps/v1/namespaces/" + ns + "/replicasets/r",  // orphan: finalizer removed, deleted
		"/apis/batch/v1/namespaces/" + ns + "/jobs/j",        // deleted
		"/api/v1/namespaces/" + ns + "/configmaps/owner",     // deleted in the script already
		"/apis/apps/v1/namespaces/" + ns + "/deployments/s",  // deleted in the script already
		"/api/v1/namespaces/" + ns + "/replicationcontrollers/c",
	} {
		err := rc.Get().AbsPath(p).Do(sctx).Err()
		assert.True(t, rest.IsNotFound(err), "%s: %v", p, err)
	}
	held := rc.Get().AbsPath("/api/v1/namespaces/" + ns + "/configmaps/held").Do(sctx)
	raw, err := held.Raw()
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"finalizers":["example.com/hold"]`, "the collector removes its own finalizer only")
}
