package fake

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Kubeconfig returns a kubeconfig file for the server with one context,
// "fake", authenticating as the administrator. It holds the admin token
// when authentication is on: treat it as a credential.
func (s *Server) Kubeconfig() []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n")
	fmt.Fprintf(&b, "    server: %s\n", s.url)
	if s.caPEM != nil {
		fmt.Fprintf(&b, "    certificate-authority-data: %s\n", base64.StdEncoding.EncodeToString(s.caPEM))
	}
	b.WriteString("users:\n- name: fake\n  user:")
	if s.adminTok != "" {
		fmt.Fprintf(&b, "\n    token: %s\n", s.adminTok)
	} else {
		// Authentication is off: any token is accepted, and one keeps
		// kubectl from prompting for a password over HTTPS.
		b.WriteString("\n    token: unused\n")
	}
	b.WriteString("contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default\ncurrent-context: fake\n")
	return []byte(b.String())
}
