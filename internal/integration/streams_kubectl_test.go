//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
)

// The examples against the real kubectl (v1.32, WebSockets) on the same
// pods: same arguments, same stdout, same stderr once klog lines (kubectl's
// own diagnostics) are dropped, same exit status.

// result is one program run.
type result struct {
	stdout, stderr string
	code           int
}

// run runs bin with args and stdin (nil: none) and a HOME of its own.
func run(t *testing.T, ctx context.Context, stdin []byte, bin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("run %s: %v", filepath.Base(bin), err)
	}
	return result{out.String(), errb.String(), code}
}

var klogLine = regexp.MustCompile(`(?m)^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ [^\]]+\] .*\n?`)

// withoutKlog drops klog-formatted lines (kubectl 1.32 sometimes logs
// "Unknown stream id 1, discarding message").
func withoutKlog(s string) string { return klogLine.ReplaceAllString(s, "") }

// sameAsKubectl runs `kubectl NAME args` and the example with the same
// arguments and asserts they agree; it returns both results.
func sameAsKubectl(t *testing.T, example string, stdin []byte, kubeconfig, name string, args ...string) (k, w result) {
	t.Helper()
	ctx := testContext(t)
	full := append([]string{"--kubeconfig", kubeconfig}, args...)
	k = run(t, ctx, stdin, kubectlPath(t), append([]string{name}, full...)...)
	w = run(t, ctx, stdin, example, full...)
	what := name + " " + strings.Join(args, " ")
	assert.Equal(t, k.code, w.code, "%s: exit status; kubectl stderr %q, example stderr %q", what, k.stderr, w.stderr)
	assert.Equal(t, k.stdout, w.stdout, "%s: stdout", what)
	assert.Equal(t, withoutKlog(k.stderr), withoutKlog(w.stderr), "%s: stderr", what)
	return k, w
}

// exampleBin builds examples/NAME for the test (go's build cache makes a
// rebuild quick).
func exampleBin(t *testing.T, name string) string {
	t.Helper()
	return goBuild(t, "../..", "./examples/"+name, name)
}

func TestExampleExecLikeKubectl(t *testing.T) {
	env, _ := streamsEnv(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := exampleBin(t, "exec")
	for _, args := range [][]string{
		{"-n", streamsNS, "sh", "--", "sh", "-c", "echo out; echo err >&2; exit 3"},
		{"-n", streamsNS, "sh", "--", "true"},
		{"sh", "-n", streamsNS, "--", "sh", "-c", "exit 7"},
		{"-n", streamsNS, "multi", "--", "echo", "defaulted"},
		{"-n", streamsNS, "multi", "-c", "w", "--", "true"},
		{"-n", streamsNS, "sh", "-c", "nope", "--", "true"},
		{"-n", streamsNS, "gone", "--", "true"},
		{"-n", streamsNS, "sh", "--", "no-such-command"},
		{"-n", streamsNS, "sh"},
		{"-n", streamsNS, "-t", "sh", "--", "echo", "tty without stdin"},
	} {
		sameAsKubectl(t, bin, nil, kc, "exec", args...)
	}
	// stdin to its end, and -t when stdin is not a terminal.
	input := bytes.Repeat([]byte("0123456789abcdef\n"), 20_000)
	k, _ := sameAsKubectl(t, bin, input, kc, "exec", "-n", streamsNS, "-i", "sh", "--", "sh", "-c", "cat; echo end")
	assert.Equal(t, string(input)+"end\n", k.stdout)
	sameAsKubectl(t, bin, []byte("x"), kc, "exec", "-n", streamsNS, "-it", "sh", "--", "echo", "no terminal")
}

func TestExampleExecForbiddenLikeKubectl(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	kc := env.Kubeconfig(testenv.IdentityJane)
	bin := exampleBin(t, "exec")
	// jane cannot read the pod: both fail on the same GET.
	sameAsKubectl(t, bin, nil, kc, "exec", "-n", streamsNS, "sh", "--", "true")

	// jane may read pods in another namespace, but not exec into them.
	const ns = "kubewire-streams-rbac"
	_, node := streamsEnv(t)
	require.NoError(t, node.RunPod(ctx, ns, "sh", testenv.Container{Name: "c1"}))
	t.Cleanup(func() { _ = node.DeletePod(context.Background(), ns, "sh") })
	role := map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
		"metadata": map[string]any{"name": "pod-reader", "namespace": ns},
		"rules":    []map[string]any{{"apiGroups": []string{""}, "resources": []string{"pods"}, "verbs": []string{"get"}}}}
	binding := map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
		"metadata": map[string]any{"name": "jane-pod-reader", "namespace": ns},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
		"subjects": []map[string]any{{"kind": "User", "name": testenv.JaneUser, "apiGroup": "rbac.authorization.k8s.io"}}}
	for path, obj := range map[string]any{"roles": role, "rolebindings": binding} {
		base := "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/" + path
		_, err := env.Do(ctx, http.MethodPost, base, obj, nil)
		require.NoError(t, err)
		name := obj.(map[string]any)["metadata"].(map[string]any)["name"].(string)
		t.Cleanup(func() { _, _ = env.Do(context.Background(), http.MethodDelete, base+"/"+name, nil, nil) })
	}
	var k, w result
	require.Eventually(t, func() bool { // RBAC caches take a moment
		k = run(t, ctx, nil, kubectlPath(t), "exec", "--kubeconfig", kc, "-n", ns, "sh", "--", "true")
		w = run(t, ctx, nil, bin, "--kubeconfig", kc, "-n", ns, "sh", "--", "true")
		return strings.Contains(k.stderr, "pods/exec") && strings.Contains(w.stderr, "pods/exec")
	}, 10*time.Second, 200*time.Millisecond)
	// kubectl 1.32 falls back to SPDY (a POST, authorized as create) after
	// the refused WebSocket GET; the example asks the same question.
	forbidden := `Error from server (Forbidden): pods "sh" is forbidden: User "jane" cannot create resource "pods/exec" in API group "" in the namespace "` + ns + `"` + "\n"
	assert.Equal(t, forbidden, withoutKlog(k.stderr))
	assert.Equal(t, forbidden, w.stderr)
	assert.Equal(t, 1, k.code)
	assert.Equal(t, 1, w.code)
}

func TestExampleLogsLikeKubectl(t *testing.T) {
	env, node := streamsEnv(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := exampleBin(t, "logs")
	for _, args := range [][]string{
		{"-n", streamsNS, "logs"},
		{"-n", streamsNS, "logs", "--tail", "2"},
		{"-n", streamsNS, "logs", "--tail=0"},
		{"-n", streamsNS, "logs", "--tail", "2", "--timestamps"},
		{"-n", streamsNS, "logs", "--limit-bytes", "10"},
		{"-n", streamsNS, "logs", "--since", "1h"},
		{"-n", streamsNS, "logs", "c1"},
		{"-n", streamsNS, "multi"},
		{"-n", streamsNS, "multi", "-c", "w"},
		{"-n", streamsNS, "gone"},
		{"-n", streamsNS, "logs", "-c", "nope"},
		{"-n", streamsNS, "logs", "--previous"},
		{"-n", streamsNS, "logs", "--tail", "-5"},
		{"-n", streamsNS, "logs", "--since", "1s", "--since-time", "2020-01-01T00:00:00Z"},
	} {
		sameAsKubectl(t, bin, nil, kc, "logs", args...)
	}

	// -f until the container exits.
	ctx := testContext(t)
	require.NoError(t, node.RunPod(ctx, streamsNS, "follow", testenv.Container{Name: "c1", Command: "echo a; sleep 2; echo b; sleep 1; echo c"}))
	t.Cleanup(func() { _ = node.DeletePod(context.Background(), streamsNS, "follow") })
	var k, w result
	var wg sync.WaitGroup
	wg.Add(2)
	start := time.Now()
	go func() {
		defer wg.Done()
		k = run(t, ctx, nil, kubectlPath(t), "logs", "--kubeconfig", kc, "-n", streamsNS, "-f", "follow")
	}()
	go func() {
		defer wg.Done()
		w = run(t, ctx, nil, bin, "--kubeconfig", kc, "-n", streamsNS, "-f", "follow")
	}()
	wg.Wait()
	assert.Greater(t, time.Since(start), 2*time.Second)
	assert.Equal(t, result{stdout: "a\nb\nc\n"}, k)
	assert.Equal(t, k, w)
}

func TestExampleCopyLikeKubectl(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := exampleBin(t, "cp")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	bigTree(t, src)
	want := treeSum(t, src)
	// Each program copies to its own destination (kdest, wdest); their
	// outputs, with the destinations' names replaced, must agree.
	both := func(kargs, wargs []string, kdest, wdest string) result {
		k := run(t, ctx, nil, kubectlPath(t), append([]string{"cp", "--kubeconfig", kc}, kargs...)...)
		w := run(t, ctx, nil, bin, append([]string{"--kubeconfig", kc}, wargs...)...)
		what := "cp " + strings.Join(wargs, " ")
		assert.Equal(t, k.code, w.code, "%s: exit status; kubectl %q, example %q", what, k.stderr, w.stderr)
		assert.Equal(t, k.stdout, w.stdout, "%s: stdout", what)
		kerr := strings.ReplaceAll(withoutKlog(k.stderr), kdest, "DEST")
		werr := strings.ReplaceAll(withoutKlog(w.stderr), wdest, "DEST")
		assert.Equal(t, kerr, werr, "%s: stderr", what)
		return w
	}

	// Into the pod (whose containers see this machine's file system).
	r := both([]string{src, streamsNS + "/sh:" + dir + "/k-in"}, []string{src, streamsNS + "/sh:" + dir + "/w-in"}, "", "")
	assert.Equal(t, result{}, r)
	assert.Equal(t, want, treeSum(t, dir+"/w-in"), "the example keeps every mode and link")
	assert.Equal(t, contents(want), contents(treeSum(t, dir+"/k-in")), "kubectl: same contents")
	// Into an existing directory.
	both([]string{src, streamsNS + "/sh:" + dir + "/k-in"}, []string{src, streamsNS + "/sh:" + dir + "/w-in"}, "", "")
	assert.Equal(t, want, treeSum(t, dir+"/w-in/src"))

	// Out of the pod: both skip the link, with kubectl's warning.
	r = both([]string{streamsNS + "/sh:" + dir + "/w-in", dir + "/k-out"}, []string{streamsNS + "/sh:" + dir + "/w-in", dir + "/w-out"},
		dir+"/k-out", dir+"/w-out")
	assert.Equal(t, "tar: Removing leading `/' from member names\n", r.stdout)
	// The first link (in the archive's order) gets the long form.
	assert.Regexp(t, fmt.Sprintf(`^warning: skipping symlink: "%s/w-out/(src/)?link" -> "run.sh" \(consider using "kubectl exec -n "%s" "sh" -- tar cf - "%s/w-in" \| tar xf -"\)\n`+
		`warning: skipping symlink: "%s/w-out/(src/)?link" -> "run.sh"\n$`, dir, streamsNS, dir, dir), r.stderr)
	require.NoError(t, os.RemoveAll(dir+"/w-out/src"))
	require.NoError(t, os.RemoveAll(dir+"/k-out/src"))
	noLink := maps.Clone(want)
	delete(noLink, "link")
	assert.Equal(t, noLink, treeSum(t, dir+"/w-out"), "the example keeps every mode, and skips the link")
	assert.Equal(t, contents(want), contents(treeSum(t, dir+"/k-out")), "kubectl: same contents")

	for _, args := range [][]string{
		{dir + "/missing", streamsNS + "/sh:/tmp/x"},
		{src, dir + "/local"},
		{streamsNS + "/sh:/a", streamsNS + "/sh:/b"},
		{":x", dir},
	} {
		sameAsKubectl(t, bin, nil, kc, "cp", args...)
	}
	// The remote tar fails copying into the pod: its messages on stderr,
	// then kubectl's line, and its exit code becomes the program's.
	k, _ := sameAsKubectl(t, bin, nil, kc, "cp", src+"/run.sh", streamsNS+"/sh:"+dir+"/no/such/dir/run.sh")
	assert.Equal(t, 2, k.code, "GNU tar's exit code")
	assert.Equal(t, "tar: "+dir+"/no/such/dir: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n"+
		"command terminated with exit code 2\n", withoutKlog(k.stderr))
	// It fails copying out of the pod, after writing its (empty) archive:
	// kubectl stops at the archive's end and exits 0 before the exit
	// status arrives, so the remote tar's messages on its stdout may be
	// cut short; the example waits for them all.
	args := []string{"--kubeconfig", kc, streamsNS + "/sh:" + dir + "/missing", dir + "/from-missing"}
	k = run(t, ctx, nil, kubectlPath(t), append([]string{"cp"}, args...)...)
	w := run(t, ctx, nil, bin, args...)
	tarSays := "tar: Removing leading `/' from member names\ntar: " + dir + "/missing: Cannot stat: No such file or directory\n" +
		"tar: Exiting with failure status due to previous errors\n"
	assert.Equal(t, result{stdout: tarSays}, w)
	assert.Equal(t, 0, k.code)
	assert.Equal(t, "", withoutKlog(k.stderr))
	assert.True(t, strings.HasPrefix(tarSays, k.stdout), "kubectl's stdout %q", k.stdout)
	assert.NoFileExists(t, dir+"/from-missing")
}

// contents keeps the regular files' checksums of a treeSum (kubectl cp
// drops modes and links).
func contents(sums map[string]string) map[string]string {
	out := map[string]string{}
	for p, v := range sums {
		if strings.HasPrefix(v, "-") {
			out[p] = v[strings.IndexByte(v, ' ')+1:]
		}
	}
	return out
}

// forwarder runs a port-forward program until it exits and reports its
// "Forwarding from" lines as they come.
type forwarder struct {
	lines  chan string
	done   chan result
	stdout *lockedBuffer
}

func startForward(t *testing.T, ctx context.Context, bin string, args ...string) *forwarder {
	t.Helper()
	f := &forwarder{lines: make(chan string, 16), done: make(chan result, 1), stdout: &lockedBuffer{}}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	pr, pw := io.Pipe()
	var errb lockedBuffer
	cmd.Stdout, cmd.Stderr = io.MultiWriter(pw, f.stdout), &errb
	require.NoError(t, cmd.Start())
	go lines(pr, f.lines)
	go func() {
		err := cmd.Wait()
		pw.Close()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		f.done <- result{f.stdout.String(), errb.String(), code}
	}()
	return f
}

// waitListening waits for n "Forwarding from" lines.
func (f *forwarder) waitListening(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case l := <-f.lines:
			require.True(t, strings.HasPrefix(l, "Forwarding from "), l)
		case <-time.After(20 * time.Second):
			t.Fatal("the forwarder did not start")
		}
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestExamplePortForwardLikeKubectl(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := exampleBin(t, "port-forward")
	podPort := httpServer(t)
	deadPort := freePort(t)

	results := map[string]result{}
	for name, prog := range map[string][]string{
		"kubectl": {kubectlPath(t), "port-forward"},
		"example": {bin},
	} {
		l1, l2 := freePort(t), freePort(t)
		args := append(prog[1:], "--kubeconfig", kc, "-n", streamsNS, "sh",
			fmt.Sprintf("%d:%d", l1, podPort), fmt.Sprintf("%d:%d", l2, deadPort))
		f := startForward(t, ctx, prog[0], args...)
		f.waitListening(t, 4)
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
				resp, err := hc.Get(fmt.Sprintf("http://127.0.0.1:%d/%s/%d", l1, name, i))
				if !assert.NoError(t, err, name) {
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.Equal(t, fmt.Sprintf("pod %d says /%s/%d", podPort, name, i), string(b))
			}()
		}
		wg.Wait()
		// A connection to a port nothing listens on ends the forwarding.
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(l2)); err == nil {
			_, _ = io.ReadAll(bufio.NewReader(c))
			c.Close()
		}
		select {
		case r := <-f.done:
			r.stdout = strings.NewReplacer(strconv.Itoa(l1), "L1", strconv.Itoa(l2), "L2").Replace(r.stdout)
			results[name] = r
		case <-time.After(20 * time.Second):
			t.Fatalf("%s did not exit after the failed connection", name)
		}
	}
	k, w := results["kubectl"], results["example"]
	assert.Equal(t, 1, k.code)
	assert.Equal(t, k.code, w.code)
	assert.Equal(t, withoutKlog(k.stderr), withoutKlog(w.stderr))
	assert.Equal(t, "error: lost connection to pod\n", withoutKlog(w.stderr))
	assert.Equal(t, sortedLines(k.stdout), sortedLines(w.stdout))
	assert.Contains(t, w.stdout, fmt.Sprintf("Forwarding from 127.0.0.1:L1 -> %d\nForwarding from [::1]:L1 -> %d\n", podPort, podPort))
	assert.Equal(t, 10, strings.Count(w.stdout, "Handling connection for L1\n"))
	perConn := regexp.MustCompile(fmt.Sprintf(`an error occurred forwarding \d+ -> %d: error forwarding port %d to pod sh, uid [0-9a-f-]+: .*connection refused`, deadPort, deadPort))
	assert.Regexp(t, perConn, k.stderr)
	assert.Regexp(t, perConn, w.stderr)
}

// sortedLines sorts the lines of s (connections are handled concurrently).
func sortedLines(s string) []string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(ls)
	return ls
}
