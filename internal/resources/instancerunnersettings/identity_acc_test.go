package instancerunnersettings_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccInstanceRunnerSettings_importByIdentity imports the instance's
// settings by identity (Terraform 1.12+): `identity = {}` (the id may be left
// out: there is one set of settings), which plans the import alone and
// records the identity `instance`; any other id is refused.
func TestAccInstanceRunnerSettings_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	cfg := settingsConfig(g, g.AdminToken(t), "")
	importBlock := func(identity string) string {
		return "\nimport {\n  to       = " + address + "\n  identity = " + identity + "\n}\n"
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)},
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{
				Config:      cfg + importBlock(`{ id = "other" }`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Import Identity.*"other"`),
			},
			{
				Config: cfg + importBlock("{}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(address, map[string]knownvalue.Check{"id": knownvalue.StringExact("instance")}),
				},
			},
			{Config: cfg, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}
