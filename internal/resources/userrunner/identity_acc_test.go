package userrunner_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// TestAccUserRunner_importByIdentity imports a runner made outside
// Terraform with `import { identity = { id = … } }` (Terraform 1.12+,
// OpenTofu 1.12+): the plan imports it and changes nothing, the token is
// null as after an import by id, and the state records the identity. A
// second step imports it again from that recorded identity, as
// terraform-plugin-testing's identity import does.
func TestAccUserRunner_importByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	owner, group := g.OwnerToken(t), g.GroupID(t)
	created, _ := g.CreateRunner(t, owner, map[string]any{
		"runner_type": "group_type", "group_id": group, "description": g.Name("made by hand"), "tag_list": []string{"docker"}, "paused": true,
	})
	id := strconv.FormatInt(created, 10)
	body := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = %q
  tag_list    = ["docker"]
  paused      = true`, group, g.Name("made by hand"))
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { id = %q }\n}\n", address, id)
	tc := testCase(t, g,
		resource.TestStep{
			Config: runnerConfig(g, owner, body) + importBlock,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(address, tfjsonpath.New("token"), knownvalue.Null()),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(address, map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("group_id"), knownvalue.Int64Exact(group)),
			},
		},
		resource.TestStep{
			Config:          runnerConfig(g, owner, body),
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		},
	)
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)}
	resource.Test(t, tc)
}
