package projectrunnerassignment_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// assignByHand creates a project runner of the first project and assigns it
// to the second through the API, as the group's Maintainer (in live mode
// GITLAB_TOKEN's user), and returns the runner's id.
func assignByHand(t *testing.T, g *acctest.GitLab) int64 {
	t.Helper()
	token := g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken })
	id, _ := g.CreateRunner(t, token, projectRunner(g, g.ProjectID(t, 0)))
	g.AssignRunner(t, token, g.ProjectID(t, 1), id)
	return id
}

// unassignedOnDestroy checks that the runner is back to its own project only.
func unassignedOnDestroy(t *testing.T, g *acctest.GitLab, runnerID int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return expectRunnerProjects(g, runnerID, g.ProjectID(t, 0))
	}
}

// TestAccProjectRunnerAssignment_importByIdentity imports an assignment made
// by hand with `import { identity = { project_id, runner_id } }` (Terraform
// 1.12+): the plan imports it and changes nothing, and the state records the
// identity, from which a second import works too.
func TestAccProjectRunnerAssignment_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	runnerID := assignByHand(t, g)
	web := g.ProjectID(t, 1)
	cfg := g.ProviderBlock(g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken })) + fmt.Sprintf(`
resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = %d
  runner_id  = %d
}
`, web, runnerID)
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { project_id = %d, runner_id = %d }\n}\n", address, web, runnerID)
	identity := map[string]knownvalue.Check{"project_id": knownvalue.Int64Exact(web), "runner_id": knownvalue.Int64Exact(runnerID)}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)},
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             unassignedOnDestroy(t, g, runnerID),
		Steps: []resource.TestStep{
			{
				Config: cfg + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(address, identity)},
			},
			{Config: cfg, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}
