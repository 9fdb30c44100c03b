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
	g := acctest.NewGitLab(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{
				Config:      settingsConfig(g, g.AdminToken(t), `  valid_runner_registrars = ["group", null]`),
				PlanOnly:    true,
				ExpectError: acctest.Words(`valid_runner_registrars holds a null element`),
			},
		},
	})
}

// TestAccInstanceRunnerSettings_TwoInOneConfiguration: two resources that
// want different values for the same instance setting are refused at plan
// time (issue 21: they used to flip allow_runner_registration_token on every
// apply without a word). Two that agree, or that set different settings,
// plan and apply (in live mode the instance's settings are put back at the
// end).
func TestAccInstanceRunnerSettings_TwoInOneConfiguration(t *testing.T) {
	acctest.PreCheck(t)
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	two := func(a, b string) string {
		return settingsConfig(g, g.AdminToken(t), a) + "\nresource \"gitlabrunner_instance_runner_settings\" \"other\" {\n" + b + "\n}\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{
				Config:      two("  allow_runner_registration_token = false\n", "  allow_runner_registration_token = true\n"),
				PlanOnly:    true,
				ExpectError: acctest.Words(`Conflicting Instance Runner Settings`),
			},
			{
				// The same values (a set in another order), or another setting: accepted.
				Config: two("  allow_runner_registration_token = false\n  valid_runner_registrars = [\"group\", \"project\"]\n",
					"  valid_runner_registrars = [\"project\", \"group\"]\n  runner_token_expiration_interval = 0\n"),
				ConfigPlanChecks: emptyPlan,
			},
		},
	})
}
