package userrunner_test

// Helpers of the reliability tests (reliability_*_test.go): a provider with
// a short per-attempt request timeout, a fleet configuration, and fault
// bookkeeping.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const userRunnerType = "gitlabrunner_user_runner"

// shortRequestTimeout is the per-attempt request timeout of the reliability
// tests' provider: latency faults longer than this make attempts time out.
const shortRequestTimeout = time.Second

// shortTimeoutFactories serves the provider with the mock's clock and a short
// per-attempt request timeout (the real default is a minute). Retry counts
// and waits are the provider's defaults.
func shortTimeoutFactories(now func() time.Time) map[string]func() (tfprotov6.ProviderServer, error) {
	return providertest.FactoriesWithClient(now, func(c *gitlabapi.Config) { c.RequestTimeout = shortRequestTimeout })
}

// defaultRetriesProvider is a provider block for the GitLab under test with
// the provider's default retries (ProviderBlock pins retries = 2).
func defaultRetriesProvider(g *acctest.GitLab, token string) string {
	return fmt.Sprintf("provider \"gitlabrunner\" {\n  base_url = %q\n  token    = %q\n}\n", g.URL(), token)
}

// fleetConfig is n group runners (count: terraform-plugin-testing's state
// shim does not support for_each keys). Every runner carries two tags and
// the rotation trigger generation gen.
func fleetConfig(t *testing.T, g *acctest.GitLab, n int, description string, gen int) string {
	return defaultRetriesProvider(g, g.OwnerToken(t)) + fmt.Sprintf(`
resource "gitlabrunner_user_runner" "fleet" {
  count             = %d
  runner_type       = "group_type"
  group_id          = %d
  description       = format("%s r%%03d", count.index)
  tag_list          = ["fleet", format("r%%03d", count.index)]
  rotation_triggers = { generation = "%d" }
}
`, n, g.GroupID(t), g.Name(description), gen)
}

// faultCase is a TestCase against g with the reliability provider; after the
// last step everything must be gone from GitLab.
func faultCase(t *testing.T, g *acctest.GitLab, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: shortTimeoutFactories(g.Now),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps:                    steps,
	}
}

// addFaults registers faults, after clearing the ones left by an earlier step.
func addFaults(g *acctest.GitLab, faults ...mockcoordinator.Fault) {
	g.Faults().Clear()
	for _, f := range faults {
		g.Faults().Add(f)
	}
}

// faultCounter tracks the mock's injected-fault counter across steps.
type faultCounter struct {
	g    *acctest.GitLab
	last int
}

// since returns how many faults fired since the previous call.
func (c *faultCounter) since() int {
	n := c.g.Faults().Injected()
	d := n - c.last
	c.last = n
	return d
}

// checkAllFired fails when some registered fault did not fire its Times:
// a scenario that injected less than it claims proves less.
func checkAllFired(g *acctest.GitLab) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var left []string
		for _, f := range g.Faults().Active() {
			if f.Times > 0 && f.Probability == 0 {
				left = append(left, fmt.Sprintf("%s %s (%d left)", f.Kind, f.Route, f.Times))
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("faults that never fired: %s", strings.Join(left, ", "))
		}
		return nil
	}
}

// checkRequests compares the provider's request counts per route.
func checkRequests(g *acctest.GitLab, want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var problems []string
		for route, n := range want {
			if got := g.Stats().Requests(route); got != n {
				problems = append(problems, fmt.Sprintf("%s: %d requests, want %d", route, got, n))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("request counts: %s", strings.Join(problems, "; "))
		}
		return nil
	}
}

// checkRunnerCount wants exactly n runners of the test in GitLab.
func checkRunnerCount(g *acctest.GitLab, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ids, err := g.RunnerIDsErr()
		if err != nil {
			return err
		}
		if len(ids) != n {
			return fmt.Errorf("GitLab holds %d runners of the test, want %d", len(ids), n)
		}
		return nil
	}
}

// scopeListRoutes are the lists the provider sends once per scope and
// provider process that touches the scope, to find runners left by creates
// that never finished (recovery.go): not a cost per runner.
var scopeListRoutes = []string{"GET /groups/:id/runners", "GET /projects/:id/runners", "GET /runners/all"}

// recoveryReads is how many of byRoute's requests are the provider's look
// for runners left by unfinished creates: the scope lists, and in live mode,
// where the test group is shared with the tests running meanwhile, the
// reads that judge the runners there that look like such runners (other
// tests' creates under way, their planted markers): their managers and the
// token's user (their details are GET /runners/:id, which the callers count
// apart).
func recoveryReads(g *acctest.GitLab, byRoute map[string]int) int {
	n := scopeLists(byRoute)
	if g.Live() {
		n += byRoute["GET /runners/:id/managers"] + byRoute["GET /user"]
	}
	return n
}

// scopeLists is how many of byRoute's requests are scopeListRoutes.
func scopeLists(byRoute map[string]int) int {
	n := 0
	for _, route := range scopeListRoutes {
		n += byRoute[route]
	}
	return n
}
