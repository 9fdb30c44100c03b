package userrunner_test

// The wrongful deletions of issue 21: runners whose description merely looks
// like one left by an unfinished create were deleted by the next apply that
// created a runner in their group, with unfinished_runners = "delete". Each
// test sets that mode explicitly (it is no longer the default), plants such a
// runner, applies a configuration that creates a runner in the group, and
// wants the planted runner untouched. The evidence that would make a runner
// an orphan (recovery.go) is tested property by property in recovery_test.go.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/resources/userrunner -run TestAccRecovery -v

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// expiredLegacyMarker is a creation marker in the form earlier provider
// versions wrote, whose expiry (1970) is long past.
const expiredLegacyMarker = "[terraform-create:1-0123456789abcdef]"

// deletingProvider is a provider block as the user of token with
// unfinished_runners = "delete".
func deletingProvider(g *acctest.GitLab, token string) string {
	return strings.Replace(g.ProviderBlock(token), "  retries  = 2\n", "  retries  = 2\n  unfinished_runners = \"delete\"\n", 1)
}

// groupRunner is a gitlabrunner_user_runner of the test group.
func groupRunner(t *testing.T, g *acctest.GitLab, name, description string) string {
	return fmt.Sprintf("resource \"gitlabrunner_user_runner\" %q {\n  runner_type = \"group_type\"\n  group_id    = %d\n  description = %q\n}\n",
		name, g.GroupID(t), description)
}

// plantRunner creates a group runner outside Terraform as the user of token,
// as a person does in GitLab's UI (the UI sends the same create:
// POST /user/runners).
func plantRunner(t *testing.T, g *acctest.GitLab, token, description string) (id int64, runnerToken string) {
	t.Helper()
	return g.CreateRunner(t, token, map[string]any{"runner_type": "group_type", "group_id": g.GroupID(t), "description": description})
}

// checkStillThere wants runners ids in GitLab with their descriptions
// unchanged.
func checkStillThere(g *acctest.GitLab, want map[int64]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for id, desc := range want {
			r, found, err := g.RunnerFound(id)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("runner %d (%q) was deleted", id, desc)
			}
			if r.Description != desc {
				return fmt.Errorf("runner %d: description %q, want %q", id, r.Description, desc)
			}
		}
		return nil
	}
}

// neverDeleted applies, as the user of token, a configuration that creates a
// runner in the test group (what ran the deletions), and wants the planted
// runners untouched; the destroy leaves them too.
func neverDeleted(t *testing.T, g *acctest.GitLab, token string, planted map[int64]string) {
	outside := make([]int64, 0, len(planted))
	for id := range planted {
		outside = append(outside, id)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             checkStillThere(g, planted),
		Steps: []resource.TestStep{{
			Config: deletingProvider(g, token) + groupRunner(t, g, "new", g.Name("new runner")),
			Check:  resource.ComposeTestCheckFunc(checkStillThere(g, planted), g.CheckAgreement(t, userRunnerType, outside...)),
		}},
	})
}

// A runner a person made and described "prod fleet [terraform-create:1-…]".
func TestAccRecovery_handMadeMarkerNeverDeleted(t *testing.T) {
	acctest.PreCheck(t)
	acctest.CLIIndependent(t, "the provider's evidence for what a runner left by a create is; every step succeeds")
	t.Parallel()
	g := acctest.NewGitLab(t)
	owner := g.OwnerToken(t)
	desc := g.Name("prod fleet " + expiredLegacyMarker)
	id, _ := plantRunner(t, g, owner, desc)
	neverDeleted(t, g, owner, map[int64]string{id: desc})
}

// A runner with a marker in the middle of its description.
func TestAccRecovery_markerInTheMiddleNeverDeleted(t *testing.T) {
	acctest.PreCheck(t)
	acctest.CLIIndependent(t, "the provider's evidence for what a runner left by a create is; every step succeeds")
	t.Parallel()
	g := acctest.NewGitLab(t)
	owner := g.OwnerToken(t)
	desc := g.Name("fleet " + expiredLegacyMarker + " (spare)")
	id, _ := plantRunner(t, g, owner, desc)
	neverDeleted(t, g, owner, map[int64]string{id: desc})
}

// A runner a host has registered with (`gitlab-runner register --token`:
// POST /runners/verify, which files the host as a runner manager).
func TestAccRecovery_registeredRunnerNeverDeleted(t *testing.T) {
	acctest.PreCheck(t)
	acctest.CLIIndependent(t, "the provider's evidence for what a runner left by a create is; every step succeeds")
	t.Parallel()
	g := acctest.NewGitLab(t)
	owner := g.OwnerToken(t)
	desc := g.Name("fleet r001 " + expiredLegacyMarker)
	id, tok := plantRunner(t, g, owner, desc)
	if status := g.VerifyStatus(t, tok, "s_registered01"); status != 200 {
		t.Fatalf("verify: %d", status)
	}
	neverDeleted(t, g, owner, map[int64]string{id: desc})
}

// A group runner the group owner made in GitLab's UI, seen by an apply that
// runs as another user (an administrator).
func TestAccRecovery_otherUsersRunnerNeverDeleted(t *testing.T) {
	acctest.PreCheck(t)
	acctest.CLIIndependent(t, "the provider's evidence for what a runner left by a create is; every step succeeds")
	t.Parallel()
	g := acctest.NewGitLab(t)
	// Live mode's tokens are an administrator's and a non-administrator's
	// who need not own the group: the group's owner is the mock's.
	g.SkipLive(t, acctest.SeededUsers)
	desc := g.Name("fleet r001 " + expiredLegacyMarker)
	id, _ := plantRunner(t, g, g.Seed().Group.OwnerToken, desc)
	neverDeleted(t, g, g.AdminToken(t), map[int64]string{id: desc})
}

// A runner Terraform manages whose configured description contains a
// marker: the next apply that creates a runner in the group deleted it (and
// the plan after that recreated it). A description that ends like a marker
// of this version is refused at plan.
func TestAccRecovery_configuredMarkerNeverDeleted(t *testing.T) {
	acctest.PreCheck(t)
	acctest.CLIIndependent(t, "the provider's evidence for what a runner left by a create is; every step succeeds")
	t.Parallel()
	g := acctest.NewGitLab(t)
	desc := g.Name("prod " + expiredLegacyMarker)
	provider := deletingProvider(g, g.OwnerToken(t))
	var first string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps: []resource.TestStep{
			{
				Config:      provider + groupRunner(t, g, "managed", desc+" [terraform-create:v2-1767225600-660-0123456789abcdef-0123456789abcdef0123456789abcdef]"),
				ExpectError: acctest.Words("Description Ends With a Creation Marker"),
			},
			{
				Config: provider + groupRunner(t, g, "managed", desc),
				Check:  resource.TestCheckResourceAttrWith("gitlabrunner_user_runner.managed", "id", func(v string) error { first = v; return nil }),
			},
			{
				Config: provider + groupRunner(t, g, "managed", desc) + groupRunner(t, g, "new", g.Name("new runner")),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith("gitlabrunner_user_runner.managed", "id", func(v string) error {
						if v != first {
							return fmt.Errorf("the managed runner %s was replaced by %s", first, v)
						}
						return nil
					}),
					g.CheckAgreement(t, userRunnerType),
				),
			},
		},
	})
}
