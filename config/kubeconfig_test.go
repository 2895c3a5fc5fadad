package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const keepFile = `# The team's clusters.
apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
- name: prod # production
  cluster:
    server: https://prod:6443
    x-unknown-field: kept
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: prod}
- name: dev
  cluster:
    server: https://dev
users:
- name: admin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: cloud-auth
      interactiveMode: Never
      x-plugin-extra: kept
contexts:
- name: prod
  context: {cluster: prod, user: admin, extensions: [{name: e, extension: {}}]}
current-context: prod
x-top-level: kept
`

func TestKubeconfigKeepsWhatTheFileHad(t *testing.T) {
	e := newEnv(t)
	path := e.write("kc", keepFile)
	o := e.opts()
	o.Kubeconfig = path
	k, err := OpenKubeconfig(o)
	require.NoError(t, err)

	c, ok, err := k.Cluster("prod")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "https://prod:6443", c.Server)

	require.NoError(t, k.SetCluster("prod", func(c *Cluster) { c.SetServer("https://prod2:6443") }))
	require.NoError(t, k.SetUser("admin", func(u *User) { u.Exec.Args = []string{"--profile", "p"} }))
	require.NoError(t, k.SetContext("prod", func(c *Context) { c.Namespace = "web" }))
	require.NoError(t, k.Save())

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := string(b)
	for _, kept := range []string{
		"# The team's clusters.", "# production", "x-unknown-field: kept", "audience: prod", "x-plugin-extra: kept",
		"x-top-level: kept", "colors: true", "name: e", "command: cloud-auth",
	} {
		assert.Contains(t, s, kept)
	}
	assert.Contains(t, s, "server: https://prod2:6443")
	assert.NotContains(t, s, "https://prod:6443")
	// Key and entry order are kept: prod before dev, server first.
	assert.Less(t, strings.Index(s, "name: prod"), strings.Index(s, "name: dev"))
	assert.Less(t, strings.Index(s, "server: https://prod2"), strings.Index(s, "x-unknown-field"))
	assert.Less(t, strings.Index(s, "apiVersion: v1"), strings.Index(s, "preferences:"))

	// What Load sees is the change.
	cfg, err := Load(o)
	require.NoError(t, err)
	assert.Equal(t, "https://prod2:6443", cfg.Server)
	assert.Equal(t, "web", cfg.Namespace)
	assert.Equal(t, []string{"--profile", "p"}, cfg.Auth.Exec.Args)
	assert.JSONEq(t, `{"audience":"prod"}`, string(cfg.Auth.Exec.Config))

	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	_, err = os.Stat(path + ".lock")
	assert.True(t, errors.Is(err, fs.ErrNotExist), "the lock is removed")
}

func TestKubeconfigNoChangeNoWrite(t *testing.T) {
	e := newEnv(t)
	path := e.write("kc", keepFile)
	o := e.opts()
	o.Kubeconfig = path
	k, err := OpenKubeconfig(o)
	require.NoError(t, err)
	require.NoError(t, k.SetCluster("prod", func(c *Cluster) { c.Server = "https://prod:6443" }))
	require.NoError(t, k.UseContext("prod"))
	require.NoError(t, os.Remove(path))
	require.NoError(t, k.Save())
	_, err = os.Stat(path)
	assert.True(t, errors.Is(err, fs.ErrNotExist), "nothing changed, so nothing was written")
}

func TestKubeconfigCreatesFiles(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(filepath.Dir(e.home), "new", "dir")
	first, last := filepath.Join(dir, "one"), filepath.Join(dir, "two")
	e.vars["KUBECONFIG"] = first + string(os.PathListSeparator) + last
	k, err := OpenKubeconfig(e.opts())
	require.NoError(t, err)
	require.NoError(t, k.SetCluster("c", func(c *Cluster) { c.Server = "https://c" }))
	require.NoError(t, k.SetUser("u", func(u *User) { u.SetToken("NEW-S3CRET") }))
	require.NoError(t, k.SetContext("x", func(c *Context) { *c = Context{Cluster: "c", User: "u"} }))
	require.NoError(t, k.UseContext("x"))
	require.NoError(t, k.Save())

	// As kubectl: with no file existing, the last one of the list is written.
	_, err = os.Stat(first)
	assert.True(t, errors.Is(err, fs.ErrNotExist))
	st, err := os.Stat(last)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	cfg, err := Load(e.opts())
	require.NoError(t, err)
	assert.Equal(t, "https://c", cfg.Server)
	assert.Equal(t, "NEW-S3CRET", cfg.Auth.Token.Reveal())
}

func TestKubeconfigLocked(t *testing.T) {
	e := newEnv(t)
	path := e.write("kc", keepFile)
	e.write("kc.lock", "")
	o := e.opts()
	o.Kubeconfig = path
	k, err := OpenKubeconfig(o)
	require.NoError(t, err)
	require.NoError(t, k.DeleteCluster("dev"))
	err = k.Save()
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, fs.ErrExist)
	assert.Equal(t, path+".lock", pe.Path)
}

func TestParseKubeconfigBytes(t *testing.T) {
	k, err := ParseKubeconfig([]byte(`{"apiVersion": "v1", "kind": "Config", "clusters": [{"name": "c", "cluster": {"server": "https://c", "certificate-authority": "rel/ca.crt"}}],
"users": [{"name": "u", "user": {"token": "OLD-S3CRET", "x-keep": 1}}]}`))
	require.NoError(t, err)
	require.NoError(t, k.SetUser("u", func(u *User) {
		u.SetToken("")
		u.AuthProvider = &AuthProvider{Name: "oidc", Config: map[string]Secret{"client-id": "k", "id-token": "ID-S3CRET"}}
	}))
	require.NoError(t, k.SetCluster("c", func(c *Cluster) { c.TLSServerName = "name" }))
	require.NoError(t, k.Save(), "Save does nothing for bytes")
	assert.Equal(t, []string{BytesFile}, k.Files())
	b, err := k.Bytes()
	require.NoError(t, err)
	s := string(b)
	assert.Contains(t, s, "certificate-authority: rel/ca.crt", "bytes have no directory: paths stay as written")
	assert.Contains(t, s, "x-keep: 1")
	assert.Contains(t, s, "id-token: ID-S3CRET")
	assert.NotContains(t, s, "OLD-S3CRET")
	assert.NotContains(t, s, "{", "JSON is written back as block YAML")

	u, ok, err := k.User("u")
	require.NoError(t, err)
	require.True(t, ok)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", u, u, u), "S3CRET")
}

func TestKubeconfigErrors(t *testing.T) {
	_, err := ParseKubeconfig([]byte("users:\n- name: u\n  user: {token: BAD-S3CRET, as-groups: {a: b}}\n"))
	var ke *KubeconfigError
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, BytesFile, ke.Problems[0].File)
	assert.Equal(t, "users[u].user.as-groups", ke.Problems[0].Field)
	assert.NotContains(t, err.Error(), "S3CRET")

	_, err = ParseKubeconfig([]byte("clusters: [\n"))
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, 1, len(ke.Problems))

	k, err := ParseKubeconfig([]byte("users:\n- name: u\n  user: {client-key-data: '%%BAD-S3CRET'}\n"))
	if err == nil {
		err = k.SetUser("u", func(*User) {})
	}
	require.ErrorAs(t, err, &ke)
	assert.Contains(t, ke.Problems[0].Field, "client-key-data")
	assert.NotContains(t, err.Error(), "S3CRET")

	k, err = ParseKubeconfig([]byte("contexts: [{name: a, context: {cluster: c}}]\n"))
	require.NoError(t, err)
	var nf *EntryNotFoundError
	require.ErrorAs(t, k.UseContext("b"), &nf)
	assert.Equal(t, EntryNotFoundError{List: "contexts", Name: "b", Files: []string{BytesFile}}, *nf)
	require.ErrorAs(t, k.DeleteCluster("x"), &nf)
	require.ErrorAs(t, k.DeleteUser("x"), &nf)
	require.NoError(t, k.DeleteContext("a"))
	require.ErrorAs(t, k.DeleteContext("a"), &nf)
}
