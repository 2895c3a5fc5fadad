package config

import (
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kubectlFlags are the flag names kubectl registers for the connection.
var kubectlFlags = []string{
	"kubeconfig", "context", "cluster", "user", "namespace", "server", "token",
	"as", "as-group", "as-uid", "certificate-authority", "client-certificate",
	"client-key", "insecure-skip-tls-verify", "tls-server-name", "request-timeout",
}

func allArgs(prefix string) []string {
	return []string{
		prefix + "kubeconfig", "/k", prefix + "context", "c", prefix + "cluster", "cl", prefix + "user", "u",
		prefix + "namespace", "ns", prefix + "server", "https://s", prefix + "token", "T0KEN-S3CRET",
		prefix + "as", "jane", prefix + "as-group", "g1", prefix + "as-group", "g2", prefix + "as-uid", "42",
		prefix + "certificate-authority", "/ca", prefix + "client-certificate", "/crt", prefix + "client-key", "/key",
		prefix + "insecure-skip-tls-verify=true", prefix + "tls-server-name", "name", prefix + "request-timeout", "90",
	}
}

var allWant = Options{
	Kubeconfig: "/k", Context: "c", Cluster: "cl", User: "u", Namespace: "ns", Server: "https://s",
	Token: "T0KEN-S3CRET", As: "jane", AsGroups: []string{"g1", "g2"}, AsUID: "42",
	CertificateAuthority: "/ca", ClientCertificate: "/crt", ClientKey: "/key",
	InsecureSkipTLSVerify: true, TLSServerName: "name", Timeout: 90 * time.Second,
}

func TestBindFlagsStdlib(t *testing.T) {
	var o Options
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	o.BindFlags(fs)
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	assert.ElementsMatch(t, kubectlFlags, names, "no -n: the standard library has no shorthands")
	require.NoError(t, fs.Parse(allArgs("--")))
	assert.Equal(t, allWant, o)

	var usage strings.Builder
	fs.SetOutput(&usage)
	fs.PrintDefaults()
	assert.NotContains(t, usage.String(), "S3CRET")

	o = Options{}
	fs = flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(&usage)
	o.BindFlags(fs)
	err := fs.Parse([]string{"-request-timeout", "-1s"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "request-timeout")
}

// fakePFlag has pflag's method set (as of spf13/pflag v1.0.10) for the
// methods BindFlags may use; bench/ runs the same check on the real pflag.
type fakePFlag struct {
	flags map[string]func(string) error
	short map[string]string // shorthand -> name
}

func newFakePFlag() *fakePFlag {
	return &fakePFlag{flags: map[string]func(string) error{}, short: map[string]string{}}
}

func (f *fakePFlag) define(name, shorthand string, set func(string) error) {
	if _, dup := f.flags[name]; dup {
		panic("flag redefined: " + name)
	}
	f.flags[name] = set
	if shorthand != "" {
		f.short[shorthand] = name
	}
}

func (f *fakePFlag) StringVar(p *string, name, value, usage string) {
	f.StringVarP(p, name, "", value, usage)
}

func (f *fakePFlag) StringVarP(p *string, name, shorthand, value, usage string) {
	*p = value
	f.define(name, shorthand, func(s string) error { *p = s; return nil })
}

func (f *fakePFlag) BoolVar(p *bool, name string, value bool, usage string) {
	f.BoolVarP(p, name, "", value, usage)
}

func (f *fakePFlag) BoolVarP(p *bool, name, shorthand string, value bool, usage string) {
	*p = value
	f.define(name, shorthand, func(s string) error { *p = s == "true"; return nil })
}

func (f *fakePFlag) Func(name, usage string, fn func(string) error) { f.FuncP(name, "", usage, fn) }

func (f *fakePFlag) FuncP(name, shorthand, usage string, fn func(string) error) {
	f.define(name, shorthand, fn)
}

// parse handles "--name value", "--name=value" and "-x value".
func (f *fakePFlag) parse(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		var name string
		switch {
		case strings.HasPrefix(a, "--"):
			name = a[2:]
		case strings.HasPrefix(a, "-") && len(a) == 2:
			name = f.short[a[1:]]
		}
		val, hasVal := "", false
		if n, v, ok := strings.Cut(name, "="); ok {
			name, val, hasVal = n, v, true
		}
		set, ok := f.flags[name]
		if !ok {
			return errors.New("unknown flag " + a)
		}
		if !hasVal {
			i++
			val = args[i]
		}
		if err := set(val); err != nil {
			return err
		}
	}
	return nil
}

func TestBindFlagsPFlagShape(t *testing.T) {
	var o Options
	fs := newFakePFlag()
	o.BindFlags(fs)
	var names []string
	for n := range fs.flags {
		names = append(names, n)
	}
	assert.ElementsMatch(t, kubectlFlags, names)
	assert.Equal(t, map[string]string{"n": "namespace"}, fs.short)
	require.NoError(t, fs.parse(allArgs("--")))
	assert.Equal(t, allWant, o)

	o = Options{}
	fs = newFakePFlag()
	o.BindFlags(fs)
	require.NoError(t, fs.parse([]string{"-n", "short", "--request-timeout", "2m"}))
	assert.Equal(t, "short", o.Namespace)
	assert.Equal(t, 2*time.Minute, o.Timeout)
}

func TestParseTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "0": 0, "5": 5 * time.Second, "1m30s": 90 * time.Second, " 2s ": 2 * time.Second} {
		d, err := ParseTimeout(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, d, in)
	}
	for _, in := range []string{"-1", "-1s", "soon", "1x"} {
		_, err := ParseTimeout(in)
		assert.ErrorIs(t, err, ErrInvalidTimeout, in)
	}
}

func TestCredentialOverrides(t *testing.T) {
	e := newEnv(t)
	ca := e.write("ca.crt", "x")
	crt := e.write("u.crt", "x")
	key := e.write("u.key", "x")
	path := e.write("kc", `current-context: dev
clusters:
- name: c
  cluster: {server: https://h, certificate-authority-data: eA==, tls-server-name: orig}
contexts:
- name: dev
  context: {cluster: c, user: u}
users:
- name: u
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: plugin}
    client-certificate-data: eA==
    client-key-data: eA==
    as: admin
    as-groups: [a]
`)
	o := e.opts()
	o.Kubeconfig = path
	o.Token = "OVERRIDE-S3CRET"
	o.CertificateAuthority = ca
	o.ClientCertificate, o.ClientKey = crt, key
	o.AsGroups = []string{"g"}
	o.TLSServerName = "tls"
	o.Timeout = time.Minute
	cfg, err := Load(o)
	require.NoError(t, err)
	assert.Equal(t, "OVERRIDE-S3CRET", cfg.Auth.Token.Reveal())
	assert.Nil(t, cfg.Auth.Exec, "--token replaces the exec plugin")
	assert.Equal(t, TLS{CAFile: ca, CertFile: crt, KeyFile: key, ServerName: "tls"}, cfg.TLS)
	assert.Equal(t, Impersonate{User: "admin", Groups: []string{"g"}}, cfg.Impersonate)
	assert.Equal(t, time.Minute, cfg.Timeout)
	assert.Equal(t, "bearer token", cfg.Source.Auth.Value)
	assert.NotContains(t, Explain(cfg), "S3CRET")

	o = e.opts()
	o.Kubeconfig = path
	o.InsecureSkipTLSVerify = true
	o.AsUID = "7"
	cfg, err = Load(o)
	require.NoError(t, err)
	assert.True(t, cfg.TLS.Insecure)
	assert.Empty(t, cfg.TLS.CAData, "insecure drops the CA, as kubectl does")
	assert.Equal(t, Impersonate{User: "admin", UID: "7", Groups: []string{"a"}}, cfg.Impersonate)

	o.CertificateAuthority = "/does/not/exist"
	_, err = Load(o)
	var ke *KubeconfigError
	require.ErrorAs(t, err, &ke)
	var fields []string
	for _, p := range ke.Problems {
		fields = append(fields, p.Field)
	}
	assert.ElementsMatch(t, []string{"--certificate-authority", "--insecure-skip-tls-verify"}, fields)
}

func TestCredentialOverridesInCluster(t *testing.T) {
	e := newEnv(t)
	e.inCluster("team")
	ca := e.write("other-ca.crt", "x")
	o := e.opts()
	o.Token = "FLAG-S3CRET"
	o.CertificateAuthority = ca
	o.As = "jane"
	o.Timeout = 5 * time.Second
	cfg, err := Load(o)
	require.NoError(t, err)
	assert.Equal(t, MethodInCluster, cfg.Source.Method)
	assert.Equal(t, Auth{Token: "FLAG-S3CRET"}, cfg.Auth, "the flag's token replaces the service-account token file")
	assert.Equal(t, ca, cfg.TLS.CAFile)
	assert.Equal(t, "jane", cfg.Impersonate.User)
	assert.Equal(t, 5*time.Second, cfg.Timeout)
	assert.NotContains(t, Explain(cfg), "S3CRET")

	o = e.opts()
	o.AsGroups = []string{"g"}
	_, err = Load(o)
	assert.Equal(t, "--as", kcErr(t, err).Problems[0].Field)
}
