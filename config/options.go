package config

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
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

// BindFlags registers kubectl's connection flags on fs, storing into o:
// --kubeconfig, --context, --cluster, --user, --namespace and --server.
// Parse fs before calling Load.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "path to the kubeconfig file to use (instead of KUBECONFIG or $HOME/.kube/config)")
	fs.StringVar(&o.Context, "context", o.Context, "the kubeconfig context to use")
	fs.StringVar(&o.Cluster, "cluster", o.Cluster, "the kubeconfig cluster to use")
	fs.StringVar(&o.User, "user", o.User, "the kubeconfig user to use")
	fs.StringVar(&o.Namespace, "namespace", o.Namespace, "the namespace to use")
	fs.StringVar(&o.Server, "server", o.Server, "the address and port of the Kubernetes API server")
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
