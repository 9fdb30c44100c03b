package instancerunnersettings_test

// Acceptance tests of gitlabrunner_instance_runner_settings against the
// mock coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/instancerunnersettings -v

import (
	"encoding/json"
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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const address = "gitlabrunner_instance_runner_settings.this"

func settingsConfig(g *acctest.GitLab, token, body string) string {
	return g.ProviderBlock(token) + "\nresource \"gitlabrunner_instance_runner_settings\" \"this\" {\n" + body + "\n}\n"
}

// instanceSettings are the settings these tests look at, as GitLab's REST
// API shows them.
type instanceSettings struct {
	AllowRunnerRegistrationToken         bool     `json:"allow_runner_registration_token"`
	ValidRunnerRegistrars                []string `json:"valid_runner_registrars"`
	RunnerTokenExpirationInterval        *int64   `json:"runner_token_expiration_interval"`
	GroupRunnerTokenExpirationInterval   *int64   `json:"group_runner_token_expiration_interval"`
	ProjectRunnerTokenExpirationInterval *int64   `json:"project_runner_token_expiration_interval"`
}

// readSettings reads the instance's settings from GitLab.
func readSettings(g *acctest.GitLab) (instanceSettings, error) {
	var s instanceSettings
	fields, err := g.InstanceSettings()
	if err != nil {
		return s, err
	}
	raw, _ := json.Marshal(fields)
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("the instance's settings: %w", err)
	}
	return s, nil
}

// expectSettings checks the instance's settings in GitLab.
func expectSettings(g *acctest.GitLab, check func(s instanceSettings) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := readSettings(g)
		if err != nil {
			return err
		}
		return check(s)
	}
}

// expectRegister checks GitLab's answer to a legacy registration with the
// instance registration token (the mock's seed has it).
func expectRegister(t *testing.T, g *acctest.GitLab, want int) resource.TestCheckFunc {
	return g.MockCheck(t, acctest.SeededUsers, func(m *acctest.Mock) error {
		if got := m.RegisterStatus(t, m.Seed.InstanceRegistrationToken); got != want {
			return fmt.Errorf("POST /runners with the instance registration token = %d, want %d", got, want)
		}
		return nil
	})
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
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	g.UpdateInstanceSettings(t, map[string]any{"allow_runner_registration_token": true}) // as a re-enabled 17.x instance
	admin := g.AdminToken(t)
	before, err := readSettings(g)
	if err != nil {
		t.Fatal(err)
	}
	projectInterval := int64(0) // GitLab's null: no expiry
	if before.ProjectRunnerTokenExpirationInterval != nil {
		projectInterval = *before.ProjectRunnerTokenExpirationInterval
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy: expectSettings(g, func(s instanceSettings) error {
			// Destroy leaves the server as it is.
			if !s.AllowRunnerRegistrationToken || ptrValue(s.GroupRunnerTokenExpirationInterval) != "86400" {
				return fmt.Errorf("destroy changed the settings: %+v", s)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(g, admin, `
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
					statecheck.ExpectKnownValue(address, tfjsonpath.New("project_runner_token_expiration_interval"), knownvalue.Int64Exact(projectInterval)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectSettings(g, func(s instanceSettings) error {
						if s.AllowRunnerRegistrationToken || !slices.Equal(s.ValidRunnerRegistrars, []string{"project"}) ||
							s.RunnerTokenExpirationInterval != nil || ptrValue(s.GroupRunnerTokenExpirationInterval) != "86400" {
							return fmt.Errorf("GitLab's settings: %+v", s)
						}
						return nil
					}),
					expectRegister(t, g, http.StatusGone),
				),
				ConfigPlanChecks: emptyPlan,
			},
			{
				// Tokens back on; valid_runner_registrars no longer managed: left as it is.
				Config: settingsConfig(g, admin, `
  allow_runner_registration_token        = true
  group_runner_token_expiration_interval = 86400
`),
				Check: resource.ComposeTestCheckFunc(
					expectSettings(g, func(s instanceSettings) error {
						if !s.AllowRunnerRegistrationToken || !slices.Equal(s.ValidRunnerRegistrars, []string{"project"}) {
							return fmt.Errorf("GitLab's settings: %+v", s)
						}
						return nil
					}),
					expectRegister(t, g, http.StatusCreated),
				),
				ConfigPlanChecks: emptyPlan,
			},
			{
				// Drift: an administrator turns tokens off in the UI; the plan turns them on again.
				PreConfig: func() { g.UpdateInstanceSettings(t, map[string]any{"allow_runner_registration_token": false}) },
				Config: settingsConfig(g, admin, `
  allow_runner_registration_token        = true
  group_runner_token_expiration_interval = 86400
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectRegister(t, g, http.StatusCreated),
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
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	cfg := func(interval int, runner string) string {
		return settingsConfig(g, g.AdminToken(t), fmt.Sprintf("  group_runner_token_expiration_interval = %d\n", interval)) + `
resource "gitlabrunner_user_runner" "` + runner + `" {
  runner_type = "group_type"
  group_id    = ` + strconv.FormatInt(g.GroupID(t), 10) + `
  description = "` + g.Name(runner) + `"
  depends_on  = [gitlabrunner_instance_runner_settings.this]
}
`
	}
	var from time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { from = g.Now() },
				Config:    cfg(86400, "first"),
				// A day after the create (the same instant on the mock's clock).
				Check: resource.TestCheckResourceAttrWith("gitlabrunner_user_runner.first", "token_expires_at", func(v string) error {
					at, err := time.Parse(time.RFC3339, v)
					earliest, latest := from.Add(24*time.Hour).Truncate(time.Second), g.Now().Add(24*time.Hour)
					if err != nil || at.Before(earliest) || at.After(latest) {
						return fmt.Errorf("token_expires_at = %q, want between %s and %s", v, earliest.Format(time.RFC3339), latest.Format(time.RFC3339))
					}
					return nil
				}),
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
	g := acctest.NewGitLab(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{
				Config:      settingsConfig(g, g.NonAdminToken(t), "  allow_runner_registration_token = false\n"),
				ExpectError: acctest.Words("can only be read and changed by an administrator"),
			},
			{
				Config:      settingsConfig(g, g.AdminToken(t), `  valid_runner_registrars = ["instance"]`),
				PlanOnly:    true,
				ExpectError: acctest.Words(`value must be one of: ["group" "project"]`),
			},
			{
				Config:      settingsConfig(g, g.AdminToken(t), "  runner_token_expiration_interval = 2147483648\n"),
				PlanOnly:    true,
				ExpectError: acctest.Words("= 2147483648 is out of range"),
			},
		},
	})
	t.Run("GitLab 15.5", testOlderGitLab)
}

// testOlderGitLab: a setting the GitLab version does not have fails with
// its name. On 15.5 the intervals exist: the resource is created; adding the
// switch is then refused by the plan.
func testOlderGitLab(t *testing.T) {
	old := acctest.NewGitLab(t, acctest.WithVersion("15.5.0-ee"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(old.Now),
		Steps: []resource.TestStep{{
			// Refused at plan time: the plan reads the settings of a new resource once.
			Config:      settingsConfig(old, old.AdminToken(t), "  allow_runner_registration_token = false\n"),
			PlanOnly:    true,
			ExpectError: acctest.Words("GitLab does not show the setting allow_runner_registration_token for the instance"),
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(old.Now),
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(old, old.AdminToken(t), "  runner_token_expiration_interval = 604800\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("allow_runner_registration_token"), knownvalue.Null()),
				},
				ConfigPlanChecks: emptyPlan,
			},
			{
				Config: settingsConfig(old, old.AdminToken(t), "  runner_token_expiration_interval = 604800\n"+
					"  allow_runner_registration_token = false\n"),
				PlanOnly:    true,
				ExpectError: acctest.Words("It exists since GitLab ≈15.8"),
			},
		},
	})
}
