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
	"regexp"
	"sort"
	"strconv"
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
// runner (id, description, projects), every runner controller (with its
// scopes and active tokens), and the settings of the instance, the group
// (its stale runner pruning too) and the projects.
type snapshot struct {
	Runners     []string
	Controllers []string
	Settings    map[string]any
	Group       map[string]any
	Pruning     any
	Projects    []map[string]any
}

func (p *mockProcess) snapshot(t *testing.T) snapshot {
	t.Helper()
	var s snapshot
	for page := 1; ; page++ {
		var list []struct {
			ID          int64  `json:"id"`
			Description string `json:"description"`
		}
		p.call(t, http.MethodGet, fmt.Sprintf("/runners/all?per_page=100&page=%d", page), nil, &list)
		for _, r := range list {
			var details struct {
				Projects []struct{ ID int64 } `json:"projects"`
			}
			p.call(t, http.MethodGet, fmt.Sprintf("/runners/%d", r.ID), nil, &details)
			s.Runners = append(s.Runners, fmt.Sprintf("%d %q projects %v", r.ID, r.Description, details.Projects))
		}
		if len(list) < 100 {
			break
		}
	}
	sort.Strings(s.Runners)
	var controllers []struct {
		ID          int64   `json:"id"`
		Description *string `json:"description"`
		State       string  `json:"state"`
	}
	p.call(t, http.MethodGet, "/runner_controllers?per_page=100", nil, &controllers)
	for _, c := range controllers {
		var tokens []struct {
			ID          int64   `json:"id"`
			Description *string `json:"description"`
		}
		var scopes any
		p.call(t, http.MethodGet, fmt.Sprintf("/runner_controllers/%d/tokens?per_page=100", c.ID), nil, &tokens)
		p.call(t, http.MethodGet, fmt.Sprintf("/runner_controllers/%d/scopes", c.ID), nil, &scopes)
		desc := "<null>"
		if c.Description != nil {
			desc = *c.Description
		}
		line := fmt.Sprintf("%d %q %s scopes %v tokens", c.ID, desc, c.State, scopes)
		for _, tok := range tokens {
			line += fmt.Sprintf(" %d", tok.ID)
		}
		s.Controllers = append(s.Controllers, line)
	}
	p.call(t, http.MethodGet, "/application/settings", nil, &s.Settings)
	p.call(t, http.MethodGet, fmt.Sprintf("/groups/%d", p.group), nil, &s.Group)
	for _, id := range []int64{p.project0, p.project1} {
		var proj map[string]any
		p.call(t, http.MethodGet, fmt.Sprintf("/projects/%d", id), nil, &proj)
		s.Projects = append(s.Projects, proj)
	}
	var pruning struct {
		Data any `json:"data"`
	}
	p.graphQL(t, fmt.Sprintf(`{ group(fullPath: %q) { allowStaleRunnerPruning } }`, s.Group["full_path"]), &pruning)
	s.Pruning = pruning.Data
	return s
}

// graphQL runs a GraphQL query as the administrator.
func (p *mockProcess) graphQL(t *testing.T, query string, out any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, p.baseURL+"/api/graphql", bytes.NewReader(b))
	req.Header.Set("PRIVATE-TOKEN", p.admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
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

// bystanders are what no live run may touch: runners, one without the
// mark, one with the mark only inside its description; a runner controller
// with a token, neither marked, and a controller marked only inside.
func (p *mockProcess) bystanders(t *testing.T) {
	t.Helper()
	inside := "see " + acctest.LivePrefix + "1a2b3c4d-001-notes"
	for _, d := range []string{"production runner", inside} {
		p.call(t, http.MethodPost, "/user/runners", map[string]any{"runner_type": "instance_type", "description": d}, nil)
	}
	for _, d := range []string{"production gate", inside} {
		var ctl struct {
			ID int64 `json:"id"`
		}
		p.call(t, http.MethodPost, "/runner_controllers", map[string]any{"description": d}, &ctl)
		p.call(t, http.MethodPost, fmt.Sprintf("/runner_controllers/%d/tokens", ctl.ID), map[string]any{"description": "production router"}, nil)
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

// minLiveShare is the least share (percent) of the acceptance tests that a
// live run must run, of those that run against the mock on the same CLI.
const minLiveShare = 80

// liveShare is acctest-report's line with that share.
var liveShare = regexp.MustCompile(`==> Of the \d+ that would run here against the mock .*, \d+ ran \((\d+)%\)`)

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
	var report bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.MultiWriter(os.Stdout, &report), os.Stderr // the report, as the target prints it
	start := time.Now()
	err := cmd.Run()
	t.Logf("make testacc-live took %s", time.Since(start).Round(time.Second))
	if err != nil {
		t.Errorf("make testacc-live against the mock process: %v (its report is above)", err)
	}
	// Of the tests this CLI runs against the mock, live mode runs at least
	// minLiveShare percent (the whole suite only: LIVE_RUN picks some).
	if m := liveShare.FindStringSubmatch(report.String()); m == nil {
		t.Errorf("the report has no line %q", liveShare)
	} else if share, _ := strconv.Atoi(m[1]); os.Getenv("LIVE_RUN") == "" && share < minLiveShare {
		t.Errorf("live mode ran %d%% of the acceptance tests this CLI runs against the mock, want at least %d%%: "+
			"give the new tests acctest.NewGitLab (CONTRIBUTING.md, live mode)", share, minLiveShare)
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
	p := startMock(t, build(t, "cmd/mock-coordinator", bins), "--gitlab-version", liveVersion)
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
