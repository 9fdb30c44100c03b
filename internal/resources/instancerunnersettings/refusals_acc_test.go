package instancerunnersettings_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccInstanceRunnerSettings_NullRegistrar: a null in
// valid_runner_registrars is refused at plan time, naming the attribute
// (issue 21: it used to pass the plan and fail the apply with "Value
// Conversion Error ... always an error in the provider").
func TestAccInstanceRunnerSettings_NullRegistrar(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		Steps: []resource.TestStep{
			{
				Config:      settingsConfig(m, m.Seed.AdminToken, `  valid_runner_registrars = ["group", null]`),
				PlanOnly:    true,
				ExpectError: acctest.Words(`valid_runner_registrars holds a null element`),
			},
		},
	})
}
