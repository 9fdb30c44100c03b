// Package acctest holds helpers for acceptance tests: an in-process mock
// coordinator per test, the provider block that points at it, and checks
// that ask the mock directly. It must not import internal/provider so that
// provider tests can use it without an import cycle.
package acctest

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// DefaultStartTime is where the fake clock of StartMock begins.
var DefaultStartTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Mock is a started mock coordinator for one test.
type Mock struct {
	*mockcoordinator.Server
	// Clock drives the mock's notion of time; nil with WithRealClock.
	// Inject Now into the provider so both sides agree.
	Clock *store.FakeClock
	// Seed holds the seeded tokens and ids (shadows Server.Seed()); empty
	// with WithSeed.
	Seed store.Seed
	// SeedSpec is the organisation of WithSeed, with the ids and tokens the
	// mock gave (shadows Server.SeedSpec()); nil for the standard fixture.
	SeedSpec *store.SeedSpec

	tls bool
	t   testing.TB

	viewOnce sync.Once
	view     *GitLab // the checks' view of this mock (gitlab.go)
}

// MockOption changes how StartMock builds the server.
type MockOption func(*mockConfig)

type mockConfig struct {
	opts      mockcoordinator.Options
	realClock bool
	start     time.Time
	logTo     io.Writer
	// needs are the options' capabilities only the mock has: in live mode
	// NewGitLab skips the test, naming them.
	needs    []Capability
	settings bool   // WithSettingsChanges
	atLeast  string // RequireVersion
}

func newMockConfig(opts []MockOption) *mockConfig {
	cfg := &mockConfig{start: DefaultStartTime, logTo: io.Discard}
	for _, o := range opts {
		o(cfg)
	}
	return cfg
}

func (c *mockConfig) need(capability Capability) { c.needs = append(c.needs, capability) }

// WithVersion makes the mock report GitLab version v (e.g. "16.11.0-ee").
func WithVersion(v string) MockOption {
	return func(c *mockConfig) { c.opts.Version = v; c.need(EmulatedVersion) }
}

// WithMockVersion makes the mock report GitLab version v, without skipping
// in live mode, where GitLab is the version it is: for a test that runs on
// any GitLab new enough (with NeedsVersion, NeedsRunnerControllers) but
// wants one version against the mock. After RequireVersion it keeps
// RequireVersion's minimum for live mode and changes the mock's version.
func WithMockVersion(v string) MockOption {
	return func(c *mockConfig) { c.opts.Version = v }
}

// RequireVersion is for a test of what GitLab has from version v on (and,
// when v ends in -ee, only in Enterprise Edition): the mock emulates v; in
// live mode the test runs when GitLab's version is v or later (the same
// edition), and skips otherwise, naming both versions.
func RequireVersion(v string) MockOption {
	return func(c *mockConfig) { c.opts.Version, c.atLeast = v, v }
}

// WithTLS serves HTTPS with a CA generated for the test; ProviderBlock adds
// cacert_file. In live mode the test's front serves it before GitLab.
func WithTLS() MockOption { return func(c *mockConfig) { c.opts.TLS = true } }

// WithClientCerts serves HTTPS and asks for client certificates (see
// ProviderBlockWithClientCert); in live mode, the test's front does.
func WithClientCerts(mode mockcoordinator.ClientCertMode) MockOption {
	return func(c *mockConfig) { c.opts.TLS, c.opts.ClientCerts = true, mode }
}

// WithRealClock uses wall-clock time instead of a fake clock (live mode
// always does).
func WithRealClock() MockOption { return func(c *mockConfig) { c.realClock = true } }

// WithStartTime starts the fake clock at t instead of DefaultStartTime.
func WithStartTime(t time.Time) MockOption {
	return func(c *mockConfig) { c.start = t; c.need(MockClock) }
}

// WithLatency delays every request by d (like hosted GitLab's ~20ms); in
// live mode the test's front adds it.
func WithLatency(d time.Duration) MockOption { return func(c *mockConfig) { c.opts.Latency = d } }

// WithStateFile persists the mock's state in path (restored if it exists).
func WithStateFile(path string) MockOption {
	return func(c *mockConfig) { c.opts.StateFile = path; c.need(MockStateFile) }
}

// WithSeed starts the mock with the organisation spec describes instead of
// the standard fixture (the same description `mock-coordinator --seed FILE`
// reads); Mock.SeedSpec then holds it with the ids and tokens the mock gave,
// and Mock.Seed is empty.
func WithSeed(spec store.SeedSpec) MockOption {
	return func(c *mockConfig) { c.opts.Seed = &spec; c.need(SeededUsers) }
}

// WithSeedFile is WithSeed with a JSON or YAML seed file; a bad file fails
// the test with the line at fault.
func WithSeedFile(t testing.TB, path string) MockOption {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("acctest: seed file: %v", err)
	}
	spec, err := store.ParseSeedFile(path, data)
	if err != nil {
		t.Fatalf("acctest: %v", err)
	}
	return WithSeed(spec)
}

// WithRequestLog writes one line per request (no tokens) to w, e.g. os.Stderr
// while debugging a test.
func WithRequestLog(w io.Writer) MockOption { return func(c *mockConfig) { c.logTo = w } }

// StartMock starts an in-process mock coordinator on 127.0.0.1 with a free
// port and a fake clock at DefaultStartTime (unless WithRealClock). The test's
// cleanup closes it. In live mode it skips the test: a test that can run
// against any GitLab uses NewGitLab instead.
func StartMock(t testing.TB, opts ...MockOption) *Mock {
	t.Helper()
	cfg := newMockConfig(opts)
	if settings, err := live(); settings != nil || err != nil {
		skipLive(t, "needs "+joinCapabilities(append([]Capability{InProcessMock}, cfg.needs...)))
	}
	return startMock(t, cfg)
}

func startMock(t testing.TB, cfg *mockConfig) *Mock {
	t.Helper()
	m := &Mock{tls: cfg.opts.TLS, t: t}
	if !cfg.realClock {
		m.Clock = store.NewFakeClock(cfg.start)
		cfg.opts.Clock = m.Clock
	}
	cfg.opts.LogWriter = cfg.logTo
	if cfg.opts.TLS && cfg.opts.CertDir == "" {
		cfg.opts.CertDir = filepath.Join(t.TempDir(), "tls")
	}
	srv, err := mockcoordinator.NewServer(cfg.opts)
	if err != nil {
		t.Fatalf("acctest: mock coordinator: %v", err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("acctest: mock coordinator: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("acctest: closing the mock coordinator: %v", err)
		}
	})
	m.Server = srv
	m.Seed = srv.Seed()
	m.SeedSpec = srv.SeedSpec()
	return m
}

// Now is the mock's clock as a function, to inject into the provider
// (provider.NewWithClock) so that token expiry agrees on both sides.
func (m *Mock) Now() time.Time {
	if m.Clock != nil {
		return m.Clock.Now()
	}
	return time.Now().UTC()
}

// ProviderBlock returns a provider configuration for the mock authenticated
// with token: base_url, token, retries = 2 and, with TLS, cacert_file.
func (m *Mock) ProviderBlock(token string) string {
	return m.providerBlock(token, "", "")
}

// ProviderBlockWithClientCert is ProviderBlock plus client_cert and
// client_key of a certificate the mock CA issues for this test. It needs a
// mock started WithTLS or WithClientCerts.
func (m *Mock) ProviderBlockWithClientCert(t testing.TB, token string) string {
	t.Helper()
	cert, key, err := m.IssueClientCert(t.TempDir())
	if err != nil {
		t.Fatalf("acctest: %v", err)
	}
	return m.providerBlock(token, cert, key)
}

func (m *Mock) providerBlock(token, cert, key string) string {
	ca := ""
	if m.tls {
		ca = m.CAFile()
	}
	return providerBlock(m.URL(), token, ca, cert, key)
}

// providerBlock is a provider block for baseURL: base_url, token, retries =
// 2 and the TLS files that are set.
func providerBlock(baseURL, token, ca, cert, key string) string {
	var b strings.Builder
	b.WriteString("provider \"gitlabrunner\" {\n")
	attr := func(name, value string) { b.WriteString("  " + name + " = " + hclString(value) + "\n") }
	attr("base_url", baseURL)
	attr("token", token)
	b.WriteString("  retries  = 2\n")
	if ca != "" {
		attr("cacert_file", ca)
	}
	if cert != "" {
		attr("client_cert", cert)
		attr("client_key", key)
	}
	b.WriteString("}\n")
	return b.String()
}

// hclString quotes s as an HCL string literal, escaping template sequences.
func hclString(s string) string { return tfvalue.HCLString(s) }

// TokenCheckRoutes are the requests the provider sends when Terraform
// configures it (early_auth_check: GET /personal_access_tokens/self, and
// GET /user on GitLab before 15.5). Terraform configures the provider for
// every plan, apply and import, so tests that count what an operation costs
// leave them out (OperationRequests).
var TokenCheckRoutes = []string{"GET /personal_access_tokens/self", "GET /user"}

// OperationRequests is the mock's request count per route without the
// provider's token checks (TokenCheckRoutes), and their total.
func (m *Mock) OperationRequests() (byRoute map[string]int, total int) {
	return m.gitlab().OperationRequests()
}
