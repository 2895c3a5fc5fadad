//go:build integration

package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

// The fake serves the group/versions kube-apiserver v1.37.2 serves with
// its defaults, no more (issue 17 item 6).
func TestFakeServesDefaultVersions(t *testing.T) {
	env := testenv.Shared(t)
	srv := fake.NewServer(t)
	type groupList struct {
		Groups []struct {
			Versions []struct{ GroupVersion string }
		}
	}
	versions := func(l groupList) []string {
		var out []string
		for _, g := range l.Groups {
			for _, v := range g.Versions {
				// Built-in groups only: other tests of the shared server
				// add CRD groups.
				if grp, _, ok := strings.Cut(v.GroupVersion, "/"); ok && strings.Contains(grp, ".") && !strings.HasSuffix(grp, ".k8s.io") {
					continue
				}
				out = append(out, v.GroupVersion)
			}
		}
		sort.Strings(out)
		return out
	}
	var real, fk groupList
	_, err := env.Do(testContext(t), "GET", "/apis", nil, &real)
	require.NoError(t, err)
	rc, err := rest.New(srv.Config())
	require.NoError(t, err)
	require.NoError(t, rc.Get().AbsPath("apis").Into(testContext(t), &fk))
	require.NotEmpty(t, versions(real))
	assert.Equal(t, versions(real), versions(fk))
}

// The real kubectl gives the same output and exit code against the fake as
// against kube-apiserver for files whose kinds /openapi/v3 does not list: a
// List, a kind of a version not served by default, a kind no group serves
// (issue 17 items 5 and 6). Before /openapi/v2 was served kubectl aborted
// the whole file against the fake.
func TestKubectlAgreesOnKindsOutsideOpenAPIV3(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	kubectl := kubectlPath(t)
	const ns = "kw-kubectl-v2"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	srv := fake.NewServer(t, fake.WithObjects(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"`+ns+`"}}`))
	dir := t.TempDir()
	fakeKC := filepath.Join(dir, "fake.kubeconfig")
	require.NoError(t, os.WriteFile(fakeKC, srv.Kubeconfig(), 0o600))
	realKC := env.Kubeconfig(testenv.IdentityAdminToken)
	files := []struct{ name, body string }{
		{"list.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: in-list\n"},
		{"unserved.yaml", "apiVersion: resource.k8s.io/v1beta1\nkind: ResourceClaim\nmetadata:\n  name: rc\nspec: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-unserved\n"},
		{"nokind.yaml", "apiVersion: nope.example.com/v1\nkind: Thing\nmetadata:\n  name: t\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-thing\n"},
	}
	run := func(kc string, args ...string) (string, int) {
		out, err := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig", kc, "-n", ns}, args...)...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return string(out), code
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		require.NoError(t, os.WriteFile(p, []byte(f.body), 0o600))
		for _, args := range [][]string{{"apply", "-f", p}, {"apply", "--server-side", "-f", p}, {"create", "-f", p}} {
			wantOut, wantCode := run(realKC, args...)
			gotOut, gotCode := run(fakeKC, args...)
			assert.Equal(t, wantOut, gotOut, "%s %v", f.name, args)
			assert.Equal(t, wantCode, gotCode, "%s %v", f.name, args)
			for _, kc := range []string{realKC, fakeKC} {
				out, code := run(kc, "delete", "configmaps", "--all")
				require.Zero(t, code, out)
			}
		}
	}
}
