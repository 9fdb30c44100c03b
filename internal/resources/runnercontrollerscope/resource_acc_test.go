package runnercontrollerscope_test

// Acceptance tests of gitlabrunner_runner_controller_scope against the mock
// coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/runnercontrollerscope -v

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
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

// fixture is a controller outside the configuration (so that destroy
// shows what the scopes alone do) and runners of each type.
type fixture struct {
	g          *acctest.GitLab
	admin      string
	controller int64
	instance   []int64 // three instance runners
	group      int64   // a group runner
}

// newFixture makes the fixture on the mock emulating version (or
// mockVersion when given), or in live mode on a GitLab of version or later
// that has runner controllers.
func newFixture(t *testing.T, version string, mockVersion ...string) *fixture {
	opts := []acctest.MockOption{acctest.RequireVersion(version)}
	for _, v := range mockVersion {
		opts = append(opts, acctest.WithMockVersion(v))
	}
	g := acctest.NewGitLab(t, opts...)
	g.NeedsRunnerControllers(t)
	f := &fixture{g: g, admin: g.AdminToken(t)}
	f.controller = g.CreateRunnerController(t, map[string]any{"description": g.Name("gate")})
	for i := range 3 {
		id, _ := g.CreateRunner(t, f.admin, map[string]any{"runner_type": "instance_type", "description": g.Name(fmt.Sprintf("instance %d", i))})
		f.instance = append(f.instance, id)
	}
	f.group, _ = g.CreateRunner(t, f.admin, map[string]any{"runner_type": "group_type", "group_id": g.GroupID(t), "description": g.Name("group")})
	return f
}

// config has one scope resource per entry of runners (0: the instance
// scope), named s0, s1, …, on the fixture's controller.
func (f *fixture) config(token string, runners ...int64) string {
	var b strings.Builder
	b.WriteString(f.g.ProviderBlock(token))
	for i, r := range runners {
		fmt.Fprintf(&b, "resource \"gitlabrunner_runner_controller_scope\" \"s%d\" {\n  runner_controller_id = %d\n", i, f.controller)
		if r != 0 {
			fmt.Fprintf(&b, "  runner_id = %d\n", r)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// scopes checks GitLab's scopes of the controller (runner 0: the instance scope).
func (f *fixture) scopes(want ...int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		instance, runners, err := f.g.RunnerControllerScopes(f.controller)
		if err != nil {
			return err
		}
		var got []int64
		if instance {
			got = append(got, 0)
		}
		got = append(got, runners...)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("the controller's scopes in GitLab = %v, want %v (0: the instance scope)", got, want)
		}
		return nil
	}
}

// createdAt is the check of a creation time: the mock's start time, any
// time in live mode.
func createdAt(g *acctest.GitLab) knownvalue.Check {
	if g.Live() {
		return knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))
	}
	return knownvalue.StringExact("2026-01-01T00:00:00Z")
}

func emptyAfter(actions map[string]plancheck.ResourceActionType) resource.ConfigPlanChecks {
	var pre []plancheck.PlanCheck
	for address, action := range actions {
		pre = append(pre, plancheck.ExpectResourceAction(address, action))
	}
	return resource.ConfigPlanChecks{PreApply: pre, PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// TestAccRunnerControllerScope_instance: the instance scope is added,
// imported, added again after its removal outside Terraform, and removed
// by destroy (the controller stays).
func TestAccRunnerControllerScope_instance(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	f := newFixture(t, "18.9.0-ee")
	const s0 = "gitlabrunner_runner_controller_scope.s0"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(f.g.Now),
		CheckDestroy:             f.scopes(),
		Steps: []resource.TestStep{
			{
				Config:           f.config(f.admin, 0),
				ConfigPlanChecks: emptyAfter(map[string]plancheck.ResourceActionType{s0: plancheck.ResourceActionCreate}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(s0, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d/instance", f.controller))),
					statecheck.ExpectKnownValue(s0, tfjsonpath.New("runner_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(s0, tfjsonpath.New("created_at"), createdAt(f.g)),
				},
				Check: f.scopes(0),
			},
			{ResourceName: s0, ImportState: true, ImportStateVerify: true},
			{
				PreConfig: func() {
					f.g.Call(t, http.MethodDelete, fmt.Sprintf("/runner_controllers/%d/scopes/instance", f.controller), nil)
				},
				Config:           f.config(f.admin, 0),
				ConfigPlanChecks: emptyAfter(map[string]plancheck.ResourceActionType{s0: plancheck.ResourceActionCreate}),
				Check:            f.scopes(0),
			},
		},
	})
}

// TestAccRunnerControllerScope_runners: runner scopes (GitLab 18.10): one
// added outside Terraform is adopted, another created; changing runner_id
// replaces the scope; a scope removed outside is added again; destroy
// removes them.
func TestAccRunnerControllerScope_runners(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	f := newFixture(t, "18.10.0-ee")
	r1, r2, r3 := f.instance[0], f.instance[1], f.instance[2]
	f.g.Call(t, http.MethodPost, fmt.Sprintf("/runner_controllers/%d/scopes/runners/%d", f.controller, r1), nil)
	const s0, s1 = "gitlabrunner_runner_controller_scope.s0", "gitlabrunner_runner_controller_scope.s1"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(f.g.Now),
		CheckDestroy:             f.scopes(),
		Steps: []resource.TestStep{
			{
				Config: f.config(f.admin, r1, r2),
				ConfigPlanChecks: emptyAfter(map[string]plancheck.ResourceActionType{
					s0: plancheck.ResourceActionCreate, s1: plancheck.ResourceActionCreate}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(s0, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d/runners/%d", f.controller, r1))),
				},
				Check: f.scopes(r1, r2),
			},
			{ResourceName: s1, ImportState: true, ImportStateVerify: true},
			{
				Config:           f.config(f.admin, r1, r3),
				ConfigPlanChecks: emptyAfter(map[string]plancheck.ResourceActionType{s1: plancheck.ResourceActionDestroyBeforeCreate}),
				Check:            f.scopes(r1, r3),
			},
			{
				PreConfig: func() {
					f.g.Call(t, http.MethodDelete, fmt.Sprintf("/runner_controllers/%d/scopes/runners/%d", f.controller, r1), nil)
				},
				Config:           f.config(f.admin, r1, r3),
				ConfigPlanChecks: emptyAfter(map[string]plancheck.ResourceActionType{s0: plancheck.ResourceActionCreate}),
				Check:            f.scopes(r1, r3),
			},
		},
	})
}

// TestAccRunnerControllerScope_refused: GitLab's scope rule at plan time
// (the instance scope and a runner scope of one controller in one
// configuration; a runner that is no instance runner: on any GitLab 18.10
// EE+), runner scopes on 18.9, and the server and permission refusals every
// runner controller resource has (the servers emulated by the mock).
func TestAccRunnerControllerScope_refused(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	mixed := acctest.ErrorWith("Runner Controller Scopes Cannot Be Mixed", "A controller has the instance scope or runner scopes, never both")
	for _, c := range []struct {
		name, version string
		emulated      bool // a server only the mock can be
		config        func(*fixture) string
		unlicensed    bool
		summary       string
		detail        string
	}{
		{"instance and runner", "18.10.0-ee", false, func(f *fixture) string { return f.config(f.admin, 0, f.instance[0]) },
			false, "", ""},
		{"runner and instance", "18.10.0-ee", false, func(f *fixture) string { return f.config(f.admin, f.instance[0], f.instance[1], 0) },
			false, "", ""},
		{"group runner", "18.10.0-ee", false, func(f *fixture) string { return f.config(f.admin, f.group) }, false,
			"Runner Cannot Be Scoped", `is a group runner, and runner controllers take instance runners only: GitLab answers "Only instance-type runners can be scoped" (422)`},
		{"runner scope on 18.9", "18.9.0-ee", true, func(f *fixture) string { return f.config(f.admin, f.instance[0]) }, false,
			"Runner Scopes Not Available on This GitLab", "Runner scopes need GitLab Enterprise Edition 18.10 or later; the server is GitLab 18.9.0-ee (Enterprise Edition)"},
		{"older GitLab", "18.8.0-ee", true, func(f *fixture) string { return f.config(f.admin, 0) }, false,
			"Runner Controllers Not Available on This GitLab", "the server is GitLab 18.8.0-ee (Enterprise Edition)"},
		{"Community Edition", "19.1.0", true, func(f *fixture) string { return f.config(f.admin, 0) }, false,
			"Runner Controllers Not Available on This GitLab", "the server is GitLab 19.1.0 (Community Edition)"},
		{"no licence", "19.1.0-ee", true, func(f *fixture) string { return f.config(f.admin, 0) }, true,
			"Runner Controllers Not Licensed", "its licence does not include them"},
		{"not an administrator", "18.9.0-ee", false, func(f *fixture) string { return f.config(f.g.NonAdminToken(t), 0) }, false,
			"Runner Controllers Need an Administrator", "GitLab answered 403 Forbidden"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.emulated {
				acctest.SkipLive(t, acctest.EmulatedVersion)
			}
			var f *fixture
			if store.ParseVersion(c.version).HasRunnerControllers() {
				f = newFixture(t, c.version)
			} else { // no runner controllers to make
				g := acctest.NewGitLab(t, acctest.WithVersion(c.version))
				f = &fixture{g: g, admin: g.AdminToken(t), controller: 1}
			}
			if c.emulated {
				f.g.Mock(t, acctest.StoreAccess).Store().SetRunnerControllersLicensed(!c.unlicensed)
			}
			want := mixed
			if c.summary != "" {
				want = acctest.ErrorWith(c.summary, c.detail)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(f.g.Now),
				Steps:                    []resource.TestStep{{Config: c.config(f), PlanOnly: true, ExpectError: want}},
			})
		})
	}
}

// TestAccRunnerControllerScope_mixedWithNewController: when the controller
// is created in the same apply, its id is unknown at plan, and the apply's
// own plan of the second scope refuses the mix before it reaches GitLab.
func TestAccRunnerControllerScope_mixedWithNewController(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	f := newFixture(t, "18.10.0-ee")
	cfg := f.g.ProviderBlock(f.admin) + fmt.Sprintf(`
resource "gitlabrunner_runner_controller" "gate" {
  description = %q
}

resource "gitlabrunner_runner_controller_scope" "instance" {
  runner_controller_id = gitlabrunner_runner_controller.gate.id
}

resource "gitlabrunner_runner_controller_scope" "runner" {
  runner_controller_id = gitlabrunner_runner_controller.gate.id
  runner_id            = %d
}
`, f.g.Name("new gate"), f.instance[0])
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(f.g.Now),
		CheckDestroy: func(*terraform.State) error {
			if n := f.g.Stats().Requests("POST /runner_controllers/:id/scopes/instance") + f.g.Stats().Requests("POST /runner_controllers/:id/scopes/runners/:runner_id"); n != 1 {
				return fmt.Errorf("%d requests added scopes, want 1: the second scope must be refused before its request", n)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: acctest.ErrorWith("Runner Controller Scopes Cannot Be Mixed", "A controller has the instance scope or runner scopes, never both"),
		}},
	})
}
