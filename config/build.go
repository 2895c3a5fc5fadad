package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// The ExecCredential API versions of exec plugins.
const (
	execV1       = "client.authentication.k8s.io/v1"
	execV1beta1  = "client.authentication.k8s.io/v1beta1"
	execV1alpha1 = "client.authentication.k8s.io/v1alpha1"
)

// builder turns the merged kubeconfig and the overrides into a Config,
// validating only what the selected context, cluster and user use (as
// kubectl does: a stale entry elsewhere in the file does no harm).
type builder struct {
	opts Options
	m    *merged
	ps   *problems
	src  *Source
}

// build returns the Config and whether anything selected a cluster. Problems
// go to b.ps; the Config is only meaningful when there are none.
func (b *builder) build() (*Config, bool) {
	o, m := b.opts, b.m
	ctx := b.selectContext()
	if b.src.Context.Value == "" && o.Cluster == "" && o.Server == "" {
		if o.User != "" {
			b.ps.add("", 0, "--user", "a user was given but no context, cluster or server selects the API server", nil)
		}
		return nil, false
	}

	cfg := &Config{Source: b.src}

	// Cluster.
	var cl *rawCluster
	switch {
	case o.Cluster != "":
		b.src.Cluster = Setting{Value: o.Cluster, Why: "--cluster (Options.Cluster)"}
		if cl = m.clusters[o.Cluster]; cl == nil {
			b.ps.add("", 0, "--cluster", fmt.Sprintf("cluster %q is not defined (%s)", o.Cluster, m.fileList()), nil)
		}
	case ctx != nil && ctx.cluster != "":
		f, l := ctx.at("cluster")
		b.src.Cluster = Setting{Value: ctx.cluster, File: ctx.file.path, Line: l, Field: f, Why: fmt.Sprintf("cluster of context %q", ctx.name)}
		if cl = m.clusters[ctx.cluster]; cl == nil {
			b.ps.add(ctx.file.path, l, f, fmt.Sprintf("names cluster %q, which is not defined (%s)", ctx.cluster, m.fileList()), nil)
		}
	case ctx != nil && o.Server == "":
		f, l := ctx.at("")
		b.ps.add(ctx.file.path, l, f, "names no cluster", nil)
	}
	if cl != nil {
		b.src.Cluster.Shadowed = m.shadowed[cl.field]
		b.src.Cluster.Defined = fmt.Sprintf("%s (%s:%d)", cl.field, cl.file.path, cl.line)
		b.cluster(cfg, cl)
	}

	// User.
	var u *rawUser
	switch {
	case o.User != "":
		b.src.User = Setting{Value: o.User, Why: "--user (Options.User)"}
		if u = m.users[o.User]; u == nil {
			b.ps.add("", 0, "--user", fmt.Sprintf("user %q is not defined (%s)", o.User, m.fileList()), nil)
		}
	case ctx != nil && ctx.user != "":
		f, l := ctx.at("user")
		b.src.User = Setting{Value: ctx.user, File: ctx.file.path, Line: l, Field: f, Why: fmt.Sprintf("user of context %q", ctx.name)}
		if u = m.users[ctx.user]; u == nil {
			b.ps.add(ctx.file.path, l, f, fmt.Sprintf("names user %q, which is not defined (%s)", ctx.user, m.fileList()), nil)
		}
	}
	b.src.Auth = Setting{Value: "none (anonymous)", Why: "no user is selected"}
	if u != nil {
		b.src.User.Shadowed = m.shadowed[u.field]
		b.src.User.Defined = fmt.Sprintf("%s (%s:%d)", u.field, u.file.path, u.line)
		b.user(cfg, u, cl)
	}
	b.overrides(cfg)
	// After the user: a missing scheme depends on the client certificate.
	b.server(cfg, cl)
	if o.TLSServerName != "" {
		cfg.TLS.ServerName = o.TLSServerName
		b.src.Notes = append(b.src.Notes, "--tls-server-name (Options.TLSServerName) set the server name checked")
	}
	if o.Timeout > 0 {
		cfg.Timeout = o.Timeout
	} else if o.Timeout < 0 {
		b.ps.add("", 0, "--request-timeout", "must not be negative", nil)
	}

	// Namespace.
	switch {
	case o.Namespace != "":
		cfg.Namespace = o.Namespace
		b.src.Namespace = Setting{Value: o.Namespace, Why: "--namespace (Options.Namespace)"}
	case ctx != nil && ctx.namespace != "":
		cfg.Namespace = ctx.namespace
		f, l := ctx.at("namespace")
		b.src.Namespace = Setting{Value: ctx.namespace, File: ctx.file.path, Line: l, Field: f, Why: fmt.Sprintf("namespace of context %q", ctx.name)}
	default:
		cfg.Namespace = "default"
		why := "default: no namespace is set"
		if ctx != nil {
			why = "default: the context sets no namespace"
		}
		b.src.Namespace = Setting{Value: "default", Why: why}
	}
	return cfg, true
}

// selectContext records and returns the selected context, or nil.
func (b *builder) selectContext() *rawContext {
	o, m := b.opts, b.m
	var name string
	switch {
	case o.Context != "":
		name = o.Context
		b.src.Context = Setting{Value: name, Why: "--context (Options.Context)"}
	case m.currentContext != "":
		name = m.currentContext
		why := "current-context of " + m.ccFile.from
		if len(m.files) > 1 {
			why += ", the first file that sets one"
		}
		b.src.Context = Setting{Value: name, File: m.ccFile.path, Line: m.currentContextLine(), Field: "current-context", Why: why}
	default:
		return nil
	}
	ctx := m.contexts[name]
	if ctx == nil {
		if o.Context != "" {
			b.ps.add("", 0, "--context", fmt.Sprintf("context %q is not defined (%s)", name, m.fileList()), nil)
		} else {
			b.ps.add(m.ccFile.path, m.currentContextLine(), "current-context", fmt.Sprintf("names context %q, which is not defined (%s)", name, m.fileList()), nil)
		}
		return nil
	}
	b.src.Context.Shadowed = m.shadowed[ctx.field]
	b.src.Context.Defined = fmt.Sprintf("%s (%s:%d)", ctx.field, ctx.file.path, ctx.line)
	return ctx
}

func (m *merged) currentContextLine() int {
	if m.ccFile == nil {
		return 0
	}
	return m.ccFile.currentContextLine
}

// readable checks that a file named by the kubeconfig can be read. Only
// regular files are opened: opening a pipe (a shell's <(...)) could block
// or disturb its writer.
func (b *builder) readable(e *entry, key, path string) {
	f, l := e.at(key)
	st, err := os.Stat(path)
	switch {
	case err != nil:
	case st.IsDir():
		err = fmt.Errorf("%s is a directory", path)
	case st.Mode().IsRegular():
		var fh *os.File
		if fh, err = os.Open(path); err == nil {
			fh.Close()
		}
	}
	if err != nil {
		b.ps.add(e.file.path, l, f, "cannot read the file", err)
	}
}

func (b *builder) cluster(cfg *Config, c *rawCluster) {
	t := &cfg.TLS
	t.Insecure = c.insecure
	t.ServerName = c.tlsServerName
	t.CAFile = c.ca
	t.CAData = c.caData
	if c.ca != "" {
		b.readable(&c.entry, "certificate-authority", c.ca)
	}
	if c.insecure && (c.ca != "" || len(c.caData) > 0) {
		f, l := c.at("insecure-skip-tls-verify")
		b.ps.add(c.file.path, l, f, "cannot be true together with certificate-authority or certificate-authority-data", nil)
	}
	if c.proxyURL != "" {
		f, l := c.at("proxy-url")
		u, err := url.Parse(c.proxyURL)
		switch {
		case err != nil:
			b.ps.add(c.file.path, l, f, "is not a valid URL", nil)
		case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5":
			b.ps.add(c.file.path, l, f, "has an unsupported scheme (want http, https or socks5)", nil)
		case u.Host == "":
			b.ps.add(c.file.path, l, f, "has no host", nil)
		}
		cfg.ProxyURL = c.proxyURL
	}
	cfg.DisableCompression = c.disableCompression
}

// server sets cfg.Server from --server or the cluster, adding a scheme the
// way kubectl does when it is missing.
func (b *builder) server(cfg *Config, c *rawCluster) {
	var file, field string
	var line int
	s := b.opts.Server
	if s != "" {
		b.src.Server = Setting{Value: s, Why: "--server (Options.Server)"}
		if c != nil && c.server != "" {
			f, l := c.at("server")
			b.src.Notes = append(b.src.Notes, fmt.Sprintf("--server replaced %s (%s:%d)", f, c.file.path, l))
		}
		if c != nil && c.tlsServerName != "" {
			cfg.TLS.ServerName = ""
			f, l := c.at("tls-server-name")
			b.src.Notes = append(b.src.Notes, fmt.Sprintf("--server dropped %s (%s:%d), which names the replaced server", f, c.file.path, l))
		}
		field = "--server"
	} else if c != nil {
		s = c.server
		file = c.file.path
		field, line = c.at("server")
		if s == "" {
			b.ps.add(file, line, field, "is missing: the cluster has no server", nil)
			return
		}
		b.src.Server = Setting{Value: redactURL(s), File: file, Line: line, Field: field, Why: fmt.Sprintf("server of cluster %q", c.name)}
	} else {
		return // the missing cluster is reported already
	}
	u, err := url.Parse(s)
	if (err != nil || u.Scheme == "" || u.Host == "") && !strings.Contains(s, "://") {
		// kubectl: no scheme means https when TLS is configured, else http.
		scheme := "http"
		t := &cfg.TLS
		if t.Insecure || t.CAFile != "" || len(t.CAData) > 0 || t.CertFile != "" || len(t.CertData) > 0 {
			scheme = "https"
		}
		if u2, err2 := url.Parse(scheme + "://" + s); err2 == nil && u2.Host != "" {
			b.src.Notes = append(b.src.Notes, fmt.Sprintf("the server has no scheme; %s assumed, as kubectl does", scheme))
			s, u, err = scheme+"://"+s, u2, nil
		}
	}
	switch {
	case err != nil || u.Host == "":
		b.ps.add(file, line, field, "is not a valid URL", nil)
	case u.Scheme != "https" && u.Scheme != "http":
		b.ps.add(file, line, field, "must be an http or https URL", nil)
	}
	cfg.Server = s
	b.src.Server.Value = redactURL(s)
	if b.opts.Server == "" {
		b.src.Server.Shadowed = b.src.Cluster.Shadowed
	}
}

func (b *builder) user(cfg *Config, u *rawUser, cl *rawCluster) {
	file := u.file.path
	problem := func(key, msg string) {
		f, l := u.at(key)
		b.ps.add(file, l, f, msg, nil)
	}

	// Client certificate: file or data, never both, always with a key.
	t := &cfg.TLS
	t.CertFile, t.CertData, t.KeyFile, t.KeyData = u.certFile, u.certData, u.keyFile, u.keyData
	hasCert := u.has("client-certificate") || u.has("client-certificate-data")
	hasKey := u.has("client-key") || u.has("client-key-data")
	if u.has("client-certificate") && u.has("client-certificate-data") {
		problem("client-certificate-data", "client-certificate and client-certificate-data are both set; use one")
	}
	if u.has("client-key") && u.has("client-key-data") {
		problem("client-key-data", "client-key and client-key-data are both set; use one")
	}
	if hasCert && !hasKey {
		problem("", "has a client certificate but no client-key or client-key-data")
	}
	if hasKey && !hasCert {
		problem("", "has a client key but no client-certificate or client-certificate-data")
	}
	if u.certFile != "" {
		b.readable(&u.entry, "client-certificate", u.certFile)
	}
	if u.keyFile != "" {
		b.readable(&u.entry, "client-key", u.keyFile)
	}

	// Exactly one credential besides the certificate.
	var methods, keys []string
	if u.has("token") {
		methods, keys = append(methods, "token"), append(keys, "token")
		cfg.Auth.Token = u.token
	}
	if u.has("tokenFile") {
		methods, keys = append(methods, "tokenFile"), append(keys, "tokenFile")
		cfg.Auth.TokenFile = u.tokenFile
		b.readable(&u.entry, "tokenFile", u.tokenFile)
	}
	if u.has("username") || u.has("password") {
		key := "username"
		if !u.has("username") {
			key = "password"
		}
		methods, keys = append(methods, "username/password"), append(keys, key)
		cfg.Auth.Username, cfg.Auth.Password = u.username, u.password
	}
	if u.exec != nil {
		methods, keys = append(methods, "exec"), append(keys, "exec")
		cfg.Auth.Exec = b.exec(u, cl)
	}
	if u.has("auth-provider") {
		methods, keys = append(methods, "auth-provider"), append(keys, "auth-provider")
		name := u.authProvider
		if name == "oidc" {
			cfg.Auth.OIDC = b.oidc(u)
		} else {
			if name == "" {
				name = "(unnamed)"
			}
			problem("auth-provider", fmt.Sprintf("auth-provider %q is not supported: only oidc is (the other in-tree auth providers were removed from Kubernetes clients); configure an exec credential plugin (user.exec) instead, such as the one your cloud provider ships", name))
		}
	}
	if len(methods) > 1 {
		problem("", fmt.Sprintf("has more than one authentication method (%s); use only one", strings.Join(methods, ", ")))
	}

	// Impersonation.
	cfg.Impersonate = u.impersonate
	if cfg.Impersonate.User == "" && (u.has("as-groups") || u.has("as-uid") || u.has("as-user-extra")) {
		problem("as", "as-groups, as-uid and as-user-extra need as (the user to impersonate)")
	}

	// Provenance.
	auth := Setting{File: file, Line: u.line, Field: u.field}
	var desc []string
	if hasCert {
		desc = append(desc, "client certificate")
	}
	switch {
	case len(methods) == 1 && methods[0] == "token":
		desc = append(desc, "bearer token")
	case len(methods) == 1 && methods[0] == "tokenFile":
		desc = append(desc, "bearer token read from "+u.tokenFile)
	case len(methods) == 1 && methods[0] == "username/password":
		desc = append(desc, fmt.Sprintf("basic auth as %q", u.username))
	case len(methods) == 1 && methods[0] == "exec":
		desc = append(desc, fmt.Sprintf("exec plugin %q (%s)", u.exec.Command, u.exec.APIVersion))
	case len(methods) == 1 && cfg.Auth.OIDC != nil:
		desc = append(desc, fmt.Sprintf("oidc auth-provider (issuer %s, client %q)", cfg.Auth.OIDC.IssuerURL, cfg.Auth.OIDC.ClientID))
	}
	if len(keys) == 1 {
		auth.Field, auth.Line = u.at(keys[0])
	} else if hasCert {
		auth.Field, auth.Line = u.at(firstSet(u, "client-certificate", "client-certificate-data"))
	}
	if len(desc) == 0 {
		desc = append(desc, "none (anonymous): the user sets no credentials")
	}
	auth.Value = strings.Join(desc, " + ")
	auth.Why = fmt.Sprintf("credentials of user %q", u.name)
	auth.Shadowed = b.m.shadowed[u.field]
	if cfg.Impersonate.User != "" {
		auth.Value += fmt.Sprintf(", impersonating %q", cfg.Impersonate.User)
	}
	b.src.Auth = auth
}

func firstSet(u *rawUser, keys ...string) string {
	for _, k := range keys {
		if u.has(k) {
			return k
		}
	}
	return ""
}

func (b *builder) exec(u *rawUser, cl *rawCluster) *Exec {
	x := u.exec
	file := u.file.path
	problem := func(key, msg string) {
		f, l := u.at("exec")
		if key != "" {
			f += "." + key
		}
		b.ps.add(file, l, f, msg, nil)
	}
	if x.Command == "" {
		problem("command", "is required")
	}
	switch x.APIVersion {
	case execV1, execV1beta1:
	case "":
		problem("apiVersion", "is required ("+execV1+" or "+execV1beta1+")")
	case execV1alpha1:
		problem("apiVersion", execV1alpha1+" is no longer supported; use "+execV1+" (or "+execV1beta1+") with a plugin that speaks it")
	default:
		problem("apiVersion", fmt.Sprintf("%q is not supported (want %s or %s)", x.APIVersion, execV1, execV1beta1))
	}
	switch x.InteractiveMode {
	case "Never", "IfAvailable", "Always":
	case "":
		if x.APIVersion == execV1 {
			problem("interactiveMode", "is required for "+execV1+" (Never, IfAvailable or Always)")
		} else {
			x.InteractiveMode = "IfAvailable"
		}
	default:
		problem("interactiveMode", fmt.Sprintf("%q is not valid (want Never, IfAvailable or Always)", x.InteractiveMode))
	}
	for _, l := range x.envNoName {
		f, _ := u.at("exec")
		b.ps.add(file, l, f+".env", "an entry has no name", nil)
	}
	e := x.Exec
	if cl != nil {
		e.Config = cl.execConfig
	}
	if x.commandRel {
		b.src.Notes = append(b.src.Notes, fmt.Sprintf("the exec command is relative; resolved against %s", u.file.dir))
	}
	return &e
}

// redactURL hides a password in a URL's user info.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if err != nil && strings.Contains(s, "@") {
			return "(unparsable URL, hidden)"
		}
		return s
	}
	return u.Redacted()
}

// overrides applies the credential, TLS and impersonation options, with
// kubectl's rules for what each one replaces.
func (b *builder) overrides(cfg *Config) {
	o := b.opts
	note := func(s string) { b.src.Notes = append(b.src.Notes, s) }
	checkFile := func(flag, path string) {
		if _, err := os.Stat(path); err != nil {
			b.ps.add("", 0, flag, "cannot read the file", err)
		}
	}
	t := &cfg.TLS
	if o.CertificateAuthority != "" {
		t.CAFile, t.CAData, t.Insecure = o.CertificateAuthority, nil, false
		checkFile("--certificate-authority", o.CertificateAuthority)
		note("--certificate-authority (Options.CertificateAuthority) replaced the cluster's certificate authority")
	}
	if o.InsecureSkipTLSVerify {
		if o.CertificateAuthority != "" {
			b.ps.add("", 0, "--insecure-skip-tls-verify", "cannot be given together with --certificate-authority", nil)
		}
		t.Insecure, t.CAFile, t.CAData = true, "", nil
		note("--insecure-skip-tls-verify (Options.InsecureSkipTLSVerify): the server's certificate is not checked")
	}
	if o.ClientCertificate != "" {
		t.CertFile, t.CertData = o.ClientCertificate, nil
		checkFile("--client-certificate", o.ClientCertificate)
	}
	if o.ClientKey != "" {
		t.KeyFile, t.KeyData = o.ClientKey, ""
		checkFile("--client-key", o.ClientKey)
	}
	if o.ClientCertificate != "" || o.ClientKey != "" {
		if (t.CertFile == "" && len(t.CertData) == 0) || (t.KeyFile == "" && t.KeyData == "") {
			b.ps.add("", 0, "--client-certificate", "a client certificate needs a key and a key needs a certificate (--client-certificate and --client-key, or the user's)", nil)
		}
		note("--client-certificate/--client-key replaced the user's client certificate")
	}
	if o.Token != "" {
		cfg.Auth = Auth{Token: o.Token}
		b.src.Auth = Setting{Value: "bearer token", Why: "--token (Options.Token) replaces the user's credentials"}
	}
	imp := &cfg.Impersonate
	if o.As != "" {
		imp.User = o.As
	}
	if o.AsUID != "" {
		imp.UID = o.AsUID
	}
	if len(o.AsGroups) > 0 {
		imp.Groups = append([]string(nil), o.AsGroups...)
	}
	if o.As != "" || o.AsUID != "" || len(o.AsGroups) > 0 {
		if imp.User == "" {
			b.ps.add("", 0, "--as", "--as-uid and --as-group need --as (or an as in the kubeconfig user)", nil)
		}
		note(fmt.Sprintf("impersonating %q (--as, --as-uid, --as-group)", imp.User))
	}
}

// The oidc auth-provider's config keys, as kubectl spells them.
const (
	oidcIssuerURL    = "idp-issuer-url"
	oidcClientID     = "client-id"
	oidcClientSecret = "client-secret"
	oidcCA           = "idp-certificate-authority"
	oidcCAData       = "idp-certificate-authority-data"
	oidcExtraScopes  = "extra-scopes"
	oidcIDToken      = "id-token"
	oidcRefreshToken = "refresh-token"
)

// oidc builds the oidc auth-provider's configuration, checking what
// kubectl checks (issuer and client id present) and that the issuer is an
// https URL. Messages never quote a token.
func (b *builder) oidc(u *rawUser) *OIDC {
	c := u.authProviderConfig
	f, l := u.at("auth-provider")
	problem := func(key, msg string) { b.ps.add(u.file.path, l, f+".config."+key, msg, nil) }
	o := &OIDC{
		IssuerURL:    c[oidcIssuerURL],
		ClientID:     c[oidcClientID],
		ClientSecret: Secret(c[oidcClientSecret]),
		IDToken:      Secret(c[oidcIDToken]),
		RefreshToken: Secret(c[oidcRefreshToken]),
	}
	if o.IssuerURL == "" {
		problem(oidcIssuerURL, "is required")
	} else if iu, err := url.Parse(o.IssuerURL); err != nil || iu.Scheme != "https" || iu.Host == "" {
		problem(oidcIssuerURL, "must be an https URL")
	}
	if o.ClientID == "" {
		problem(oidcClientID, "is required")
	}
	if p := c[oidcCA]; p != "" {
		// Relative to the kubeconfig's directory, like every other path in
		// it (kubectl leaves this one relative to the working directory).
		switch {
		case filepath.IsAbs(p):
			o.CAFile = p
		case u.file.dir == "":
			problem(oidcCA, "is a relative path, which a kubeconfig given as bytes cannot have; use an absolute path or "+oidcCAData)
		default:
			o.CAFile = filepath.Join(u.file.dir, p)
		}
		if o.CAFile != "" {
			if _, err := os.Stat(o.CAFile); err != nil {
				b.ps.add(u.file.path, l, f+".config."+oidcCA, "cannot read the file", err)
			}
		}
	}
	if d := c[oidcCAData]; d != "" {
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(d), ""))
		if err != nil {
			problem(oidcCAData, "is not valid base64")
		}
		o.CAData = data
	}
	if s := c[oidcExtraScopes]; s != "" {
		o.ExtraScopes = strings.Split(s, ",")
	}
	if u.file.dir != "" && u.file.from != fromBytes {
		o.PersistFile, o.PersistUser = u.file.path, u.name
	}
	return o
}
