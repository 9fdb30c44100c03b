package examplestest

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TestAccAdoptGuide runs the guide "Adopt an existing fleet with terraform
// query" against a group with three runners the guide's output shows (two
// online, one offline), with the provider `make install` put into the local
// mirror (Terraform 1.14+): its configuration and query file, as written but
// for the group's id; its console commands, whose output has the shape the
// guide prints; the generated configuration, with the attributes the guide
// shows; the plan, apply and plan it shows, in the words it quotes; the
// rotation_triggers that give the adopted runners tokens; the assignments'
// query; and one import by identity.
func TestAccAdoptGuide(t *testing.T) {
	t.Parallel()
	page := "docs/guides/adopt-an-existing-fleet-with-terraform-query.md"
	b := pageBlocks(t, page, "main", "query", "run-query", "generate", "generated", "apply", "rotate", "assignments", "import-identity")
	acctest.NewCLI(t, nil, nil).SkipWithout(acctest.Query)
	s := sharedInstall(t)
	acctest.SkipLive(t, acctest.PagesAsWritten, acctest.MockClock)
	mock := acctest.StartMock(t)
	ids := adoptGuideFleet(t, mock)
	s.setenv("GITLAB_BASE_URL="+mock.URL(), "GITLAB_TOKEN="+mock.Seed.Group.OwnerToken)
	writeFile(t, filepath.Join(s.dir, "adopt", "main.tf"), b["main"])
	writeFile(t, filepath.Join(s.dir, "adopt", "runners.tfquery.hcl"),
		asWritten(t, b["query"], "group_id = 7", "group_id = "+itoa(mock.Seed.Group.ID)))

	steps := []shellStep{{name: "cd", script: "cd adopt"}}
	for _, name := range []string{"run-query", "generate", "apply"} {
		for i, cmd := range consoleCommands(b[name]) {
			steps = append(steps, shellStep{name: fmt.Sprintf("%s-%d", name, i), script: cmd})
		}
	}
	outs := s.run(steps...)
	checkConsole(t, outs, "run-query", b["run-query"])
	checkConsole(t, outs, "apply", b["apply"])
	generated := readFile(t, filepath.Join(s.dir, "adopt", "runners.tf"))
	if got, want := attributeNames(generated), attributeNames(b["generated"]); !slices.Equal(got, want) {
		t.Errorf("terraform query -generate-config-out writes the attributes\n%v\nthe guide shows\n%v", got, want)
	}

	t.Run("rotate", func(t *testing.T) {
		rotation := regexp.MustCompile(`(?s)  rotation_triggers = \{.*?\n  \}`).FindString(b["rotate"])
		if rotation == "" {
			t.Fatalf("no rotation_triggers in the guide's block:\n%s", b["rotate"])
		}
		writeFile(t, filepath.Join(s.dir, "adopt", "runners.tf"),
			regexp.MustCompile(`(?m)^  rotation_triggers\s*= null$`).ReplaceAllLiteralString(generated, rotation))
		out := s.run(shellStep{name: "rotate", script: "cd adopt && terraform apply -auto-approve"})["rotate"]
		if !strings.Contains(out, "Apply complete! Resources: 0 added, 3 changed, 0 destroyed.") {
			t.Errorf("the rotation_triggers did not rotate the three tokens:\n%s", out)
		}
		tokens := tokensIn(t, filepath.Join(s.dir, "adopt", "terraform.tfstate"))
		if len(tokens) != 3 {
			t.Errorf("the state holds %d tokens, want the 3 rotated ones", len(tokens))
		}
		for name, tok := range tokens {
			if got := mock.VerifyStatus(t, tok, "s_adopted00001"); got != http.StatusOK {
				t.Errorf("%s's token in state: POST /runners/verify = %d", name, got)
			}
		}
	})

	t.Run("assignments", func(t *testing.T) {
		app, web := mock.Seed.Projects[0], mock.Seed.Projects[1]
		shared := makeRunner(t, mock, mock.Seed.Group.MaintainerToken, gitlabapi.CreateUserRunnerOptions{
			RunnerType: gitlabapi.RunnerTypeProject, ProjectID: &app.ID})
		if _, err := client(t, mock, mock.Seed.Group.MaintainerToken).AssignRunnerToProject(t.Context(), web.ID, shared); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(s.dir, "adopt", "web.tfquery.hcl"),
			asWritten(t, b["assignments"], "project_id = 43", "project_id = "+itoa(web.ID)))
		out := s.run(shellStep{name: "query", script: "cd adopt && terraform query"})["query"]
		if !regexp.MustCompile(`list\.gitlabrunner_project_runner_assignment\.web\s+.*` + itoa(shared)).MatchString(out) {
			t.Errorf("the assignments' query does not list runner %d:\n%s", shared, out)
		}
	})

	t.Run("import-identity", func(t *testing.T) {
		block := regexp.MustCompile(`(?s)resource "gitlabrunner_user_runner" "platform_2" \{.*?\n\}`).FindString(generated)
		if block == "" {
			t.Fatalf("no third runner in the generated configuration:\n%s", generated)
		}
		writeFile(t, filepath.Join(s.dir, "one", "main.tf"), b["main"]+"\n"+
			asWritten(t, b["import-identity"], `id = "42"`, `id = "`+itoa(ids[2])+`"`)+"\n"+
			strings.Replace(block, `"platform_2"`, `"platform"`, 1)+"\n")
		out := s.run(shellStep{name: "one", script: "cd one && terraform init && terraform plan"})["one"]
		if !strings.Contains(out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
			t.Errorf("the import by identity plans more than the import:\n%s", out)
		}
	})
}

// adoptGuideFleet makes the group's runners the guide's output shows: k8s-1
// and k8s-2 online, windows offline (its host's last contact hours ago).
func adoptGuideFleet(t *testing.T, mock *acctest.Mock) []int64 {
	t.Helper()
	owner := mock.Seed.Group.OwnerToken
	f, seven := false, int64(7200)
	var ids []int64
	for _, d := range []string{"k8s-1", "k8s-2", "windows"} {
		desc := d
		ids = append(ids, makeRunner(t, mock, owner, gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup,
			GroupID: &mock.Seed.Group.ID, RunnerAttributes: gitlabapi.RunnerAttributes{Description: &desc,
				TagList: &[]string{"k8s", "linux"}, RunUntagged: &f, MaximumTimeout: &seven}}))
	}
	contact := func(ids ...int64) {
		for _, id := range ids {
			r, _ := mock.Store().Runner(id)
			if got := mock.VerifyStatus(t, r.Token, fmt.Sprintf("s_host%08d", id)); got != http.StatusOK {
				t.Fatalf("runner %d's host: POST /runners/verify = %d", id, got)
			}
		}
	}
	contact(ids...)
	mock.Clock.Advance(3 * time.Hour)
	contact(ids[0], ids[1])
	return ids
}

// consoleCommands are the commands of a console block (its "$ " lines).
func consoleCommands(block string) []string {
	var cmds []string
	for _, line := range strings.Split(block, "\n") {
		if cmd, ok := strings.CutPrefix(line, "$ "); ok {
			cmds = append(cmds, cmd)
		}
	}
	return cmds
}

// checkConsole: every output line a console block shows after its command
// (but "…") has a line of that shape in the command's output: the same words,
// any numbers (ids, widths).
func checkConsole(t *testing.T, outs map[string]string, name, block string) {
	t.Helper()
	cmd := -1
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		if strings.HasPrefix(line, "$ ") {
			cmd++
			continue
		}
		if strings.TrimSpace(line) == "…" {
			continue
		}
		shape := regexp.MustCompile(`\d+`).ReplaceAllString(regexp.QuoteMeta(strings.Join(strings.Fields(line), " ")), `\d+`)
		shape = strings.ReplaceAll(shape, " ", `\s+`)
		out := outs[fmt.Sprintf("%s-%d", name, cmd)]
		if !regexp.MustCompile(`(?m)^\s*` + shape + `\s*$`).MatchString(out) {
			t.Errorf("the guide shows %q after `%s`; its output has no such line:\n%s", line, consoleCommands(block)[cmd], out)
		}
	}
}

// attributeNames are the attribute names of the first resource block of a
// configuration, sorted.
func attributeNames(config string) []string {
	block := regexp.MustCompile(`(?s)resource "[^"]+" "[^"]+" \{\n(.*?)\n\}`).FindStringSubmatch(config)
	if block == nil {
		return nil
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z_]+)\s*=`).FindAllStringSubmatch(block[1], -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return names
}

// client is a GitLab client of the mock as the user of token.
func client(t *testing.T, mock *acctest.Mock, token string) *gitlabapi.Client {
	t.Helper()
	c, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: mock.URL(), Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// makeRunner creates a runner in GitLab (not in Terraform) and returns its id.
func makeRunner(t *testing.T, mock *acctest.Mock, token string, opts gitlabapi.CreateUserRunnerOptions) int64 {
	t.Helper()
	made, err := client(t, mock, token).CreateUserRunner(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return made.ID
}
