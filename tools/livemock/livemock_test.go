package livemock_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testgitlab"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testwait"
)

// liveVersion is the GitLab the mock process of the live run emulates.
const liveVersion = "18.10.0-ee"

// repoRoot is the repository's root (this package is tools/livemock).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// build compiles a package of the repository into dir.
func build(t *testing.T, pkg, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", bin, "./"+pkg)
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./%s: %v\n%s", pkg, err, out)
	}
	return bin
}

// mockProcess is a mock-coordinator process playing the GitLab.
type mockProcess struct {
	baseURL, admin, nonAdmin  string
	group, project0, project1 int64
}

func startMock(t *testing.T, bin string, args ...string) *mockProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen", "127.0.0.1:0", "--print-json", "--quiet"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		t.Fatalf("mock-coordinator printed no startup line: %v", err)
	}
	var info struct {
		BaseURL       string `json:"base_url"`
		AdminToken    string `json:"admin_token"`
		NonAdminToken string `json:"non_admin_token"`
		Group         struct{ ID int64 }
		Projects      []struct{ ID int64 }
	}
	if err := json.Unmarshal(line, &info); err != nil {
		t.Fatal(err)
	}
	return &mockProcess{baseURL: info.BaseURL, admin: info.AdminToken, nonAdmin: info.NonAdminToken,
		group: info.Group.ID, project0: info.Projects[0].ID, project1: info.Projects[1].ID}
}

// env is the live-mode environment pointing at the process.
func (p *mockProcess) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITLAB_") && !strings.HasPrefix(kv, "GITLABRUNNER_TEST_") {
			env = append(env, kv)
		}
	}
	return append(env, testgitlab.BaseURLEnv+"="+p.baseURL, testgitlab.TokenEnv+"="+p.admin,
		fmt.Sprintf("%s=%d", testgitlab.GroupIDEnv, p.group),
		fmt.Sprintf("%s=%d,%d", testgitlab.ProjectIDsEnv, p.project0, p.project1),
		testgitlab.NonAdminTokenEnv+"="+p.nonAdmin)
}

// call sends one REST request as the administrator and decodes the answer.
func (p *mockProcess) call(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var payload io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		payload = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.baseURL+"/api/v4"+path, payload)
	req.Header.Set("PRIVATE-TOKEN", p.admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		data, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot is what the GitLab holds that a live run could change: every
// runner (id, description, projects) and the instance's settings.
type snapshot struct {
	Runners  []string
	Settings map[string]any
}

func (p *mockProcess) snapshot(t *testing.T) snapshot {
	t.Helper()
	var list []struct {
		ID          int64  `json:"id"`
		Description string `json:"description"`
	}
	p.call(t, http.MethodGet, "/runners/all?per_page=100", nil, &list)
	var s snapshot
	for _, r := range list {
		var details struct {
			Projects []struct{ ID int64 } `json:"projects"`
		}
		p.call(t, http.MethodGet, fmt.Sprintf("/runners/%d", r.ID), nil, &details)
		s.Runners = append(s.Runners, fmt.Sprintf("%d %q projects %v", r.ID, r.Description, details.Projects))
	}
	sort.Strings(s.Runners)
	p.call(t, http.MethodGet, "/application/settings", nil, &s.Settings)
	return s
}

// markedRunners counts the runners whose description carries the live
// runs' mark.
func (p *mockProcess) markedRunners(t *testing.T) int {
	t.Helper()
	n := 0
	for page := 1; ; page++ {
		var list []struct {
			Description string `json:"description"`
		}
		p.call(t, http.MethodGet, fmt.Sprintf("/runners/all?per_page=100&page=%d", page), nil, &list)
		for _, r := range list {
			if testgitlab.Marked(r.Description, acctest.LivePrefix) {
				n++
			}
		}
		if len(list) < 100 {
			return n
		}
	}
}

// bystanders are runners no live run may touch: one without the mark, one
// with the mark only inside its description.
func (p *mockProcess) bystanders(t *testing.T) {
	t.Helper()
	for _, d := range []string{"production runner", "see " + acctest.LivePrefix + "1a2b3c4d-001-notes"} {
		p.call(t, http.MethodPost, "/user/runners", map[string]any{"runner_type": "instance_type", "description": d}, nil)
	}
}

func requireAcceptance(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the real binaries")
	}
	acctest.PreCheck(t)
	if acctest.IsLive() {
		t.Skip("it starts the GitLab (a mock-coordinator process) itself: run it without live mode")
	}
}

// TestLiveRunAgainstMockProcess: `make testacc-live` against a
// mock-coordinator process passes, and leaves the process's runners and
// settings as they were (two bystander runners included).
func TestLiveRunAgainstMockProcess(t *testing.T) {
	requireAcceptance(t)
	// The newest Enterprise Edition the mock emulates with every feature the
	// provider uses (token_expires_in, runner controllers).
	p := startMock(t, build(t, "cmd/mock-coordinator", t.TempDir()), "--gitlab-version", liveVersion)
	p.bystanders(t)
	before := p.snapshot(t)

	args := []string{"testacc-live"}
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		args = append(args, "LIVE_TERRAFORM="+tf)
	}
	if run := os.Getenv("LIVE_RUN"); run != "" {
		args = append(args, "TESTARGS=-run "+run)
	}
	cmd := exec.Command("make", args...)
	cmd.Dir = repoRoot(t)
	cmd.Env = p.env()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr // the report, as the target prints it
	start := time.Now()
	err := cmd.Run()
	t.Logf("make testacc-live took %s", time.Since(start).Round(time.Second))
	if err != nil {
		t.Errorf("make testacc-live against the mock process: %v (its report is above)", err)
	}
	if after := p.snapshot(t); !reflect.DeepEqual(before, after) {
		t.Errorf("the live run left GitLab changed:\nbefore: %v\nafter:  %v", before, after)
	}
}

// TestKilledLiveRunThenSweep: a live run killed midway (SIGKILL to go test,
// Terraform and the provider) leaves runners; `make sweep` deletes every one
// of them and nothing else.
func TestKilledLiveRunThenSweep(t *testing.T) {
	requireAcceptance(t)
	bins := t.TempDir()
	p := startMock(t, build(t, "cmd/mock-coordinator", bins))
	p.bystanders(t)
	before := p.snapshot(t)

	// The live run: a fleet of 500 runners, built first so that the kill
	// comes while it creates runners, not while it compiles.
	testBin := filepath.Join(bins, "userrunner.test")
	compile := exec.Command("go", "test", "-c", "-o", testBin, "./internal/resources/userrunner")
	compile.Dir = repoRoot(t)
	if out, err := compile.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	run := exec.Command(testBin, "-test.run", "^TestAccReliability_load$", "-test.v")
	run.Dir = filepath.Join(repoRoot(t), "internal", "resources", "userrunner")
	run.Env = append(p.env(), testgitlab.LiveEnv+"=1")
	run.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	marked := func() int { return p.markedRunners(t) }
	testwait.Until(t, 5*time.Minute, "the live run to have created 50 runners", func() bool { return marked() >= 50 })
	if err := syscall.Kill(-run.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = run.Wait()
	// Requests the run had sent when it died still finish in GitLab: wait
	// until the count holds still for a second.
	left := marked()
	for deadline := time.Now().Add(time.Minute); ; {
		time.Sleep(time.Second)
		n := marked()
		if n == left {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed run's runners keep changing a minute after the kill")
		}
		left = n
	}
	if left == 0 {
		t.Fatalf("the killed run left nothing: the test proves nothing\n%s", out.String())
	}
	t.Logf("the killed live run left %d marked runners", left)

	sweep := exec.Command("make", "sweep")
	sweep.Dir = repoRoot(t)
	sweep.Env = p.env()
	swept, err := sweep.CombinedOutput()
	if err != nil {
		t.Fatalf("make sweep: %v\n%s", err, swept)
	}
	if n := strings.Count(string(swept), "deleted runner "); n != left {
		t.Errorf("make sweep printed %d deleted runners, want the %d left:\n%s", n, left, swept)
	}
	if after := p.snapshot(t); !reflect.DeepEqual(before, after) {
		t.Errorf("after the sweep GitLab is not as before the killed run:\nbefore: %v\nafter:  %v\n%s", before.Runners, after.Runners, swept)
	}
}
