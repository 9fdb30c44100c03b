package projectrunnerassignment_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccProjectRunnerAssignment_missingProjectAtPlan: an assignment to a
// project that does not exist fails the plan, even when its runner is created
// in the same apply (its runner_id unknown at plan): no runner is created
// only to fail its assignment afterwards.
func TestAccProjectRunnerAssignment_missingProjectAtPlan(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	const missing = 2147483647 // no project has this id on a test GitLab
	maint := g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken })
	cfg := g.ProviderBlock(maint) + fmt.Sprintf(`
resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = %d
  description = %q
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = %d
  runner_id  = gitlabrunner_user_runner.app.id
}
`, g.ProjectID(t, 0), g.Name("app"), missing)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: acctest.Words(fmt.Sprintf("Project %d does not exist, or the token's user cannot see it", missing)),
		}},
	})
	if n := g.Stats().Requests("POST /user/runners"); n != 0 {
		t.Errorf("the apply created %d runners before it found that the project does not exist", n)
	}
}
