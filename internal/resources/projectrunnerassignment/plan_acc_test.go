package projectrunnerassignment_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccProjectRunnerAssignment_missingProjectAtPlan: an assignment to a
// project that does not exist fails the plan, even when its runner is created
// in the same apply (its runner_id unknown at plan): no runner is created
// only to fail its assignment afterwards.
func TestAccProjectRunnerAssignment_missingProjectAtPlan(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	cfg := m.ProviderBlock(m.Seed.Group.MaintainerToken) + `
resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = ` + itoa(m.Seed.Projects[0].ID) + `
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = 4242
  runner_id  = gitlabrunner_user_runner.app.id
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             m.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: acctest.Words("Project 4242 does not exist, or the token's user cannot see it"),
		}},
	})
	if n := m.Stats().Requests("POST /user/runners"); n != 0 {
		t.Errorf("the apply created %d runners before it found that the project does not exist", n)
	}
}
