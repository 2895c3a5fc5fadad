package fake

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"

	"github.com/kubewire/kubewire/internal/selector"
)

const (
	msgSubdomain = selector.MsgSubdomain
	msgLabel     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)

var reLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// validateName checks metadata.name as the kind's real validation does: a
// path segment for RBAC, an RFC 1123 label for namespaces and, since
// Kubernetes 1.37 (relaxed service name validation, GA), for services
// (1.32 wanted a DNS-1035 label: no leading digit), an RFC 1123 subdomain
// for the rest. Each complaint is an error of its own.
func validateName(ri *resInfo, name string) []fieldError {
	var msgs []string
	switch {
	case ri.Group == "rbac.authorization.k8s.io":
		if name == "." || name == ".." {
			msgs = []string{fmt.Sprintf("may not be '%s'", name)}
			break
		}
		for _, c := range []string{"/", "%"} {
			if strings.Contains(name, c) {
				msgs = append(msgs, fmt.Sprintf("may not contain '%s'", c))
			}
		}
	case ri.storageKey() == "/namespaces", ri.storageKey() == "/services":
		msgs = dns1123LabelErrors(name)
	default:
		msgs = dns1123SubdomainErrors(name)
	}
	var errs []fieldError
	for _, m := range msgs {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "metadata.name", Value: name, Detail: m})
	}
	return errs
}

// dns1123LabelErrors are the real server's complaints about a name that
// must be an RFC 1123 label.
func dns1123LabelErrors(name string) []string {
	var msgs []string
	if len(name) > 63 {
		msgs = append(msgs, "must be no more than 63 characters")
	}
	if !reLabel.MatchString(name) {
		if selector.IsSubdomain(name) {
			msgs = append(msgs, "must not contain dots")
		} else {
			msgs = append(msgs, msgLabel)
		}
	}
	return msgs
}

// dns1123SubdomainErrors are the real server's complaints about a name
// that must be an RFC 1123 subdomain.
func dns1123SubdomainErrors(name string) []string {
	var msgs []string
	if len(name) > 253 {
		msgs = append(msgs, "must be no more than 253 characters")
	}
	if !selector.IsSubdomain(name) {
		msgs = append(msgs, msgSubdomain)
	}
	return msgs
}

const nameChars = "bcdfghjklmnpqrstvwxz2456789"

// generateName appends five random characters, as the real server does.
func generateName(prefix string) string {
	if len(prefix) > 58 {
		prefix = prefix[:58]
	}
	b := make([]byte, 5)
	rand.Read(b)
	for i := range b {
		b[i] = nameChars[int(b[i])%len(nameChars)]
	}
	return prefix + string(b)
}

func newUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
