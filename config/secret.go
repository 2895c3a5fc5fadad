package config

import "fmt"

// Secret is a credential (token, password, key). It prints as "REDACTED" in
// every fmt verb so it cannot leak into logs or error messages; use Reveal to
// get the value.
type Secret string

const redacted = "REDACTED"

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String returns "REDACTED", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns a quoted "REDACTED", or `""` for an empty secret.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// Format prints the redacted form for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// MarshalText returns the redacted form, so encoding a Config never writes a
// credential.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
