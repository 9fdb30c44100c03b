package runnercontrollerscope_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccRunnerControllerScope_importByIdentity imports a runner scope made
// by hand with `import { identity = { runner_controller_id, runner_id } }`
// (Terraform 1.12+): nothing changes, the state records the identity, and
// destroy removes the scope.
func TestAccRunnerControllerScope_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	f := newFixture(t, "18.10.0-ee", "19.1.0-ee")
	runner := f.instance[0]
	f.g.Call(t, http.MethodPost, fmt.Sprintf("/runner_controllers/%d/scopes/runners/%d", f.controller, runner), nil)
	const s0 = "gitlabrunner_runner_controller_scope.s0"
	cfg := f.config(f.admin, runner)
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { runner_controller_id = %d, runner_id = %d }\n}\n", s0, f.controller, runner)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)},
		ProtoV6ProviderFactories: providertest.Factories(f.g.Now),
		CheckDestroy:             f.scopes(),
		Steps: []resource.TestStep{
			{
				Config: cfg + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(s0, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(s0, map[string]knownvalue.Check{
					"runner_controller_id": knownvalue.Int64Exact(f.controller), "runner_id": knownvalue.Int64Exact(runner)})},
			},
			{Config: cfg, ResourceName: s0, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}
