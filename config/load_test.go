package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serverOnly is a kubeconfig whose only purpose is to say which file won.
func serverOnly(server string) string {
	return `current-context: c
clusters:
- name: k
  cluster:
    server: ` + server + `
contexts:
- name: c
  context:
    cluster: k
`
}

func TestLoadResolutionOrder(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(e *testEnv, o *Options)
		server string // the expected server; empty means an error
		method string
		check  func(t *testing.T, err error)
	}{{
		name: "explicit path wins over KUBECONFIG and home",
		setup: func(e *testEnv, o *Options) {
			o.Kubeconfig = e.write("explicit", serverOnly("https://explicit"))
			e.vars["KUBECONFIG"] = e.write("env", serverOnly("https://env"))
			e.homeConfig(serverOnly("https://home"))
			e.inCluster("")
		},
		server: "https://explicit", method: MethodKubeconfig,
	}, {
		name: "missing explicit path is an error, no fallback",
		setup: func(e *testEnv, o *Options) {
			o.Kubeconfig = filepath.Join(e.home, "nope")
			e.homeConfig(serverOnly("https://home"))
			e.inCluster("")
		},
		check: func(t *testing.T, err error) {
			ke := kcErr(t, err)
			require.Len(t, ke.Problems, 1)
			assert.ErrorIs(t, err, fs.ErrNotExist)
			assert.Contains(t, err.Error(), "nope")
		},
	}, {
		name: "KUBECONFIG wins over home",
		setup: func(e *testEnv, o *Options) {
			e.vars["KUBECONFIG"] = e.write("env", serverOnly("https://env"))
			e.homeConfig(serverOnly("https://home"))
		},
		server: "https://env", method: MethodKubeconfig,
	}, {
		name: "KUBECONFIG empty entries are ignored",
		setup: func(e *testEnv, o *Options) {
			p := e.write("env", serverOnly("https://env"))
			sep := string(os.PathListSeparator)
			e.vars["KUBECONFIG"] = sep + sep + p + sep
		},
		server: "https://env", method: MethodKubeconfig,
	}, {
		name: "KUBECONFIG of missing files does not read home; in-cluster follows",
		setup: func(e *testEnv, o *Options) {
			e.vars["KUBECONFIG"] = filepath.Join(e.home, "missing")
			e.homeConfig(serverOnly("https://home"))
			e.inCluster("")
		},
		server: "https://10.96.0.1:443", method: MethodInCluster,
	}, {
		name: "home when KUBECONFIG is unset",
		setup: func(e *testEnv, o *Options) {
			e.homeConfig(serverOnly("https://home"))
			e.inCluster("")
		},
		server: "https://home", method: MethodKubeconfig,
	}, {
		name: "HOME from Getenv when HomeDir is empty",
		setup: func(e *testEnv, o *Options) {
			o.HomeDir = ""
			e.vars["HOME"] = e.home
			e.vars["USERPROFILE"] = e.home
			e.homeConfig(serverOnly("https://home"))
		},
		server: "https://home", method: MethodKubeconfig,
	}, {
		name:   "in-cluster when no kubeconfig exists",
		setup:  func(e *testEnv, o *Options) { e.inCluster("") },
		server: "https://10.96.0.1:443", method: MethodInCluster,
	}, {
		name: "in-cluster when the kubeconfig selects nothing",
		setup: func(e *testEnv, o *Options) {
			e.homeConfig("# empty\n")
			e.inCluster("")
		},
		server: "https://10.96.0.1:443", method: MethodInCluster,
	}, {
		name: "explicit empty file falls back to in-cluster, as kubectl",
		setup: func(e *testEnv, o *Options) {
			o.Kubeconfig = e.write("empty", "")
			e.inCluster("")
		},
		server: "https://10.96.0.1:443", method: MethodInCluster,
	}, {
		name: "nothing at all names everything tried",
		setup: func(e *testEnv, o *Options) {
			e.vars["KUBECONFIG"] = filepath.Join(e.home, "a") + string(os.PathListSeparator) + filepath.Join(e.home, "b")
		},
		check: func(t *testing.T, err error) {
			var nc *NoConfigError
			require.ErrorAs(t, err, &nc)
			msg := err.Error()
			for _, want := range []string{
				filepath.Join(e0(t, err), "a"), "KUBECONFIG entry 1 of 2", "KUBECONFIG entry 2 of 2",
				"KUBERNETES_SERVICE_HOST is not set", "KUBERNETES_SERVICE_PORT is not set", "no service-account token",
			} {
				assert.Contains(t, msg, want)
			}
			assert.ErrorIs(t, err, ErrNotInCluster)
			assert.ErrorIs(t, err, fs.ErrNotExist)
			assert.Len(t, nc.Tried, 3)
		},
	}, {
		name: "nothing: home path and empty kubeconfig are named",
		setup: func(e *testEnv, o *Options) {
			e.homeConfig("clusters: []\n")
			e.vars["KUBERNETES_SERVICE_HOST"] = "10.0.0.1"
		},
		check: func(t *testing.T, err error) {
			var nc *NoConfigError
			require.ErrorAs(t, err, &nc)
			assert.Contains(t, err.Error(), filepath.Join(".kube", "config")+": no current-context")
			assert.Contains(t, err.Error(), "KUBERNETES_SERVICE_PORT is not set")
			assert.NotContains(t, err.Error(), "KUBERNETES_SERVICE_HOST is not set")
		},
	}, {
		name: "an invalid kubeconfig does not fall back to in-cluster",
		setup: func(e *testEnv, o *Options) {
			e.homeConfig("current-context: nope\n")
			e.inCluster("")
		},
		check: func(t *testing.T, err error) {
			ke := kcErr(t, err)
			assert.Contains(t, ke.Problems[0].Message, `names context "nope", which is not defined`)
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			o := e.opts()
			tc.setup(e, &o)
			cfg, err := Load(o)
			if tc.check != nil {
				require.Nil(t, cfg)
				tc.check(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.server, cfg.Server)
			assert.Equal(t, tc.method, cfg.Source.Method)
		})
	}
}

// e0 recovers the temp home directory from a NoConfigError message (the
// first KUBECONFIG entry's directory), so the test can check the full path.
func e0(t *testing.T, err error) string {
	t.Helper()
	var nc *NoConfigError
	require.ErrorAs(t, err, &nc)
	msg := nc.Tried[0].Error()
	i := strings.Index(msg, string(filepath.Separator))
	j := strings.LastIndex(msg, " does not exist")
	require.True(t, i >= 0 && j > i, msg)
	return filepath.Dir(msg[i:j])
}

func TestMergeRules(t *testing.T) {
	e := newEnv(t)
	first := e.write("first", `
clusters:
- name: shared
  cluster:
    server: https://first
users:
- name: u1
  user:
    token: first-token
contexts:
- name: ctx
  context:
    cluster: shared
    user: u2
    namespace: from-first
`)
	second := e.write("second", `
current-context: ctx
clusters:
- name: shared
  cluster:
    server: https://second
users:
- name: u2
  user:
    username: bob
    password: second-password
contexts:
- name: ctx
  context:
    cluster: shared
    namespace: from-second
`)
	third := e.write("third", "current-context: later\n")
	missing := filepath.Join(filepath.Dir(first), "missing")
	e.vars["KUBECONFIG"] = strings.Join([]string{first, missing, second, third}, string(os.PathListSeparator))

	cfg, err := Load(e.opts())
	require.NoError(t, err)
	// current-context: the first file that sets it (second, not third).
	assert.Equal(t, "ctx", cfg.Source.Context.Value)
	assert.Equal(t, second, cfg.Source.Context.File)
	// The context and cluster come from the first file that names them.
	assert.Equal(t, "from-first", cfg.Namespace)
	assert.Equal(t, "https://first", cfg.Server)
	assert.Equal(t, []string{second}, cfg.Source.Cluster.Shadowed)
	assert.Equal(t, []string{second}, cfg.Source.Context.Shadowed)
	// The user only the second file defines is found there.
	assert.Equal(t, "bob", cfg.Auth.Username)
	assert.Equal(t, "second-password", cfg.Auth.Password.Reveal())
	assert.Equal(t, "users[u2] ("+second+":8)", cfg.Source.User.Defined)

	require.Len(t, cfg.Source.Files, 4)
	assert.Equal(t, SourceFile{Path: missing, From: "KUBECONFIG entry 2 of 4", Missing: true}, cfg.Source.Files[1])
	assert.Equal(t, "KUBECONFIG entry 3 of 4", cfg.Source.Files[2].From)
	assert.Len(t, cfg.Source.Tried, 1, "the missing entry is recorded")
}

func TestMergeDuplicateKubeconfigEntries(t *testing.T) {
	e := newEnv(t)
	p := e.write("a", basic)
	e.vars["KUBECONFIG"] = p + string(os.PathListSeparator) + p
	cfg, err := Load(e.opts())
	require.NoError(t, err)
	assert.Len(t, cfg.Source.Files, 1)
	assert.Empty(t, cfg.Source.Context.Shadowed)
}

func TestOverrides(t *testing.T) {
	const kc = `current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
    tls-server-name: dev.internal
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
users:
- name: jane
  user:
    token: jane-token
- name: admin
  user:
    username: admin
    password: admin-password
contexts:
- name: dev
  context: {cluster: dev-cluster, user: jane, namespace: team-a}
- name: prod
  context: {cluster: prod-cluster, user: admin}
`
	tests := []struct {
		name      string
		opts      Options
		server    string
		namespace string
		user      string // Auth.Username, or "token" for jane
		sni       string
		why       func(t *testing.T, s *Source)
	}{{
		name: "none", server: "https://dev.example:6443", namespace: "team-a", user: "token", sni: "dev.internal",
		why: func(t *testing.T, s *Source) {
			assert.Equal(t, `namespace of context "dev"`, s.Namespace.Why)
			assert.Equal(t, "contexts[dev].context.namespace", s.Namespace.Field)
		},
	}, {
		name: "context", opts: Options{Context: "prod"}, server: "https://prod.example:6443", namespace: "default", user: "admin",
		why: func(t *testing.T, s *Source) {
			assert.Equal(t, "--context (Options.Context)", s.Context.Why)
			assert.Contains(t, s.Namespace.Why, "default")
		},
	}, {
		name: "cluster", opts: Options{Cluster: "prod-cluster"}, server: "https://prod.example:6443", namespace: "team-a", user: "token",
		why: func(t *testing.T, s *Source) { assert.Equal(t, "--cluster (Options.Cluster)", s.Cluster.Why) },
	}, {
		name: "user", opts: Options{User: "admin"}, server: "https://dev.example:6443", namespace: "team-a", user: "admin", sni: "dev.internal",
		why: func(t *testing.T, s *Source) { assert.Equal(t, "--user (Options.User)", s.User.Why) },
	}, {
		name: "namespace", opts: Options{Namespace: "kube-system"}, server: "https://dev.example:6443", namespace: "kube-system", user: "token", sni: "dev.internal",
		why: func(t *testing.T, s *Source) { assert.Equal(t, "--namespace (Options.Namespace)", s.Namespace.Why) },
	}, {
		name: "server drops tls-server-name", opts: Options{Server: "https://1.2.3.4:6443"}, server: "https://1.2.3.4:6443", namespace: "team-a", user: "token",
		why: func(t *testing.T, s *Source) {
			assert.Equal(t, "--server (Options.Server)", s.Server.Why)
			assert.Contains(t, strings.Join(s.Notes, "\n"), "dropped clusters[dev-cluster].cluster.tls-server-name")
		},
	}, {
		name: "all", opts: Options{Context: "prod", Cluster: "dev-cluster", User: "jane", Namespace: "x", Server: "https://s"},
		server: "https://s", namespace: "x", user: "token",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			p := e.write("kc", kc)
			o := tc.opts
			o.Getenv, o.HomeDir, o.InClusterDir = e.opts().Getenv, e.home, e.sa
			cfg, err := LoadFile(p, o)
			require.NoError(t, err)
			assert.Equal(t, tc.server, cfg.Server)
			assert.Equal(t, tc.namespace, cfg.Namespace)
			assert.Equal(t, tc.sni, cfg.TLS.ServerName)
			if tc.user == "token" {
				assert.Equal(t, "jane-token", cfg.Auth.Token.Reveal())
				assert.Empty(t, cfg.Auth.Username)
			} else {
				assert.Equal(t, tc.user, cfg.Auth.Username)
				assert.Empty(t, cfg.Auth.Token)
			}
			if tc.why != nil {
				tc.why(t, cfg.Source)
			}
		})
	}
}

func TestServerOverrideWithoutKubeconfig(t *testing.T) {
	e := newEnv(t)
	e.inCluster("")
	o := e.opts()
	o.Server = "https://override:6443"
	o.Namespace = "ns"
	cfg, err := Load(o)
	require.NoError(t, err)
	assert.Equal(t, "https://override:6443", cfg.Server)
	assert.Equal(t, "ns", cfg.Namespace)
	assert.Equal(t, MethodOverrides, cfg.Source.Method)
	assert.Empty(t, cfg.Auth.TokenFile, "kubectl does not mix --server with the in-cluster token")
}

func TestInClusterNamespaceOverride(t *testing.T) {
	e := newEnv(t)
	e.inCluster("from-file")
	o := e.opts()
	o.Namespace = "flag-ns"
	cfg, err := Load(o)
	require.NoError(t, err)
	assert.Equal(t, "flag-ns", cfg.Namespace)
	assert.Contains(t, cfg.Source.Namespace.Why, "--namespace")
	assert.NotEmpty(t, cfg.Source.Tried, "the missing home kubeconfig is recorded")
}

func TestUnknownNamesWithoutKubeconfig(t *testing.T) {
	e := newEnv(t)
	e.inCluster("")
	o := e.opts()
	o.Context = "dev"
	_, err := Load(o)
	var nc *NoConfigError
	require.ErrorAs(t, err, &nc)
	ke := kcErr(t, err)
	assert.Equal(t, "--context", ke.Problems[0].Field)
	assert.Contains(t, err.Error(), "no kubeconfig file was found")
	assert.ErrorIs(t, err, fs.ErrNotExist, "the missing home file is kept as a cause")
}

func TestRelativePaths(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(filepath.Dir(e.home), "conf", "sub")
	for _, f := range []string{"ca.crt", "certs/client.crt", "certs/client.key", "token"} {
		e.write(filepath.Join(dir, f), "x")
	}
	p := e.write(filepath.Join(dir, "kc"), `current-context: c
clusters:
- name: k
  cluster:
    server: https://k
    certificate-authority: ca.crt
users:
- name: cert
  user:
    client-certificate: certs/client.crt
    client-key: ./certs/client.key
    tokenFile: token
- name: exec-rel
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never, command: bin/plugin}
- name: exec-bare
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never, command: plugin}
- name: exec-abs
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never, command: /usr/bin/plugin}
contexts:
- name: c
  context: {cluster: k, user: cert}
`)
	// Loaded through a relative KUBECONFIG entry, from another directory.
	t.Chdir(filepath.Dir(e.home))
	e.vars["KUBECONFIG"] = filepath.Join("conf", "sub", "kc")
	cfg, err := Load(e.opts())
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "ca.crt"), cfg.TLS.CAFile)
	assert.Equal(t, filepath.Join(dir, "certs", "client.crt"), cfg.TLS.CertFile)
	assert.Equal(t, filepath.Join(dir, "certs", "client.key"), cfg.TLS.KeyFile)
	assert.Equal(t, filepath.Join(dir, "token"), cfg.Auth.TokenFile)
	assert.Equal(t, p, cfg.Source.Files[0].Path)

	for user, want := range map[string]string{
		"exec-rel":  filepath.Join(dir, "bin", "plugin"),
		"exec-bare": "plugin",
		"exec-abs":  "/usr/bin/plugin",
	} {
		o := e.opts()
		o.User = user
		cfg, err := LoadFile(p, o)
		require.NoError(t, err, user)
		assert.Equal(t, want, cfg.Auth.Exec.Command, user)
	}
}

func TestAuthAndClusterFields(t *testing.T) {
	e := newEnv(t)
	p := e.write("kc", `apiVersion: v1
kind: Config
current-context: c
clusters:
- name: k
  cluster:
    server: https://k:6443
    certificate-authority-data: Q0EtREFUQQ==
    tls-server-name: k.internal
    proxy-url: socks5://proxy:1080
    disable-compression: true
    extensions:
    - name: other
      extension: {ignored: true}
    - name: client.authentication.k8s.io/exec
      extension:
        audience: kube
        weight: 3
        ratio: 1.5
        flags: [a, true, null]
- name: insecure
  cluster:
    server: https://insecure
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZLURBVEE=
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
      args: [eks, get-token]
      env:
      - name: AWS_PROFILE
        value: exec-env-secret
      installHint: install aws
      provideClusterInfo: true
      interactiveMode: Never
    as: alice
    as-uid: "1234"
    as-groups: [devs, ops]
    as-user-extra:
      scopes: [read, write]
- name: beta
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
contexts:
- name: c
  context: {cluster: k, user: u}
`)
	cfg, err := LoadFile(p, e.opts())
	require.NoError(t, err)
	assert.Equal(t, "https://k:6443", cfg.Server)
	assert.Equal(t, []byte("CA-DATA"), cfg.TLS.CAData)
	assert.Equal(t, "k.internal", cfg.TLS.ServerName)
	assert.Equal(t, "socks5://proxy:1080", cfg.ProxyURL)
	assert.True(t, cfg.DisableCompression)
	assert.Equal(t, []byte("CERT"), cfg.TLS.CertData)
	assert.Equal(t, "KEY-DATA", cfg.TLS.KeyData.Reveal())
	require.NotNil(t, cfg.Auth.Exec)
	x := cfg.Auth.Exec
	assert.Equal(t, "client.authentication.k8s.io/v1", x.APIVersion)
	assert.Equal(t, "aws", x.Command)
	assert.Equal(t, []string{"eks", "get-token"}, x.Args)
	assert.Equal(t, []EnvVar{{Name: "AWS_PROFILE", Value: "exec-env-secret"}}, x.Env)
	assert.Equal(t, "install aws", x.InstallHint)
	assert.True(t, x.ProvideClusterInfo)
	assert.Equal(t, "Never", x.InteractiveMode)
	assert.JSONEq(t, `{"audience":"kube","weight":3,"ratio":1.5,"flags":["a",true,null]}`, string(x.Config))
	assert.Equal(t, Impersonate{User: "alice", UID: "1234", Groups: []string{"devs", "ops"},
		Extra: map[string][]string{"scopes": {"read", "write"}}}, cfg.Impersonate)
	assert.Contains(t, cfg.Source.Auth.Value, `exec plugin "aws"`)
	assert.Contains(t, cfg.Source.Auth.Value, "client certificate")

	o := e.opts()
	o.User, o.Cluster = "beta", "insecure"
	cfg, err = LoadFile(p, o)
	require.NoError(t, err)
	assert.True(t, cfg.TLS.Insecure)
	assert.Equal(t, "IfAvailable", cfg.Auth.Exec.InteractiveMode, "v1beta1 defaults to IfAvailable")
	assert.Nil(t, cfg.Auth.Exec.Config)
}

func TestJSONKubeconfig(t *testing.T) {
	e := newEnv(t)
	// Tabs and the "\/" escape are valid JSON but not valid YAML.
	p := e.write("kc.json", "{\n\t\"apiVersion\": \"v1\",\n\t\"current-context\": \"c\",\n"+
		"\t\"clusters\": [{\"name\": \"k\", \"cluster\": {\"server\": \"https:\\/\\/json.example\", \"insecure-skip-tls-verify\": true,\n"+
		"\t\t\"extensions\": [{\"name\": \"client.authentication.k8s.io\\/exec\", \"extension\": {\"a\": [1, 2.5, \"\\u00e9\"]}}]}}],\n"+
		"\t\"users\": [{\"name\": \"u\", \"user\": {\"exec\": {\"apiVersion\": \"client.authentication.k8s.io/v1beta1\", \"command\": \"p\"}}}],\n"+
		"\t\"contexts\": [{\"name\": \"c\", \"context\": {\"cluster\": \"k\", \"user\": \"u\", \"namespace\": \"js\"}}]\n}\n")
	cfg, err := LoadFile(p, e.opts())
	require.NoError(t, err)
	assert.Equal(t, "https://json.example", cfg.Server)
	assert.Equal(t, "js", cfg.Namespace)
	assert.True(t, cfg.TLS.Insecure)
	assert.JSONEq(t, `{"a":[1,2.5,"é"]}`, string(cfg.Auth.Exec.Config))
	assert.Equal(t, 7, cfg.Source.Namespace.Line)

	// Plain JSON that YAML reads too.
	p = e.write("kc2.json", `{"current-context":"c","clusters":[{"name":"k","cluster":{"server":"https://j2"}}],"contexts":[{"name":"c","context":{"cluster":"k"}}]}`)
	cfg, err = LoadFile(p, e.opts())
	require.NoError(t, err)
	assert.Equal(t, "https://j2", cfg.Server)
}

func TestYAMLAnchorsAndMergeKeys(t *testing.T) {
	e := newEnv(t)
	p := e.write("kc", `current-context: c
clusters:
- name: k
  cluster: &base
    server: https://anchored
    tls-server-name: base
- name: k2
  cluster:
    <<: *base
    tls-server-name: own
contexts:
- name: c
  context: {cluster: k2}
`)
	cfg, err := LoadFile(p, e.opts())
	require.NoError(t, err)
	assert.Equal(t, "https://anchored", cfg.Server)
	assert.Equal(t, "own", cfg.TLS.ServerName)
}

func TestServerScheme(t *testing.T) {
	tests := []struct{ extra, want string }{
		{"", "http://k.example:6443"},
		{"\n    insecure-skip-tls-verify: true", "https://k.example:6443"},
		{"\n    certificate-authority-data: Q0E=", "https://k.example:6443"},
	}
	for _, tc := range tests {
		e := newEnv(t)
		p := e.write("kc", "current-context: c\nclusters:\n- name: k\n  cluster:\n    server: k.example:6443"+tc.extra+
			"\ncontexts:\n- name: c\n  context: {cluster: k}\n")
		cfg, err := LoadFile(p, e.opts())
		require.NoError(t, err)
		assert.Equal(t, tc.want, cfg.Server)
		assert.Contains(t, strings.Join(cfg.Source.Notes, "\n"), "no scheme")
	}
}

func TestLoadFileNothingSelected(t *testing.T) {
	e := newEnv(t)
	p := e.write("kc", "clusters: []\n")
	_, err := LoadFile(p, e.opts())
	ke := kcErr(t, err)
	assert.Equal(t, "current-context", ke.Problems[0].Field)

	// A cluster chosen by name needs no context.
	p = e.write("kc2", "clusters:\n- name: k\n  cluster: {server: https://k}\nusers:\n- name: u\n  user: {token: t}\n")
	o := e.opts()
	o.Cluster, o.User = "k", "u"
	cfg, err := LoadFile(p, o)
	require.NoError(t, err)
	assert.Equal(t, "https://k", cfg.Server)
	assert.Equal(t, "t", cfg.Auth.Token.Reveal())
	assert.Equal(t, "default", cfg.Namespace)
}

func TestUnreadableKubeconfig(t *testing.T) {
	e := newEnv(t)
	e.vars["KUBECONFIG"] = e.home // a directory
	_, err := Load(e.opts())
	ke := kcErr(t, err)
	assert.Contains(t, ke.Problems[0].Message, "cannot read the kubeconfig (KUBECONFIG entry 1 of 1)")
	assert.False(t, errors.Is(err, ErrNotInCluster))
}
