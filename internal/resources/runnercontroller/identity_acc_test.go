package runnercontroller_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccRunnerController_importByIdentity imports a controller made by hand
// with `import { identity = { id } }` (Terraform 1.12+): nothing changes,
// and the state records the identity, from which a second import works too.
func TestAccRunnerController_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := newGitLab(t, "19.1.0-ee")
	gate := g.Name("gate")
	ctl := g.CreateRunnerController(t, map[string]any{"description": gate, "state": "enabled"})
	cfg := config(g, g.AdminToken(t), fmt.Sprintf("  description = %q\n  state = \"enabled\"", gate))
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { id = %d }\n}\n", address, ctl)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)},
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnerControllersLeft(),
		Steps: []resource.TestStep{
			{
				Config: cfg + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(address, map[string]knownvalue.Check{"id": knownvalue.Int64Exact(ctl)})},
			},
			{Config: cfg, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}
