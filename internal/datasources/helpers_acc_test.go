package datasources_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// Note for the acceptance tests: provider aliases with different tokens or
// servers do not work in terraform-plugin-testing, because every alias talks to
// the same in-process provider server and the last Configure wins. Tests
// therefore use one step per token or server.

func itoa(n int64) string { return fmt.Sprint(n) }

// newGitLab is acctest.NewGitLab plus, against the mock, a 2 s pause before
// it closes.
//
// Workaround: Go's transport sometimes dials a spare connection while
// Terraform reads several data sources at once and then never uses it. The
// server sees it in StateNew, and http.Server.Shutdown counts such a
// connection as idle only once it is 5–6 s old, while the mock's Close gives
// Shutdown 5 s and reports "shutdown: context deadline exceeded", failing the
// test. The pause (a cleanup registered after the mock's, so it runs first)
// lets the connection age. Remove it once Server.Close force-closes after a
// short graceful shutdown.
func newGitLab(t *testing.T, opts ...acctest.MockOption) *acctest.GitLab {
	t.Helper()
	g := acctest.NewGitLab(t, opts...)
	if !g.Live() {
		t.Cleanup(func() { time.Sleep(2 * time.Second) })
	}
	return g
}

// startMockFor is newGitLab for the tests that only run against the mock,
// saying what they need of it.
func startMockFor(t *testing.T, needs acctest.Capability, opts ...acctest.MockOption) *acctest.Mock {
	t.Helper()
	acctest.SkipLive(t, needs)
	return newGitLab(t, opts...).Mock(t, needs)
}

// unknownRunner is an id no runner has on a test GitLab.
const unknownRunner = 2147483647

// createdAt is the check of a creation time: the mock's start time against
// the mock (its clock stands still), any time in live mode; null from a
// GitLab before 18.0, which shows no creation time.
func createdAt(t *testing.T, g *acctest.GitLab, at time.Time) knownvalue.Check {
	t.Helper()
	if !g.Live() {
		return knownvalue.StringExact(at.UTC().Format(time.RFC3339))
	}
	if !g.Version(t).ShowsRunnerCreatedAt() {
		return knownvalue.Null()
	}
	return knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))
}

// createdBy is the check of the creator of a runner that token created: its
// user (root, against the mock's administrator); null from a GitLab before
// 18.0, which shows no creator.
func createdBy(t *testing.T, g *acctest.GitLab, token string) knownvalue.Check {
	t.Helper()
	if !g.Version(t).ShowsRunnerCreator() {
		return knownvalue.Null()
	}
	u := g.CurrentUser(t, token)
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": knownvalue.Int64Exact(u.ID), "username": knownvalue.StringExact(u.Username)})
}
