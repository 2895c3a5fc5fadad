//go:build integration

package integration

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

// userInfo is the authenticated user in a SelfSubjectReview.
type userInfo struct {
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

// selfSubjectReview asks the server who the client is authenticated as.
func selfSubjectReview(ctx context.Context, c *rest.Client) (userInfo, error) {
	var review struct {
		Status struct {
			UserInfo userInfo `json:"userInfo"`
		} `json:"status"`
	}
	err := c.Post().Group("authentication.k8s.io").Version("v1").Resource("selfsubjectreviews").
		Body(map[string]string{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}).
		Do(ctx).Into(&review)
	return review.Status.UserInfo, err
}

// whoAmI is selfSubjectReview that fails the test on error.
func whoAmI(t *testing.T, ctx context.Context, c *rest.Client) userInfo {
	t.Helper()
	u, err := selfSubjectReview(ctx, c)
	require.NoError(t, err)
	return u
}

// listDefaultConfigMaps makes an authorized request that needs more than
// discovery permissions.
func listDefaultConfigMaps(t *testing.T, ctx context.Context, c *rest.Client) {
	t.Helper()
	var list struct {
		Kind string `json:"kind"`
	}
	require.NoError(t, c.Get().Version("v1").Namespace("default").Resource("configmaps").Do(ctx).Into(&list))
	assert.Equal(t, "ConfigMapList", list.Kind)
}

func TestAuthToken(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	c := clientFor(t, env, testenv.IdentityAdminToken)
	u := whoAmI(t, ctx, c)
	assert.Equal(t, testenv.AdminUser, u.Username)
	assert.Contains(t, u.Groups, "system:masters")
	listDefaultConfigMaps(t, ctx, c)
}

func TestAuthClientCertificate(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	cfg := loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminCert))
	assert.Equal(t, env.ClientCertFile, cfg.TLS.CertFile)
	assert.Empty(t, cfg.Auth.Token.Reveal())
	same, err := config.LoadFile(env.Kubeconfig(testenv.IdentityAdminCert), config.Options{})
	require.NoError(t, err)
	assert.Equal(t, cfg.Server, same.Server)
	assert.Equal(t, env.ClientKeyFile, same.TLS.KeyFile)
	assert.Equal(t, env.CAFile, same.TLS.CAFile)
	c := newClient(t, cfg)
	u := whoAmI(t, ctx, c)
	assert.Equal(t, "kubewire-admin", u.Username)
	assert.Contains(t, u.Groups, "system:masters")
	listDefaultConfigMaps(t, ctx, c)
}

// execPlugin is a credential plugin: it prints a v1 ExecCredential with the
// token in $PLUGIN_TOKEN and records each run in $PLUGIN_RUNS.
const execPlugin = `package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	var info struct {
		Spec struct {
			Interactive bool ` + "`json:\"interactive\"`" + `
		} ` + "`json:\"spec\"`" + `
	}
	if err := json.Unmarshal([]byte(os.Getenv("KUBERNETES_EXEC_INFO")), &info); err != nil {
		fmt.Fprintln(os.Stderr, "no KUBERNETES_EXEC_INFO:", err)
		os.Exit(1)
	}
	f, err := os.OpenFile(os.Getenv("PLUGIN_RUNS"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(f, "run interactive=%v\n", info.Spec.Interactive)
	f.Close()
	cred := map[string]any{
		"apiVersion": "client.authentication.k8s.io/v1",
		"kind":       "ExecCredential",
		"status":     map[string]any{"token": os.Getenv("PLUGIN_TOKEN")},
	}
	json.NewEncoder(os.Stdout).Encode(cred)
}
`

func TestAuthExecPlugin(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)

	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.mod"), []byte("module kubewire.test/plugin\n\ngo 1.22\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"), []byte(execPlugin), 0o600))
	plugin := goBuild(t, src, ".", "kubewire-test-plugin")

	runs := filepath.Join(t.TempDir(), "runs")
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, env.WriteKubeconfig(kubeconfig, testenv.User{Exec: &testenv.ExecUser{
		APIVersion:      "client.authentication.k8s.io/v1",
		Command:         plugin,
		Env:             map[string]string{"PLUGIN_TOKEN": env.AdminToken, "PLUGIN_RUNS": runs},
		InteractiveMode: "Never",
	}}, testenv.KubeconfigOptions{}))

	cfg := loadKubeconfig(t, kubeconfig)
	require.NotNil(t, cfg.Auth.Exec)
	assert.Equal(t, "Never", cfg.Auth.Exec.InteractiveMode)
	c := newClient(t, cfg)
	u := whoAmI(t, ctx, c)
	assert.Equal(t, testenv.AdminUser, u.Username)
	listDefaultConfigMaps(t, ctx, c)

	data, err := os.ReadFile(runs)
	require.NoError(t, err, "the plugin never ran")
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	assert.Equal(t, "run interactive=false", lines[0])
	assert.Len(t, lines, 1, "the token without an expiry is cached, not fetched per request")
}

func TestForbidden(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	c := clientFor(t, env, testenv.IdentityJane)

	_, err := c.Get().Version("v1").Namespace("kube-system").Resource("services").Do(ctx).Raw()
	require.Error(t, err)
	assert.Equal(t, `services is forbidden: User "jane" cannot list resource "services" in API group "" in the namespace "kube-system"`, err.Error())
	assert.True(t, rest.IsForbidden(err))
	assert.False(t, rest.IsNotFound(err))
	assert.NotContains(t, err.Error(), env.JaneToken)

	// Discovery is open to every authenticated user.
	_, err = c.Get().AbsPath("/api").Do(ctx).Raw()
	assert.NoError(t, err)
}

func TestUnauthorized(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	c := newClient(t, &config.Config{
		Server: env.Server,
		TLS:    config.TLS{CAData: env.CAPEM},
		Auth:   config.Auth{Token: "not-a-valid-token"},
	})
	_, err := c.Get().AbsPath("/api").Do(ctx).Raw()
	require.Error(t, err)
	assert.True(t, rest.IsUnauthorized(err), "%v", err)
	assert.NotContains(t, err.Error(), "not-a-valid-token")
}

// inClusterEnv is what the kubelet sets in a pod for the API server.
func inClusterEnv(t *testing.T, server string) map[string]string {
	t.Helper()
	host, port, ok := strings.Cut(strings.TrimPrefix(server, "https://"), ":")
	require.True(t, ok, server)
	return map[string]string{"KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port}
}

// fakeServiceAccount writes what Kubernetes mounts into a pod: the token,
// the CA bundle and the namespace, and returns the directory.
func fakeServiceAccount(t *testing.T, env *testenv.Env, token, namespace string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte(token), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.crt"), env.CAPEM, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "namespace"), []byte(namespace), 0o600))
	return dir
}

func TestInCluster(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	dir := fakeServiceAccount(t, env, env.AdminToken, "kube-system")
	vars := inClusterEnv(t, env.Server)
	vars["HOME"] = t.TempDir() // no ~/.kube/config, no KUBECONFIG: Load falls through to in-cluster

	cfg, err := config.Load(config.Options{
		Getenv:       func(k string) string { return vars[k] },
		InClusterDir: dir,
	})
	require.NoError(t, err)
	assert.Equal(t, env.Server, cfg.Server)
	assert.Equal(t, "kube-system", cfg.Namespace)
	assert.Equal(t, filepath.Join(dir, "token"), cfg.Auth.TokenFile)
	assert.Equal(t, filepath.Join(dir, "ca.crt"), cfg.TLS.CAFile)

	c := newClient(t, cfg)
	u := whoAmI(t, ctx, c)
	assert.Equal(t, testenv.AdminUser, u.Username)
	var sa struct {
		Metadata struct{ Name string } `json:"metadata"`
	}
	require.NoError(t, c.Get().Version("v1").Namespace("default").Resource("serviceaccounts").Name("default").Do(ctx).Into(&sa))
	assert.Equal(t, "default", sa.Metadata.Name)
}

func TestInClusterFromDir(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	dir := fakeServiceAccount(t, env, env.JaneToken, "default")
	for k, v := range inClusterEnv(t, env.Server) {
		t.Setenv(k, v)
	}
	cfg, err := config.InClusterFromDir(dir)
	require.NoError(t, err)
	c := newClient(t, cfg)
	assert.Equal(t, testenv.JaneUser, whoAmI(t, ctx, c).Username)

	// The token file is re-read as it rotates: swap in the admin token.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte(env.AdminToken), 0o600))
	require.Eventually(t, func() bool {
		u, err := selfSubjectReview(ctx, c)
		return err == nil && u.Username == testenv.AdminUser
	}, 90*time.Second, 200*time.Millisecond, "the rotated token was never used")
}

// kubectlProxy starts `kubectl proxy --port 0` with kubeconfig and returns
// the address it serves on; the proxy is stopped when the test ends.
func kubectlProxy(t *testing.T, kubeconfig string) string {
	t.Helper()
	kubectl := "/usr/bin/kubectl"
	if _, err := os.Stat(kubectl); err != nil {
		p, lerr := exec.LookPath("kubectl")
		if lerr != nil {
			t.Skip("kubectl is not installed")
		}
		kubectl = p
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", kubeconfig, "proxy", "--port", "0")
	cmd.Stderr = &testWriter{t: t, prefix: "kubectl: "}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})

	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`Starting to serve on (127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(30 * time.Second):
		t.Fatal("kubectl proxy did not print its address within 30s")
		return ""
	}
}

// testWriter logs what a helper process writes.
type testWriter struct {
	t      *testing.T
	prefix string
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(w.prefix + strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestKubectlProxy(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	addr := kubectlProxy(t, env.Kubeconfig(testenv.IdentityAdminToken))

	// No credentials: kubectl proxy adds its own.
	c := newClient(t, &config.Config{Server: "http://" + addr})
	var list struct {
		Kind  string `json:"kind"`
		Items []struct {
			Metadata struct{ Name string } `json:"metadata"`
		} `json:"items"`
	}
	require.NoError(t, c.Get().Version("v1").Resource("namespaces").Do(ctx).Into(&list))
	assert.Equal(t, "NamespaceList", list.Kind)
	var names []string
	for _, ns := range list.Items {
		names = append(names, ns.Metadata.Name)
	}
	assert.Contains(t, names, "default")
	assert.Contains(t, names, "kube-system")
	u := whoAmI(t, ctx, c)
	assert.Equal(t, testenv.AdminUser, u.Username, "requests carry kubectl's credential")
}
