package runnercontrollertoken_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccRunnerControllerToken_identity: a token made by hand is imported
// with `import { identity = { runner_controller_id, token_id } }`
// (Terraform 1.12+); a rotation then keeps the identity (and id) while
// token_id follows the new token, so the rotation stays an update in place.
func TestAccRunnerControllerToken_identity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := newGitLab(t, "19.1.0-ee")
	ctl := g.CreateRunnerController(t, nil)
	outside, _ := g.CreateRunnerControllerToken(t, ctl, g.Name("job router"))
	identity := statecheck.ExpectIdentity(address, map[string]knownvalue.Check{
		"runner_controller_id": knownvalue.Int64Exact(ctl), "token_id": knownvalue.Int64Exact(outside)})
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { runner_controller_id = %d, token_id = %d }\n}\n", address, ctl, outside)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)},
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoActiveRunnerControllerTokens(),
		Steps: []resource.TestStep{
			{
				Config: token(t, g, ctl, "") + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{identity},
			},
			{
				Config: token(t, g, ctl, `  rotation_triggers = { rotated = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{identity,
					statecheck.ExpectKnownValue(address, tfjsonpath.New("token_id"), knownvalue.Int64Func(func(v int64) error {
						if v == outside {
							return fmt.Errorf("token_id is still %d after the rotation", v)
						}
						return nil
					}))},
			},
		},
	})
}
