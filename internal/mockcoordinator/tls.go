package mockcoordinator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// ClientCertMode says whether a TLS server asks clients for a certificate.
type ClientCertMode int

const (
	// ClientCertsOff: the server does not ask for a client certificate.
	ClientCertsOff ClientCertMode = iota
	// ClientCertsVerifyIfGiven: the server asks; a certificate, if sent, must
	// be signed by the mock CA.
	ClientCertsVerifyIfGiven
	// ClientCertsRequired: a certificate signed by the mock CA is required.
	ClientCertsRequired
)

// ClientCertCommonName is the subject CN of certificates minted by IssueClientCert.
const ClientCertCommonName = "mock-coordinator-client"

// File names inside the certificate directory.
const (
	CAFileName         = "ca.pem"
	ClientCertFileName = "client.pem"
	ClientKeyFileName  = "client-key.pem"
)

// CA is the self-signed CA a TLS server generates at start; it signs the
// server certificate and client certificates. The acceptance tests' front
// (internal/acctest) serves TLS with one too.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

// NewCA generates a CA. Certificates use the wall clock, not the store's
// (possibly fake) clock: TLS clients check validity against real time.
func NewCA() (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "mock-coordinator test CA", Organization: []string{"terraform-provider-gitlabrunner"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

// issue signs a leaf certificate for the given usage.
func (ca *CA) issue(cn string, usage x509.ExtKeyUsage, dnsNames []string, ips []net.IP) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// PEM is the CA's certificate, PEM-encoded (what a cacert_file holds).
func (ca *CA) PEM() []byte { return ca.certPEM }

// Pool is a certificate pool holding the CA, for clients that trust it.
func (ca *CA) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}

// ServerTLSConfig builds a listener's TLS config: a server certificate for
// 127.0.0.1, ::1 and localhost, and the client-certificate policy.
func (ca *CA) ServerTLSConfig(mode ClientCertMode) (*tls.Config, error) {
	certPEM, keyPEM, err := ca.issue("localhost", x509.ExtKeyUsageServerAuth,
		[]string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback})
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{pair},
		MinVersion:   tls.VersionTLS12,
		// HTTP/1.1 only: FaultDrop hijacks connections, which HTTP/2 cannot do.
		NextProtos: []string{"http/1.1"},
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	switch mode {
	case ClientCertsVerifyIfGiven:
		cfg.ClientAuth, cfg.ClientCAs = tls.VerifyClientCertIfGiven, pool
	case ClientCertsRequired:
		cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, pool
	}
	return cfg, nil
}

// IssueClientCert writes a client certificate and key signed by the mock CA
// into dir (client.pem, client-key.pem; the key with mode 0600) and returns
// their paths. Only for a server started with TLS.
func (s *Server) IssueClientCert(dir string) (certFile, keyFile string, err error) {
	if s.ca == nil {
		return "", "", errors.New("IssueClientCert: the server was not started with TLS")
	}
	return s.ca.IssueClientCert(dir)
}

// IssueClientCert writes a client certificate and key signed by the CA into
// dir (client.pem, client-key.pem; the key with mode 0600) and returns their
// paths; their subject is ClientCertCommonName.
func (ca *CA) IssueClientCert(dir string) (certFile, keyFile string, err error) {
	certPEM, keyPEM, err := ca.issue(ClientCertCommonName, x509.ExtKeyUsageClientAuth, nil, nil)
	if err != nil {
		return "", "", fmt.Errorf("IssueClientCert: %w", err)
	}
	certFile, keyFile = filepath.Join(dir, ClientCertFileName), filepath.Join(dir, ClientKeyFileName)
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		return "", "", fmt.Errorf("IssueClientCert: %w", err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return "", "", fmt.Errorf("IssueClientCert: %w", err)
	}
	return certFile, keyFile, nil
}
