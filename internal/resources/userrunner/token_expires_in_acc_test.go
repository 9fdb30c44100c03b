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

func expiringRunner(t *testing.T, g *acctest.GitLab, expiresIn, trigger string) string {
	return runnerConfig(g, g.OwnerToken(t), fmt.Sprintf(`  runner_type       = "group_type"
  group_id          = %d
  token_expires_in  = %q
  rotation_triggers = { rotated = %q }`, g.GroupID(t), expiresIn, trigger)+defaultDescription(g))
}

// expiresIn wants token_expires_at d after a create made between from and
// now (the same instant on the mock's clock).
func expiresIn(g *acctest.GitLab, from *time.Time, d time.Duration) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(address, "token_expires_at", func(v string) error {
		at, err := time.Parse(time.RFC3339, v)
		earliest, latest := from.Add(d).Truncate(time.Second), g.Now().Add(d)
		if err != nil || at.Before(earliest) || at.After(latest) {
			return fmt.Errorf("token_expires_at = %q, want between %s and %s", v, earliest.Format(time.RFC3339), latest.Format(time.RFC3339))
		}
		return nil
	})
}

// TestAccUserRunner_tokenExpiresIn: the first token expires when asked; a
// later change only updates the state (no request); a rotation gives the
// instance's expiry again, as GitLab does not keep the requested one.
func TestAccUserRunner_tokenExpiresIn(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.RequireVersion("18.10.0-ee"))
	// After a rotation the token expires as the instance says.
	settings, err := g.InstanceSettings()
	if err != nil {
		t.Fatal(err)
	}
	var afterRotation knownvalue.Check = knownvalue.Null()
	if v := fmt.Sprint(settings["group_runner_token_expiration_interval"]); v != "<nil>" && v != "0" {
		afterRotation = knownvalue.NotNull()
	}
	var token, expiresAt string
	var from time.Time
	resource.Test(t, testCase(t, g,
		resource.TestStep{
			PreConfig:        func() { from = g.Now() },
			Config:           expiringRunner(t, g, "72h", "1"),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeTestCheckFunc(
				capture("token", &token),
				capture("token_expires_at", &expiresAt),
				expiresIn(g, &from, 72*time.Hour),
				func(*terraform.State) error {
					if g.Stats().Requests("GET /version") == 0 {
						return fmt.Errorf("the create did not check the GitLab version")
					}
					return nil
				},
				// GitLab shows the expiry only in the create's answer and in
				// GraphQL: the mock's record says it is the runner's.
				func(s *terraform.State) error {
					return g.MockCheck(t, acctest.StoreAccess, func(m *acctest.Mock) error {
						id, err := stateRunnerID(s)
						if err != nil {
							return err
						}
						rec, _ := m.Runner(id)
						if rec.TokenExpiresAt == nil || rec.TokenExpiresAt.UTC().Format(time.RFC3339) != expiresAt {
							return fmt.Errorf("the mock's token expires at %v, the state says %s", rec.TokenExpiresAt, expiresAt)
						}
						return nil
					})(s)
				},
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_in"), knownvalue.StringExact("72h")),
			},
		},
		resource.TestStep{
			// A change applies at the next create: in place, and no request.
			PreConfig: func() { g.Stats().Reset() },
			Config:    expiringRunner(t, g, "96h", "1"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrPtr(address, "token", &token),
				resource.TestCheckResourceAttrPtr(address, "token_expires_at", &expiresAt),
				func(*terraform.State) error {
					byRoute, total := g.OperationRequests()
					if n := total - byRoute["GET /runners/:id"] - recoveryReads(g, byRoute); n != 0 {
						return fmt.Errorf("changing token_expires_in sent requests besides refreshes: %v", byRoute)
					}
					return nil
				},
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_in"), knownvalue.StringExact("96h")),
			},
		},
		resource.TestStep{
			// GitLab does not keep it: a rotation follows the instance (the
			// mock's: no interval, no expiry).
			Config:           expiringRunner(t, g, "96h", "2"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_at"), afterRotation),
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
// GitLab's bounds (on any GitLab), and servers that would silently ignore
// the setting (older EE, Community Edition: emulated by the mock); at apply,
// GitLab's own refusal explained (the mock's instance interval).
func TestAccUserRunner_tokenExpiresInRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		version, expiresIn string // version "": any GitLab
		want               *regexp.Regexp
	}{
		{"", "5m", acctest.Words(`token_expires_in = "5m" is too short: use a Go duration with units h, m or s longer than 5m0s and at most 360h0m0s`)},
		{"", "16d", acctest.Words(`token_expires_in = "16d" is not a duration`)},
		{"", "361h", acctest.Words(`token_expires_in = "361h" is too long`)},
		{"18.6.0-ee", "72h", acctest.Words(`token_expires_in needs GitLab Enterprise Edition 18.10 or later; the server is GitLab 18.6.0-ee (Enterprise Edition)`)},
		{"18.10.0", "72h", acctest.Words(`token_expires_in needs GitLab Enterprise Edition 18.10 or later; the server is GitLab 18.10.0 (Community Edition)`)},
	} {
		name := c.version
		if name == "" {
			name = "any GitLab"
		}
		t.Run(name+" "+c.expiresIn, func(t *testing.T) {
			t.Parallel()
			var opts []acctest.MockOption
			if c.version != "" {
				opts = append(opts, acctest.WithVersion(c.version))
			}
			g := acctest.NewGitLab(t, opts...)
			resource.Test(t, testCase(t, g, resource.TestStep{
				Config:      expiringRunner(t, g, c.expiresIn, "1"),
				PlanOnly:    true,
				ExpectError: c.want,
			}))
		})
	}

	t.Run("beyond the instance interval", func(t *testing.T) {
		t.Parallel()
		g := acctest.NewGitLab(t, acctest.WithVersion("18.10.0-ee"))
		m := g.Mock(t, acctest.StoreAccess, acctest.MockClock)
		lifetime := int64(48 * 3600)
		m.Store().UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = &lifetime })
		resource.Test(t, testCase(t, g, resource.TestStep{
			Config: expiringRunner(t, g, "72h", "1"),
			ExpectError: acctest.Words(`400 Bad Request: token_expires_at is too far in the future (maximum is ` +
				m.Clock.Now().Add(48*time.Hour).UTC().Format(time.RFC3339) + `) (POST /user/runners). GitLab refuses the first token's expiry that token_expires_in asks for`),
		}))
	})
}

func deadlineRunner(t *testing.T, g *acctest.GitLab, expiresIn, deadline string) string {
	return runnerConfig(g, g.OwnerToken(t), fmt.Sprintf(`  runner_type             = "group_type"
  group_id                = %d
  token_expires_in        = %q
  token_rotation_deadline = %q`, g.GroupID(t), expiresIn, deadline)+defaultDescription(g))
}

// TestAccUserRunner_tokenRotationDeadline: the deadline reaches GitLab as the
// time that long after the create (the same duration as token_expires_in
// gives the same time, which disables rotation); a later change only
// updates the state, without a request.
func TestAccUserRunner_tokenRotationDeadline(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.RequireVersion("18.10.0-ee"))
	created := g.Now()
	resource.Test(t, testCase(t, g,
		resource.TestStep{
			Config:           deadlineRunner(t, g, "72h", "72h"),
			ConfigPlanChecks: emptyPlanAfterApply,
			// GitLab shows neither the expiry nor the deadline but in the
			// create's answer and GraphQL: the mock's record has them.
			Check: func(s *terraform.State) error {
				return g.MockCheck(t, acctest.StoreAccess, func(m *acctest.Mock) error {
					return checkMock(m, func(rec store.RunnerRecord) error {
						want := created.Add(72 * time.Hour)
						if rec.TokenRotationDeadline == nil || !rec.TokenRotationDeadline.Equal(want) || !rec.TokenExpiresAt.Equal(want) {
							return fmt.Errorf("the mock's token expires at %v with rotation deadline %v, want both %s", rec.TokenExpiresAt, rec.TokenRotationDeadline, want)
						}
						return nil
					})(s)
				})(s)
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_rotation_deadline"), knownvalue.StringExact("72h")),
			},
		},
		resource.TestStep{
			PreConfig: func() { g.Stats().Reset() },
			Config:    deadlineRunner(t, g, "72h", "24h"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				byRoute, total := g.OperationRequests()
				if n := total - byRoute["GET /runners/:id"] - recoveryReads(g, byRoute); n != 0 {
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
// not in the past; on any GitLab 18.10 EE+) and servers that would silently
// drop it (an older EE: emulated by the mock).
func TestAccUserRunner_tokenRotationDeadlineRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, version, config string
		want                  *regexp.Regexp
	}{
		{"without expiry", "", `token_rotation_deadline = "48h"`,
			acctest.Words(`token_rotation_deadline = "48h" needs token_expires_in: GitLab answers "token_expires_at is required when token_rotation_deadline is specified"`)},
		{"after expiry", "", "token_expires_in = \"72h\"\n  token_rotation_deadline = \"73h\"",
			acctest.Words(`token_rotation_deadline = "73h" comes after token_expires_in = "72h": GitLab answers "token_rotation_deadline must be less than or equal to token_expires_at"`)},
		{"in the past", "", "token_expires_in = \"72h\"\n  token_rotation_deadline = \"-1h\"",
			acctest.Words(`token_rotation_deadline = "-1h" is not positive: use a Go duration with units h, m or s longer than 0s and at most 360h0m0s, such as "72h". GitLab refuses a rotation deadline in the past`)},
		{"older EE", "18.9.0-ee", "token_expires_in = \"72h\"\n  token_rotation_deadline = \"48h\"",
			acctest.Words(`token_rotation_deadline needs GitLab Enterprise Edition 18.10 or later; the server is GitLab 18.9.0-ee (Enterprise Edition)`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			opt := acctest.RequireVersion("18.10.0-ee") // "": on any GitLab 18.10 EE or later
			if c.version != "" {
				opt = acctest.WithVersion(c.version)
			}
			g := acctest.NewGitLab(t, opt)
			resource.Test(t, testCase(t, g, resource.TestStep{
				Config: runnerConfig(g, g.OwnerToken(t), fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d\n  %s",
					g.GroupID(t), c.config)+defaultDescription(g)),
				PlanOnly:    true,
				ExpectError: c.want,
			}))
		})
	}
}
