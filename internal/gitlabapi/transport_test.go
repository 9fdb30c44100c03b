package gitlabapi

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// connectionsFor runs rounds × parallel GETs and returns how many TCP
// connections the server accepted.
func connectionsFor(t *testing.T, maxConns, parallel, rounds int) int64 {
	var accepted atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // keep the requests overlapping
		writeJSON(w, 200, `{"version":"17.4.1-ee","revision":"x","enterprise":true}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxConnsPerHost = maxConns })
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		for i := 0; i < parallel; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.GetVersion(t.Context()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	return accepted.Load()
}

func TestConnectionsReusedUnderParallelism(t *testing.T) {
	if n := connectionsFor(t, 0, 10, 5); n > 12 {
		t.Errorf("10 parallel × 5 rounds opened %d connections, want ≤ 12", n)
	}
	// The measurement can fail: with a tiny idle pool (what go-cleanhttp
	// gives on a 2-core machine) connections are not reused.
	if n := connectionsFor(t, 2, 10, 5); n <= 12 {
		t.Errorf("with MaxConnsPerHost=2 only %d connections were opened; the test cannot tell reuse apart", n)
	}
}

func TestRedirectToAnotherHostDropsCredentials(t *testing.T) {
	type seen struct{ privateToken, custom, ua string }
	var mu sync.Mutex
	var other seen
	otherSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		other = seen{r.Header.Get("PRIVATE-TOKEN"), r.Header.Get("X-Auth-Extra"), r.Header.Get("User-Agent")}
		mu.Unlock()
		writeJSON(w, 200, `{"version":"1.0.0"}`)
	}))
	defer otherSrv.Close()
	var sameHostToken atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v4/version":
			http.Redirect(w, r, otherSrv.URL+"/api/v4/version", http.StatusFound)
		case "/api/v4/runners/12":
			http.Redirect(w, r, "/api/v4/runners/2", http.StatusMovedPermanently)
		case "/api/v4/runners/2":
			sameHostToken.Store(r.Header.Get("PRIVATE-TOKEN"))
			writeJSON(w, 200, runnerJSON)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Headers = map[string]string{"X-Auth-Extra": "custom-secret-value"}
	})
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if other.privateToken != "" || other.custom != "" {
		t.Errorf("credentials forwarded to another host: %+v", other)
	}
	if other.ua == "" {
		t.Error("the redirected request should still be a normal request (User-Agent)")
	}
	// Same host: the token is kept.
	if _, err := c.GetRunner(t.Context(), 12); err != nil {
		t.Fatal(err)
	}
	if got, _ := sameHostToken.Load().(string); got != "glpat-test-user-token-0123456789" {
		t.Errorf("same-host redirect lost PRIVATE-TOKEN: %q", got)
	}
}

func TestHeadersSent(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Clone())
		writeJSON(w, 200, `{"version":"17.0.0"}`)
	}))
	defer srv.Close()

	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Headers = map[string]string{"x-team": "blue"} })
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	h := got.Load().(http.Header)
	if h.Get("User-Agent") != DefaultUserAgent || h.Get("PRIVATE-TOKEN") != "glpat-test-user-token-0123456789" ||
		h.Get("X-Team") != "blue" || h.Get("Accept") != "application/json" {
		t.Errorf("headers = %v", h)
	}

	c = newTestClient(t, srv.URL, func(cfg *Config) { cfg.UserAgent = "terraform-provider-gitlabrunner/1.2.3" })
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	if ua := got.Load().(http.Header).Get("User-Agent"); ua != "terraform-provider-gitlabrunner/1.2.3" {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestHeadersCannotOverrideToken(t *testing.T) {
	_, err := NewClient(Config{BaseURL: "https://h", Token: "glpat-abcdefghijkl", Headers: map[string]string{"private-token": "other-secret"}})
	if err == nil || !strings.Contains(err.Error(), "private-token") || strings.Contains(err.Error(), "other-secret") || strings.Contains(err.Error(), "glpat-abcdefghijkl") {
		t.Errorf("conflicting PRIVATE-TOKEN header: %v", err)
	}
	for _, k := range []string{"User-Agent", "RUNNER-TOKEN", "Content-Type"} {
		if _, err := NewClient(Config{BaseURL: "https://h", Headers: map[string]string{k: "x"}}); err == nil {
			t.Errorf("header %s must be refused", k)
		}
	}
	if _, err := NewClient(Config{BaseURL: "https://h", Headers: map[string]string{"X-Bad": "a\r\nInjected: 1"}}); err == nil {
		t.Error("header value with CRLF must be refused")
	}
	if _, err := NewClient(Config{BaseURL: "https://h", Headers: map[string]string{"Bad Name": "x"}}); err == nil {
		t.Error("invalid header name must be refused")
	}
	// Without a token, a PRIVATE-TOKEN header is how the user authenticates.
	if _, err := NewClient(Config{BaseURL: "https://h", Headers: map[string]string{"PRIVATE-TOKEN": "x"}}); err != nil {
		t.Errorf("PRIVATE-TOKEN header without token: %v", err)
	}
}

func TestVerifyRunnerSendsRunnerTokenOnly(t *testing.T) {
	const runnerToken = "glrt-t3_AbCdEfGhIjKlMnOpQrSt"
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got.Store([]string{r.Method, r.URL.Path, r.Header.Get("PRIVATE-TOKEN"), r.Header.Get("RUNNER-TOKEN"), string(body), r.Header.Get("Content-Type")})
		writeJSON(w, 200, `{"id":4,"token":"`+runnerToken+`","token_expires_at":"2030-01-01T00:00:00.000Z"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	tok, err := c.VerifyRunner(t.Context(), runnerToken, "s_0123456789ab")
	if err != nil {
		t.Fatal(err)
	}
	g := got.Load().([]string)
	if g[0] != "POST" || g[1] != "/api/v4/runners/verify" || g[2] != "" || g[3] != runnerToken || g[5] != "application/json" {
		t.Errorf("request = %q", g[:4])
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(g[4]), &body); err != nil || body["token"] != runnerToken || body["system_id"] != "s_0123456789ab" {
		t.Errorf("body = %q", g[4])
	}
	if tok.ID != 4 || tok.TokenExpiresAt == nil || tok.TokenExpiresAt.Year() != 2030 {
		t.Errorf("answer = %+v", tok)
	}
}

// writeCAFile writes the test server's certificate as a PEM CA bundle.
func writeCAFile(t *testing.T, srv *httptest.Server) string {
	p := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTLSWithCACertFile(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"version":"17.4.1-ee"}`)
	}))
	defer srv.Close()

	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.CACertFile = writeCAFile(t, srv) })
	if v, err := c.GetVersion(t.Context()); err != nil || v.Version != "17.4.1-ee" {
		t.Fatalf("with cacert_file: %v %v", v, err)
	}

	// Without the CA the certificate is refused, and that is not retried.
	c = newTestClient(t, srv.URL, nil)
	attempts := countAttempts(c)
	_, err := c.GetVersion(t.Context())
	var unknown x509.UnknownAuthorityError
	var verr *tls.CertificateVerificationError
	if err == nil || !errors.As(err, &unknown) && !errors.As(err, &verr) {
		t.Errorf("without CA: want a certificate error, got %v", err)
	}
	if attempts.Load() != 1 {
		t.Errorf("certificate errors must not be retried; attempts = %d", attempts.Load())
	}

	c = newTestClient(t, srv.URL, func(cfg *Config) { cfg.Insecure = true })
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Errorf("insecure: %v", err)
	}
}

func TestTLSConfigErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing-ca.pem")
	notPEM := filepath.Join(dir, "not-a-cert.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{CACertFile: missing}, `cacert_file "` + missing + `" cannot be read`},
		{Config{CACertFile: notPEM}, `cacert_file "` + notPEM + `" contains no PEM certificate`},
		{Config{ClientCertFile: notPEM}, `client_cert "` + notPEM + `" is set but client_key is not`},
		{Config{ClientKeyFile: notPEM}, `client_key "` + notPEM + `" is set but client_cert is not`},
		{Config{ClientCertFile: missing, ClientKeyFile: notPEM}, `client_cert "` + missing + `" cannot be read`},
		{Config{ClientCertFile: notPEM, ClientKeyFile: missing}, `client_key "` + missing + `" cannot be read`},
		{Config{ClientCertFile: notPEM, ClientKeyFile: notPEM}, `do not form a valid certificate/key pair`},
	}
	for _, tc := range cases {
		tc.cfg.BaseURL = "https://gitlab.example.com"
		tc.cfg.Token = "glpat-should-never-appear"
		_, err := NewClient(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.cfg, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "glpat-should-never-appear") {
			t.Errorf("error leaks the token: %v", err)
		}
	}
}

func TestClientCertificateSent(t *testing.T) {
	var peerCerts atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peerCerts.Store(int32(len(r.TLS.PeerCertificates)))
		writeJSON(w, 200, `{"version":"17.4.1-ee"}`)
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()

	// Reuse the server's own certificate and key as the client pair.
	dir := t.TempDir()
	cert := srv.TLS.Certificates[0]
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)

	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.CACertFile = writeCAFile(t, srv)
		cfg.ClientCertFile, cfg.ClientKeyFile = certFile, keyFile
	})
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	if peerCerts.Load() != 1 {
		t.Errorf("server saw %d client certificates", peerCerts.Load())
	}
}
