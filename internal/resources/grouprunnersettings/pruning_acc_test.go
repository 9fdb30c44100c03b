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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// pruning reads the group's stale runner pruning from GitLab (GraphQL: no
// REST API shows it).
func pruning(g *acctest.GitLab, fullPath string) (bool, error) {
	var out struct {
		Group *struct {
			AllowStaleRunnerPruning bool `json:"allowStaleRunnerPruning"`
		} `json:"group"`
	}
	if err := g.GraphQL(`query($fullPath: ID!) { group(fullPath: $fullPath) { allowStaleRunnerPruning } }`,
		map[string]any{"fullPath": fullPath}, &out); err != nil {
		return false, err
	}
	if out.Group == nil {
		return false, fmt.Errorf("GitLab shows no group %s", fullPath)
	}
	return out.Group.AllowStaleRunnerPruning, nil
}

// expectPruning checks the group's stale runner pruning in GitLab.
func expectPruning(g *acctest.GitLab, fullPath string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := pruning(g, fullPath)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("group %s allow_stale_runner_pruning = %v, want %v", fullPath, got, want)
		}
		return nil
	}
}

// setPruning changes the group's stale runner pruning in GitLab, as an
// Owner would in GitLab's UI.
func setPruning(t *testing.T, g *acctest.GitLab, fullPath string, v bool) func() {
	return func() {
		var out struct {
			Update struct {
				Errors []string `json:"errors"`
			} `json:"namespaceCiCdSettingsUpdate"`
		}
		if err := g.GraphQL(`mutation($fullPath: ID!, $v: Boolean) { namespaceCiCdSettingsUpdate(input: {fullPath: $fullPath, allowStaleRunnerPruning: $v}) { errors } }`,
			map[string]any{"fullPath": fullPath, "v": v}, &out); err != nil || len(out.Update.Errors) > 0 {
			t.Fatalf("setting allow_stale_runner_pruning of %s: %v %v", fullPath, err, out.Update.Errors)
		}
	}
}

// TestAccGroupRunnerSettings_StaleRunnerPruning: allow_stale_runner_pruning
// (GraphQL only) is set, changed, set back after a change made in the UI,
// left as it is once left out, and imported; destroy leaves it. In live
// mode the group's setting is put back at the end.
func TestAccGroupRunnerSettings_StaleRunnerPruning(t *testing.T) {
	acctest.PreCheck(t)
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges()) // the mock: Enterprise Edition
	g.NeedsVersion(t, "15.1.0-ee")
	gid := g.GroupID(t)
	path := g.GroupPath(t, gid)
	owner := g.OwnerToken(t)
	before, err := pruning(g, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if now, err := pruning(g, path); err == nil && now != before {
			setPruning(t, g, path, before)()
		}
	})
	shared := "enabled" // the mock's group
	if g.Live() {
		grp, err := g.Object("/groups/" + itoa(gid))
		if err != nil {
			t.Fatal(err)
		}
		shared, _ = grp["shared_runners_setting"].(string)
	}
	setting := func(v bool) string { return fmt.Sprintf("  allow_stale_runner_pruning = %v\n", v) }
	update := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             expectPruning(g, path, true), // left as it is
		Steps: []resource.TestStep{
			{
				Config: groupConfig(g, owner, gid, setting(true)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_stale_runner_pruning"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_runners_setting"), knownvalue.StringExact(shared)),
				},
				Check:            expectPruning(g, path, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:           groupConfig(g, owner, gid, setting(false)),
				ConfigPlanChecks: update,
				Check:            expectPruning(g, path, false),
			},
			{
				// Drift: an Owner turns it on in the UI; the plan turns it off again.
				PreConfig:        setPruning(t, g, path, true),
				Config:           groupConfig(g, owner, gid, setting(false)),
				ConfigPlanChecks: update,
				Check:            expectPruning(g, path, false),
			},
			{
				// No longer managed: a change in the UI is read back, never undone.
				PreConfig: setPruning(t, g, path, true),
				Config:    groupConfig(g, owner, gid, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_stale_runner_pruning"), knownvalue.Bool(true)),
				},
				Check: expectPruning(g, path, true),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     itoa(gid),
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
	// Community Edition and a group Maintainer: the mock's.
	acctest.SkipLive(t, acctest.EmulatedVersion, acctest.SeededUsers)
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
		CheckDestroy:             expectPruning(ee.GitLab(), ee.Seed.Group.FullPath, false),
		Steps: []resource.TestStep{
			{
				Config:      groupConfig(ee.GitLab(), ee.Seed.Group.MaintainerToken, ee.Seed.Group.ID, "  allow_stale_runner_pruning = true\n"),
				ExpectError: acctest.Words("that needs the Owner role in the group (or an administrator)"),
			},
		},
	})
}
