package transport

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/kubewire/kubewire/config"
)

// tlsMaterial is the loaded, validated content of a config.TLS.
type tlsMaterial struct {
	insecure   bool
	serverName string
	// caPEM is the trusted CA bundle as given (from CAData or CAFile); nil
	// means the system roots.
	caPEM []byte
	roots *x509.CertPool
	// cert is the static client certificate, nil when none is configured.
	cert *tls.Certificate
}

func (m *tlsMaterial) String() string {
	return fmt.Sprintf("transport.tlsMaterial{insecure: %t, serverName: %q, ca: %t, clientCert: %t, key: %s}",
		m.insecure, m.serverName, m.roots != nil, m.cert != nil, redacted)
}

// GoString returns the same redacted description as String.
func (m *tlsMaterial) GoString() string { return m.String() }

// Format prints the redacted description for every verb.
func (m *tlsMaterial) Format(f fmt.State, verb rune) { formatRedacted(f, verb, m.String()) }

// loadTLS reads and checks the CA and client certificate named by t.
func loadTLS(t *config.TLS) (*tlsMaterial, error) {
	m := &tlsMaterial{insecure: t.Insecure, serverName: t.ServerName}
	hasCA := len(t.CAData) > 0 || t.CAFile != ""
	if t.Insecure && hasCA {
		return nil, &ConfigError{Field: "TLS.Insecure", Err: errString("cannot skip server verification when a certificate authority is set")}
	}

	if hasCA {
		field, path, data := "TLS.CAData", "", t.CAData
		if len(data) == 0 {
			field, path = "TLS.CAFile", t.CAFile
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, &ConfigError{Field: field, Path: path, Err: fileErr(err)}
			}
			data = b
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(data) {
			return nil, &ConfigError{Field: field, Path: path, Err: errString("no PEM-encoded certificate found")}
		}
		m.caPEM, m.roots = data, pool
	}

	certField, certPath, certPEM := "TLS.CertData", "", t.CertData
	if len(certPEM) == 0 && t.CertFile != "" {
		certField, certPath = "TLS.CertFile", t.CertFile
		b, err := os.ReadFile(certPath)
		if err != nil {
			return nil, &ConfigError{Field: certField, Path: certPath, Err: fileErr(err)}
		}
		certPEM = b
	}
	keyField, keyPath, keyPEM := "TLS.KeyData", "", []byte(t.KeyData.Reveal())
	if len(keyPEM) == 0 && t.KeyFile != "" {
		keyField, keyPath = "TLS.KeyFile", t.KeyFile
		b, err := os.ReadFile(keyPath)
		if err != nil {
			return nil, &ConfigError{Field: keyField, Path: keyPath, Err: fileErr(err)}
		}
		keyPEM = b
	}
	switch {
	case len(certPEM) == 0 && len(keyPEM) == 0:
		return m, nil
	case len(keyPEM) == 0:
		return nil, &ConfigError{Field: "TLS.KeyData", Err: errString("client certificate set without a private key")}
	case len(certPEM) == 0:
		return nil, &ConfigError{Field: "TLS.CertData", Err: errString("private key set without a client certificate")}
	}
	cert, err := parseKeyPair(certPEM, keyPEM)
	if err != nil {
		if err == errNoCertPEM || err == errBadCert {
			return nil, &ConfigError{Field: certField, Path: certPath, Err: err}
		}
		return nil, &ConfigError{Field: keyField, Path: keyPath, Err: err}
	}
	m.cert = cert
	return m, nil
}

var (
	errNoCertPEM = errString("no PEM-encoded certificate found")
	errBadCert   = errString("the PEM-encoded certificate does not parse")
	errBadKey    = errString("no usable PEM-encoded private key matching the certificate found")
)

// parseKeyPair parses a PEM certificate chain and its private key. Its
// errors never include any of the input.
func parseKeyPair(certPEM, keyPEM []byte) (*tls.Certificate, error) {
	if err := checkPEMCertificate(certPEM); err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// The standard library's messages hold no key material, but keep
		// our own so a future change there cannot leak any.
		return nil, errBadKey
	}
	return &cert, nil
}

// checkPEMCertificate reports whether data holds a parseable leaf
// certificate as its first CERTIFICATE block.
func checkPEMCertificate(data []byte) error {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return errNoCertPEM
		}
		if block.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(block.Bytes); err != nil {
				return errBadCert
			}
			return nil
		}
	}
}

// fileErr strips the path from an *os.PathError, which ConfigError already
// names.
func fileErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// tlsConfig returns the client TLS configuration for m. When ea is non-nil
// the client certificate is chosen at handshake time, so one obtained from
// the exec plugin is presented.
func (m *tlsMaterial) tlsConfig(ea *execAuth) *tls.Config {
	c := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            m.roots,
		ServerName:         m.serverName,
		InsecureSkipVerify: m.insecure, //nolint:gosec // explicit user opt-in, rejected together with a CA
	}
	switch {
	case ea != nil:
		static := m.cert
		c.GetClientCertificate = func(info *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return ea.clientCertificate(info, static)
		}
	case m.cert != nil:
		c.Certificates = []tls.Certificate{*m.cert}
	}
	return c
}
