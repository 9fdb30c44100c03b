package userrunner_test

// Acceptance tests of gitlabrunner_user_runner: Terraform (or OpenTofu)
// drives the provider against an in-process mock coordinator per test.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/userrunner -run TestAccUserRunner -v

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const address = "gitlabrunner_user_runner.test"

// runnerConfig is a provider block for the mock as the user of token plus the
// resource "test" with the given body.
func runnerConfig(m *acctest.Mock, token, body string) string {
	return m.ProviderBlock(token) + "\nresource \"gitlabrunner_user_runner\" \"test\" {\n" + body + "\n}\n"
}

// testCase returns the standard TestCase fields for a mock.
func testCase(t *testing.T, m *acctest.Mock, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(m.Clock.Now),
		CheckDestroy:             m.CheckNoRunnersLeft(),
		Steps:                    steps,
	}
}

func stateRunnerID(s *terraform.State) (int64, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return 0, fmt.Errorf("%s not in state", address)
	}
	return strconv.ParseInt(rs.Primary.ID, 10, 64)
}

// checkMock runs check on the mock's record of the runner in state.
func checkMock(m *acctest.Mock, check func(rec store.RunnerRecord) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := stateRunnerID(s)
		if err != nil {
			return err
		}
		rec, ok := m.Store().Runner(id)
		if !ok {
			return fmt.Errorf("runner %d is not in the mock coordinator", id)
		}
		return check(rec)
	}
}

// capture stores attribute attr of the runner in *dst.
func capture(attr string, dst *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(address, attr, func(v string) error { *dst = v; return nil })
}

// expectMockAttrs compares the mock's runner with the wanted attributes.
func expectMockAttrs(want store.RunnerAttributes) func(rec store.RunnerRecord) error {
	return func(rec store.RunnerRecord) error {
		var problems []string
		cmp := func(name string, got, want any) {
			if fmt.Sprint(got) != fmt.Sprint(want) {
				problems = append(problems, fmt.Sprintf("%s = %v, want %v", name, got, want))
			}
		}
		cmp("description", rec.Description, want.Description)
		cmp("paused", rec.Paused, want.Paused)
		cmp("locked", rec.Locked, want.Locked)
		cmp("run_untagged", rec.RunUntagged, want.RunUntagged)
		tags := append([]string{}, rec.TagList...)
		sort.Strings(tags)
		cmp("tag_list", tags, want.TagList)
		cmp("access_level", rec.AccessLevel, want.AccessLevel)
		mt, wmt := "null", "null"
		if rec.MaximumTimeout != nil {
			mt = strconv.FormatInt(*rec.MaximumTimeout, 10)
		}
		if want.MaximumTimeout != nil {
			wmt = strconv.FormatInt(*want.MaximumTimeout, 10)
		}
		cmp("maximum_timeout", mt, wmt)
		cmp("maintenance_note", rec.MaintenanceNote, want.MaintenanceNote)
		if len(problems) > 0 {
			return fmt.Errorf("runner %d in the mock: %s", rec.ID, strings.Join(problems, "; "))
		}
		return nil
	}
}

// gitlabDefaults is a runner with every optional attribute at GitLab's default.
func gitlabDefaults(description string) store.RunnerAttributes {
	return store.RunnerAttributes{Description: description, RunUntagged: true, TagList: []string{}, AccessLevel: "not_protected"}
}

func ptr[T any](v T) *T { return &v }

var (
	emptyPlanAfterApply = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	importVerifyIgnore  = []string{"token", "rotation_triggers", "rotate_before_expiry"}
)

func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, action)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

// TestAccUserRunner_group: create a group runner, update every mutable
// attribute in place, clear them all back to GitLab's defaults, import it
// (command and import block), use its token from two hosts, and replace it
// on a scope change and on a type change.
func TestAccUserRunner_group(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	owner := m.Seed.Group.OwnerToken
	var id, token string

	minimal := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = "first"`, m.Seed.Group.ID)

	full := fmt.Sprintf(`  runner_type      = "group_type"
  group_id         = %d
  description      = "second"
  paused           = true
  locked           = true
  run_untagged     = false
  tag_list         = ["linux", "docker"]
  access_level     = "ref_protected"
  maximum_timeout  = 3600
  maintenance_note = "replace disk in March"`, m.Seed.Group.ID)

	sameIDAndToken := resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttrPtr(address, "id", &id),
		resource.TestCheckResourceAttrPtr(address, "token", &token),
	)

	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config:           runnerConfig(m, owner, minimal),
			ConfigPlanChecks: emptyPlanAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[1-9][0-9]*$`))),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token"), knownvalue.StringRegexp(regexp.MustCompile(`^glrt-`))),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("group_id"), knownvalue.Int64Exact(m.Seed.Group.ID)),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("project_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("run_untagged"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("tag_list"), knownvalue.SetExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("access_level"), knownvalue.StringExact("not_protected")),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("maximum_timeout"), knownvalue.Null()),
			},
			Check: resource.ComposeTestCheckFunc(
				capture("id", &id), capture("token", &token),
				checkMock(m, func(rec store.RunnerRecord) error {
					if rec.RunnerType != "group_type" || rec.GroupID != m.Seed.Group.ID {
						return fmt.Errorf("runner is %s in group %d", rec.RunnerType, rec.GroupID)
					}
					if rec.Token != token {
						return fmt.Errorf("the token in state is not the runner's token")
					}
					return expectMockAttrs(gitlabDefaults("first"))(rec)
				}),
				// The token works as gitlab-runner uses it; two hosts are two
				// managers of one runner.
				func(s *terraform.State) error {
					for _, sys := range []string{"s_0123456789ab", "s_ba9876543210"} {
						if status := m.VerifyStatus(t, token, sys); status != 200 {
							return fmt.Errorf("verify with system_id %s answered %d, want 200", sys, status)
						}
					}
					rid, _ := strconv.ParseInt(id, 10, 64)
					var systems []string
					for _, mgr := range m.Store().Managers(rid) {
						systems = append(systems, mgr.SystemID)
					}
					sort.Strings(systems)
					if strings.Join(systems, ",") != "s_0123456789ab,s_ba9876543210" {
						return fmt.Errorf("managers of runner %s: %v, want both system_ids", id, systems)
					}
					return nil
				},
			),
		},
		// Every mutable attribute changes in place: same id, same token.
		resource.TestStep{
			Config:           runnerConfig(m, owner, full),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(
				sameIDAndToken,
				checkMock(m, expectMockAttrs(store.RunnerAttributes{
					Description: "second", Paused: true, Locked: true, RunUntagged: false, TagList: []string{"docker", "linux"},
					AccessLevel: "ref_protected", MaximumTimeout: ptr(int64(3600)), MaintenanceNote: "replace disk in March",
				})),
			),
		},
		// A single tag changes: the set diff is applied as it is.
		resource.TestStep{
			Config:           runnerConfig(m, owner, strings.Replace(full, `["linux", "docker"]`, `["linux", "arm64"]`, 1)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(sameIDAndToken, checkMock(m, func(rec store.RunnerRecord) error {
				tags := append([]string{}, rec.TagList...)
				sort.Strings(tags)
				if strings.Join(tags, ",") != "arm64,linux" {
					return fmt.Errorf("tags %v, want arm64,linux", tags)
				}
				return nil
			})),
		},
		// Removing the optional attributes returns the runner to GitLab's defaults.
		resource.TestStep{
			Config:           runnerConfig(m, owner, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d", m.Seed.Group.ID)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(
				sameIDAndToken,
				checkMock(m, expectMockAttrs(gitlabDefaults(""))),
				resource.TestCheckNoResourceAttr(address, "maximum_timeout"),
				resource.TestCheckResourceAttr(address, "tag_list.#", "0"),
			),
		},
		resource.TestStep{
			ResourceName:            address,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: importVerifyIgnore,
		},
		resource.TestStep{
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
		},
		// Another group: a new runner replaces the old one.
		resource.TestStep{
			Config:           runnerConfig(m, owner, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d", m.Seed.Subgroup.ID)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeTestCheckFunc(
				checkMock(m, func(rec store.RunnerRecord) error {
					if strconv.FormatInt(rec.ID, 10) == id || rec.GroupID != m.Seed.Subgroup.ID {
						return fmt.Errorf("want a new runner in group %d, got runner %d in group %d", m.Seed.Subgroup.ID, rec.ID, rec.GroupID)
					}
					if old, _ := strconv.ParseInt(id, 10, 64); len(m.Store().RunnerIDs()) != 1 {
						return fmt.Errorf("old runner %d not deleted: %v", old, m.Store().RunnerIDs())
					}
					return nil
				}),
				capture("id", &id),
			),
		},
		// Another type: replaced again.
		resource.TestStep{
			Config:           runnerConfig(m, owner, fmt.Sprintf("  runner_type = \"project_type\"\n  project_id = %d", m.Seed.Project.ID)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: checkMock(m, func(rec store.RunnerRecord) error {
				if strconv.FormatInt(rec.ID, 10) == id || rec.RunnerType != "project_type" || len(m.Store().RunnerIDs()) != 1 {
					return fmt.Errorf("want one new project runner, got runner %d (%s), runners %v", rec.ID, rec.RunnerType, m.Store().RunnerIDs())
				}
				return nil
			}),
		},
	))
}

// TestAccUserRunner_maintenanceNoteDefault: maintenance_note defaults to ""
// as documented. Removing it plans "" (not null) and clears the note in
// GitLab (which then answers null), and an import holds "" too; the plans
// after are empty. Terraform's and OpenTofu's plan *rendering* prints an
// empty string of this resource as null (a legacy-SDK allowance of their
// renderers, hashicorp/terraform#31887), so this test reads the plan and the
// state as data, not as text.
func TestAccUserRunner_maintenanceNoteDefault(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	owner := m.Seed.Group.OwnerToken
	body := fmt.Sprintf("  runner_type = \"group_type\"\n  group_id    = %d", m.Seed.Group.ID)
	note := tfjsonpath.New("maintenance_note")
	empty := knownvalue.StringExact("")

	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config:           runnerConfig(m, owner, body+"\n  maintenance_note = \"replace disk in March\""),
			ConfigPlanChecks: emptyPlanAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, note, knownvalue.StringExact("replace disk in March")),
			},
		},
		resource.TestStep{
			Config: runnerConfig(m, owner, body),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(address, note, empty),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(address, note, empty)},
			Check: checkMock(m, func(rec store.RunnerRecord) error {
				if rec.MaintenanceNote != "" {
					return fmt.Errorf("the note is still %q in GitLab", rec.MaintenanceNote)
				}
				return nil
			}),
		},
		// GitLab answers null for a runner without a note: imported, it is "".
		resource.TestStep{
			ResourceName:            address,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: importVerifyIgnore,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 {
					return fmt.Errorf("imported %d instances", len(states))
				}
				if v, ok := states[0].Attributes["maintenance_note"]; !ok || v != "" {
					return fmt.Errorf("imported maintenance_note = %q (present %v), want \"\"", v, ok)
				}
				return nil
			},
		},
		resource.TestStep{
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(address, note, empty),
				},
			},
		},
	))
}

// TestAccUserRunner_project: a project Maintainer creates a project runner;
// it imports without a replacement; moving it to another project replaces it.
func TestAccUserRunner_project(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	other := m.Store().CreateProject("other", m.Seed.Subgroup.ID)
	var id string
	body := func(project int64) string {
		return fmt.Sprintf(`  runner_type     = "project_type"
  project_id      = %d
  description     = "app runner"
  locked          = true
  tag_list        = ["app"]
  maximum_timeout = 600`, project)
	}
	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config:           runnerConfig(m, m.Seed.Project.MaintainerToken, body(m.Seed.Project.ID)),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeTestCheckFunc(
				capture("id", &id),
				resource.TestCheckResourceAttr(address, "project_id", strconv.FormatInt(m.Seed.Project.ID, 10)),
				resource.TestCheckNoResourceAttr(address, "group_id"),
				checkMock(m, func(rec store.RunnerRecord) error {
					if rec.RunnerType != "project_type" || len(rec.ProjectIDs) == 0 || rec.ProjectIDs[0] != m.Seed.Project.ID {
						return fmt.Errorf("runner is %s in projects %v", rec.RunnerType, rec.ProjectIDs)
					}
					return expectMockAttrs(store.RunnerAttributes{Description: "app runner", Locked: true, RunUntagged: true,
						TagList: []string{"app"}, AccessLevel: "not_protected", MaximumTimeout: ptr(int64(600))})(rec)
				}),
			),
		},
		resource.TestStep{
			ResourceName:            address,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: importVerifyIgnore,
		},
		resource.TestStep{
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
		},
		// The group Owner (Owner of the project through the group) moves it.
		resource.TestStep{
			Config:           runnerConfig(m, m.Seed.Group.OwnerToken, body(other)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: checkMock(m, func(rec store.RunnerRecord) error {
				if strconv.FormatInt(rec.ID, 10) == id || len(rec.ProjectIDs) == 0 || rec.ProjectIDs[0] != other || len(m.Store().RunnerIDs()) != 1 {
					return fmt.Errorf("want one new runner in project %d, got runner %d in %v; runners %v", other, rec.ID, rec.ProjectIDs, m.Store().RunnerIDs())
				}
				return nil
			}),
		},
	))
}

// TestAccUserRunner_instance: an administrator creates an instance runner;
// it imports without a replacement; turning it into a group runner replaces it.
func TestAccUserRunner_instance(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	admin := m.Seed.AdminToken
	var id string
	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config: runnerConfig(m, admin, `  runner_type  = "instance_type"
  description  = "shared"
  run_untagged = false
  tag_list     = ["shared", "docker"]
  access_level = "ref_protected"`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeTestCheckFunc(
				capture("id", &id),
				resource.TestCheckNoResourceAttr(address, "group_id"),
				resource.TestCheckNoResourceAttr(address, "project_id"),
				checkMock(m, func(rec store.RunnerRecord) error {
					if rec.RunnerType != "instance_type" {
						return fmt.Errorf("runner type %s", rec.RunnerType)
					}
					return expectMockAttrs(store.RunnerAttributes{Description: "shared", RunUntagged: false,
						TagList: []string{"docker", "shared"}, AccessLevel: "ref_protected"})(rec)
				}),
			),
		},
		resource.TestStep{
			ResourceName:            address,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: importVerifyIgnore,
		},
		resource.TestStep{
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
		},
		resource.TestStep{
			ResourceName:  address,
			ImportState:   true,
			ImportStateId: "runner-1",
			ExpectError:   acctest.Words(`The import id "runner-1" is not a runner id`),
		},
		resource.TestStep{
			Config:           runnerConfig(m, admin, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d", m.Seed.Group.ID)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: checkMock(m, func(rec store.RunnerRecord) error {
				if strconv.FormatInt(rec.ID, 10) == id || rec.RunnerType != "group_type" || len(m.Store().RunnerIDs()) != 1 {
					return fmt.Errorf("want one new group runner, got runner %d (%s), runners %v", rec.ID, rec.RunnerType, m.Store().RunnerIDs())
				}
				return nil
			}),
		},
	))
}

// TestAccUserRunner_drift: a runner deleted outside Terraform is planned for
// creation; one edited outside Terraform is updated back; a token that lost
// access fails the refresh instead of dropping the runner from state;
// removing a runner that is already gone from the configuration succeeds.
func TestAccUserRunner_drift(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	owner := m.Seed.Group.OwnerToken
	cfg := runnerConfig(m, owner, fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = "managed"
  tag_list    = ["docker"]`, m.Seed.Group.ID))
	var id string
	want := gitlabDefaults("managed")
	want.TagList = []string{"docker"}
	runnerID := func() int64 { n, _ := strconv.ParseInt(id, 10, 64); return n }

	resource.Test(t, testCase(t, m,
		resource.TestStep{Config: cfg, Check: capture("id", &id)},
		resource.TestStep{
			PreConfig: func() {
				if !m.Store().DeleteRunner(runnerID()) {
					t.Fatalf("runner %s not in the mock", id)
				}
			},
			Config:           cfg,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrWith(address, "id", func(v string) error {
					if v == id {
						return fmt.Errorf("expected a new runner, got the deleted id %s", v)
					}
					return nil
				}),
				capture("id", &id),
				checkMock(m, expectMockAttrs(want)),
			),
		},
		resource.TestStep{
			PreConfig: func() {
				err := m.Store().UpdateRunner(runnerID(), func(r *store.RunnerRecord) {
					r.Description, r.TagList, r.Paused, r.MaximumTimeout = "edited by hand", []string{"gpu"}, true, ptr(int64(7200))
				})
				if err != nil {
					t.Fatal(err)
				}
			},
			Config:           cfg,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check:            resource.ComposeTestCheckFunc(resource.TestCheckResourceAttrPtr(address, "id", &id), checkMock(m, expectMockAttrs(want))),
		},
		// A token that may not see the runner: an error, not a deletion.
		resource.TestStep{
			Config:      strings.Replace(cfg, owner, m.Seed.NonAdminToken, 1),
			ExpectError: acctest.Words("Unable to Read Runner"),
		},
		resource.TestStep{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            resource.TestCheckResourceAttrPtr(address, "id", &id),
		},
		// Deleted by hand, then removed from the configuration: nothing fails.
		resource.TestStep{
			PreConfig: func() { m.Store().DeleteRunner(runnerID()) },
			Config:    m.ProviderBlock(owner),
		},
	))
}

// TestAccUserRunner_rotation rotates the token in place, by trigger and
// before expiry, and checks that the old token stops working.
func TestAccUserRunner_rotation(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	const interval = 30 * 24 * time.Hour
	m.Store().UpdateSettings(func(s *store.Settings) {
		s.GroupRunnerTokenExpirationInterval = ptr(int64(interval / time.Second))
	})
	cfg := func(trigger string) string {
		return runnerConfig(m, m.Seed.Group.OwnerToken, fmt.Sprintf(`  runner_type          = "group_type"
  group_id             = %d
  rotation_triggers    = { rotated = %q }
  rotate_before_expiry = "168h"`, m.Seed.Group.ID, trigger))
	}
	var id, token, oldToken string
	expiresAt := func(t time.Time) resource.TestCheckFunc {
		return resource.TestCheckResourceAttr(address, "token_expires_at", t.Add(interval).UTC().Format(time.RFC3339))
	}
	// rotated checks: same id, a new token, the old one refused, the new one accepted.
	rotated := func() resource.TestCheckFunc {
		return resource.ComposeTestCheckFunc(
			resource.TestCheckResourceAttrPtr(address, "id", &id),
			func(s *terraform.State) error { oldToken = token; return nil },
			capture("token", &token),
			func(s *terraform.State) error {
				if token == oldToken {
					return fmt.Errorf("the token did not change")
				}
				if st := m.VerifyStatus(t, oldToken, "s_0123456789ab"); st != 403 {
					return fmt.Errorf("old token: verify answered %d, want 403", st)
				}
				if st := m.VerifyStatus(t, token, "s_0123456789ab"); st != 200 {
					return fmt.Errorf("new token: verify answered %d, want 200", st)
				}
				return nil
			},
		)
	}
	start := m.Clock.Now()
	resource.Test(t, testCase(t, m,
		resource.TestStep{
			Config:           cfg("2025-01"),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check:            resource.ComposeTestCheckFunc(capture("id", &id), capture("token", &token), expiresAt(start)),
		},
		resource.TestStep{
			Config:           cfg("2025-02"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check:            resource.ComposeTestCheckFunc(rotated(), expiresAt(start)),
		},
		// 10 days before expiry: outside the 7-day window, nothing to do.
		resource.TestStep{
			PreConfig: func() { m.Clock.Advance(20 * 24 * time.Hour) },
			Config:    cfg("2025-02"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.TestCheckResourceAttrPtr(address, "token", &token),
		},
		// 6 days before expiry: the plan rotates.
		resource.TestStep{
			PreConfig:        func() { m.Clock.Advance(4 * 24 * time.Hour) },
			Config:           cfg("2025-02"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check:            resource.ComposeTestCheckFunc(rotated(), expiresAt(start.Add(24*24*time.Hour))),
		},
	))
}

// TestAccUserRunner_importThenRotate imports a runner created elsewhere with
// an import block; its token is null until a rotation trigger mints one.
func TestAccUserRunner_importThenRotate(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: m.Seed.Group.OwnerToken})
	if err != nil {
		t.Fatal(err)
	}
	created, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
		RunnerType: gitlabapi.RunnerTypeGroup, GroupID: ptr(m.Seed.Group.ID),
		RunnerAttributes: gitlabapi.RunnerAttributes{Description: ptr("made by hand"), TagList: &[]string{"docker"}},
	})
	if err != nil {
		t.Fatalf("cannot create a runner in the mock: %v", err)
	}
	body := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = "made by hand"
  tag_list    = ["docker"]`, m.Seed.Group.ID)
	importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = \"%d\"\n}\n", address, created.ID)
	var token string
	resource.Test(t, testCase(t, m,
		// Imported as it is: no change, no replacement, no token.
		resource.TestStep{
			Config: runnerConfig(m, m.Seed.Group.OwnerToken, body) + importBlock,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(address, "id", strconv.FormatInt(created.ID, 10)),
				resource.TestCheckNoResourceAttr(address, "token"),
			),
		},
		// The first trigger rotates: a token for the same runner.
		resource.TestStep{
			Config:           runnerConfig(m, m.Seed.Group.OwnerToken, body+"\n  rotation_triggers = { first = \"1\" }") + importBlock,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(address, "id", strconv.FormatInt(created.ID, 10)),
				capture("token", &token),
				func(*terraform.State) error {
					if !strings.HasPrefix(token, "glrt-") || token == created.Token {
						return fmt.Errorf("want a new glrt- token after rotation")
					}
					if st := m.VerifyStatus(t, token, "s_0123456789ab"); st != 200 {
						return fmt.Errorf("new token: verify answered %d", st)
					}
					if st := m.VerifyStatus(t, created.Token, "s_0123456789ab"); st != 403 {
						return fmt.Errorf("the token from before the import still works: %d", st)
					}
					return nil
				},
			),
		},
	))
}

// TestAccUserRunner_invalidConfig: every invalid input fails at plan with an
// error naming the attribute, before any request reaches GitLab.
func TestAccUserRunner_invalidConfig(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	g := m.Seed.Group.ID
	long := strings.Repeat("x", 1025)
	// Runs after the parallel subtests.
	t.Cleanup(func() {
		if n := m.Stats().TotalRequests(); n != 0 {
			t.Errorf("invalid configurations reached GitLab: %v", m.Stats().RequestsByRoute())
		}
	})
	cases := []struct {
		name, body string
		want       *regexp.Regexp
	}{
		{"runner_type case", `runner_type = "Group_type"` + fmt.Sprintf("\ngroup_id = %d", g), acctest.Words(`runner_type value must be one of`)},
		{"runner_type missing", fmt.Sprintf("group_id = %d", g), acctest.Words(`"runner_type" is required`)},
		{"group without group_id", `runner_type = "group_type"`, acctest.Words(`runner_type = "group_type" needs group_id`)},
		{"group with project_id", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nproject_id = 34", g), acctest.Words(`project_id = 34 is not allowed with runner_type = "group_type"`)},
		{"project with group_id", "runner_type = \"project_type\"\nproject_id = 34\ngroup_id = 12", acctest.Words(`group_id = 12 is not allowed with runner_type = "project_type"`)},
		{"project without project_id", `runner_type = "project_type"`, acctest.Words(`needs project_id`)},
		{"instance with group_id", "runner_type = \"instance_type\"\ngroup_id = 12", acctest.Words(`group_id = 12 is not allowed with runner_type = "instance_type"`)},
		{"group_id zero", "runner_type = \"group_type\"\ngroup_id = 0", acctest.Words(`group_id value must be at least 1`)},
		{"empty tag", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ntag_list = [\"\"]", g), acctest.Words(`tag_list contains "": a tag cannot be empty`)},
		{"tag with comma", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ntag_list = [\"a,b\"]", g), acctest.Words(`tag_list contains "a,b": a tag cannot contain a comma`)},
		{"tag with spaces", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ntag_list = [\" docker\"]", g), acctest.Words(`tag_list contains " docker": a tag cannot start or end with spaces`)},
		{"access_level", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\naccess_level = \"Ref_protected\"", g), acctest.Words(`access_level value must be one of`)},
		{"maximum_timeout", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nmaximum_timeout = 599", g), acctest.Words(`maximum_timeout value must be between 600 and 2147483647, got: 599`)},
		// GitLab's column is a 4-byte integer: a larger value fails with a 500 at apply.
		{"maximum_timeout beyond int4", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nmaximum_timeout = 2147483648", g), acctest.Words(`maximum_timeout value must be between 600 and 2147483647, got: 2147483648`)},
		{"maximum_timeout beyond int64", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nmaximum_timeout = 9223372036854775808", g), acctest.Words(`maximum_timeout = 9223372036854775808 is too large`)},
		// The framework alone says "Configuration Read Error ... %!s(*big.Float=1e+20)".
		{"project_id beyond int64", "runner_type = \"project_type\"\nproject_id = 99999999999999999999", acctest.Words(`project_id = 99999999999999999999 is too large: the largest whole number allowed here is 9223372036854775807`)},
		{"group_id not whole", "runner_type = \"group_type\"\ngroup_id = 1.5", acctest.Words(`group_id = 1.5 is not a whole number`)},
		{"tag too long", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ntag_list = [%q]", g, strings.Repeat("t", 256)), acctest.Words(`it is 256 characters long; GitLab allows at most 255`)},
		{"51 tags", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ntag_list = [for i in range(51) : \"t${i}\"]", g), acctest.Words(`tag_list has 51 tags; GitLab allows at most 50`)},
		{"10000 tags", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ntag_list = flatten([for j in range(10) : [for i in range(1000) : \"t${j}-${i}\"]])", g), acctest.Words(`tag_list has 10000 tags; GitLab allows at most 50`)},
		{"NUL in tag", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ntag_list = [\"a\\u0000b\"]", g), acctest.Words(`a tag cannot contain a NUL character`)},
		{"NUL in description", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ndescription = \"a\\u0000b\"", g), acctest.Words(`description contains a NUL character`)},
		{"NUL in maintenance_note", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nmaintenance_note = \"\\u0000\"", g), acctest.Words(`maintenance_note contains a NUL character`)},
		{"description", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\ndescription = %q", g, long), acctest.Words(`description is 1025 characters long; GitLab allows at most 1024`)},
		{"maintenance_note", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nmaintenance_note = %q", g, long), acctest.Words(`maintenance_note is 1025 characters long`)},
		{"untagged without tags", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nrun_untagged = false", g), acctest.Words(`run_untagged = false with an empty tag_list`)},
		{"rotate_before_expiry days", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nrotate_before_expiry = \"7d\"", g), acctest.Words(`rotate_before_expiry = "7d" is not a duration`)},
		{"rotate_before_expiry negative", fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d\nrotate_before_expiry = \"-1h\"", g), acctest.Words(`rotate_before_expiry = "-1h" is not positive`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, testCase(t, m, resource.TestStep{
				Config:      runnerConfig(m, m.Seed.AdminToken, tc.body),
				PlanOnly:    true,
				ExpectError: tc.want,
			}))
		})
	}
}

// TestAccUserRunner_apiErrors: permission and scope failures, and a GitLab
// too old for POST /user/runners, give diagnostics that say what to do.
func TestAccUserRunner_apiErrors(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	old := acctest.StartMock(t, acctest.WithVersion("15.9.0-ee"))
	group := fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d", m.Seed.Group.ID)
	cases := []struct {
		name   string
		mock   *acctest.Mock
		token  string
		body   string
		expect *regexp.Regexp
	}{
		{"group maintainer", m, m.Seed.Group.MaintainerToken, group,
			acctest.Words(fmt.Sprintf("Creating a group runner in group %d (POST /user/runners) failed. GitLab answered 403 Forbidden", m.Seed.Group.ID))},
		{"group maintainer hint", m, m.Seed.Group.MaintainerToken, group,
			acctest.Words(fmt.Sprintf("needs the Owner role on group %d (Maintainer is not enough)", m.Seed.Group.ID))},
		{"read_api token", m, m.Seed.ReadAPIToken, group, acctest.Words("`create_runner` or `api` scope")},
		{"non-admin instance runner", m, m.Seed.NonAdminToken, `runner_type = "instance_type"`,
			acctest.Words("Creating an instance runner needs an administrator's access token")},
		{"project developer", m, m.Seed.Project.DeveloperToken, fmt.Sprintf("runner_type = \"project_type\"\nproject_id = %d", m.Seed.Project.ID),
			acctest.Words(fmt.Sprintf("Maintainer or Owner role on project %d", m.Seed.Project.ID))},
		{"bad access token", m, "glpat-not-a-real-token-000", group, acctest.Words("GITLAB_TOKEN")},
		{"old GitLab", old, old.Seed.Group.OwnerToken, fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d", old.Seed.Group.ID),
			acctest.Words("GitLab 15.9 does not have POST /user/runners; creating runners with authentication tokens needs GitLab 15.11 or later")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, testCase(t, tc.mock, resource.TestStep{
				Config:      runnerConfig(tc.mock, tc.token, tc.body),
				ExpectError: tc.expect,
			}))
		})
	}
}

// TestAccUserRunner_createRecovery: a create whose answer is lost adopts the
// runner instead of duplicating it; a create whose second step fails leaves a
// tainted runner that the next apply replaces, never an orphan.
func TestAccUserRunner_createRecovery(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	cfg := runnerConfig(m, m.Seed.Group.OwnerToken, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d\n  description = \"resilient\"", m.Seed.Group.ID))
	var tainted []int64
	resource.Test(t, testCase(t, m,
		resource.TestStep{
			PreConfig: func() {
				m.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1})
			},
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				checkMock(m, expectMockAttrs(gitlabDefaults("resilient"))),
				func(*terraform.State) error {
					if ids := m.Store().RunnerIDs(); len(ids) != 1 {
						return fmt.Errorf("want exactly one runner, got %v", ids)
					}
					return nil
				},
			),
		},
		resource.TestStep{Config: m.ProviderBlock(m.Seed.Group.OwnerToken)},
		resource.TestStep{
			PreConfig: func() {
				m.Faults().Add(mockcoordinator.Fault{Route: "PUT /runners/:id", Kind: mockcoordinator.FaultStatus, Status: 403, Times: 1})
			},
			Config:      cfg,
			ExpectError: acctest.Words("Unable to Configure Created Runner"),
		},
		resource.TestStep{
			PreConfig: func() { tainted = m.Store().RunnerIDs() },
			Config:    cfg,
			Check: func(s *terraform.State) error {
				id, err := stateRunnerID(s)
				if err != nil {
					return err
				}
				ids := m.Store().RunnerIDs()
				if len(tainted) != 1 || len(ids) != 1 || ids[0] != id || id == tainted[0] {
					return fmt.Errorf("the tainted runner %v should be replaced by runner %d; mock has %v", tainted, id, ids)
				}
				return nil
			},
		},
	))
}
