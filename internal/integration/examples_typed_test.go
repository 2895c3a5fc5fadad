//go:build integration

package integration

import (
	"bytes"
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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/api/rbacv1"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// runProgram runs bin with args and the environment env (nothing else: no
// stray KUBECONFIG or ~/.kube/config unless env says so) and returns its
// stdout, stderr and exit status.
func runProgram(t *testing.T, env []string, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(testContext(t), bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = env
	if cmd.Env == nil {
		cmd.Env = []string{"HOME=" + t.TempDir()}
	}
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("run %s: %v", filepath.Base(bin), err)
	}
	return out.String(), errb.String(), code
}

// createPods creates n pods called prefix-0 ... in namespace ns.
func createPods(t *testing.T, ctx context.Context, pods typed.Interface[corev1.Pod, corev1.PodList], prefix string, n int) {
	t.Helper()
	for i := range n {
		_, err := pods.Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", prefix, i)},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
}

func TestExampleListPods(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	const ns = "kubewire-list-pods"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	createPods(t, ctx, typed.For[corev1.Pod, corev1.PodList](rc, ns), "p", 3)
	all, err := typed.For[corev1.Pod, corev1.PodList](rc, "").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(all.Items), 3)
	want := fmt.Sprintf("There are %d pods in the cluster\n", len(all.Items))

	bin := goBuild(t, "../..", "./examples/list-pods", "list-pods")
	admin := env.Kubeconfig(testenv.IdentityAdminToken)

	t.Run("kubeconfig flag", func(t *testing.T) {
		stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", admin)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, want, stdout)
		assert.Empty(t, stderr)
	})

	t.Run("default kubeconfig", func(t *testing.T) {
		home := t.TempDir()
		data, err := os.ReadFile(admin)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(home, ".kube"), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(home, ".kube", "config"), data, 0o600))
		stdout, stderr, code := runProgram(t, []string{"HOME=" + home}, bin)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, want, stdout)
	})

	t.Run("forbidden", func(t *testing.T) {
		stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", env.Kubeconfig(testenv.IdentityJane))
		assert.Equal(t, 1, code)
		assert.Empty(t, stdout)
		assert.Equal(t, `error: pods is forbidden: User "jane" cannot list resource "pods" in API group "" at the cluster scope`+"\n", stderr)
		assert.NotContains(t, stderr, env.JaneToken)
	})

	t.Run("no kubeconfig", func(t *testing.T) {
		_, stderr, code := runProgram(t, nil, bin, "-kubeconfig", filepath.Join(t.TempDir(), "missing"))
		assert.Equal(t, 1, code)
		assert.True(t, strings.HasPrefix(stderr, "error: "), stderr)
	})
}

// ansi matches the colour escape sequences kubectl writes.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// kubectlBin returns the kubectl to compare with, or skips the test.
func kubectlBin(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/kubectl"); err == nil {
		return "/usr/bin/kubectl"
	}
	p, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	return p
}

func TestExampleClusterInfo(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	services := typed.For[corev1.Service, corev1.ServiceList](rc, "kube-system")
	cluster := map[string]string{"kubernetes.io/cluster-service": "true"}
	create := func(svc *corev1.Service) *corev1.Service {
		t.Helper()
		out, err := services.Create(ctx, svc, metav1.CreateOptions{})
		require.NoError(t, err)
		t.Cleanup(func() {
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			assert.NoError(t, services.Delete(dctx, svc.Name, metav1.DeleteOptions{}))
		})
		return out
	}
	// kube-dns as a cluster's DNS add-on names it: proxied by port name.
	create(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-dns", Labels: map[string]string{
			"kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS", "k8s-app": "kube-dns"}},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"k8s-app": "kube-dns"}, Ports: []corev1.ServicePort{
			{Name: "dns", Port: 53, Protocol: "UDP", TargetPort: metav1.FromInt32(53)},
			{Name: "dns-tcp", Port: 53, Protocol: "TCP", TargetPort: metav1.FromInt32(53)}}},
	})
	// An unnamed port 443: the https scheme and an empty port name.
	create(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-server", Labels: cluster},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 443, TargetPort: metav1.FromString("https")}}},
	})
	// A load balancer with an address: http://ADDRESS:PORT per port.
	lb := create(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "ui", Labels: cluster},
		Spec: corev1.ServiceSpec{Type: "LoadBalancer", Ports: []corev1.ServicePort{
			{Name: "http", Port: 80, TargetPort: metav1.FromInt32(8080)}, {Name: "alt", Port: 8081, TargetPort: metav1.FromInt32(8081)}}},
	})
	lb.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "192.0.2.7"}}
	_, err := services.UpdateStatus(ctx, lb, metav1.UpdateOptions{})
	require.NoError(t, err)
	// Not labelled: not listed.
	create(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "internal"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80, TargetPort: metav1.FromInt32(80)}}},
	})

	bin := goBuild(t, "../..", "./examples/cluster-info", "cluster-info")
	kubectl := kubectlBin(t)

	t.Run("admin", func(t *testing.T) {
		admin := env.Kubeconfig(testenv.IdentityAdminToken)
		stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", admin)
		require.Equal(t, 0, code, stderr)
		s := env.Server
		assert.Equal(t, "Kubernetes control plane is running at "+s+"\n"+
			"CoreDNS is running at "+s+"/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n"+
			"metrics-server is running at "+s+"/api/v1/namespaces/kube-system/services/https:metrics-server:/proxy\n"+
			"ui is running at http://192.0.2.7:80 http://192.0.2.7:8081 \n"+
			"\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n", stdout)

		kout, kerr, kcode := runProgram(t, nil, kubectl, "--kubeconfig", admin, "cluster-info")
		require.Equal(t, 0, kcode, kerr)
		assert.Equal(t, ansi.ReplaceAllString(kout, ""), stdout, "the same as kubectl cluster-info")
	})

	t.Run("forbidden", func(t *testing.T) {
		jane := env.Kubeconfig(testenv.IdentityJane)
		stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", jane)
		assert.Equal(t, 1, code)
		assert.Equal(t, `Error from server (Forbidden): services is forbidden: User "jane" cannot list resource "services" in API group "" in the namespace "kube-system"`+"\n", stderr)

		kout, kerr, kcode := runProgram(t, nil, kubectl, "--kubeconfig", jane, "cluster-info")
		assert.Equal(t, kcode, code)
		assert.Equal(t, ansi.ReplaceAllString(kout, ""), stdout, "the same as kubectl cluster-info")
		assert.Equal(t, kerr, stderr, "the same as kubectl cluster-info")
	})
}

func TestExampleRBAC(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	bin := goBuild(t, "../..", "./examples/rbac", "rbac")

	stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", env.Kubeconfig(testenv.IdentityAdminToken))
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Empty(t, stderr)
	m := regexp.MustCompile(`^Created service account system:serviceaccount:(kubewire-rbac-\w+):reader\n`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	ns, user := m[1], "system:serviceaccount:"+m[1]+":reader"
	crb := regexp.MustCompile(`Created clusterrolebinding (kubewire-rbac-view-\w+):`).FindStringSubmatch(stdout)
	require.NotNil(t, crb, stdout)

	services, err := typed.For[corev1.Service, corev1.ServiceList](rc, "kube-system").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, "Created service account "+user+"\n"+
		"Listing services in kube-system as "+user+`: Error from server (Forbidden): services is forbidden: User "`+user+
		`" cannot list resource "services" in API group "" in the namespace "kube-system"`+"\n"+
		"Created clusterrolebinding "+crb[1]+": "+user+" is bound to ClusterRole view\n"+
		fmt.Sprintf("Listing services in kube-system as %s: %d services\n", user, len(services.Items))+
		"Deleted clusterrolebinding "+crb[1]+"\n"+
		"Deleted namespace "+ns+"\n", stdout)
	assert.NotContains(t, stdout, "eyJ", "no token (a JWT) in the output")

	_, err = typed.For[rbacv1.ClusterRoleBinding, rbacv1.ClusterRoleBindingList](rc, "").Get(ctx, crb[1], metav1.GetOptions{})
	assert.True(t, rest.IsNotFound(err), "the binding is deleted: %v", err)
}

func TestExampleDeployExpose(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	const ns = "kubewire-deploy-expose"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	bin := goBuild(t, "../..", "./examples/deploy-expose", "deploy-expose")
	admin := env.Kubeconfig(testenv.IdentityAdminToken)
	proxyPath := "/api/v1/namespaces/" + ns + "/services/echo:8080/proxy/"

	t.Run("clean up", func(t *testing.T) {
		stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", admin, "-namespace", ns)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, "Created deployment "+ns+"/echo (kicbase/echo-server:1.0)\n"+
			"Created service "+ns+"/echo (type NodePort, port 8080)\n"+
			"Proxy URL: "+env.Server+proxyPath+"\n"+
			"Deleted service "+ns+"/echo\n"+
			"Deleted deployment "+ns+"/echo\n", stdout)
		_, err := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns).Get(ctx, "echo", metav1.GetOptions{})
		assert.True(t, rest.IsNotFound(err), "%v", err)
		_, err = typed.For[corev1.Service, corev1.ServiceList](rc, ns).Get(ctx, "echo", metav1.GetOptions{})
		assert.True(t, rest.IsNotFound(err), "%v", err)
	})

	t.Run("keep", func(t *testing.T) {
		stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", admin, "-namespace", ns, "-name", "echo", "-keep")
		require.Equal(t, 0, code, stderr)
		assert.NotContains(t, stdout, "Deleted")
		dep, err := typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, ns).Get(ctx, "echo", metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, "kicbase/echo-server:1.0", dep.Spec.Template.Spec.Containers[0].Image)
		// The proxy URL is the service's. kube-apiserver 1.37 finds the
		// service's backends in its EndpointSlices (1.32 read its
		// Endpoints); no controller runs here, so there is none, and the
		// server says so. (No retries: the client would otherwise retry
		// the 503.)
		once := newClient(t, loadKubeconfig(t, admin), rest.WithMaxRetries(0))
		_, err = once.Get().AbsPath(proxyPath).Do(ctx).Raw()
		require.Error(t, err)
		assert.True(t, rest.IsServiceUnavailable(err), "%v", err)
		assert.Equal(t, `no endpoints available for service "echo"`, err.Error())
		_, err = once.Get().AbsPath(strings.Replace(proxyPath, "/echo:", "/nope:", 1)).Do(ctx).Raw()
		assert.True(t, rest.IsNotFound(err), "another name is no service: %v", err)

		// With a ready pod behind it, the URL reaches the pod.
		backend := startEchoBackend(ctx, t, rc, ns, "echo")
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			body, err := once.Get().AbsPath(proxyPath + "hello").Do(ctx).Raw()
			require.NoError(c, err)
			assert.Equal(c, "echo "+backend+" GET /hello", string(body))
		}, 20*time.Second, 200*time.Millisecond, "the server resolves the service's EndpointSlice (through an informer)")
	})

	t.Run("conflict", func(t *testing.T) {
		// The objects kept above are still there.
		stdout, stderr, code := runProgram(t, nil, bin, "-kubeconfig", admin, "-namespace", ns)
		assert.Equal(t, 1, code)
		assert.Empty(t, stdout)
		assert.Equal(t, `Error from server (AlreadyExists): deployments.apps "echo" already exists`+"\n", stderr)
	})
}
