package config

import (
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// DefaultInClusterDir is where Kubernetes mounts a pod's service-account
// token, CA certificate and namespace.
const DefaultInClusterDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// Options says where Load looks and what it overrides. The zero value loads
// exactly what kubectl would with no flags.
type Options struct {
	// Kubeconfig is an explicit kubeconfig path (kubectl's --kubeconfig).
	// The file must exist, and KUBECONFIG and $HOME/.kube/config are then
	// not read. Empty means KUBECONFIG, else $HOME/.kube/config.
	Kubeconfig string

	// Context selects a context instead of the current-context.
	Context string
	// Cluster selects a cluster instead of the context's cluster.
	Cluster string
	// User selects a user (auth info) instead of the context's user.
	User string
	// Namespace replaces the context's (or service account's) namespace.
	Namespace string
	// Server replaces the cluster's server URL. As in kubectl, it also drops
	// the cluster's tls-server-name, which names the replaced server.
	Server string

	// Token replaces the user's credentials with this bearer token
	// (kubectl's --token). The client certificate, if any, is kept.
	Token Secret
	// As, AsUID and AsGroups replace the user's impersonation settings
	// (kubectl's --as, --as-uid and --as-group). AsUID and AsGroups need
	// As, from here or from the kubeconfig user.
	As       string
	AsUID    string
	AsGroups []string
	// CertificateAuthority replaces the cluster's certificate authority
	// (file or data) and turns off its insecure-skip-tls-verify, as
	// kubectl's --certificate-authority does. A relative path is relative
	// to the working directory.
	CertificateAuthority string
	// ClientCertificate and ClientKey replace the user's client certificate
	// and key files (and any -data fields), as kubectl's
	// --client-certificate and --client-key do.
	ClientCertificate string
	ClientKey         string
	// InsecureSkipTLSVerify, when true, turns off server certificate
	// verification and drops the cluster's certificate authority (kubectl's
	// --insecure-skip-tls-verify). False leaves the kubeconfig's setting.
	InsecureSkipTLSVerify bool
	// TLSServerName replaces the name the server certificate is checked
	// against (kubectl's --tls-server-name).
	TLSServerName string
	// Timeout, when positive, is the Config's per-request timeout
	// (kubectl's --request-timeout). Zero leaves it unset (no timeout).
	Timeout time.Duration

	// Getenv reads the environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_*,
	// POD_NAMESPACE). Nil means os.Getenv.
	Getenv func(string) string
	// HomeDir is the home directory whose .kube/config is the default
	// kubeconfig. Empty means $HOME (%USERPROFILE% on Windows) as Getenv
	// reports it, or os.UserHomeDir when Getenv is nil.
	HomeDir string
	// InClusterDir is the service-account directory. Empty means
	// DefaultInClusterDir.
	InClusterDir string
}

func (o *Options) getenv(key string) string {
	if o.Getenv != nil {
		return o.Getenv(key)
	}
	return os.Getenv(key)
}

// homeDir returns the home directory and a description of where it came
// from, or "" when there is none.
func (o *Options) homeDir() (string, string) {
	if o.HomeDir != "" {
		return o.HomeDir, "Options.HomeDir"
	}
	if o.Getenv == nil {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", ""
		}
		return h, "$HOME"
	}
	if runtime.GOOS == "windows" {
		if h := o.getenv("USERPROFILE"); h != "" {
			return h, "%USERPROFILE%"
		}
	}
	return o.getenv("HOME"), "$HOME"
}

func (o *Options) inClusterDir() string {
	if o.InClusterDir != "" {
		return o.InClusterDir
	}
	return DefaultInClusterDir
}

// absPath makes p absolute against the working directory when it can.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
