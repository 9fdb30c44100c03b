package datasources_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccRunnerControllerDataSources: one controller, every controller (and
// those of one state) and a controller's scopes, as the mock holds them;
// the connected flag follows the job router's use of a token.
func TestAccRunnerControllerDataSources(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := startMock(t, acctest.WithVersion("19.1.0-ee"))
	admin, err := m.Store().Authenticate(m.Seed.AdminToken)
	if err != nil {
		t.Fatal(err)
	}
	gate, _ := admin.CreateRunnerController(store.RunnerControllerChanges{Description: store.Optional[*string]{Set: true, Value: ptr("gate")},
		State: store.Optional[string]{Set: true, Value: store.RunnerControllerEnabled}})
	bare, _ := admin.CreateRunnerController(store.RunnerControllerChanges{})
	tok, _ := admin.CreateRunnerControllerToken(gate.ID, nil)
	if _, err := m.Store().AuthenticateRunnerControllerToken(tok.Token); err != nil {
		t.Fatal(err)
	}
	runner, _ := admin.CreateRunner(store.RunnerCreation{RunnerType: store.RunnerTypeInstance})
	if _, err := admin.AddRunnerControllerInstanceScope(gate.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AddRunnerControllerRunnerScope(bare.ID, runner.RunnerID); err != nil {
		t.Fatal(err)
	}
	cfg := m.ProviderBlock(m.Seed.AdminToken) + fmt.Sprintf(`
data "gitlabrunner_runner_controller" "gate" {
  id = %d
}
data "gitlabrunner_runner_controllers" "all" {}
data "gitlabrunner_runner_controllers" "enabled" {
  state = "enabled"
}
data "gitlabrunner_runner_controller_scopes" "gate" {
  runner_controller_id = %d
}
data "gitlabrunner_runner_controller_scopes" "bare" {
  runner_controller_id = %d
}
`, gate.ID, gate.ID, bare.ID)
	at := knownvalue.StringExact("2026-01-01T00:00:00Z")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("description"), knownvalue.StringExact("gate")),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("state"), knownvalue.StringExact("enabled")),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("connected"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller.gate", tfjsonpath.New("updated_at"), at),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controllers.all", tfjsonpath.New("ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(gate.ID), knownvalue.Int64Exact(bare.ID)})),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controllers.all", tfjsonpath.New("runner_controllers").AtSliceIndex(1),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(bare.ID), "description": knownvalue.StringExact(""),
						"state": knownvalue.StringExact("disabled"), "created_at": at, "updated_at": at})),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controllers.enabled", tfjsonpath.New("ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(gate.ID)})),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.gate", tfjsonpath.New("instance"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.gate", tfjsonpath.New("instance_created_at"), at),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.gate", tfjsonpath.New("runner_ids"), knownvalue.ListExact(nil)),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.bare", tfjsonpath.New("instance"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.gitlabrunner_runner_controller_scopes.bare", tfjsonpath.New("runner_ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(runner.RunnerID)})),
			},
		}},
	})
}

// TestAccRunnerControllerDataSourcesRefused: the data sources say what is
// missing (version, edition, licence, administrator) and which controller
// does not exist.
func TestAccRunnerControllerDataSourcesRefused(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	for _, c := range []struct {
		name, version, block, summary, detail string
		unlicensed, user                      bool
	}{
		{"older GitLab", "18.8.0-ee", `data "gitlabrunner_runner_controllers" "all" {}`,
			"Runner Controllers Not Available on This GitLab", "the server is GitLab 18.8.0-ee (Enterprise Edition)", false, false},
		{"Community Edition", "19.1.0", `data "gitlabrunner_runner_controller" "one" { id = 1 }`,
			"Runner Controllers Not Available on This GitLab", "the server is GitLab 19.1.0 (Community Edition)", false, false},
		{"no licence", "19.1.0-ee", `data "gitlabrunner_runner_controller_scopes" "one" { runner_controller_id = 1 }`,
			"Runner Controllers Not Licensed", "its licence does not include them", true, false},
		{"not an administrator", "19.1.0-ee", `data "gitlabrunner_runner_controllers" "all" {}`,
			"Runner Controllers Need an Administrator", "GitLab answered 403 Forbidden", false, true},
		{"no such controller", "19.1.0-ee", `data "gitlabrunner_runner_controller" "one" { id = 9 }`,
			"Runner Controller Not Found", "There is no runner controller 9", false, false},
		{"no such controller's scopes", "19.1.0-ee", `data "gitlabrunner_runner_controller_scopes" "one" { runner_controller_id = 9 }`,
			"Runner Controller Not Found", "GitLab answered 404 Not Found (GET /runner_controllers/9/scopes). There is no runner controller 9", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := startMock(t, acctest.WithVersion(c.version))
			m.Store().SetRunnerControllersLicensed(!c.unlicensed)
			token := m.Seed.AdminToken
			if c.user {
				token = m.Seed.Group.OwnerToken
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(m.Now),
				Steps: []resource.TestStep{{Config: m.ProviderBlock(token) + c.block, PlanOnly: true,
					ExpectError: acctest.ErrorWith(c.summary, c.detail)}},
			})
		})
	}
}
