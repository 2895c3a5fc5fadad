package transport

import (
	"encoding/json"
	"fmt"
	"strconv"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/codec"
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

// TokenFileError is the public type for a token file that cannot be used.
type TokenFileError = config.TokenFileError

// errString is a constant-message error.
type errString string

func (e errString) Error() string { return string(e) }

// redacted is what every credential-holding type prints instead of its
// contents.
const redacted = "REDACTED"

// sealed holds a credential behind a pointer. Besides printing as REDACTED,
// this keeps the value out of fmt's reflection fallback, which prints a
// value held in an unexported field without calling its methods but shows
// a nested pointer only as an address.
type sealed struct{ p *string }

func seal(s string) sealed {
	if s == "" {
		return sealed{}
	}
	return sealed{p: &s}
}

// reveal returns the credential.
func (s sealed) reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// errSealedNotString is the decoding error for a credential that is not a
// JSON string.
const errSealedNotString = errString("a credential field is not a JSON string")

// UnmarshalJSON decodes a JSON string (null leaves s unset). Its errors
// never quote the input.
func (s *sealed) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = sealed{}
		return nil
	}
	it := jsoniter.ParseBytes(codec.API, b)
	if it.WhatIsNext() != jsoniter.StringValue {
		return errSealedNotString
	}
	v := it.ReadString()
	if it.Error != nil {
		return errSealedNotString
	}
	*s = seal(v)
	return nil
}

// MarshalJSON encodes the redacted form.
func (s sealed) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

func (s sealed) String() string             { return redactedIf(s.p != nil) }
func (s sealed) GoString() string           { return s.String() }
func (s sealed) Format(f fmt.State, v rune) { formatRedacted(f, v, s.String()) }

// redactedIf returns "REDACTED" for a credential that is set and `""` for
// one that is not.
func redactedIf(set bool) string {
	if set {
		return redacted
	}
	return `""`
}

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
