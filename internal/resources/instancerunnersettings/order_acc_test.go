package instancerunnersettings_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// orderConfig turns registration tokens off and gives group runner tokens an
// expiry, creates four group runners in the same apply (after the settings
// with dependsOn) and checks the result in a check block whose data source
// is read after the apply's changes.
func orderConfig(t *testing.T, g *acctest.GitLab, dependsOn string) string {
	return g.ProviderBlock(g.AdminToken(t)) + fmt.Sprintf(`
resource "gitlabrunner_instance_runner_settings" "this" {
  allow_runner_registration_token        = false
  group_runner_token_expiration_interval = 2592000
}

resource "gitlabrunner_user_runner" "fleet" {
  for_each    = toset(["a", "b", "c", "d"])
  runner_type = "group_type"
  group_id    = %d
  description = "%s${each.key}"
  %s
}

check "registration_tokens_off" {
  data "gitlabrunner_registration_policy" "instance" {}

  assert {
    condition     = data.gitlabrunner_registration_policy.instance.registration_tokens_allowed == false
    error_message = data.gitlabrunner_registration_policy.instance.recommended_action
  }
}

output "expiries" {
  value = { for r in gitlabrunner_user_runner.fleet : r.id => r.token_expires_at }
}
`, g.GroupID(t), g.Name(""), dependsOn)
}

// applyOrder applies orderConfig against a GitLab that still allows
// registration tokens (the mock has no token expiration interval; a live
// GitLab's may have one: its runners then prove less) and returns the apply's
// output and each runner's token expiry (nil: never). In live mode the test
// runs alone and its settings are put back.
func applyOrder(t *testing.T, dependsOn string) (string, map[string]*string) {
	t.Helper()
	acctest.Sequential(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	g.UpdateInstanceSettings(t, map[string]any{"allow_runner_registration_token": true}) // as a re-enabled 17.x instance
	cli := acctest.NewCLI(t, map[string]string{"main.tf": orderConfig(t, g, dependsOn)},
		map[string]string{"TF_REATTACH_PROVIDERS": providertest.Reattach(t, provider.Options{Clock: g.Now})})
	// -json: every diagnostic, where the human view folds similar warnings
	// into "(and 2 more similar warnings elsewhere)".
	out := diagnosticsOf(t, cli.Run("apply", "-auto-approve", "-json"))
	var expiries map[string]*string
	if err := json.Unmarshal([]byte(cli.Run("output", "-json", "expiries")), &expiries); err != nil || len(expiries) != 4 {
		t.Fatalf("the expiries output: %v (%d runners)", err, len(expiries))
	}
	cli.Run("destroy", "-auto-approve", "-no-color")
	return out, expiries
}

// diagnosticsOf is the diagnostics of a `-json` run, one per line:
// "severity: summary: detail".
func diagnosticsOf(t *testing.T, jsonLines string) string {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(jsonLines, "\n") {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) != nil || msg.Type != "diagnostic" {
			continue
		}
		d := msg.Diagnostic
		fmt.Fprintf(&b, "%s: %s: %s\n", d.Severity, d.Summary, strings.Join(strings.Fields(d.Detail), " "))
	}
	return b.String()
}

// TestAccInstanceRunnerSettings_orderWithRunners: Terraform orders resources
// only by references. As the settings pages say, runners that depend on the
// settings get tokens with the new interval, and a check block whose data
// source sits inside it reads the policy after the apply: no warning. Without
// the depends_on, the provider cannot order them, but every runner whose token
// kept the previous interval is named in a warning of that apply.
func TestAccInstanceRunnerSettings_orderWithRunners(t *testing.T) {
	acctest.PreCheck(t)
	t.Run("depends_on", func(t *testing.T) {
		out, expiries := applyOrder(t, "depends_on = [gitlabrunner_instance_runner_settings.this]")
		for id, e := range expiries {
			if e == nil {
				t.Errorf("runner %s was created after the settings, yet its token never expires", id)
			}
		}
		for _, unwanted := range []string{"Check block assertion failed", "Token Expiration Interval", "Created Before"} {
			if strings.Contains(out, unwanted) {
				t.Errorf("the apply says %q:\n%s", unwanted, out)
			}
		}
	})
	t.Run("without depends_on", func(t *testing.T) {
		out, expiries := applyOrder(t, "")
		if strings.Contains(out, "Check block assertion failed") {
			t.Errorf("the check's own data source read the policy before the change:\n%s", out)
		}
		for id, e := range expiries {
			if e != nil {
				continue
			}
			if !regexp.MustCompile(`(runners? |, )` + id + `\b`).MatchString(out) {
				t.Errorf("runner %s got a token that never expires, and no warning names it:\n%s", id, out)
			}
		}
	})
}
