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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
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
	m := acctest.StartMock(t)
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: m.Seed.Group.OwnerToken})
	if err != nil {
		t.Fatal(err)
	}
	created, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
		RunnerType: gitlabapi.RunnerTypeGroup, GroupID: ptr(m.Seed.Group.ID),
		RunnerAttributes: gitlabapi.RunnerAttributes{Description: ptr("made by hand"), TagList: &[]string{"docker"}, Paused: ptr(true)},
	})
	if err != nil {
		t.Fatalf("cannot create a runner in the mock: %v", err)
	}
	id := strconv.FormatInt(created.ID, 10)
	body := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = "made by hand"
  tag_list    = ["docker"]
  paused      = true`, m.Seed.Group.ID)
	importBlock := fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { id = %q }\n}\n", address, id)
	tc := testCase(t, m,
		resource.TestStep{
			Config: runnerConfig(m, m.Seed.Group.OwnerToken, body) + importBlock,
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
				statecheck.ExpectKnownValue(address, tfjsonpath.New("group_id"), knownvalue.Int64Exact(m.Seed.Group.ID)),
			},
		},
		resource.TestStep{
			Config:          runnerConfig(m, m.Seed.Group.OwnerToken, body),
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		},
	)
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportByIdentity)}
	resource.Test(t, tc)
}
