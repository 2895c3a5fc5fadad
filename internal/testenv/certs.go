package testenv

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// pki is the throwaway key material of one environment, already written to
// files in dir.
type pki struct {
	caFile, caKeyFile       string
	caPEM                   []byte
	serverCertFile, srvKey  string
	clientCertFile, clntKey string
	saPubFile, saKeyFile    string
	tokensFile              string
	adminToken, janeToken   string
}

// certLifetime is how long the generated certificates are valid. Test runs
// are short; the margin covers clock skew.
const certLifetime = 24 * time.Hour

// newPKI generates a CA, a serving certificate for the API server, an admin
// client certificate (O=system:masters), a service-account key pair and the
// static token file, and writes them under dir with owner-only permissions.
func newPKI(dir string) (*pki, error) {
	p := &pki{
		caFile:         filepath.Join(dir, "ca.crt"),
		caKeyFile:      filepath.Join(dir, "ca.key"),
		serverCertFile: filepath.Join(dir, "server.crt"),
		srvKey:         filepath.Join(dir, "server.key"),
		clientCertFile: filepath.Join(dir, "admin.crt"),
		clntKey:        filepath.Join(dir, "admin.key"),
		saPubFile:      filepath.Join(dir, "sa.pub"),
		saKeyFile:      filepath.Join(dir, "sa.key"),
		tokensFile:     filepath.Join(dir, "tokens.csv"),
	}

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "kubewire-testenv-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	p.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	if err := writeFile(p.caFile, p.caPEM); err != nil {
		return nil, err
	}
	if err := writeKey(p.caKeyFile, caKey); err != nil {
		return nil, err
	}

	server := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv4(10, 0, 0, 1)},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
	}
	if err := issue(server, caCert, caKey, p.serverCertFile, p.srvKey); err != nil {
		return nil, fmt.Errorf("serving certificate: %w", err)
	}

	client := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kubewire-admin", Organization: []string{"system:masters"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if err := issue(client, caCert, caKey, p.clientCertFile, p.clntKey); err != nil {
		return nil, fmt.Errorf("client certificate: %w", err)
	}

	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate service-account key: %w", err)
	}
	if err := writeKey(p.saKeyFile, saKey); err != nil {
		return nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return nil, fmt.Errorf("marshal service-account public key: %w", err)
	}
	if err := writeFile(p.saPubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})); err != nil {
		return nil, err
	}

	p.adminToken = randomToken()
	p.janeToken = randomToken()
	tokens := []tokenLine{
		{Token: p.adminToken, User: AdminUser, UID: "kubewire-admin-uid", Groups: []string{"system:masters"}},
		{Token: p.janeToken, User: JaneUser, UID: "kubewire-jane-uid"},
	}
	if err := writeFile(p.tokensFile, []byte(tokensCSV(tokens))); err != nil {
		return nil, err
	}
	return p, nil
}

// tokenLine is one line of the API server's --token-auth-file.
type tokenLine struct {
	Token, User, UID string
	Groups           []string
}

// tokensCSV renders the static token file: token,user,uid,"group1,group2".
// The groups column is left out when there are none.
func tokensCSV(lines []tokenLine) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s,%s,%s", l.Token, l.User, l.UID)
		if len(l.Groups) > 0 {
			fmt.Fprintf(&b, ",%q", strings.Join(l.Groups, ","))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// issue signs tmpl with the CA and writes the certificate and a fresh key.
func issue(tmpl, ca *x509.Certificate, caKey crypto.Signer, certFile, keyFile string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	if err := writeFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})); err != nil {
		return err
	}
	return writeKey(keyFile, key)
}

// writeKey writes a private key as PKCS#8 PEM.
func writeKey(path string, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("marshal key for %s: %w", filepath.Base(path), err)
	}
	return writeFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// serial returns a random 128-bit certificate serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		// crypto/rand does not fail on supported platforms; a fixed serial
		// is still valid for a throwaway CA.
		return big.NewInt(time.Now().UnixNano())
	}
	return n.Add(n, big.NewInt(1))
}

// randomToken returns 32 random bytes, hex encoded.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b)
}
