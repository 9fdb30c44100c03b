package mockcoordinator

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testwait"
)

// clientFromCAFile builds a client the way the provider does with cacert_file.
func clientFromCAFile(t *testing.T, caFile, certFile, keyFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no PEM certificate", caFile)
	}
	cfg := &tls.Config{RootCAs: pool}
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
}

func TestTLSTrustedClientSucceedsUntrustedFails(t *testing.T) {
	s := startTestServer(t, Options{TLS: true})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") {
		t.Fatalf("URL() = %q, want https://127.0.0.1:PORT", s.URL())
	}
	if s.CAFile() == "" {
		t.Fatal("CAFile() is empty with TLS")
	}
	trusted := clientFromCAFile(t, s.CAFile(), "", "")
	if r := mustCall(t, trusted, s, "GET", "/version", s.Seed().AdminToken, nil); r.status != 200 {
		t.Fatalf("trusted client: status %d", r.status)
	}
	untrusted := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	_, err := call(t, untrusted, s, "GET", "/version", s.Seed().AdminToken, nil)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("client without the CA: err = %v, want a certificate error", err)
	}
}

func TestTLSLocalhostNameIsValid(t *testing.T) {
	s := startTestServer(t, Options{TLS: true})
	c := clientFromCAFile(t, s.CAFile(), "", "")
	port := s.URL()[strings.LastIndex(s.URL(), ":")+1:]
	resp, err := c.Get("https://localhost:" + port + "/api/v4/version")
	if err != nil {
		t.Fatalf("https://localhost: %v", err)
	}
	resp.Body.Close()
}

func TestTLSClientCertRequired(t *testing.T) {
	s := startTestServer(t, Options{TLS: true, ClientCerts: ClientCertsRequired})
	if _, err := call(t, clientFromCAFile(t, s.CAFile(), "", ""), s, "GET", "/version", s.Seed().AdminToken, nil); err == nil {
		t.Fatal("request without a client certificate succeeded, want a TLS error")
	}
	certFile, keyFile, err := s.IssueClientCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("client key %s: mode %v, err %v; want 0600", keyFile, fi.Mode().Perm(), err)
	}
	c := clientFromCAFile(t, s.CAFile(), certFile, keyFile)
	if r := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil); r.status != 200 {
		t.Fatalf("with client certificate: status %d", r.status)
	}
	assertLastClientCert(t, s, 1, ClientCertCommonName)
}

func TestTLSClientCertVerifyIfGiven(t *testing.T) {
	s := startTestServer(t, Options{TLS: true, ClientCerts: ClientCertsVerifyIfGiven})
	if r := mustCall(t, clientFromCAFile(t, s.CAFile(), "", ""), s, "GET", "/version", s.Seed().AdminToken, nil); r.status != 200 {
		t.Fatalf("without client certificate: status %d, want 200", r.status)
	}
	assertLastClientCert(t, s, 1, "")
	certFile, keyFile, err := s.IssueClientCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mustCall(t, clientFromCAFile(t, s.CAFile(), certFile, keyFile), s, "GET", "/version", s.Seed().AdminToken, nil)
	assertLastClientCert(t, s, 2, ClientCertCommonName)

	// A certificate from another CA is refused.
	other := startTestServer(t, Options{TLS: true})
	foreignCert, foreignKey, err := other.IssueClientCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, clientFromCAFile(t, s.CAFile(), foreignCert, foreignKey), s, "GET", "/version", s.Seed().AdminToken, nil); err == nil {
		t.Fatal("a client certificate from a foreign CA was accepted")
	}
}

func TestTLSDropFaultStillHijacks(t *testing.T) {
	s := startTestServer(t, Options{TLS: true})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "POST /user/runners", Kind: FaultApplyThenDrop, Times: 1})
	if r, err := createInstanceRunner(t, c, s, "tls-drop"); err == nil {
		t.Fatalf("want a connection error over TLS, got %d", r.status)
	}
	if _, ok := runnerWithDescription(s, "tls-drop"); !ok {
		t.Fatal("apply-then-drop over TLS did not commit the runner")
	}
	assertLastLog(t, s, "POST /user/runners", 0, "apply-then-drop")
}

func TestIssueClientCertNeedsTLS(t *testing.T) {
	s := startTestServer(t, Options{})
	if _, _, err := s.IssueClientCert(t.TempDir()); err == nil {
		t.Fatal("IssueClientCert on a plain HTTP server: want an error")
	}
}

func TestTLSTempCertDirRemovedOnClose(t *testing.T) {
	s := startTestServer(t, Options{TLS: true})
	ca := s.CAFile()
	if _, err := os.Stat(ca); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ca); !os.IsNotExist(err) {
		t.Errorf("CA file %s still there after Close (err %v)", ca, err)
	}
}

// assertLastClientCert waits for the n-th log entry and checks its client certificate.
func assertLastClientCert(t *testing.T, s *Server, n int, cn string) {
	t.Helper()
	testwait.Until(t, 3*time.Second, "the request's log entry", func() bool { return len(s.Stats().Log()) >= n })
	log := s.Stats().Log()
	if got := log[len(log)-1].ClientCert; got != cn {
		t.Errorf("logged client certificate = %q, want %q", got, cn)
	}
}
