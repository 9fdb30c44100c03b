package examplestest

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccRunnerControllerExample applies the runner controller example of
// the docs (examples/resources/gitlabrunner_runner_controller) on the mock's
// GitLab 19.1 EE, as an administrator: a controller in dry run with the
// instance scope, and a token that the job router accepts.
// Not parallel: the provider reads GITLAB_BASE_URL and GITLAB_TOKEN.
func TestAccRunnerControllerExample(t *testing.T) {
	acctest.PreCheck(t)
	mock := acctest.StartMock(t, acctest.WithVersion("19.1.0-ee"))
	t.Setenv("GITLAB_BASE_URL", mock.URL())
	t.Setenv("GITLAB_TOKEN", mock.Seed.AdminToken)
	file, err := filepath.Abs(filepath.Join("..", "..", "examples", "resources", "gitlabrunner_runner_controller", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(mock.Now),
		CheckDestroy:             mock.CheckNoRunnerControllersLeft(),
		Steps: []resource.TestStep{{
			ConfigFile: config.StaticFile(file),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(s *terraform.State) error {
				token := s.RootModule().Outputs["runner_controller_token"]
				if token == nil || !mock.RunnerControllerTokenWorks(fmt.Sprint(token.Value)) {
					return fmt.Errorf("the example's token does not work at the job router")
				}
				ids := mock.Store().RunnerControllerIDs()
				if len(ids) != 1 {
					return fmt.Errorf("controllers in the mock: %v, want one", ids)
				}
				if scopes, _ := mock.Store().RunnerControllerScopes(ids[0]); len(scopes.Instance) != 1 {
					return fmt.Errorf("the controller's scopes %+v, want the instance scope", scopes)
				}
				return nil
			},
		}},
	})
}
