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

func projectConfig(m *acctest.Mock, token string, projectID int64, body string) string {
	return m.ProviderBlock(token) + "\nresource \"gitlabrunner_project_runner_settings\" \"this\" {\n  project_id = " +
		itoa(projectID) + "\n" + body + "\n}\n"
}

// expectProject checks the project's runner settings in the mock, as its
// administrator sees them.
func expectProject(m *acctest.Mock, projectID int64, shared, group bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
		p, err := c.Project(store.NamespaceID{ID: projectID})
		if err != nil || p.SharedRunnersEnabled != shared || p.GroupRunnersEnabled == nil || *p.GroupRunnersEnabled != group {
			return fmt.Errorf("project %d: shared_runners_enabled %v, group_runners_enabled %v (%v); want %v, %v",
				projectID, p.SharedRunnersEnabled, p.GroupRunnersEnabled, err, shared, group)
		}
		return nil
	}
}

// setProject changes the project's settings in the mock, as a Maintainer
// would in GitLab's UI.
func setProject(t *testing.T, m *acctest.Mock, projectID int64, ch store.ProjectChanges) func() {
	return func() {
		c, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
		if _, err := c.UpdateProject(store.NamespaceID{ID: projectID}, ch); err != nil {
			t.Fatal(err)
		}
	}
}

func setGroup(t *testing.T, m *acctest.Mock, groupID int64, setting string) func() {
	return func() {
		c, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
		if _, err := c.UpdateGroup(store.NamespaceID{ID: groupID}, store.GroupChanges{
			SharedRunnersSetting: store.Optional[string]{Set: true, Value: setting}}); err != nil {
			t.Fatal(err)
		}
	}
}

var emptyPlan = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

// TestAccProjectRunnerSettings: both settings set, one changed and the
// other left out (left as it is), drift set back, import; destroy leaves
// the project as it is.
func TestAccProjectRunnerSettings(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	p := m.Seed.Project
	maint := m.Seed.Group.MaintainerToken // the project's Maintainer through its group
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             expectProject(m, p.ID, true, false), // left as it is
		Steps: []resource.TestStep{
			{
				Config: projectConfig(m, maint, p.ID, "  shared_runners_enabled = false\n  group_runners_enabled = false\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(itoa(p.ID))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("path_with_namespace"), knownvalue.StringExact(p.PathWithNamespace)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_runners_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("group_runners_enabled"), knownvalue.Bool(false)),
				},
				Check:            expectProject(m, p.ID, false, false),
				ConfigPlanChecks: emptyPlan,
			},
			{
				// Instance runners on; group_runners_enabled no longer managed: left as it is.
				Config: projectConfig(m, maint, p.ID, "  shared_runners_enabled = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("group_runners_enabled"), knownvalue.Bool(false)),
				},
				Check: expectProject(m, p.ID, true, false),
			},
			{
				// Drift: a Maintainer turns instance runners off in the UI; the plan turns them on again.
				PreConfig: setProject(t, m, p.ID, store.ProjectChanges{SharedRunnersEnabled: store.Optional[bool]{Set: true, Value: false}}),
				Config:    projectConfig(m, maint, p.ID, "  shared_runners_enabled = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectProject(m, p.ID, true, false),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     itoa(p.ID),
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccProjectRunnerSettings_Refusals: what GitLab would refuse fails the
// plan, naming the attribute: a project the token cannot see, a token
// without the Maintainer role, instance runners under a group that made them
// unoverridable; when the plan cannot read the group, the apply explains
// GitLab's 400; an import id that is not a project id.
func TestAccProjectRunnerSettings_Refusals(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	s := m.Seed
	on := "  shared_runners_enabled = true\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             expectProject(m, s.Project.ID, false, true), // the refusals changed nothing
		Steps: []resource.TestStep{
			{
				Config:      projectConfig(m, s.NonAdminToken, s.Project.ID, on),
				PlanOnly:    true,
				ExpectError: acctest.Words("Project " + itoa(s.Project.ID) + " does not exist, or the token's user cannot see it"),
			},
			{
				Config:      projectConfig(m, s.Project.DeveloperToken, s.Project.ID, on),
				PlanOnly:    true,
				ExpectError: acctest.Words("Maintainer Role Needed"),
			},
			{
				// The group makes instance runners unoverridable (its projects follow).
				PreConfig:   setGroup(t, m, s.Subgroup.ID, store.SharedRunnersDisabledAndUnoverridable),
				Config:      projectConfig(m, s.Group.MaintainerToken, s.Project.ID, on),
				PlanOnly:    true,
				ExpectError: acctest.Words(`its group demo/platform has shared_runners_setting = "disabled_and_unoverridable"`),
			},
			{
				// A Maintainer of the project only cannot read the group: GitLab's 400, explained.
				Config:      projectConfig(m, s.Project.MaintainerToken, s.Project.ID, on),
				ExpectError: acctest.Words(`shared_runners_enabled cannot be enabled because parent group does not allow it (PUT /projects/` + itoa(s.Project.ID) + `). GitLab refuses to turn instance runners on in a project while the project's group has shared_runners_setting = "disabled_and_unoverridable"`),
			},
			{
				Config:        projectConfig(m, s.Project.MaintainerToken, s.Project.ID, ""),
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: "demo/platform/app",
				ExpectError:   acctest.Words(`The import id "demo/platform/app" is not a project id`),
			},
		},
	})
}
