package userrunner_test

// Acceptance tests of gitlabrunner_user_runner: Terraform (or OpenTofu)
// drives the provider against an in-process mock coordinator per test.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/userrunner -run TestAccUserRunner -v

import (
	"fmt"
	"regexp"
	"slices"
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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const address = "gitlabrunner_user_runner.test"

// runnerConfig is a provider block for the GitLab under test as the user of
// token plus the resource "test" with the given body.
func runnerConfig(g *acctest.GitLab, token, body string) string {
	return g.ProviderBlock(token) + "\nresource \"gitlabrunner_user_runner\" \"test\" {\n" + body + "\n}\n"
}

// testCase returns the standard TestCase fields for a GitLab under test.
func testCase(t *testing.T, g *acctest.GitLab, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps:                    steps,
	}
}

// defaultDescription is the configuration line of a runner left at GitLab's
// default description: none against the mock; in live mode the test's prefix
// alone, since everything a live test creates carries it.
func defaultDescription(g *acctest.GitLab) string {
	if g.Prefix() == "" {
		return ""
	}
	return fmt.Sprintf("\n  description = %q", g.Name(""))
}

func stateRunnerID(s *terraform.State) (int64, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return 0, fmt.Errorf("%s not in state", address)
	}
	return strconv.ParseInt(rs.Primary.ID, 10, 64)
}

// checkRunner runs check on GitLab's answer for the runner in state.
func checkRunner(g *acctest.GitLab, check func(r acctest.Runner) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := stateRunnerID(s)
		if err != nil {
			return err
		}
		r, err := g.RunnerErr(id)
		if err != nil {
			return err
		}
		return check(r)
	}
}

// checkMock runs check on the mock's store record of the runner in state
// (for the tests that only run against the mock).
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

// checkOnlyRunners wants exactly these runners of the test in GitLab.
func checkOnlyRunners(g *acctest.GitLab, what string, ids ...int64) error {
	got, err := g.RunnerIDsErr()
	if err != nil {
		return err
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		return fmt.Errorf("%s: GitLab has the runners %v, want %v", what, got, ids)
	}
	return nil
}

// capture stores attribute attr of the runner in *dst.
func capture(attr string, dst *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(address, attr, func(v string) error { *dst = v; return nil })
}

// runnerAttrs are a runner's attributes as a test wants them in GitLab.
type runnerAttrs struct {
	Description     string
	Paused, Locked  bool
	RunUntagged     bool
	TagList         []string // sorted
	AccessLevel     string
	MaximumTimeout  *int64
	MaintenanceNote string
}

// expectAttrs compares GitLab's runner with the wanted attributes.
func expectAttrs(want runnerAttrs) func(r acctest.Runner) error {
	return func(r acctest.Runner) error {
		var problems []string
		cmp := func(name string, got, want any) {
			if fmt.Sprint(got) != fmt.Sprint(want) {
				problems = append(problems, fmt.Sprintf("%s = %v, want %v", name, got, want))
			}
		}
		cmp("description", r.Description, want.Description)
		cmp("paused", r.Bool("paused"), want.Paused)
		cmp("locked", r.Bool("locked"), want.Locked)
		cmp("run_untagged", r.Bool("run_untagged"), want.RunUntagged)
		tags := r.Strings("tag_list")
		sort.Strings(tags)
		cmp("tag_list", tags, want.TagList)
		cmp("access_level", r.String("access_level"), want.AccessLevel)
		mt, wmt := "null", "null"
		if v := r.Int("maximum_timeout"); v != nil {
			mt = strconv.FormatInt(*v, 10)
		}
		if want.MaximumTimeout != nil {
			wmt = strconv.FormatInt(*want.MaximumTimeout, 10)
		}
		cmp("maximum_timeout", mt, wmt)
		cmp("maintenance_note", r.String("maintenance_note"), want.MaintenanceNote)
		if len(problems) > 0 {
			return fmt.Errorf("runner %d in GitLab: %s", r.ID, strings.Join(problems, "; "))
		}
		return nil
	}
}

// gitlabDefaults is a runner with every optional attribute at GitLab's default.
func gitlabDefaults(description string) runnerAttrs {
	return runnerAttrs{Description: description, RunUntagged: true, TagList: []string{}, AccessLevel: "not_protected"}
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
	g := acctest.NewGitLab(t)
	owner, group, project := g.OwnerToken(t), g.GroupID(t), g.ProjectID(t, 0)
	var id, token string

	minimal := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = %q`, group, g.Name("first"))

	full := fmt.Sprintf(`  runner_type      = "group_type"
  group_id         = %d
  description      = %q
  paused           = true
  locked           = true
  run_untagged     = false
  tag_list         = ["linux", "docker"]
  access_level     = "ref_protected"
  maximum_timeout  = 3600
  maintenance_note = "replace disk in March"`, group, g.Name("second"))

	sameIDAndToken := resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttrPtr(address, "id", &id),
		resource.TestCheckResourceAttrPtr(address, "token", &token),
	)

	resource.Test(t, testCase(t, g,
		resource.TestStep{
			Config:           runnerConfig(g, owner, minimal),
			ConfigPlanChecks: emptyPlanAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[1-9][0-9]*$`))),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token"), knownvalue.StringRegexp(regexp.MustCompile(`^glrt-`))),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("token_expires_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("group_id"), knownvalue.Int64Exact(group)),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("project_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("run_untagged"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("tag_list"), knownvalue.SetExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("access_level"), knownvalue.StringExact("not_protected")),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("maximum_timeout"), knownvalue.Null()),
			},
			Check: resource.ComposeTestCheckFunc(
				capture("id", &id), capture("token", &token),
				checkRunner(g, func(r acctest.Runner) error {
					if r.RunnerType != "group_type" || len(r.GroupIDs) == 0 || r.GroupIDs[0] != group {
						return fmt.Errorf("runner is %s in groups %v", r.RunnerType, r.GroupIDs)
					}
					return expectAttrs(gitlabDefaults(g.Name("first")))(r)
				}),
				// The token in state is the runner's (verify names it).
				g.CheckAgreement(t, userRunnerType),
				// The token works as gitlab-runner uses it; two hosts are two
				// managers of one runner.
				func(s *terraform.State) error {
					for _, sys := range []string{"s_0123456789ab", "s_ba9876543210"} {
						if status := g.VerifyStatus(t, token, sys); status != 200 {
							return fmt.Errorf("verify with system_id %s answered %d, want 200", sys, status)
						}
					}
					rid, _ := strconv.ParseInt(id, 10, 64)
					systems, err := g.RunnerManagers(rid)
					if err != nil {
						return err
					}
					want := []string{"s_0123456789ab", "s_ba9876543210", acctest.AgreementSystemID}
					sort.Strings(want)
					if !slices.Equal(systems, want) {
						return fmt.Errorf("managers of runner %s: %v, want both system_ids (and the agreement check's)", id, systems)
					}
					return nil
				},
			),
		},
		// Every mutable attribute changes in place: same id, same token.
		resource.TestStep{
			Config:           runnerConfig(g, owner, full),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(
				sameIDAndToken,
				checkRunner(g, expectAttrs(runnerAttrs{
					Description: g.Name("second"), Paused: true, Locked: true, RunUntagged: false, TagList: []string{"docker", "linux"},
					AccessLevel: "ref_protected", MaximumTimeout: ptr(int64(3600)), MaintenanceNote: "replace disk in March",
				})),
			),
		},
		// A single tag changes: the set diff is applied as it is.
		resource.TestStep{
			Config:           runnerConfig(g, owner, strings.Replace(full, `["linux", "docker"]`, `["linux", "arm64"]`, 1)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(sameIDAndToken, checkRunner(g, func(r acctest.Runner) error {
				tags := r.Strings("tag_list")
				sort.Strings(tags)
				if strings.Join(tags, ",") != "arm64,linux" {
					return fmt.Errorf("tags %v, want arm64,linux", tags)
				}
				return nil
			})),
		},
		// Removing the optional attributes returns the runner to GitLab's
		// defaults (in live mode but the description: the test's prefix).
		resource.TestStep{
			Config:           runnerConfig(g, owner, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d", group)+defaultDescription(g)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(
				sameIDAndToken,
				checkRunner(g, expectAttrs(gitlabDefaults(g.Name("")))),
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
		// Another group (the mock's subgroup; live mode has one group): a
		// new runner replaces the old one.
		resource.TestStep{
			SkipFunc:         g.StepNeeds(t, acctest.SeededUsers),
			Config:           runnerConfig(g, owner, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d", g.Seed().Subgroup.ID)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeTestCheckFunc(
				checkRunner(g, func(r acctest.Runner) error {
					if sub := g.Seed().Subgroup.ID; strconv.FormatInt(r.ID, 10) == id || len(r.GroupIDs) == 0 || r.GroupIDs[0] != sub {
						return fmt.Errorf("want a new runner in group %d, got runner %d in groups %v", sub, r.ID, r.GroupIDs)
					}
					return checkOnlyRunners(g, "the old runner is deleted", r.ID)
				}),
				capture("id", &id),
			),
		},
		// Another type: replaced again.
		resource.TestStep{
			Config:           runnerConfig(g, owner, fmt.Sprintf("  runner_type = \"project_type\"\n  project_id = %d", project)+defaultDescription(g)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: checkRunner(g, func(r acctest.Runner) error {
				if strconv.FormatInt(r.ID, 10) == id || r.RunnerType != "project_type" {
					return fmt.Errorf("want one new project runner, got runner %d (%s)", r.ID, r.RunnerType)
				}
				return checkOnlyRunners(g, "the old runner is deleted", r.ID)
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
	g := acctest.NewGitLab(t)
	owner := g.OwnerToken(t)
	body := fmt.Sprintf("  runner_type = \"group_type\"\n  group_id    = %d", g.GroupID(t)) + defaultDescription(g)
	note := tfjsonpath.New("maintenance_note")
	empty := knownvalue.StringExact("")

	resource.Test(t, testCase(t, g,
		resource.TestStep{
			Config:           runnerConfig(g, owner, body+"\n  maintenance_note = \"replace disk in March\""),
			ConfigPlanChecks: emptyPlanAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, note, knownvalue.StringExact("replace disk in March")),
			},
		},
		resource.TestStep{
			Config: runnerConfig(g, owner, body),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(address, note, empty),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(address, note, empty)},
			Check: checkRunner(g, func(r acctest.Runner) error {
				if note := r.String("maintenance_note"); note != "" {
					return fmt.Errorf("the note is still %q in GitLab", note)
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

// TestAccUserRunner_project: a project Maintainer (in live mode
// GITLAB_TOKEN's user) creates a project runner; it imports without a
// replacement; moving it to another project replaces it.
func TestAccUserRunner_project(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	project, other := g.ProjectID(t, 0), g.ProjectID(t, 1)
	maintainer := g.MemberToken(t, func(s store.Seed) string { return s.Project.MaintainerToken })
	var id string
	body := func(project int64) string {
		return fmt.Sprintf(`  runner_type     = "project_type"
  project_id      = %d
  description     = %q
  locked          = true
  tag_list        = ["app"]
  maximum_timeout = 600`, project, g.Name("app runner"))
	}
	resource.Test(t, testCase(t, g,
		resource.TestStep{
			Config:           runnerConfig(g, maintainer, body(project)),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeTestCheckFunc(
				capture("id", &id),
				resource.TestCheckResourceAttr(address, "project_id", strconv.FormatInt(project, 10)),
				resource.TestCheckNoResourceAttr(address, "group_id"),
				checkRunner(g, func(r acctest.Runner) error {
					if r.RunnerType != "project_type" || len(r.ProjectIDs) == 0 || r.ProjectIDs[0] != project {
						return fmt.Errorf("runner is %s in projects %v", r.RunnerType, r.ProjectIDs)
					}
					return expectAttrs(runnerAttrs{Description: g.Name("app runner"), Locked: true, RunUntagged: true,
						TagList: []string{"app"}, AccessLevel: "not_protected", MaximumTimeout: ptr(int64(600))})(r)
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
			Config:           runnerConfig(g, g.OwnerToken(t), body(other)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: checkRunner(g, func(r acctest.Runner) error {
				if strconv.FormatInt(r.ID, 10) == id || len(r.ProjectIDs) == 0 || r.ProjectIDs[0] != other {
					return fmt.Errorf("want one new runner in project %d, got runner %d in %v", other, r.ID, r.ProjectIDs)
				}
				return checkOnlyRunners(g, "the old runner is deleted", r.ID)
			}),
		},
	))
}

// TestAccUserRunner_instance: an administrator creates an instance runner;
// it imports without a replacement; turning it into a group runner replaces it.
func TestAccUserRunner_instance(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	admin := g.AdminToken(t)
	var id string
	resource.Test(t, testCase(t, g,
		resource.TestStep{
			Config: runnerConfig(g, admin, fmt.Sprintf(`  runner_type  = "instance_type"
  description  = %q
  run_untagged = false
  tag_list     = ["shared", "docker"]
  access_level = "ref_protected"`, g.Name("shared"))),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeTestCheckFunc(
				capture("id", &id),
				resource.TestCheckNoResourceAttr(address, "group_id"),
				resource.TestCheckNoResourceAttr(address, "project_id"),
				checkRunner(g, func(r acctest.Runner) error {
					if r.RunnerType != "instance_type" {
						return fmt.Errorf("runner type %s", r.RunnerType)
					}
					return expectAttrs(runnerAttrs{Description: g.Name("shared"), RunUntagged: false,
						TagList: []string{"docker", "shared"}, AccessLevel: "ref_protected"})(r)
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
			Config:           runnerConfig(g, admin, fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d", g.GroupID(t))+defaultDescription(g)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			Check: checkRunner(g, func(r acctest.Runner) error {
				if strconv.FormatInt(r.ID, 10) == id || r.RunnerType != "group_type" {
					return fmt.Errorf("want one new group runner, got runner %d (%s)", r.ID, r.RunnerType)
				}
				return checkOnlyRunners(g, "the old runner is deleted", r.ID)
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
	g := acctest.NewGitLab(t)
	owner := g.OwnerToken(t)
	cfg := runnerConfig(g, owner, fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = %q
  tag_list    = ["docker"]`, g.GroupID(t), g.Name("managed")))
	var id string
	want := gitlabDefaults(g.Name("managed"))
	want.TagList = []string{"docker"}
	runnerID := func() int64 { n, _ := strconv.ParseInt(id, 10, 64); return n }

	resource.Test(t, testCase(t, g,
		resource.TestStep{Config: cfg, Check: capture("id", &id)},
		resource.TestStep{
			PreConfig:        func() { g.DeleteRunner(t, runnerID()) },
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
				checkRunner(g, expectAttrs(want)),
			),
		},
		resource.TestStep{
			PreConfig: func() {
				g.UpdateRunner(t, runnerID(), map[string]any{
					"description": g.Name("edited by hand"), "tag_list": []string{"gpu"}, "paused": true, "maximum_timeout": 7200,
				})
			},
			Config:           cfg,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check:            resource.ComposeTestCheckFunc(resource.TestCheckResourceAttrPtr(address, "id", &id), checkRunner(g, expectAttrs(want))),
		},
		// A token that may not see the runner: an error, not a deletion.
		resource.TestStep{
			Config:      strings.Replace(cfg, owner, g.NonAdminToken(t), 1),
			ExpectError: acctest.Words("Unable to Read Runner"),
		},
		resource.TestStep{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            resource.TestCheckResourceAttrPtr(address, "id", &id),
		},
		// Deleted by hand, then removed from the configuration: nothing fails.
		resource.TestStep{
			PreConfig: func() { g.DeleteRunner(t, runnerID()) },
			Config:    g.ProviderBlock(owner),
		},
	))
}

// TestAccUserRunner_rotation rotates the token in place, by trigger and
// before expiry, and checks that the old token stops working. Rotation
// before expiry moves the mock's clock: live mode runs the trigger part.
func TestAccUserRunner_rotation(t *testing.T) {
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	const interval = 30 * 24 * time.Hour
	g.UpdateInstanceSettings(t, map[string]any{"group_runner_token_expiration_interval": int64(interval / time.Second)})
	cfg := func(trigger string) string {
		return runnerConfig(g, g.OwnerToken(t), fmt.Sprintf(`  runner_type          = "group_type"
  group_id             = %d
  rotation_triggers    = { rotated = %q }
  rotate_before_expiry = "168h"`, g.GroupID(t), trigger)+defaultDescription(g))
	}
	var id, token, oldToken string
	var from time.Time // when the step's token was minted, at the latest
	minted := func() { from = g.Now() }
	// expiresAt wants the token to expire interval after it was minted:
	// between from and now (the same instant on the mock's clock).
	expiresAt := func() resource.TestCheckFunc {
		return resource.TestCheckResourceAttrWith(address, "token_expires_at", func(v string) error {
			at, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return err
			}
			earliest, latest := from.Add(interval).Truncate(time.Second), g.Now().Add(interval)
			if at.Before(earliest) || at.After(latest) {
				return fmt.Errorf("token_expires_at = %s, want between %s and %s", v, earliest.Format(time.RFC3339), latest.Format(time.RFC3339))
			}
			return nil
		})
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
				if st := g.VerifyStatus(t, oldToken, "s_0123456789ab"); st != 403 {
					return fmt.Errorf("old token: verify answered %d, want 403", st)
				}
				if st := g.VerifyStatus(t, token, "s_0123456789ab"); st != 200 {
					return fmt.Errorf("new token: verify answered %d, want 200", st)
				}
				return nil
			},
		)
	}
	resource.Test(t, testCase(t, g,
		resource.TestStep{
			PreConfig:        minted,
			Config:           cfg("2025-01"),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check:            resource.ComposeTestCheckFunc(capture("id", &id), capture("token", &token), expiresAt()),
		},
		// A new trigger rotates; the token's lifetime starts again.
		resource.TestStep{
			PreConfig:        minted,
			Config:           cfg("2025-02"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check:            resource.ComposeTestCheckFunc(rotated(), expiresAt()),
		},
		// 10 days before expiry: outside the 7-day window, nothing to do.
		resource.TestStep{
			SkipFunc:  g.StepNeeds(t, acctest.MockClock),
			PreConfig: g.OnMock(func(m *acctest.Mock) { m.Clock.Advance(20 * 24 * time.Hour) }),
			Config:    cfg("2025-02"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.TestCheckResourceAttrPtr(address, "token", &token),
		},
		// 6 days before expiry: the plan rotates.
		resource.TestStep{
			SkipFunc:         g.StepNeeds(t, acctest.MockClock),
			PreConfig:        g.OnMock(func(m *acctest.Mock) { m.Clock.Advance(4 * 24 * time.Hour); minted() }),
			Config:           cfg("2025-02"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check:            resource.ComposeTestCheckFunc(rotated(), expiresAt()),
		},
	))
}

// TestAccUserRunner_importThenRotate imports a runner created elsewhere with
// an import block; its token is null until a rotation trigger mints one.
func TestAccUserRunner_importThenRotate(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	owner, group := g.OwnerToken(t), g.GroupID(t)
	createdID, createdToken := g.CreateRunner(t, owner, map[string]any{
		"runner_type": "group_type", "group_id": group, "description": g.Name("made by hand"), "tag_list": []string{"docker"},
	})
	body := fmt.Sprintf(`  runner_type = "group_type"
  group_id    = %d
  description = %q
  tag_list    = ["docker"]`, group, g.Name("made by hand"))
	importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = \"%d\"\n}\n", address, createdID)
	var token string
	resource.Test(t, testCase(t, g,
		// Imported as it is: no change, no replacement, no token.
		resource.TestStep{
			Config: runnerConfig(g, owner, body) + importBlock,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(address, "id", strconv.FormatInt(createdID, 10)),
				resource.TestCheckNoResourceAttr(address, "token"),
			),
		},
		// The first trigger rotates: a token for the same runner.
		resource.TestStep{
			Config:           runnerConfig(g, owner, body+"\n  rotation_triggers = { first = \"1\" }") + importBlock,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(address, "id", strconv.FormatInt(createdID, 10)),
				capture("token", &token),
				func(*terraform.State) error {
					if !strings.HasPrefix(token, "glrt-") || token == createdToken {
						return fmt.Errorf("want a new glrt- token after rotation")
					}
					if st := g.VerifyStatus(t, token, "s_0123456789ab"); st != 200 {
						return fmt.Errorf("new token: verify answered %d", st)
					}
					if st := g.VerifyStatus(t, createdToken, "s_0123456789ab"); st != 403 {
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
	gl := acctest.NewGitLab(t)
	g, token := gl.GroupID(t), gl.OwnerToken(t)
	long := strings.Repeat("x", 1025)
	// Runs after the parallel subtests.
	t.Cleanup(func() {
		if n := gl.Stats().TotalRequests(); n != 0 {
			t.Errorf("invalid configurations reached GitLab: %v", gl.Stats().RequestsByRoute())
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
			resource.Test(t, testCase(t, gl, resource.TestStep{
				Config:      runnerConfig(gl, token, tc.body),
				PlanOnly:    true,
				ExpectError: tc.want,
			}))
		})
	}
}

// TestAccUserRunner_apiErrors: permission and scope failures, and a GitLab
// too old for POST /user/runners, give diagnostics that say what to do. The
// roles' cases need the mock's seeded users, the old GitLab its emulated
// version; live mode runs the others.
func TestAccUserRunner_apiErrors(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	group := fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d", g.GroupID(t)) + defaultDescription(g)
	seed := g.Seed()
	cases := []struct {
		name   string
		needs  acctest.Capability // "": runs in live mode too
		token  func(t testing.TB) string
		body   string
		expect *regexp.Regexp
	}{
		{"group maintainer", acctest.SeededUsers, func(testing.TB) string { return seed.Group.MaintainerToken }, group,
			acctest.Words(fmt.Sprintf("Creating a group runner in group %d (POST /user/runners) failed. GitLab answered 403 Forbidden", seed.Group.ID))},
		{"group maintainer hint", acctest.SeededUsers, func(testing.TB) string { return seed.Group.MaintainerToken }, group,
			acctest.Words(fmt.Sprintf("needs the Owner role on group %d (Maintainer is not enough)", seed.Group.ID))},
		{"read_api token", acctest.SeededUsers, func(testing.TB) string { return seed.ReadAPIToken }, group, acctest.Words("`create_runner` or `api` scope")},
		{"non-admin instance runner", "", g.NonAdminToken, `runner_type = "instance_type"` + defaultDescription(g),
			acctest.Words("Creating an instance runner needs an administrator's access token")},
		{"project developer", acctest.SeededUsers, func(testing.TB) string { return seed.Project.DeveloperToken },
			fmt.Sprintf("runner_type = \"project_type\"\nproject_id = %d", seed.Project.ID),
			acctest.Words(fmt.Sprintf("Maintainer or Owner role on project %d", seed.Project.ID))},
		{"bad access token", "", func(testing.TB) string { return "glpat-not-a-real-token-000" }, group, acctest.Words("GITLAB_TOKEN")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.needs != "" {
				g.SkipLive(t, tc.needs)
			}
			resource.Test(t, testCase(t, g, resource.TestStep{
				Config:      runnerConfig(g, tc.token(t), tc.body),
				ExpectError: tc.expect,
			}))
		})
	}
	t.Run("old GitLab", func(t *testing.T) {
		t.Parallel()
		old := acctest.NewGitLab(t, acctest.WithVersion("15.9.0-ee"))
		resource.Test(t, testCase(t, old, resource.TestStep{
			Config:      runnerConfig(old, old.OwnerToken(t), fmt.Sprintf("runner_type = \"group_type\"\ngroup_id = %d", old.GroupID(t))),
			ExpectError: acctest.Words("GitLab 15.9 does not have POST /user/runners; creating runners with authentication tokens needs GitLab 15.11 or later"),
		}))
	})
}

// TestAccUserRunner_createRecovery: a create whose answer is lost adopts the
// runner instead of duplicating it; a create whose second step fails leaves a
// tainted runner that the next apply replaces, never an orphan.
func TestAccUserRunner_createRecovery(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	cfg := runnerConfig(g, g.OwnerToken(t), fmt.Sprintf("  runner_type = \"group_type\"\n  group_id = %d\n  description = %q", g.GroupID(t), g.Name("resilient")))
	var tainted []int64
	resource.Test(t, testCase(t, g,
		resource.TestStep{
			PreConfig: func() {
				g.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1})
			},
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				checkRunner(g, expectAttrs(gitlabDefaults(g.Name("resilient")))),
				func(s *terraform.State) error {
					id, err := stateRunnerID(s)
					if err != nil {
						return err
					}
					return checkOnlyRunners(g, "one runner, adopted", id)
				},
			),
		},
		resource.TestStep{Config: g.ProviderBlock(g.OwnerToken(t))},
		resource.TestStep{
			PreConfig: func() {
				g.Faults().Add(mockcoordinator.Fault{Route: "PUT /runners/:id", Kind: mockcoordinator.FaultStatus, Status: 403, Times: 1})
			},
			Config:      cfg,
			ExpectError: acctest.Words("Unable to Configure Created Runner"),
		},
		resource.TestStep{
			PreConfig: func() { tainted = g.RunnerIDs(t) },
			Config:    cfg,
			Check: func(s *terraform.State) error {
				id, err := stateRunnerID(s)
				if err != nil {
					return err
				}
				if len(tainted) != 1 || id == tainted[0] {
					return fmt.Errorf("the tainted runner %v should be replaced by runner %d", tainted, id)
				}
				return checkOnlyRunners(g, "the tainted runner replaced", id)
			},
		},
	))
}
