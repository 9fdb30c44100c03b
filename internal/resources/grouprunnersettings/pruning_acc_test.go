package grouprunnersettings_test

import (
	"fmt"
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

// expectPruning checks the group's stale runner pruning in the mock.
func expectPruning(m *acctest.Mock, groupID int64, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
		g, err := c.Group(store.NamespaceID{ID: groupID})
		if err != nil || g.AllowStaleRunnerPruning != want {
			return fmt.Errorf("group %d allow_stale_runner_pruning = %v (%v), want %v", groupID, g.AllowStaleRunnerPruning, err, want)
		}
		return nil
	}
}

// setPruning changes the group's stale runner pruning in the mock, as an
// Owner would in GitLab's UI.
func setPruning(t *testing.T, m *acctest.Mock, fullPath string, v bool) func() {
	return func() {
		c, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
		if _, err := c.UpdateGroupCiCdSettings(store.NamespaceID{FullPath: fullPath},
			store.GroupCiCdChanges{AllowStaleRunnerPruning: store.Optional[bool]{Set: true, Value: v}}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAccGroupRunnerSettings_StaleRunnerPruning: allow_stale_runner_pruning
// (GraphQL only) is set, changed, set back after a change made in the UI,
// left as it is once left out, and imported; destroy leaves it.
func TestAccGroupRunnerSettings_StaleRunnerPruning(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t) // Enterprise Edition
	s := m.Seed
	owner := s.Group.OwnerToken
	pruning := func(v bool) string { return fmt.Sprintf("  allow_stale_runner_pruning = %v\n", v) }
	update := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             expectPruning(m, s.Group.ID, true), // left as it is
		Steps: []resource.TestStep{
			{
				Config: groupConfig(m.GitLab(), owner, s.Group.ID, pruning(true)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_stale_runner_pruning"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_runners_setting"), knownvalue.StringExact("enabled")),
				},
				Check:            expectPruning(m, s.Group.ID, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:           groupConfig(m.GitLab(), owner, s.Group.ID, pruning(false)),
				ConfigPlanChecks: update,
				Check:            expectPruning(m, s.Group.ID, false),
			},
			{
				// Drift: an Owner turns it on in the UI; the plan turns it off again.
				PreConfig:        setPruning(t, m, "demo", true),
				Config:           groupConfig(m.GitLab(), owner, s.Group.ID, pruning(false)),
				ConfigPlanChecks: update,
				Check:            expectPruning(m, s.Group.ID, false),
			},
			{
				// No longer managed: a change in the UI is read back, never undone.
				PreConfig: setPruning(t, m, "demo", true),
				Config:    groupConfig(m.GitLab(), owner, s.Group.ID, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_stale_runner_pruning"), knownvalue.Bool(true)),
				},
				Check: expectPruning(m, s.Group.ID, true),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     itoa(s.Group.ID),
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccGroupRunnerSettings_StaleRunnerPruningRefusals: GitLab CE (no such
// field in its GraphQL schema) refuses the setting at plan time, naming it
// and the version that has it, and reads it as null when it is not set; a
// Maintainer's change is GitLab's GraphQL refusal, explained.
func TestAccGroupRunnerSettings_StaleRunnerPruningRefusals(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	ce := acctest.StartMock(t, acctest.WithVersion("18.6.0"))
	ee := acctest.StartMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(ce.Now),
		Steps: []resource.TestStep{
			{
				Config:   groupConfig(ce.GitLab(), ce.Seed.Group.OwnerToken, ce.Seed.Group.ID, "  allow_stale_runner_pruning = true\n"),
				PlanOnly: true,
				ExpectError: acctest.Words("GitLab does not show the setting allow_stale_runner_pruning for group demo, so this GitLab " +
					"does not have it. It exists since GitLab Enterprise Edition 15.1."),
			},
			{
				Config: groupConfig(ce.GitLab(), ce.Seed.Group.OwnerToken, ce.Seed.Group.ID, `  shared_runners_setting = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_stale_runner_pruning"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(ee.Now),
		CheckDestroy:             expectPruning(ee, ee.Seed.Group.ID, false),
		Steps: []resource.TestStep{
			{
				Config:      groupConfig(ee.GitLab(), ee.Seed.Group.MaintainerToken, ee.Seed.Group.ID, "  allow_stale_runner_pruning = true\n"),
				ExpectError: acctest.Words("that needs the Owner role in the group (or an administrator)"),
			},
		},
	})
}
