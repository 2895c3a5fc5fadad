// Package config resolves where a Kubernetes API server is and how to
// authenticate to it: from a kubeconfig file, the KUBECONFIG list,
// $HOME/.kube/config, command-line overrides, or the in-cluster service
// account.
//
// A Config is plain data. Loading fills it in; the rest package turns it into
// a transport. Nothing here opens a connection.
package config

import "time"

// Config is everything a client needs to reach and authenticate to one API
// server. The zero value is not usable: Server must be set. Fields that hold
// credentials use Secret, which never prints its value.
type Config struct {
	// Server is the API server's base URL, for example
	// "https://127.0.0.1:6443". A path, if any, is a prefix for every request.
	Server string

	// Namespace is the namespace the context or in-cluster service account
	// selects. Loading sets it to "default" when nothing names one.
	Namespace string

	// TLS holds the server-verification and client-certificate settings.
	TLS TLS

	// Auth holds the credentials. At most one of token, token file,
	// username/password and exec is set by loading; a client certificate in
	// TLS may accompany any of them.
	Auth Auth

	// Impersonate, when its User is set, makes every request act as another
	// user (the Impersonate-* headers).
	Impersonate Impersonate

	// ProxyURL, when set, is the http, https or socks5 proxy for every
	// request; when empty the HTTPS_PROXY, HTTP_PROXY and NO_PROXY
	// environment variables apply.
	ProxyURL string

	// DisableCompression turns off the Accept-Encoding: gzip request header.
	DisableCompression bool

	// Timeout bounds each request that is not a watch or a stream. Zero means
	// no overall timeout (the transport's header timeout still applies).
	Timeout time.Duration

	// Source records where each setting came from; Explain prints it. Nil
	// for a Config built by hand.
	Source *Source
}

// TLS holds the settings for verifying the server and presenting a client
// certificate. Data fields win over file fields when both are set.
type TLS struct {
	// Insecure skips verification of the server's certificate. Loading
	// rejects it together with a CA.
	Insecure bool
	// ServerName overrides the name the server's certificate is checked
	// against (and the SNI sent).
	ServerName string
	// CAFile and CAData name the certificate authorities trusted for the
	// server, PEM encoded. Both empty means the system roots.
	CAFile string
	CAData []byte
	// CertFile/CertData and KeyFile/KeyData are the client certificate and
	// its private key, PEM encoded.
	CertFile string
	CertData []byte
	KeyFile  string
	KeyData  Secret
}

// Auth holds the credentials presented to the server.
type Auth struct {
	// Token is a bearer token.
	Token Secret
	// TokenFile names a file holding a bearer token. It is re-read as it
	// changes, so rotated tokens (in-cluster bound tokens) keep working. It
	// wins over Token when both are set.
	TokenFile string
	// Username and Password are HTTP basic authentication.
	Username string
	Password Secret
	// Exec, when set, runs a credential plugin to obtain a token or client
	// certificate.
	Exec *Exec
	// OIDC, when set, sends an OpenID Connect ID token, refreshed with the
	// refresh token when it expires (kubectl's oidc auth-provider).
	OIDC *OIDC
}

// OIDC is the configuration of kubectl's oidc auth-provider
// (users[].user.auth-provider with name oidc). The client sends IDToken as
// a bearer token while it is valid (its JWT exp claim more than ten
// seconds away); otherwise it asks the issuer's token endpoint, found
// through IssuerURL/.well-known/openid-configuration, for a new one with
// RefreshToken, once for all concurrent requests, and writes the new
// id-token and refresh-token back to the kubeconfig as kubectl does.
//
// Like kubectl, the process keeps one token state per login (server,
// issuer, client ID and persist target): every client built for the same
// login shares it, so a single-use refresh token is spent once. A Config
// whose IDToken is valid for longer than the shared one (after a new
// login) replaces the shared tokens.
type OIDC struct {
	// IssuerURL is the issuer (idp-issuer-url).
	IssuerURL string
	// ClientID and ClientSecret identify the client to the token endpoint
	// (client-id, client-secret), sent as HTTP basic authentication.
	ClientID     string
	ClientSecret Secret
	// IDToken and RefreshToken are the current tokens (id-token,
	// refresh-token). Either may be empty: no ID token means refresh first;
	// no refresh token means the ID token is used until it expires.
	IDToken      Secret
	RefreshToken Secret
	// CAFile and CAData are the PEM certificate authorities trusted for the
	// issuer (idp-certificate-authority, idp-certificate-authority-data).
	// Both empty means the system roots.
	CAFile string
	CAData []byte
	// ExtraScopes is extra-scopes, split at commas. Like kubectl, the
	// refresh request does not send scopes; it is kept for completeness.
	ExtraScopes []string
	// PersistFile and PersistUser name the kubeconfig file and user entry
	// that refreshed tokens are written back to. Loading sets them to the
	// file that defines the user; empty PersistFile (LoadBytes, a Config
	// built by hand) keeps refreshed tokens in memory only.
	PersistFile string
	PersistUser string
}

// Exec describes a client-go credential plugin (client.authentication.k8s.io).
type Exec struct {
	// APIVersion is the ExecCredential version the plugin speaks:
	// "client.authentication.k8s.io/v1" or ".../v1beta1".
	APIVersion string
	// Command is the program to run; a bare name is looked up in PATH.
	Command string
	Args    []string
	// Env is added to the plugin's environment. Values are secret.
	Env []EnvVar
	// InstallHint is shown when the command cannot be found.
	InstallHint string
	// ProvideClusterInfo passes the cluster (server, CA, Config below) to the
	// plugin in KUBERNETES_EXEC_INFO.
	ProvideClusterInfo bool
	// InteractiveMode is "Never", "IfAvailable" or "Always". Empty means
	// "IfAvailable" for v1beta1 and is an error for v1 in a kubeconfig.
	InteractiveMode string
	// Config is the cluster's extensions["client.authentication.k8s.io/exec"]
	// value, raw JSON, passed to the plugin with the cluster info.
	Config []byte
	// Timeout bounds one non-interactive run. Zero means one minute.
	Timeout time.Duration
}

// EnvVar is one environment variable for an exec plugin.
type EnvVar struct {
	Name  string
	Value Secret
}

// Impersonate names the user, uid, groups and extra attributes to act as.
type Impersonate struct {
	User   string
	UID    string
	Groups []string
	Extra  map[string][]string
}
