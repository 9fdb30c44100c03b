package runnercontrollertoken_test

// Acceptance tests of gitlabrunner_runner_controller_token against the mock
// coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/runnercontrollertoken -v

import (
	"fmt"
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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const (
	address    = "gitlabrunner_runner_controller_token.router"
	controller = "gitlabrunner_runner_controller.gate"
)

// withController is a controller and its token, rotated by trigger.
func withController(m *acctest.Mock, trigger string) string {
	return m.ProviderBlock(m.Seed.AdminToken) + `
resource "gitlabrunner_runner_controller" "gate" {
  state = "enabled"
}

resource "gitlabrunner_runner_controller_token" "router" {
  runner_controller_id = gitlabrunner_runner_controller.gate.id
  description          = "job router"
  rotation_triggers    = { rotated = "` + trigger + `" }
}
`
}

// token is a token of the existing controller controllerID.
func token(m *acctest.Mock, controllerID int64, extra string) string {
	return m.ProviderBlock(m.Seed.AdminToken) + fmt.Sprintf(`
resource "gitlabrunner_runner_controller_token" "router" {
  runner_controller_id = %d
  description          = "job router"
%s
}
`, controllerID, extra)
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

// works checks what the job router says of the token in state and of others.
func works(m *acctest.Mock, current *captured, old ...*captured) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		tok := s.RootModule().Resources[address].Primary.Attributes["token"]
		if !strings.HasPrefix(tok, "glrct-") || !m.RunnerControllerTokenWorks(tok) {
			return fmt.Errorf("the token in state does not work at the job router")
		}
		for _, o := range old {
			if m.RunnerControllerTokenWorks(o.token) {
				return fmt.Errorf("the previous token (id %s) still works", o.tokenID)
			}
		}
		return capture(current)(s)
	}
}

func activeTokens(m *acctest.Mock, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, id := range m.Store().ActiveRunnerControllerTokenIDs() {
			got = append(got, strconv.FormatInt(id, 10))
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("active tokens in the mock = %v, want %v", got, want)
		}
		return nil
	}
}

func admin(t *testing.T, m *acctest.Mock) *store.Caller {
	c, err := m.Store().Authenticate(m.Seed.AdminToken)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAccRunnerControllerToken: minted with its controller; a trigger
// rotates it in place (the controller untouched; id kept, token_id and token
// new, the old token refused at once); import; a token revoked outside
// Terraform is minted again; destroy.
func TestAccRunnerControllerToken(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithVersion("19.1.0-ee"))
	var first, second, third captured
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             m.CheckNoRunnerControllersLeft(),
		Steps: []resource.TestStep{
			{
				Config: withController(m, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("description"), knownvalue.StringExact("job router")),
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New("token")),
				},
				Check: resource.ComposeTestCheckFunc(works(m, &first), func(s *terraform.State) error {
					cid := s.RootModule().Resources[controller].Primary.ID
					if first.id != cid+"/"+first.tokenID {
						return fmt.Errorf("id = %q, want <controller id>/<token id> = %s/%s", first.id, cid, first.tokenID)
					}
					return activeTokens(m, first.tokenID)(s)
				}),
			},
			{
				Config: withController(m, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(controller, plancheck.ResourceActionNoop),
						plancheck.ExpectUnknownValue(address, tfjsonpath.New("token_id")),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.NotNull()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(works(m, &second, &first), func(s *terraform.State) error {
					if second.id != first.id || second.tokenID == first.tokenID || second.token == first.token {
						return fmt.Errorf("after the rotation: id %s (was %s), token id %s (was %s); want the same id and a new token",
							second.id, first.id, second.tokenID, first.tokenID)
					}
					return activeTokens(m, second.tokenID)(s)
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
					cid, _ := strconv.ParseInt(strings.Split(second.id, "/")[0], 10, 64)
					tid, _ := strconv.ParseInt(second.tokenID, 10, 64)
					if err := admin(t, m).RevokeRunnerControllerToken(cid, tid); err != nil {
						t.Fatal(err)
					}
				},
				Config: withController(m, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(works(m, &third, &second), func(s *terraform.State) error {
					return activeTokens(m, third.tokenID)(s)
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
	m := acctest.StartMock(t, acctest.WithVersion("18.9.0-ee"))
	ctl, err := admin(t, m).CreateRunnerController(store.RunnerControllerChanges{})
	if err != nil {
		t.Fatal(err)
	}
	outside, err := admin(t, m).CreateRunnerControllerToken(ctl.ID, new("job router"))
	if err != nil {
		t.Fatal(err)
	}
	var rotated captured
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy: resource.ComposeTestCheckFunc(m.CheckNoActiveRunnerControllerTokens(), func(*terraform.State) error {
			if _, ok := m.Store().RunnerController(ctl.ID); !ok {
				return fmt.Errorf("destroying the token deleted its controller")
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config:             token(m, ctl.ID, ""),
				ResourceName:       address,
				ImportState:        true,
				ImportStateId:      fmt.Sprintf("%d/%d", ctl.ID, outside.ID),
				ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 || s[0].Attributes["token"] != "" || s[0].Attributes["description"] != "job router" {
						return fmt.Errorf("imported %v, want one token without its value", s)
					}
					return nil
				},
			},
			{
				Config: token(m, ctl.ID, `  rotation_triggers = { rotated = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d/%d", ctl.ID, outside.ID))),
				},
				Check: works(m, &rotated, &captured{token: outside.Token, tokenID: strconv.FormatInt(outside.ID, 10)}),
			},
		},
	})
}

// TestAccRunnerControllerToken_refused: a plan that mints a token on a
// server or with a token that cannot have runner controllers fails, naming
// which (the checks are runnercontrollers'; the controller resource's test
// covers each kind).
func TestAccRunnerControllerToken_refused(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	for _, c := range []struct {
		name, version, summary, detail string
		unlicensed, user               bool
	}{
		{"older GitLab", "18.8.0-ee", "Runner Controllers Not Available on This GitLab", "the server is GitLab 18.8.0-ee (Enterprise Edition)", false, false},
		{"Community Edition", "19.1.0", "Runner Controllers Not Available on This GitLab", "the server is GitLab 19.1.0 (Community Edition)", false, false},
		{"no licence", "19.1.0-ee", "Runner Controllers Not Licensed", "its licence does not include them", true, false},
		{"not an administrator", "19.1.0-ee", "Runner Controllers Need an Administrator", "GitLab answered 403 Forbidden", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t, acctest.WithVersion(c.version))
			m.Store().SetRunnerControllersLicensed(!c.unlicensed)
			cfg := token(m, 1, "")
			if c.user {
				cfg = strings.Replace(cfg, m.Seed.AdminToken, m.Seed.NonAdminToken, 1)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(m.Now),
				Steps:                    []resource.TestStep{{Config: cfg, PlanOnly: true, ExpectError: acctest.ErrorWith(c.summary, c.detail)}},
			})
		})
	}
}
