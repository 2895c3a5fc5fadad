package config

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// The kubeconfig's named lists.
const (
	listClusters = "clusters"
	listUsers    = "users"
	listContexts = "contexts"
)

// innerKey is the key of an entry's body in each list.
var innerKey = map[string]string{listClusters: "cluster", listUsers: "user", listContexts: "context"}

// editFile is one kubeconfig file held as a YAML node tree for editing.
type editFile struct {
	path   string // absolute, or BytesFile
	dir    string // "" for bytes: paths are kept as written
	exists bool
	dirty  bool
	root   *yaml.Node // the top-level mapping
}

// newDocument is the top-level mapping of a file that does not exist yet.
func newDocument() *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		scalar("apiVersion"), scalar("v1"), scalar("kind"), scalar("Config"),
	}}
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// parse checks data as Load would (shape only) and returns its top-level
// mapping.
func (f *editFile) parse(data []byte, from string, ps *problems) *yaml.Node {
	before := len(ps.list)
	parseFile(data, f.path, from, ps)
	if len(ps.list) > before {
		return nil
	}
	root, line, msg := parseDocument(data)
	switch {
	case msg != "":
		ps.add(f.path, line, "", msg, nil)
		return nil
	case root == nil:
		return newDocument()
	case root.Kind != yaml.MappingNode:
		ps.add(f.path, root.Line, "", "must be a mapping", nil)
		return nil
	}
	if root.Style&yaml.FlowStyle != 0 {
		plain(root) // JSON: write it back as block YAML
	}
	return root
}

// plain clears the flow style of a tree so that it is written as block
// YAML.
func plain(n *yaml.Node) {
	if n == nil {
		return
	}
	n.Style &^= yaml.FlowStyle
	for _, c := range n.Content {
		plain(c)
	}
}

// get returns the value of key in mapping m (aliases followed), or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := deref(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// put sets key in mapping m to v, in place when the key exists (keeping its
// position and comments), else appended.
func put(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := deref(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			v.HeadComment, v.LineComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}

// del removes key from mapping m.
func del(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := deref(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func (f *editFile) currentContext() string {
	if n := deref(get(f.root, "current-context")); n != nil && n.Kind == yaml.ScalarNode && !isNull(n) {
		return n.Value
	}
	return ""
}

func (f *editFile) setCurrentContext(name string) {
	put(f.root, "current-context", scalar(name))
	f.dirty = true
}

// item returns the list item (a mapping) called name in list, or nil.
func (f *editFile) item(list, name string) *yaml.Node {
	seq := deref(get(f.root, list))
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	for _, it := range seq.Content {
		if n := deref(get(it, "name")); n != nil && n.Kind == yaml.ScalarNode && n.Value == name {
			return deref(it)
		}
	}
	return nil
}

// find returns the first file that defines the entry, and its item.
func (k *Kubeconfig) find(list, name string) (*editFile, *yaml.Node) {
	for _, f := range k.files {
		if it := f.item(list, name); it != nil {
			return f, it
		}
	}
	return nil, nil
}

// set adds or changes an entry; fn decodes the entry body and returns its
// known fields before and after the caller's edit, as yaml-tagged structs.
func (k *Kubeconfig) set(list, name string, fn func(f *editFile, inner *yaml.Node) (old, new any, err error)) error {
	f, it := k.find(list, name)
	added := false
	if it == nil {
		f, added = k.def, true
		it = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		seq := deref(get(f.root, list))
		if seq == nil || seq.Kind != yaml.SequenceNode {
			seq = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			put(f.root, list, seq)
		}
		seq.Content = append(seq.Content, it)
		put(it, "name", scalar(name))
	}
	key := innerKey[list]
	inner := deref(get(it, key))
	if inner == nil || inner.Kind != yaml.MappingNode {
		if inner != nil && !isNull(inner) {
			return &KubeconfigError{Problems: []Problem{{File: f.path, Line: inner.Line, Field: fmt.Sprintf("%s[%s].%s", list, name, key), Message: "must be a mapping"}}}
		}
		inner = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		put(it, key, inner)
	}
	old, new, err := fn(f, inner)
	if err != nil {
		return err
	}
	var on, nn yaml.Node
	if err := on.Encode(old); err != nil {
		return err
	}
	if err := nn.Encode(new); err != nil {
		return err
	}
	if update(inner, &on, &nn) || added {
		f.dirty = true
	}
	return nil
}

// update writes into mapping dst the keys whose value differs between the
// encodings old and new of the known fields, removing those new lacks.
// Keys of dst that neither has (unknown fields) are left alone; nested
// mappings (exec, auth-provider and its config) are updated the same way.
// It reports whether dst changed.
func update(dst, old, new *yaml.Node) bool {
	var keys []string
	seen := map[string]bool{}
	for _, m := range []*yaml.Node{new, old} {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := m.Content[i].Value; !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	changed := false
	for _, key := range keys {
		ov, nv := get(old, key), get(new, key)
		if ov != nil && nv != nil && same(ov, nv) {
			continue
		}
		changed = true
		if nv == nil {
			del(dst, key)
			continue
		}
		if dv := deref(get(dst, key)); dv != nil && dv.Kind == yaml.MappingNode && nv.Kind == yaml.MappingNode && ov != nil && ov.Kind == yaml.MappingNode {
			update(dv, ov, nv)
			continue
		}
		put(dst, key, nv)
	}
	return changed
}

// same reports whether two encoded values are equal.
func same(a, b *yaml.Node) bool {
	x, err1 := yaml.Marshal(a)
	y, err2 := yaml.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// delete removes an entry from the first file that defines it.
func (k *Kubeconfig) delete(list, name string) error {
	f, it := k.find(list, name)
	if it == nil {
		return &EntryNotFoundError{List: list, Name: name, Files: k.Files()}
	}
	seq := deref(get(f.root, list))
	for i, c := range seq.Content {
		if deref(c) == it {
			seq.Content = append(seq.Content[:i], seq.Content[i+1:]...)
			break
		}
	}
	f.dirty = true
	return nil
}

// encode returns the file's YAML.
func (f *editFile) encode() ([]byte, error) {
	explicitNulls(f.root)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f.root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// save writes the file under kubectl's PATH.lock.
func (f *editFile) save() error {
	data, err := f.encode()
	if err != nil {
		return &fs.PathError{Op: "encode", Path: f.path, Err: err}
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return err
	}
	lock := f.path + ".lock"
	lf, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL, 0)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "lock", Path: lock, Err: fs.ErrExist}
		}
		return err
	}
	lf.Close()
	defer os.Remove(lock)
	return os.WriteFile(f.path, data, 0o600)
}

// The known fields of each entry body, as the file spells them.
type yamlCluster struct {
	Server        string `yaml:"server,omitempty"`
	CA            string `yaml:"certificate-authority,omitempty"`
	CAData        string `yaml:"certificate-authority-data,omitempty"`
	Insecure      bool   `yaml:"insecure-skip-tls-verify,omitempty"`
	TLSServerName string `yaml:"tls-server-name,omitempty"`
	ProxyURL      string `yaml:"proxy-url,omitempty"`
	NoCompression bool   `yaml:"disable-compression,omitempty"`
}

type yamlUser struct {
	Cert         string              `yaml:"client-certificate,omitempty"`
	CertData     string              `yaml:"client-certificate-data,omitempty"`
	Key          string              `yaml:"client-key,omitempty"`
	KeyData      string              `yaml:"client-key-data,omitempty"`
	Token        string              `yaml:"token,omitempty"`
	TokenFile    string              `yaml:"tokenFile,omitempty"`
	As           string              `yaml:"as,omitempty"`
	AsUID        string              `yaml:"as-uid,omitempty"`
	AsGroups     []string            `yaml:"as-groups,omitempty"`
	AsUserExtra  map[string][]string `yaml:"as-user-extra,omitempty"`
	Username     string              `yaml:"username,omitempty"`
	Password     string              `yaml:"password,omitempty"`
	AuthProvider *yamlAuthProvider   `yaml:"auth-provider,omitempty"`
	Exec         *yamlExec           `yaml:"exec,omitempty"`
}

type yamlAuthProvider struct {
	Name   string            `yaml:"name"`
	Config map[string]string `yaml:"config,omitempty"`
}

type yamlExec struct {
	Command            string    `yaml:"command,omitempty"`
	Args               []string  `yaml:"args,omitempty"`
	Env                []yamlEnv `yaml:"env,omitempty"`
	APIVersion         string    `yaml:"apiVersion,omitempty"`
	InstallHint        string    `yaml:"installHint,omitempty"`
	ProvideClusterInfo bool      `yaml:"provideClusterInfo,omitempty"`
	InteractiveMode    string    `yaml:"interactiveMode,omitempty"`
}

type yamlEnv struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

type yamlContext struct {
	Cluster   string `yaml:"cluster,omitempty"`
	User      string `yaml:"user,omitempty"`
	Namespace string `yaml:"namespace,omitempty"`
}

// decodeErr turns a decoding failure into a *KubeconfigError that quotes
// nothing from the file.
func (f *editFile) decodeErr(n *yaml.Node, field string, err error) error {
	line, msg := yamlErrorLine(err)
	if line == 0 && n != nil {
		line = n.Line
	}
	msg = strings.TrimPrefix(msg, "malformed YAML: ")
	return &KubeconfigError{Problems: []Problem{{File: f.path, Line: line, Field: field, Message: "cannot be read: " + msg}}}
}

func (f *editFile) b64(s string, n *yaml.Node, field string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return nil, &KubeconfigError{Problems: []Problem{{File: f.path, Line: n.Line, Field: field, Message: "is not valid base64"}}}
	}
	return b, nil
}

func b64(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (f *editFile) decodeCluster(name string, n *yaml.Node, c *Cluster) error {
	var y yamlCluster
	field := "clusters[" + name + "].cluster"
	if n = innerOf(n, "cluster"); n == nil {
		return nil
	}
	if err := n.Decode(&y); err != nil {
		return f.decodeErr(n, field, err)
	}
	caData, err := f.b64(y.CAData, n, field+".certificate-authority-data")
	if err != nil {
		return err
	}
	*c = Cluster{Server: y.Server, CertificateAuthority: y.CA, CertificateAuthorityData: caData, InsecureSkipTLSVerify: y.Insecure,
		TLSServerName: y.TLSServerName, ProxyURL: y.ProxyURL, DisableCompression: y.NoCompression}
	return nil
}

func clusterYAML(c Cluster) yamlCluster {
	return yamlCluster{Server: c.Server, CA: c.CertificateAuthority, CAData: b64(c.CertificateAuthorityData), Insecure: c.InsecureSkipTLSVerify,
		TLSServerName: c.TLSServerName, ProxyURL: c.ProxyURL, NoCompression: c.DisableCompression}
}

func (f *editFile) decodeUser(name string, n *yaml.Node, u *User) error {
	var y yamlUser
	field := "users[" + name + "].user"
	if n = innerOf(n, "user"); n == nil {
		return nil
	}
	if err := n.Decode(&y); err != nil {
		return f.decodeErr(n, field, err)
	}
	certData, err := f.b64(y.CertData, n, field+".client-certificate-data")
	if err != nil {
		return err
	}
	keyData, err := f.b64(y.KeyData, n, field+".client-key-data")
	if err != nil {
		return err
	}
	*u = User{ClientCertificate: y.Cert, ClientCertificateData: certData, ClientKey: y.Key, ClientKeyData: Secret(keyData),
		Token: Secret(y.Token), TokenFile: y.TokenFile, Username: y.Username, Password: Secret(y.Password),
		As: y.As, AsUID: y.AsUID, AsGroups: y.AsGroups, AsUserExtra: y.AsUserExtra}
	if p := y.AuthProvider; p != nil {
		u.AuthProvider = &AuthProvider{Name: p.Name, Config: map[string]Secret{}}
		for k, v := range p.Config {
			u.AuthProvider.Config[k] = Secret(v)
		}
	}
	if x := y.Exec; x != nil {
		u.Exec = &UserExec{APIVersion: x.APIVersion, Command: x.Command, Args: x.Args, InstallHint: x.InstallHint,
			ProvideClusterInfo: x.ProvideClusterInfo, InteractiveMode: x.InteractiveMode}
		for _, e := range x.Env {
			u.Exec.Env = append(u.Exec.Env, EnvVar{Name: e.Name, Value: Secret(e.Value)})
		}
	}
	return nil
}

func userYAML(u User) yamlUser {
	y := yamlUser{Cert: u.ClientCertificate, CertData: b64(u.ClientCertificateData), Key: u.ClientKey, KeyData: b64([]byte(u.ClientKeyData)),
		Token: string(u.Token), TokenFile: u.TokenFile, Username: u.Username, Password: string(u.Password),
		As: u.As, AsUID: u.AsUID, AsGroups: u.AsGroups, AsUserExtra: u.AsUserExtra}
	if p := u.AuthProvider; p != nil {
		y.AuthProvider = &yamlAuthProvider{Name: p.Name}
		for k, v := range p.Config {
			if y.AuthProvider.Config == nil {
				y.AuthProvider.Config = map[string]string{}
			}
			y.AuthProvider.Config[k] = string(v)
		}
	}
	if x := u.Exec; x != nil {
		y.Exec = &yamlExec{APIVersion: x.APIVersion, Command: x.Command, Args: x.Args, InstallHint: x.InstallHint,
			ProvideClusterInfo: x.ProvideClusterInfo, InteractiveMode: x.InteractiveMode}
		for _, e := range x.Env {
			y.Exec.Env = append(y.Exec.Env, yamlEnv{Name: e.Name, Value: string(e.Value)})
		}
	}
	return y
}

func (f *editFile) decodeContext(name string, n *yaml.Node, c *Context) error {
	var y yamlContext
	if n = innerOf(n, "context"); n == nil {
		return nil
	}
	if err := n.Decode(&y); err != nil {
		return f.decodeErr(n, "contexts["+name+"].context", err)
	}
	*c = Context(y)
	return nil
}

func contextYAML(c Context) yamlContext { return yamlContext(c) }

// innerOf accepts either a list item (with the body under key) or the body
// itself, and returns the body, or nil when there is none.
func innerOf(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	if get(n, "name") != nil {
		if b := deref(get(n, key)); b != nil && b.Kind == yaml.MappingNode {
			return b
		}
		return nil
	}
	return n
}

// relPath writes an absolute path inside the file's directory relative to
// it, and makes a relative one that climbs out of it absolute, as kubectl
// does for the entries it changes.
func (f *editFile) relPath(p string) string {
	if p == "" || f.dir == "" {
		return p
	}
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(f.dir, p)
	}
	rel, err := filepath.Rel(f.dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}

func (f *editFile) relativizeCluster(y yamlCluster) yamlCluster {
	y.CA = f.relPath(y.CA)
	return y
}

func (f *editFile) relativizeUser(y yamlUser) yamlUser {
	y.Cert, y.Key, y.TokenFile = f.relPath(y.Cert), f.relPath(y.Key), f.relPath(y.TokenFile)
	if y.Exec != nil && strings.ContainsRune(y.Exec.Command, filepath.Separator) {
		// Unlike kubectl, keep "./" so a command in the file's directory is
		// not turned into a bare name looked up in PATH.
		if c := f.relPath(y.Exec.Command); !filepath.IsAbs(c) && !strings.ContainsRune(c, filepath.Separator) {
			y.Exec.Command = "." + string(filepath.Separator) + c
		} else {
			y.Exec.Command = c
		}
	}
	return y
}

// explicitNulls spells empty nulls "null": the encoder writes an empty null
// in a flow collection as an empty quoted string, which reads back as a
// string.
// (Alias nodes have no Content, so the walk ends.)
func explicitNulls(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Value == "" && n.ShortTag() == "!!null" {
		n.Value = "null"
	}
	for _, c := range n.Content {
		explicitNulls(c)
	}
}
