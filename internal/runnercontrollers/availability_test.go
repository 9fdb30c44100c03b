package runnercontrollers

import (
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

func data(t *testing.T, m *acctest.Mock, token string) *providerdata.Data {
	t.Helper()
	c, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: token, Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return &providerdata.Data{Client: c}
}

// TestCheckTellsWhatIsMissing: GitLab's 403 and 404 (lib/api/ci/runner_controllers.rb:
// authenticated_as_admin!, then the licence; no route before 18.9 or on the
// Community Edition) become the problem that names what is missing; runner
// scopes need 18.10 even where controllers work.
func TestCheckTellsWhatIsMissing(t *testing.T) {
	for _, c := range []struct {
		version    string
		unlicensed bool
		user       bool
		need       Need
		summary    string
	}{
		{"19.1.0-ee", false, false, Controllers, ""},
		{"18.10.0-ee", false, false, RunnerScopes, ""},
		{"18.9.0-ee", false, false, RunnerScopes, "Runner Scopes Not Available on This GitLab"},
		{"18.8.0-ee", false, false, Controllers, "Runner Controllers Not Available on This GitLab"},
		{"19.1.0", false, false, Controllers, "Runner Controllers Not Available on This GitLab"},
		{"19.1.0-ee", true, false, Controllers, "Runner Controllers Not Licensed"},
		{"19.1.0-ee", false, true, Controllers, "Runner Controllers Need an Administrator"},
		{"19.1.0-ee", false, false, Controllers, "Access Token Not Accepted"}, // an unknown token (401)
	} {
		m := acctest.StartMock(t, acctest.WithVersion(c.version))
		m.Store().SetRunnerControllersLicensed(!c.unlicensed)
		token := m.Seed.AdminToken
		if c.user {
			token = m.Seed.NonAdminToken
		}
		if c.summary == "Access Token Not Accepted" {
			token = "glpat-unknown-token-0000000"
		}
		p := Check(t.Context(), data(t, m, token), c.need)
		switch {
		case c.summary == "" && p != nil:
			t.Errorf("%s: %s: %s", c.version, p.Summary, p.Detail())
		case c.summary != "" && (p == nil || p.Summary != c.summary):
			t.Errorf("%s (need %d): problem %+v, want %q", c.version, c.need, p, c.summary)
		}
	}
}

// TestCheckAsksOnce: one answer per provider process, also for callers that
// come meanwhile; an answer that is not GitLab's about runner controllers
// (a 502) is not kept.
func TestCheckAsksOnce(t *testing.T) {
	m := acctest.StartMock(t, acctest.WithVersion("18.8.0-ee"))
	d := data(t, m, m.Seed.AdminToken)
	m.Faults().Add(mockcoordinator.Fault{Route: "GET /version", Kind: mockcoordinator.FaultStatus, Status: 502, Times: 1})
	if p := Check(t.Context(), d, Controllers); p == nil || !strings.Contains(p.Advice, "could not read the server's version") {
		t.Fatalf("with GET /version failing: %+v", p)
	}
	done := make(chan *Problem)
	for range 5 {
		go func() { done <- Check(t.Context(), d, Controllers) }()
	}
	for range 5 {
		select {
		case p := <-done:
			if p == nil || p.Summary != "Runner Controllers Not Available on This GitLab" {
				t.Fatalf("problem %+v", p)
			}
		case <-time.After(time.Minute):
			t.Fatal("timed out")
		}
	}
	if n := m.Stats().Requests("GET /version"); n != 2 {
		t.Fatalf("GET /version asked %d times, want 2 (the failed one, then once)", n)
	}
}
