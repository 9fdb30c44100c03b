package userrunner_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccUserRunner_realErrorFirst: a create in a project that does not exist,
// and one the token is not allowed to make (an instance runner with a group
// Owner's token), show GitLab's refusal as the first diagnostic, and no
// warning that the scope could not be listed for leftovers of unfinished
// creates (that listing fails for the same reason, and said so first).
func TestAccUserRunner_realErrorFirst(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	// A group Owner of the mock; in live mode a user who is no administrator
	// (and no member of the group).
	token := g.Seed().Group.OwnerToken
	if g.Live() {
		token = g.NonAdminToken(t)
	}
	const missing = 2147483647 // no project has this id on a test GitLab
	cli := acctest.NewCLI(t, map[string]string{"main.tf": g.ProviderBlock(token) + fmt.Sprintf(`
resource "gitlabrunner_user_runner" "missing_project" {
  runner_type = "project_type"
  project_id  = %d
  description = %q
}

resource "gitlabrunner_user_runner" "not_allowed" {
  runner_type = "instance_type"
  description = %q
}
`, missing, g.Name("missing project"), g.Name("not allowed"))}, map[string]string{"TF_REATTACH_PROVIDERS": providertest.Reattach(t, provider.Options{Clock: g.Now})})
	out, code := cli.RunExit("apply", "-auto-approve", "-no-color")
	if code == 0 {
		t.Fatalf("the apply succeeded:\n%s", out)
	}
	first := regexp.MustCompile(`(?m)^(?:│ )?(Error|Warning): (.*)$`).FindStringSubmatch(out)
	if first == nil || first[1] != "Error" || first[2] != "Unable to Create Runner" {
		t.Errorf("the first diagnostic is %q, want the error Unable to Create Runner:\n%s", first, out)
	}
	for _, want := range []string{fmt.Sprintf("Project %d does not exist, or the token's user cannot see it", missing),
		"Creating an instance runner needs an administrator's access token"} {
		if !acctest.Words(want).MatchString(out) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Could Not Look for Unfinished Runners") {
		t.Errorf("the output warns that the scopes could not be listed, beside the creates' own errors:\n%s", out)
	}
	if n := len(g.RunnerIDs(t)); n != 0 {
		t.Errorf("%d runners created", n)
	}
}
