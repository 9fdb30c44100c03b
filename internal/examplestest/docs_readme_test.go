package examplestest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// TestAccReadmeMock runs the README's commands of the mock coordinator from a
// fresh clone: `go run … --print-json` prints one JSON line with the keys of
// the README's sample; each --fault example starts a mock; the --print-env
// script installs the provider, applies examples/demo against the mock with
// terraform init and apply, and stops the mock; the /-/mock/ toggle answers as
// the README's table says.
func TestAccReadmeMock(t *testing.T) {
	t.Parallel()
	blocks := pageBlocks(t, "README.md", "mock-print-json", "print-json-output", "fault-examples", "mock-script", "mock-toggle")
	s := newDocSession(t)

	// go run … --print-json: one line of JSON with the sample's keys.
	line := strings.TrimSpace(blocks["mock-print-json"])
	srv := s.start(line, func(out string) bool { return strings.Contains(out, "}\n") })
	var got, sample map[string]any
	first := srv.output()[:strings.Index(srv.output(), "}\n")+1]
	if err := json.Unmarshal([]byte(first[strings.Index(first, "{"):]), &got); err != nil {
		t.Fatalf("%s printed %q: %v", line, first, err)
	}
	srv.stop()
	if err := json.Unmarshal([]byte(blocks["print-json-output"]), &sample); err != nil {
		t.Fatalf("the README's --print-json sample is not JSON: %v", err)
	}
	if g, w := jsonKeys(got, ""), jsonKeys(sample, ""); !reflect.DeepEqual(g, w) {
		t.Errorf("--print-json prints the keys\n%v\nthe README's sample has\n%v", g, w)
	}

	// Each --fault example starts a mock that listens.
	s.buildMock()
	for _, cmd := range strings.Split(strings.TrimSpace(blocks["fault-examples"]), "\n") {
		srv := s.start(cmd, func(out string) bool { return strings.Contains(out, "http://127.0.0.1:") })
		srv.stop()
	}

	// The --print-env script: make install, the mock, terraform init and apply.
	out := s.run(shellStep{name: "mock-script", script: blocks["mock-script"]})["mock-script"]
	for _, want := range []string{"Installed gitlabrunner/gitlabrunner v0.1.0", "Apply complete! Resources: 3 added",
		`runner_type = "group_type"`} {
		if !acctest.Words(want).MatchString(out) {
			t.Errorf("the script's output lacks %q:\n%s", want, out)
		}
	}
	if pid := envValue(t, filepath.Join(s.dir, "mock.env"), "MOCK_PID"); !endsAfterKill(atoi(t, pid)) {
		t.Errorf("the script's kill left the mock (pid %s) running", pid)
	}

	// The /-/mock/ toggle, against a mock started the same way.
	outs := s.run(
		shellStep{name: "start", script: `./mock --listen 127.0.0.1:0 --print-env --quiet > toggle.env &
until grep -q '^# ready' toggle.env 2>/dev/null; do sleep 0.1; done
. ./toggle.env`},
		shellStep{name: "mock-toggle", script: blocks["mock-toggle"]},
		shellStep{name: "stop", script: `kill "$MOCK_PID"`},
	)
	var answer map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(outs["mock-toggle"])), &answer); err != nil ||
		answer["allow_runner_registration_token"] != false || answer["registration_tokens_allowed"] != false || answer["full_path"] != "demo" {
		t.Errorf("the toggle answered %q (%v)", outs["mock-toggle"], err)
	}
}

// jsonKeys lists the paths of every key of v (arrays: their elements' keys).
func jsonKeys(v any, prefix string) []string {
	var keys []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			keys = append(keys, prefix+k)
			keys = append(keys, jsonKeys(e, prefix+k+".")...)
		}
	case []any:
		for _, e := range x {
			keys = append(keys, jsonKeys(e, prefix+"[].")...)
		}
	}
	sort.Strings(keys)
	return dedupe(keys)
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, k := range sorted {
		if i == 0 || k != sorted[i-1] {
			out = append(out, k)
		}
	}
	return out
}

// envValue is the value of `export NAME='value'` (or NAME=value) in a file
// --print-env wrote.
func envValue(t *testing.T, path, name string) string {
	t.Helper()
	for _, line := range strings.Split(readFile(t, path), "\n") {
		if v, ok := strings.CutPrefix(line, "export "+name+"="); ok {
			return strings.Trim(strings.Fields(v)[0], "'")
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return ""
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

// TestAccReadmeSnippets applies the README's first example, a group runner
// and its token as an output, against the mock (its group 42 is the mock's
// group; the provider from the environment, as the README's table says), and
// runs the `gitlab-runner register` of its comment with the token.
func TestAccReadmeSnippets(t *testing.T) {
	t.Parallel()
	blocks := pageBlocks(t, "README.md", "overview")
	s := sharedInstall(t)
	acctest.SkipLive(t, acctest.PagesAsWritten)
	mock := acctest.StartMock(t, acctest.WithRealClock())
	s.setenv("GITLAB_BASE_URL="+mock.URL(), "GITLAB_TOKEN="+mock.Seed.Group.OwnerToken)
	dir := filepath.Join(s.dir, "overview")
	writeFile(t, filepath.Join(dir, "main.tf"), asWritten(t, blocks["overview"], "group_id    = 42", "group_id    = "+itoa(mock.Seed.Group.ID)))
	writeFile(t, filepath.Join(dir, "versions.tf"), requiredProviders)
	register := registerComment(t, blocks["overview"])
	outs := s.run(shellStep{name: "overview", script: "cd overview\nterraform init\nterraform apply -auto-approve\n" +
		asWritten(t, register, "https://gitlab.example.com", mock.URL()) + "\nterraform destroy -auto-approve"})
	if !strings.Contains(outs["overview"], "Runner registered successfully") {
		t.Errorf("the register command of the README's comment did not register:\n%s", outs["overview"])
	}
	if n := len(mock.Store().RunnerIDs()); n != 0 {
		t.Errorf("%d runners left", n)
	}
}

// requiredProviders is the terraform block every example has, for a page's
// fragment that shows resources only.
const requiredProviders = `terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}
`

// registerComment is the `gitlab-runner register` command of a block's
// comment ("# gitlab-runner register …").
func registerComment(t *testing.T, block string) string {
	t.Helper()
	for _, line := range strings.Split(block, "\n") {
		if cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "# gitlab-runner register"); ok {
			return "gitlab-runner register" + cmd
		}
	}
	t.Fatalf("no `# gitlab-runner register` comment in\n%s", block)
	return ""
}

// TestDocSeedsApply: the seed files of the README and the module-testing
// guide are ones the mock starts with.
func TestDocSeedsApply(t *testing.T) {
	for page, name := range map[string]string{
		"README.md": "seed-file",
		"docs/guides/testing-modules-with-the-mock-coordinator.md": "seed",
	} {
		spec, err := store.ParseSeedFile(page+".yaml", []byte(pageBlocks(t, page, name)[name]))
		if err != nil {
			t.Errorf("%s, block %s: %v", page, name, err)
			continue
		}
		srv, err := mockcoordinator.NewServer(mockcoordinator.Options{Seed: &spec})
		if err != nil {
			t.Errorf("%s, block %s: the mock does not start with it: %v", page, name, err)
			continue
		}
		_ = srv.Close()
	}
}

// TestAccReadmeGoTest runs the README's Go test as a test of this
// repository's examplestest package (added with go's -overlay, without
// writing into the repository): it compiles and passes.
func TestAccReadmeGoTest(t *testing.T) {
	t.Parallel()
	tf := acctest.TerraformBinary(t)
	acctest.CLIIndependent(t, "the snippet drives terraform-plugin-testing, as every acceptance test does; it runs "+
		"once, to show that the README's example compiles and passes")
	body := pageBlocks(t, "README.md", "go-test")["go-test"]
	src := `package examplestest

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

` + body
	tmp := t.TempDir()
	file := filepath.Join(tmp, "readme_go_test.go")
	writeFile(t, file, src)
	overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(repoRoot(t), "internal", "examplestest", "zz_readme_go_test.go"): file}})
	writeFile(t, filepath.Join(tmp, "overlay.json"), string(overlay))
	cmd := exec.Command("go", "test", "-overlay", filepath.Join(tmp, "overlay.json"), "-count=1", "-run", "^TestAccExample$", "-v", ".")
	cmd.Dir = filepath.Join(repoRoot(t), "internal", "examplestest")
	// Against a mock of its own: a live run's settings stay this process's
	// (acctest.Main took GITLAB_BASE_URL and GITLAB_TOKEN out of it).
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITLABRUNNER_TEST_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "TF_ACC=1", "TF_ACC_TERRAFORM_PATH="+tf)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestAccExample") {
		t.Fatalf("the README's Go test: %v\n%s", err, out)
	}
}
