package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// InCluster returns the Config of the pod's service account: the server
// from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, the token, CA
// certificate and namespace from DefaultInClusterDir. The error matches
// ErrNotInCluster (errors.Is) when the process is not in a pod.
func InCluster() (*Config, error) { return inCluster(DefaultInClusterDir, os.Getenv) }

// InClusterFromDir is InCluster with the service-account files read from
// dir instead of DefaultInClusterDir.
func InClusterFromDir(dir string) (*Config, error) { return inCluster(dir, os.Getenv) }

// inClusterError keeps the reasons in-cluster configuration is unusable,
// and every underlying error.
type inClusterError struct {
	msg  string
	errs []error
}

func (e *inClusterError) Error() string   { return e.msg }
func (e *inClusterError) Unwrap() []error { return e.errs }

func inCluster(dir string, getenv func(string) string) (*Config, error) {
	host, port := getenv("KUBERNETES_SERVICE_HOST"), getenv("KUBERNETES_SERVICE_PORT")
	tokenPath := filepath.Join(dir, "token")
	var reasons []string
	var errs []error
	if host == "" {
		reasons = append(reasons, "KUBERNETES_SERVICE_HOST is not set")
	}
	if port == "" {
		reasons = append(reasons, "KUBERNETES_SERVICE_PORT is not set")
	}
	st, err := os.Stat(tokenPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reasons = append(reasons, "no service-account token at "+tokenPath)
		errs = append(errs, err)
	case err != nil:
		reasons = append(reasons, "cannot use the service-account token: "+err.Error())
		errs = append(errs, err)
	case st.IsDir():
		reasons = append(reasons, "the service-account token "+tokenPath+" is a directory")
	}
	if len(reasons) > 0 {
		return nil, &inClusterError{
			msg:  "in-cluster: " + strings.Join(reasons, "; "),
			errs: append([]error{ErrNotInCluster}, errs...),
		}
	}
	// The transport re-reads the token as it rotates; reading it once here
	// fails early when it cannot be read at all.
	if _, err := os.ReadFile(tokenPath); err != nil {
		return nil, fmt.Errorf("in-cluster: cannot read the service-account token: %w", err)
	}

	server := "https://" + net.JoinHostPort(host, port)
	src := &Source{
		Method: MethodInCluster,
		Server: Setting{Value: server,
			Why: fmt.Sprintf("in-cluster environment: KUBERNETES_SERVICE_HOST=%s, KUBERNETES_SERVICE_PORT=%s", host, port)},
		Auth: Setting{Value: "service-account token read from " + tokenPath, File: tokenPath, Field: "token file",
			Why: "the pod's service account (re-read as it rotates)"},
	}
	cfg := &Config{Server: server, Auth: Auth{TokenFile: tokenPath}, Source: src}

	caPath := filepath.Join(dir, "ca.crt")
	if st, err := os.Stat(caPath); err == nil && !st.IsDir() {
		cfg.TLS.CAFile = caPath
	} else {
		src.Notes = append(src.Notes, "no CA certificate at "+caPath+"; the system roots verify the server")
	}

	nsPath := filepath.Join(dir, "namespace")
	if ns := getenv("POD_NAMESPACE"); ns != "" {
		cfg.Namespace = ns
		src.Namespace = Setting{Value: ns, Why: "POD_NAMESPACE environment variable (it wins over the namespace file, as in kubectl)"}
	} else if b, err := os.ReadFile(nsPath); err == nil && strings.TrimSpace(string(b)) != "" {
		cfg.Namespace = strings.TrimSpace(string(b))
		src.Namespace = Setting{Value: cfg.Namespace, File: nsPath, Field: "namespace file", Why: "the pod's service-account namespace"}
	} else {
		cfg.Namespace = "default"
		src.Namespace = Setting{Value: "default", Why: "default: no namespace file at " + nsPath}
	}
	return cfg, nil
}
