package config

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// The starting files of the kubectl comparison: a KUBECONFIG list of a
// missing file, a and b. "shadow" is defined in both a and b.
const (
	cmpFileA = `apiVersion: v1
kind: Config
clusters:
- name: ca
  cluster: {server: https://a}
- name: shadow
  cluster: {server: https://shadow-a}
users:
- name: ua
  user: {token: A-S3CRET}
`
	cmpFileB = `apiVersion: v1
kind: Config
current-context: cb
clusters:
- name: cb
  cluster: {server: https://b, certificate-authority: /etc/x.crt, tls-server-name: b.example}
- name: shadow
  cluster: {server: https://shadow-b}
contexts:
- name: cb
  context: {cluster: cb, user: ub}
- name: gone
  context: {cluster: cb}
users:
- name: ub
  user: {token: B-S3CRET, client-certificate-data: eA==, client-key-data: eA==}
`
)

// kubectlStep is one kubectl config command and the same change through
// Kubeconfig. DIR in the arguments is the files' directory.
type kubectlStep struct {
	args []string
	do   func(t *testing.T, k *Kubeconfig, dir string)
}

var kubectlSteps = []kubectlStep{
	{[]string{"set-cluster", "new", "--server=https://new"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetCluster("new", func(c *Cluster) { c.SetServer("https://new") }))
	}},
	{[]string{"set-cluster", "cb", "--insecure-skip-tls-verify=true"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetCluster("cb", func(c *Cluster) { c.SetInsecureSkipTLSVerify(true) }))
	}},
	{[]string{"set-cluster", "shadow", "--server=https://changed"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetCluster("shadow", func(c *Cluster) { c.SetServer("https://changed") }))
	}},
	{[]string{"set-cluster", "local", "--server=https://l", "--certificate-authority=DIR/sub/ca.crt", "--tls-server-name=l.example", "--proxy-url=http://proxy:3128"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetCluster("local", func(c *Cluster) {
			c.SetServer("https://l")
			c.TLSServerName = "l.example"
			c.SetCertificateAuthority(filepath.Join(dir, "sub", "ca.crt"))
			c.ProxyURL = "http://proxy:3128"
		}))
	}},
	{[]string{"set-credentials", "u", "--client-certificate=DIR/u.crt", "--client-key=/tmp/k.key", "--token=T-S3CRET"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetUser("u", func(u *User) {
			u.SetClientCertificate(filepath.Join(dir, "u.crt"), "/tmp/k.key")
			u.SetToken("T-S3CRET")
		}))
	}},
	{[]string{"set-credentials", "ub", "--username=bob", "--password=P-S3CRET"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetUser("ub", func(u *User) { u.SetBasicAuth("bob", "P-S3CRET") }))
	}},
	{[]string{"set-credentials", "ex", "--exec-command=/bin/plugin", "--exec-api-version=client.authentication.k8s.io/v1", "--exec-arg=a", "--exec-arg=b", "--exec-env=K=V", "--exec-interactive-mode=Never"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetUser("ex", func(u *User) {
			u.Exec = &UserExec{Command: "/bin/plugin", APIVersion: "client.authentication.k8s.io/v1", Args: []string{"a", "b"},
				Env: []EnvVar{{Name: "K", Value: "V"}}, InteractiveMode: "Never"}
		}))
	}},
	{[]string{"set-credentials", "op", "--auth-provider=oidc", "--auth-provider-arg=client-id=cid", "--auth-provider-arg=idp-issuer-url=https://issuer", "--auth-provider-arg=refresh-token=R-S3CRET"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetUser("op", func(u *User) {
			u.AuthProvider = &AuthProvider{Name: "oidc", Config: map[string]Secret{"client-id": "cid", "idp-issuer-url": "https://issuer", "refresh-token": "R-S3CRET"}}
		}))
	}},
	{[]string{"set-credentials", "op", "--auth-provider-arg=client-id-"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetUser("op", func(u *User) { delete(u.AuthProvider.Config, "client-id") }))
	}},
	{[]string{"set-context", "cx", "--cluster=ca", "--user=u", "--namespace=n1"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetContext("cx", func(c *Context) { *c = Context{Cluster: "ca", User: "u", Namespace: "n1"} }))
	}},
	{[]string{"set-context", "cb", "--namespace=nb"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetContext("cb", func(c *Context) { c.Namespace = "nb" }))
	}},
	{[]string{"use-context", "cx"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.UseContext("cx"))
	}},
	{[]string{"delete-context", "gone"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.DeleteContext("gone"))
	}},
	{[]string{"delete-cluster", "shadow"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.DeleteCluster("shadow"))
	}},
	{[]string{"delete-user", "ua"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.DeleteUser("ua"))
	}},
	{[]string{"unset", "current-context"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.UseContext(""))
	}},
	{[]string{"set-cluster", "cb", "--certificate-authority=DIR/sub/ca.crt", "--embed-certs=true"}, func(t *testing.T, k *Kubeconfig, dir string) {
		pem, err := os.ReadFile(filepath.Join(dir, "sub", "ca.crt"))
		require.NoError(t, err)
		require.NoError(t, k.SetCluster("cb", func(c *Cluster) { c.SetCertificateAuthorityData(pem) }))
	}},
	{[]string{"set-credentials", "ub", "--client-certificate=DIR/u.crt", "--client-key=DIR/u.key", "--embed-certs=true"}, func(t *testing.T, k *Kubeconfig, dir string) {
		crt, err := os.ReadFile(filepath.Join(dir, "u.crt"))
		require.NoError(t, err)
		key, err := os.ReadFile(filepath.Join(dir, "u.key"))
		require.NoError(t, err)
		require.NoError(t, k.SetUser("ub", func(u *User) { u.SetClientCertificateData(crt, Secret(key)) }))
	}},
	{[]string{"set-credentials", "ex", "--exec-command=./bin/plugin2", "--exec-env=K=V2"}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetUser("ex", func(u *User) {
			// kubectl resets the arguments when the command changes.
			u.Exec.Command, u.Exec.Args, u.Exec.Env[0].Value = filepath.Join(dir, "bin", "plugin2"), nil, "V2"
		}))
	}},
	{[]string{"set-credentials", "u", "--token="}, func(t *testing.T, k *Kubeconfig, dir string) {
		require.NoError(t, k.SetUser("u", func(u *User) { u.SetToken("") }))
	}},
}

// TestKubeconfigWritesWhatKubectlWrites runs each kubectl config command on
// one set of files and the same change through Kubeconfig on a copy, and
// compares every file's content after each step (as data: kubectl writes
// empty fields, kubewire omits them; both are the same kubeconfig).
// kubectl's results are also kept in testdata/kubectl-config, so the
// comparison runs where kubectl is not installed.
func TestKubeconfigWritesWhatKubectlWrites(t *testing.T) {
	kubectl, _ := exec.LookPath("kubectl")
	root := t.TempDir()
	kdir, wdir := filepath.Join(root, "kubectl"), filepath.Join(root, "kubewire")
	for _, d := range []string{kdir, wdir} {
		require.NoError(t, os.MkdirAll(d, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, "a"), []byte(cmpFileA), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(d, "b"), []byte(cmpFileB), 0o644))
		require.NoError(t, os.MkdirAll(filepath.Join(d, "sub"), 0o755))
		for f, content := range map[string]string{"sub/ca.crt": "CA PEM\n", "u.crt": "CERT PEM\n", "u.key": "KEY PEM S3CRET\n"} {
			require.NoError(t, os.WriteFile(filepath.Join(d, f), []byte(content), 0o600))
		}
	}
	list := func(dir string) string {
		return strings.Join([]string{filepath.Join(dir, "missing"), filepath.Join(dir, "a"), filepath.Join(dir, "b")}, string(os.PathListSeparator))
	}
	golden := filepath.Join("testdata", "kubectl-config")
	record := os.Getenv("KUBEWIRE_RECORD_KUBECTL") != "" && kubectl != ""

	for i, step := range kubectlSteps {
		name := strings.Join(step.args, " ")
		want := map[string]any{}
		if kubectl != "" {
			args := []string{"config"}
			for _, a := range step.args {
				args = append(args, strings.ReplaceAll(a, "DIR", kdir))
			}
			cmd := exec.Command(kubectl, args...)
			cmd.Env = []string{"KUBECONFIG=" + list(kdir), "HOME=" + root, "PATH=" + os.Getenv("PATH")}
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "kubectl %s: %s", name, out)
			for _, f := range []string{"missing", "a", "b"} {
				want[f] = normalizeFile(t, filepath.Join(kdir, f), kdir)
			}
		}
		gpath := filepath.Join(golden, strings.ReplaceAll(strings.Fields(name)[0], "/", "_")+"-"+string(rune('a'+i))+".yaml")
		if record {
			b, err := yaml.Marshal(want)
			require.NoError(t, err)
			require.NoError(t, os.MkdirAll(golden, 0o755))
			require.NoError(t, os.WriteFile(gpath, b, 0o644))
		}
		b, err := os.ReadFile(gpath)
		require.NoError(t, err, "golden file of step %q (record with KUBEWIRE_RECORD_KUBECTL=1)", name)
		var recorded map[string]any
		require.NoError(t, yaml.Unmarshal(b, &recorded))
		if kubectl != "" {
			assert.Equal(t, recorded, want, "kubectl %s: the installed kubectl differs from the recorded one", name)
		}

		k, err := OpenKubeconfig(Options{Getenv: func(key string) string {
			if key == "KUBECONFIG" {
				return list(wdir)
			}
			return ""
		}})
		require.NoError(t, err)
		step.do(t, k, wdir)
		require.NoError(t, k.Save())
		got := map[string]any{}
		for _, f := range []string{"missing", "a", "b"} {
			got[f] = normalizeFile(t, filepath.Join(wdir, f), wdir)
		}
		require.Equal(t, recorded, got, "after step %d: kubectl config %s", i, name)
	}
	st, err := os.Stat(filepath.Join(wdir, "a"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm(), "an existing file keeps its mode")
}

// normalizeFile reads a kubeconfig as data with empty values dropped,
// named lists turned into maps by name and dir replaced by "DIR".
func normalizeFile(t *testing.T, path, dir string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "(missing)"
	}
	require.NoError(t, err)
	b = []byte(strings.ReplaceAll(string(b), dir, "DIR"))
	var v map[string]any
	require.NoError(t, yaml.Unmarshal(b, &v))
	for _, list := range []string{"clusters", "users", "contexts"} {
		items, _ := v[list].([]any)
		m := map[string]any{}
		for _, it := range items {
			im := it.(map[string]any)
			m[im["name"].(string)] = im
		}
		v[list] = m
	}
	return dropEmpty(v)
}

func dropEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = dropEmpty(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		for i := range x {
			x[i] = dropEmpty(x[i])
		}
		return x
	case string:
		if x == "" {
			return nil
		}
	case bool:
		if !x {
			return nil
		}
	}
	return v
}
