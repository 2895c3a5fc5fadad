package config

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigPrintsRedacted(t *testing.T) {
	e := newEnv(t)
	p := e.write("kc", `current-context: c
clusters:
- name: k
  cluster:
    server: https://admin:SERVERPASS-S3CRET@k
    proxy-url: http://user:PROXYPASS-S3CRET@proxy:3128
users:
- name: u
  user:
    password: PASSWORD-S3CRET
    username: bob
    client-certificate-data: Q0VSVC1EQVRB
    client-key-data: S0VZLVMzQ1JFVA==
- name: x
  user:
    token: TOKEN-S3CRET
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: c
      env: [{name: A, value: EXECENV-S3CRET}]
contexts:
- name: c
  context: {cluster: k, user: u}
`)
	cfg, err := LoadFile(p, e.opts())
	require.NoError(t, err)
	require.Equal(t, "KEY-S3CRET", cfg.TLS.KeyData.Reveal())
	// Fill in the rest by hand: loading rejects token + exec together.
	cfg.Auth.Token = "TOKEN-S3CRET"
	cfg.Auth.Exec = &Exec{Command: "c", Env: []EnvVar{{Name: "A", Value: "EXECENV-S3CRET"}}}

	secrets := []string{"SERVERPASS-S3CRET", "PROXYPASS-S3CRET", "PASSWORD-S3CRET", "KEY-S3CRET", "TOKEN-S3CRET", "EXECENV-S3CRET"}
	var outs []string
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outs = append(outs, fmt.Sprintf(format, cfg), fmt.Sprintf(format, *cfg))
		outs = append(outs, fmt.Sprintf(format, cfg.Auth), fmt.Sprintf(format, cfg.TLS), fmt.Sprintf(format, *cfg.Auth.Exec))
	}
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	outs = append(outs, string(b), Explain(cfg))
	for _, out := range outs {
		for _, s := range secrets {
			require.NotContains(t, out, s, out)
		}
	}
	plus := fmt.Sprintf("%+v", *cfg)
	assert.Contains(t, plus, "Password:REDACTED")
	assert.Contains(t, plus, "ProxyURL:http://user:xxxxx@proxy:3128")
	assert.Contains(t, plus, "CertData:[67 69 82 84") // certificates are not secret
	assert.Contains(t, fmt.Sprintf("%#v", *cfg), "config.Config{Server:")
	assert.Contains(t, fmt.Sprintf("%#v", cfg.Auth), `Password:"REDACTED"`)
}
