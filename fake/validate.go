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
	msg1035      = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)

var (
	reLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	re1035  = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
)

// validateName checks metadata.name as the kind's real validation does.
func validateName(ri *resInfo, name string) []fieldError {
	invalid := func(detail string) []fieldError {
		return []fieldError{{Type: "FieldValueInvalid", Field: "metadata.name", Value: name, Detail: detail}}
	}
	switch {
	case ri.Group == "rbac.authorization.k8s.io":
		switch {
		case name == "." || name == "..":
			return invalid(fmt.Sprintf("may not be '%s'", name))
		case strings.Contains(name, "/"):
			return invalid("may not contain '/'")
		case strings.Contains(name, "%"):
			return invalid("may not contain '%'")
		}
		return nil
	case ri.storageKey() == "/namespaces":
		if len(name) > 63 {
			return invalid("must be no more than 63 characters")
		}
		if !reLabel.MatchString(name) {
			return invalid(msgLabel)
		}
		return nil
	case ri.storageKey() == "/services":
		if len(name) > 63 {
			return invalid("must be no more than 63 characters")
		}
		if !re1035.MatchString(name) {
			return invalid(msg1035)
		}
		return nil
	}
	if len(name) > 253 {
		return invalid("must be no more than 253 characters")
	}
	if !selector.IsSubdomain(name) {
		return invalid(msgSubdomain)
	}
	return nil
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
