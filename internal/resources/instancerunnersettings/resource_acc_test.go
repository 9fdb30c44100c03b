package instancerunnersettings_test

// Acceptance tests of gitlabrunner_instance_runner_settings against the
// mock coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/instancerunnersettings -v

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const address = "gitlabrunner_instance_runner_settings.this"

func settingsConfig(m *acctest.Mock, token, body string) string {
	return m.ProviderBlock(token) + "\nresource \"gitlabrunner_instance_runner_settings\" \"this\" {\n" + body + "\n}\n"
}

// expectMock checks the mock's settings.
func expectMock(m *acctest.Mock, check func(s store.Settings) error) resource.TestCheckFunc {
	return func(*terraform.State) error { return check(m.Store().Settings()) }
}

// expectRegister checks GitLab's answer to a legacy registration with the
// instance registration token.
func expectRegister(t *testing.T, m *acctest.Mock, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := m.RegisterStatus(t, m.Seed.InstanceRegistrationToken); got != want {
			return fmt.Errorf("POST /runners with the instance registration token = %d, want %d", got, want)
		}
		return nil
	}
}

func ptrValue(p *int64) string {
	if p == nil {
		return "null"
	}
	return strconv.FormatInt(*p, 10)
}

var emptyPlan = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

// TestAccInstanceRunnerSettings switches registration tokens off and on
// (legacy registration answers 410, then 201), sets who may register and
// the token lifetimes, leaves unset attributes alone, imports, and leaves
// the server as it is on destroy.
func TestAccInstanceRunnerSettings(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	m.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true }) // as a re-enabled 17.x instance
	admin := m.Seed.AdminToken
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy: func(*terraform.State) error {
			// Destroy leaves the server as it is.
			s := m.Store().Settings()
			if !s.AllowRunnerRegistrationToken || ptrValue(s.GroupRunnerTokenExpirationInterval) != "86400" {
				return fmt.Errorf("destroy changed the settings: %+v", s)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(m, admin, `
  allow_runner_registration_token          = false
  valid_runner_registrars                  = ["project"]
  runner_token_expiration_interval         = 0
  group_runner_token_expiration_interval   = 86400
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("instance")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_runner_registration_token"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("valid_runner_registrars"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("project")})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("group_runner_token_expiration_interval"), knownvalue.Int64Exact(86400)),
					// Not configured: read back, never changed.
					statecheck.ExpectKnownValue(address, tfjsonpath.New("project_runner_token_expiration_interval"), knownvalue.Int64Exact(0)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectMock(m, func(s store.Settings) error {
						if s.AllowRunnerRegistrationToken || !slices.Equal(s.ValidRunnerRegistrars, []string{"project"}) ||
							s.RunnerTokenExpirationInterval != nil || ptrValue(s.GroupRunnerTokenExpirationInterval) != "86400" {
							return fmt.Errorf("mock settings: %+v", s)
						}
						return nil
					}),
					expectRegister(t, m, http.StatusGone),
				),
				ConfigPlanChecks: emptyPlan,
			},
			{
				// Tokens back on; valid_runner_registrars no longer managed: left as it is.
				Config: settingsConfig(m, admin, `
  allow_runner_registration_token        = true
  group_runner_token_expiration_interval = 86400
`),
				Check: resource.ComposeTestCheckFunc(
					expectMock(m, func(s store.Settings) error {
						if !s.AllowRunnerRegistrationToken || !slices.Equal(s.ValidRunnerRegistrars, []string{"project"}) {
							return fmt.Errorf("mock settings: %+v", s)
						}
						return nil
					}),
					expectRegister(t, m, http.StatusCreated),
				),
				ConfigPlanChecks: emptyPlan,
			},
			{
				// Drift: an administrator turns tokens off in the UI; the plan turns them on again.
				PreConfig: func() {
					m.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = false })
				},
				Config: settingsConfig(m, admin, `
  allow_runner_registration_token        = true
  group_runner_token_expiration_interval = 86400
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectRegister(t, m, http.StatusCreated),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     "anything",
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccInstanceRunnerSettings_ExpiryOfNewRunners: an interval applies to
// the runners created after it: their token_expires_at is creation + the
// interval; 0 removes the expiry for the ones created next.
func TestAccInstanceRunnerSettings_ExpiryOfNewRunners(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	cfg := func(interval int, runner string) string {
		return settingsConfig(m, m.Seed.AdminToken, fmt.Sprintf("  group_runner_token_expiration_interval = %d\n", interval)) + `
resource "gitlabrunner_user_runner" "` + runner + `" {
  runner_type = "group_type"
  group_id    = ` + strconv.FormatInt(m.Seed.Group.ID, 10) + `
  depends_on  = [gitlabrunner_instance_runner_settings.this]
}
`
	}
	day := m.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             m.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{
				Config: cfg(86400, "first"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("gitlabrunner_user_runner.first", tfjsonpath.New("token_expires_at"), knownvalue.StringExact(day)),
				},
				ConfigPlanChecks: emptyPlan,
			},
			{
				Config: cfg(0, "second"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("gitlabrunner_user_runner.second", tfjsonpath.New("token_expires_at"), knownvalue.Null()),
				},
				ConfigPlanChecks: emptyPlan,
			},
		},
	})
}

// TestAccInstanceRunnerSettings_Errors: a non-administrator gets an error
// that says an administrator is needed; bad values fail the plan; a setting
// the GitLab version does not have fails the plan with its name.
func TestAccInstanceRunnerSettings_Errors(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	old := acctest.StartMock(t, acctest.WithVersion("15.5.0-ee"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		Steps: []resource.TestStep{
			{
				Config:      settingsConfig(m, m.Seed.Group.OwnerToken, "  allow_runner_registration_token = false\n"),
				ExpectError: acctest.Words("can only be read and changed by an administrator"),
			},
			{
				Config:      settingsConfig(m, m.Seed.AdminToken, `  valid_runner_registrars = ["instance"]`),
				PlanOnly:    true,
				ExpectError: acctest.Words(`value must be one of: ["group" "project"]`),
			},
			{
				Config:      settingsConfig(m, m.Seed.AdminToken, "  runner_token_expiration_interval = 2147483648\n"),
				PlanOnly:    true,
				ExpectError: acctest.Words("= 2147483648 is out of range"),
			},
			{
				// Refused at plan time: the plan reads the settings of a new resource once.
				Config:      settingsConfig(old, old.Seed.AdminToken, "  allow_runner_registration_token = false\n"),
				PlanOnly:    true,
				ExpectError: acctest.Words("GitLab does not show the setting allow_runner_registration_token for the instance"),
			},
		},
	})
	// On 15.5 the intervals exist: the resource is created; adding the
	// switch is then refused by the plan.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(old.Now),
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(old, old.Seed.AdminToken, "  runner_token_expiration_interval = 604800\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_runner_registration_token"), knownvalue.Null()),
				},
				ConfigPlanChecks: emptyPlan,
			},
			{
				Config: settingsConfig(old, old.Seed.AdminToken, "  runner_token_expiration_interval = 604800\n"+
					"  allow_runner_registration_token = false\n"),
				PlanOnly:    true,
				ExpectError: acctest.Words("It exists since GitLab ≈15.8"),
			},
		},
	})
}
