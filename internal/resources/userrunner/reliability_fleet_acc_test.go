package userrunner_test

// Fleet-sized reliability tests: hundreds of runners in one apply under
// injected faults. What they prove is the provider's, so they run once per
// suite (acctest.CLIIndependent: on the pinned Terraform); keep them lean
// (no latency, short Retry-After).

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
)

// TestAccReliability_ambiguousCreateFleet: 300 runners in one apply, where
// most create requests are applied by GitLab but their answer is lost (502
// or a dropped connection). Every one of them must be adopted: exactly 300
// runners and 300 POSTs in the mock, one token reset per lost answer, at
// least 200 injected ambiguous failures, no orphan, no duplicate, every
// token valid; and the destroy removes them all.
func TestAccReliability_ambiguousCreateFleet(t *testing.T) {
	acctest.CLIIndependent(t, "a 300-runner fleet: the provider's adoption of creates whose answer was lost")
	t.Parallel()
	const runners = 300
	g := acctest.NewGitLab(t)
	g.Faults().Seed(20260101)
	start := time.Now()
	resource.Test(t, faultCase(t, g,
		resource.TestStep{
			PreConfig: func() {
				addFaults(g,
					fault{Route: routeCreate, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Probability: 0.45, Times: 130},
					fault{Route: routeCreate, Kind: mockcoordinator.FaultApplyThenDrop, Probability: 0.75, Times: 130},
				)
			},
			Config: fleetConfig(t, g, runners, "fleet", 1),
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					injected := g.Faults().Injected()
					t.Logf("ambiguous create fleet: %d runners, %d injected ambiguous create failures, apply took %s",
						runners, injected, time.Since(start).Round(time.Second))
					if injected < 200 {
						return fmt.Errorf("only %d ambiguous failures were injected, want at least 200", injected)
					}
					// No blind re-send: one POST per runner. One reset per
					// adoption, i.e. per injected failure.
					return checkRequests(g, map[string]int{routeCreate: runners, routeReset: injected})(nil)
				},
				checkRunnerCount(g, runners),
				g.CheckAgreement(t, userRunnerType),
			),
		},
	))
}

// TestAccReliability_load: 500 runners created and destroyed while about
// one request in ten is answered 429 (Retry-After: 1) or 5xx. Creates and
// deletes whose 5xx comes after GitLab applied them are the ambiguous kind.
func TestAccReliability_load(t *testing.T) {
	acctest.CLIIndependent(t, "a 500-runner fleet: the provider's retries under 429 and 5xx")
	t.Parallel()
	const runners = 500
	g := acctest.NewGitLab(t)
	g.Faults().Seed(500)
	var faults []mockcoordinator.Fault
	rateLimit := func(route string, p float64) mockcoordinator.Fault {
		return fault{Route: route, Kind: mockcoordinator.FaultRateLimit, RetryAfter: time.Second, Probability: p}
	}
	serverError := func(route string, status int, p float64) mockcoordinator.Fault {
		return fault{Route: route, Kind: mockcoordinator.FaultStatus, Status: status, Probability: p}
	}
	for _, route := range []string{routeGet, routePut, routeList} {
		faults = append(faults, rateLimit(route, 0.05),
			serverError(route, 500, 0.02), serverError(route, 502, 0.02), serverError(route, 503, 0.01))
	}
	faults = append(faults,
		rateLimit(routeCreate, 0.05),
		fault{Route: routeCreate, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Probability: 0.05},
		rateLimit(routeReset, 0.10),
		rateLimit(routeDelete, 0.05),
		serverError(routeDelete, 503, 0.03),
		fault{Route: routeDelete, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Probability: 0.02},
	)
	start := time.Now()
	var afterApply int
	resource.Test(t, faultCase(t, g,
		resource.TestStep{
			PreConfig: func() { addFaults(g, faults...) },
			Config:    fleetConfig(t, g, runners, "load", 1),
			Check: resource.ComposeTestCheckFunc(
				checkRunnerCount(g, runners),
				g.CheckAgreement(t, userRunnerType),
				func(*terraform.State) error {
					afterApply = g.Faults().Injected()
					// The provider's requests: not the agreement check's verifies.
					n := g.Stats().TotalRequests() - g.Stats().Requests("POST /runners/verify")
					t.Logf("load: %d runners applied in %s, %d provider requests (%v), %d faults injected (%.1f%%)",
						runners, time.Since(start).Round(time.Second), n, g.Stats().RequestsByRoute(),
						afterApply, 100*float64(afterApply)/float64(n))
					if afterApply < n/12 {
						return fmt.Errorf("only %d faults injected in %d requests, want about 10%%", afterApply, n)
					}
					return nil
				},
			),
		},
		// Destroy with the same faults: everything goes.
		resource.TestStep{
			Config: defaultRetriesProvider(g, g.OwnerToken(t)),
			Check: resource.ComposeTestCheckFunc(
				checkRunnerCount(g, 0),
				g.CheckAgreement(t, userRunnerType),
				func(*terraform.State) error {
					t.Logf("load: destroyed; %d faults injected during destroy, %d in all, %s in all",
						g.Faults().Injected()-afterApply, g.Faults().Injected(), time.Since(start).Round(time.Second))
					return nil
				},
			),
		},
	))
}
