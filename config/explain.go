package config

import (
	"fmt"
	"strings"
)

// How a Config was found (Source.Method).
const (
	// MethodKubeconfig: one or more kubeconfig files, merged.
	MethodKubeconfig = "kubeconfig"
	// MethodOverrides: no kubeconfig file existed; the Server option alone
	// (plus Namespace) made the configuration.
	MethodOverrides = "overrides"
	// MethodInCluster: the pod's service account.
	MethodInCluster = "in-cluster"
)

// Source records where a loaded Config's settings came from, so a user can
// see why a client talks to a given cluster. Loading fills it in; Explain
// prints it. It never holds a credential.
type Source struct {
	// Method is MethodKubeconfig, MethodOverrides or MethodInCluster.
	Method string
	// Lookup says how the kubeconfig files were found, for example
	// `KUBECONFIG="/a:/b"`, "--kubeconfig /p" or "$HOME/.kube/config".
	// Empty for in-cluster.
	Lookup string
	// Files are the kubeconfig files consulted, in precedence order,
	// including missing ones that were skipped.
	Files []SourceFile

	// Context, Cluster and User are the names selected, and why. Value is
	// empty when none was selected.
	Context Setting
	Cluster Setting
	User    Setting

	// Server, Namespace and Auth are where the server URL, the namespace
	// and the credentials came from. Auth.Value describes the method
	// ("bearer token", "exec plugin ...", ...), never a credential.
	Server    Setting
	Namespace Setting
	Auth      Setting

	// Notes are other facts worth knowing (a scheme kubectl would add, a
	// tls-server-name that --server dropped, ...).
	Notes []string
	// Tried lists the sources consulted before the one used and why each
	// did not apply.
	Tried []string
}

// SourceFile is one kubeconfig file that loading consulted.
type SourceFile struct {
	// Path is the file's absolute path.
	Path string
	// From says why it was read: "KUBECONFIG entry 2 of 3",
	// "--kubeconfig (Options.Kubeconfig)", "$HOME/.kube/config ...".
	From string
	// Missing is true for a KUBECONFIG or $HOME file that does not exist
	// and was skipped.
	Missing bool
}

// Setting is the provenance of one resolved value.
type Setting struct {
	// Value is the value chosen (a name, URL or namespace; for Auth, a
	// description of the method). Never a credential.
	Value string
	// File and Line locate the field that set Value; empty for an override,
	// the environment or a default.
	File string
	Line int
	// Field is the field path that set Value, for example
	// "contexts[dev].context.namespace".
	Field string
	// Why says why this source won: "--namespace (Options.Namespace)",
	// "the context's namespace", "default: ...".
	Why string
	// Defined locates the winning entry for a context, cluster or user,
	// for example "clusters[prod] (/home/u/.kube/config:4)".
	Defined string
	// Shadowed lists later files that define an entry of the same name,
	// which kubectl's merge rule (the first file wins) ignored.
	Shadowed []string
}

// Explain describes, for a person, which kubeconfig file, context and field
// decided the server, namespace and credentials of cfg, and why (which
// KUBECONFIG entry, which override, the in-cluster environment). It never
// prints a credential.
func Explain(cfg *Config) string {
	if cfg == nil {
		return "no configuration\n"
	}
	var b strings.Builder
	s := cfg.Source
	if s == nil {
		fmt.Fprintf(&b, "server:    %s\nnamespace: %s\n", redactURL(cfg.Server), cfg.Namespace)
		b.WriteString("(the Config was built by hand: no provenance was recorded)\n")
		return b.String()
	}
	switch s.Method {
	case MethodInCluster:
		b.WriteString("method:    in-cluster service account (no kubeconfig selected a cluster)\n")
	case MethodOverrides:
		fmt.Fprintf(&b, "method:    overrides only (no kubeconfig file found via %s)\n", s.Lookup)
	default:
		fmt.Fprintf(&b, "method:    kubeconfig, found via %s\n", s.Lookup)
	}
	for i, f := range s.Files {
		label := "files:"
		if i > 0 {
			label = ""
		}
		state := ""
		if f.Missing {
			state = ": not found, skipped"
		}
		fmt.Fprintf(&b, "%-10s %s (%s)%s\n", label, f.Path, f.From, state)
	}
	setting(&b, "context:", s.Context)
	setting(&b, "cluster:", s.Cluster)
	setting(&b, "server:", s.Server)
	setting(&b, "namespace:", s.Namespace)
	setting(&b, "user:", s.User)
	setting(&b, "auth:", s.Auth)
	if cfg.ProxyURL != "" {
		fmt.Fprintf(&b, "%-10s %s\n", "proxy:", redactURL(cfg.ProxyURL))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "%-10s %s\n", "note:", n)
	}
	if len(s.Tried) > 0 {
		b.WriteString("tried first:\n")
		for _, t := range s.Tried {
			fmt.Fprintf(&b, "  - %s\n", strings.ReplaceAll(t, "\n", "\n    "))
		}
	}
	return b.String()
}

func setting(b *strings.Builder, label string, s Setting) {
	if s.Value == "" && s.Why == "" {
		fmt.Fprintf(b, "%-10s (none)\n", label)
		return
	}
	fmt.Fprintf(b, "%-10s %s\n", label, s.Value)
	if s.Why != "" {
		fmt.Fprintf(b, "  why:     %s\n", s.Why)
	}
	switch {
	case s.File != "" && s.Line > 0:
		fmt.Fprintf(b, "  set by:  %s at %s:%d\n", s.Field, s.File, s.Line)
	case s.File != "":
		fmt.Fprintf(b, "  set by:  %s in %s\n", s.Field, s.File)
	}
	if s.Defined != "" {
		fmt.Fprintf(b, "  entry:   %s\n", s.Defined)
	}
	if len(s.Shadowed) > 0 {
		fmt.Fprintf(b, "  ignored: also defined in %s (the first file that names an entry wins)\n", strings.Join(s.Shadowed, ", "))
	}
}
