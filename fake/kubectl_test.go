package fake

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKubectl drives the real kubectl against the fake server.
func TestKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	srv := NewServer(t, WithTLS())
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	require.NoError(t, os.WriteFile(kc, srv.Kubeconfig(), 0o600))
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(kubectl, append([]string{"--kubeconfig", kc}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "kubectl %v: %s", args, out)
		return string(out)
	}
	manifest := `apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: demo, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
`
	assert.Contains(t, run(manifest, "create", "-f", "-"), "deployment.apps/web created")
	assert.Contains(t, run(strings.ReplaceAll(manifest, "replicas: 2", "replicas: 2\n  minReadySeconds: 1"), "apply", "--server-side", "-f", "-"), "serverside-applied")
	out := run("", "get", "pods", "-A")
	assert.Regexp(t, `demo\s+p\s+0/1\s+Pending\s+0`, out)
	assert.Contains(t, run("", "get", "deploy", "web", "-n", "demo", "-o", "yaml"), "minReadySeconds: 1")
	assert.Contains(t, run("", "label", "-n", "demo", "pod", "p", "tier=db"), "pod/p labeled")
	assert.Contains(t, run("", "get", "pods", "-n", "demo", "-l", "tier=db", "-o", "name"), "pod/p")
	assert.Contains(t, run("", "api-resources"), "deployments")

	// get -w sees a change made while it watches
	cmd := exec.Command(kubectl, "--kubeconfig", kc, "get", "pods", "-n", "demo", "-w", "--request-timeout=0")
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var buf strings.Builder
	cmd.Stdout, cmd.Stderr = &buf, &buf
	require.NoError(t, cmd.Start())
	time.Sleep(700 * time.Millisecond)
	run("", "label", "-n", "demo", "pod", "p", "more=yes")
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	assert.GreaterOrEqual(t, strings.Count(buf.String(), "\np "), 1, buf.String())

	assert.Contains(t, run("", "delete", "-n", "demo", "pod", "p"), `pod "p" deleted`)
	assert.Contains(t, run("", "delete", "ns", "demo"), `namespace "demo" deleted`)
	assert.NotContains(t, run("", "get", "ns"), "demo")
}

// TestKubectlImperative drives kubectl's imperative commands, which send
// protobuf bodies and ask for protobuf answers, against the fake server.
func TestKubectlImperative(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	srv := NewServer(t, WithTLS())
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	require.NoError(t, os.WriteFile(kc, srv.Kubeconfig(), 0o600))
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(kubectl, append([]string{"--kubeconfig", kc}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "kubectl %v: %s", args, out)
		return string(out)
	}
	assert.Contains(t, run("create", "namespace", "demo"), "namespace/demo created")
	assert.Contains(t, run("create", "configmap", "cfg", "-n", "demo", "--from-literal=a=1"), "configmap/cfg created")
	assert.Contains(t, run("create", "secret", "generic", "pw", "-n", "demo", "--from-literal=p=s3cret"), "secret/pw created")
	assert.Contains(t, run("create", "deployment", "web", "-n", "demo", "--image=nginx:1", "--replicas=1"), "deployment.apps/web created")
	assert.Contains(t, run("create", "service", "clusterip", "web", "-n", "demo", "--tcp=80:8080"), "service/web created")
	assert.Contains(t, run("scale", "deployment", "web", "-n", "demo", "--replicas=3"), "deployment.apps/web scaled")
	assert.Contains(t, run("label", "deployment", "web", "-n", "demo", "tier=front"), "deployment.apps/web labeled")
	assert.Contains(t, run("annotate", "configmap", "cfg", "-n", "demo", "note=x"), "configmap/cfg annotated")
	assert.Contains(t, run("set", "image", "deployment/web", "-n", "demo", "nginx=nginx:2"), "deployment.apps/web image updated")

	out := run("get", "deployment", "web", "-n", "demo", "-o", "jsonpath={.spec.replicas} {.metadata.labels.tier} {.spec.template.spec.containers[0].image}")
	assert.Equal(t, "3 front nginx:2", out)
	assert.Equal(t, "1 x", run("get", "configmap", "cfg", "-n", "demo", "-o", "jsonpath={.data.a} {.metadata.annotations.note}"))
	assert.Equal(t, "czNjcmV0", run("get", "secret", "pw", "-n", "demo", "-o", "jsonpath={.data.p}"))
	assert.Equal(t, "80 8080", run("get", "service", "web", "-n", "demo", "-o", "jsonpath={.spec.ports[0].port} {.spec.ports[0].targetPort}"))

	var protoBodies int
	for _, r := range srv.Requests() {
		if r.ContentType == "application/vnd.kubernetes.protobuf" {
			protoBodies++
			assert.Less(t, r.Code, 300, "%s %s", r.Method, r.Path)
		}
	}
	assert.Positive(t, protoBodies, "kubectl sent protobuf bodies")
}
