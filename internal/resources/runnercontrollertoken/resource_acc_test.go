package runnercontrollertoken_test

// Acceptance tests of gitlabrunner_runner_controller_token against the mock
// coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/runnercontrollertoken -v

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const (
	address    = "gitlabrunner_runner_controller_token.router"
	controller = "gitlabrunner_runner_controller.gate"
)

// newGitLab is the GitLab of a test of runner controller tokens: the mock
// emulating version, or in live mode a GitLab that has runner controllers
// (Enterprise Edition 18.9+, Ultimate).
func newGitLab(t *testing.T, version string) *acctest.GitLab {
	g := acctest.NewGitLab(t, acctest.RequireVersion("18.9.0-ee"), acctest.WithMockVersion(version))
	g.NeedsRunnerControllers(t)
	return g
}

// withController is a controller and its token, rotated by trigger.
func withController(t *testing.T, g *acctest.GitLab, trigger string) string {
	return g.ProviderBlock(g.AdminToken(t)) + fmt.Sprintf(`
resource "gitlabrunner_runner_controller" "gate" {
  description = %q
  state       = "enabled"
}

resource "gitlabrunner_runner_controller_token" "router" {
  runner_controller_id = gitlabrunner_runner_controller.gate.id
  description          = %q
  rotation_triggers    = { rotated = %q }
}
`, g.Name("gate"), g.Name("job router"), trigger)
}

// token is a token of the existing controller controllerID.
func token(t *testing.T, g *acctest.GitLab, controllerID int64, extra string) string {
	return g.ProviderBlock(g.AdminToken(t)) + fmt.Sprintf(`
resource "gitlabrunner_runner_controller_token" "router" {
  runner_controller_id = %d
  description          = %q
%s
}
`, controllerID, g.Name("job router"), extra)
}

// captured holds a token's attributes between steps.
type captured struct{ id, tokenID, token string }

func capture(into *captured) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[address].Primary.Attributes
		*into = captured{id: a["id"], tokenID: a["token_id"], token: a["token"]}
		return nil
	}
}

// works checks the token in state and the older ones: GitLab lists the
// first as active and not the others; against the mock, its job router
// accepts the first only (GitLab has no API that tells).
func works(t *testing.T, g *acctest.GitLab, current *captured, old ...*captured) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[address].Primary.Attributes
		tok := a["token"]
		if !strings.HasPrefix(tok, "glrct-") {
			return fmt.Errorf("the token in state is not a runner controller token (glrct-…)")
		}
		ids, err := activeTokenIDs(g)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, a["token_id"]) {
			return fmt.Errorf("the token in state (id %s) is not active in GitLab (active: %v)", a["token_id"], ids)
		}
		for _, o := range old {
			if slices.Contains(ids, o.tokenID) {
				return fmt.Errorf("the previous token (id %s) is still active", o.tokenID)
			}
		}
		if err := g.MockCheck(t, acctest.StoreAccess, func(m *acctest.Mock) error {
			if !m.RunnerControllerTokenWorks(tok) {
				return fmt.Errorf("the token in state does not work at the job router")
			}
			for _, o := range old {
				if m.RunnerControllerTokenWorks(o.token) {
					return fmt.Errorf("the previous token (id %s) still works", o.tokenID)
				}
			}
			return nil
		})(s); err != nil {
			return err
		}
		return capture(current)(s)
	}
}

func activeTokenIDs(g *acctest.GitLab) ([]string, error) {
	ids, err := g.ActiveRunnerControllerTokenIDs()
	var out []string
	for _, id := range ids {
		out = append(out, strconv.FormatInt(id, 10))
	}
	return out, err
}

func activeTokens(g *acctest.GitLab, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := activeTokenIDs(g)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("active tokens in GitLab = %v, want %v", got, want)
		}
		return nil
	}
}

// TestAccRunnerControllerToken: minted with its controller; a trigger
// rotates it in place (the controller untouched; id kept, token_id and token
// new, the old token refused at once); import; a token revoked outside
// Terraform is minted again; destroy.
func TestAccRunnerControllerToken(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := newGitLab(t, "19.1.0-ee")
	var first, second, third captured
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnerControllersLeft(),
		Steps: []resource.TestStep{
			{
				Config: withController(t, g, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("description"), knownvalue.StringExact(g.Name("job router"))),
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New("token")),
				},
				Check: resource.ComposeTestCheckFunc(works(t, g, &first), func(s *terraform.State) error {
					cid := s.RootModule().Resources[controller].Primary.ID
					if first.id != cid+"/"+first.tokenID {
						return fmt.Errorf("id = %q, want <controller id>/<token id> = %s/%s", first.id, cid, first.tokenID)
					}
					return activeTokens(g, first.tokenID)(s)
				}),
			},
			{
				Config: withController(t, g, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(controller, plancheck.ResourceActionNoop),
						plancheck.ExpectUnknownValue(address, tfjsonpath.New("token_id")),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.NotNull()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(works(t, g, &second, &first), func(s *terraform.State) error {
					if second.id != first.id || second.tokenID == first.tokenID || second.token == first.token {
						return fmt.Errorf("after the rotation: id %s (was %s), token id %s (was %s); want the same id and a new token",
							second.id, first.id, second.tokenID, first.tokenID)
					}
					return activeTokens(g, second.tokenID)(s)
				}),
			},
			{
				ResourceName: address,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return strings.Split(second.id, "/")[0] + "/" + second.tokenID, nil
				},
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "token_id",
				ImportStateVerifyIgnore:              []string{"id", "token", "rotation_triggers"},
			},
			{
				// Revoked outside Terraform: it leaves the state and a new one is minted.
				PreConfig: func() {
					g.Call(t, http.MethodDelete, "/runner_controllers/"+strings.Split(second.id, "/")[0]+"/tokens/"+second.tokenID, nil)
				},
				Config: withController(t, g, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(works(t, g, &third, &second), func(s *terraform.State) error {
					return activeTokens(g, third.tokenID)(s)
				}),
			},
		},
	})
}

// TestAccRunnerControllerToken_importThenRotate: a token minted outside
// Terraform is imported (its value stays null: GitLab never shows it
// again); the first trigger rotates it, which gives the state a working
// token and stops the old one; destroy revokes it, and the controller,
// outside the configuration, stays.
func TestAccRunnerControllerToken_importThenRotate(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := newGitLab(t, "18.9.0-ee")
	ctl := g.CreateRunnerController(t, nil)
	outsideID, outsideToken := g.CreateRunnerControllerToken(t, ctl, g.Name("job router"))
	var rotated captured
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy: resource.ComposeTestCheckFunc(g.CheckNoActiveRunnerControllerTokens(), func(*terraform.State) error {
			if _, found, err := g.RunnerController(ctl); err != nil || !found {
				return fmt.Errorf("destroying the token deleted its controller (%v)", err)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config:             token(t, g, ctl, ""),
				ResourceName:       address,
				ImportState:        true,
				ImportStateId:      fmt.Sprintf("%d/%d", ctl, outsideID),
				ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 || s[0].Attributes["token"] != "" || s[0].Attributes["description"] != g.Name("job router") {
						return fmt.Errorf("imported %v, want one token without its value", s)
					}
					return nil
				},
			},
			{
				Config: token(t, g, ctl, `  rotation_triggers = { rotated = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d/%d", ctl, outsideID))),
				},
				Check: works(t, g, &rotated, &captured{token: outsideToken, tokenID: strconv.FormatInt(outsideID, 10)}),
			},
		},
	})
}

// TestAccRunnerControllerToken_refused: a plan that mints a token on a
// server or with a token that cannot have runner controllers fails, naming
// which (the checks are runnercontrollers'; the controller resource's test
// covers each kind). The servers are the mock's; the user any GitLab's.
func TestAccRunnerControllerToken_refused(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	for _, c := range []struct {
		name, version, summary, detail string // version "": any GitLab with runner controllers
		unlicensed, user               bool
	}{
		{"older GitLab", "18.8.0-ee", "Runner Controllers Not Available on This GitLab", "the server is GitLab 18.8.0-ee (Enterprise Edition)", false, false},
		{"Community Edition", "19.1.0", "Runner Controllers Not Available on This GitLab", "the server is GitLab 19.1.0 (Community Edition)", false, false},
		{"no licence", "19.1.0-ee", "Runner Controllers Not Licensed", "its licence does not include them", true, false},
		{"not an administrator", "", "Runner Controllers Need an Administrator", "GitLab answered 403 Forbidden", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var g *acctest.GitLab
			if c.version == "" {
				g = newGitLab(t, "19.1.0-ee")
			} else {
				g = acctest.NewGitLab(t, acctest.WithVersion(c.version))
				g.Mock(t, acctest.StoreAccess).Store().SetRunnerControllersLicensed(!c.unlicensed)
			}
			cfg := token(t, g, 1, "")
			if c.user {
				cfg = strings.Replace(cfg, g.AdminToken(t), g.NonAdminToken(t), 1)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(g.Now),
				Steps:                    []resource.TestStep{{Config: cfg, PlanOnly: true, ExpectError: acctest.ErrorWith(c.summary, c.detail)}},
			})
		})
	}
}
