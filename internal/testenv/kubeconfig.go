package testenv

import (
	"encoding/base64"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// User is the credential part of a kubeconfig that WriteKubeconfig writes.
// Set one of Token, the client certificate pair, or Exec.
type User struct {
	// Token is a bearer token.
	Token string
	// ClientCertificate and ClientKey are paths of PEM files.
	ClientCertificate string
	ClientKey         string
	// Exec is a credential plugin.
	Exec *ExecUser
}

// ExecUser is a kubeconfig user's exec (credential plugin) stanza.
type ExecUser struct {
	// APIVersion is the ExecCredential version, for example
	// "client.authentication.k8s.io/v1".
	APIVersion string
	// Command and Args run the plugin.
	Command string
	Args    []string
	// Env is added to the plugin's environment.
	Env map[string]string
	// InteractiveMode is "Never", "IfAvailable" or "Always"; required by v1.
	InteractiveMode string
	// ProvideClusterInfo passes the cluster to the plugin.
	ProvideClusterInfo bool
}

// KubeconfigOptions adjusts the cluster part of a kubeconfig WriteKubeconfig
// writes. The zero value gives the server's URL and its CA inline.
type KubeconfigOptions struct {
	// CAFile, when true, refers to the CA by path (certificate-authority)
	// instead of inline (certificate-authority-data).
	CAFile bool
	// Server, when set, replaces the server URL.
	Server string
	// Namespace, when set, is the context's namespace.
	Namespace string
}

type kubeconfigFile struct {
	APIVersion     string         `yaml:"apiVersion"`
	Kind           string         `yaml:"kind"`
	CurrentContext string         `yaml:"current-context"`
	Clusters       []namedCluster `yaml:"clusters"`
	Users          []namedUser    `yaml:"users"`
	Contexts       []namedContext `yaml:"contexts"`
}

type namedCluster struct {
	Name    string `yaml:"name"`
	Cluster struct {
		Server                   string `yaml:"server"`
		CertificateAuthority     string `yaml:"certificate-authority,omitempty"`
		CertificateAuthorityData string `yaml:"certificate-authority-data,omitempty"`
	} `yaml:"cluster"`
}

type namedUser struct {
	Name string   `yaml:"name"`
	User userInfo `yaml:"user"`
}

type userInfo struct {
	Token             string    `yaml:"token,omitempty"`
	ClientCertificate string    `yaml:"client-certificate,omitempty"`
	ClientKey         string    `yaml:"client-key,omitempty"`
	Exec              *execInfo `yaml:"exec,omitempty"`
}

type execInfo struct {
	APIVersion         string       `yaml:"apiVersion"`
	Command            string       `yaml:"command"`
	Args               []string     `yaml:"args,omitempty"`
	Env                []execEnvVar `yaml:"env,omitempty"`
	InteractiveMode    string       `yaml:"interactiveMode,omitempty"`
	ProvideClusterInfo bool         `yaml:"provideClusterInfo,omitempty"`
}

type execEnvVar struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

type namedContext struct {
	Name    string `yaml:"name"`
	Context struct {
		Cluster   string `yaml:"cluster"`
		User      string `yaml:"user"`
		Namespace string `yaml:"namespace,omitempty"`
	} `yaml:"context"`
}

// WriteKubeconfig writes a kubeconfig for this server and user to path,
// with one cluster "testenv", one user, and a current context "testenv"
// joining them. The file is owner-only (0600).
func (e *Env) WriteKubeconfig(path string, u User, opts KubeconfigOptions) error {
	var c namedCluster
	c.Name = "testenv"
	c.Cluster.Server = e.Server
	if opts.Server != "" {
		c.Cluster.Server = opts.Server
	}
	if opts.CAFile {
		c.Cluster.CertificateAuthority = e.CAFile
	} else {
		c.Cluster.CertificateAuthorityData = base64.StdEncoding.EncodeToString(e.CAPEM)
	}

	nu := namedUser{Name: "testenv", User: userInfo{
		Token:             u.Token,
		ClientCertificate: u.ClientCertificate,
		ClientKey:         u.ClientKey,
	}}
	if x := u.Exec; x != nil {
		ei := &execInfo{
			APIVersion:         x.APIVersion,
			Command:            x.Command,
			Args:               x.Args,
			InteractiveMode:    x.InteractiveMode,
			ProvideClusterInfo: x.ProvideClusterInfo,
		}
		for _, k := range slices.Sorted(maps.Keys(x.Env)) {
			ei.Env = append(ei.Env, execEnvVar{Name: k, Value: x.Env[k]})
		}
		nu.User.Exec = ei
	}

	var ctx namedContext
	ctx.Name = "testenv"
	ctx.Context.Cluster = "testenv"
	ctx.Context.User = "testenv"
	ctx.Context.Namespace = opts.Namespace

	data, err := yaml.Marshal(kubeconfigFile{
		APIVersion:     "v1",
		Kind:           "Config",
		CurrentContext: "testenv",
		Clusters:       []namedCluster{c},
		Users:          []namedUser{nu},
		Contexts:       []namedContext{ctx},
	})
	if err != nil {
		return fmt.Errorf("testenv: encode kubeconfig: %w", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("testenv: write kubeconfig: %w", err)
	}
	return nil
}

// writeIdentityKubeconfig writes Dir/ID.kubeconfig for a built-in identity.
func (e *Env) writeIdentityKubeconfig(id Identity) (string, error) {
	path := filepath.Join(e.Dir, string(id)+".kubeconfig")
	var u User
	var opts KubeconfigOptions
	switch id {
	case IdentityAdminToken:
		u.Token = e.AdminToken
	case IdentityAdminCert:
		u.ClientCertificate, u.ClientKey = e.ClientCertFile, e.ClientKeyFile
		opts.CAFile = true
	case IdentityJane:
		u.Token = e.JaneToken
	default:
		return "", fmt.Errorf("testenv: unknown identity %q", id)
	}
	return path, e.WriteKubeconfig(path, u, opts)
}
