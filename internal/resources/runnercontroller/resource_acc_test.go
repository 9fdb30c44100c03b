package runnercontroller_test

// Acceptance tests of gitlabrunner_runner_controller against the mock
// coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/runnercontroller -v

import (
	"fmt"
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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const address = "gitlabrunner_runner_controller.gate"

func config(m *acctest.Mock, token, body string) string {
	return m.ProviderBlock(token) + "resource \"gitlabrunner_runner_controller\" \"gate\" {\n" + body + "\n}\n"
}

// inMock checks the mock's controller of the state.
func inMock(m *acctest.Mock, check func(store.RunnerController) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := strconv.ParseInt(s.RootModule().Resources[address].Primary.ID, 10, 64)
		if err != nil {
			return err
		}
		c, ok := m.Store().RunnerController(id)
		if !ok {
			return fmt.Errorf("runner controller %d is not in the mock", id)
		}
		return check(c)
	}
}

func wantController(description, state string) func(store.RunnerController) error {
	return func(c store.RunnerController) error {
		got := ""
		if c.Description != nil {
			got = *c.Description
		}
		if got != description || c.State != state {
			return fmt.Errorf("the mock's controller has description %q and state %q, want %q and %q", got, c.State, description, state)
		}
		return nil
	}
}

// admin is the mock's administrator, to change things outside Terraform.
func admin(t *testing.T, m *acctest.Mock) *store.Caller {
	c, err := m.Store().Authenticate(m.Seed.AdminToken)
	if err != nil {
		t.Fatal(err)
	}
	return c
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
	m := acctest.StartMock(t, acctest.WithVersion("19.1.0-ee"))
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             m.CheckNoRunnerControllersLeft(),
		Steps: []resource.TestStep{
			{
				Config:           config(m, m.Seed.AdminToken, "  description = \"gate\"\n  state = \"dry_run\""),
				ConfigPlanChecks: plans(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("state"), knownvalue.StringExact("dry_run")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("created_at"), knownvalue.StringExact("2026-01-01T00:00:00Z")),
				},
				Check: resource.ComposeTestCheckFunc(inMock(m, wantController("gate", "dry_run")),
					resource.TestCheckResourceAttrWith(address, "id", func(v string) error { firstID = v; return nil })),
			},
			{
				Config:           config(m, m.Seed.AdminToken, "  state = \"enabled\""),
				ConfigPlanChecks: plans(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
				Check: resource.ComposeTestCheckFunc(inMock(m, wantController("", "enabled")),
					resource.TestCheckResourceAttrPtr(address, "id", &firstID)),
			},
			{ResourceName: address, ImportState: true, ImportStateVerify: true},
			{
				// Changed outside Terraform: the plan sets it back.
				PreConfig: func() {
					id, _ := strconv.ParseInt(firstID, 10, 64)
					if _, err := admin(t, m).UpdateRunnerController(id, store.RunnerControllerChanges{
						State: store.Optional[string]{Set: true, Value: store.RunnerControllerDisabled}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config(m, m.Seed.AdminToken, "  state = \"enabled\""),
				ConfigPlanChecks: plans(plancheck.ResourceActionUpdate),
				Check:            inMock(m, wantController("", "enabled")),
			},
			{
				// Deleted outside Terraform: it leaves the state, and the plan creates a new one.
				PreConfig: func() {
					id, _ := strconv.ParseInt(firstID, 10, 64)
					if err := admin(t, m).DeleteRunnerController(id, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config(m, m.Seed.AdminToken, "  state = \"enabled\""),
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
// licence (GitLab answers 404 to all three), a user who is no administrator
// (403); and a state GitLab does not know.
func TestAccRunnerController_refused(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	for _, c := range []struct {
		name, version string
		unlicensed    bool
		token         func(*acctest.Mock) string
		body          string
		want          *regexp.Regexp
	}{
		{"older GitLab", "18.8.0-ee", false, nil, "", acctest.ErrorWith("Runner Controllers Not Available on This GitLab",
			"Runner controllers need GitLab Enterprise Edition 18.9 or later with an Ultimate licence (the licensed feature `ci_runner_controllers`; runner scopes need 18.10); the server is GitLab 18.8.0-ee (Enterprise Edition)")},
		{"Community Edition", "19.1.0", false, nil, "", acctest.ErrorWith("Runner Controllers Not Available on This GitLab",
			"the server is GitLab 19.1.0 (Community Edition)")},
		{"no licence", "19.1.0-ee", true, nil, "", acctest.ErrorWith("Runner Controllers Not Licensed",
			"The server, GitLab 19.1.0-ee (Enterprise Edition), has runner controllers, but its licence does not include them")},
		{"not an administrator", "19.1.0-ee", false, func(m *acctest.Mock) string { return m.Seed.Group.OwnerToken }, "",
			acctest.ErrorWith("Runner Controllers Need an Administrator", "GitLab answered 403 Forbidden (GET /runner_controllers). Runner controllers are for administrators only")},
		{"unknown state", "19.1.0-ee", false, nil, "  state = \"on\"",
			acctest.Words(`Attribute state value must be one of: ["disabled" "enabled" "dry_run"], got: "on"`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t, acctest.WithVersion(c.version))
			m.Store().SetRunnerControllersLicensed(!c.unlicensed)
			token := m.Seed.AdminToken
			if c.token != nil {
				token = c.token(m)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(m.Now),
				Steps:                    []resource.TestStep{{Config: config(m, token, c.body), PlanOnly: true, ExpectError: c.want}},
			})
		})
	}
}
