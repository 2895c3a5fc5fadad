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
