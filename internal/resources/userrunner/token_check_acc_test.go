package userrunner_test

// Acceptance tests of tokens rotated behind Terraform's back: by the runner
// itself (POST /runners/reset_authentication_token with the token, as
// gitlab-runner does at 75% of the token's lifetime) and by an administrator
// (POST /runners/:id/reset_authentication_token). The warning the plan shows
// is pinned by TestPlanWarnsAboutStaleToken (the testing framework does not
// expose warnings).

import (
	"fmt"
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
)

// tokenLifetime is the group runner token expiration interval of these
// tests: every rotation then moves the token's expiry.
const tokenLifetime = 30 * 24 * time.Hour

// startExpiring is a GitLab whose group runner tokens expire (an instance
// setting: in live mode the test runs alone and puts it back).
func startExpiring(t *testing.T) *acctest.GitLab {
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	g.UpdateInstanceSettings(t, map[string]any{"group_runner_token_expiration_interval": int64(tokenLifetime / time.Second)})
	return g
}

// rotateOutside rotates the token of the runner in state behind Terraform's
// back, as the runner host or as an administrator, and returns the new token.
type rotateOutside func(t *testing.T, g *acctest.GitLab, runnerID int64, token string) string

var rotations = map[string]rotateOutside{
	"by the runner": func(t *testing.T, g *acctest.GitLab, _ int64, token string) string {
		status, rotated := g.RotateAsRunner(t, token)
		if status != 201 || rotated == "" {
			t.Fatalf("POST /runners/reset_authentication_token with the token in state answered %d", status)
		}
		return rotated
	},
	"by an administrator": func(t *testing.T, g *acctest.GitLab, id int64, _ string) string {
		return g.ResetRunnerToken(t, id)
	},
}

// outsideRotation follows one runner through a rotation behind Terraform's
// back: its id, the token Terraform got, and the token minted outside.
type outsideRotation struct {
	id, first, outside string
	at                 time.Time // when the token was rotated outside, at the earliest
}

// created is the first step: create the runner and remember id and token.
func (o *outsideRotation) created(config string, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config:            config,
		ConfigPlanChecks:  emptyPlanAfterApply,
		Check:             resource.ComposeTestCheckFunc(capture("id", &o.id), capture("token", &o.first)),
		ConfigStateChecks: checks,
	}
}

// rotateADayLater is a PreConfig: a day passes on the mock's clock (so the
// new token expires at another time; in live mode the seconds since the
// create do), then rotate mints a token outside Terraform.
func (o *outsideRotation) rotateADayLater(t *testing.T, g *acctest.GitLab, rotate rotateOutside) func() {
	return func() {
		g.OnMock(func(m *acctest.Mock) { m.Clock.Advance(24 * time.Hour) })()
		if g.Live() {
			// The new token must expire at another second than the first:
			// GitLab's expiry has whole seconds.
			time.Sleep(1100 * time.Millisecond)
		}
		o.at = g.Now()
		runnerID, _ := strconv.ParseInt(o.id, 10, 64)
		o.outside = rotate(t, g, runnerID, o.first)
	}
}

func checkedRunner(t *testing.T, g *acctest.GitLab, onStale string) string {
	body := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  token_check = "graphql"`, g.GroupID(t)) + defaultDescription(g)
	if onStale != "" {
		body += fmt.Sprintf("\n  on_stale_token = %q", onStale)
	}
	return runnerConfig(g, g.OwnerToken(t), body)
}

// verifies checks that POST /runners/verify (what `gitlab-runner register`
// sends) answers want for the token *tok (read when the check runs).
func verifies(g *acctest.GitLab, t *testing.T, what string, tok *string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := g.VerifyStatus(t, *tok, "s_0123456789ab"); got != want {
			return fmt.Errorf("POST /runners/verify with %s answered %d, want %d", what, got, want)
		}
		return nil
	}
}

// TestAccUserRunner_staleTokenRotate: with on_stale_token = "rotate", a token
// rotated outside Terraform is noticed by the next refresh, the plan rotates
// it in place, the apply stores a token GitLab accepts (the previous ones are
// refused), and the plan after that is empty.
func TestAccUserRunner_staleTokenRotate(t *testing.T) {
	for name, rotate := range rotations {
		t.Run(name, func(t *testing.T) {
			acctest.ParallelOnMock(t)
			g := startExpiring(t)
			config := checkedRunner(t, g, "rotate")
			var o outsideRotation
			var fresh string
			resource.Test(t, testCase(t, g,
				o.created(config, statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Bool(true))),
				resource.TestStep{
					PreConfig: o.rotateADayLater(t, g, rotate),
					Config:    config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
							plancheck.ExpectUnknownValue(address, tfjsonpath.New("token")),
							plancheck.ExpectUnknownValue(address, tfjsonpath.New("token_expires_at")),
							plancheck.ExpectUnknownValue(address, tfjsonpath.New("token_current")),
						},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttrPtr(address, "id", &o.id), // rotated in place, not replaced
						capture("token", &fresh),
						func(*terraform.State) error {
							if fresh == o.first || fresh == o.outside {
								return fmt.Errorf("the apply did not store a fresh token")
							}
							return nil
						},
						verifies(g, t, "the token in state", &fresh, 200),
						verifies(g, t, "the token Terraform had before", &o.first, 403),
						verifies(g, t, "the token rotated outside Terraform", &o.outside, 403),
						g.CheckAgreement(t, userRunnerType), // the token in state is the runner's
						// The fresh token's lifetime starts with the apply.
						resource.TestCheckResourceAttrWith(address, "token_expires_at", func(v string) error {
							at, err := time.Parse(time.RFC3339, v)
							if err != nil {
								return err
							}
							earliest, latest := o.at.Add(tokenLifetime).Truncate(time.Second), g.Now().Add(tokenLifetime)
							if at.Before(earliest) || at.After(latest) {
								return fmt.Errorf("token_expires_at = %s, want between %s and %s", v, earliest.Format(time.RFC3339), latest.Format(time.RFC3339))
							}
							return nil
						}),
					),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Bool(true)),
					},
				},
				resource.TestStep{Config: config, PlanOnly: true},
			))
		})
	}
}

// TestAccUserRunner_staleTokenWarn: with the default on_stale_token
// ("warn"), a token rotated outside Terraform changes nothing: the plan is
// empty, the token in state stays (and GitLab refuses it), and token_current
// says false so that a check block can hold back a rollout.
func TestAccUserRunner_staleTokenWarn(t *testing.T) {
	for name, rotate := range rotations {
		t.Run(name, func(t *testing.T) {
			acctest.ParallelOnMock(t)
			g := startExpiring(t)
			config := checkedRunner(t, g, "")
			var o outsideRotation
			resource.Test(t, testCase(t, g,
				o.created(config),
				resource.TestStep{
					PreConfig: o.rotateADayLater(t, g, rotate),
					Config:    config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttrPtr(address, "token", &o.first),
						verifies(g, t, "the (stale) token in state", &o.first, 403),
						verifies(g, t, "the runner's current token", &o.outside, 200),
					),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Bool(false)),
					},
				},
				// Still stale, still nothing planned.
				resource.TestStep{Config: config, PlanOnly: true},
			))
		})
	}
}

// TestAccUserRunner_untouchedToken: a token nobody touched plans nothing; a
// refresh costs one GET /runners/:id without the opt-in check, plus one
// GraphQL query with it, and nothing else (never POST /runners/verify).
func TestAccUserRunner_untouchedToken(t *testing.T) {
	acctest.ParallelOnMock(t)
	g := startExpiring(t)
	plain := runnerConfig(g, g.OwnerToken(t), fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d`, g.GroupID(t))+defaultDescription(g))
	checked := checkedRunner(t, g, "rotate")
	// A day passes on the mock's clock (in live mode, the seconds between
	// steps do); the requests of the plan that follows are counted.
	aDayLater := func() { g.OnMock(func(m *acctest.Mock) { m.Clock.Advance(24 * time.Hour) })(); g.Stats().Reset() }

	// onlyRefreshRequests checks that the plans of a PlanOnly step sent
	// only GET /runners/:id and, with graphql, as many GraphQL queries
	// (besides the scope lists of scopeLists).
	onlyRefreshRequests := func(graphql bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			byRoute, total := g.OperationRequests()
			gets, queries := byRoute["GET /runners/:id"], byRoute["POST /api/graphql"]
			others := total - gets - queries - scopeLists(byRoute)
			if gets == 0 || others != 0 || (graphql && queries != gets) || (!graphql && queries != 0) {
				return fmt.Errorf("refreshes sent %v; want only GET /runners/:id (and, with token_check = \"graphql\", one "+
					"POST /api/graphql per GET)", byRoute)
			}
			return nil
		}
	}
	resource.Test(t, testCase(t, g,
		resource.TestStep{
			Config:           plain,
			ConfigPlanChecks: emptyPlanAfterApply,
			// Creation settings need GET /version only when one is set.
			Check: func(*terraform.State) error {
				if n := g.Stats().Requests("GET /version"); n != 0 {
					return fmt.Errorf("a create without creation settings asked GET /version %d times", n)
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Null()),
			},
		},
		resource.TestStep{
			PreConfig: aDayLater,
			Config:    plain,
			PlanOnly:  true,
		},
		resource.TestStep{
			// Check runs after the next step's plan only; so count here.
			PreConfig: func() {
				if err := onlyRefreshRequests(false)(nil); err != nil {
					t.Error(err)
				}
			},
			Config:           checked,
			ConfigPlanChecks: emptyPlanAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Bool(true)),
			},
		},
		resource.TestStep{
			PreConfig: aDayLater,
			Config:    checked,
			PlanOnly:  true,
		},
		resource.TestStep{
			PreConfig: func() {
				if err := onlyRefreshRequests(true)(nil); err != nil {
					t.Error(err)
				}
			},
			ResourceName:            address,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: append([]string{"token_check", "on_stale_token", "token_current"}, importVerifyIgnore...),
		},
	))
}
