package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Load resolves a Config the way kubectl does:
//
//  1. opts.Kubeconfig, when set: that file, which must exist;
//  2. else the files listed in $KUBECONFIG (os.PathListSeparator between
//     them; empty entries ignored, missing files skipped), merged: for
//     clusters, users and contexts the first file that names an entry wins,
//     and current-context comes from the first file that sets it;
//  3. else $HOME/.kube/config, when it exists;
//  4. else, when no kubeconfig selects a cluster (no current-context and no
//     Context, Cluster or Server option), the in-cluster service account,
//     when KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and the token
//     file are all present.
//
// The Context, Cluster, User, Namespace and Server options then override
// the kubeconfig's choices, and the credential, TLS, impersonation and
// timeout options (Token, CertificateAuthority, As, ...) override the
// selected cluster and user as kubectl's flags of the same names do. The Config's Source records which file, context
// and field every setting came from (see Explain).
//
// A kubeconfig that was found but is invalid gives a *KubeconfigError that
// lists every problem; Load does not fall back to in-cluster then. When
// nothing applies, the error is a *NoConfigError holding one cause per
// source tried.
func Load(opts Options) (*Config, error) {
	refs, lookup, tried := opts.kubeconfigFiles()
	cfg, skipped, err := loadFiles(refs, lookup, opts)
	if cfg != nil || err != nil {
		return cfg, err
	}
	tried = append(tried, skipped...)
	cfg, err = inCluster(opts.inClusterDir(), opts.getenv)
	if err != nil {
		return nil, &NoConfigError{Tried: append(tried, err)}
	}
	if opts.Namespace != "" {
		cfg.Namespace = opts.Namespace
		cfg.Source.Namespace = Setting{Value: opts.Namespace, Why: "--namespace (Options.Namespace)"}
	}
	// The credential, TLS and timeout overrides apply in a pod too.
	var ps problems
	b := &builder{opts: opts, ps: &ps, src: cfg.Source}
	b.overrides(cfg)
	if opts.TLSServerName != "" {
		cfg.TLS.ServerName = opts.TLSServerName
	}
	if opts.Timeout > 0 {
		cfg.Timeout = opts.Timeout
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	for _, t := range tried {
		cfg.Source.Tried = append(cfg.Source.Tried, t.Error())
	}
	return cfg, nil
}

// LoadFile loads the kubeconfig at path alone (no KUBECONFIG, no $HOME, no
// in-cluster), applying the overrides in opts; opts.Kubeconfig is ignored.
// The file must exist and select a cluster. Errors are *KubeconfigError.
func LoadFile(path string, opts Options) (*Config, error) {
	refs := []fileRef{{path: path, from: "the file given to LoadFile", must: true}}
	cfg, _, err := loadFiles(refs, "LoadFile("+path+")", opts)
	if cfg != nil || err != nil {
		return cfg, err
	}
	return nil, &KubeconfigError{Problems: []Problem{{
		File: absPath(path), Field: "current-context",
		Message: "no context selected: the file sets no current-context and no context, cluster or server was given",
	}}}
}

// LoadBytes loads a kubeconfig given as bytes (one read from a Secret, for
// example) exactly as LoadFile loads a file, applying the overrides in
// opts; opts.Kubeconfig is ignored and nothing else is read.
//
// A kubeconfig file's relative paths (certificate-authority, client-key,
// tokenFile, an exec command with a slash) resolve against the file's
// directory, as in kubectl; bytes have no directory, so a relative path
// there is a Problem rather than a guess at the working directory. Absolute
// paths and the -data fields work as in a file.
//
// Errors are *KubeconfigError; its Problems name the field and line, with
// File set to "(kubeconfig bytes)".
func LoadBytes(data []byte, opts Options) (*Config, error) {
	refs := []fileRef{{path: BytesFile, from: fromBytes, must: true, data: data}}
	cfg, _, err := loadFiles(refs, "LoadBytes", opts)
	if cfg != nil || err != nil {
		return cfg, err
	}
	return nil, &KubeconfigError{Problems: []Problem{{
		File: BytesFile, Field: "current-context",
		Message: "no context selected: the kubeconfig sets no current-context and no context, cluster or server was given",
	}}}
}

// BytesFile is the File of a Problem, and the Path of a SourceFile, for a
// kubeconfig given as bytes (LoadBytes, ParseKubeconfig).
const BytesFile = "(kubeconfig bytes)"

// fromBytes is the fileRef.from of a kubeconfig given as bytes.
const fromBytes = "the bytes given to LoadBytes"

// fileRef is one kubeconfig file to read.
type fileRef struct {
	path string
	from string // "--kubeconfig", "KUBECONFIG entry 1 of 2", "$HOME/.kube/config"
	must bool   // a missing file is an error, not skipped
	data []byte // the content, for LoadBytes; nil means read path
}

// kubeconfigFiles returns the files to read, in precedence order, a
// description of how they were found, and the sources ruled out already.
func (o *Options) kubeconfigFiles() ([]fileRef, string, []error) {
	if o.Kubeconfig != "" {
		return []fileRef{{path: o.Kubeconfig, from: "--kubeconfig (Options.Kubeconfig)", must: true}},
			"--kubeconfig " + o.Kubeconfig, nil
	}
	if env := o.getenv("KUBECONFIG"); env != "" {
		var paths []string
		seen := map[string]bool{}
		for _, p := range filepath.SplitList(env) {
			if p != "" && !seen[p] {
				seen[p] = true
				paths = append(paths, p)
			}
		}
		refs := make([]fileRef, len(paths))
		for i, p := range paths {
			refs[i] = fileRef{path: p, from: fmt.Sprintf("KUBECONFIG entry %d of %d", i+1, len(paths))}
		}
		lookup := fmt.Sprintf("KUBECONFIG=%q", env)
		if len(paths) == 0 {
			return nil, lookup, []error{errors.New("KUBECONFIG is set but names no file")}
		}
		return refs, lookup, nil
	}
	home, from := o.homeDir()
	if home == "" {
		return nil, "", []error{errors.New("KUBECONFIG is not set, and $HOME/.kube/config: no home directory (HOME is not set)")}
	}
	p := filepath.Join(home, ".kube", "config")
	return []fileRef{{path: p, from: from + "/.kube/config (KUBECONFIG is not set)"}}, from + "/.kube/config", nil
}

// loadFiles reads, parses and merges refs and builds the Config. A nil
// Config with a nil error means nothing selects a cluster; the returned
// errors then say why, for the in-cluster fallback's NoConfigError.
func loadFiles(refs []fileRef, lookup string, opts Options) (*Config, []error, error) {
	var ps problems
	var tried []error
	var files []*kfile
	var srcFiles []SourceFile
	for _, ref := range refs {
		abs, data, err := ref.path, ref.data, error(nil)
		if ref.from != fromBytes {
			abs = absPath(ref.path)
			data, err = os.ReadFile(ref.path)
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && !ref.must {
				tried = append(tried, fmt.Errorf("%s: %s does not exist: %w", ref.from, abs, fs.ErrNotExist))
				srcFiles = append(srcFiles, SourceFile{Path: abs, From: ref.from, Missing: true})
				continue
			}
			ps.add(abs, 0, "", "cannot read the kubeconfig ("+ref.from+")", err)
			continue
		}
		srcFiles = append(srcFiles, SourceFile{Path: abs, From: ref.from})
		files = append(files, parseFile(data, abs, ref.from, &ps))
	}
	for _, f := range files {
		if f.broken {
			return nil, nil, ps.err()
		}
	}
	m := merge(files)
	b := &builder{opts: opts, m: m, ps: &ps}
	b.src = &Source{Method: MethodKubeconfig, Lookup: lookup, Files: srcFiles}
	cfg, selected := b.build()
	if err := ps.err(); err != nil {
		if len(files) == 0 {
			return nil, nil, &NoConfigError{Tried: append(tried, err)}
		}
		return nil, nil, err
	}
	if !selected {
		if len(files) > 0 {
			var names []string
			for _, f := range files {
				names = append(names, f.path)
			}
			tried = append(tried, fmt.Errorf("kubeconfig %s: no current-context is set and no context, cluster or server was given", strings.Join(names, ", ")))
		}
		return nil, tried, nil
	}
	if len(files) == 0 {
		cfg.Source.Method = MethodOverrides
	}
	for _, t := range tried {
		cfg.Source.Tried = append(cfg.Source.Tried, t.Error())
	}
	return cfg, nil, nil
}

// merged is the union of the kubeconfig files, kubectl's merge rules
// applied.
type merged struct {
	files          []*kfile
	currentContext string
	ccFile         *kfile
	clusters       map[string]*rawCluster
	users          map[string]*rawUser
	contexts       map[string]*rawContext
	// shadowed lists, per winning entry ("clusters[prod]"), the later
	// files that also define it and were ignored.
	shadowed map[string][]string
}

func merge(files []*kfile) *merged {
	m := &merged{
		files:    files,
		clusters: map[string]*rawCluster{},
		users:    map[string]*rawUser{},
		contexts: map[string]*rawContext{},
		shadowed: map[string][]string{},
	}
	for _, f := range files {
		if m.currentContext == "" && f.currentContext != "" {
			m.currentContext, m.ccFile = f.currentContext, f
		}
		for _, c := range f.clusters {
			if w, ok := m.clusters[c.name]; ok {
				m.shadowed[w.field] = append(m.shadowed[w.field], f.path)
			} else {
				m.clusters[c.name] = c
			}
		}
		for _, u := range f.users {
			if w, ok := m.users[u.name]; ok {
				m.shadowed[w.field] = append(m.shadowed[w.field], f.path)
			} else {
				m.users[u.name] = u
			}
		}
		for _, c := range f.contexts {
			if w, ok := m.contexts[c.name]; ok {
				m.shadowed[w.field] = append(m.shadowed[w.field], f.path)
			} else {
				m.contexts[c.name] = c
			}
		}
	}
	return m
}

// fileList names the files read, for "not defined in ..." messages.
func (m *merged) fileList() string {
	if len(m.files) == 0 {
		return "no kubeconfig file was found"
	}
	var names []string
	for _, f := range m.files {
		names = append(names, f.path)
	}
	return "kubeconfig files read: " + strings.Join(names, ", ")
}
