package config

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Format prints the Config with credentials hidden, for every verb: Secret
// fields print "REDACTED", a password in the user info of Server or
// ProxyURL prints "xxxxx", and verbs other than %v print as %v (so a
// pointer field never goes through fmt's bad-verb path, which ignores
// Secret's formatting).
func (c Config) Format(f fmt.State, verb rune) {
	type configFields Config // drops the Format method: no recursion
	p := configFields(c)
	p.Server = redactURL(p.Server)
	p.ProxyURL = redactURL(p.ProxyURL)
	formatFields(f, verb, p, "config.configFields{", "config.Config{")
}

// MarshalJSON encodes the Config with credentials hidden, like Format:
// Secret fields encode as "REDACTED" and URL passwords as "xxxxx".
func (c Config) MarshalJSON() ([]byte, error) {
	type configFields Config
	p := configFields(c)
	p.Server = redactURL(p.Server)
	p.ProxyURL = redactURL(p.ProxyURL)
	return json.Marshal(p)
}

// Format prints the Auth with credentials hidden, for every verb (see
// Config.Format).
func (a Auth) Format(f fmt.State, verb rune) {
	type authFields Auth
	formatFields(f, verb, authFields(a), "config.authFields{", "config.Auth{")
}

// formatFields prints v, a method-less copy of a struct, as %v, %+v or
// %#v, naming the original type in %#v.
func formatFields(f fmt.State, verb rune, v any, from, to string) {
	format := "%v"
	if verb == 'v' {
		format = fmt.FormatString(f, verb)
	}
	s := fmt.Sprintf(format, v)
	if verb == 'v' && f.Flag('#') {
		s = strings.Replace(s, from, to, 1)
	}
	io.WriteString(f, s)
}
