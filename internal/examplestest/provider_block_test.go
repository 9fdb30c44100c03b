package examplestest

// TestAccTestFileProviderBlock pins what the guide says about a provider block
// inside a .tftest.hcl file, and the provider's error for it: a variable that
// terraform test cannot see declared reaches the provider as unknown on
// Terraform (the provider's "Unknown Provider Setting" error then names that
// case; Terraform 1.13+ warns and parses TF_VAR_'s value as an expression
// instead), and OpenTofu 1.6 refuses the reference; a value in the test
// file's variables block works on Terraform (the guide's block, as written). It runs the provider built from this
// working tree (a plugin binary, acctest.ProviderPlugin) against the GitLab
// under test.

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestAccTestFileProviderBlock(t *testing.T) {
	acctest.PreCheck(t)
	tool := terraformTestBinary(t)
	g := acctest.NewGitLab(t, acctest.WithRealClock())
	// The group's Maintainer may create the project runner (GITLAB_TOKEN in live mode).
	maintainer := g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken })
	cli := acctest.NewCLI(t, map[string]string{"main.tf": `terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

resource "gitlabrunner_user_runner" "this" {
  runner_type = "project_type"
  project_id  = ` + strconv.FormatInt(g.ProjectID(t, 0), 10) + `
  description = "` + g.Name("") + `"
}
`}, map[string]string{"GITLAB_BASE_URL": g.URL(), "TF_VAR_gitlab_token": maintainer})
	writeFile(t, cli.CLIConfigFile, acctest.DevOverrides(acctest.ProviderPlugin(t)))
	test := func(testFile string) string {
		t.Helper()
		_ = os.RemoveAll(filepath.Join(cli.Dir, "tests"))
		writeFile(t, filepath.Join(cli.Dir, "tests", "t.tftest.hcl"), testFile)
		out, _ := cli.RunExit("test", "-no-color") // the outcome is in the output
		return out
	}
	const run = `
run "creates" {
  assert {
    condition     = gitlabrunner_user_runner.this.id != ""
    error_message = "no runner"
  }
}
`
	words := func(s string) *regexp.Regexp { // the CLI wraps long lines
		return regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(s)), `\s+`))
	}

	// TF_VAR_gitlab_token is set, but gitlab_token is declared nowhere the
	// test sees: unknown on Terraform, refused on OpenTofu.
	out := test(`
provider "gitlabrunner" {
  token = var.gitlab_token
}
` + run)
	want := []string{"Unknown Provider Setting", `in terraform test, a provider block of a .tftest.hcl file refers to var.NAME`,
		"set the GITLAB_TOKEN environment variable"}
	switch {
	case tool.tofu:
		want = []string{`Reference to undeclared input variable`, `"gitlab_token" has not been declared`}
	case tool.minor >= 13:
		// Terraform 1.13+ (hashicorp/terraform#37218; checked with 1.15.9)
		// evaluates the reference from TF_VAR_, with a deprecation warning,
		// and parses the value as an HCL expression: a token is none.
		want = []string{"Variable referenced without definition", "Referencing undefined variables within Terraform Test files is deprecated",
			"Variables not allowed"}
	}
	for _, w := range want {
		if !words(strings.ReplaceAll(w, "`", "")).MatchString(strings.ReplaceAll(out, "`", "")) {
			t.Errorf("%s: the output lacks %q:\n%s", tool.name(), w, out)
		}
	}

	// The value in the test file's variables block: works on Terraform; OpenTofu
	// 1.6 does not read that block for provider blocks (opentofu#2450).
	// The guide's block, as written but for the token (the group's
	// Maintainer, who may create the project runner).
	block := pageBlocks(t, guidePath, "test-file-provider-block")["test-file-provider-block"]
	out = test(asWritten(t, block, `"glpat-…"`, `"`+maintainer+`"`) + run)
	switch {
	case !tool.tofu && !strings.Contains(out, "1 passed, 0 failed"):
		t.Errorf("terraform: the variables block form should pass:\n%s", out)
	case tool.tofu && !strings.Contains(out, "Reference to undeclared input variable"):
		t.Errorf("tofu %s reads the test file's variables block for provider blocks now: update the guide's paragraph "+
			"\"A provider block in the test file\":\n%s", tool.version, out)
	}
	if n := len(g.RunnerIDs(t)); n != 0 {
		t.Errorf("%d runners left behind", n)
	}
}
