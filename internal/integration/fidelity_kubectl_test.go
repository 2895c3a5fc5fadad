//go:build integration

package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/testenv"
)

// kubectlStep is one kubectl command of the script: Args run with
// --kubeconfig and, unless NoNS, -n NS; "{ns}" and "{dir}" in them are the
// run's namespace and the directory holding kubectlFiles.
type kubectlStep struct {
	ID   string
	Args []string
	NoNS bool
}

// kubectlFiles are the manifests the script applies, written to {dir}.
var kubectlFiles = map[string]string{
	"cm2.yaml":         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm2\n  labels:\n    app: demo\ndata:\n  a: \"1\"\n",
	"cm2-changed.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm2\n  labels:\n    app: demo\ndata:\n  a: \"2\"\n  b: \"3\"\n",
	"cm2-diff.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm2\n  labels:\n    app: demo\ndata:\n  a: \"9\"\n",
	"cm3.yaml":         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm3\ndata:\n  owned: mine\n",
	"cm3-other.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm3\ndata:\n  owned: theirs\n",
	"bad-name.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
	"deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: declared\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: declared\n" +
		"  template:\n    metadata:\n      labels:\n        app: declared\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.25\n        ports:\n        - containerPort: 80\n",
	"svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: declared\nspec:\n  selector:\n    app: declared\n  ports:\n  - port: 80\n    targetPort: 8080\n",
}

// kubectlScript exercises the commands users run first: imperative and
// declarative writes, every output format of get, describe, label,
// annotate, scale, set image, the three patch types, diff, wait, deletes
// with each propagation, and their errors.
var kubectlScript = []kubectlStep{
	{ID: "create-cm", Args: []string{"create", "configmap", "cm1", "--from-literal=a=1", "--from-literal=b=2"}},
	{ID: "create-cm-again", Args: []string{"create", "configmap", "cm1", "--from-literal=a=1"}},
	{ID: "create-cm-bad-name", Args: []string{"create", "configmap", "Bad_Name"}},
	{ID: "get-cm-yaml", Args: []string{"get", "configmap", "cm1", "-o", "yaml"}},
	{ID: "get-cm-json", Args: []string{"get", "configmap", "cm1", "-o", "json"}},
	{ID: "get-cm-name", Args: []string{"get", "configmap", "cm1", "-o", "name"}},
	{ID: "get-cm-wide", Args: []string{"get", "configmap", "cm1", "-o", "wide"}},
	{ID: "get-cm-jsonpath", Args: []string{"get", "configmap", "cm1", "-o", "jsonpath={.data.a}"}},
	{ID: "get-cm-custom-columns", Args: []string{"get", "configmap", "cm1", "-o", "custom-columns=NAME:.metadata.name,A:.data.a"}},
	{ID: "get-cm-go-template", Args: []string{"get", "configmap", "cm1", "-o", "go-template={{.data.b}}"}},
	{ID: "get-cms", Args: []string{"get", "configmaps", "cm1"}},
	{ID: "get-cm-missing", Args: []string{"get", "configmap", "nope"}},
	{ID: "create-cm-one", Args: []string{"create", "configmap", "one", "--from-literal=k=v"}},
	// describe prints a ConfigMap's data in map order: one key keeps it
	// deterministic.
	{ID: "describe-cm", Args: []string{"describe", "configmap", "one"}},
	{ID: "label-cm", Args: []string{"label", "configmap", "cm1", "env=dev"}},
	{ID: "label-cm-conflict", Args: []string{"label", "configmap", "cm1", "env=prod"}},
	{ID: "label-cm-overwrite", Args: []string{"label", "configmap", "cm1", "env=prod", "--overwrite"}},
	{ID: "annotate-cm", Args: []string{"annotate", "configmap", "cm1", "note=hello"}},
	{ID: "get-cm-selector", Args: []string{"get", "configmaps", "-l", "env=prod", "-o", "name"}},
	{ID: "get-cm-show-labels", Args: []string{"get", "configmaps", "cm1", "--show-labels"}},
	{ID: "create-secret", Args: []string{"create", "secret", "generic", "s1", "--from-literal=password=p4ss"}},
	{ID: "get-secret-jsonpath", Args: []string{"get", "secret", "s1", "-o", "jsonpath={.data.password}"}},
	{ID: "describe-secret", Args: []string{"describe", "secret", "s1"}},
	{ID: "create-deploy", Args: []string{"create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"}},
	{ID: "get-deploy-yaml", Args: []string{"get", "deployment", "web", "-o", "yaml"}},
	{ID: "scale-deploy", Args: []string{"scale", "deployment", "web", "--replicas=3"}},
	{ID: "get-deploy-replicas", Args: []string{"get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"}},
	{ID: "set-image", Args: []string{"set", "image", "deployment/web", "nginx=nginx:1.26"}},
	{ID: "get-deploy-image", Args: []string{"get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"}},
	{ID: "describe-deploy", Args: []string{"describe", "deployment", "web"}},
	{ID: "create-svc", Args: []string{"create", "service", "clusterip", "web", "--tcp=80:8080"}},
	{ID: "get-svc-ports", Args: []string{"get", "service", "web", "-o", "jsonpath={.spec.ports}"}},
	{ID: "get-svc-yaml", Args: []string{"get", "service", "web", "-o", "yaml"}},
	{ID: "expose-deploy", Args: []string{"expose", "deployment", "web", "--name=web2", "--port=80"}},
	{ID: "get-svc-web2", Args: []string{"get", "service", "web2", "-o", "jsonpath={.spec.selector}"}},
	{ID: "apply-cm2", Args: []string{"apply", "-f", "{dir}/cm2.yaml"}},
	{ID: "apply-cm2-again", Args: []string{"apply", "-f", "{dir}/cm2.yaml"}},
	{ID: "get-cm2-last-applied", Args: []string{"get", "configmap", "cm2", "-o", "jsonpath={.metadata.annotations}"}},
	{ID: "apply-cm2-changed", Args: []string{"apply", "-f", "{dir}/cm2-changed.yaml"}},
	{ID: "diff-cm2", Args: []string{"diff", "-f", "{dir}/cm2-diff.yaml"}},
	{ID: "apply-ssa-cm3", Args: []string{"apply", "--server-side", "-f", "{dir}/cm3.yaml"}},
	{ID: "apply-ssa-cm3-conflict", Args: []string{"apply", "--server-side", "--field-manager=other", "-f", "{dir}/cm3-other.yaml"}},
	{ID: "apply-ssa-cm3-force", Args: []string{"apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "{dir}/cm3-other.yaml"}},
	{ID: "get-cm3-managed", Args: []string{"get", "configmap", "cm3", "-o", "jsonpath={.metadata.managedFields[*].manager}"}},
	{ID: "apply-deploy", Args: []string{"apply", "-f", "{dir}/deploy.yaml"}},
	{ID: "apply-svc", Args: []string{"apply", "-f", "{dir}/svc.yaml"}},
	{ID: "get-svc-declared", Args: []string{"get", "service", "declared", "-o", "jsonpath={.spec.ports[0]}"}},
	{ID: "create-bad-file", Args: []string{"create", "-f", "{dir}/bad-name.yaml"}},
	{ID: "patch-merge", Args: []string{"patch", "configmap", "cm1", "--type=merge", "-p", `{"data":{"c":"3"}}`}},
	{ID: "patch-json", Args: []string{"patch", "configmap", "cm1", "--type=json", "-p", `[{"op":"remove","path":"/data/c"}]`}},
	{ID: "patch-json-bad", Args: []string{"patch", "configmap", "cm1", "--type=json", "-p", `[{"op":"remove","path":"/data/zzz"}]`}},
	{ID: "patch-strategic", Args: []string{"patch", "deployment", "web", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}`}},
	{ID: "get-deploy-after-patch", Args: []string{"get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}"}},
	{ID: "patch-missing", Args: []string{"patch", "configmap", "nope", "-p", `{"data":{"a":"b"}}`}},
	{ID: "wait-jsonpath", Args: []string{"wait", "--for=jsonpath={.data.a}=1", "configmap/cm1", "--timeout=10s"}},
	{ID: "wait-delete-missing", Args: []string{"wait", "--for=delete", "configmap/gone", "--timeout=2s"}},
	{ID: "get-pods-empty", Args: []string{"get", "pods"}},
	{ID: "create-job", Args: []string{"create", "job", "j1", "--image=busybox", "--", "echo", "hi"}},
	{ID: "get-job-spec", Args: []string{"get", "job", "j1", "-o", "jsonpath={.spec.completions} {.spec.parallelism} {.spec.backoffLimit}"}},
	{ID: "create-cronjob", Args: []string{"create", "cronjob", "c1", "--image=busybox", "--schedule=*/5 * * * *", "--", "echo"}},
	{ID: "get-cronjob", Args: []string{"get", "cronjob", "c1", "-o", "jsonpath={.spec.concurrencyPolicy} {.spec.suspend} {.spec.successfulJobsHistoryLimit}"}},
	{ID: "get-raw", Args: []string{"get", "--raw", "/api/v1/namespaces/{ns}/configmaps/cm2"}},
	{ID: "api-resources-apps", Args: []string{"api-resources", "--api-group=apps"}, NoNS: true},
	{ID: "delete-cm", Args: []string{"delete", "configmap", "cm1"}},
	{ID: "delete-cm-again", Args: []string{"delete", "configmap", "cm1"}},
	{ID: "delete-cm-ignore", Args: []string{"delete", "configmap", "cm1", "--ignore-not-found"}},
	{ID: "delete-deploy-foreground", Args: []string{"delete", "deployment", "declared", "--cascade=foreground", "--wait=false"}},
	{ID: "delete-svc-orphan", Args: []string{"delete", "service", "web2", "--cascade=orphan", "--wait=false"}},
	{ID: "delete-by-label", Args: []string{"delete", "configmaps", "-l", "app=demo"}},
	{ID: "get-cms-after", Args: []string{"get", "configmaps", "-o", "name"}},
}

// kubectlKnownDifferences lists steps whose output differs between the
// fake and kube-apiserver, with the reason; the test asserts each still
// differs.
var kubectlKnownDifferences = map[string]string{}

var (
	kubectlAge  = regexp.MustCompile(`\b(\d+(\.\d+)?(ms|s|m|h|d))+\b`)
	kubectlUID  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	kubectlTime = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4}`)
	kubectlRV   = regexp.MustCompile(`("?resourceVersion"?: ?"?)\d+`)
	kubectlIP   = regexp.MustCompile(`\b10\.\d+\.\d+\.\d+\b`)
	kubectlTmp  = regexp.MustCompile(`/tmp/[^\s"]+`)
)

// normaliseKubectl replaces what legitimately differs between two servers:
// the namespace, ages, uids, times, resourceVersions, cluster IPs and
// temporary paths.
func normaliseKubectl(s, ns, dir string) string {
	s = strings.ReplaceAll(s, dir, "DIR")
	s = strings.ReplaceAll(s, ns, "NS")
	s = kubectlUID.ReplaceAllString(s, "<uid>")
	s = kubectlTime.ReplaceAllString(s, "<time>")
	s = kubectlRV.ReplaceAllString(s, "${1}<rv>")
	s = kubectlIP.ReplaceAllString(s, "<ip>")
	s = kubectlTmp.ReplaceAllString(s, "<tmp>")
	s = kubectlAge.ReplaceAllString(s, "<age>")
	return s
}

// TestKubectlScriptFidelity runs kubectlScript with the real kubectl
// against kube-apiserver and against the fake server and compares each
// step's output and exit code after normalisation.
func TestKubectlScriptFidelity(t *testing.T) {
	env := testenv.Shared(t)
	kubectl := kubectlPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	ns := "kubectl-" + randomSuffix(t)
	require.NoError(t, env.CreateNamespace(ctx, ns))
	t.Cleanup(func() { _, _ = env.Do(context.Background(), "DELETE", "/api/v1/namespaces/"+ns, nil, nil) })
	srv := fake.NewServer(t, fake.WithObjects(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"`+ns+`"}}`))
	dir := t.TempDir()
	for name, body := range kubectlFiles {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	fakeKC := filepath.Join(dir, "fake.kubeconfig")
	require.NoError(t, os.WriteFile(fakeKC, srv.Kubeconfig(), 0o600))
	realKC := env.Kubeconfig(testenv.IdentityAdminToken)

	run := func(kc string, s kubectlStep) string {
		args := []string{"--kubeconfig", kc}
		if !s.NoNS {
			args = append(args, "-n", ns)
		}
		for _, a := range s.Args {
			args = append(args, strings.NewReplacer("{ns}", ns, "{dir}", dir).Replace(a))
		}
		cmd := exec.CommandContext(ctx, kubectl, args...)
		cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "KUBECTL_EXTERNAL_DIFF=diff -u -N"}
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		return fmt.Sprintf("exit %d\n%s", code, normaliseKubectl(string(out), ns, dir))
	}
	agreed := 0
	seen := map[string]bool{}
	for _, s := range kubectlScript {
		require.False(t, seen[s.ID], "duplicate step %s", s.ID)
		seen[s.ID] = true
		want, got := run(realKC, s), run(fakeKC, s)
		reason, known := kubectlKnownDifferences[s.ID]
		switch {
		case want == got:
			agreed++
			if known {
				t.Errorf("step %s agrees now; remove it from kubectlKnownDifferences (%s)", s.ID, reason)
			}
		case known:
			t.Logf("known difference %s (%s):\n%s", s.ID, reason, lineDiff(want, got))
		default:
			t.Errorf("step %s (kubectl %s) differs:\n%s", s.ID, strings.Join(s.Args, " "), lineDiff(want, got))
		}
	}
	for id := range kubectlKnownDifferences {
		require.True(t, seen[id], "kubectlKnownDifferences names unknown step %s", id)
	}
	t.Logf("kubectl script: %d/%d steps agree between kube-apiserver and the fake", agreed, len(kubectlScript))
}
