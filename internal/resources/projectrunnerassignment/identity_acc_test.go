package projectrunnerassignment_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// assignByHand creates a project runner of the seed's first project and
// assigns it to the second through the API, as the group's Maintainer, and
// returns the runner's id.
func assignByHand(t *testing.T, m *acctest.Mock) int64 {
	t.Helper()
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: m.Seed.Group.MaintainerToken})
	if err != nil {
		t.Fatal(err)
	}
	app, web := m.Seed.Projects[0].ID, m.Seed.Projects[1].ID
	r, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeProject, ProjectID: &app})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.AssignRunnerToProject(t.Context(), web, r.ID); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// unassignedOnDestroy checks that the runner is back to its own project only.
func unassignedOnDestroy(m *acctest.Mock, runnerID int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r, ok := m.Store().Runner(runnerID)
		if !ok || !slices.Equal(r.ProjectIDs, []int64{m.Seed.Projects[0].ID}) {
			return fmt.Errorf("after destroy runner %d has the projects %v (exists: %v), want only its own", runnerID, r.ProjectIDs, ok)
		}
		return nil
	}
}

// TestAccProjectRunnerAssignment_importByIdentity imports an assignment made
// by hand with `import { identity = { project_id, runner_id } }` (Terraform
// 1.12+): the plan imports it and changes nothing, and the state records the
// identity, from which a second import works too.
func TestAccProjectRunnerAssignment_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	runnerID := assignByHand(t, m)
	web := m.Seed.Projects[1].ID
	cfg := m.ProviderBlock(m.Seed.Group.MaintainerToken) + fmt.Sprintf(`
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
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             unassignedOnDestroy(m, runnerID),
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
