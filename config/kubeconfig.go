package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	yaml "go.yaml.in/yaml/v3"
)

// Kubeconfig is one or more kubeconfig files opened for reading and
// changing entries, the way kubectl config set-cluster, set-credentials,
// set-context, use-context and delete-* do. Changes are made in memory;
// Save writes the files that changed.
//
// What a file already had is kept: fields kubewire does not know, extensions,
// preferences, other entries and the order of keys and entries. Changed
// fields are rewritten in place and new ones appended. The YAML is written
// again by go.yaml.in/yaml/v3: comments survive where that library attaches
// them to a node (most head and line comments do; some blank lines and
// comments between list items may not), indentation becomes two spaces and
// quoting may change. A kubeconfig written as JSON is written back as YAML,
// as kubectl does.
//
// With several files (a KUBECONFIG list) a change goes where kubectl puts
// it: a change to an existing entry, and its deletion, to the file that
// defines it (the first one, whose entry wins the merge); a new entry, and
// a new current-context, to the "default file" — the --kubeconfig file, else
// the only KUBECONFIG entry, else the first KUBECONFIG entry that exists
// (the last one when none does), else $HOME/.kube/config; clearing the
// current-context clears it in the first file that sets it.
//
// A Kubeconfig is not safe for concurrent use.
type Kubeconfig struct {
	files    []*editFile
	def      *editFile // where new entries and a new current-context go
	explicit bool      // --kubeconfig: current-context always goes to def
}

// Cluster is a cluster entry (clusters[].cluster) as written in the file.
// Path fields are as written: a relative path is relative to the file's
// directory. Zero fields are absent from the file.
type Cluster struct {
	Server                   string
	CertificateAuthority     string
	CertificateAuthorityData []byte
	InsecureSkipTLSVerify    bool
	TLSServerName            string
	ProxyURL                 string
	DisableCompression       bool
}

// SetCertificateAuthority sets the CA file and, as kubectl config
// set-cluster --certificate-authority does, drops the CA data and
// insecure-skip-tls-verify.
func (c *Cluster) SetCertificateAuthority(path string) {
	c.CertificateAuthority = path
	if path != "" {
		c.CertificateAuthorityData, c.InsecureSkipTLSVerify = nil, false
	}
}

// SetCertificateAuthorityData embeds a PEM CA and, as kubectl config
// set-cluster --embed-certs does, drops the CA file and
// insecure-skip-tls-verify.
func (c *Cluster) SetCertificateAuthorityData(pem []byte) {
	c.CertificateAuthorityData, c.CertificateAuthority, c.InsecureSkipTLSVerify = pem, "", false
}

// SetInsecureSkipTLSVerify sets insecure-skip-tls-verify; true drops the
// certificate authority, as kubectl config set-cluster does.
func (c *Cluster) SetInsecureSkipTLSVerify(insecure bool) {
	c.InsecureSkipTLSVerify = insecure
	if insecure {
		c.CertificateAuthority, c.CertificateAuthorityData = "", nil
	}
}

// SetServer sets the server URL and, as kubectl config set-cluster
// --server does, drops tls-server-name, which named the old server.
func (c *Cluster) SetServer(url string) {
	c.Server, c.TLSServerName = url, ""
}

// User is a user entry (users[].user) as written in the file. Path fields
// are as written (relative to the file's directory). Credentials are
// Secret, so printing a User never shows them.
type User struct {
	ClientCertificate     string
	ClientCertificateData []byte
	ClientKey             string
	ClientKeyData         Secret
	Token                 Secret
	TokenFile             string
	Username              string
	Password              Secret
	// As, AsUID, AsGroups and AsUserExtra are the impersonation fields
	// (as, as-uid, as-groups, as-user-extra).
	As          string
	AsUID       string
	AsGroups    []string
	AsUserExtra map[string][]string
	// Exec is the credential plugin (exec), nil when absent.
	Exec *UserExec
	// AuthProvider is the auth-provider, nil when absent.
	AuthProvider *AuthProvider
}

// SetToken sets the bearer token and, as kubectl config set-credentials
// --token does, drops username and password.
func (u *User) SetToken(token Secret) {
	u.Token = token
	if token != "" {
		u.Username, u.Password = "", ""
	}
}

// SetBasicAuth sets username and password and, as kubectl config
// set-credentials --username/--password does, drops the token.
func (u *User) SetBasicAuth(username string, password Secret) {
	u.Username, u.Password = username, password
	if username != "" || password != "" {
		u.Token = ""
	}
}

// SetClientCertificate sets the client certificate and key files and drops
// the -data fields, as kubectl config set-credentials does.
func (u *User) SetClientCertificate(certFile, keyFile string) {
	u.ClientCertificate, u.ClientCertificateData = certFile, nil
	u.ClientKey, u.ClientKeyData = keyFile, ""
}

// SetClientCertificateData embeds the client certificate and key and drops
// the file fields, as kubectl config set-credentials --embed-certs does.
func (u *User) SetClientCertificateData(certPEM []byte, keyPEM Secret) {
	u.ClientCertificateData, u.ClientCertificate = certPEM, ""
	u.ClientKeyData, u.ClientKey = keyPEM, ""
}

// UserExec is a user's exec credential plugin as written in the file.
type UserExec struct {
	APIVersion         string
	Command            string
	Args               []string
	Env                []EnvVar
	InstallHint        string
	ProvideClusterInfo bool
	InteractiveMode    string
}

// AuthProvider is a user's auth-provider: its name ("oidc") and its
// configuration, whose values are treated as secrets (they hold tokens and
// client secrets).
type AuthProvider struct {
	Name   string
	Config map[string]Secret
}

// Context is a context entry (contexts[].context).
type Context struct {
	Cluster   string
	User      string
	Namespace string
}

// EntryNotFoundError reports that a cluster, user or context to delete or
// select is not defined in any of the files. Kubeconfig's Delete* and
// UseContext return it.
type EntryNotFoundError struct {
	// List is "clusters", "users" or "contexts".
	List string
	// Name is the entry's name.
	Name string
	// Files are the files searched.
	Files []string
}

// Error says which entry is missing and where it was looked for.
func (e *EntryNotFoundError) Error() string {
	return fmt.Sprintf("%s[%s] is not defined in %v", e.List, e.Name, e.Files)
}

// OpenKubeconfig reads the kubeconfig files Options selects, as Load does
// (Options.Kubeconfig, else KUBECONFIG, else $HOME/.kube/config; the other
// fields are ignored), for changing. Files that do not exist yet are
// created by Save when a change goes to them; an explicit
// Options.Kubeconfig that does not exist is created too, as kubectl does.
// An invalid file gives a *KubeconfigError; no file to use at all (KUBECONFIG
// unset and no home directory) a *NoConfigError.
func OpenKubeconfig(opts Options) (*Kubeconfig, error) {
	refs, _, tried := opts.kubeconfigFiles()
	if len(refs) == 0 {
		return nil, &NoConfigError{Tried: tried}
	}
	k := &Kubeconfig{explicit: opts.Kubeconfig != ""}
	var ps problems
	for _, ref := range refs {
		f := &editFile{path: absPath(ref.path)}
		f.dir = filepath.Dir(f.path)
		data, err := os.ReadFile(ref.path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			f.root = newDocument()
		case err != nil:
			ps.add(f.path, 0, "", "cannot read the kubeconfig", err)
			continue
		default:
			f.exists = true
			f.root = f.parse(data, ref.from, &ps)
		}
		k.files = append(k.files, f)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	k.def = k.files[0]
	if len(k.files) > 1 {
		k.def = k.files[len(k.files)-1]
		for _, f := range k.files {
			if f.exists {
				k.def = f
				break
			}
		}
	}
	return k, nil
}

// ParseKubeconfig reads one kubeconfig given as bytes (from a Secret, for
// example) for changing; Bytes returns the result. Relative paths are kept
// as written. An invalid document gives a *KubeconfigError whose Problems
// have File BytesFile.
func ParseKubeconfig(data []byte) (*Kubeconfig, error) {
	var ps problems
	f := &editFile{path: BytesFile}
	f.root = f.parse(data, "ParseKubeconfig", &ps) // relative paths are kept, not resolved
	if err := ps.err(); err != nil {
		return nil, err
	}
	return &Kubeconfig{files: []*editFile{f}, def: f, explicit: true}, nil
}

// Files returns the paths of the files, in precedence order (BytesFile for
// ParseKubeconfig).
func (k *Kubeconfig) Files() []string {
	var out []string
	for _, f := range k.files {
		out = append(out, f.path)
	}
	return out
}

// CurrentContext returns the merged current-context: the first file's that
// sets one.
func (k *Kubeconfig) CurrentContext() string {
	for _, f := range k.files {
		if cc := f.currentContext(); cc != "" {
			return cc
		}
	}
	return ""
}

// Cluster returns the cluster entry called name from the first file that
// defines it, and whether one does.
func (k *Kubeconfig) Cluster(name string) (Cluster, bool, error) {
	var c Cluster
	f, n := k.find(listClusters, name)
	if n == nil {
		return c, false, nil
	}
	return c, true, f.decodeCluster(name, n, &c)
}

// User returns the user entry called name from the first file that defines
// it, and whether one does.
func (k *Kubeconfig) User(name string) (User, bool, error) {
	var u User
	f, n := k.find(listUsers, name)
	if n == nil {
		return u, false, nil
	}
	return u, true, f.decodeUser(name, n, &u)
}

// Context returns the context entry called name from the first file that
// defines it, and whether one does.
func (k *Kubeconfig) Context(name string) (Context, bool, error) {
	var c Context
	f, n := k.find(listContexts, name)
	if n == nil {
		return c, false, nil
	}
	return c, true, f.decodeContext(name, n, &c)
}

// SetCluster adds or changes the cluster called name: edit gets the current
// entry (zero for a new one) and changes it; the fields it changed are
// written, the rest of the entry is left as it was. A field set to its zero
// value is removed. An entry that cannot be read gives a *KubeconfigError.
func (k *Kubeconfig) SetCluster(name string, edit func(*Cluster)) error {
	return k.set(listClusters, name, func(f *editFile, inner *yaml.Node) (any, any, error) {
		var c Cluster
		if err := f.decodeCluster(name, inner, &c); err != nil {
			return nil, nil, err
		}
		old := clusterYAML(c)
		edit(&c)
		nc := clusterYAML(c)
		if nc != old {
			nc = f.relativizeCluster(nc)
		}
		return old, nc, nil
	})
}

// SetUser adds or changes the user called name, as SetCluster does for
// clusters.
func (k *Kubeconfig) SetUser(name string, edit func(*User)) error {
	return k.set(listUsers, name, func(f *editFile, inner *yaml.Node) (any, any, error) {
		var u User
		if err := f.decodeUser(name, inner, &u); err != nil {
			return nil, nil, err
		}
		old := userYAML(u)
		edit(&u)
		nu := userYAML(u)
		if !reflect.DeepEqual(old, nu) {
			nu = f.relativizeUser(nu)
		}
		return old, nu, nil
	})
}

// SetContext adds or changes the context called name, as SetCluster does
// for clusters.
func (k *Kubeconfig) SetContext(name string, edit func(*Context)) error {
	return k.set(listContexts, name, func(f *editFile, inner *yaml.Node) (any, any, error) {
		var c Context
		if err := f.decodeContext(name, inner, &c); err != nil {
			return nil, nil, err
		}
		old := contextYAML(c)
		edit(&c)
		return old, contextYAML(c), nil
	})
}

// UseContext sets the current-context (kubectl config use-context). The
// context must be defined, else the error is an *EntryNotFoundError. An
// empty name clears the current-context in the first file that sets it
// (kubectl config unset current-context).
func (k *Kubeconfig) UseContext(name string) error {
	if name == "" {
		for _, f := range k.files {
			if f.currentContext() != "" {
				f.setCurrentContext("")
				return nil
			}
		}
		return nil
	}
	if _, n := k.find(listContexts, name); n == nil {
		return &EntryNotFoundError{List: listContexts, Name: name, Files: k.Files()}
	}
	if k.CurrentContext() == name {
		return nil
	}
	k.def.setCurrentContext(name)
	return nil
}

// DeleteCluster removes the cluster called name from the first file that
// defines it (kubectl config delete-cluster), or returns an
// *EntryNotFoundError.
func (k *Kubeconfig) DeleteCluster(name string) error { return k.delete(listClusters, name) }

// DeleteUser removes the user called name from the first file that defines
// it (kubectl config delete-user), or returns an *EntryNotFoundError.
func (k *Kubeconfig) DeleteUser(name string) error { return k.delete(listUsers, name) }

// DeleteContext removes the context called name from the first file that
// defines it (kubectl config delete-context), or returns an
// *EntryNotFoundError. Like kubectl it leaves a current-context that names
// it.
func (k *Kubeconfig) DeleteContext(name string) error { return k.delete(listContexts, name) }

// Save writes every file that changed, each under kubectl's lock file
// (PATH.lock, created exclusively, so kubectl and kubewire do not write the
// same file at once). A file that did not exist is created with mode 0600
// (its directory with 0755); an existing file keeps its mode. Errors are
// *fs.PathError; when another writer holds the lock, its Err is
// fs.ErrExist. Save does nothing for ParseKubeconfig; use Bytes.
func (k *Kubeconfig) Save() error {
	for _, f := range k.files {
		if !f.dirty || f.path == BytesFile {
			continue
		}
		if err := f.save(); err != nil {
			return err
		}
		f.dirty, f.exists = false, true
	}
	return nil
}

// Bytes returns the YAML of the default file (the one new entries go to):
// the only one for ParseKubeconfig or Options.Kubeconfig.
func (k *Kubeconfig) Bytes() ([]byte, error) { return k.def.encode() }
