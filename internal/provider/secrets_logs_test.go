package provider_test

// Secrets never leak: the main scenarios run through the terraform binary
// with TF_LOG=trace, and no runner token, access token or registration
// token appears in the trace logs (Terraform's and the provider's), in a
// diagnostic, or in plan/show/output text.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/provider -run TestAccSecrets -v

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// tokenShapes match any GitLab secret, known to the test or not.
var tokenShapes = []*regexp.Regexp{
	regexp.MustCompile(`glrt-[0-9A-Za-z_\-]{20,}`),
	regexp.MustCompile(`glpat-[0-9A-Za-z_\-]{20,}`),
	regexp.MustCompile(`GR1348941[0-9A-Za-z_\-]{20,}`),
}

const secretsConfig = `terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}

# base_url and token come from GITLAB_BASE_URL and GITLAB_TOKEN.
provider "gitlabrunner" {}

variable "description" { default = "secrets" }
variable "generation" { default = "1" }

resource "gitlabrunner_user_runner" "group" {
  runner_type       = "group_type"
  group_id          = %[1]d
  description       = "%[3]s${var.description} group"
  tag_list          = ["secrets"]
  rotation_triggers = { generation = var.generation }
}

resource "gitlabrunner_user_runner" "project" {
  runner_type       = "project_type"
  project_id        = %[2]d
  description       = "%[3]s${var.description} project"
  rotation_triggers = { generation = var.generation }
}

resource "gitlabrunner_user_runner" "instance" {
  runner_type = "instance_type"
  description = "%[3]s${var.description} instance"
}

data "gitlabrunner_registration_policy" "instance" {}
data "gitlabrunner_registration_policy" "group" { group_id = %[1]d }
data "gitlabrunner_registration_policy" "project" { project_id = %[2]d }

data "gitlabrunner_runner" "group" { id = gitlabrunner_user_runner.group.id }
data "gitlabrunner_runners" "instance" {
  scope      = "instance"
  depends_on = [gitlabrunner_user_runner.group, gitlabrunner_user_runner.project, gitlabrunner_user_runner.instance]
}
data "gitlabrunner_runners" "group" {
  group_id   = %[1]d
  depends_on = [gitlabrunner_user_runner.group]
}

output "group_token" {
  value     = gitlabrunner_user_runner.group.token
  sensitive = true
}
output "runner_ids" { value = data.gitlabrunner_runners.instance.ids }
`

const importedConfig = `resource "gitlabrunner_user_runner" "imported" {
  runner_type       = "instance_type"
  description       = %q
  rotation_triggers = { generation = var.generation }
}
`

// TestAccSecrets_noSecretInLogsOrOutput: create, plan an update, update,
// rotate, import and rotate the imported runner, read all data sources,
// show, output, a create refused with 403, destroy. Then scan.
func TestAccSecrets_noSecretInLogsOrOutput(t *testing.T) {
	acctest.PreCheck(t)
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithRealClock(), acctest.WithSettingsChanges())
	admin, group, project := g.AdminToken(t), g.GroupID(t), g.ProjectID(t, 0)
	// Registration tokens allowed: GET /groups/:id and /projects/:id then
	// return them (runners_token), and the provider logs those bodies. (The
	// group's switch has no API: in live mode it is as the group has it.)
	g.UpdateInstanceSettings(t, map[string]any{"allow_runner_registration_token": true})
	secrets, collect, registrationTokens := secretsOf(t, g)
	if !g.Live() {
		if err := g.Mock(t).Store().SetGroupAllowRegistrationTokens(group, true); err != nil {
			t.Fatal(err)
		}
		registrationTokens = true
	}

	c := newCLI(t, map[string]string{"main.tf": fmt.Sprintf(secretsConfig, group, project, g.Name(""))},
		map[string]string{"GITLAB_BASE_URL": g.URL(), "GITLAB_TOKEN": admin})

	c.run(false, "apply", "-auto-approve")
	collect(c.dir)
	if n := len(g.RunnerIDs(t)); n != 3 {
		t.Fatalf("after the first apply GitLab holds %d runners of the test, want 3", n)
	}

	plan := c.run(false, "plan", "-var", "description=changed")
	if !strings.Contains(plan, "3 to change") {
		t.Errorf("the plan of a description change should update 3 runners:\n%s", tailLines(plan, 30))
	}
	c.run(false, "apply", "-auto-approve", "-var", "description=changed")

	rotate := c.run(false, "plan", "-var", "description=changed", "-var", "generation=2")
	if !strings.Contains(rotate, "(sensitive value)") {
		t.Errorf("the rotation plan should show the token as (sensitive value):\n%s", tailLines(rotate, 40))
	}
	c.run(false, "apply", "-auto-approve", "-var", "description=changed", "-var", "generation=2")
	collect(c.dir)

	// Import a runner made by hand, then obtain a token for it.
	id, handToken := g.CreateRunner(t, admin, map[string]any{"runner_type": "instance_type", "description": g.Name("made by hand")})
	secrets["hand-made runner token"] = handToken
	c.write("imported.tf", fmt.Sprintf(importedConfig, g.Name("made by hand")))
	c.run(false, "import", "-var", "description=changed", "-var", "generation=2", "gitlabrunner_user_runner.imported", strconv.FormatInt(id, 10))
	c.run(false, "apply", "-auto-approve", "-var", "description=changed", "-var", "generation=3")
	collect(c.dir)

	show := c.run(false, "show")
	if !strings.Contains(show, "(sensitive value)") {
		t.Errorf("terraform show should print tokens as (sensitive value):\n%s", tailLines(show, 40))
	}
	c.run(false, "state", "show", "gitlabrunner_user_runner.group")
	c.run(false, "output")
	c.run(false, "plan", "-var", "description=changed", "-var", "generation=3", "-refresh-only")

	// A create refused with 403, as a developer of the group (in live mode
	// as the user of GITLABRUNNER_TEST_NON_ADMIN_TOKEN, no member of it).
	refused := g.NonAdminToken(t)
	if !g.Live() {
		refused = g.Seed().Group.DeveloperToken
	}
	forbidden := newCLI(t, map[string]string{"main.tf": fmt.Sprintf(`terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}
provider "gitlabrunner" {}
resource "gitlabrunner_user_runner" "denied" {
  runner_type = "group_type"
  group_id    = %d
  description = %q
}
`, group, g.Name("denied"))}, map[string]string{"GITLAB_BASE_URL": g.URL(), "GITLAB_TOKEN": refused})
	denied := forbidden.run(true, "apply", "-auto-approve")
	if !strings.Contains(denied, "403") {
		t.Errorf("the refused create should report GitLab's 403:\n%s", tailLines(denied, 30))
	}

	// Positive control: the state does hold the tokens (sensitive, not
	// hidden), and the scan finds them there.
	state, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	control := &cli{outputs: map[string]string{"terraform.tfstate": string(state)}}
	if n := len(control.scan(secrets)); n < 4 {
		t.Errorf("the scan finds %d runner tokens in terraform.tfstate, want 4: the scan does not work", n)
	}

	c.run(false, "destroy", "-auto-approve", "-var", "description=changed", "-var", "generation=3")
	if n := len(g.RunnerIDs(t)); n != 0 {
		t.Errorf("after destroy GitLab holds %d runners of the test", n)
	}

	// The logs must be real trace logs of API traffic, with headers masked.
	everything := c.all() + forbidden.all()
	for _, want := range []string{"GitLab API request details", "GitLab API response details", "/user/runners", "reset_authentication_token"} {
		if !strings.Contains(everything, want) {
			t.Errorf("the trace logs do not contain %q: the scan would prove nothing", want)
		}
	}
	// Masked, not missing (quotes may be escaped in the log).
	masked := map[string]*regexp.Regexp{
		"the PRIVATE-TOKEN header":               regexp.MustCompile(`Private-Token\W{0,4}\*\*\*`),
		"the token member of POST /user/runners": regexp.MustCompile(`\W"?token\\?"\s*:\s*\\?"\*\*\*`),
	}
	if registrationTokens {
		masked["the runners_token (registration) of groups"] = regexp.MustCompile(`runners_token\\?"\s*:\s*\\?"\*\*\*`)
	}
	for what, re := range masked {
		if !re.MatchString(everything) {
			t.Errorf("%s does not appear masked (***) in the trace logs", what)
		}
	}

	var leaks []string
	for _, l := range append(c.scan(secrets), forbidden.scan(secrets)...) {
		leaks = append(leaks, l.what+" in "+l.where)
	}
	for _, out := range []*cli{c, forbidden} {
		for where, text := range out.outputs {
			for _, re := range tokenShapes {
				if loc := re.FindStringIndex(text); loc != nil {
					leaks = append(leaks, fmt.Sprintf("something shaped like a token (%s…) in %s", text[loc[0]:loc[0]+9], where))
				}
			}
		}
	}
	sort.Strings(leaks)
	if len(leaks) > 0 {
		t.Errorf("%d secrets leaked:\n  %s\n(logs in %s)", len(leaks), strings.Join(leaks, "\n  "), c.logDir)
	}
	t.Logf("scanned %d outputs and trace logs (%d bytes) for %d secret values and %d token shapes: %d leaks",
		len(c.outputs)+len(forbidden.outputs), len(everything), len(secrets), len(tokenShapes), len(leaks))
}

// secretsOf are the secrets a scan looks for, and the function that adds
// every runner token GitLab handed out so far; registrationTokens says
// whether GitLab shows the group's registration token (runners_token).
// Against the mock: every token of its seed (users of every role,
// registration tokens) and of its store. In live mode: the tokens of the
// environment, the group's and project's registration tokens where GitLab
// shows them, and the runner tokens in the state.
func secretsOf(t *testing.T, g *acctest.GitLab) (secrets map[string]string, collect func(stateDir string), registrationTokens bool) {
	if !g.Live() {
		m := g.Mock(t)
		s := m.Seed
		secrets = map[string]string{
			"admin token": s.AdminToken, "read_api token": s.ReadAPIToken, "non-admin token": s.NonAdminToken,
			"group owner token": s.Group.OwnerToken, "group maintainer token": s.Group.MaintainerToken,
			"group developer token": s.Group.DeveloperToken, "project maintainer token": s.Project.MaintainerToken,
			"project developer token":     s.Project.DeveloperToken,
			"instance registration token": s.InstanceRegistrationToken, "group registration token": s.Group.RegistrationToken,
			"subgroup registration token": s.Subgroup.RegistrationToken, "project registration token": s.Project.RegistrationToken,
		}
		return secrets, func(string) {
			for _, r := range m.Runners() {
				addSecret(secrets, fmt.Sprintf("token of runner %d", r.ID), r.Token)
			}
		}, true
	}
	secrets = map[string]string{"GITLAB_TOKEN": g.AdminToken(t), "the non-administrator's token": g.NonAdminToken(t)}
	for what, path := range map[string]string{"group registration token": fmt.Sprintf("/groups/%d", g.GroupID(t)),
		"project registration token": fmt.Sprintf("/projects/%d", g.ProjectID(t, 0))} {
		if tok := g.RegistrationToken(t, path); tok != "" {
			secrets[what] = tok
			registrationTokens = registrationTokens || strings.HasPrefix(path, "/groups/")
		}
	}
	return secrets, func(stateDir string) {
		runners, err := acctest.RunnersInStateFile(filepath.Join(stateDir, "terraform.tfstate"), "gitlabrunner_user_runner")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runners {
			addSecret(secrets, "token of runner "+r.ID, r.Attributes["token"])
		}
	}, registrationTokens
}

// addSecret adds a token under a new name unless it is known already.
func addSecret(secrets map[string]string, what, token string) {
	if token == "" {
		return
	}
	for _, v := range secrets {
		if v == token {
			return
		}
	}
	secrets[fmt.Sprintf("%s (#%d)", what, len(secrets)+1)] = token
}
