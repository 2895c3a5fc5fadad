//go:build integration && corpus

package integration

// The corpus measurement (docs/fake.md, "Agreement on public manifests"):
// every manifest of a corpus of public examples the project did not write
// (built outside the repository by bench/cmd/corpus) is applied with the
// real kubectl's `apply --server-side` to kube-apiserver v1.37.2 and to the
// fake server, and the outcome and the stored objects are compared. It
// needs the corpus, so it has a build tag of its own and is never part of
// the default suites:
//
//	KUBEWIRE_CORPUS=~/.cache/kubewire/corpus \
//	KUBE_APISERVER_BIN=~/.cache/kubewire/kube-apiserver-v1.37.2 \
//	go test -tags 'integration corpus' -count=1 -timeout 60m \
//	    -run TestCorpusAgreement ./internal/integration/
//
// KUBEWIRE_CORPUS_REPORT=DIR writes, per file that disagrees, the two
// normalised results (DIR/N.real, DIR/N.fake) and DIR/summary.
// KUBEWIRE_CORPUS_MIN (a fraction, default 0.95) is the agreement below
// which the test fails.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/testenv"
)

// corpusCIDR is the service range of both servers: the corpus has more
// services than the shared harness's /24 holds.
const corpusCIDR = "10.0.0.0/16"

// corpusResult is one server's answer to one file.
type corpusResult struct {
	applyCode int
	applyOut  string // normalised combined output of apply
	getCode   int
	stored    string // normalised JSON of the file's objects as stored
	getErr    string // normalised stderr of get
}

func TestCorpusAgreement(t *testing.T) {
	dir := os.Getenv("KUBEWIRE_CORPUS")
	require.NotEmpty(t, dir, "KUBEWIRE_CORPUS must name the corpus directory (bench/cmd/corpus builds it)")
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return err
	}))
	sort.Strings(files)
	require.NotEmpty(t, files, "no manifests in %s", dir)
	want := 0.95
	if s := os.Getenv("KUBEWIRE_CORPUS_MIN"); s != "" {
		var err error
		want, err = strconv.ParseFloat(s, 64)
		require.NoError(t, err)
	}
	report := os.Getenv("KUBEWIRE_CORPUS_REPORT")
	if report != "" {
		require.NoError(t, os.MkdirAll(report, 0o755))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	env, err := testenv.Start(ctx, testenv.WithAPIServerArgs("--service-cluster-ip-range", corpusCIDR))
	require.NoError(t, err)
	t.Cleanup(env.Stop)
	srv := fake.NewServer(t, fake.WithoutGarbageCollector(), fake.WithServiceCIDR(corpusCIDR))
	kubectl := kubectlPath(t)
	tmp := t.TempDir()

	var summary strings.Builder
	agree, outcomeAgree := 0, 0
	for i, file := range files {
		ns := fmt.Sprintf("corpus-%03d", i)
		require.NoError(t, env.CreateNamespace(ctx, ns))
		realKC := filepath.Join(tmp, "real.kubeconfig")
		require.NoError(t, env.WriteKubeconfig(realKC, testenv.User{Token: env.Token(testenv.IdentityAdminToken)}, testenv.KubeconfigOptions{Namespace: ns}))
		fakeKC := filepath.Join(tmp, "fake.kubeconfig")
		require.NoError(t, os.WriteFile(fakeKC, corpusKubeconfig(t, srv.Kubeconfig(), ns), 0o600))
		// The namespace is created by kubectl on the fake too, so that it
		// gets there what it gets on the real one (its default account).
		if out, code := corpusRun(ctx, kubectl, fakeKC, "create", "namespace", ns); code != 0 {
			t.Fatalf("fake: create namespace %s: %s", ns, out)
		}
		if out, code := corpusRun(ctx, kubectl, fakeKC, "create", "serviceaccount", "default"); code != 0 && !strings.Contains(out, "AlreadyExists") && !strings.Contains(out, "already exists") {
			t.Fatalf("fake: create serviceaccount default in %s: %s", ns, out)
		}

		var real, fk corpusResult
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); real = corpusApply(ctx, kubectl, realKC, file, ns) }()
		go func() { defer wg.Done(); fk = corpusApply(ctx, kubectl, fakeKC, file, ns) }()
		wg.Wait()

		// Objects that change how the server answers later writes are
		// deleted after their file: webhooks (whose services do not
		// run, so the real server would fail every later write they
		// match), admission policies (whose CEL the fake does not
		// evaluate) and APIServices.
		for _, ref := range corpusServerObjects(t, file) {
			for _, kc := range []string{realKC, fakeKC} {
				if out, code := corpusRun(ctx, kubectl, kc, "delete", ref, "--ignore-not-found"); code != 0 {
					t.Logf("delete %s: %s", ref, out)
				}
			}
		}

		rel, _ := filepath.Rel(dir, file)
		outcome := real.applyCode == fk.applyCode && real.applyOut == fk.applyOut
		same := outcome && real.getCode == fk.getCode && real.stored == fk.stored && real.getErr == fk.getErr
		if outcome {
			outcomeAgree++
		}
		status := "agree"
		switch {
		case same:
			agree++
		case !outcome:
			status = "outcome"
		default:
			status = "stored"
		}
		fmt.Fprintf(&summary, "%d %s %s\n", i, status, rel)
		if !same && report != "" {
			require.NoError(t, os.WriteFile(filepath.Join(report, fmt.Sprintf("%03d.real", i)), []byte(real.String(rel)), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(report, fmt.Sprintf("%03d.fake", i)), []byte(fk.String(rel)), 0o644))
		}
	}
	frac := float64(agree) / float64(len(files))
	line := fmt.Sprintf("files %d, outcome agrees %d, outcome and stored objects agree %d (%.1f%%)", len(files), outcomeAgree, agree, 100*frac)
	t.Log(line)
	if report != "" {
		require.NoError(t, os.WriteFile(filepath.Join(report, "summary"), []byte(summary.String()+line+"\n"), 0o644))
	}
	if frac < want {
		t.Errorf("agreement %.1f%% is below %.1f%%", 100*frac, 100*want)
	}
}

// String renders a result for the report.
func (r corpusResult) String(file string) string {
	return fmt.Sprintf("file: %s\napply exit %d\n%s\nget exit %d\n%s\n%s\n", file, r.applyCode, r.applyOut, r.getCode, r.getErr, r.stored)
}

// corpusServerKinds are the kinds corpusServerObjects picks, by kind, as
// kubectl names their resources.
var corpusServerKinds = map[string]string{
	"MutatingWebhookConfiguration":     "mutatingwebhookconfigurations.admissionregistration.k8s.io",
	"ValidatingWebhookConfiguration":   "validatingwebhookconfigurations.admissionregistration.k8s.io",
	"ValidatingAdmissionPolicy":        "validatingadmissionpolicies.admissionregistration.k8s.io",
	"ValidatingAdmissionPolicyBinding": "validatingadmissionpolicybindings.admissionregistration.k8s.io",
	"MutatingAdmissionPolicy":          "mutatingadmissionpolicies.admissionregistration.k8s.io",
	"MutatingAdmissionPolicyBinding":   "mutatingadmissionpolicybindings.admissionregistration.k8s.io",
	"APIService":                       "apiservices.apiregistration.k8s.io",
}

// corpusServerObjects returns "RESOURCE/NAME" for each object of file whose
// kind is in corpusServerKinds.
func corpusServerObjects(t *testing.T, file string) []string {
	body, err := os.ReadFile(file)
	require.NoError(t, err)
	var out []string
	dec := yaml.NewDecoder(bytes.NewReader(body))
	for {
		var doc struct {
			Kind     string
			Metadata struct{ Name string }
		}
		if err := dec.Decode(&doc); err != nil {
			return out
		}
		if r := corpusServerKinds[doc.Kind]; r != "" && doc.Metadata.Name != "" {
			out = append(out, r+"/"+doc.Metadata.Name)
		}
	}
}

// corpusKubeconfig is kc with its context's namespace set to ns (a
// namespace set by --namespace would make kubectl refuse objects that
// name another one).
func corpusKubeconfig(t *testing.T, kc []byte, ns string) []byte {
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(kc, &m))
	ctxs, _ := m["contexts"].([]any)
	for _, c := range ctxs {
		if cm, ok := c.(map[string]any); ok {
			if cc, ok := cm["context"].(map[string]any); ok {
				cc["namespace"] = ns
			}
		}
	}
	b, err := yaml.Marshal(m)
	require.NoError(t, err)
	return b
}

// corpusRun runs kubectl with kubeconfig kc and returns its combined
// output and exit code (-1 when it could not run).
func corpusRun(ctx context.Context, kubectl, kc string, args ...string) (string, int) {
	out, err := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig", kc}, args...)...).CombinedOutput()
	return string(out), exitCode(err)
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// corpusApply applies file server-side and reads back the objects it
// names.
func corpusApply(ctx context.Context, kubectl, kc, file, ns string) corpusResult {
	var r corpusResult
	var out string
	out, r.applyCode = corpusRun(ctx, kubectl, kc, "apply", "--server-side", "-f", file)
	r.applyOut = corpusText(out, ns)
	cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", kc, "get", "-f", file, "-o", "json", "--show-managed-fields")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r.getCode = exitCode(cmd.Run())
	r.getErr = corpusText(stderr.String(), ns)
	r.stored = corpusObjects(stdout.Bytes(), ns)
	return r
}

// corpusText normalises kubectl's text output: the namespace, and
// resourceVersions quoted in conflict messages.
func corpusText(s, ns string) string {
	s = strings.ReplaceAll(s, ns, "NS")
	return fidRVInMessage.ReplaceAllString(s, "${1}(<rv>)")
}

// corpusServiceRange is corpusCIDR parsed.
var corpusServiceRange = netip.MustParsePrefix(corpusCIDR)

// corpusUID matches a uid.
var corpusUID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// corpusObjects normalises what `kubectl get -o json` printed: one object
// or a List. Besides what fidCanon normalises (timestamps,
// resourceVersions, managedFields times), uids, the token volume's random
// suffix, and cluster IPs and node ports allocated from the servers'
// ranges become placeholders.
func corpusObjects(b []byte, ns string) string {
	text := strings.ReplaceAll(string(b), ns, "NS")
	text = corpusUID.ReplaceAllString(text, "<uid>")
	text = fidTokenVolume.ReplaceAllString(text, "kube-api-access-XXXXX")
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return text
	}
	corpusAllocated(v)
	v = fidCanon(v, "")
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out)
}

// corpusAllocated replaces the cluster IPs and node ports of every Service
// in v by placeholders.
func corpusAllocated(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if items, ok := m["items"].([]any); ok {
		for _, it := range items {
			corpusAllocated(it)
		}
	}
	if m["kind"] != "Service" {
		return
	}
	spec, _ := m["spec"].(map[string]any)
	if spec == nil {
		return
	}
	ip := func(x any) any {
		s, _ := x.(string)
		if a, err := netip.ParseAddr(s); err == nil && corpusServiceRange.Contains(a) {
			return "<clusterIP>"
		}
		return x
	}
	if x, ok := spec["clusterIP"]; ok {
		spec["clusterIP"] = ip(x)
	}
	if ips, ok := spec["clusterIPs"].([]any); ok {
		for i := range ips {
			ips[i] = ip(ips[i])
		}
	}
	if ports, ok := spec["ports"].([]any); ok {
		for _, p := range ports {
			if pm, ok := p.(map[string]any); ok {
				if n, ok := pm["nodePort"].(float64); ok && n >= 30000 && n <= 32767 {
					pm["nodePort"] = "<nodePort>"
				}
			}
		}
	}
	if n, ok := spec["healthCheckNodePort"].(float64); ok && n >= 30000 && n <= 32767 {
		spec["healthCheckNodePort"] = "<nodePort>"
	}
}
