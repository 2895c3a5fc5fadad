package config

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// want is one expected problem: its field and a part of its message.
type want struct {
	field string
	msg   string
	line  int // checked when non-zero
}

// withCtx wraps users and clusters YAML in a kubeconfig whose current
// context "c" uses cluster "k" and user "u".
func withCtx(cluster, user string) string {
	return "current-context: c\nclusters:\n- name: k\n  cluster:\n" + indent(cluster, 4) +
		"users:\n- name: u\n  user:\n" + indent(user, 4) +
		"contexts:\n- name: c\n  context: {cluster: k, user: u}\n"
}

func indent(s string, n int) string {
	if s == "" {
		return strings.Repeat(" ", n) + "{}\n"
	}
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(strings.Repeat(" ", n) + l + "\n")
	}
	return b.String()
}

const okServer = "server: https://k\n"

func TestKubeconfigProblems(t *testing.T) {
	tests := []struct {
		name string
		kc   string
		opts Options
		want []want
	}{
		{"malformed YAML", "current-context: c\nclusters:\n- name: [k\n  cluster: {}\n", Options{},
			[]want{{"", "malformed YAML: did not find expected ',' or ']'", 2}}},
		{"malformed JSON", "{\n\"current-context\": \"c\",\n\"clusters\": [,]\n}", Options{},
			[]want{{"", "malformed JSON", 3}}},
		{"unknown --context", withCtx(okServer, ""), Options{Context: "nope"},
			[]want{{"--context", `context "nope" is not defined`, 0}}},
		{"unknown current-context", "current-context: nope\n", Options{},
			[]want{{"current-context", `names context "nope", which is not defined`, 1}}},
		{"unknown --cluster and --user", withCtx(okServer, ""), Options{Cluster: "x", User: "y"},
			[]want{{"--cluster", `cluster "x" is not defined`, 0}, {"--user", `user "y" is not defined`, 0}}},
		{"context names missing cluster and user", "current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: gone\n    user: ghost\n", Options{},
			[]want{{"contexts[c].context.cluster", `names cluster "gone"`, 5}, {"contexts[c].context.user", `names user "ghost"`, 6}}},
		{"context with no cluster", "current-context: c\ncontexts:\n- name: c\n  context: {namespace: x}\n", Options{},
			[]want{{"contexts[c].context", "names no cluster", 0}}},
		{"missing server", withCtx("tls-server-name: x\n", ""), Options{},
			[]want{{"clusters[k].cluster.server", "is missing", 0}}},
		{"invalid server", withCtx("server: \"https://[::1\"\n", ""), Options{},
			[]want{{"clusters[k].cluster.server", "is not a valid URL", 5}}},
		{"server scheme", withCtx("server: ftp://k\n", ""), Options{},
			[]want{{"clusters[k].cluster.server", "must be an http or https URL", 5}}},
		{"token and exec", withCtx(okServer, "token: t\nexec: {apiVersion: client.authentication.k8s.io/v1, command: c, interactiveMode: Never}\n"), Options{},
			[]want{{"users[u].user", "more than one authentication method (token, exec)", 0}}},
		{"token and basic", withCtx(okServer, "token: t\nusername: a\npassword: b\n"), Options{},
			[]want{{"users[u].user", "(token, username/password)", 0}}},
		{"token and tokenFile", withCtx(okServer, "token: t\ntokenFile: /dev/null\n"), Options{},
			[]want{{"users[u].user", "(token, tokenFile)", 0}}},
		{"basic and exec", withCtx(okServer, "password: p\nexec: {apiVersion: client.authentication.k8s.io/v1beta1, command: c}\n"), Options{},
			[]want{{"users[u].user", "(username/password, exec)", 0}}},
		{"unreadable files", withCtx(okServer+"certificate-authority: missing-ca.crt\n",
			"client-certificate: missing.crt\nclient-key: missing.key\ntokenFile: missing-token\n"), Options{},
			[]want{
				{"clusters[k].cluster.certificate-authority", "cannot read the file", 6},
				{"users[u].user.client-certificate", "cannot read the file", 0},
				{"users[u].user.client-key", "cannot read the file", 0},
				{"users[u].user.tokenFile", "cannot read the file", 0},
			}},
		{"cert without key", withCtx(okServer, "client-certificate-data: Q0VSVA==\n"), Options{},
			[]want{{"users[u].user", "no client-key", 0}}},
		{"key without cert", withCtx(okServer, "client-key-data: S0VZ\n"), Options{},
			[]want{{"users[u].user", "no client-certificate", 0}}},
		{"cert file and data", withCtx(okServer, "client-certificate: /dev/null\nclient-certificate-data: Q0VSVA==\nclient-key: /dev/null\nclient-key-data: S0VZ\n"), Options{},
			[]want{
				{"users[u].user.client-certificate-data", "both set", 0},
				{"users[u].user.client-key-data", "both set", 0},
			}},
		{"insecure with CA", withCtx(okServer+"insecure-skip-tls-verify: true\ncertificate-authority-data: Q0E=\n", ""), Options{},
			[]want{{"clusters[k].cluster.insecure-skip-tls-verify", "cannot be true together", 6}}},
		{"proxy scheme", withCtx(okServer+"proxy-url: ftp://proxy\n", ""), Options{},
			[]want{{"clusters[k].cluster.proxy-url", "unsupported scheme", 0}}},
		{"proxy invalid", withCtx(okServer+"proxy-url: \"http://[x\"\n", ""), Options{},
			[]want{{"clusters[k].cluster.proxy-url", "not a valid URL", 0}}},
		{"auth-provider", withCtx(okServer, "auth-provider:\n  name: gcp\n  config: {access-token: x}\n"), Options{},
			[]want{{"users[u].user.auth-provider", `auth-provider "gcp" is not supported`, 0}}},
		{"exec v1alpha1", withCtx(okServer, "exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: c}\n"), Options{},
			[]want{{"users[u].user.exec.apiVersion", "v1alpha1 is no longer supported", 0}}},
		{"exec unknown version", withCtx(okServer, "exec: {apiVersion: foo/v9, command: c}\n"), Options{},
			[]want{{"users[u].user.exec.apiVersion", `"foo/v9" is not supported`, 0}}},
		{"exec v1 needs interactiveMode", withCtx(okServer, "exec: {apiVersion: client.authentication.k8s.io/v1, command: c}\n"), Options{},
			[]want{{"users[u].user.exec.interactiveMode", "is required", 0}}},
		{"exec bad interactiveMode, no command, no apiVersion, env without name",
			withCtx(okServer, "exec:\n  interactiveMode: Sometimes\n  env:\n  - value: v\n"), Options{},
			[]want{
				{"users[u].user.exec.command", "is required", 0},
				{"users[u].user.exec.apiVersion", "is required", 0},
				{"users[u].user.exec.interactiveMode", `"Sometimes" is not valid`, 0},
				{"users[u].user.exec.env", "an entry has no name", 12},
			}},
		{"impersonation without as", withCtx(okServer, "as-groups: [g]\n"), Options{},
			[]want{{"users[u].user.as", "need as", 0}}},
		{"bad base64", withCtx(okServer+"certificate-authority-data: \"!!!\"\n", ""), Options{},
			[]want{{"clusters[k].cluster.certificate-authority-data", "is not valid base64", 6}}},
		{"wrong shapes", "current-context: [a]\nclusters: {}\nusers:\n- name: u\n  user:\n    token: {a: b}\n    as-groups: g\n", Options{},
			[]want{
				{"current-context", "must be a string", 1},
				{"clusters", "must be a list", 2},
				{"users[u].user.token", "must be a string", 6},
				{"users[u].user.as-groups", "must be a list of strings", 7},
			}},
		{"wrong bool", withCtx(okServer+"insecure-skip-tls-verify: \"yes\"\n", ""), Options{},
			[]want{{"clusters[k].cluster.insecure-skip-tls-verify", "must be true or false", 6}}},
		{"duplicate names and keys", "clusters:\n- name: a\n  cluster: {server: https://a}\n- name: a\n  cluster: {server: https://b}\ncurrent-context: x\ncurrent-context: y\n", Options{},
			[]want{
				{"current-context", "defined more than once", 7},
				{"clusters[a]", "name is used more than once in this file (first at line 2)", 4},
				{"current-context", `names context "x"`, 0},
			}},
		{"apiVersion and kind", "apiVersion: v2\nkind: Pod\n", Options{},
			[]want{{"apiVersion", "unsupported apiVersion", 1}, {"kind", "unsupported kind", 2}}},
		{"not a mapping", "- a\n- b\n", Options{},
			[]want{{"(top level)", "must be a mapping", 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			p := e.write("kc", tc.kc)
			o := tc.opts
			o.Getenv, o.HomeDir, o.InClusterDir = e.opts().Getenv, e.home, e.sa
			cfg, err := LoadFile(p, o)
			require.Nil(t, cfg)
			ke := kcErr(t, err)
			var got []string
			for _, pr := range ke.Problems {
				got = append(got, pr.String())
			}
			require.Len(t, ke.Problems, len(tc.want), "problems:\n%s", strings.Join(got, "\n"))
			for i, w := range tc.want {
				pr := ke.Problems[i]
				assert.Equal(t, w.field, pr.Field, pr.String())
				assert.Contains(t, pr.Message, w.msg, pr.String())
				if w.line != 0 {
					assert.Equal(t, w.line, pr.Line, pr.String())
				}
				if w.field != "" && !strings.HasPrefix(w.field, "--") {
					assert.Equal(t, p, pr.File)
				}
			}
		})
	}
}

func TestProblemsUnwrap(t *testing.T) {
	e := newEnv(t)
	p := e.write("kc", withCtx(okServer+"certificate-authority: nope\n", ""))
	_, err := LoadFile(p, e.opts())
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), filepath.Join(filepath.Dir(p), "nope"))
}

// TestStaleEntriesIgnored: like kubectl, entries the selection does not use
// are not validated.
func TestStaleEntriesIgnored(t *testing.T) {
	e := newEnv(t)
	p := e.write("kc", withCtx(okServer, "token: t\n")+`- name: stale
  context: {cluster: old, user: old}
`)
	p2 := e.write("kc2", strings.Replace(string(mustRead(t, p)), "clusters:\n", "clusters:\n- name: old\n  cluster: {certificate-authority: /no/such/file}\n", 1))
	for _, f := range []string{p, p2} {
		cfg, err := LoadFile(f, e.opts())
		require.NoError(t, err)
		assert.Equal(t, "https://k", cfg.Server)
	}
}

func TestErrorsNeverContainSecrets(t *testing.T) {
	secrets := []string{
		"TOKEN-S3CRET", "PASSW0RD-S3CRET", "KEYDATA-S3CRET", "EXECENV-S3CRET", "PROXYPASS-S3CRET",
		"PROVIDER-S3CRET", "NESTED-S3CRET", "ENVSTR-S3CRET", "ARGS-S3CRET",
	}
	keyData := base64.StdEncoding.EncodeToString([]byte("KEYDATA-S3CRET"))
	kc := `current-context: c
clusters:
- name: k
  cluster:
    server: https://k
    proxy-url: ftp://user:PROXYPASS-S3CRET@proxy
users:
- name: u
  user:
    token: TOKEN-S3CRET
    username: admin
    password: PASSW0RD-S3CRET
    client-key-data: ` + keyData + `
    auth-provider: {name: oidc, config: {id-token: PROVIDER-S3CRET}}
    exec:
      apiVersion: client.authentication.k8s.io/v1alpha1
      command: c
      env:
      - {name: K, value: EXECENV-S3CRET}
      - {value: EXECENV-S3CRET}
- name: u2
  user:
    token: {NESTED-S3CRET: x}
    client-key-data: "KEYDATA-S3CRET"
    exec:
      env: ENVSTR-S3CRET
      args: {ARGS-S3CRET: 1}
contexts:
- name: c
  context: {cluster: k, user: u}
`
	e := newEnv(t)
	p := e.write("kc", kc)
	for _, user := range []string{"u", "u2"} {
		o := e.opts()
		o.User = user
		_, err := LoadFile(p, o)
		ke := kcErr(t, err)
		assert.GreaterOrEqual(t, len(ke.Problems), 3)
		for _, text := range []string{err.Error(), fmt.Sprintf("%v", ke.Problems), fmt.Sprintf("%+v", ke.Problems), fmt.Sprintf("%#v", ke.Problems)} {
			for _, s := range secrets {
				assert.NotContains(t, text, s)
			}
		}
	}

	// A syntax error next to a secret does not quote it either.
	p = e.write("bad", "users:\n- name: u\n  user:\n    token: \"TOKEN-S3CRET\n  x: [\n")
	_, err := LoadFile(p, e.opts())
	kcErr(t, err)
	assert.NotContains(t, err.Error(), "TOKEN-S3CRET")
	p = e.write("bad.json", `{"users": [{"name": "u", "user": {"token": "TOKEN-S3CRET" "x"}}]}`)
	_, err = LoadFile(p, e.opts())
	kcErr(t, err)
	assert.NotContains(t, err.Error(), "TOKEN-S3CRET")
}

func TestAliasBombIsAProblem(t *testing.T) {
	var b strings.Builder
	b.WriteString("m0: &m0 {a: 1}\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "m%d: &m%d {<<: [*m%d, *m%d, *m%d, *m%d, *m%d, *m%d]}\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("s0: &s0 [a, a, a, a, a, a, a, a]\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "s%d: &s%d [*s%d, *s%d, *s%d, *s%d, *s%d, *s%d, *s%d, *s%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("clusters:\n- name: k\n  cluster: *m12\n- name: e\n  cluster: {extensions: [{name: client.authentication.k8s.io/exec, extension: *s8}]}\n")
	e := newEnv(t)
	p := e.write("kc", b.String())
	o := e.opts()
	o.Cluster = "e"
	_, err := LoadFile(p, o)
	ke := kcErr(t, err)
	require.Len(t, ke.Problems, 1)
	assert.Contains(t, ke.Problems[0].Message, "expands to too many nodes")
}
