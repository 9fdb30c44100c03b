package projectrunnersettings_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccProjectRunnerSettings_importByIdentity imports a project's settings
// with `import { identity = { project_id = … } }` (Terraform 1.12+): the plan
// imports them and changes nothing, and the state records the identity.
func TestAccProjectRunnerSettings_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	project := g.ProjectID(t, 0)
	cfg := projectConfig(g, g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken }), project, "")
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { project_id = %d }\n}\n", address, project)
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
					statecheck.ExpectIdentity(address, map[string]knownvalue.Check{"project_id": knownvalue.Int64Exact(project)}),
				},
			},
			{Config: cfg, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}
