package examplestest

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// TestAccRotationGuide applies the snippets of the guide "Runner token
// rotation" with the provider `make install` put into the local mirror: the
// runner-fleet module's token_secrets written to Vault (a stand-in for
// Vault's provider, installed beside this one, that counts its writes) as the
// guide writes them, its check block on the resource example's runner, and
// the token_secrets output, whose entries have the keys the guide shows. As
// the guide says, a secret is written when its token changes, and only then:
// once per runner at first, never by an apply without rotation, and, for a
// rotation of one runner, once, for that runner.
func TestAccRotationGuide(t *testing.T) {
	t.Parallel()
	b := pageBlocks(t, "docs/guides/runner-token-rotation.md", "check", "token-secrets", "vault")
	s := sharedInstall(t)
	s.addToMirror("internal/providertest/vaultprovider/cmd/terraform-provider-vault", "hashicorp/vault", "4.0.0")
	acctest.SkipLive(t, acctest.PagesAsWritten)
	mock := acctest.StartMock(t, acctest.WithRealClock())
	group := itoa(mock.Seed.Group.ID)
	vaultLog := filepath.Join(t.TempDir(), "vault-writes.log")
	s.setenv("GITLAB_BASE_URL="+mock.URL(), "GITLAB_TOKEN="+mock.Seed.AdminToken, "VAULT_STANDIN_LOG="+vaultLog)

	dir := filepath.Join(s.dir, "rotation")
	example := readFile(t, filepath.Join(repoRoot(t), "examples", "resources", "gitlabrunner_user_runner", "resource.tf"))
	// The example's terraform block declares Vault's provider too (a module has
	// one required_providers).
	writeFile(t, filepath.Join(dir, "platform.tf"), asWritten(t, example, "group_id    = 42", "group_id    = "+group,
		"project_id  = 1234", "project_id  = "+itoa(mock.Seed.Project.ID),
		"  required_providers {\n", "  required_providers {\n    vault = {\n      source = \"hashicorp/vault\"\n    }\n"))
	writeFile(t, filepath.Join(dir, "checks.tf"), b["check"])
	writeFile(t, filepath.Join(dir, "vault.tf"), `variable "k8s_rotation" {
  type    = string
  default = "initial"
}

module "fleet" {
  source = "../examples/modules/runner-fleet"
  runners = {
    k8s    = { runner_type = "group_type", group_id = `+group+`, rotation_triggers = { k8s = var.k8s_rotation } }
    docker = { runner_type = "group_type", group_id = `+group+` }
  }
  check_registration_policy = false
}

output "token_secrets" {
  value     = module.fleet.token_secrets
  sensitive = true
}

`+b["vault"])
	outs := s.run(
		shellStep{name: "apply", script: "cd rotation && terraform init && terraform apply -auto-approve"},
		shellStep{name: "writes-1", script: "wc -l < " + vaultLog},
		shellStep{name: "again", script: "terraform apply -auto-approve"},
		shellStep{name: "writes-2", script: "wc -l < " + vaultLog},
		shellStep{name: "rotate", script: "terraform apply -auto-approve -var k8s_rotation=rotated"},
		shellStep{name: "secrets", script: "terraform output -json token_secrets"},
		shellStep{name: "destroy", script: "terraform destroy -auto-approve"},
	)
	if strings.Contains(outs["apply"], "Check block assertion failed") {
		t.Errorf("the guide's check fails on a fresh token:\n%s", outs["apply"])
	}
	if got := strings.TrimSpace(outs["writes-1"]); got != "2" {
		t.Errorf("the first apply wrote %s secrets, want 2 (one per runner)", got)
	}
	if got := strings.TrimSpace(outs["writes-2"]); got != "2" {
		t.Errorf("an apply without rotation wrote secrets: %s writes in all, want still 2", got)
	}
	writes := strings.Fields(readFile(t, vaultLog))
	if len(writes) != 3 || writes[2] != "ci/data/runners/k8s" {
		t.Errorf("the rotation of k8s wrote %v after the first two, want ci/data/runners/k8s once", writes)
	}

	var secrets map[string]map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(outs["secrets"])), &secrets); err != nil || len(secrets) != 2 {
		t.Fatalf("token_secrets: %v\n%s", err, outs["secrets"])
	}
	want := regexp.MustCompile(`(?m)^    ([a-z_]+)\s+=`).FindAllStringSubmatch(b["token-secrets"], -1)
	var wantKeys, gotKeys []string
	for _, m := range want {
		wantKeys = append(wantKeys, m[1])
	}
	for k := range secrets["k8s"] {
		gotKeys = append(gotKeys, k)
	}
	slices.Sort(wantKeys)
	slices.Sort(gotKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("token_secrets entries have the keys %v; the guide shows %v", gotKeys, wantKeys)
	}
	if v, _ := secrets["k8s"]["version"].(string); !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(v) {
		t.Errorf("version = %q, want 16 hex digits", v)
	}
}
