package datasources_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// controllersGitLab is the GitLab of a test of runner controllers: the mock
// emulating version, or in live mode a GitLab that has them (Enterprise
// Edition 18.9+, Ultimate).
func controllersGitLab(t *testing.T, version string) *acctest.GitLab {
	g := newGitLab(t, acctest.RequireVersion("18.9.0-ee"), acctest.WithMockVersion(version))
	g.NeedsRunnerControllers(t)
	return g
}

// TestAccRunnerControllerDataSources: one controller, every controller (and
// those of one state) and a controller's scopes, as GitLab holds them; the
// connected flag follows the job router's use of a token (the mock's: in
// live mode nothing uses the token, and the controller with the instance
// scope stays in dry run, deciding nothing).
func TestAccRunnerControllerDataSources(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := controllersGitLab(t, "19.1.0-ee")
	state := "enabled"
	if g.Live() {
		state = "dry_run"
	}
	gateName := g.Name("gate")
	gate := g.CreateRunnerController(t, map[string]any{"description": gateName, "state": state})
	bare := g.CreateRunnerController(t, map[string]any{"description": g.Name("")})
	_, tok := g.CreateRunnerControllerToken(t, gate, g.Name("router"))
	connected := knownvalue.Bool(false)
	g.OnMock(func(m *acctest.Mock) {
		if _, err := m.Store().AuthenticateRunnerControllerToken(tok); err != nil {
			t.Fatal(err)
		}
		connected = knownvalue.Bool(true)
	})()
	runner, _ := g.CreateRunner(t, g.AdminToken(t), map[string]any{"runner_type": "instance_type", "description": g.Name("instance")})
	g.Call(t, http.MethodPost, fmt.Sprintf("/runner_controllers/%d/scopes/instance", gate), nil)
	g.Call(t, http.MethodPost, fmt.Sprintf("/runner_controllers/%d/scopes/runners/%d", bare, runner), nil)
	cfg := g.ProviderBlock(g.AdminToken(t)) + fmt.Sprintf(`
data "gitlabrunner_runner_controller" "gate" {
  id = %d
}
data "gitlabrunner_runner_controllers" "all" {}
data "gitlabrunner_runner_controllers" "state" {
  state = %q
}
data "gitlabrunner_runner_controller_scopes" "gate" {
  runner_controller_id = %d
}
data "gitlabrunner_runner_controller_scopes" "bare" {
  runner_controller_id = %d
}
`, gate, state, gate, bare)
	var at knownvalue.Check = knownvalue.StringExact("2026-01-01T00:00:00Z")
	bareDescription := ""
	if g.Live() {
		at = knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))
		bareDescription = g.Name("")
	}
	all := "data.gitlabrunner_runner_controllers.all"
	bareAt := tfjsonpath.New("runner_controllers").AtSliceIndex(1)
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("description"), knownvalue.StringExact(gateName)),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("state"), knownvalue.StringExact(state)),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("connected"), connected),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("updated_at"), at),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.gate", tfjsonpath.New("instance"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.gate", tfjsonpath.New("instance_created_at"), at),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.gate", tfjsonpath.New("runner_ids"), knownvalue.ListExact(nil)),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.bare", tfjsonpath.New("instance"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.bare", tfjsonpath.New("runner_ids"),
			knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(runner)})),
	}
	if !g.Live() {
		// Against the mock they are the only controllers.
		checks = append(checks,
			statecheck.ExpectKnownValue(all, tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(gate), knownvalue.Int64Exact(bare)})),
			statecheck.ExpectKnownValue(all, bareAt, knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(bare),
				"description": knownvalue.StringExact(bareDescription), "state": knownvalue.StringExact("disabled"), "created_at": at, "updated_at": at})),
			statecheck.ExpectKnownValue("data.gitlabrunner_runner_controllers.state", tfjsonpath.New("ids"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(gate)})))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{{
			Config:            cfg,
			ConfigStateChecks: checks,
			// In live mode every controller of the instance is listed: the
			// lists hold the test's, the filtered one without bare.
			Check: func(s *terraform.State) error {
				has := func(name string, id int64) bool {
					attrs := s.RootModule().Resources[name].Primary.Attributes
					for k, v := range attrs {
						if strings.HasPrefix(k, "ids.") && k != "ids.#" && v == strconv.FormatInt(id, 10) {
							return true
						}
					}
					return false
				}
				if !has(all, gate) || !has(all, bare) {
					return fmt.Errorf("the list of every controller lacks %d or %d", gate, bare)
				}
				if !has("data.gitlabrunner_runner_controllers.state", gate) || has("data.gitlabrunner_runner_controllers.state", bare) {
					return fmt.Errorf("the list of controllers in state %s should hold %d and not %d", state, gate, bare)
				}
				return nil
			},
		}},
	})
}

// TestAccRunnerControllerDataSourcesRefused: the data sources say what is
// missing (version, edition, licence: the mock's; administrator) and which
// controller does not exist.
func TestAccRunnerControllerDataSourcesRefused(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	unknown := itoa(unknownRunner) // no controller has it either
	for _, c := range []struct {
		name, version, block, summary, detail string // version "": any GitLab with runner controllers
		unlicensed, user                      bool
	}{
		{"older GitLab", "18.8.0-ee", `data "gitlabrunner_runner_controllers" "all" {}`,
			"Runner Controllers Not Available on This GitLab", "the server is GitLab 18.8.0-ee (Enterprise Edition)", false, false},
		{"Community Edition", "19.1.0", `data "gitlabrunner_runner_controller" "one" { id = 1 }`,
			"Runner Controllers Not Available on This GitLab", "the server is GitLab 19.1.0 (Community Edition)", false, false},
		{"no licence", "19.1.0-ee", `data "gitlabrunner_runner_controller_scopes" "one" { runner_controller_id = 1 }`,
			"Runner Controllers Not Licensed", "its licence does not include them", true, false},
		{"not an administrator", "", `data "gitlabrunner_runner_controllers" "all" {}`,
			"Runner Controllers Need an Administrator", "GitLab answered 403 Forbidden", false, true},
		{"no such controller", "", `data "gitlabrunner_runner_controller" "one" { id = ` + unknown + ` }`,
			"Runner Controller Not Found", "There is no runner controller " + unknown, false, false},
		{"no such controller's scopes", "", `data "gitlabrunner_runner_controller_scopes" "one" { runner_controller_id = ` + unknown + ` }`,
			"Runner Controller Not Found", "GitLab answered 404 Not Found (GET /runner_controllers/" + unknown + "/scopes). There is no runner controller " + unknown, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var g *acctest.GitLab
			if c.version == "" {
				g = controllersGitLab(t, "19.1.0-ee")
			} else {
				g = newGitLab(t, acctest.WithVersion(c.version))
				g.Mock(t, acctest.StoreAccess).Store().SetRunnerControllersLicensed(!c.unlicensed)
			}
			token := g.AdminToken(t)
			if c.user {
				token = g.NonAdminToken(t)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(g.Now),
				Steps: []resource.TestStep{{Config: g.ProviderBlock(token) + c.block, PlanOnly: true,
					ExpectError: acctest.ErrorWith(c.summary, c.detail)}},
			})
		})
	}
}
