package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadBytesMatchesLoadFile(t *testing.T) {
	e := newEnv(t)
	ca := e.write("pki/ca.crt", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
	kc := `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: ` + ca + `
contexts:
- name: dev
  context: {cluster: c, user: u, namespace: team}
users:
- name: u
  user: {token: S3CRET-TOKEN}
`
	path := e.write("kc", kc)
	fromFile, err := LoadFile(path, e.opts())
	require.NoError(t, err)
	fromBytes, err := LoadBytes([]byte(kc), e.opts())
	require.NoError(t, err)
	assert.Equal(t, fromFile.Server, fromBytes.Server)
	assert.Equal(t, fromFile.Namespace, fromBytes.Namespace)
	assert.Equal(t, fromFile.TLS, fromBytes.TLS)
	assert.Equal(t, fromFile.Auth.Token.Reveal(), fromBytes.Auth.Token.Reveal())
	assert.Equal(t, BytesFile, fromBytes.Source.Files[0].Path)
	assert.Equal(t, BytesFile, fromBytes.Source.Server.File)

	// Overrides apply as for a file.
	o := e.opts()
	o.Namespace = "other"
	cfg, err := LoadBytes([]byte(kc), o)
	require.NoError(t, err)
	assert.Equal(t, "other", cfg.Namespace)
}

func TestLoadBytesRelativePaths(t *testing.T) {
	e := newEnv(t)
	kc := `current-context: dev
clusters:
- name: c
  cluster: {server: https://h, certificate-authority: pki/ca.crt}
contexts:
- name: dev
  context: {cluster: c, user: u}
users:
- name: u
  user:
    client-certificate: ./u.crt
    client-key: u.key
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./bin/plugin}
`
	_, err := LoadBytes([]byte(kc), e.opts())
	var ke *KubeconfigError
	require.True(t, errors.As(err, &ke), "%v", err)
	var fields []string
	for _, p := range ke.Problems {
		assert.Equal(t, BytesFile, p.File)
		assert.NotZero(t, p.Line, p.String())
		assert.Contains(t, p.Message, "relative path")
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{
		"clusters[c].cluster.certificate-authority",
		"users[u].user.client-certificate",
		"users[u].user.client-key",
		"users[u].user.exec.command",
	}, fields)

	// The same content in a file resolves against the file's directory.
	path := e.write("dir/kc", kc)
	_, err = LoadFile(path, e.opts())
	require.Error(t, err) // the files do not exist ...
	assert.Contains(t, err.Error(), filepath.Join(filepath.Dir(path), "pki", "ca.crt"))
}

func TestLoadBytesErrors(t *testing.T) {
	e := newEnv(t)
	for name, tc := range map[string]struct {
		kc, field, msg string
	}{
		"malformed":  {"clusters: [\n", "", "malformed YAML"},
		"no context": {"clusters: []\n", "current-context", "no context selected"},
		"bad base64": {"current-context: d\ncontexts: [{name: d, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: https://h, certificate-authority-data: '%%%'}}]\nusers: [{name: u, user: {token: S3CRET-TOKEN}}]\n",
			"clusters[c].cluster.certificate-authority-data", "not valid base64"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadBytes([]byte(tc.kc), e.opts())
			var ke *KubeconfigError
			require.True(t, errors.As(err, &ke), "%v", err)
			require.NotEmpty(t, ke.Problems)
			assert.Equal(t, BytesFile, ke.Problems[0].File)
			assert.Equal(t, tc.field, ke.Problems[0].Field)
			assert.Contains(t, ke.Problems[0].Message, tc.msg)
			assert.False(t, strings.Contains(err.Error(), "S3CRET"))
		})
	}
}
