package transport

import (
	"fmt"
	"strconv"
)

// ConfigError reports a Config or Options value New cannot use: a bad
// combination of settings, an unreadable file, or PEM data that does not
// parse. It names the field and, for file fields, the path; it never holds
// the contents of a key or other credential.
type ConfigError struct {
	// Field is the offending setting, for example "TLS.CAFile",
	// "TLS.KeyData", "ProxyURL" or "Options.PingTimeout".
	Field string
	// Path is the file named by Field, when Field is a file setting.
	Path string
	// Err is the underlying cause.
	Err error
}

// Error returns "transport: FIELD [PATH]: cause".
func (e *ConfigError) Error() string {
	s := "transport: " + e.Field
	if e.Path != "" {
		s += " " + strconv.Quote(e.Path)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *ConfigError) Unwrap() error { return e.Err }

// TokenFileError reports that the bearer token file could not be used for a
// request: it could not be read, or it is empty.
type TokenFileError struct {
	// Path is the token file.
	Path string
	// Err is the underlying cause.
	Err error
}

// Error returns "transport: token file PATH: cause".
func (e *TokenFileError) Error() string {
	return "transport: token file " + strconv.Quote(e.Path) + ": " + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *TokenFileError) Unwrap() error { return e.Err }

// errString is a constant-message error.
type errString string

func (e errString) Error() string { return string(e) }

// redacted is what every credential-holding type prints instead of its
// contents.
const redacted = "REDACTED"

// formatRedacted implements fmt.Formatter for credential-holding types: every
// verb prints s, which must already be free of secrets; %#v and %q quote it.
func formatRedacted(f fmt.State, verb rune, s string) {
	switch {
	case verb == 'q', verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, strconv.Quote(s))
	default:
		fmt.Fprint(f, s)
	}
}
