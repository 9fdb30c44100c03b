package grouprunnersettings_test

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

// TestAccGroupRunnerSettings_importByIdentity imports a group's settings
// with `import { identity = { group_id = … } }` (Terraform 1.12+): the plan
// imports them and changes nothing, and the state records the identity.
func TestAccGroupRunnerSettings_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	group := g.GroupID(t)
	cfg := groupConfig(g, g.OwnerToken(t), group, "")
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { group_id = %d }\n}\n", address, group)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)},
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{
				Config: cfg + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(address, map[string]knownvalue.Check{"group_id": knownvalue.Int64Exact(group)}),
				},
			},
			{Config: cfg, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}
