package userrunner_test

// The fault matrix: every kind of failure the mock coordinator can inject,
// on every request the resource makes, through Terraform. After each step
// (with at most one more apply where the failure surfaces as an error) the
// state and the mock agree exactly: acctest.Mock.CheckAgreement.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/userrunner -run TestAccReliability -v

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

type fault = mockcoordinator.Fault

const (
	routeCreate = "POST /user/runners"
	routeGet    = "GET /runners/:id"
	routePut    = "PUT /runners/:id"
	routeDelete = "DELETE /runners/:id"
	routeReset  = "POST /runners/:id/reset_authentication_token"
	routeList   = "GET /groups/:id/runners"
)

// timeoutLatency is longer than shortRequestTimeout: the attempt times out.
const timeoutLatency = 3 * shortRequestTimeout

// waitForLateApplies gives requests that timed out on the client but are
// still held by the mock's latency fault the time to land, so that a late
// create shows up as an orphan before the agreement check.
func waitForLateApplies() resource.TestCheckFunc {
	return func(*terraform.State) error { time.Sleep(timeoutLatency); return nil }
}

// TestAccReliability_faultMatrix runs one fleet of group runners through
// create, update, rotation, refresh and destroy, each under its faults.
func TestAccReliability_faultMatrix(t *testing.T) {
	acctest.CLIIndependent(t, "the provider's retries and adoption against injected faults; every step succeeds, so no CLI's handling of a failed apply is involved")
	t.Parallel()
	g := acctest.NewGitLab(t)
	g.Faults().Seed(8)
	injected := &faultCounter{g: g}
	agree := g.CheckAgreement(t, userRunnerType)
	logInjected := func(scenario string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			t.Logf("scenario %q: %d faults injected", scenario, injected.since())
			return nil
		}
	}

	resource.Test(t, faultCase(t, g,
		// Creates whose answer is lost after GitLab applied them (502, dropped
		// connection) are adopted; a create dropped before it was applied is
		// sent again. Three runners, four POSTs, two adoptions.
		resource.TestStep{
			PreConfig: func() {
				g.Stats().Reset()
				addFaults(g,
					fault{Route: routeCreate, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1},
					fault{Route: routeCreate, Kind: mockcoordinator.FaultApplyThenDrop, Times: 1},
					fault{Route: routeCreate, Kind: mockcoordinator.FaultDrop, Times: 1},
				)
			},
			Config: fleetConfig(t, g, 3, "fleet", 1),
			Check: resource.ComposeTestCheckFunc(
				checkAllFired(g), agree, checkRunnerCount(g, 3),
				checkRequests(g, map[string]int{routeCreate: 4, routeReset: 2}),
				logInjected("apply then fail on POST /user/runners"),
			),
		},
		// Latency beyond the request timeout on the refresh, the create of a
		// fourth runner and the updates of the other three: attempts time
		// out, reads and updates are retried, the create is reconciled (it
		// lands late: the runner must be adopted, not created twice).
		resource.TestStep{
			PreConfig: func() {
				addFaults(g,
					fault{Route: routeGet, Kind: mockcoordinator.FaultLatency, Latency: timeoutLatency, Times: 2},
					fault{Route: routeCreate, Kind: mockcoordinator.FaultLatency, Latency: timeoutLatency, Times: 1},
					fault{Route: routePut, Kind: mockcoordinator.FaultLatency, Latency: timeoutLatency, Times: 1},
				)
			},
			Config: fleetConfig(t, g, 4, "fleet-b", 1),
			Check: resource.ComposeTestCheckFunc(
				checkAllFired(g), waitForLateApplies(), agree, checkRunnerCount(g, 4),
				logInjected("latency beyond the request timeout"),
			),
		},
		// Rotation whose answer is lost after the token was reset: the reset
		// is repeated, the token in state is the one GitLab accepts.
		resource.TestStep{
			PreConfig: func() {
				g.Stats().Reset()
				addFaults(g, fault{Route: routeReset, Kind: mockcoordinator.FaultApplyThenDrop, Times: 1})
			},
			Config: fleetConfig(t, g, 4, "fleet-b", 2),
			Check: resource.ComposeTestCheckFunc(
				checkAllFired(g), agree, checkRunnerCount(g, 4),
				checkRequests(g, map[string]int{routeReset: 5, routeCreate: 0}),
				logInjected("apply then fail on token reset"),
			),
		},
		// 5xx and dropped connections on reads and updates, and a 429 storm
		// (Retry-After: 1) on everything.
		resource.TestStep{
			PreConfig: func() {
				addFaults(g,
					fault{Route: routeGet, Kind: mockcoordinator.FaultStatus, Status: 500, Times: 3},
					fault{Route: routePut, Kind: mockcoordinator.FaultStatus, Status: 502, Times: 2},
					fault{Route: routePut, Kind: mockcoordinator.FaultDrop, Times: 1},
					fault{Route: routeGet, Kind: mockcoordinator.FaultDrop, Times: 1},
					fault{Route: mockcoordinator.RouteAny, Kind: mockcoordinator.FaultRateLimit, RetryAfter: time.Second, Times: 8, Probability: 0.5},
				)
			},
			Config: fleetConfig(t, g, 4, "fleet-c", 2),
			Check: resource.ComposeTestCheckFunc(
				checkAllFired(g), agree, checkRunnerCount(g, 4),
				logInjected("5xx, drops and 429 on reads and updates"),
			),
		},
		// Destroy under failing deletes: 503, applied-then-502,
		// applied-then-dropped and a timeout. DELETE is retried; a 404 after
		// an applied delete counts as deleted.
		resource.TestStep{
			PreConfig: func() {
				g.Stats().Reset()
				addFaults(g,
					fault{Route: routeDelete, Kind: mockcoordinator.FaultStatus, Status: 503, Times: 1},
					fault{Route: routeDelete, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1},
					fault{Route: routeDelete, Kind: mockcoordinator.FaultApplyThenDrop, Times: 1},
					fault{Route: routeDelete, Kind: mockcoordinator.FaultLatency, Latency: timeoutLatency, Times: 1},
				)
			},
			Config: defaultRetriesProvider(g, g.OwnerToken(t)),
			Check: resource.ComposeTestCheckFunc(
				checkAllFired(g), waitForLateApplies(), agree, checkRunnerCount(g, 0),
				logInjected("faults on DELETE"),
			),
		},
	))
	t.Logf("fault matrix: %d faults injected in total", g.Faults().Injected())
}

// TestAccReliability_createNotApplied: a create that fails twice without
// being applied (500, then a dropped connection) is an error and creates
// nothing; the next apply creates the runner once.
func TestAccReliability_createNotApplied(t *testing.T) {
	acctest.CLIIndependent(t, "the provider's rule for retrying a create; a failed create leaves nothing in state on every CLI")
	t.Parallel()
	g := acctest.NewGitLab(t)
	resource.Test(t, faultCase(t, g,
		resource.TestStep{
			PreConfig: func() {
				addFaults(g,
					fault{Route: routeCreate, Kind: mockcoordinator.FaultStatus, Status: 500, Times: 1},
					fault{Route: routeCreate, Kind: mockcoordinator.FaultDrop, Times: 1},
				)
			},
			Config:      fleetConfig(t, g, 1, "once", 1),
			ExpectError: acctest.Words("failed twice without a clear answer"),
		},
		resource.TestStep{
			Config: fleetConfig(t, g, 1, "once", 1),
			Check:  resource.ComposeTestCheckFunc(checkAllFired(g), g.CheckAgreement(t, userRunnerType), checkRunnerCount(g, 1)),
		},
	))
}

// TestAccReliability_adoptionFails: the create is applied but its answer is
// lost, and minting a token for the adopted runner fails twice with lost
// answers too. The apply fails, but the runner is in state (tainted), so the
// next apply replaces it: no orphan.
func TestAccReliability_adoptionFails(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	resource.Test(t, faultCase(t, g,
		resource.TestStep{
			PreConfig: func() {
				addFaults(g,
					fault{Route: routeCreate, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1},
					fault{Route: routeReset, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 2},
				)
			},
			Config:      fleetConfig(t, g, 1, "adopted", 1),
			ExpectError: acctest.Words("Unable to Adopt Created Runner"),
		},
		resource.TestStep{
			Config: fleetConfig(t, g, 1, "adopted", 1),
			Check:  resource.ComposeTestCheckFunc(checkAllFired(g), g.CheckAgreement(t, userRunnerType), checkRunnerCount(g, 1)),
		},
	))
}

// TestAccReliability_rotationLost: both reset requests of a rotation are
// applied but their answers lost. The apply fails and the state keeps the
// old rotation trigger, so the next apply rotates again: the token in state
// works once more.
func TestAccReliability_rotationLost(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	resource.Test(t, faultCase(t, g,
		resource.TestStep{Config: fleetConfig(t, g, 1, "rotating", 1), Check: g.CheckAgreement(t, userRunnerType)},
		resource.TestStep{
			PreConfig: func() {
				addFaults(g,
					fault{Route: routeReset, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1},
					fault{Route: routeReset, Kind: mockcoordinator.FaultApplyThenDrop, Times: 1},
				)
			},
			Config:      fleetConfig(t, g, 1, "rotating", 2),
			ExpectError: acctest.Words("Unable to Rotate Runner Token"),
		},
		resource.TestStep{
			Config: fleetConfig(t, g, 1, "rotating", 2),
			Check:  resource.ComposeTestCheckFunc(checkAllFired(g), g.CheckAgreement(t, userRunnerType), checkRunnerCount(g, 1)),
		},
	))
}

// TestAccReliability_predictableRetryBudget: the errors retrying cannot fix
// fail without long waits, with the provider's default settings: a host that
// does not exist and a port nobody listens on after 3 quick attempts (the
// error counts them; gitlabapi's tests pin the waits between them), and a
// Retry-After far beyond total_request_timeout at once (the error names the
// wait GitLab asked for, and that it was not waited).
func TestAccReliability_predictableRetryBudget(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return "http://" + l.Addr().String()
	}()
	group := func(baseURL string) string {
		return fmt.Sprintf(`provider "gitlabrunner" {
  base_url = %q
  token    = %q
}
resource "gitlabrunner_user_runner" "test" {
  runner_type = "group_type"
  group_id    = %d
  description = %q
}
`, baseURL, g.OwnerToken(t), g.GroupID(t), g.Name(""))
	}
	cases := []struct {
		name   string
		config string
		faults []fault
		want   string
	}{
		{"no such host", group("https://gitlab.invalid"), nil, "no such host (after 3 attempts)"},
		{"connection refused", group(closed), nil, "connection refused (after 3 attempts)"},
		{"Retry-After beyond the budget", group(g.URL()),
			[]fault{{Route: mockcoordinator.RouteAny, Kind: mockcoordinator.FaultRateLimit, RetryAfter: time.Hour}},
			"GitLab asked to wait 1h0m0s before trying again, more than the"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addFaults(g, tc.faults...)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: providertest.Factories(g.Now),
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: acctest.Words(tc.want)}},
			})
		})
	}
	g.Faults().Clear()
}
