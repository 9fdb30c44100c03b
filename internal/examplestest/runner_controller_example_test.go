package examplestest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccRunnerControllerExample applies the runner controller example of
// the docs (examples/resources/gitlabrunner_runner_controller) on the mock's
// GitLab 19.1 EE, as an administrator: a controller in dry run with the
// instance scope, and a token that the job router accepts. In live mode, on
// a GitLab with runner controllers, the example's descriptions carry the
// test's mark (the controller stays in dry run: it decides nothing).
// Not parallel: the provider reads GITLAB_BASE_URL and GITLAB_TOKEN.
func TestAccRunnerControllerExample(t *testing.T) {
	acctest.PreCheck(t)
	g := acctest.NewGitLab(t, acctest.RequireVersion("18.9.0-ee"), acctest.WithMockVersion("19.1.0-ee"))
	g.NeedsRunnerControllers(t)
	t.Setenv("GITLAB_BASE_URL", g.URL())
	t.Setenv("GITLAB_TOKEN", g.AdminToken(t))
	file, err := filepath.Abs(filepath.Join("..", "..", "examples", "resources", "gitlabrunner_runner_controller", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	example := string(raw)
	for _, d := range []string{"job admission policy", "policy service"} {
		if !strings.Contains(example, fmt.Sprintf("%q", d)) {
			t.Fatalf("the example no longer has the description %q", d)
		}
		example = strings.ReplaceAll(example, fmt.Sprintf("%q", d), fmt.Sprintf("%q", g.Name(d)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnerControllersLeft(),
		Steps: []resource.TestStep{{
			Config: example,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				func(s *terraform.State) error {
					ctls, err := g.RunnerControllers()
					if err != nil {
						return err
					}
					if len(ctls) != 1 || ctls[0].State != "dry_run" {
						return fmt.Errorf("controllers in GitLab: %+v, want one in dry run", ctls)
					}
					instance, runners, err := g.RunnerControllerScopes(ctls[0].ID)
					if err != nil || !instance || len(runners) != 0 {
						return fmt.Errorf("the controller's scopes: instance %v, runners %v (%v); want the instance scope", instance, runners, err)
					}
					if ids, err := g.ActiveRunnerControllerTokenIDs(); err != nil || len(ids) != 1 {
						return fmt.Errorf("active controller tokens %v (%v), want one", ids, err)
					}
					return nil
				},
				// GitLab has no API that tells whether the job router accepts a token.
				func(s *terraform.State) error {
					return g.MockCheck(t, acctest.StoreAccess, func(m *acctest.Mock) error {
						token := s.RootModule().Outputs["runner_controller_token"]
						if token == nil || !m.RunnerControllerTokenWorks(fmt.Sprint(token.Value)) {
							return fmt.Errorf("the example's token does not work at the job router")
						}
						return nil
					})(s)
				},
			),
		}},
	})
}
