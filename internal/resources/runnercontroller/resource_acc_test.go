package runnercontroller_test

// Acceptance tests of gitlabrunner_runner_controller against the mock
// coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/runnercontroller -v

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const address = "gitlabrunner_runner_controller.gate"

func config(g *acctest.GitLab, token, body string) string {
	return g.ProviderBlock(token) + "resource \"gitlabrunner_runner_controller\" \"gate\" {\n" + body + "\n}\n"
}

// newGitLab is the GitLab of a test of runner controllers: the mock
// emulating version (an Enterprise Edition with the licence), or in live
// mode a GitLab that has them (Enterprise Edition 18.9+, Ultimate).
func newGitLab(t *testing.T, version string) *acctest.GitLab {
	g := acctest.NewGitLab(t, acctest.RequireVersion("18.9.0-ee"), acctest.WithMockVersion(version))
	g.NeedsRunnerControllers(t)
	return g
}

// inGitLab checks GitLab's controller of the state.
func inGitLab(g *acctest.GitLab, check func(acctest.RunnerController) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := strconv.ParseInt(s.RootModule().Resources[address].Primary.ID, 10, 64)
		if err != nil {
			return err
		}
		c, found, err := g.RunnerController(id)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("runner controller %d is not in GitLab", id)
		}
		return check(c)
	}
}

func wantController(description, state string) func(acctest.RunnerController) error {
	return func(c acctest.RunnerController) error {
		if c.Description != description || c.State != state {
			return fmt.Errorf("GitLab's controller has description %q and state %q, want %q and %q", c.Description, c.State, description, state)
		}
		return nil
	}
}

// createdAt is the check of a creation time: the mock's start time, any
// time in live mode.
func createdAt(g *acctest.GitLab) knownvalue.Check {
	if g.Live() {
		return knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))
	}
	return knownvalue.StringExact("2026-01-01T00:00:00Z")
}

func plans(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, action)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

// TestAccRunnerController: create, update in place (a description removed
// from the configuration is cleared), import, drift changed and deleted
// outside Terraform, destroy.
func TestAccRunnerController(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := newGitLab(t, "19.1.0-ee")
	admin := g.AdminToken(t)
	gate := g.Name("gate")
	// The update: against the mock the description leaves the
	// configuration and is cleared. In live mode it keeps the test's mark
	// (the test's front refuses a description without it, which the
	// sweeper could not find): it changes instead.
	updated, wantDescription := "  state = \"enabled\"", ""
	if g.Live() {
		wantDescription = g.Name("")
		updated = fmt.Sprintf("  description = %q\n%s", wantDescription, updated)
	}
	var firstID string
	controllerPath := func() string { return "/runner_controllers/" + firstID }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnerControllersLeft(),
		Steps: []resource.TestStep{
			{
				Config:           config(g, admin, fmt.Sprintf("  description = %q\n  state = \"dry_run\"", gate)),
				ConfigPlanChecks: plans(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("state"), knownvalue.StringExact("dry_run")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("created_at"), createdAt(g)),
				},
				Check: resource.ComposeTestCheckFunc(inGitLab(g, wantController(gate, "dry_run")),
					resource.TestCheckResourceAttrWith(address, "id", func(v string) error { firstID = v; return nil })),
			},
			{
				Config:           config(g, admin, updated),
				ConfigPlanChecks: plans(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("description"), knownvalue.StringExact(wantDescription)),
				},
				Check: resource.ComposeTestCheckFunc(inGitLab(g, wantController(wantDescription, "enabled")),
					resource.TestCheckResourceAttrPtr(address, "id", &firstID)),
			},
			{ResourceName: address, ImportState: true, ImportStateVerify: true},
			{
				// Changed outside Terraform: the plan sets it back.
				PreConfig:        func() { g.Call(t, http.MethodPut, controllerPath(), map[string]any{"state": "disabled"}) },
				Config:           config(g, admin, updated),
				ConfigPlanChecks: plans(plancheck.ResourceActionUpdate),
				Check:            inGitLab(g, wantController(wantDescription, "enabled")),
			},
			{
				// Deleted outside Terraform: it leaves the state, and the plan creates a new one.
				PreConfig:        func() { g.Call(t, http.MethodDelete, controllerPath(), nil) },
				Config:           config(g, admin, updated),
				ConfigPlanChecks: plans(plancheck.ResourceActionCreate),
				Check: resource.TestCheckResourceAttrWith(address, "id", func(v string) error {
					if v == firstID {
						return fmt.Errorf("the new controller has the deleted one's id %s", v)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccRunnerController_refused: at plan time, with what is missing named:
// an older GitLab, the Community Edition, an Enterprise Edition without the
// licence (GitLab answers 404 to all three: emulated by the mock), a user
// who is no administrator (403); and a state GitLab does not know.
func TestAccRunnerController_refused(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	for _, c := range []struct {
		name, version string // version "": any GitLab with runner controllers
		unlicensed    bool
		nonAdmin      bool
		body          string
		want          *regexp.Regexp
	}{
		{"older GitLab", "18.8.0-ee", false, false, "", acctest.ErrorWith("Runner Controllers Not Available on This GitLab",
			"Runner controllers need GitLab Enterprise Edition 18.9 or later with an Ultimate licence (the licensed feature `ci_runner_controllers`; runner scopes need 18.10); the server is GitLab 18.8.0-ee (Enterprise Edition)")},
		{"Community Edition", "19.1.0", false, false, "", acctest.ErrorWith("Runner Controllers Not Available on This GitLab",
			"the server is GitLab 19.1.0 (Community Edition)")},
		{"no licence", "19.1.0-ee", true, false, "", acctest.ErrorWith("Runner Controllers Not Licensed",
			"The server, GitLab 19.1.0-ee (Enterprise Edition), has runner controllers, but its licence does not include them")},
		{"not an administrator", "", false, true, "",
			acctest.ErrorWith("Runner Controllers Need an Administrator", "GitLab answered 403 Forbidden (GET /runner_controllers). Runner controllers are for administrators only")},
		{"unknown state", "", false, false, "  state = \"on\"",
			acctest.Words(`Attribute state value must be one of: ["disabled" "enabled" "dry_run"], got: "on"`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var g *acctest.GitLab
			if c.version == "" {
				g = newGitLab(t, "19.1.0-ee")
			} else {
				g = acctest.NewGitLab(t, acctest.WithVersion(c.version))
				g.Mock(t, acctest.StoreAccess).Store().SetRunnerControllersLicensed(!c.unlicensed)
			}
			token := g.AdminToken(t)
			if c.nonAdmin {
				token = g.NonAdminToken(t)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(g.Now),
				Steps:                    []resource.TestStep{{Config: config(g, token, c.body), PlanOnly: true, ExpectError: c.want}},
			})
		})
	}
}
