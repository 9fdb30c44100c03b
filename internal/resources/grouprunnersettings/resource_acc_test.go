package grouprunnersettings_test

// Acceptance tests of gitlabrunner_group_runner_settings against the mock
// coordinator. The group's registration-token switch has no API in GitLab:
// the tests flip it in the mock's store, as an Owner would in the UI.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/grouprunnersettings -v

import (
	"fmt"
	"net/http"
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

const address = "gitlabrunner_group_runner_settings.this"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func groupConfig(g *acctest.GitLab, token string, groupID int64, body string) string {
	return g.ProviderBlock(token) + "\nresource \"gitlabrunner_group_runner_settings\" \"this\" {\n  group_id = " + itoa(groupID) + "\n" + body + "\n}\n"
}

// switches sets the instance setting and the top-level group's switch in
// the mock (the latter as an Owner would in GitLab's UI).
func switches(t *testing.T, m *acctest.Mock, instance, group bool) func() {
	return func() {
		m.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = instance })
		if err := m.Store().SetGroupAllowRegistrationTokens(m.Seed.Group.ID, group); err != nil {
			t.Fatal(err)
		}
	}
}

// expectRegister checks GitLab's answer to a legacy registration with the
// group's registration token.
func expectRegister(t *testing.T, m *acctest.Mock, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := m.RegisterStatus(t, m.Seed.Group.RegistrationToken); got != want {
			return fmt.Errorf("POST /runners with the group's registration token = %d, want %d", got, want)
		}
		return nil
	}
}

func expectShared(m *acctest.Mock, groupID int64, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
		g, err := c.Group(store.NamespaceID{ID: groupID})
		if err != nil || g.SharedRunnersSetting != want {
			return fmt.Errorf("group %d shared_runners_setting = %q (%v), want %q", groupID, g.SharedRunnersSetting, err, want)
		}
		return nil
	}
}

// TestAccGroupRunnerSettings: shared_runners_setting is managed; the
// registration-token switch is verified: a difference fails the apply with
// what to do, and once flipped (in the UI) the plan is empty; legacy
// registration with the group's token gets GitLab's answer each time.
func TestAccGroupRunnerSettings(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	m := g.Mock(t, acctest.StoreAccess) // the group's registration-token switch, which GitLab's API cannot change
	switches(t, m, true, true)()        // a 17.x instance where both were turned back on
	s := m.Seed
	owner := s.Group.OwnerToken
	allow := func(v bool) string {
		return fmt.Sprintf("  shared_runners_setting = \"disabled_and_overridable\"\n  allow_runner_registration_token = %v\n", v)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		CheckDestroy:             expectShared(m, s.Group.ID, "disabled_and_overridable"), // left as it is
		Steps: []resource.TestStep{
			{
				Config: groupConfig(g, owner, s.Group.ID, allow(true)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("full_path"), knownvalue.StringExact("demo")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("registration_tokens_allowed"), knownvalue.Bool(true)),
				},
				Check:            resource.ComposeTestCheckFunc(expectShared(m, s.Group.ID, "disabled_and_overridable"), expectRegister(t, m, http.StatusCreated)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Wanting the switch off: GitLab has no API for it; the apply says what to do.
				Config: groupConfig(g, owner, s.Group.ID, allow(false)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				ExpectError: acctest.Words(`GitLab offers no API for a group's registration-token switch`),
			},
			{
				Config:      groupConfig(g, owner, s.Group.ID, allow(false)),
				ExpectError: acctest.Words(`Settings > CI/CD > Runners, toggle "Allow members of projects and groups to create runners with runner registration tokens"`),
			},
			{
				// The Owner flips it in the UI: the plan is empty, registration answers 410.
				PreConfig: switches(t, m, true, false),
				Config:    groupConfig(g, owner, s.Group.ID, allow(false)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("registration_tokens_allowed"), knownvalue.Bool(false)),
				},
				Check: expectRegister(t, m, http.StatusGone),
			},
			{
				// Wanting it on while the instance has it off: the owner cannot read
				// the instance settings, the diagnostic names both switches.
				PreConfig:   switches(t, m, false, true),
				Config:      groupConfig(g, owner, s.Group.ID, allow(true)),
				ExpectError: acctest.Words("Either the instance setting allow_runner_registration_token is off"),
			},
			{
				// An administrator is told it is the instance setting.
				Config:      groupConfig(g, s.AdminToken, s.Group.ID, allow(true)),
				ExpectError: acctest.Words("The instance setting allow_runner_registration_token is off, which turns registration tokens off in every group"),
			},
			{
				PreConfig:        switches(t, m, true, true),
				Config:           groupConfig(g, owner, s.Group.ID, allow(true)),
				Check:            expectRegister(t, m, http.StatusCreated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Drift: shared_runners_setting changed by hand is set back.
				PreConfig: func() {
					c, _ := m.Store().Authenticate(s.AdminToken, store.ScopeAPI)
					if _, err := c.UpdateGroup(store.NamespaceID{ID: s.Group.ID}, store.GroupChanges{
						SharedRunnersSetting: store.Optional[string]{Set: true, Value: "enabled"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: groupConfig(g, owner, s.Group.ID, allow(true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				Check: expectShared(m, s.Group.ID, "disabled_and_overridable"),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     itoa(s.Group.ID),
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccGroupRunnerSettings_Refusals: the switch on a subgroup fails the
// plan naming the top-level group; GitLab's parent constraint and a
// non-Owner get their diagnostics; a non-Owner's read warns but works.
func TestAccGroupRunnerSettings_Refusals(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	m := g.Mock(t, acctest.SeededUsers) // a subgroup, a group Maintainer
	s := m.Seed
	c, _ := m.Store().Authenticate(s.AdminToken, store.ScopeAPI)
	if _, err := c.UpdateGroup(store.NamespaceID{ID: s.Group.ID}, store.GroupChanges{
		SharedRunnersSetting: store.Optional[string]{Set: true, Value: "disabled_and_unoverridable"}}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		Steps: []resource.TestStep{
			{
				Config:      groupConfig(g, s.Group.OwnerToken, s.Subgroup.ID, "  allow_runner_registration_token = false\n"),
				PlanOnly:    true,
				ExpectError: acctest.Words("is a subgroup: GitLab applies the registration-token switch of its top-level group, demo"),
			},
			{
				Config:      groupConfig(g, s.Group.OwnerToken, s.Subgroup.ID, `  shared_runners_setting = "enabled"`),
				ExpectError: acctest.Words("its parent group has shared_runners_setting = \"disabled_and_unoverridable\""),
			},
			{
				Config:      groupConfig(g, s.Group.MaintainerToken, s.Group.ID, `  shared_runners_setting = "enabled"`),
				ExpectError: acctest.Words("needs the Owner role in it"),
			},
			{
				Config:      groupConfig(g, s.Group.OwnerToken, s.Group.ID, `  shared_runners_setting = "sometimes"`),
				PlanOnly:    true,
				ExpectError: acctest.Words(`value must be one of`),
			},
			{
				// A Maintainer may read the group: registration_tokens_allowed stays null (warning).
				Config: groupConfig(g, s.Group.MaintainerToken, s.Subgroup.ID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("registration_tokens_allowed"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_runners_setting"), knownvalue.StringExact("disabled_and_unoverridable")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
