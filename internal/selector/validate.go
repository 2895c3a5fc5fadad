package selector

import (
	"fmt"
	"strings"
)

// The API server's messages for invalid label keys, values and DNS
// subdomains (apimachinery's validation, Kubernetes 1.37), word for word.
// MsgQualifiedNameWithPrefix is the one for a key with more than one '/'
// (1.32 began it "a qualified name"; 1.37 "a valid label key").
const (
	MsgQualifiedName           = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	MsgQualifiedNameWithPrefix = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
	MsgLabelValue              = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	MsgSubdomain               = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)

// QualifiedNameErrors returns the API server's complaints about a label
// key or another qualified name ("prefix/name"); none when it is valid.
func QualifiedNameErrors(v string) []string {
	var errs []string
	parts := strings.Split(v, "/")
	name := parts[0]
	switch len(parts) {
	case 1:
	case 2:
		prefix := parts[0]
		name = parts[1]
		switch {
		case prefix == "":
			errs = append(errs, "prefix part must be non-empty")
		default:
			if len(prefix) > 253 {
				errs = append(errs, "prefix part must be no more than 253 bytes")
			}
			if !IsSubdomain(prefix) {
				errs = append(errs, "prefix part "+MsgSubdomain)
			}
		}
	default:
		return []string{MsgQualifiedNameWithPrefix}
	}
	switch {
	case name == "":
		errs = append(errs, "name part must be non-empty")
	case len(name) > 63:
		errs = append(errs, "name part must be no more than 63 bytes")
	}
	if !qualifiedName(name) {
		errs = append(errs, MsgQualifiedName)
	}
	return errs
}

// LabelValueErrors returns the API server's complaints about a label value;
// none when it is valid.
func LabelValueErrors(v string) []string {
	var errs []string
	if len(v) > 63 {
		errs = append(errs, "must be no more than 63 bytes")
	}
	if v != "" && !qualifiedName(v) {
		errs = append(errs, MsgLabelValue)
	}
	return errs
}

// Aggregate joins messages as apimachinery's aggregate error prints them:
// one as is, several de-duplicated in brackets; "" for none.
func Aggregate(msgs []string) string {
	var uniq []string
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m] {
			seen[m] = true
			uniq = append(uniq, m)
		}
	}
	if len(uniq) == 1 {
		return uniq[0]
	}
	if len(uniq) == 0 {
		return ""
	}
	return fmt.Sprintf("[%s]", strings.Join(uniq, ", "))
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// qualifiedName matches ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9].
func qualifiedName(s string) bool {
	if s == "" || !alnum(s[0]) || !alnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !alnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// IsSubdomain reports whether s matches the API server's RFC 1123
// subdomain expression (lower-case alphanumeric labels with inner '-',
// joined by '.'); the length limit is checked separately.
func IsSubdomain(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
