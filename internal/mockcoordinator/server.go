package mockcoordinator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Options configure a Server.
type Options struct {
	// Version is the GitLab version the mock reports (default: the store's).
	Version string
	// Clock drives runner timestamps, status and token expiry (default: real time).
	Clock store.Clock
	// TLS serves HTTPS with a self-signed CA generated at start (see CAFile).
	TLS bool
	// ClientCerts asks TLS clients for a certificate signed by the mock CA.
	ClientCerts ClientCertMode
	// CertDir receives the CA file (ca.pem). Default: a temporary directory
	// removed by Close. Files in it are overwritten at start.
	CertDir string
	// StateFile, when set, persists the store: restored at NewServer if the
	// file exists (else the default seed is used and written at once),
	// rewritten atomically before the answer to every request that may have
	// changed the store (see persist.go), and on Close.
	StateFile string
	// Latency delays every request (hosted GitLab adds about 20ms).
	Latency time.Duration
	// LogWriter, when set, receives one line per request (no tokens) and
	// background errors.
	LogWriter io.Writer
	// Seed, when set, replaces the standard fixture (SeedDefaults) with this
	// organisation (see store.SeedSpec); Version wins over its
	// gitlab_version. A restored StateFile wins over both.
	Seed *store.SeedSpec
	// OnConnection, when set, is called for every accepted connection with
	// the client's address, before its first request is read (the client is
	// still connected then). The benchmark uses it to find which process
	// opened each connection. It must be safe for concurrent use.
	OnConnection func(remote net.Addr)
}

// Server is the mock coordinator as an HTTP(S) server: the store and API of
// NewHandler wrapped by fault injection, statistics and persistence.
type Server struct {
	opts   Options
	store  *store.Store
	seed   store.Seed
	faults *Faults
	stats  *Stats

	mu         sync.Mutex
	httpSrv    *http.Server
	url        string
	ca         *CA
	caFile     string
	certDir    string
	ownCertDir bool // created by Start, removed by Close
	client     *http.Client

	flushMu   sync.Mutex   // serialises state-file writes
	changes   atomic.Int64 // requests that may have changed the store
	flushed   int64        // changes covered by the last write; flushMu
	closeOnce sync.Once
	closeErr  error
}

// NewServer builds the store (restored from opts.StateFile when that file
// exists, else seeded with SeedDefaults), the fault set and the statistics.
// It does not listen yet: see Start.
func NewServer(opts Options) (*Server, error) {
	st := store.NewStore(store.Options{Version: opts.Version, Clock: opts.Clock})
	restored := false
	if opts.StateFile != "" {
		var err error
		if restored, err = loadState(st, opts.StateFile); err != nil {
			return nil, err
		}
	}
	if restored {
		if opts.Version != "" {
			st.SetVersion(opts.Version) // an explicit version wins over the saved one
		}
	} else if opts.Seed != nil {
		spec := *opts.Seed
		if opts.Version != "" {
			spec.GitLabVersion = opts.Version
		}
		if _, err := st.ApplySeed(spec); err != nil {
			return nil, err
		}
	} else {
		st.SeedDefaults()
	}
	s := &Server{
		opts:   opts,
		store:  st,
		seed:   st.Seed(),
		faults: NewFaults(),
		stats:  NewStats(opts.LogWriter),
	}
	if opts.StateFile != "" && !restored {
		// Write the fresh seed at once: a bad path fails here rather than at
		// shutdown, and the tokens survive even a crash before any change.
		if err := s.FlushState(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Start listens on addr, which must be a loopback address ("127.0.0.1:0"
// picks a free port), and serves in the background.
func (s *Server) Start(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpSrv != nil {
		return errors.New("mock coordinator: already started")
	}
	if err := checkLoopback(addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mock coordinator: listen on %s: %w", addr, err)
	}
	scheme := "http"
	srv := &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.stats.connAccepted()
				if s.opts.OnConnection != nil {
					s.opts.OnConnection(c.RemoteAddr())
				}
			}
		},
		// HTTP/1.1 only: FaultDrop and FaultApplyThenDrop hijack connections.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		// TLS handshake failures of deliberately untrusting clients are noise.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	transport := defaultTransportClone()
	if s.opts.TLS {
		cfg, err := s.setupTLS()
		if err != nil {
			_ = ln.Close() // nothing served on it yet; err is what matters
			return err
		}
		srv.TLSConfig = cfg
		ln = tls.NewListener(ln, cfg)
		scheme = "https"
		pool := x509.NewCertPool()
		pool.AddCert(s.ca.cert)
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	s.httpSrv = srv
	s.url = scheme + "://" + ln.Addr().String()
	s.client = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("mock coordinator: serve: %v", err)
		}
	}()
	return nil
}

// setupTLS generates the CA and writes it to the certificate directory.
func (s *Server) setupTLS() (*tls.Config, error) {
	ca, err := NewCA()
	if err != nil {
		return nil, fmt.Errorf("mock coordinator: generate CA: %w", err)
	}
	dir := s.opts.CertDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "mock-coordinator-tls-"); err != nil {
			return nil, fmt.Errorf("mock coordinator: %w", err)
		}
		s.ownCertDir = true
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("mock coordinator: certificate directory %s: %w", dir, err)
	}
	caFile := filepath.Join(dir, CAFileName)
	if err := os.WriteFile(caFile, ca.certPEM, 0o644); err != nil {
		return nil, fmt.Errorf("mock coordinator: write CA file: %w", err)
	}
	cfg, err := ca.ServerTLSConfig(s.opts.ClientCerts)
	if err != nil {
		return nil, fmt.Errorf("mock coordinator: server certificate: %w", err)
	}
	s.ca, s.caFile, s.certDir = ca, caFile, dir
	return cfg, nil
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("mock coordinator: listen address %q: want HOST:PORT such as 127.0.0.1:8080 (port 0 picks a free port): %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("mock coordinator: listen address %q: the host must be a loopback address (127.0.0.1, ::1 or localhost); the mock is a local test server that hands out tokens freely", addr)
}

// URL returns the base URL without /api/v4, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// APIURL returns URL() + "/api/v4".
func (s *Server) APIURL() string { return s.URL() + "/api/v4" }

// CAFile returns the path of the PEM CA certificate ("" without TLS).
func (s *Server) CAFile() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caFile
}

// CertDir returns the directory holding the CA file ("" without TLS).
func (s *Server) CertDir() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certDir
}

// HTTPClient returns a client that trusts the mock CA (no client
// certificate); nil before Start.
func (s *Server) HTTPClient() *http.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

// Store returns the in-memory GitLab behind the server.
func (s *Server) Store() *store.Store { return s.store }

// Faults returns the fault set; changes apply to the next request.
func (s *Server) Faults() *Faults { return s.faults }

// Stats returns request counters and the request log.
func (s *Server) Stats() *Stats { return s.stats }

// Seed returns the seeded fixture (tokens and ids of the demo group, subgroup
// and project).
func (s *Server) Seed() store.Seed { return s.seed }

// SeedSpec is the organisation Options.Seed described, completed with ids
// and tokens; nil for the standard fixture.
func (s *Server) SeedSpec() *store.SeedSpec { return s.store.AppliedSeed() }

// closeGrace is how long Close waits for requests in flight.
const closeGrace = time.Second

// Close shuts the server down (waiting up to closeGrace for requests in
// flight, then closing the remaining connections), writes the state file and removes a temporary certificate
// directory. Calling it again returns the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		s.mu.Lock()
		srv, client, ownDir, certDir := s.httpSrv, s.client, s.ownCertDir, s.certDir
		s.mu.Unlock()
		if srv != nil {
			// Give requests in flight a moment, then cut what is left:
			// net/http waits 5 s for connections that never sent a request
			// (a client's spare connection), and requests stalled by a
			// latency fault may never finish. Neither is a failure.
			ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
			if err := srv.Shutdown(ctx); err != nil {
				_ = srv.Close()
			}
			cancel()
		}
		if client != nil {
			client.CloseIdleConnections()
		}
		if err := s.FlushState(); err != nil {
			errs = append(errs, err)
		}
		if ownDir {
			_ = os.RemoveAll(certDir)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// logf reports background errors on the log writer (stderr without one).
func (s *Server) logf(format string, args ...any) {
	s.stats.printf(format, args...)
}

// defaultTransportClone returns a copy of http.DefaultTransport's settings, or
// a zero Transport should something have replaced DefaultTransport with
// another RoundTripper.
func defaultTransportClone() *http.Transport {
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		return dt.Clone()
	}
	return &http.Transport{}
}
