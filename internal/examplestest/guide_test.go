package examplestest

// TestAccModuleGuide runs the guide "Testing modules with the mock
// coordinator" as a module author would: its shell blocks, taken from the
// generated docs/guides page (docs_test.go: so the guide and the test cannot
// drift apart),
// run with bash in a copy of examples/modules/runner-fleet, cloning this
// repository's committed HEAD where the guide clones GitHub. The module's own
// tests/fleet.tftest.hcl then run with `terraform test` (or `tofu test`) on
// the binary of TF_ACC_TERRAFORM_PATH; `terraform test` needs 1.6, so on
// Terraform 1.5 the test skips (`make test-modules` runs it on the newest
// Terraform on the PATH and on OpenTofu 1.6.3).

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

const guidePath = "docs/guides/testing-modules-with-the-mock-coordinator.md"

// guideCloneURL is the repository the guide clones; the test clones this
// checkout instead.
const guideCloneURL = "https://github.com/gitlabrunner/terraform-provider-gitlabrunner.git"

func TestAccModuleGuide(t *testing.T) {
	acctest.PreCheck(t)
	tool := terraformTestBinary(t)
	root := repoRoot(t)
	blocks := docBlocks(t, filepath.Join(root, guidePath), "setup", "run", "ci")

	if out, _ := exec.Command("git", "-C", root, "status", "--porcelain").Output(); len(out) > 0 {
		t.Logf("note: the guide runs on a fresh clone of the committed HEAD; uncommitted changes are not part of it:\n%s", out)
	}

	// The module author's repository: the runner-fleet module as committed.
	module := t.TempDir()
	archive := exec.Command("sh", "-c", `git -C "$1" archive HEAD examples/modules/runner-fleet | tar -x -C "$2" --strip-components=3`, "sh", root, module)
	if out, err := archive.CombinedOutput(); err != nil {
		t.Fatalf("copying the module: %v\n%s", err, out)
	}

	// The guide's commands as written, but cloning this checkout, and with
	// `tofu test` in place of `terraform test` on OpenTofu (as it says).
	script := blocks["setup"] + "\n" + blocks["run"]
	script = strings.ReplaceAll(script, guideCloneURL, "file://"+root)
	if tool.tofu {
		script = strings.ReplaceAll(script, "terraform test", "tofu test")
	}
	shims := t.TempDir()
	if err := os.Symlink(tool.path, filepath.Join(shims, tool.name())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopGuideMock(t, filepath.Join(module, ".bin", "mock.env")) })

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = module
	cmd.Env = append(cleanEnv(), "PATH="+shims+string(os.PathListSeparator)+os.Getenv("PATH"), "CHECKPOINT_DISABLE=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("the guide's commands took %s (%s %s)", time.Since(start).Round(time.Second), tool.name(), tool.version)
	if err != nil {
		t.Fatalf("the guide's commands failed: %v\n%s", err, out)
	}
	out = regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAll(out, nil) // the CLI's colours

	// Every run of tests/fleet.tftest.hcl passed ...
	m := regexp.MustCompile(`Success! (\d+) passed, 0 failed`).FindSubmatch(out)
	if m == nil || string(m[1]) != strconv.Itoa(strings.Count(readFile(t, filepath.Join(module, "tests", "fleet.tftest.hcl")), "\nrun \"")) {
		t.Fatalf("not every run of tests/fleet.tftest.hcl passed:\n%s", out)
	}
	// ... with the group Owner's token and no settings warning ...
	if bytes.Contains(out, []byte("Instance Runner Settings Not Readable")) {
		t.Errorf("the module warns about the instance settings on every plan:\n%s", out)
	}
	// ... and the mock saw what the runs say: two runners created, both
	// tokens rotated in place by the fleet trigger (no new runner), both
	// destroyed at the end, and no request for the administrator-only settings.
	// ... the mock.env it wrote has every variable the guide's sample shows ...
	env := readFile(t, filepath.Join(module, ".bin", "mock.env"))
	for _, m := range regexp.MustCompile(`(?m)^export ([A-Z_]+)=`).FindAllStringSubmatch(docBlocks(t, filepath.Join(root, guidePath), "print-env-output")["print-env-output"], -1) {
		if !regexp.MustCompile(`(?m)^export ` + m[1] + `=`).MatchString(env) {
			t.Errorf("the guide's sample of --print-env shows %s, which the mock does not print:\n%s", m[1], env)
		}
	}
	log := readFile(t, filepath.Join(module, ".bin", "mock.log"))
	for _, c := range []struct {
		line string
		want int
	}{
		{`POST /api/v4/user/runners -> 201`, 2},
		{`POST /api/v4/runners/\d+/reset_authentication_token -> 201`, 2},
		{`DELETE /api/v4/runners/\d+ -> 204`, 2},
		{`GET /api/v4/application/settings`, 0},
	} {
		if got := len(regexp.MustCompile(c.line).FindAllString(log, -1)); got != c.want {
			t.Errorf("the mock's log has %d lines matching %q, want %d:\n%s", got, c.line, c.want, log)
		}
	}
}

// TestGuideIsInSync checks what the guide states about this repository: the
// CI example runs the same commands as the guide's steps, with the Go version
// of go.mod.
func TestGuideIsInSync(t *testing.T) {
	root := repoRoot(t)
	blocks := docBlocks(t, filepath.Join(root, guidePath), "setup", "run", "ci")
	ci := map[string]bool{}
	for _, line := range strings.Split(blocks["ci"], "\n") {
		ci[strings.TrimPrefix(strings.TrimSpace(line), "- ")] = true
	}
	for _, name := range []string{"setup", "run"} {
		for _, line := range strings.Split(blocks[name], "\n") {
			if line = strings.TrimSpace(line); line != "" && !ci[line] {
				t.Errorf("the CI example lacks the line %q of the guide's %s step", line, name)
			}
		}
	}

	goMod := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(readFile(t, filepath.Join(root, "go.mod")))
	if goMod == nil {
		t.Fatal("no go directive in go.mod")
	}
	guide := readFile(t, filepath.Join(root, guidePath))
	if !strings.Contains(blocks["ci"], "image: golang:"+goMod[1]+"\n") || !strings.Contains(guide, "Go ("+goMod[1]+",") {
		t.Errorf("the guide should name Go %s (go.mod) in its requirements and CI image", goMod[1])
	}
}

// stopGuideMock makes sure the mock the guide started is gone: the guide's
// last command stops it, but a failed step leaves it running. Its pid is in
// the file --print-env wrote.
func stopGuideMock(t *testing.T, envFile string) {
	data, err := os.ReadFile(envFile)
	if err != nil {
		return
	}
	m := regexp.MustCompile(`(?m)^export MOCK_PID=(\d+)$`).FindSubmatch(data)
	if m == nil {
		return
	}
	pid, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return
	}
	if !endsAfterKill(pid) {
		t.Logf("stopping the mock (pid %d) left by a failed step", pid)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// endsAfterKill reports whether pid ends within a timeout: a mock stopped
// with kill flushes its state first, which takes a moment on a busy machine.
func endsAfterKill(pid int) bool {
	for deadline := time.Now().Add(10 * time.Second); processRunning(pid); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// processRunning reports whether pid is alive and not a zombie waiting for a
// parent that does not reap it.
func processRunning(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil // no /proc: the signal check alone
	}
	// "pid (comm) state …": the state follows the last ')'.
	rest := string(stat[bytes.LastIndexByte(stat, ')')+1:])
	return !strings.HasPrefix(strings.TrimSpace(rest), "Z")
}

// cleanEnv is the environment without what would make a run depend on the
// developer's setup or leak into the guide's commands.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || k == "TF_CLI_CONFIG_FILE" || k == "TF_CLI_ARGS" || strings.HasPrefix(k, "TF_CLI_ARGS_") ||
			strings.HasPrefix(k, "TF_VAR_") || strings.HasPrefix(k, "GITLAB_") || strings.HasPrefix(k, "GITLABRUNNER_TEST_") || strings.HasPrefix(k, "MOCK_") ||
			k == "TF_DATA_DIR" || k == "TF_WORKSPACE" || k == "TF_PLUGIN_CACHE_DIR" || k == "TF_REATTACH_PROVIDERS" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testTool is the Terraform or OpenTofu binary a `terraform test` runs on.
type testTool struct {
	path    string
	tofu    bool
	version string
	minor   int // of 1.x
}

func (tt testTool) name() string {
	if tt.tofu {
		return "tofu"
	}
	return "terraform"
}

// terraformTestBinary is TF_ACC_TERRAFORM_PATH when it can run `terraform
// test` (Terraform or OpenTofu 1.6+); otherwise the test skips and says why.
func terraformTestBinary(t *testing.T) testTool {
	t.Helper()
	path := acctest.TerraformBinary(t)
	out, err := tfcli.Command(context.Background(), path, "", os.Environ(), "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	m := regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+)\.(\d+)\.\S*`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("%s version printed %q", path, out)
	}
	major, _ := strconv.Atoi(m[2])
	minor, _ := strconv.Atoi(m[3])
	tool := testTool{path: path, tofu: m[1] == "OpenTofu", version: strings.TrimPrefix(m[0], m[1]+" "), minor: minor}
	if major < 1 || (major == 1 && minor < 6) {
		t.Skipf("%s %s has no `%s test` (1.6+): `make test-modules` runs this on the newest Terraform on the PATH "+
			"and on OpenTofu 1.6.3", m[1], tool.version, tool.name())
	}
	return tool
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
