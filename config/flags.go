package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FlagSet is the part of a flag set BindFlags uses. The standard library's
// *flag.FlagSet and spf13/pflag's *pflag.FlagSet both satisfy it, so a
// program can bind kubectl's flags on either without kubewire importing
// pflag.
type FlagSet interface {
	StringVar(p *string, name, value, usage string)
	BoolVar(p *bool, name string, value bool, usage string)
	Func(name, usage string, fn func(string) error)
}

// shorthandFlagSet is the optional part: pflag's one-letter shorthands.
type shorthandFlagSet interface {
	StringVarP(p *string, name, shorthand, value, usage string)
}

// BindFlags registers kubectl's connection flags on fs, storing into o:
// --kubeconfig, --context, --cluster, --user, --namespace (with the -n
// shorthand when fs supports shorthands, as pflag does), --server, --token,
// --as, --as-group (repeatable), --as-uid, --certificate-authority,
// --client-certificate, --client-key, --insecure-skip-tls-verify,
// --tls-server-name and --request-timeout. The current values of o are the
// defaults. Parse fs before calling Load.
//
// --request-timeout takes a duration ("30s", "2m") or a whole number of
// seconds; "0" means no timeout, as in kubectl. Flag values never appear
// in the usage text for --token.
func (o *Options) BindFlags(fs FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "path to the kubeconfig file to use (instead of KUBECONFIG or $HOME/.kube/config)")
	fs.StringVar(&o.Context, "context", o.Context, "the kubeconfig context to use")
	fs.StringVar(&o.Cluster, "cluster", o.Cluster, "the kubeconfig cluster to use")
	fs.StringVar(&o.User, "user", o.User, "the kubeconfig user to use")
	const nsUsage = "the namespace to use"
	if sh, ok := fs.(shorthandFlagSet); ok {
		sh.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, nsUsage)
	} else {
		fs.StringVar(&o.Namespace, "namespace", o.Namespace, nsUsage)
	}
	fs.StringVar(&o.Server, "server", o.Server, "the address and port of the Kubernetes API server")
	fs.Func("token", "bearer `token` for authentication to the API server", func(v string) error {
		o.Token = Secret(v)
		return nil
	})
	fs.StringVar(&o.As, "as", o.As, "username to impersonate for the operation")
	fs.Func("as-group", "`group` to impersonate for the operation; repeat it for several groups", func(v string) error {
		o.AsGroups = append(o.AsGroups, v)
		return nil
	})
	fs.StringVar(&o.AsUID, "as-uid", o.AsUID, "UID to impersonate for the operation")
	fs.StringVar(&o.CertificateAuthority, "certificate-authority", o.CertificateAuthority, "path to a certificate file for the certificate authority")
	fs.StringVar(&o.ClientCertificate, "client-certificate", o.ClientCertificate, "path to a client certificate file for TLS")
	fs.StringVar(&o.ClientKey, "client-key", o.ClientKey, "path to a client key file for TLS")
	fs.BoolVar(&o.InsecureSkipTLSVerify, "insecure-skip-tls-verify", o.InsecureSkipTLSVerify, "if true, the server's certificate will not be checked for validity (insecure)")
	fs.StringVar(&o.TLSServerName, "tls-server-name", o.TLSServerName, "server name to use for server certificate validation; if empty, the hostname of the server is used")
	fs.Func("request-timeout", "the `duration` to wait before giving up on a single server request, such as 30s or 2m, or whole seconds; 0 means no timeout", func(v string) error {
		d, err := ParseTimeout(v)
		if err == nil {
			o.Timeout = d
		}
		return err
	})
}

// ErrInvalidTimeout is matched (errors.Is) by the error ParseTimeout
// returns for a negative or malformed value.
var ErrInvalidTimeout = errors.New("invalid timeout: must be a non-negative duration such as 30s, or whole seconds")

// ParseTimeout reads a --request-timeout value as kubectl does: a whole
// number is seconds, anything else a Go duration ("1m30s"); "" and "0" are
// zero, meaning no timeout. A negative or malformed value gives an error
// wrapping ErrInvalidTimeout.
func ParseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > int64(time.Duration(1<<62)/time.Second) {
			return 0, fmt.Errorf("%w (got %q)", ErrInvalidTimeout, s)
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%w (got %q)", ErrInvalidTimeout, s)
	}
	return d, nil
}
