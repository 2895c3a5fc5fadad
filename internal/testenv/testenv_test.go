package testenv

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	b, _ := pem.Decode(data)
	require.NotNil(t, b, "no PEM block in %s", path)
	c, err := x509.ParseCertificate(b.Bytes)
	require.NoError(t, err)
	return c
}

func TestPKI(t *testing.T) {
	dir := t.TempDir()
	p, err := newPKI(dir)
	require.NoError(t, err)

	ca := readCert(t, p.caFile)
	assert.True(t, ca.IsCA)
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	srv := readCert(t, p.serverCertFile)
	for _, name := range []string{"localhost", "kubernetes.default.svc"} {
		_, err := srv.Verify(x509.VerifyOptions{Roots: roots, DNSName: name})
		assert.NoError(t, err, name)
	}
	_, err = srv.Verify(x509.VerifyOptions{Roots: roots, DNSName: "127.0.0.1"})
	assert.NoError(t, err)
	assert.True(t, srv.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)))

	cl := readCert(t, p.clientCertFile)
	assert.Equal(t, []string{"system:masters"}, cl.Subject.Organization)
	_, err = cl.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	assert.NoError(t, err)

	for _, f := range []string{p.caKeyFile, p.srvKey, p.clntKey, p.saKeyFile, p.tokensFile} {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), f)
	}
	pub, err := os.ReadFile(p.saPubFile)
	require.NoError(t, err)
	assert.Contains(t, string(pub), "BEGIN PUBLIC KEY")

	tokens, err := os.ReadFile(p.tokensFile)
	require.NoError(t, err)
	assert.Equal(t, p.adminToken+`,admin,kubewire-admin-uid,"system:masters"`+"\n"+p.janeToken+",jane,kubewire-jane-uid\n", string(tokens))
	assert.Len(t, p.adminToken, 64)
	assert.NotEqual(t, p.adminToken, p.janeToken)
}

func TestTokensCSV(t *testing.T) {
	got := tokensCSV([]tokenLine{
		{Token: "t1", User: "u1", UID: "1", Groups: []string{"g1", "g2"}},
		{Token: "t2", User: "u2", UID: "2"},
	})
	assert.Equal(t, "t1,u1,1,\"g1,g2\"\nt2,u2,2\n", got)
}

func TestFindBinaries(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "prog")
	require.NoError(t, os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755))
	plain := filepath.Join(dir, "plain")
	require.NoError(t, os.WriteFile(plain, nil, 0o644))

	t.Run("env", func(t *testing.T) {
		t.Setenv(EnvAPIServerBin, exe)
		t.Setenv(EnvEtcdBin, exe)
		b, err := FindBinaries()
		require.NoError(t, err)
		assert.Equal(t, Binaries{APIServer: exe, Etcd: exe}, b)
	})
	t.Run("cache", func(t *testing.T) {
		cache := t.TempDir()
		bin := filepath.Join(cache, "kube-apiserver-v"+APIServerVersion)
		require.NoError(t, os.WriteFile(bin, nil, 0o755))
		t.Setenv(EnvAPIServerBin, "")
		t.Setenv(EnvCache, cache)
		t.Setenv(EnvEtcdBin, exe)
		b, err := FindBinaries()
		require.NoError(t, err)
		assert.Equal(t, bin, b.APIServer)
	})
	t.Run("missing", func(t *testing.T) {
		t.Setenv(EnvAPIServerBin, "")
		t.Setenv(EnvCache, t.TempDir())
		t.Setenv(EnvEtcdBin, plain)
		_, err := FindBinaries()
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrBinaryNotFound))
		assert.Contains(t, err.Error(), ".ci/build-apiserver.sh")
		assert.Contains(t, err.Error(), "not an executable")
	})
}

func TestAggregate(t *testing.T) {
	const doc = `[
	 {"metadata":{"name":"admin"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"agg/admin":"true"}}]}},
	 {"metadata":{"name":"edit","labels":{"agg/admin":"true"}},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"agg/edit":"true"}}]}},
	 {"metadata":{"name":"view","labels":{"agg/edit":"true"}},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"agg/view":"true"}}]}},
	 {"metadata":{"name":"to-view","labels":{"agg/view":"true"}},"rules":[{"verbs":["get"],"resources":["pods"]}]},
	 {"metadata":{"name":"to-edit","labels":{"agg/edit":"true"}},"rules":[{"verbs":["create"],"resources":["pods"]},{"verbs":["get"],"resources":["pods"]}]},
	 {"metadata":{"name":"other","labels":{"agg/view":"false"}},"rules":[{"verbs":["*"],"resources":["*"]}]},
	 {"metadata":{"name":"expr","labels":{"tier":"x"}},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"agg/view","operator":"In","values":["false"]}]}]}}
	]`
	var roles []clusterRole
	require.NoError(t, json.Unmarshal([]byte(doc), &roles))
	changed := aggregate(roles)
	assert.Equal(t, []int{0, 1, 2, 6}, changed)

	verbs := func(r clusterRole) []string {
		var out []string
		for _, rule := range r.Rules {
			out = append(out, rule["verbs"].([]any)[0].(string))
		}
		return out
	}
	assert.Equal(t, []string{"get"}, verbs(roles[2]))
	assert.Equal(t, []string{"get", "create"}, verbs(roles[1]), "view's rules plus to-edit's, deduplicated")
	assert.Equal(t, []string{"get", "create"}, verbs(roles[0]))
	assert.Equal(t, []string{"*"}, verbs(roles[6]))

	assert.Empty(t, aggregate(roles), "a second pass changes nothing")
}

func TestWriteKubeconfig(t *testing.T) {
	e := &Env{Server: "https://127.0.0.1:1", CAFile: "/ca.crt", CAPEM: []byte("PEM")}
	path := filepath.Join(t.TempDir(), "kc")
	require.NoError(t, e.WriteKubeconfig(path, User{Exec: &ExecUser{
		APIVersion: "client.authentication.k8s.io/v1", Command: "/bin/plugin", Args: []string{"a"},
		Env: map[string]string{"B": "2", "A": "1"}, InteractiveMode: "Never",
	}}, KubeconfigOptions{Namespace: "ns"}))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var kc map[string]any
	require.NoError(t, yaml.Unmarshal(data, &kc))
	assert.Equal(t, "testenv", kc["current-context"])
	s := string(data)
	assert.Contains(t, s, "certificate-authority-data: UEVN")
	assert.Contains(t, s, "interactiveMode: Never")
	assert.Less(t, strings.Index(s, "name: A"), strings.Index(s, "name: B"))
	assert.Contains(t, s, "namespace: ns")
}

func TestLastLines(t *testing.T) {
	assert.Equal(t, "", lastLines(nil, 3))
	assert.Equal(t, "a\nb", lastLines([]byte("a\nb\n"), 3))
	assert.Equal(t, "c\nd", lastLines([]byte("a\nb\nc\nd\n"), 2))
}

func TestSweepStale(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	mk := func(name, pid string) string {
		d := filepath.Join(tmp, dirPrefix+name)
		require.NoError(t, os.Mkdir(d, 0o700))
		if pid != "" {
			require.NoError(t, os.WriteFile(filepath.Join(d, pidFile), []byte(pid), 0o600))
		}
		return d
	}
	dead := mk("dead", "999999999")
	alive := mk("alive", strconv.Itoa(os.Getpid()))
	kept := mk("kept", "")
	sweepStale()
	assert.NoDirExists(t, dead)
	assert.DirExists(t, alive)
	assert.DirExists(t, kept)
}

// fakeBinary writes a shell script standing in for etcd or kube-apiserver.
func fakeBinary(t *testing.T, dir, name, script string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755))
	return p
}

func TestStartRetriesPortCollisions(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", t.TempDir())
	count := filepath.Join(dir, "count")
	etcd := fakeBinary(t, dir, "etcd", `echo run >> `+count+`
echo 'listen tcp 127.0.0.1:1234: bind: address already in use' >&2
exit 1`)
	t.Setenv(EnvEtcdBin, etcd)
	t.Setenv(EnvAPIServerBin, etcd)

	_, err := Start(t.Context())
	require.Error(t, err)
	assert.ErrorIs(t, err, errPortInUse)
	assert.Contains(t, err.Error(), "etcd exited before it was ready")
	assert.Contains(t, err.Error(), "bind: address already in use")
	runs, rerr := os.ReadFile(count)
	require.NoError(t, rerr)
	assert.Equal(t, 3, strings.Count(string(runs), "run"), "three attempts")
}

func TestStartFailureKeepsLogs(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv(EnvEtcdBin, fakeBinary(t, dir, "etcd", `echo "etcd is broken: $*" >&2; exit 3`))
	t.Setenv(EnvAPIServerBin, fakeBinary(t, dir, "apiserver", "exit 1"))

	_, err := Start(t.Context())
	require.Error(t, err)
	assert.NotErrorIs(t, err, errPortInUse)
	msg := err.Error()
	assert.Contains(t, msg, "exit status 3")
	assert.Contains(t, msg, "etcd is broken: --name default")
	assert.Contains(t, msg, "files kept in "+filepath.Join(tmp, dirPrefix))

	dirs, _ := filepath.Glob(filepath.Join(tmp, dirPrefix+"*"))
	require.Len(t, dirs, 1)
	assert.FileExists(t, filepath.Join(dirs[0], "etcd.log"))
	assert.NoFileExists(t, filepath.Join(dirs[0], pidFile), "kept on purpose: not swept")
	data, _ := os.ReadFile(filepath.Join(dirs[0], "tokens.csv"))
	assert.NotContains(t, msg, strings.SplitN(string(data), ",", 2)[0], "no token in the error")
}
