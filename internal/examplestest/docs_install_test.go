package examplestest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// TestAccLocalMirror: `make install`, as the README and the provider page say,
// from a fresh clone, puts the provider into the implied local mirror with a
// version, and `terraform init` (or `tofu init`, on registry.opentofu.org)
// then installs it beside another provider (a stand-in for Vault's, in the
// same mirror: no registry is reachable here); the configuration applies
// against the GitLab under test, plans nothing more and is destroyed. The pages'
// provider_installation recipe, as written but for the home directory, does
// the same with a CLI configuration that has such a block. It runs on every
// CLI: installing providers is the CLI's work.
func TestAccLocalMirror(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	readme := pageBlocks(t, "README.md", "install", "install-recipe")
	page := pageBlocks(t, "docs/index.md", "install", "install-recipe")
	for _, name := range []string{"install", "install-recipe"} {
		if strings.TrimSpace(readme[name]) != strings.TrimSpace(page[name]) {
			t.Errorf("the README's and the provider page's %s blocks differ:\n%s\n%s", name, readme[name], page[name])
		}
	}
	g := acctest.NewGitLab(t)
	s := cloneSession(t) // make install is no Terraform command: every CLI
	s.run(shellStep{name: "install", script: readme["install"]})
	s.addToMirror("internal/providertest/vaultprovider/cmd/terraform-provider-vault", "hashicorp/vault", "4.0.0")

	env := map[string]string{"HOME": s.home, "GITLAB_BASE_URL": g.URL(), "GITLAB_TOKEN": g.OwnerToken(t)}
	// No provider_installation block: the implied local mirror.
	implied := acctest.NewCLI(t, map[string]string{"main.tf": twoProviders(g.GroupID(t), g.Name("build"))}, env)
	initApplyDestroy(t, implied, "gitlabrunner/gitlabrunner v0.1.0", "hashicorp/vault v4.0.0")

	// The recipe: gitlabrunner from the mirror, the rest from the registry
	// (direct), which this test cannot reach: a configuration of gitlabrunner alone.
	recipe := acctest.NewCLI(t, map[string]string{"main.tf": oneRunner(g.GroupID(t), g.Name("build"))}, env)
	writeFile(t, recipe.CLIConfigFile, asWritten(t, readme["install-recipe"], "/home/you", s.home))
	initApplyDestroy(t, recipe, "gitlabrunner/gitlabrunner v0.1.0")
	if ids := g.RunnerIDs(t); len(ids) != 0 {
		t.Errorf("the destroys left runners %v", ids)
	}
}

// initApplyDestroy inits the configuration (the installs said as want:
// "namespace/type vX.Y.Z"), applies it, checks that a plan is empty, and
// destroys it.
func initApplyDestroy(t *testing.T, cli *acctest.CLI, want ...string) {
	t.Helper()
	out := cli.Run("init", "-no-color")
	for _, w := range want {
		if !regexp.MustCompile(`Installed ` + regexp.QuoteMeta(w) + `\b`).MatchString(out) {
			t.Errorf("init does not say it installed %s:\n%s", w, out)
		}
	}
	lock := cli.Read(".terraform.lock.hcl")
	if !regexp.MustCompile(`gitlabrunner/gitlabrunner" \{\s*version\s*= "0\.1\.0"`).MatchString(lock) {
		t.Errorf("the lock file does not hold version 0.1.0 of the provider:\n%s", lock)
	}
	cli.Run("apply", "-auto-approve", "-no-color")
	if out, code := cli.RunExit("plan", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the apply is not empty (exit %d):\n%s", code, out)
	}
	cli.Run("destroy", "-auto-approve", "-no-color")
}

// oneRunner is a configuration of one group runner, its provider from the
// registry address (and so from the mirror), configured by the environment.
func oneRunner(groupID int64, description string) string {
	return `terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

resource "gitlabrunner_user_runner" "build" {
  runner_type = "group_type"
  group_id    = ` + itoa(groupID) + `
  description = ` + strconv.Quote(description) + `
}
`
}

// twoProviders is oneRunner with its token handed to Vault (the stand-in).
func twoProviders(groupID int64, description string) string {
	return strings.Replace(oneRunner(groupID, description), `    gitlabrunner = {`, `    vault = {
      source = "hashicorp/vault"
    }
    gitlabrunner = {`, 1) + `
resource "vault_kv_secret_v2" "build" {
  mount     = "ci"
  name      = "runners/build"
  data_json = jsonencode({ token = gitlabrunner_user_runner.build.token })
}
`
}
