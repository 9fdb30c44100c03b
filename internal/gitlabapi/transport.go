package gitlabapi

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

const (
	maxRedirects = 10
	dialTimeout  = 10 * time.Second
)

// newHTTPClient builds the pooled HTTP client: go-cleanhttp's pooled
// transport (sane timeouts, keep-alives) with an idle pool large enough for
// Terraform's 10 parallel operations (cleanhttp sizes it by GOMAXPROCS, which
// is 3 on a 2-core runner and would make most requests open a new
// connection), TLS settings from cfg and a credential-safe redirect policy.
func newHTTPClient(cfg Config, extra http.Header) (*http.Client, error) {
	tr := cleanhttp.DefaultPooledTransport()
	perHost := cfg.MaxConnsPerHost
	if perHost <= 0 {
		perHost = DefaultMaxConnsPerHost
	}
	tr.MaxIdleConnsPerHost = perHost
	if tr.MaxIdleConns < perHost {
		tr.MaxIdleConns = perHost
	}
	tr.ForceAttemptHTTP2 = true
	// A host that does not answer the TCP handshake fails an attempt after
	// dialTimeout (cleanhttp waits 30 s); such an attempt is retried at
	// most twice (retry.go).
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext

	tlsCfg, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	tr.TLSClientConfig = tlsCfg

	timeout := orDefault(cfg.RequestTimeout, DefaultRequestTimeout)

	sensitive := sensitiveHeaderNames(extra)
	return &http.Client{
		// Per attempt: go-retryablehttp calls Do once per attempt. Without it
		// a server that accepts the request and never answers hangs the
		// provider until the call's total budget ends.
		Timeout:   timeout,
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return checkRedirect(req, via, sensitive)
		},
	}, nil
}

// tlsConfig builds the TLS settings. Errors name the file (never its content).
func tlsConfig(cfg Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}

	if f := strings.TrimSpace(cfg.CACertFile); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("cacert_file %q cannot be read: %w", f, unwrapPathError(err))
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cacert_file %q contains no PEM certificate", f)
		}
		tc.RootCAs = pool
	}

	certFile, keyFile := strings.TrimSpace(cfg.ClientCertFile), strings.TrimSpace(cfg.ClientKeyFile)
	switch {
	case certFile != "" && keyFile == "":
		return nil, fmt.Errorf("client_cert %q is set but client_key is not: set both or neither", certFile)
	case certFile == "" && keyFile != "":
		return nil, fmt.Errorf("client_key %q is set but client_cert is not: set both or neither", keyFile)
	case certFile != "":
		certPEM, err := os.ReadFile(certFile)
		if err != nil {
			return nil, fmt.Errorf("client_cert %q cannot be read: %w", certFile, unwrapPathError(err))
		}
		keyPEM, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("client_key %q cannot be read: %w", keyFile, unwrapPathError(err))
		}
		// Do not wrap the tls error: it can quote PEM content (the key).
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("client_cert %q and client_key %q do not form a valid certificate/key pair (both must be PEM, and the key must match the certificate)", certFile, keyFile)
		}
		tc.Certificates = []tls.Certificate{cert}
	}

	if cfg.Insecure {
		tc.InsecureSkipVerify = true //nolint:gosec // explicitly requested by the user (insecure = true)
	}
	return tc, nil
}

// unwrapPathError drops the *os.PathError wrapper, whose message repeats the path.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sensitiveHeaderNames lists headers never forwarded to another host:
// the credentials the client sets and every user-supplied header (they are
// commonly used for custom authentication; we cannot tell which are secret).
func sensitiveHeaderNames(extra http.Header) []string {
	names := []string{"Private-Token", "Authorization", "Runner-Token", "Job-Token", "Cookie", "Proxy-Authorization"}
	for k := range extra {
		names = append(names, k)
	}
	return names
}

// checkRedirect follows at most maxRedirects redirects and strips
// credentials when the redirect leaves the original host or downgrades from
// https to http. net/http only strips Authorization and Cookie by itself.
func checkRedirect(req *http.Request, via []*http.Request, sensitive []string) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	orig := via[0].URL
	if !strings.EqualFold(req.URL.Host, orig.Host) || (orig.Scheme == "https" && req.URL.Scheme != "https") {
		for _, h := range sensitive {
			req.Header.Del(h)
		}
	}
	return nil
}
