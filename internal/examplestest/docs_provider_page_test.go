package examplestest

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// gitlabExample is the GitLab URL the pages write; the tests run them against
// the mock's.
const gitlabExample = "https://gitlab.example.com"

// TestAccProviderPageSnippets runs the provider page's snippets against the
// mock, with the provider `make install` put into the local mirror: the
// example provider block plans; GitLab's curl recipe creates a runner whose
// token `gitlab-runner register` takes; the resource that replaces it
// applies, and its token registers; the policy check passes without a
// warning; the import example imports a runner that has its settings with no
// change but the rotation it asks for, and the next plan is empty.
func TestAccProviderPageSnippets(t *testing.T) {
	t.Parallel()
	page := "docs/index.md"
	blocks := pageBlocks(t, page, "example", "curl-recipe", "resource", "register", "policy-check", "import")
	s := sharedInstall(t)
	acctest.SkipLive(t, acctest.PagesAsWritten)
	mock := acctest.StartMock(t, acctest.WithRealClock())
	group := itoa(mock.Seed.Group.ID)
	s.setenv("GITLAB_BASE_URL="+mock.URL(), "GITLAB_TOKEN="+mock.Seed.Group.OwnerToken,
		"TF_VAR_gitlab_token="+mock.Seed.Group.OwnerToken)

	writeFile(t, filepath.Join(s.dir, "example", "provider.tf"), asWritten(t, blocks["example"], `"`+gitlabExample+`"`, `"`+mock.URL()+`"`))
	writeFile(t, filepath.Join(s.dir, "page", "main.tf"), requiredProviders+"\n"+
		asWritten(t, blocks["resource"], "group_id    = 42", "group_id    = "+group)+"\n"+
		asWritten(t, blocks["policy-check"], "group_id = 42", "group_id = "+group))
	outs := s.run(
		shellStep{name: "example", script: "cd example && terraform init && terraform plan && cd .."},
		shellStep{name: "curl-recipe", script: asWritten(t, blocks["curl-recipe"], gitlabExample, mock.URL(), "group_id=42", "group_id="+group)},
		shellStep{name: "resource", script: "cd page && terraform init && terraform apply -auto-approve"},
		shellStep{name: "register", script: asWritten(t, blocks["register"], gitlabExample, mock.URL())},
		shellStep{name: "destroy", script: "terraform destroy -auto-approve && cd .."},
	)
	if !strings.Contains(outs["example"], "No changes.") {
		t.Errorf("the example provider block does not plan:\n%s", outs["example"])
	}
	for _, step := range []string{"curl-recipe", "register"} {
		if !strings.Contains(outs[step], "Runner registered successfully") {
			t.Errorf("%s: gitlab-runner register did not register:\n%s", step, outs[step])
		}
	}
	if strings.Contains(outs["resource"], "Check block assertion failed") {
		t.Errorf("the policy check warns on a group without registration tokens:\n%s", outs["resource"])
	}
	// The curl recipe's runner is the only one left: GitLab's recipe has no destroy.
	if ids := mock.Store().RunnerIDs(); len(ids) != 1 {
		t.Errorf("runners left: %v, want the curl recipe's one", ids)
	}

	t.Run("import", func(t *testing.T) { testProviderPageImport(t, s, mock, blocks["import"]) })
}

// testProviderPageImport: a group runner made in GitLab with the settings the
// page's import example writes is imported with no change but the token's
// rotation that its rotation_triggers ask for.
func testProviderPageImport(t *testing.T, s *docSession, mock *acctest.Mock, block string) {
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: mock.URL(), Token: mock.Seed.Group.OwnerToken})
	if err != nil {
		t.Fatal(err)
	}
	str := func(v string) *string { return &v }
	f, timeout := false, int64(3600)
	made, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup,
		GroupID: &mock.Seed.Group.ID, RunnerAttributes: gitlabapi.RunnerAttributes{Description: str("build fleet"),
			Paused: &f, Locked: &f, TagList: &[]string{"linux", "docker"}, RunUntagged: &f, AccessLevel: str("not_protected"),
			MaximumTimeout: &timeout, MaintenanceNote: str("ask #ci")}})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(s.dir, "import", "main.tf"), requiredProviders+"\n"+asWritten(t, block,
		`id = "42"`, `id = "`+itoa(made.ID)+`"`, "group_id         = 7", "group_id         = "+itoa(mock.Seed.Group.ID)))
	outs := s.run(
		shellStep{name: "plan", script: "cd import && terraform init && terraform plan -out=import.tfplan"},
		shellStep{name: "show", script: "terraform show -json import.tfplan"},
		shellStep{name: "apply", script: "terraform apply import.tfplan && terraform plan -detailed-exitcode"},
	)
	var plan struct {
		ResourceChanges []struct {
			Change struct {
				Actions   []string          `json:"actions"`
				Before    map[string]any    `json:"before"`
				After     map[string]any    `json:"after"`
				Importing map[string]string `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	show := outs["show"]
	if err := json.Unmarshal([]byte(show[strings.Index(show, "{"):]), &plan); err != nil || len(plan.ResourceChanges) != 1 {
		t.Fatalf("the plan's JSON: %v\n%s", err, show)
	}
	change := plan.ResourceChanges[0].Change
	if change.Importing == nil {
		t.Errorf("the plan does not import the runner: %v", change.Actions)
	}
	var changed []string
	for k, after := range change.After {
		if before, ok := change.Before[k]; !ok || !jsonEqual(before, after) {
			changed = append(changed, k)
		}
	}
	slices.Sort(changed)
	if want := []string{"rotation_triggers"}; !slices.Equal(changed, want) {
		t.Errorf("the import plans changes to %v, want only %v (the token then rotates):\n%s", changed, want, outs["plan"])
	}
	if !strings.Contains(outs["apply"], "No changes.") {
		t.Errorf("the plan after the import is not empty:\n%s", outs["apply"])
	}
	if got := mock.VerifyStatus(t, tokenOf(t, s, "import"), "s_import000001"); got != http.StatusOK {
		t.Errorf("the rotated token: POST /runners/verify = %d", got)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// tokenOf is the token of gitlabrunner_user_runner.build in the state of the
// session's directory dir.
func tokenOf(t *testing.T, s *docSession, dir string) string {
	t.Helper()
	tok := tokensIn(t, filepath.Join(s.dir, dir, "terraform.tfstate"))["build"]
	if tok == "" {
		t.Fatalf("no token of gitlabrunner_user_runner.build in %s's state", dir)
	}
	return tok
}

// tokensIn are the tokens of the gitlabrunner_user_runner resources of a
// state file, by resource name (those whose token is null are left out).
func tokensIn(t *testing.T, stateFile string) map[string]string {
	t.Helper()
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(readFile(t, stateFile)), &state); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, r := range state.Resources {
		if r.Type != "gitlabrunner_user_runner" {
			continue
		}
		for _, in := range r.Instances {
			if tok, ok := in.Attributes["token"].(string); ok && tok != "" {
				tokens[r.Name] = tok
			}
		}
	}
	return tokens
}

// TestAccProviderPageMoved runs the provider page's migration from GitLab's
// provider as a reader would, with both providers installed by `terraform
// init` (this one from `make install`'s mirror, a stand-in for GitLab's beside
// it): a gitlab_user_runner is applied; the page's commands print its state
// fresh from GitLab; the page's moved example (as written, but for the group
// id) replaces the configuration, and one apply moves the runner with its
// token, writing nothing to GitLab; the next plan is empty (Terraform 1.8+).
func TestAccProviderPageMoved(t *testing.T) {
	t.Parallel()
	blocks := pageBlocks(t, "docs/index.md", "moved", "state-show")
	acctest.NewCLI(t, nil, nil).SkipWithout(acctest.MovedAcrossTypes)
	s := sharedInstall(t)
	s.addToMirror("internal/providertest/gitlabprovider/cmd/terraform-provider-gitlab", "gitlabhq/gitlab", "19.0.0")
	acctest.SkipLive(t, acctest.PagesAsWritten)
	mock := acctest.StartMock(t, acctest.WithRealClock())
	group := itoa(mock.Seed.Group.ID)
	s.setenv("GITLAB_BASE_URL="+mock.URL(), "GITLAB_TOKEN="+mock.Seed.Group.OwnerToken)
	writeFile(t, filepath.Join(s.dir, "moved", "main.tf"), `terraform {
  required_providers {
    gitlab = {
      source = "gitlabhq/gitlab"
    }
  }
}

provider "gitlab" {
  base_url = "`+mock.URL()+`"
  token    = "`+mock.Seed.Group.OwnerToken+`"
}

resource "gitlab_user_runner" "build" {
  runner_type      = "group_type"
  group_id         = `+group+`
  description      = "build fleet"
  paused           = false
  locked           = false
  tag_list         = ["linux", "docker"]
  untagged         = false
  access_level     = "not_protected"
  maximum_timeout  = 3600
  maintenance_note = "ask #ci"
}

output "token" {
  value     = gitlab_user_runner.build.token
  sensitive = true
}
`)
	moved := asWritten(t, blocks["moved"], "group_id         = 7", "group_id         = "+group)
	outs := s.run(
		shellStep{name: "gitlab", script: "cd moved && terraform init && terraform apply -auto-approve && terraform output -raw token > ../token.txt && echo"},
		shellStep{name: "state-show", script: blocks["state-show"]},
		shellStep{name: "move", script: "rm main.tf && cat > moved.tf <<'EOF'\n" + moved + "EOF\n" +
			"terraform init && terraform apply -auto-approve && terraform plan -detailed-exitcode"},
	)
	if !strings.Contains(outs["state-show"], `maintenance_note = "ask #ci"`) || !strings.Contains(outs["state-show"], "untagged") {
		t.Errorf("terraform state show does not show what GitLab's provider holds:\n%s", outs["state-show"])
	}
	if !strings.Contains(outs["move"], "has moved to gitlabrunner_user_runner.build") || !strings.Contains(outs["move"], "No changes.") {
		t.Errorf("the move did not plan the move alone, or the next plan is not empty:\n%s", outs["move"])
	}
	before := strings.TrimSpace(readFile(t, filepath.Join(s.dir, "token.txt")))
	if got := tokenOf(t, s, "moved"); got != before || mock.VerifyStatus(t, got, "s_moved0000001") != http.StatusOK {
		t.Errorf("the token did not move with the runner, or does not work")
	}
	if n := mock.Stats().Requests("POST /runners/:id/reset_authentication_token"); n != 0 {
		t.Errorf("the move rotated the token %d times", n)
	}
}
