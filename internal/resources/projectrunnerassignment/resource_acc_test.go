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

// sharedRunnerConfig creates a project runner in the seed's first project
// and assigns it to the second, as the user of token.
func sharedRunnerConfig(m *acctest.Mock, token string) string {
	return m.ProviderBlock(token) + `
resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = ` + itoa(m.Seed.Projects[0].ID) + `
  description = "shared with web"
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = ` + itoa(m.Seed.Projects[1].ID) + `
  runner_id  = gitlabrunner_user_runner.app.id
}

data "gitlabrunner_runner" "app" {
  id         = gitlabrunner_user_runner.app.id
  depends_on = [gitlabrunner_project_runner_assignment.web]
}
`
}

// runnerProjects is the mock's list of the projects of the runner in state.
func runnerProjects(m *acctest.Mock, s *terraform.State) ([]int64, error) {
	rs, ok := s.RootModule().Resources["gitlabrunner_user_runner.app"]
	if !ok {
		return nil, fmt.Errorf("the runner is not in state")
	}
	id, _ := strconv.ParseInt(rs.Primary.ID, 10, 64)
	r, ok := m.Store().Runner(id)
	if !ok {
		return nil, fmt.Errorf("runner %d is not in the mock", id)
	}
	return r.ProjectIDs, nil
}

func expectProjects(m *acctest.Mock, want ...int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		got, err := runnerProjects(m, s)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("runner's projects in the mock = %v, want %v", got, want)
		}
		return nil
	}
}

// TestAccProjectRunnerAssignment: a Maintainer of both projects shares a
// project runner with a second project; the runner's projects show both;
// import; an assignment removed by hand is assigned again; a runner deleted
// by hand takes its assignment out of state cleanly; destroy unassigns.
func TestAccProjectRunnerAssignment(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	app, web := m.Seed.Projects[0].ID, m.Seed.Projects[1].ID
	cfg := sharedRunnerConfig(m, m.Seed.Group.MaintainerToken)
	var runnerID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             m.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("project_id"), knownvalue.Int64Exact(web)),
					statecheck.ExpectKnownValue("data.gitlabrunner_runner.app", tfjsonpath.New("projects"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(app)}),
						1: knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(web),
							"path_with_namespace": knownvalue.StringExact("demo/platform/web")}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					expectProjects(m, app, web),
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
				PreConfig: func() {
					id, _ := strconv.ParseInt(runnerID, 10, 64)
					if err := m.Store().UpdateRunner(id, func(r *store.RunnerRecord) { r.ProjectIDs = r.ProjectIDs[:1] }); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectProjects(m, app, web),
			},
			{
				// Drift: the runner deleted by hand → both leave the state cleanly
				// and are created again.
				PreConfig: func() {
					id, _ := strconv.ParseInt(runnerID, 10, 64)
					if !m.Store().DeleteRunner(id) {
						t.Fatal("runner not in the mock")
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("gitlabrunner_user_runner.app", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectProjects(m, app, web),
			},
		},
	})
}

// startRunner creates a runner in the mock outside Terraform, as the admin.
func startRunner(t *testing.T, m *acctest.Mock, c store.RunnerCreation) int64 {
	t.Helper()
	admin, err := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := admin.CreateRunner(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok.RunnerID
}

func assignmentConfig(m *acctest.Mock, token string, projectID, runnerID int64) string {
	return m.ProviderBlock(token) + `
resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = ` + itoa(projectID) + `
  runner_id  = ` + itoa(runnerID) + `
}
`
}

// TestAccProjectRunnerAssignment_Refusals: each of GitLab's refusals gives
// its diagnostic, at plan time where the runner tells (group, instance,
// locked, owner project, unknown runner), at apply time otherwise
// (permissions, valid_runner_registrars); nothing changes in the mock.
func TestAccProjectRunnerAssignment_Refusals(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	s := m.Seed
	app, web := s.Projects[0].ID, s.Projects[1].ID
	project := startRunner(t, m, store.RunnerCreation{RunnerType: store.RunnerTypeProject, ProjectID: &app})
	locked := startRunner(t, m, store.RunnerCreation{RunnerType: store.RunnerTypeProject, ProjectID: &app})
	_ = m.Store().UpdateRunner(locked, func(r *store.RunnerRecord) { r.Locked = true })
	group := startRunner(t, m, store.RunnerCreation{RunnerType: store.RunnerTypeGroup, GroupID: &s.Group.ID})
	instance := startRunner(t, m, store.RunnerCreation{RunnerType: store.RunnerTypeInstance})
	maint := s.Group.MaintainerToken

	step := func(token string, projectID, runnerID int64, want string) resource.TestStep {
		return resource.TestStep{Config: assignmentConfig(m, token, projectID, runnerID), ExpectError: acctest.Words(want)}
	}
	planOnly := func(st resource.TestStep) resource.TestStep { st.PlanOnly = true; return st }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		Steps: []resource.TestStep{
			planOnly(step(maint, web, group, "is a group runner: it already serves every project of its group")),
			planOnly(step(maint, web, instance, "is an instance runner: it already serves every project of the instance")),
			planOnly(step(maint, web, locked, "is locked to its current projects")),
			planOnly(step(maint, app, project, "is the owner project of runner")),
			planOnly(step(maint, web, 4242, "Runner 4242 does not exist")),
			// The second project's maintainer cannot read the runner: the plan
			// passes, GitLab refuses the assignment.
			step(s.Projects[1].MaintainerToken, web, project, "403 Forbidden: No access granted"),
			// The first project's maintainer cannot see the second project.
			step(s.Projects[0].MaintainerToken, web, project, "Project "+itoa(web)+" does not exist, or the token's user cannot see it"),
			{
				PreConfig: func() {
					m.Store().UpdateSettings(func(st *store.Settings) { st.ValidRunnerRegistrars = []string{"group"} })
				},
				Config:      assignmentConfig(m, maint, web, project),
				ExpectError: acctest.Words("does not list `project`"),
			},
		},
	})
	if r, _ := m.Store().Runner(project); !slices.Equal(r.ProjectIDs, []int64{app}) {
		t.Fatalf("a refused assignment changed the runner: %v", r.ProjectIDs)
	}
}

// TestAccProjectRunnerAssignment_AdoptAndOwnerProject: an assignment made by
// hand is adopted, not refused; when the target became the runner's owner
// project outside Terraform, destroy succeeds (with a warning) and leaves
// the runner where GitLab keeps it.
func TestAccProjectRunnerAssignment_AdoptAndOwnerProject(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	app, web := m.Seed.Projects[0].ID, m.Seed.Projects[1].ID
	runner := startRunner(t, m, store.RunnerCreation{RunnerType: store.RunnerTypeProject, ProjectID: &app})
	_ = m.Store().UpdateRunner(runner, func(r *store.RunnerRecord) { r.ProjectIDs = []int64{app, web} })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy: func(*terraform.State) error {
			// web had become the owner project: GitLab keeps it there.
			if r, _ := m.Store().Runner(runner); !slices.Equal(r.ProjectIDs, []int64{web}) {
				return fmt.Errorf("after destroy the runner's projects = %v, want [%d]", r.ProjectIDs, web)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(m, m.Seed.Group.MaintainerToken, web, runner),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if r, _ := m.Store().Runner(runner); !slices.Equal(r.ProjectIDs, []int64{app, web}) {
						return fmt.Errorf("adopting changed the runner's projects: %v", r.ProjectIDs)
					}
					// Outside Terraform, the owner project goes away: web becomes the owner.
					return m.Store().UpdateRunner(runner, func(r *store.RunnerRecord) { r.ProjectIDs = []int64{web} })
				},
			},
		},
	})
}

// TestAccProjectRunnerAssignment_applyThenBadGateway: GitLab assigns the
// runner but every answer (with retries = 2) is a 502, as
// `--fault 'POST /projects/:id/runners=apply-then-502'` does. The apply reads
// the runner back and keeps the assignment it finds in state; the next plan
// is empty, and destroy unassigns the runner (asked of the mock).
func TestAccProjectRunnerAssignment_applyThenBadGateway(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	app, web := m.Seed.Projects[0].ID, m.Seed.Projects[1].ID
	runner := startRunner(t, m, store.RunnerCreation{RunnerType: store.RunnerTypeProject, ProjectID: &app})
	m.Faults().Add(mockcoordinator.Fault{Route: "POST /projects/:id/runners", Kind: mockcoordinator.FaultApplyThenStatus})
	cfg := assignmentConfig(m, m.Seed.Group.MaintainerToken, web, runner)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy: func(*terraform.State) error {
			if r, _ := m.Store().Runner(runner); !slices.Equal(r.ProjectIDs, []int64{app}) {
				return fmt.Errorf("after destroy the runner's projects = %v, want [%d]: an assignment stayed in GitLab", r.ProjectIDs, app)
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
					if n := m.Stats().Requests("POST /projects/:id/runners"); n != 3 {
						return fmt.Errorf("%d assignment requests, want 3 (retries = 2): the test proves nothing", n)
					}
					if r, _ := m.Store().Runner(runner); !slices.Equal(r.ProjectIDs, []int64{app, web}) {
						return fmt.Errorf("the runner's projects in the mock = %v, want [%d %d]", r.ProjectIDs, app, web)
					}
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: m.Faults().Clear,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
