package userrunner_test

// Acceptance tests of token_expires_in, the first token's own expiry (GitLab
// Enterprise Edition 18.10+, POST /user/runners only).

import (
	"fmt"
	"regexp"
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
)

func expiringRunner(m *acctest.Mock, expiresIn, trigger string) string {
	return runnerConfig(m, m.Seed.Group.OwnerToken, fmt.Sprintf(`  runner_type       = "group_type"
  group_id          = %d
  token_expires_in  = %q
  rotation_triggers = { rotated = %q }`, m.Seed.Group.ID, expiresIn, trigger))
}

// TestAccUserRunner_tokenExpiresIn: the first token expires when asked; a
// later change only updates the state (no request); a rotation gives the
// instance's expiry again, as GitLab does not keep the requested one.
func TestAccUserRunner_tokenExpiresIn(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithVersion("18.10.0-ee"))
	created := m.Clock.Now()
	var token string
	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config:           expiringRunner(m, "72h", "1"),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeTestCheckFunc(
				capture("token", &token),
				func(*terraform.State) error {
					if m.Stats().Requests("GET /version") == 0 {
						return fmt.Errorf("the create did not check the GitLab version")
					}
					return nil
				},
				checkMock(m, func(rec store.RunnerRecord) error {
					if rec.TokenExpiresAt == nil || !rec.TokenExpiresAt.Equal(created.Add(72*time.Hour)) {
						return fmt.Errorf("the mock's token expires at %v, want %s", rec.TokenExpiresAt, created.Add(72*time.Hour))
					}
					return nil
				}),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_in"), knownvalue.StringExact("72h")),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_at"),
					knownvalue.StringExact(created.Add(72*time.Hour).UTC().Format(time.RFC3339))),
			},
		},
		resource.TestStep{
			// A change applies at the next create: in place, and no request.
			PreConfig: func() { m.Stats().Reset() },
			Config:    expiringRunner(m, "96h", "1"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrPtr(address, "token", &token),
				func(*terraform.State) error {
					byRoute, total := m.OperationRequests()
					if n := total - byRoute["GET /runners/:id"] - scopeLists(byRoute); n != 0 {
						return fmt.Errorf("changing token_expires_in sent requests besides refreshes: %v", byRoute)
					}
					return nil
				},
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_in"), knownvalue.StringExact("96h")),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_at"),
					knownvalue.StringExact(created.Add(72*time.Hour).UTC().Format(time.RFC3339))),
			},
		},
		resource.TestStep{
			// GitLab does not keep it: a rotation follows the instance (no interval: no expiry).
			Config:           expiringRunner(m, "96h", "2"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_at"), knownvalue.Null()),
			},
		},
		resource.TestStep{
			ResourceName:            address,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: append([]string{"token_expires_in", "token_current"}, importVerifyIgnore...),
		},
	))
}

// TestAccUserRunner_tokenExpiresInRefused: at plan time, values outside
// GitLab's bounds, and servers that would silently ignore the setting (older
// EE, Community Edition); at apply, GitLab's own refusal explained.
func TestAccUserRunner_tokenExpiresInRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		version, expiresIn string
		want               *regexp.Regexp
	}{
		{"18.10.0-ee", "5m", acctest.Words(`token_expires_in = "5m" is too short: use a Go duration with units h, m or s longer than 5m0s and at most 360h0m0s`)},
		{"18.10.0-ee", "16d", acctest.Words(`token_expires_in = "16d" is not a duration`)},
		{"18.10.0-ee", "361h", acctest.Words(`token_expires_in = "361h" is too long`)},
		{"18.6.0-ee", "72h", acctest.Words(`token_expires_in needs GitLab Enterprise Edition 18.10 or later; the server is GitLab 18.6.0-ee (Enterprise Edition)`)},
		{"18.10.0", "72h", acctest.Words(`token_expires_in needs GitLab Enterprise Edition 18.10 or later; the server is GitLab 18.10.0 (Community Edition)`)},
	} {
		t.Run(c.version+" "+c.expiresIn, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t, acctest.WithVersion(c.version))
			resource.Test(t, testCase(t, m, resource.TestStep{
				Config:      expiringRunner(m, c.expiresIn, "1"),
				PlanOnly:    true,
				ExpectError: c.want,
			}))
		})
	}

	t.Run("beyond the instance interval", func(t *testing.T) {
		t.Parallel()
		m := acctest.StartMock(t, acctest.WithVersion("18.10.0-ee"))
		lifetime := int64(48 * 3600)
		m.Store().UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = &lifetime })
		resource.Test(t, testCase(t, m, resource.TestStep{
			Config: expiringRunner(m, "72h", "1"),
			ExpectError: acctest.Words(`400 Bad Request: token_expires_at is too far in the future (maximum is ` +
				m.Clock.Now().Add(48*time.Hour).UTC().Format(time.RFC3339) + `) (POST /user/runners). GitLab refuses the first token's expiry that token_expires_in asks for`),
		}))
	})
}

func deadlineRunner(m *acctest.Mock, expiresIn, deadline string) string {
	return runnerConfig(m, m.Seed.Group.OwnerToken, fmt.Sprintf(`  runner_type             = "group_type"
  group_id                = %d
  token_expires_in        = %q
  token_rotation_deadline = %q`, m.Seed.Group.ID, expiresIn, deadline))
}

// TestAccUserRunner_tokenRotationDeadline: the deadline reaches GitLab as the
// time that long after the create (the same duration as token_expires_in
// gives the same time, which disables rotation); a later change only
// updates the state, without a request.
func TestAccUserRunner_tokenRotationDeadline(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithVersion("18.10.0-ee"))
	created := m.Clock.Now()
	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config:           deadlineRunner(m, "72h", "72h"),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: checkMock(m, func(rec store.RunnerRecord) error {
				want := created.Add(72 * time.Hour)
				if rec.TokenRotationDeadline == nil || !rec.TokenRotationDeadline.Equal(want) || !rec.TokenExpiresAt.Equal(want) {
					return fmt.Errorf("the mock's token expires at %v with rotation deadline %v, want both %s", rec.TokenExpiresAt, rec.TokenRotationDeadline, want)
				}
				return nil
			}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_rotation_deadline"), knownvalue.StringExact("72h")),
			},
		},
		resource.TestStep{
			PreConfig: func() { m.Stats().Reset() },
			Config:    deadlineRunner(m, "72h", "24h"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				byRoute, total := m.OperationRequests()
				if n := total - byRoute["GET /runners/:id"] - scopeLists(byRoute); n != 0 {
					return fmt.Errorf("changing token_rotation_deadline sent requests besides refreshes: %v", byRoute)
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_rotation_deadline"), knownvalue.StringExact("24h")),
			},
		},
	))
}

// TestAccUserRunner_tokenRotationDeadlineRefused: at plan time, GitLab's
// limits (a deadline needs token_expires_in, comes no later than it, and is
// not in the past) and servers that would silently drop it.
func TestAccUserRunner_tokenRotationDeadlineRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, version, config string
		want                  *regexp.Regexp
	}{
		{"without expiry", "18.10.0-ee", `token_rotation_deadline = "48h"`,
			acctest.Words(`token_rotation_deadline = "48h" needs token_expires_in: GitLab answers "token_expires_at is required when token_rotation_deadline is specified"`)},
		{"after expiry", "18.10.0-ee", "token_expires_in = \"72h\"\n  token_rotation_deadline = \"73h\"",
			acctest.Words(`token_rotation_deadline = "73h" comes after token_expires_in = "72h": GitLab answers "token_rotation_deadline must be less than or equal to token_expires_at"`)},
		{"in the past", "18.10.0-ee", "token_expires_in = \"72h\"\n  token_rotation_deadline = \"-1h\"",
			acctest.Words(`token_rotation_deadline = "-1h" is not positive: use a Go duration with units h, m or s longer than 0s and at most 360h0m0s, such as "72h". GitLab refuses a rotation deadline in the past`)},
		{"older EE", "18.9.0-ee", "token_expires_in = \"72h\"\n  token_rotation_deadline = \"48h\"",
			acctest.Words(`token_rotation_deadline needs GitLab Enterprise Edition 18.10 or later; the server is GitLab 18.9.0-ee (Enterprise Edition)`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t, acctest.WithVersion(c.version))
			resource.Test(t, testCase(t, m, resource.TestStep{
				Config: runnerConfig(m, m.Seed.Group.OwnerToken, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d\n  %s",
					m.Seed.Group.ID, c.config)),
				PlanOnly:    true,
				ExpectError: c.want,
			}))
		})
	}
}
