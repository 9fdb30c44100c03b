package userrunner_test

// Moving a runner from GitLab's provider with a `moved` block (Terraform
// 1.8+, OpenTofu 1.10+; acctest.MovedAcrossTypes): a test-only provider
// serving GitLab's gitlab_user_runner writes the source state against the
// mock, then the move carries it over with no write to GitLab, no
// replacement and the same token. `make testacc-newest` and `make
// testacc-tofu-newest` run it; the pinned CLIs skip it.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/tofu-1.12.6 go test ./internal/resources/userrunner -run TestAccUserRunner_movedFromGitLab -v

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest/gitlabprovider"
)

// withGitLabProvider adds the stand-in for GitLab's provider to factories.
func withGitLabProvider(factories map[string]func() (tfprotov6.ProviderServer, error)) map[string]func() (tfprotov6.ProviderServer, error) {
	out := maps.Clone(factories)
	out[gitlabprovider.TypeName] = gitlabprovider.Factory()
	return out
}

func TestAccUserRunner_movedFromGitLab(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	token := m.Seed.Group.OwnerToken

	// A project runner made elsewhere, imported into GitLab's provider: its
	// state there has project_id and token null.
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: token})
	if err != nil {
		t.Fatal(err)
	}
	made, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
		RunnerType: gitlabapi.RunnerTypeProject, ProjectID: ptr(m.Seed.Project.ID),
		RunnerAttributes: gitlabapi.RunnerAttributes{Description: ptr("made by hand")},
	})
	if err != nil {
		t.Fatal(err)
	}

	const (
		built    = "gitlab_user_runner.build"
		imported = "gitlab_user_runner.legacy"
		moved    = "gitlabrunner_user_runner.build"
		adopted  = "gitlabrunner_user_runner.legacy"
	)
	gitlabConfig := fmt.Sprintf(`provider "gitlab" {
  base_url = %[1]q
  token    = %[2]q
}

resource "gitlab_user_runner" "build" {
  runner_type      = "group_type"
  group_id         = %[3]d
  description      = "build fleet"
  paused           = false
  locked           = true
  untagged         = false
  tag_list         = ["linux", "docker"]
  access_level     = "ref_protected"
  maximum_timeout  = 3600
  maintenance_note = "ask #ci"
}

`, m.URL(), token, m.Seed.Group.ID)
	// `terraform import` keeps the state GitLab's provider reads: no
	// project_id, no token (planning it there would replace the runner,
	// since its project_id is never read back).
	legacyConfig := gitlabConfig + fmt.Sprintf(`
resource "gitlab_user_runner" "legacy" {
  runner_type = "project_type"
  project_id  = %d
  description = "made by hand"
}
`, m.Seed.Project.ID)

	// The same runners, in this provider; untagged is run_untagged here.
	movedConfig := m.ProviderBlock(token) + fmt.Sprintf(`
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
  description      = "build fleet"
  paused           = false
  locked           = true
  run_untagged     = false
  tag_list         = ["linux", "docker"]
  access_level     = "ref_protected"
  maximum_timeout  = 3600
  maintenance_note = "ask #ci"
}

resource "gitlabrunner_user_runner" "legacy" {
  runner_type = "project_type"
  project_id  = %[2]d
  description = "made by hand"
}
`, m.Seed.Group.ID, m.Seed.Project.ID)

	var sourceID, sourceToken string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.MovedAcrossTypes)},
		ProtoV6ProviderFactories: withGitLabProvider(providertest.Factories(m.Now)),
		CheckDestroy:             m.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{
				// GitLab's provider creates one runner ...
				Config: gitlabConfig,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(built, "id", func(v string) error { sourceID = v; return nil }),
					resource.TestCheckResourceAttrWith(built, "token", func(v string) error { sourceToken = v; return nil }),
					resource.TestCheckResourceAttr(built, "untagged", "false"),
					resource.TestCheckResourceAttr(built, "group_id", fmt.Sprint(m.Seed.Group.ID)),
				),
			},
			{
				// ... and imports the other.
				Config:             legacyConfig,
				ResourceName:       imported,
				ImportState:        true,
				ImportStateId:      fmt.Sprint(made.ID),
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, st := range states {
						if st.ID == fmt.Sprint(made.ID) && st.Attributes["runner_type"] == "project_type" &&
							st.Attributes["project_id"] == "" && st.Attributes["token"] == "" {
							return nil
						}
					}
					return fmt.Errorf("runner %d imported into GitLab's provider with project_id or token, or not at all", made.ID)
				},
			},
			{
				// The move: nothing planned for either runner, and nothing written.
				PreConfig: func() { m.Stats().Reset() },
				Config:    movedConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(moved, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(adopted, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						for route, n := range m.Stats().RequestsByRoute() {
							if !strings.HasPrefix(route, "GET ") {
								return fmt.Errorf("the move wrote to GitLab: %d × %s (%v)", n, route, m.Stats().RequestsByRoute())
							}
						}
						return nil
					},
					resource.TestCheckResourceAttrWith(moved, "id", func(v string) error { return equal("id", v, sourceID) }),
					resource.TestCheckResourceAttrWith(moved, "token", func(v string) error { return equal("token", v, sourceToken) }),
					resource.TestCheckResourceAttr(moved, "run_untagged", "false"),
					resource.TestCheckResourceAttr(moved, "maximum_timeout", "3600"),
					resource.TestCheckResourceAttr(moved, "tag_list.#", "2"),
					resource.TestCheckNoResourceAttr(moved, "token_expires_at"),
					resource.TestCheckResourceAttr(adopted, "id", fmt.Sprint(made.ID)),
					// Read back by the refresh that follows the move: no replacement.
					resource.TestCheckResourceAttr(adopted, "project_id", fmt.Sprint(m.Seed.Project.ID)),
					resource.TestCheckNoResourceAttr(adopted, "token"),
					checkRunnerCount(m, 2),
					// Last: verify registers a runner manager in GitLab.
					func(*terraform.State) error {
						if st := m.VerifyStatus(t, sourceToken, "s_0123456789ab"); st != 200 {
							return fmt.Errorf("the moved token: verify answered %d, want 200", st)
						}
						return nil
					},
				),
			},
		},
	})
}

func equal(what, got, want string) error {
	if want == "" || got != want {
		return fmt.Errorf("%s changed in the move", what)
	}
	return nil
}
