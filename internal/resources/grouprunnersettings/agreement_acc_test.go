package grouprunnersettings_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccRunnerPolicyAgreement: the instance settings, the group settings,
// a runner shared through an assignment and gitlabrunner_registration_policy
// agree. Turning registration tokens off with the instance resource makes the
// policy's check pass and every legacy registration answer 410; turning them
// back on (instance and group) makes them work again, and the policy says so.
// The expiry interval set in the same apply gives the runner created after
// it its token_expires_at.
func TestAccRunnerPolicyAgreement(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	// The seed's registration tokens, and the group's switch, which GitLab's API cannot change.
	m := g.Mock(t, acctest.SeededUsers, acctest.StoreAccess)
	switches(t, m, true, true)() // registration tokens on, as a re-enabled 17.x instance
	s := m.Seed
	cfg := func(allow bool) string {
		return m.ProviderBlock(s.AdminToken) + fmt.Sprintf(`
resource "gitlabrunner_instance_runner_settings" "this" {
  allow_runner_registration_token          = %[1]v
  project_runner_token_expiration_interval = 86400
}

resource "gitlabrunner_group_runner_settings" "demo" {
  group_id                        = %[2]d
  allow_runner_registration_token = %[1]v
  depends_on                      = [gitlabrunner_instance_runner_settings.this]
}

resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = %[3]d
  depends_on  = [gitlabrunner_instance_runner_settings.this]
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = %[4]d
  runner_id  = gitlabrunner_user_runner.app.id
}

data "gitlabrunner_registration_policy" "demo" {
  group_id   = %[2]d
  depends_on = [gitlabrunner_group_runner_settings.demo]
}

check "registration_tokens_off" {
  assert {
    condition     = data.gitlabrunner_registration_policy.demo.registration_tokens_allowed == false
    error_message = data.gitlabrunner_registration_policy.demo.recommended_action
  }
}
`, allow, s.Group.ID, s.Projects[0].ID, s.Projects[1].ID)
	}
	legacy := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for name, tok := range map[string]string{"instance": s.InstanceRegistrationToken, "group": s.Group.RegistrationToken,
				"project": s.Project.RegistrationToken} {
				if got := m.RegisterStatus(t, tok); got != want {
					return fmt.Errorf("POST /runners with the %s registration token = %d, want %d", name, got, want)
				}
			}
			return nil
		}
	}
	agree := func(allowed bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.gitlabrunner_registration_policy.demo", tfjsonpath.New("registration_tokens_allowed_instance"), knownvalue.Bool(allowed)),
			statecheck.ExpectKnownValue("data.gitlabrunner_registration_policy.demo", tfjsonpath.New("registration_tokens_allowed"), knownvalue.Bool(allowed)),
			statecheck.ExpectKnownValue("data.gitlabrunner_registration_policy.demo", tfjsonpath.New("project_runner_token_expiration_interval"), knownvalue.Int64Exact(86400)),
			statecheck.ExpectKnownValue("gitlabrunner_group_runner_settings.demo", tfjsonpath.New("registration_tokens_allowed"), knownvalue.Bool(allowed)),
			statecheck.ExpectKnownValue("gitlabrunner_instance_runner_settings.this", tfjsonpath.New("allow_runner_registration_token"), knownvalue.Bool(allowed)),
		}
	}
	expiry := m.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             m.CheckDestroy("gitlabrunner_user_runner"), // the legacy registrations' runners stay
		Steps: []resource.TestStep{
			{
				Config: cfg(false),
				ConfigStateChecks: append(agree(false),
					statecheck.ExpectKnownValue("gitlabrunner_user_runner.app", tfjsonpath.New("token_expires_at"), knownvalue.StringExact(expiry))),
				Check:            legacy(http.StatusGone),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Back on: the instance resource turns its switch on, the group's
				// (on in GitLab) verifies; the check now only warns.
				Config:            cfg(true),
				ConfigStateChecks: agree(true),
				Check:             legacy(http.StatusCreated),
			},
		},
	})
}
