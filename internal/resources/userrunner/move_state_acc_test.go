package userrunner_test

// Moving a runner from GitLab's provider with a `moved` block (Terraform
// 1.8+, OpenTofu 1.10+; acctest.MovedAcrossTypes): a test-only provider
// serving GitLab's gitlab_user_runner writes the source state against the
// mock, then the move carries it over with no write to GitLab, no
// replacement and the same token. `make testacc-newest` and `make
// testacc-tofu-newest` run it; the pinned CLIs skip it.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/tofu-1.12.6 go test ./internal/resources/userrunner -run TestAccUserRunner_moved -v

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest/gitlabprovider"
)

// withGitLabProvider adds the stand-in for release of GitLab's provider to
// factories.
func withGitLabProvider(factories map[string]func() (tfprotov6.ProviderServer, error), release gitlabprovider.Release) map[string]func() (tfprotov6.ProviderServer, error) {
	out := maps.Clone(factories)
	out[gitlabprovider.TypeName] = gitlabprovider.Factory(release)
	return out
}

// TestAccUserRunner_movedFromGitLab moves, for each shape of GitLab's
// provider's state (16.3-17.5 without maintenance_note, 17.6-18.x, 19.x with
// group_id read back), one runner GitLab's provider created and one it
// imported.
func TestAccUserRunner_movedFromGitLab(t *testing.T) {
	for _, release := range gitlabprovider.Releases {
		t.Run(release.String(), func(t *testing.T) {
			t.Parallel()
			testMovedFromGitLab(t, release)
		})
	}
}

func testMovedFromGitLab(t *testing.T, release gitlabprovider.Release) {
	g := acctest.NewGitLab(t)
	token, group := g.OwnerToken(t), g.GroupID(t)
	hasNote := release >= gitlabprovider.Release17_6
	byHand, fleet := g.Name("made by hand"), g.Name("build fleet")

	// A runner made elsewhere, imported into GitLab's provider: a project
	// runner, and from 19.0, whose import reads group_id back, a group runner.
	legacyType, legacyScope, legacyID := "project_type", "project_id", g.ProjectID(t, 0)
	if release >= gitlabprovider.Release19_0 {
		legacyType, legacyScope, legacyID = "group_type", "group_id", group
	}
	made := createByHand(t, g, token, legacyType, legacyID)

	const (
		built    = "gitlab_user_runner.build"
		imported = "gitlab_user_runner.legacy"
		moved    = "gitlabrunner_user_runner.build"
		adopted  = "gitlabrunner_user_runner.legacy"
	)
	note := ""
	if hasNote {
		note = "\n  maintenance_note = \"ask #ci\""
	}
	gitlabConfig := fmt.Sprintf(`provider "gitlab" {
  base_url = %[1]q
  token    = %[2]q
}

resource "gitlab_user_runner" "build" {
  runner_type      = "group_type"
  group_id         = %[3]d
  description      = %[5]q
  paused           = false
  locked           = true
  untagged         = false
  tag_list         = ["linux", "docker"]
  access_level     = "ref_protected"
  maximum_timeout  = 3600%[4]s
}

`, g.URL(), token, group, note, fleet)
	// `terraform import` keeps the state GitLab's provider reads: no token,
	// and no project_id (nor group_id before 19.0).
	legacyConfig := gitlabConfig + fmt.Sprintf(`
resource "gitlab_user_runner" "legacy" {
  runner_type = %q
  %s  = %d
  description = %q
}
`, legacyType, legacyScope, legacyID, byHand)

	// The same runners, in this provider; untagged is run_untagged here.
	movedConfig := g.ProviderBlock(token) + fmt.Sprintf(`
moved {
  from = gitlab_user_runner.build
  to   = gitlabrunner_user_runner.build
}

moved {
  from = gitlab_user_runner.legacy
  to   = gitlabrunner_user_runner.legacy
}

resource "gitlabrunner_user_runner" "build" {
  runner_type      = "group_type"
  group_id         = %[1]d
  description      = %[6]q
  paused           = false
  locked           = true
  run_untagged     = false
  tag_list         = ["linux", "docker"]
  access_level     = "ref_protected"
  maximum_timeout  = 3600%[2]s
}

resource "gitlabrunner_user_runner" "legacy" {
  runner_type = %[3]q
  %[4]s  = %[5]d
  description = %[7]q
}
`, group, note, legacyType, legacyScope, legacyID, fleet, byHand)

	var sourceID, sourceToken string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.MovedAcrossTypes)},
		ProtoV6ProviderFactories: withGitLabProvider(providertest.Factories(g.Now), release),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{
				// GitLab's provider creates one runner ...
				Config: gitlabConfig,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(built, "id", func(v string) error { sourceID = v; return nil }),
					resource.TestCheckResourceAttrWith(built, "token", func(v string) error { sourceToken = v; return nil }),
					resource.TestCheckResourceAttr(built, "untagged", "false"),
					resource.TestCheckResourceAttr(built, "group_id", fmt.Sprint(group)),
				),
			},
			{
				// ... and imports the other, with GitLab's zero values for
				// what GitLab leaves empty.
				Config:             legacyConfig,
				ResourceName:       imported,
				ImportState:        true,
				ImportStateId:      fmt.Sprint(made),
				ImportStatePersist: true,
				ImportStateCheck:   checkImportedByGitLabProvider(made, release, legacyType, legacyID, byHand),
			},
			{
				// The move: nothing planned for either runner, and nothing written.
				PreConfig: func() { g.Stats().Reset() },
				Config:    movedConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(moved, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(adopted, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkOnlyReads(g),
					resource.TestCheckResourceAttrWith(moved, "id", func(v string) error { return equal("id", v, sourceID) }),
					resource.TestCheckResourceAttrWith(moved, "token", func(v string) error { return equal("token", v, sourceToken) }),
					resource.TestCheckResourceAttr(moved, "run_untagged", "false"),
					resource.TestCheckResourceAttr(moved, "maximum_timeout", "3600"),
					resource.TestCheckResourceAttr(moved, "tag_list.#", "2"),
					resource.TestCheckNoResourceAttr(moved, "token_expires_at"),
					resource.TestCheckResourceAttr(adopted, "id", fmt.Sprint(made)),
					// Read back by the refresh that follows the move: no replacement.
					resource.TestCheckResourceAttr(adopted, legacyScope, fmt.Sprint(legacyID)),
					// GitLab's provider's 0 is "no maximum_timeout": null here.
					resource.TestCheckNoResourceAttr(adopted, "maximum_timeout"),
					resource.TestCheckResourceAttr(adopted, "maintenance_note", ""),
					resource.TestCheckNoResourceAttr(adopted, "token"),
					checkRunnerCount(g, 2),
					// Last: verify registers a runner manager in GitLab.
					func(*terraform.State) error {
						if st := g.VerifyStatus(t, sourceToken, "s_0123456789ab"); st != 200 {
							return fmt.Errorf("the moved token: verify answered %d, want 200", st)
						}
						return nil
					},
				),
			},
		},
	})
}

// createByHand creates a runner outside Terraform, with only a description
// (Name("made by hand")).
func createByHand(t *testing.T, g *acctest.GitLab, token, runnerType string, scopeID int64) int64 {
	t.Helper()
	params := map[string]any{"runner_type": runnerType, "description": g.Name("made by hand")}
	if runnerType == gitlabapi.RunnerTypeGroup {
		params["group_id"] = scopeID
	} else {
		params["project_id"] = scopeID
	}
	id, _ := g.CreateRunner(t, token, params)
	return id
}

// checkImportedByGitLabProvider: the imported state is GitLab's provider's:
// no token, no project_id, group_id only from 19.0; "" and 0 for what GitLab
// leaves empty, and maintenance_note only from 17.6.
func checkImportedByGitLabProvider(id int64, release gitlabprovider.Release, runnerType string, scopeID int64, description string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		for _, st := range states {
			if st.ID != fmt.Sprint(id) {
				continue
			}
			a := st.Attributes
			want := map[string]string{"runner_type": runnerType, "token": "", "project_id": "", "group_id": "",
				"description": description, "paused": "false", "locked": "false", "untagged": "true",
				"maximum_timeout": "0", "tag_list.#": "0", "access_level": "not_protected"}
			if release >= gitlabprovider.Release19_0 {
				want["group_id"] = fmt.Sprint(scopeID)
			}
			for name, v := range want {
				if a[name] != v {
					return fmt.Errorf("imported into GitLab's provider %s: %s = %q, want %q", release, name, a[name], v)
				}
			}
			if note, ok := a["maintenance_note"]; ok != (release >= gitlabprovider.Release17_6) || note != "" {
				return fmt.Errorf("imported into GitLab's provider %s: maintenance_note %q (present %v)", release, note, ok)
			}
			return nil
		}
		return fmt.Errorf("runner %d was not imported into GitLab's provider", id)
	}
}

// checkOnlyReads fails when anything but a GET reached GitLab since the
// step's PreConfig reset the statistics.
func checkOnlyReads(g *acctest.GitLab) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for route, n := range g.Stats().RequestsByRoute() {
			if !strings.HasPrefix(route, "GET ") {
				return fmt.Errorf("the move wrote to GitLab: %d × %s (%v)", n, route, g.Stats().RequestsByRoute())
			}
		}
		return nil
	}
}

func equal(what, got, want string) error {
	if want == "" || got != want {
		return fmt.Errorf("%s changed in the move", what)
	}
	return nil
}

// keepLinesFor are the lines the first plan's warnings suggest for the
// runner of TestAccUserRunner_movedConfigLeavesOut, by attribute.
func keepLinesFor(description string) map[string]string {
	return map[string]string{
		"description":     fmt.Sprintf("description = %q", description),
		"paused":          `paused = true`,
		"run_untagged":    `run_untagged = false`,
		"tag_list":        `tag_list = ["docker", "linux"]`,
		"maximum_timeout": `maximum_timeout = 7200`,
	}
}

// TestAccUserRunner_movedConfigLeavesOut: a paused, tagged runner that
// refuses untagged jobs and has a timeout is moved with a configuration that
// leaves all that out. The first plan would reset each (GitLab's provider
// keeps what is left out, this provider restores GitLab's default) and warns
// about each, with the line that keeps it; writing those lines gives an
// empty plan.
func TestAccUserRunner_movedConfigLeavesOut(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	token, group := g.OwnerToken(t), g.GroupID(t)
	keepLines := keepLinesFor(g.Name("build fleet"))
	const moved = "gitlabrunner_user_runner.build"
	warnings := &warningRecorder{}
	factories := providertest.Factories(g.Now)
	factories["gitlabrunner"] = warnings.wrap(factories["gitlabrunner"])

	gitlabConfig := fmt.Sprintf(`provider "gitlab" {
  base_url = %q
  token    = %q
}

resource "gitlab_user_runner" "build" {
  runner_type     = "group_type"
  group_id        = %d
  description     = %q
  paused          = true
  untagged        = false
  tag_list        = ["linux", "docker"]
  maximum_timeout = 7200
}
`, g.URL(), token, group, g.Name("build fleet"))
	movedConfig := func(lines ...string) string {
		return g.ProviderBlock(token) + fmt.Sprintf(`
moved {
  from = gitlab_user_runner.build
  to   = gitlabrunner_user_runner.build
}

resource "gitlabrunner_user_runner" "build" {
  runner_type = "group_type"
  group_id    = %d
  %s
}
`, group, strings.Join(lines, "\n  "))
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.MovedAcrossTypes)},
		ProtoV6ProviderFactories: withGitLabProvider(factories, gitlabprovider.Release19_0),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{Config: gitlabConfig},
			{
				// Leaving them out plans the resets, with one warning each.
				Config:             movedConfig(),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					got := warnings.take()
					if len(got) != len(keepLines) {
						t.Errorf("the first plan after the move warned about %v, want one warning for each of %v",
							slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(keepLines)))
					}
					for name, line := range keepLines {
						if !strings.Contains(got[name], "\n  "+line+"\n") || !strings.Contains(got[name], "moved from gitlab_user_runner") {
							t.Errorf("the warning about %s does not suggest %q:\n%s", name, line, got[name])
						}
					}
				},
				// Writing the suggested lines: nothing to change, no warning.
				Config: movedConfig(slices.Sorted(maps.Values(keepLines))...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(moved, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if got := warnings.take(); len(got) != 0 {
						return fmt.Errorf("warnings with the suggested lines written: %v", got)
					}
					return nil
				},
			},
			{
				// Terraform keeps the private state of the refresh for a
				// resource whose apply had nothing to do, so the mark lives
				// in the state until the next refresh drops it.
				RefreshState: true,
			},
			{
				// Once the move is applied, leaving them out is an ordinary
				// change: planned, without the move's warnings.
				Config:             movedConfig(),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					if got := warnings.take(); len(got) != 0 {
						t.Errorf("a plan after the move was applied warned: %v", got)
					}
				},
				Config: movedConfig(slices.Sorted(maps.Values(keepLines))...),
			},
		},
	})
}

// warningRecorder keeps the warnings the provider's plans give, by
// attribute (terraform-plugin-testing does not expose warnings).
type warningRecorder struct {
	mu   sync.Mutex
	seen map[string]string
}

func (w *warningRecorder) wrap(factory func() (tfprotov6.ProviderServer, error)) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		srv, err := factory()
		return recordingServer{ProviderServer: srv, w: w}, err
	}
}

// take returns the warnings recorded so far and forgets them.
func (w *warningRecorder) take() map[string]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.seen
	w.seen = nil
	return out
}

type recordingServer struct {
	tfprotov6.ProviderServer
	w *warningRecorder
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.w.mu.Lock()
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Attribute != nil && len(d.Attribute.Steps()) == 1 {
				if s.w.seen == nil {
					s.w.seen = map[string]string{}
				}
				name, _ := d.Attribute.Steps()[0].(tftypes.AttributeName)
				s.w.seen[string(name)] = d.Detail
			}
		}
		s.w.mu.Unlock()
	}
	return resp, err
}
