package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotInCluster is matched (errors.Is) by the error InCluster returns when
// the process is not running in a pod: KUBERNETES_SERVICE_HOST or
// KUBERNETES_SERVICE_PORT is unset, or the service-account token file does
// not exist.
var ErrNotInCluster = errors.New("not running in a Kubernetes pod")

// Problem is one thing wrong with a kubeconfig. It never contains a
// credential's value.
type Problem struct {
	// File is the kubeconfig file the problem is in. Empty when the problem
	// is not tied to one file (an unknown --context, for example).
	File string
	// Line is the 1-based line in File, 0 when unknown.
	Line int
	// Field is the path of the offending field, for example
	// "users[jane].user.client-key". Empty for the file as a whole.
	Field string
	// Message says what is wrong.
	Message string
	// Err is the underlying error (a file-system error, for example), or
	// nil. It is reachable with errors.Is and errors.As through
	// KubeconfigError.
	Err error
}

// String returns the problem as "file:line: field: message: err".
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(p.Line))
		}
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Err != nil {
		b.WriteString(": ")
		b.WriteString(p.Err.Error())
	}
	return b.String()
}

// KubeconfigError reports everything wrong with the kubeconfig files that
// were loaded, in the order the files were read. Load and LoadFile return it
// (as *KubeconfigError) for any invalid kubeconfig.
type KubeconfigError struct {
	Problems []Problem
}

// Error lists every problem, one per line after the first when there are
// several.
func (e *KubeconfigError) Error() string {
	switch len(e.Problems) {
	case 0:
		return "invalid kubeconfig"
	case 1:
		return "invalid kubeconfig: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid kubeconfig: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns the underlying errors of the problems that have one.
func (e *KubeconfigError) Unwrap() []error {
	var errs []error
	for _, p := range e.Problems {
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	return errs
}

// NoConfigError is returned by Load when no source yields a configuration:
// no kubeconfig selects a cluster and the in-cluster service account is not
// usable. Tried holds one error per source consulted, in order; errors.Is
// sees through to each of them (fs.ErrNotExist, ErrNotInCluster, ...).
type NoConfigError struct {
	Tried []error
}

// Error names every source tried and why it did not apply.
func (e *NoConfigError) Error() string {
	var b strings.Builder
	b.WriteString("no Kubernetes configuration found; tried:")
	for _, err := range e.Tried {
		b.WriteString("\n  - ")
		b.WriteString(strings.ReplaceAll(err.Error(), "\n", "\n    "))
	}
	return b.String()
}

// Unwrap returns the per-source errors.
func (e *NoConfigError) Unwrap() []error { return e.Tried }

// problems accumulates Problems; the zero value is ready to use.
type problems struct {
	list []Problem
}

func (ps *problems) add(file string, line int, field, msg string, err error) {
	ps.list = append(ps.list, Problem{File: file, Line: line, Field: field, Message: msg, Err: err})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &KubeconfigError{Problems: ps.list}
}

// TokenFileError reports that the bearer token file (Auth.TokenFile) could
// not be used for a request: it could not be read, or it is empty. The file
// is read again for every request, as kubectl does, so this comes back from
// a request (inside the *url.Error net/http wraps transport failures in),
// not from rest.New.
type TokenFileError struct {
	// Path is the token file.
	Path string
	// Err is the underlying cause.
	Err error
}

// Error returns "token file PATH: cause".
func (e *TokenFileError) Error() string {
	return "token file " + strconv.Quote(e.Path) + ": " + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *TokenFileError) Unwrap() error { return e.Err }

// ExecError reports that the exec credential plugin (Auth.Exec) failed: it
// could not be started, exited with an error, timed out, or printed
// something that is not a usable ExecCredential. It comes back from a
// request (inside the *url.Error net/http wraps transport failures in),
// since the plugin runs when a credential is first needed. It never holds
// a credential: the plugin's environment values are removed from Stderr,
// and a token in the output is never quoted.
type ExecError struct {
	// Command is the plugin command as configured (arguments are not
	// included).
	Command string
	// ExitCode is the plugin's exit status, or -1 when it did not exit on
	// its own (not found, killed on timeout) and 0 when it exited
	// successfully but its output was unusable.
	ExitCode int
	// Stderr is what the plugin wrote to standard error, at most 4 KiB,
	// with the values of Exec.Env replaced by "REDACTED".
	Stderr string
	// InstallHint is the configured hint, set only when the command was not
	// found.
	InstallHint string
	// Err is the underlying cause.
	Err error
}

// Error returns `exec plugin "COMMAND": cause[: stderr]`, followed by the
// install hint when the command was not found.
func (e *ExecError) Error() string {
	cause := "failed"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	s := "exec plugin " + strconv.Quote(e.Command) + ": " + cause
	if e.Stderr != "" {
		s += ": stderr: " + e.Stderr
	}
	if e.InstallHint != "" {
		s += "\n\n" + e.InstallHint
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *ExecError) Unwrap() error { return e.Err }

// OIDCError reports that the oidc auth-provider (Auth.OIDC) could not
// provide an ID token for a request: the ID token is not a JWT, it expired
// and there is no refresh token, the issuer's discovery document or token
// endpoint failed, the token response had no id_token, or the refreshed
// tokens could not be written back to the kubeconfig. It comes back from a
// request (inside the *url.Error net/http wraps transport failures in). It
// never holds a token or the client secret.
type OIDCError struct {
	// Issuer is the issuer URL (idp-issuer-url).
	Issuer string
	// Err is the underlying cause.
	Err error
}

// Error returns `oidc auth-provider (issuer URL): cause`.
func (e *OIDCError) Error() string {
	return "oidc auth-provider (issuer " + e.Issuer + "): " + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *OIDCError) Unwrap() error { return e.Err }
