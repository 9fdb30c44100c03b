package acctest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/api"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testwait"
)

// GitLab is the GitLab a test runs against: an in-process mock coordinator
// of its own (the default), or, in live mode (`make testacc-live`), the
// GitLab the environment names (live.go). A test written against it runs
// unchanged in both:
//
//   - the provider block, the tokens and the group and project ids come
//     from it (ProviderBlock, OwnerToken, GroupID, ProjectID, …); a test that
//     needs a live setting that was not given skips, naming the variable;
//   - its checks ask GitLab's REST API (Runner, Runners, CheckDestroy,
//     CheckAgreement, VerifyStatus), never the mock's store;
//   - its faults and request counts (Faults, Stats) are the mock's, or in
//     live mode those of the test's front (front.go);
//   - what only the mock has (an emulated version, its clock, its store, its
//     seeded users, TLS with a CA of its own) is behind Mock(capabilities…),
//     StepNeeds and SkipLive, which skip in live mode saying what is needed;
//   - descriptions go through Name: in live mode they carry the test's
//     prefix, and whatever carries it is deleted when the test ends, pass or
//     fail (and by `make sweep` after a run that was killed).
type GitLab struct {
	mock     *Mock         // mock mode
	live     *LiveSettings // live mode
	front    *front        // live mode: what the provider talks to
	rest     *restClient   // the checks' client, as an administrator (mock: in-process)
	prefix   string        // the test's prefix ("" against the mock)
	settings bool          // WithSettingsChanges

	adminOnce sync.Once
	admin     bool
	adminErr  error
}

// Capability is something only the in-process mock coordinator offers. A
// test that needs one skips in live mode with a message naming it.
type Capability string

// The mock's capabilities.
const (
	EmulatedVersion Capability = "an emulated GitLab version (WithVersion)"
	MockClock       Capability = "the mock's clock (moving time on, or its start time)"
	StoreAccess     Capability = "reading or changing the mock's store directly"
	SeededUsers     Capability = "the mock's seeded users, roles and groups (maintainer, developer and read_api tokens, the subgroup, seed files)"
	MockStateFile   Capability = "the mock's state file"
	InProcessMock   Capability = "the in-process mock coordinator (acctest.StartMock)"
	// PagesAsWritten: the docs' tests run a page's configuration as a reader
	// copies it, and a reader's runners carry no live run's mark (live mode's
	// front refuses them, and its cleanup could not find them); an example
	// that adopts every runner of a group would take others' runners.
	PagesAsWritten Capability = "a page's snippets run as written (their runners carry no live run's mark)"
)

// WithSettingsChanges declares that the test changes instance, group or
// project settings. In live mode the test then runs alone (no other live test
// of any package runs meanwhile: new runners would see the settings), and
// every setting it changed is put back when it ends; without it the front
// refuses such changes. Against the mock it changes nothing. Such a test
// calls ParallelOnMock instead of t.Parallel.
func WithSettingsChanges() MockOption { return func(c *mockConfig) { c.settings = true } }

// Sequential declares that a test changing settings (WithSettingsChanges)
// does not call t.Parallel: in live mode it runs alone, as ParallelOnMock's
// tests do.
func Sequential(t *testing.T) { sequentialInLive.Store(t.Name(), true) }

// sequentialInLive are the tests that called ParallelOnMock or Sequential.
var sequentialInLive sync.Map

// ParallelOnMock is t.Parallel for a test that changes settings
// (WithSettingsChanges): against the mock it runs in parallel with the
// others; in live mode it runs alone, before the package's parallel tests,
// so that it waits for other packages' live tests without holding a slot
// that a test it waits for needs (which would deadlock).
func ParallelOnMock(t *testing.T) {
	t.Helper()
	sequentialInLive.Store(t.Name(), true)
	if !IsLive() {
		t.Parallel()
	}
}

// NewGitLab returns the GitLab the test runs against: a new in-process mock
// coordinator built with opts, or in live mode the environment's GitLab,
// after skipping when an option needs the mock (its capability is named).
func NewGitLab(t testing.TB, opts ...MockOption) *GitLab {
	t.Helper()
	settings, err := live()
	if err != nil {
		t.Fatalf("acctest: %v", err)
	}
	cfg := newMockConfig(opts)
	if settings == nil {
		return startMock(t, cfg).gitlab()
	}
	if len(cfg.needs) > 0 {
		skipLive(t, "needs "+joinCapabilities(cfg.needs))
	}
	if _, ok := sequentialInLive.Load(t.Name()); cfg.settings && !ok {
		t.Fatal("acctest: a test with WithSettingsChanges runs alone in live mode: call acctest.ParallelOnMock(t) instead of t.Parallel() (or acctest.Sequential(t) in a test that is not parallel)")
	}
	g := startLive(t, settings, cfg)
	if cfg.atLeast != "" {
		g.requireVersion(t, cfg.atLeast)
	}
	return g
}

// requireVersion skips the test unless the live GitLab is version least or
// later (Enterprise Edition too when least says so).
func (g *GitLab) requireVersion(t testing.TB, least string) {
	t.Helper()
	info, err := g.rest.object(context.Background(), "/version")
	if err != nil {
		t.Fatalf("acctest: GET /version: %v", err)
	}
	raw, _ := info["version"].(string)
	have, want := store.ParseVersion(raw), store.ParseVersion(least)
	if !have.AtLeast(want.Major, want.Minor) || (want.Enterprise && !have.Enterprise) {
		skipLive(t, fmt.Sprintf("needs GitLab %s or later (this one is %s)", least, raw))
	}
}

func startLive(t testing.TB, settings *LiveSettings, cfg *mockConfig) *GitLab {
	t.Helper()
	g := &GitLab{live: settings, prefix: nextTestPrefix(), settings: cfg.settings,
		rest: newRESTClient(settings.BaseURL, settings.Token, nil)}
	unlock, err := lockFile(liveLockPath(settings.BaseURL), cfg.settings)
	if err != nil {
		t.Fatalf("acctest: live-mode lock: %v", err)
	}
	t.Cleanup(unlock)
	if cfg.opts.TLS {
		g.front = startTLSFront(t, settings.BaseURL, g.prefix, cfg.settings, cfg.opts.ClientCerts)
	} else {
		g.front = startFront(t, settings.BaseURL, g.prefix, cfg.settings)
	}
	g.front.latency = cfg.opts.Latency
	if cfg.logTo != io.Discard && cfg.logTo != nil {
		g.front.stats = mockcoordinator.NewStats(cfg.logTo)
	}
	if cfg.settings {
		g.restoreSettingsAtEnd(t)
	}
	t.Cleanup(func() { g.cleanup(t) })
	t.Logf("live mode: %s, this test's prefix %q", settings.BaseURL, g.prefix)
	return g
}

// GitLab is the mock as the GitLab under test, for tests that start a mock
// themselves (StartMock) and use helpers written for a GitLab.
func (m *Mock) GitLab() *GitLab { return m.gitlab() }

// gitlab is the GitLab of a mock (made once): checks through the mock's API
// handler, no prefix.
func (m *Mock) gitlab() *GitLab {
	m.viewOnce.Do(func() {
		m.view = &GitLab{mock: m, rest: newRESTClient(m.URL(), m.adminToken(), inProcessClient(api.NewHandler(m.Store())))}
	})
	return m.view
}

// adminToken is an administrator's token of the mock: the standard seed's,
// or the first of an administrator of a seed file ("" when there is none).
func (m *Mock) adminToken() string {
	if m.Seed.AdminToken != "" {
		return m.Seed.AdminToken
	}
	if m.SeedSpec != nil {
		for _, u := range m.SeedSpec.Users {
			if u.Admin && len(u.Tokens) > 0 {
				return u.Tokens[0].Token
			}
		}
	}
	return ""
}

// Live reports whether the test runs against a live GitLab.
func (g *GitLab) Live() bool { return g.live != nil }

// Mock returns the in-process mock coordinator for what only it offers; in
// live mode it skips the test, naming what it needs.
func (g *GitLab) Mock(t testing.TB, needs ...Capability) *Mock {
	t.Helper()
	g.SkipLive(t, needs...)
	return g.mock
}

// SkipLive skips the test (or subtest) in live mode, naming what it needs.
func (g *GitLab) SkipLive(t testing.TB, needs ...Capability) {
	t.Helper()
	if g.Live() {
		SkipLive(t, needs...)
	}
}

// SkipLive skips the test in live mode, naming what it needs of the mock
// (the in-process mock itself when needs is empty); call it first in a test
// that only runs against the mock.
func SkipLive(t testing.TB, needs ...Capability) {
	t.Helper()
	if !IsLive() {
		return
	}
	if len(needs) == 0 {
		needs = []Capability{InProcessMock}
	}
	skipLive(t, "needs "+joinCapabilities(needs))
}

// StepNeeds is a TestStep.SkipFunc: in live mode the step is skipped (and
// the test logs which and why); the other steps run.
func (g *GitLab) StepNeeds(t testing.TB, needs ...Capability) func() (bool, error) {
	return func() (bool, error) {
		if !g.Live() {
			return false, nil
		}
		t.Logf("live mode: step skipped: needs %s", joinCapabilities(needs))
		return true, nil
	}
}

func joinCapabilities(needs []Capability) string {
	parts := make([]string, len(needs))
	for i, c := range needs {
		parts[i] = string(c)
	}
	return strings.Join(parts, "; ")
}

// Now is the GitLab's clock: the mock's (inject it into the provider with
// providertest.Factories(g.Now)), or the wall clock in live mode.
func (g *GitLab) Now() time.Time {
	if g.mock != nil {
		return g.mock.Now()
	}
	return time.Now().UTC()
}

// URL is the base URL the provider and the test's own clients use: the mock,
// or in live mode the test's front before GitLab.
func (g *GitLab) URL() string {
	if g.mock != nil {
		return g.mock.URL()
	}
	return g.front.url
}

// APIURL is URL() + "/api/v4".
func (g *GitLab) APIURL() string { return g.URL() + "/api/v4" }

// ProviderBlock returns a provider configuration for this GitLab
// authenticated with token: base_url, token, retries = 2 (and cacert_file
// against a mock with TLS).
func (g *GitLab) ProviderBlock(token string) string {
	if g.mock != nil {
		return g.mock.ProviderBlock(token)
	}
	return providerBlock(g.front.url, token, g.front.caFile, "", "")
}

// ProviderBlockWithClientCert is ProviderBlock plus client_cert and
// client_key of a certificate the CA of the test's server (the mock, or the
// front) issues. It needs WithTLS or WithClientCerts.
func (g *GitLab) ProviderBlockWithClientCert(t testing.TB, token string) string {
	t.Helper()
	if g.mock != nil {
		return g.mock.ProviderBlockWithClientCert(t, token)
	}
	if g.front.ca == nil {
		t.Fatal("acctest: ProviderBlockWithClientCert needs WithTLS or WithClientCerts")
	}
	cert, key, err := g.front.ca.IssueClientCert(t.TempDir())
	if err != nil {
		t.Fatalf("acctest: %v", err)
	}
	return providerBlock(g.front.url, token, g.front.caFile, cert, key)
}

// CAFile is the CA file of the test's HTTPS server (WithTLS): the mock's,
// or in live mode the front's.
func (g *GitLab) CAFile() string {
	if g.mock != nil {
		return g.mock.CAFile()
	}
	return g.front.caFile
}

// Name is a description for something the test creates: s itself against
// the mock; in live mode s behind the test's prefix, which the front insists
// on and the cleanup looks for.
func (g *GitLab) Name(s string) string { return g.prefix + s }

// Prefix is the test's prefix ("" against the mock).
func (g *GitLab) Prefix() string { return g.prefix }

// Faults are the faults injected into the provider's requests: the mock's,
// or in live mode the front's (the same kinds, the same routes).
func (g *GitLab) Faults() *mockcoordinator.Faults {
	if g.mock != nil {
		return g.mock.Faults()
	}
	return g.front.faults
}

// EndFaults clears the faults and waits until no request they held is still
// on its way: a request a latency fault delayed reaches GitLab when its delay
// ends, even after its client gave up (and the provider exited), and would
// land in the middle of whatever the test does next.
func (g *GitLab) EndFaults(t *testing.T) {
	t.Helper()
	g.Faults().Clear()
	testwait.Until(t, time.Minute, "the requests the faults held to end", func() bool {
		return g.Faults().InFlight() == 0
	})
}

// Stats counts the requests the provider (and anything else using URL)
// sent: the mock's, or in live mode the front's. The checks' requests are
// never counted.
func (g *GitLab) Stats() *mockcoordinator.Stats {
	if g.mock != nil {
		return g.mock.Stats()
	}
	return g.front.stats
}

// OperationRequests is the request count per route without the provider's
// token checks (TokenCheckRoutes), and their total.
func (g *GitLab) OperationRequests() (byRoute map[string]int, total int) {
	byRoute = g.Stats().RequestsByRoute()
	for _, route := range TokenCheckRoutes {
		delete(byRoute, route)
	}
	for _, n := range byRoute {
		total += n
	}
	return byRoute, total
}

// AdminToken is an administrator's token: the seed's, or GITLAB_TOKEN (the
// test skips when it is not an administrator's).
func (g *GitLab) AdminToken(t testing.TB) string {
	t.Helper()
	if g.mock != nil {
		return g.mock.adminToken()
	}
	g.adminOnce.Do(func() { g.admin, g.adminErr = g.rest.isAdmin(context.Background()) })
	if g.adminErr != nil {
		t.Fatalf("acctest: asking GET /user whether %s is an administrator's: %v", TokenEnv, g.adminErr)
	}
	if !g.admin {
		skipLive(t, "needs an administrator's token: "+TokenEnv+" is not one")
	}
	return g.live.Token
}

// OwnerToken is a token that may create and manage the group's and the
// projects' runners: the seed's group Owner, or GITLAB_TOKEN.
func (g *GitLab) OwnerToken(t testing.TB) string {
	t.Helper()
	if g.mock != nil {
		return g.mock.Seed.Group.OwnerToken
	}
	return g.live.Token
}

// NonAdminToken is a token of a user who is no administrator and no member
// of the group: the seed's plain user, or GITLABRUNNER_TEST_NON_ADMIN_TOKEN
// (the test skips without it).
func (g *GitLab) NonAdminToken(t testing.TB) string {
	t.Helper()
	if g.mock != nil {
		return g.mock.Seed.NonAdminToken
	}
	if g.live.NonAdminToken == "" {
		skipLive(t, "needs "+NonAdminTokenEnv+" (a token of a user who is neither an administrator nor a member of the group)")
	}
	return g.live.NonAdminToken
}

// GroupID is the tests' top-level group: the seed's, or
// GITLABRUNNER_TEST_GROUP_ID (the test skips without it).
func (g *GitLab) GroupID(t testing.TB) int64 {
	t.Helper()
	if g.mock != nil {
		return g.mock.Seed.Group.ID
	}
	if g.live.GroupID == 0 {
		skipLive(t, "needs "+GroupIDEnv+" (a top-level group the tests may use)")
	}
	return g.live.GroupID
}

// ProjectID is project i (from 0) of the group: the seed's, or the i-th of
// GITLABRUNNER_TEST_PROJECT_IDS (the test skips when there are not enough).
func (g *GitLab) ProjectID(t testing.TB, i int) int64 {
	t.Helper()
	if g.mock != nil {
		if i >= len(g.mock.Seed.Projects) {
			t.Fatalf("acctest: the mock's seed has %d projects, the test wants project %d", len(g.mock.Seed.Projects), i)
		}
		return g.mock.Seed.Projects[i].ID
	}
	if i >= len(g.live.ProjectIDs) {
		skipLive(t, fmt.Sprintf("needs %d projects in %s (it has %d)", i+1, ProjectIDsEnv, len(g.live.ProjectIDs)))
	}
	return g.live.ProjectIDs[i]
}

// projectIDs are the projects the checks list runners of (live mode).
func (g *GitLab) projectIDs() []int64 {
	if g.live != nil {
		return g.live.ProjectIDs
	}
	return nil
}

func (g *GitLab) groupID() int64 {
	if g.live != nil {
		return g.live.GroupID
	}
	return 0
}

// Seed is the mock's standard seed, for the values of steps and subtests
// that only run against the mock (StepNeeds, SkipLive with SeededUsers):
// in live mode it is empty.
func (g *GitLab) Seed() store.Seed {
	if g.mock != nil {
		return g.mock.Seed
	}
	return store.Seed{}
}

// MemberToken is a token of a user with at least a role, for tests of what
// that role may do: the seed's token of that role (pick chooses it), or in
// live mode GITLAB_TOKEN, an administrator's, who may do it too. Live mode
// has no user of each role: what a role may not do is tested against the
// mock only (SeededUsers).
func (g *GitLab) MemberToken(t testing.TB, pick func(store.Seed) string) string {
	t.Helper()
	if g.mock != nil {
		return pick(g.mock.Seed)
	}
	return g.AdminToken(t)
}

// MockCheck is a check that only the mock can make (it reads the store, its
// clock…): against the mock it runs check; in live mode it passes, logging
// that it was left out and why.
func (g *GitLab) MockCheck(t testing.TB, need Capability, check func(m *Mock) error) func(*terraform.State) error {
	return func(*terraform.State) error {
		if g.mock == nil {
			t.Logf("live mode: check left out: needs %s", need)
			return nil
		}
		return check(g.mock)
	}
}

// OnMock is a TestStep.PreConfig that runs f against the mock, and does
// nothing in live mode (terraform-plugin-testing runs PreConfig before it
// asks SkipFunc: pair it with StepNeeds).
func (g *GitLab) OnMock(f func(m *Mock)) func() {
	return func() {
		if g.mock != nil {
			f(g.mock)
		}
	}
}

// UpdateInstanceSettings changes the instance's application settings
// outside Terraform (PUT /application/settings as an administrator). The
// test must declare WithSettingsChanges: in live mode the settings are put
// back when it ends.
func (g *GitLab) UpdateInstanceSettings(t testing.TB, params map[string]any) {
	t.Helper()
	if g.live != nil && !g.settings {
		t.Fatal("acctest: UpdateInstanceSettings needs NewGitLab(t, acctest.WithSettingsChanges())")
	}
	g.AdminToken(t) // skips when GITLAB_TOKEN is no administrator's
	if err := g.rest.call(context.Background(), "PUT", "/application/settings", params, nil); err != nil {
		t.Fatalf("acctest: changing the instance's settings: %v", err)
	}
}

// UpdateSettings changes a group's or a project's settings outside
// Terraform (PUT path as an administrator: "/groups/12", "/projects/34"), as
// someone would in GitLab's UI. The test must declare WithSettingsChanges:
// in live mode the test group's and projects' settings are put back when it
// ends.
func (g *GitLab) UpdateSettings(t testing.TB, path string, params map[string]any) {
	t.Helper()
	if g.live != nil && !g.settings {
		t.Fatal("acctest: UpdateSettings needs NewGitLab(t, acctest.WithSettingsChanges())")
	}
	if err := g.rest.call(context.Background(), "PUT", path, params, nil); err != nil {
		t.Fatalf("acctest: PUT %s: %v", path, err)
	}
}

// Object reads one object of GitLab's REST API as an administrator (GET
// path: "/projects/34", "/groups/12"), numbers as json.Number.
func (g *GitLab) Object(path string) (map[string]any, error) {
	return g.rest.object(context.Background(), path)
}

// GraphQL runs a GraphQL query as an administrator and decodes its data
// into out (for what GitLab has no REST API for, such as a group's
// allowStaleRunnerPruning). A mutation changes GitLab outside Terraform: in
// live mode the test must put back what it changes (t.Cleanup).
func (g *GitLab) GraphQL(query string, vars map[string]any, out any) error {
	return g.rest.graphQL(context.Background(), query, vars, out)
}

// NeedsVersion skips the test in live mode unless GitLab is version least
// or later (Enterprise Edition too when least says so), naming both
// versions. Against the mock it does nothing: the test chose the mock's
// version (RequireVersion sets it as well).
func (g *GitLab) NeedsVersion(t testing.TB, least string) {
	t.Helper()
	if g.live != nil {
		g.requireVersion(t, least)
	}
}
