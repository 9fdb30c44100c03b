package projectrunnersettings_test

// Acceptance tests of gitlabrunner_project_runner_settings against the mock
// coordinator:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/projectrunnersettings -v

import (
	"fmt"
	"strconv"
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

const address = "gitlabrunner_project_runner_settings.this"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func projectConfig(g *acctest.GitLab, token string, projectID int64, body string) string {
	return g.ProviderBlock(token) + "\nresource \"gitlabrunner_project_runner_settings\" \"this\" {\n  project_id = " +
		itoa(projectID) + "\n" + body + "\n}\n"
}

// projectSettings reads the project's runner settings from GitLab, as an
// administrator sees them.
func projectSettings(g *acctest.GitLab, projectID int64) (shared, group bool, err error) {
	p, err := g.Object("/projects/" + itoa(projectID))
	if err != nil {
		return false, false, err
	}
	shared, ok1 := p["shared_runners_enabled"].(bool)
	group, ok2 := p["group_runners_enabled"].(bool)
	if !ok1 || !ok2 {
		return false, false, fmt.Errorf("project %d: GitLab shows shared_runners_enabled %v, group_runners_enabled %v",
			projectID, p["shared_runners_enabled"], p["group_runners_enabled"])
	}
	return shared, group, nil
}

// expectProject checks the project's runner settings in GitLab.
func expectProject(g *acctest.GitLab, projectID int64, shared, group bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, gr, err := projectSettings(g, projectID)
		if err != nil {
			return err
		}
		if s != shared || gr != group {
			return fmt.Errorf("project %d: shared_runners_enabled %v, group_runners_enabled %v; want %v, %v",
				projectID, s, gr, shared, group)
		}
		return nil
	}
}

// setProject changes the project's settings in GitLab, as a Maintainer
// would in GitLab's UI.
func setProject(t *testing.T, g *acctest.GitLab, projectID int64, params map[string]any) func() {
	return func() { g.UpdateSettings(t, "/projects/"+itoa(projectID), params) }
}

var emptyPlan = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

// TestAccProjectRunnerSettings: both settings set, one changed and the
// other left out (left as it is), drift set back, import; destroy leaves
// the project as it is.
func TestAccProjectRunnerSettings(t *testing.T) {
	acctest.PreCheck(t)
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	p := g.ProjectID(t, 0)
	path := g.ProjectPath(t, p)
	// The project's Maintainer through its group (live mode: the administrator).
	maint := g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             expectProject(g, p, true, false), // left as it is
		Steps: []resource.TestStep{
			{
				Config: projectConfig(g, maint, p, "  shared_runners_enabled = false\n  group_runners_enabled = false\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(itoa(p))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("path_with_namespace"), knownvalue.StringExact(path)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_runners_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("group_runners_enabled"), knownvalue.Bool(false)),
				},
				Check:            expectProject(g, p, false, false),
				ConfigPlanChecks: emptyPlan,
			},
			{
				// Instance runners on; group_runners_enabled no longer managed: left as it is.
				Config: projectConfig(g, maint, p, "  shared_runners_enabled = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("group_runners_enabled"), knownvalue.Bool(false)),
				},
				Check: expectProject(g, p, true, false),
			},
			{
				// Drift: a Maintainer turns instance runners off in the UI; the plan turns them on again.
				PreConfig: setProject(t, g, p, map[string]any{"shared_runners_enabled": false}),
				Config:    projectConfig(g, maint, p, "  shared_runners_enabled = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectProject(g, p, true, false),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     itoa(p),
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccProjectRunnerSettings_Refusals: what GitLab would refuse fails the
// plan, naming the attribute: a project the token cannot see, a token
// without the Maintainer role, instance runners under a group that made them
// unoverridable; when the plan cannot read the group, the apply explains
// GitLab's 400; an import id that is not a project id. The roles and the
// group's setting are the mock's (SeededUsers); the rest runs on any GitLab.
func TestAccProjectRunnerSettings_Refusals(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	project := g.ProjectID(t, 0)
	path := g.ProjectPath(t, project)
	nonAdmin := g.NonAdminToken(t) // a user who is no member of the group
	maint := g.MemberToken(t, func(s store.Seed) string { return s.Project.MaintainerToken })
	on := "  shared_runners_enabled = true\n"
	// The refusals change nothing: the mock's project ends as its group's
	// unoverridable setting left it; a live project as it was.
	shared, group := false, true
	if g.Live() {
		var err error
		if shared, group, err = projectSettings(g, project); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             expectProject(g, project, shared, group),
		Steps: []resource.TestStep{
			{
				Config:      projectConfig(g, nonAdmin, project, on),
				PlanOnly:    true,
				ExpectError: acctest.Words("Project " + itoa(project) + " does not exist, or the token's user cannot see it"),
			},
			{
				SkipFunc:    g.StepNeeds(t, acctest.SeededUsers),
				Config:      projectConfig(g, g.Seed().Project.DeveloperToken, project, on),
				PlanOnly:    true,
				ExpectError: acctest.Words("Maintainer Role Needed"),
			},
			{
				// The group makes instance runners unoverridable (its projects follow).
				SkipFunc: g.StepNeeds(t, acctest.SeededUsers),
				PreConfig: g.OnMock(func(m *acctest.Mock) {
					c, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
					if _, err := c.UpdateGroup(store.NamespaceID{ID: m.Seed.Subgroup.ID}, store.GroupChanges{
						SharedRunnersSetting: store.Optional[string]{Set: true, Value: store.SharedRunnersDisabledAndUnoverridable}}); err != nil {
						t.Fatal(err)
					}
				}),
				Config:      projectConfig(g, g.Seed().Group.MaintainerToken, project, on),
				PlanOnly:    true,
				ExpectError: acctest.Words(`its group demo/platform has shared_runners_setting = "disabled_and_unoverridable"`),
			},
			{
				// A Maintainer of the project only cannot read the group: GitLab's 400, explained.
				SkipFunc:    g.StepNeeds(t, acctest.SeededUsers),
				Config:      projectConfig(g, g.Seed().Project.MaintainerToken, project, on),
				ExpectError: acctest.Words(`shared_runners_enabled cannot be enabled because parent group does not allow it (PUT /projects/` + itoa(project) + `). GitLab refuses to turn instance runners on in a project while the project's group has shared_runners_setting = "disabled_and_unoverridable"`),
			},
			{
				Config:        projectConfig(g, maint, project, ""),
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: path,
				ExpectError:   acctest.Words(`The import id "` + path + `" is not a project id`),
			},
		},
	})
}
