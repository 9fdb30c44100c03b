package projectrunnerassignment_test

// Acceptance tests of gitlabrunner_project_runner_assignment against the
// mock coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/projectrunnerassignment -v

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const address = "gitlabrunner_project_runner_assignment.web"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sharedRunnerConfig creates a project runner in the first project and
// assigns it to the second, as the user of token.
func sharedRunnerConfig(g *acctest.GitLab, t *testing.T, token string) string {
	return g.ProviderBlock(token) + `
resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = ` + itoa(g.ProjectID(t, 0)) + `
  description = "` + g.Name("shared with web") + `"
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = ` + itoa(g.ProjectID(t, 1)) + `
  runner_id  = gitlabrunner_user_runner.app.id
}

data "gitlabrunner_runner" "app" {
  id         = gitlabrunner_user_runner.app.id
  depends_on = [gitlabrunner_project_runner_assignment.web]
}
`
}

// projectsOf is GitLab's list of a runner's projects, its owner first.
func projectsOf(g *acctest.GitLab, id int64) ([]int64, error) {
	r, err := g.RunnerErr(id)
	return r.ProjectIDs, err
}

// expectProjects checks the projects of the runner in state.
func expectProjects(g *acctest.GitLab, want ...int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources["gitlabrunner_user_runner.app"]
		if !ok {
			return fmt.Errorf("the runner is not in state")
		}
		id, _ := strconv.ParseInt(rs.Primary.ID, 10, 64)
		return expectRunnerProjects(g, id, want...)
	}
}

// expectRunnerProjects checks the projects of runner id in GitLab.
func expectRunnerProjects(g *acctest.GitLab, id int64, want ...int64) error {
	got, err := projectsOf(g, id)
	if err != nil {
		return err
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("runner %d's projects in GitLab = %v, want %v", id, got, want)
	}
	return nil
}

// TestAccProjectRunnerAssignment: a Maintainer of both projects (in live
// mode GITLAB_TOKEN's user) shares a project runner with a second project;
// the runner's projects show both; import; an assignment removed by hand is
// assigned again; a runner deleted by hand takes its assignment out of state
// cleanly; destroy unassigns.
func TestAccProjectRunnerAssignment(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	app, web := g.ProjectID(t, 0), g.ProjectID(t, 1)
	cfg := sharedRunnerConfig(g, t, g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken }))
	webPath := g.ProjectPath(t, web)
	var runnerID string
	id := func() int64 { n, _ := strconv.ParseInt(runnerID, 10, 64); return n }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("project_id"), knownvalue.Int64Exact(web)),
					statecheck.ExpectKnownValue("data.gitlabrunner_runner.app", tfjsonpath.New("projects"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(app)}),
						1: knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(web),
							"path_with_namespace": knownvalue.StringExact(webPath)}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					expectProjects(g, app, web),
					resource.TestCheckResourceAttrWith(address, "id", func(v string) error {
						runnerID = v[len(itoa(web))+1:]
						if v != itoa(web)+":"+runnerID {
							return fmt.Errorf("id = %q, want <project_id>:<runner_id>", v)
						}
						return nil
					}),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return itoa(web) + ":" + runnerID, nil },
			},
			{
				// Drift: unassigned by hand → assigned again.
				PreConfig: func() { g.UnassignRunner(t, web, id()) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectProjects(g, app, web),
			},
			{
				// Drift: the runner deleted by hand → both leave the state cleanly
				// and are created again.
				PreConfig: func() { g.DeleteRunner(t, id()) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("gitlabrunner_user_runner.app", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectProjects(g, app, web),
			},
		},
	})
}

// startRunner creates a runner outside Terraform, as the administrator, with
// GitLab's parameters.
func startRunner(t *testing.T, g *acctest.GitLab, params map[string]any) int64 {
	t.Helper()
	id, _ := g.CreateRunner(t, "", params)
	return id
}

// projectRunner are the parameters of a project runner of project p.
func projectRunner(g *acctest.GitLab, p int64) map[string]any {
	return map[string]any{"runner_type": "project_type", "project_id": p, "description": g.Name("")}
}

func assignmentConfig(g *acctest.GitLab, token string, projectID, runnerID int64) string {
	return g.ProviderBlock(token) + `
resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = ` + itoa(projectID) + `
  runner_id  = ` + itoa(runnerID) + `
}
`
}

// TestAccProjectRunnerAssignment_Refusals: each of GitLab's refusals gives
// its diagnostic, at plan time where the runner tells (group, instance,
// locked, owner project, unknown runner), at apply time otherwise
// (permissions, valid_runner_registrars); nothing changes in GitLab. The
// refusals of the projects' own maintainers need the mock's seeded users.
func TestAccProjectRunnerAssignment_Refusals(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	s := g.Seed()
	app, web := g.ProjectID(t, 0), g.ProjectID(t, 1)
	project := startRunner(t, g, projectRunner(g, app))
	locked := startRunner(t, g, projectRunner(g, app))
	g.UpdateRunner(t, locked, map[string]any{"locked": true})
	group := startRunner(t, g, map[string]any{"runner_type": "group_type", "group_id": g.GroupID(t)})
	instance := startRunner(t, g, map[string]any{"runner_type": "instance_type"})
	maint := g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken })

	step := func(token string, projectID, runnerID int64, want string) resource.TestStep {
		return resource.TestStep{Config: assignmentConfig(g, token, projectID, runnerID), ExpectError: acctest.Words(want)}
	}
	planOnly := func(st resource.TestStep) resource.TestStep { st.PlanOnly = true; return st }
	seeded := func(st resource.TestStep) resource.TestStep {
		st.SkipFunc = g.StepNeeds(t, acctest.SeededUsers)
		return st
	}
	const unknown = 2147483647 // no runner has this id on a test GitLab
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			planOnly(step(maint, web, group, "is a group runner: it already serves every project of its group")),
			planOnly(step(maint, web, instance, "is an instance runner: it already serves every project of the instance")),
			planOnly(step(maint, web, locked, "is locked to its current projects")),
			planOnly(step(maint, app, project, "is the owner project of runner")),
			planOnly(step(maint, web, unknown, fmt.Sprintf("Runner %d does not exist", unknown))),
			// The second project's maintainer cannot read the runner: the plan
			// passes, GitLab refuses the assignment.
			seeded(step(seedToken(s, 1), web, project, "403 Forbidden: No access granted")),
			// The first project's maintainer cannot see the second project.
			seeded(step(seedToken(s, 0), web, project, "Project "+itoa(web)+" does not exist, or the token's user cannot see it")),
			// Administrators are exempt: the group's maintainer is refused.
			{
				SkipFunc: g.StepNeeds(t, acctest.SeededUsers),
				PreConfig: g.OnMock(func(*acctest.Mock) {
					g.UpdateInstanceSettings(t, map[string]any{"valid_runner_registrars": []string{"group"}})
				}),
				Config:      assignmentConfig(g, maint, web, project),
				ExpectError: acctest.Words("does not list `project`"),
			},
		},
	})
	if err := expectRunnerProjects(g, project, app); err != nil {
		t.Fatalf("a refused assignment changed the runner: %v", err)
	}
}

// seedToken is the maintainer token of the seed's project i ("" in live
// mode, whose steps using it are skipped).
func seedToken(s store.Seed, i int) string {
	if i < len(s.Projects) {
		return s.Projects[i].MaintainerToken
	}
	return ""
}

// TestAccProjectRunnerAssignment_AdoptAndOwnerProject: an assignment made by
// hand is adopted, not refused; when the target became the runner's owner
// project outside Terraform (the owner project deleted: only the mock can
// do that to a test), destroy succeeds (with a warning) and leaves the
// runner where GitLab keeps it.
func TestAccProjectRunnerAssignment_AdoptAndOwnerProject(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	app, web := g.ProjectID(t, 0), g.ProjectID(t, 1)
	runner := startRunner(t, g, projectRunner(g, app))
	g.AssignRunner(t, "", web, runner)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy: func(*terraform.State) error {
			if g.Live() { // destroy unassigned web
				return expectRunnerProjects(g, runner, app)
			}
			// web had become the owner project: GitLab keeps it there.
			return expectRunnerProjects(g, runner, web)
		},
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(g, g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken }), web, runner),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if err := expectRunnerProjects(g, runner, app, web); err != nil {
							return fmt.Errorf("adopting changed the runner's projects: %w", err)
						}
						return nil
					},
					// Outside Terraform, the owner project goes away: web becomes the owner.
					g.MockCheck(t, acctest.StoreAccess, func(m *acctest.Mock) error {
						return m.Store().UpdateRunner(runner, func(r *store.RunnerRecord) { r.ProjectIDs = []int64{web} })
					}),
				),
			},
		},
	})
}

// TestAccProjectRunnerAssignment_applyThenBadGateway: GitLab assigns the
// runner but every answer (with retries = 2) is a 502, as
// `--fault 'POST /projects/:id/runners=apply-then-502'` does. The apply reads
// the runner back and keeps the assignment it finds in state; the next plan
// is empty, and destroy unassigns the runner (asked of GitLab).
func TestAccProjectRunnerAssignment_applyThenBadGateway(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	app, web := g.ProjectID(t, 0), g.ProjectID(t, 1)
	runner := startRunner(t, g, projectRunner(g, app))
	g.Faults().Add(mockcoordinator.Fault{Route: "POST /projects/:id/runners", Kind: mockcoordinator.FaultApplyThenStatus})
	cfg := assignmentConfig(g, g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken }), web, runner)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy: func(*terraform.State) error {
			if err := expectRunnerProjects(g, runner, app); err != nil {
				return fmt.Errorf("after destroy: %w: an assignment stayed in GitLab", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(itoa(web)+":"+itoa(runner))),
				},
				Check: func(*terraform.State) error {
					if n := g.Stats().Requests("POST /projects/:id/runners"); n != 3 {
						return fmt.Errorf("%d assignment requests, want 3 (retries = 2): the test proves nothing", n)
					}
					return expectRunnerProjects(g, runner, app, web)
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: g.Faults().Clear,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
