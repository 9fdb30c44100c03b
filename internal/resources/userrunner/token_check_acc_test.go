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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// tokenLifetime is the group runner token expiration interval of these
// tests: every rotation then moves the token's expiry.
const tokenLifetime = 30 * 24 * time.Hour

// startExpiringMock is a mock whose group runner tokens expire.
func startExpiringMock(t *testing.T) *acctest.Mock {
	m := acctest.StartMock(t)
	seconds := int64(tokenLifetime / time.Second)
	m.Store().UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = &seconds })
	return m
}

// rotateOutside rotates the token of the runner in state behind Terraform's
// back, as the runner host or as an administrator, and returns the new token.
type rotateOutside func(t *testing.T, m *acctest.Mock, runnerID int64, token string) string

var rotations = map[string]rotateOutside{
	"by the runner": func(t *testing.T, m *acctest.Mock, _ int64, token string) string {
		status, rotated := m.RotateAsRunner(t, token)
		if status != 201 || rotated == "" {
			t.Fatalf("POST /runners/reset_authentication_token with the token in state answered %d", status)
		}
		return rotated
	},
	"by an administrator": func(t *testing.T, m *acctest.Mock, id int64, _ string) string {
		admin, err := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := admin.ResetRunnerToken(id)
		if err != nil {
			t.Fatalf("an administrator's POST /runners/%d/reset_authentication_token: %v", id, err)
		}
		return tok.Token
	},
}

// outsideRotation follows one runner through a rotation behind Terraform's
// back: its id, the token Terraform got, and the token minted outside.
type outsideRotation struct {
	id, first, outside string
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

// rotateADayLater is a PreConfig: a day passes (so the new token expires at
// another time), then rotate mints a token outside Terraform.
func (o *outsideRotation) rotateADayLater(t *testing.T, m *acctest.Mock, rotate rotateOutside) func() {
	return func() {
		m.Clock.Advance(24 * time.Hour)
		runnerID, _ := strconv.ParseInt(o.id, 10, 64)
		o.outside = rotate(t, m, runnerID, o.first)
	}
}

func checkedRunner(m *acctest.Mock, onStale string) string {
	body := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  token_check = "graphql"`, m.Seed.Group.ID)
	if onStale != "" {
		body += fmt.Sprintf("\n  on_stale_token = %q", onStale)
	}
	return runnerConfig(m, m.Seed.Group.OwnerToken, body)
}

// verifies checks that POST /runners/verify (what `gitlab-runner register`
// sends) answers want for the token *tok (read when the check runs).
func verifies(m *acctest.Mock, t *testing.T, what string, tok *string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := m.VerifyStatus(t, *tok, "s_0123456789ab"); got != want {
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
			t.Parallel()
			m := startExpiringMock(t)
			config := checkedRunner(m, "rotate")
			var o outsideRotation
			var fresh string
			resource.Test(t, testCase(t, m,
				o.created(config, statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Bool(true))),
				resource.TestStep{
					PreConfig: o.rotateADayLater(t, m, rotate),
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
						verifies(m, t, "the token in state", &fresh, 200),
						verifies(m, t, "the token Terraform had before", &o.first, 403),
						verifies(m, t, "the token rotated outside Terraform", &o.outside, 403),
						checkMock(m, func(rec store.RunnerRecord) error {
							if rec.Token != fresh {
								return fmt.Errorf("the token in state is not the runner's current token")
							}
							return nil
						}),
					),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_at"),
							knownvalue.StringExact(m.Clock.Now().Add(24*time.Hour+tokenLifetime).UTC().Format(time.RFC3339))),
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
			t.Parallel()
			m := startExpiringMock(t)
			config := checkedRunner(m, "")
			var o outsideRotation
			resource.Test(t, testCase(t, m,
				o.created(config),
				resource.TestStep{
					PreConfig: o.rotateADayLater(t, m, rotate),
					Config:    config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttrPtr(address, "token", &o.first),
						verifies(m, t, "the (stale) token in state", &o.first, 403),
						verifies(m, t, "the runner's current token", &o.outside, 200),
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
	t.Parallel()
	m := startExpiringMock(t)
	plain := runnerConfig(m, m.Seed.Group.OwnerToken, fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d`, m.Seed.Group.ID))
	checked := checkedRunner(m, "rotate")

	// onlyRefreshRequests checks that the plans of a PlanOnly step sent
	// only GET /runners/:id and, with graphql, as many GraphQL queries
	// (besides the scope lists of scopeLists).
	onlyRefreshRequests := func(graphql bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			byRoute, total := m.OperationRequests()
			gets, queries := byRoute["GET /runners/:id"], byRoute["POST /api/graphql"]
			others := total - gets - queries - scopeLists(byRoute)
			if gets == 0 || others != 0 || (graphql && queries != gets) || (!graphql && queries != 0) {
				return fmt.Errorf("refreshes sent %v; want only GET /runners/:id (and, with token_check = \"graphql\", one "+
					"POST /api/graphql per GET)", byRoute)
			}
			return nil
		}
	}
	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config:           plain,
			ConfigPlanChecks: emptyPlanAfterApply,
			// Creation settings need GET /version only when one is set.
			Check: func(*terraform.State) error {
				if n := m.Stats().Requests("GET /version"); n != 0 {
					return fmt.Errorf("a create without creation settings asked GET /version %d times", n)
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_current"), knownvalue.Null()),
			},
		},
		resource.TestStep{
			PreConfig: func() { m.Clock.Advance(24 * time.Hour); m.Stats().Reset() },
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
			PreConfig: func() { m.Clock.Advance(24 * time.Hour); m.Stats().Reset() },
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
