package config

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	yaml "go.yaml.in/yaml/v3"
)

// execExtensionName is the cluster extension passed to exec plugins.
const execExtensionName = "client.authentication.k8s.io/exec"

// kfile is one parsed kubeconfig file.
type kfile struct {
	path   string // as given, made absolute when possible
	from   string // why it was read: "--kubeconfig", "KUBECONFIG entry 2 of 3", ...
	dir    string // relative paths inside resolve against this; "" for bytes
	broken bool   // the file could not be parsed at all

	currentContext     string
	currentContextLine int

	clusters []*rawCluster
	users    []*rawUser
	contexts []*rawContext
}

// entry is what every named list item has in common.
type entry struct {
	name  string
	file  *kfile
	field string // "clusters[prod]"
	inner string // "cluster", "user" or "context"
	line  int
	lines map[string]int // field key -> line, for the keys that were set
}

// at returns the field path and line of key inside the entry's inner
// mapping ("clusters[prod].cluster.server").
func (e *entry) at(key string) (string, int) {
	f := e.field + "." + e.inner
	if key != "" {
		f += "." + key
	}
	if l, ok := e.lines[key]; ok {
		return f, l
	}
	return f, e.line
}

func (e *entry) has(key string) bool { _, ok := e.lines[key]; return ok }

type rawCluster struct {
	entry
	server             string
	ca                 string
	caData             []byte
	insecure           bool
	tlsServerName      string
	proxyURL           string
	disableCompression bool
	execConfig         []byte
}

type rawUser struct {
	entry
	certFile     string
	certData     []byte
	keyFile      string
	keyData      Secret
	token        Secret
	tokenFile    string
	username     string
	password     Secret
	impersonate  Impersonate
	authProvider string // the provider's name; set when has("auth-provider")
	// authProviderConfig is the provider's config map; values may be
	// credentials (id-token, refresh-token, client-secret).
	authProviderConfig map[string]string
	exec               *rawExec
}

type rawExec struct {
	Exec
	line       int
	envNoName  []int // lines of env items without a name
	commandRel bool  // command was relative and resolved against the file
}

type rawContext struct {
	entry
	cluster   string
	user      string
	namespace string
}

// parseFile parses one kubeconfig's bytes. Problems are added to ps; the
// result is never nil.
func parseFile(data []byte, path, from string, ps *problems) (kf *kfile) {
	kf = &kfile{path: path, from: from, dir: filepath.Dir(path)}
	if from == fromBytes {
		kf.dir = ""
	}
	defer func() {
		// The YAML library is third-party code: a panic on hostile input
		// becomes a problem, never a crash.
		if r := recover(); r != nil {
			kf.broken = true
			ps.add(path, 0, "", "cannot parse the file", nil)
		}
	}()
	root, line, msg := parseDocument(data)
	if msg != "" {
		kf.broken = true
		ps.add(path, line, "", msg, nil)
		return kf
	}
	if root == nil {
		return kf
	}
	w := &walker{file: path, ps: ps, noDir: kf.dir == ""}
	for _, p := range w.mapping(root, "") {
		switch p.key {
		case "apiVersion":
			if v := w.str(p.val, "apiVersion"); v != "" && v != "v1" {
				w.add(p.val, "apiVersion", fmt.Sprintf("unsupported apiVersion %q (want v1)", v))
			}
		case "kind":
			if v := w.str(p.val, "kind"); v != "" && v != "Config" {
				w.add(p.val, "kind", fmt.Sprintf("unsupported kind %q (want Config)", v))
			}
		case "current-context":
			kf.currentContext = w.str(p.val, "current-context")
			kf.currentContextLine = p.keyNode.Line
		case "clusters":
			w.named(p.val, kf, "clusters", "cluster", func(e entry, n *yaml.Node) {
				kf.clusters = append(kf.clusters, w.cluster(e, n))
			})
		case "users":
			w.named(p.val, kf, "users", "user", func(e entry, n *yaml.Node) {
				kf.users = append(kf.users, w.user(e, n))
			})
		case "contexts":
			w.named(p.val, kf, "contexts", "context", func(e entry, n *yaml.Node) {
				kf.contexts = append(kf.contexts, w.context(e, n))
			})
		}
	}
	// A walk cut short leaves the entries incomplete: report only that.
	kf.broken = w.overflow
	return kf
}

// parseDocument returns the root node of the first document, nil for an
// empty file, or a message and line for malformed input. JSON that YAML
// cannot read (the escape "\/", for example) is parsed as JSON.
func parseDocument(data []byte) (root *yaml.Node, line int, msg string) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeftFunc(data, unicode.IsSpace)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		n, jline, jerr := jsonToNode(data)
		if jerr == nil {
			return n, 0, ""
		}
		rest := bytes.TrimLeftFunc(trimmed[1:], unicode.IsSpace)
		if len(rest) > 0 && (rest[0] == '"' || rest[0] == '}') {
			// It is meant to be JSON; a YAML error would only confuse.
			return nil, jline, "malformed JSON"
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErrorLine(err)
		return nil, line, msg
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, 0, ""
	}
	return doc.Content[0], 0, ""
}

// yamlErrorLine turns a YAML syntax error into a line and a message that
// quotes nothing from the input.
func yamlErrorLine(err error) (int, string) {
	s := err.Error()
	// "yaml: line N: message", on one line.
	if rest, ok := strings.CutPrefix(s, "yaml: line "); ok && !strings.Contains(rest, "\n") {
		num, msg, ok := strings.Cut(rest, ": ")
		if ok && num != "" && strings.Trim(num, "0123456789") == "" {
			l, _ := strconv.Atoi(num)
			return l, "malformed YAML: " + stripQuoted(msg)
		}
	}
	return 0, "malformed YAML: " + stripQuoted(strings.TrimPrefix(s, "yaml: "))
}

// stripQuoted replaces each back-quoted span of a parser message with "…":
// the YAML library quotes input that way in type errors.
func stripQuoted(s string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '`')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open+1:], '`')
		if end < 0 {
			break
		}
		b.WriteString(s[:open])
		b.WriteString("…")
		s = s[open+1+end+1:]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s)
	return b.String()
}

// walker reads the yaml.Node tree of one file, adding a Problem for every
// value of the wrong shape. Messages never include a value.
type walker struct {
	file string
	ps   *problems
	// work counts the nodes visited; aliases and merge keys can make a
	// small file expand enormously, so the walk stops at maxWork.
	work     int
	overflow bool
	// noDir is set for a kubeconfig given as bytes: there is no directory
	// to resolve a relative path against, so one is a problem.
	noDir bool
}

// maxWork bounds the nodes one file's walk visits.
const maxWork = 1 << 20

// spend accounts for visiting n nodes and reports false (once adding a
// problem) when the budget is exhausted.
func (w *walker) spend(n int, at *yaml.Node) bool {
	w.work += n
	if w.work <= maxWork {
		return true
	}
	if !w.overflow {
		w.overflow = true
		w.add(at, "(document)", "expands to too many nodes through aliases or merge keys")
	}
	return false
}

func (w *walker) add(n *yaml.Node, field, msg string) {
	line := 0
	if n != nil {
		line = n.Line
	}
	w.ps.add(w.file, line, field, msg, nil)
}

const maxAliasDepth = 32

// deref follows aliases; a cycle or a very long chain gives nil.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i == maxAliasDepth {
			return nil
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

type pair struct {
	key     string
	keyNode *yaml.Node
	val     *yaml.Node
}

// mapping returns the key/value pairs of a mapping, merge keys ("<<")
// expanded. Null gives nil; anything else that is not a mapping is a
// problem.
func (w *walker) mapping(n *yaml.Node, field string) []pair {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		w.add(n, fieldOr(field), "must be a mapping")
		return nil
	}
	seen := map[string]bool{}
	var out []pair
	w.collect(n, field, seen, &out, false, 0)
	if w.overflow {
		return nil
	}
	return out
}

func (w *walker) collect(n *yaml.Node, field string, seen map[string]bool, out *[]pair, merged bool, depth int) {
	if !w.spend(len(n.Content)/2+1, n) {
		return
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			w.add(n.Content[i], fieldOr(field), "a mapping key must be a string")
			continue
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if seen[k.Value] {
			if !merged {
				w.add(k, join(field, k.Value), "defined more than once")
			}
			continue
		}
		seen[k.Value] = true
		*out = append(*out, pair{key: k.Value, keyNode: k, val: v})
	}
	for _, m := range merges {
		m = deref(m)
		var targets []*yaml.Node
		switch {
		case m != nil && m.Kind == yaml.MappingNode:
			targets = []*yaml.Node{m}
		case m != nil && m.Kind == yaml.SequenceNode:
			for _, t := range m.Content {
				targets = append(targets, deref(t))
			}
		}
		for _, t := range targets {
			if t == nil || t.Kind != yaml.MappingNode || depth >= maxAliasDepth {
				w.add(m, fieldOr(field), "a merge key (<<) must refer to a mapping")
				continue
			}
			w.collect(t, field, seen, out, true, depth+1)
		}
	}
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func fieldOr(field string) string {
	if field == "" {
		return "(top level)"
	}
	return field
}

// str reads a scalar as a string; numbers and booleans are taken as
// written.
func (w *walker) str(n *yaml.Node, field string) string {
	n = deref(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		w.add(n, field, "must be a string")
		return ""
	}
	return n.Value
}

func (w *walker) boolean(n *yaml.Node, field string) bool {
	n = deref(n)
	if isNull(n) {
		return false
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		if b, err := strconv.ParseBool(n.Value); err == nil {
			return b
		}
	}
	w.add(n, field, "must be true or false")
	return false
}

func (w *walker) strings(n *yaml.Node, field string) []string {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		w.add(n, field, "must be a list of strings")
		return nil
	}
	if !w.spend(len(n.Content), n) {
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		out = append(out, w.str(c, fmt.Sprintf("%s[%d]", field, i)))
	}
	return out
}

// base64Data decodes a "-data" field. The message never quotes the value,
// which may be a private key.
func (w *walker) base64Data(n *yaml.Node, field string) []byte {
	s := w.str(n, field)
	if s == "" {
		return nil
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		w.add(deref(n), field, "is not valid base64")
		return nil
	}
	return b
}

// named walks a list of {name: ..., <inner>: {...}} items.
func (w *walker) named(n *yaml.Node, kf *kfile, list, inner string, each func(entry, *yaml.Node)) {
	n = deref(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		w.add(n, list, "must be a list")
		return
	}
	if !w.spend(len(n.Content), n) {
		return
	}
	seen := map[string]int{}
	for i, item := range n.Content {
		idx := fmt.Sprintf("%s[%d]", list, i)
		var name string
		var body *yaml.Node
		hasName := false
		for _, p := range w.mapping(item, idx) {
			switch p.key {
			case "name":
				name, hasName = w.str(p.val, idx+".name"), true
			case inner:
				body = p.val
			}
		}
		if deref(item) == nil || deref(item).Kind != yaml.MappingNode {
			continue
		}
		line := deref(item).Line
		field := fmt.Sprintf("%s[%s]", list, name)
		if !hasName || name == "" {
			field = idx
		}
		if prev, dup := seen[name]; dup {
			w.add(deref(item), field, fmt.Sprintf("name is used more than once in this file (first at line %d)", prev))
			continue
		}
		seen[name] = line
		each(entry{name: name, file: kf, field: field, inner: inner, line: line, lines: map[string]int{}}, body)
	}
}

// fields walks the inner mapping of an entry, recording the line of every
// key set, and calls f for each key.
func (w *walker) fields(e *entry, n *yaml.Node, f func(key, field string, val *yaml.Node)) {
	base := e.field + "." + e.inner
	for _, p := range w.mapping(n, base) {
		if isNull(deref(p.val)) {
			continue
		}
		e.lines[p.key] = p.keyNode.Line
		f(p.key, base+"."+p.key, p.val)
	}
}

// resolvePath makes a relative file path absolute against the directory of
// the file that named it.
func resolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// path reads a file-path field, resolved against the file's directory. A
// kubeconfig given as bytes has no directory: a relative path is a problem
// there (kubectl resolves against the file's directory, and guessing the
// working directory instead would read a different file than kubectl).
func (w *walker) path(e entry, v *yaml.Node, field string) string {
	p := w.str(v, field)
	if w.noDir && p != "" && !filepath.IsAbs(p) {
		w.add(deref(v), field, "is a relative path, which a kubeconfig given as bytes cannot have (there is no file to resolve it against); use an absolute path or the -data field")
		return ""
	}
	return resolvePath(e.file.dir, p)
}

func (w *walker) cluster(e entry, n *yaml.Node) *rawCluster {
	c := &rawCluster{entry: e}
	w.fields(&c.entry, n, func(key, field string, v *yaml.Node) {
		switch key {
		case "server":
			c.server = w.str(v, field)
		case "certificate-authority":
			c.ca = w.path(e, v, field)
		case "certificate-authority-data":
			c.caData = w.base64Data(v, field)
		case "insecure-skip-tls-verify":
			c.insecure = w.boolean(v, field)
		case "tls-server-name":
			c.tlsServerName = w.str(v, field)
		case "proxy-url":
			c.proxyURL = w.str(v, field)
		case "disable-compression":
			c.disableCompression = w.boolean(v, field)
		case "extensions":
			c.execConfig = w.execExtension(v, field)
		}
	})
	return c
}

func (w *walker) user(e entry, n *yaml.Node) *rawUser {
	u := &rawUser{entry: e}
	w.fields(&u.entry, n, func(key, field string, v *yaml.Node) {
		switch key {
		case "client-certificate":
			u.certFile = w.path(e, v, field)
		case "client-certificate-data":
			u.certData = w.base64Data(v, field)
		case "client-key":
			u.keyFile = w.path(e, v, field)
		case "client-key-data":
			u.keyData = Secret(w.base64Data(v, field))
		case "token":
			u.token = Secret(w.str(v, field))
		case "tokenFile":
			u.tokenFile = w.path(e, v, field)
		case "username":
			u.username = w.str(v, field)
		case "password":
			u.password = Secret(w.str(v, field))
		case "as":
			u.impersonate.User = w.str(v, field)
		case "as-uid":
			u.impersonate.UID = w.str(v, field)
		case "as-groups":
			u.impersonate.Groups = w.strings(v, field)
		case "as-user-extra":
			for _, p := range w.mapping(v, field) {
				if u.impersonate.Extra == nil {
					u.impersonate.Extra = map[string][]string{}
				}
				u.impersonate.Extra[p.key] = w.strings(p.val, field+"."+p.key)
			}
		case "auth-provider":
			for _, p := range w.mapping(v, field) {
				switch p.key {
				case "name":
					u.authProvider = w.str(p.val, field+".name")
				case "config":
					for _, c := range w.mapping(p.val, field+".config") {
						if u.authProviderConfig == nil {
							u.authProviderConfig = map[string]string{}
						}
						u.authProviderConfig[c.key] = w.str(c.val, field+".config."+c.key)
					}
				}
			}
		case "exec":
			u.exec = w.exec(e.file.dir, v, field)
		}
	})
	return u
}

func (w *walker) exec(dir string, n *yaml.Node, field string) *rawExec {
	x := &rawExec{}
	if d := deref(n); d != nil {
		x.line = d.Line
	}
	for _, p := range w.mapping(n, field) {
		f := field + "." + p.key
		switch p.key {
		case "apiVersion":
			x.APIVersion = w.str(p.val, f)
		case "command":
			x.Command = w.str(p.val, f)
			if strings.ContainsAny(x.Command, `/`+string(filepath.Separator)) && !filepath.IsAbs(x.Command) {
				if w.noDir {
					w.add(deref(p.val), f, "is a relative path, which a kubeconfig given as bytes cannot have (there is no file to resolve it against); use an absolute path or a bare command name looked up in PATH")
					continue
				}
				x.Command = resolvePath(dir, x.Command)
				x.commandRel = true
			}
		case "args":
			x.Args = w.strings(p.val, f)
		case "env":
			x.Env = w.env(x, p.val, f)
		case "installHint":
			x.InstallHint = w.str(p.val, f)
		case "provideClusterInfo":
			x.ProvideClusterInfo = w.boolean(p.val, f)
		case "interactiveMode":
			x.InteractiveMode = w.str(p.val, f)
		}
	}
	return x
}

func (w *walker) env(x *rawExec, n *yaml.Node, field string) []EnvVar {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		w.add(n, field, "must be a list of {name, value}")
		return nil
	}
	if !w.spend(len(n.Content), n) {
		return nil
	}
	var out []EnvVar
	for i, item := range n.Content {
		idx := fmt.Sprintf("%s[%d]", field, i)
		var ev EnvVar
		for _, p := range w.mapping(item, idx) {
			switch p.key {
			case "name":
				ev.Name = w.str(p.val, idx+".name")
			case "value":
				ev.Value = Secret(w.str(p.val, idx+".value"))
			}
		}
		if ev.Name == "" {
			line := 0
			if d := deref(item); d != nil {
				line = d.Line
			}
			x.envNoName = append(x.envNoName, line)
			continue
		}
		out = append(out, ev)
	}
	return out
}

func (w *walker) context(e entry, n *yaml.Node) *rawContext {
	c := &rawContext{entry: e}
	w.fields(&c.entry, n, func(key, field string, v *yaml.Node) {
		switch key {
		case "cluster":
			c.cluster = w.str(v, field)
		case "user":
			c.user = w.str(v, field)
		case "namespace":
			c.namespace = w.str(v, field)
		}
	})
	return c
}
