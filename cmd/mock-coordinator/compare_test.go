package main

// `mock-coordinator compare` against mock-coordinator processes used as the
// GitLab: none between identical servers, exactly the known differences
// between two versions, and the differences a fault makes.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// gitlabProcess is a mock-coordinator process in the role of the GitLab.
type gitlabProcess struct {
	baseURL, admin, nonAdmin  string
	group, project0, project1 int64
}

func startGitLabProcess(t *testing.T, bin string, args ...string) gitlabProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen", "127.0.0.1:0", "--print-json", "--quiet"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		t.Fatalf("mock-coordinator printed no startup line: %v; stderr:\n%s", err, stderr.String())
	}
	var info struct {
		BaseURL       string `json:"base_url"`
		AdminToken    string `json:"admin_token"`
		NonAdminToken string `json:"non_admin_token"`
		Group         struct {
			ID int64 `json:"id"`
		} `json:"group"`
		Projects []struct {
			ID int64 `json:"id"`
		} `json:"projects"`
	}
	if err := json.Unmarshal(line, &info); err != nil {
		t.Fatal(err)
	}
	return gitlabProcess{baseURL: info.BaseURL, admin: info.AdminToken, nonAdmin: info.NonAdminToken,
		group: info.Group.ID, project0: info.Projects[0].ID, project1: info.Projects[1].ID}
}

// compare runs `mock-coordinator compare` against g and returns its output
// and exit status.
func (g gitlabProcess) compare(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"compare", "--against", g.baseURL}, args...)...)
	cmd.Env = []string{"GITLAB_TOKEN=" + g.admin, "GITLABRUNNER_TEST_NON_ADMIN_TOKEN=" + g.nonAdmin,
		fmt.Sprintf("GITLABRUNNER_TEST_GROUP_ID=%d", g.group), fmt.Sprintf("GITLABRUNNER_TEST_PROJECT_IDS=%d,%d", g.project0, g.project1)}
	out, err := cmd.CombinedOutput()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// differencesIn lists the report's differences as "step | what: …" lines.
func differencesIn(out string) []string {
	var lines []string
	step := ""
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "  ") && step != "":
			lines = append(lines, step+" | "+strings.TrimSpace(l))
		case l != "" && !strings.HasPrefix(l, " ") && strings.Contains(l, " (") && strings.HasSuffix(l, ")"):
			step = l
		default:
			step = ""
		}
	}
	sort.Strings(lines)
	return lines
}

func TestCompareIdenticalServers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	bin := buildMock(t)
	g := startGitLabProcess(t, bin)
	// A GitLab that has lived: its runner ids are not the fresh mock's, and
	// an id of one kind on one side is one of another kind on the other.
	g.shiftIDs(t, 7)
	out, code := g.compare(t, bin)
	if code != compareSame || !strings.Contains(out, "No difference.") || !strings.Contains(out, "47 steps, 47 compared") {
		t.Fatalf("compare with an identical server: exit %d, want 0 and every step compared:\n%s", code, out)
	}
	// It cleaned up after itself.
	if ids := runnerCount(t, g); ids != 0 {
		t.Errorf("the compared GitLab keeps %d runners after the comparison", ids)
	}
}

// TestCompareVersions: GitLab 16.11 against the mock emulating 18.6. The
// differences are the ones the mock's version gates (store/version.go)
// make between the two: created_at and created_by (18.0) and
// job_execution_status (18.5) on runners, job_execution_status on managers, the runner-level ip_address hidden (17.0), and
// the registration tokens off by default (17.0: runners_token null).
func TestCompareVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	bin := buildMock(t)
	g := startGitLabProcess(t, bin, "--gitlab-version", "16.11.0-ee")
	out, code := g.compare(t, bin, "--mock-version", "18.6.0-ee")
	if code != compareDiffer {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	// Runners (created_at and created_by 18.0, job_execution_status 18.5):
	// in every answer that shows one, and in every item of a list.
	newKeys := func(step, item string) []string {
		return []string{
			step + " | key " + item + "created_at: GitLab has not, mock has it (string)",
			step + " | key " + item + "created_by: GitLab has not, mock has it (object)",
			step + " | key " + item + "job_execution_status: GitLab has not, mock has it (string)",
		}
	}
	readInstance := "read the instance runner (GET /runners/{runner:instance})"
	var want []string
	for _, step := range []string{
		readInstance, readInstance, readInstance, // before and after the update, and after its contact
		"read the group runner (GET /runners/{runner:group})",
		"read the project runner (GET /runners/{runner:project})",
		"read the project runner (GET /runners/{runner:project})", // after its assignment
		"update the instance runner (PUT /runners/{runner:instance})",
		"assign the project runner to the second project (POST /projects/{project1}/runners)",
	} {
		want = append(want, newKeys(step, "")...)
	}
	for _, step := range []string{
		"list every runner of the scenario (GET /runners/all?tag_list={tag})",
		"list with a type filter (GET /runners/all?tag_list={tag}&type=group_type)",
		"list a page of one runner (GET /runners/all?tag_list={tag}&per_page=1&page=2)",
		"list with a status filter (GET /runners/all?tag_list={tag}&status=never_contacted)",
		"list the group's runners (GET /groups/{group}/runners?tag_list={tag}&type=group_type)",
		"list the project's runners (GET /projects/{project0}/runners?tag_list={tag}&type=project_type)",
		"list with a paused filter, after the update (GET /runners/all?tag_list={tag}&paused=true)",
		"list the second project's runners (GET /projects/{project1}/runners?tag_list={tag})",
	} {
		want = append(want, newKeys(step, "[*].")...)
	}
	want = append(want,
		`the version (GET /version) | value of version: GitLab "16.11.0-ee", mock "18.6.0-ee"`,
		"list the managers (GET /runners/{runner:instance}/managers) | key [*].job_execution_status: GitLab has not, mock has it (string)",
		// The address of a runner that asked for a job (hidden from 17.0).
		readInstance+" | type of ip_address: GitLab string, mock null",
		"list the second project's runners (GET /projects/{project1}/runners?tag_list={tag}) | type of [*].ip_address: GitLab string, mock null",
		// Registration tokens off by default from 17.0: no runners_token.
		"the group's settings (GET /groups/{group}) | type of runners_token: GitLab string, mock null",
		"the project's settings (GET /projects/{project0}) | type of runners_token: GitLab string, mock null",
	)
	sort.Strings(want)
	got := differencesIn(out)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("differences:\n  %s\nwant:\n  %s\n\nreport:\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), out)
	}
	if !strings.Contains(out, fmt.Sprintf("%d differences.", len(want))) {
		t.Errorf("the summary does not count %d differences:\n%s", len(want), out)
	}
}

// TestCompareFault: a GitLab that refuses the first update changes that
// answer and what the scenario reads after it.
func TestCompareFault(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	bin := buildMock(t)
	g := startGitLabProcess(t, bin, "--fault", "PUT /runners/:id=403:times=1")
	out, code := g.compare(t, bin)
	if code != compareDiffer {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	got := strings.Join(differencesIn(out), "\n")
	for _, want := range []string{
		"update the instance runner (PUT /runners/{runner:instance}) | status: GitLab 403, mock 200",
		`update the instance runner (PUT /runners/{runner:instance}) | message: GitLab "403 Forbidden", mock (none)`,
		"read the instance runner (GET /runners/{runner:instance}) | value of paused: GitLab false, mock true",
		"list with a paused filter, after the update (GET /runners/all?tag_list={tag}&paused=true) | length of the answer: GitLab 0, mock 1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

func TestCompareCannotRun(t *testing.T) {
	var stdout, stderr bytes.Buffer
	env := func(map[string]string) func(string) string { return func(string) string { return "" } }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "flag --against URL is required"},
		{[]string{"--against", "http://127.0.0.1:1"}, "set GITLAB_TOKEN (an administrator's token with the api scope)"},
		{[]string{"--against", "http://127.0.0.1:1", "--mock-version", "latest"}, `invalid value "latest" for flag --mock-version`},
		{[]string{"--against", "http://127.0.0.1:1", "extra"}, `unexpected argument "extra"`},
	} {
		stdout.Reset()
		stderr.Reset()
		if code := runCompare(t.Context(), tc.args, env(nil), &stdout, &stderr); code != compareCannotRun || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
	// A GitLab that does not answer: 2, saying so.
	stderr.Reset()
	code := runCompare(t.Context(), []string{"--against", "http://127.0.0.1:1"},
		func(k string) string { return map[string]string{"GITLAB_TOKEN": "glpat-x"}[k] }, &stdout, &stderr)
	if code != compareCannotRun || !strings.Contains(stderr.String(), "GET /version of http://127.0.0.1:1") {
		t.Errorf("an unreachable GitLab: exit %d, %q", code, stderr.String())
	}
}

// runnerCount is how many runners the GitLab process has.
// shiftIDs creates n instance runners and deletes them again.
func (g gitlabProcess) shiftIDs(t *testing.T, n int) {
	t.Helper()
	call := func(method, path, body string) map[string]any {
		req, _ := http.NewRequest(method, g.baseURL+"/api/v4"+path, strings.NewReader(body))
		req.Header.Set("PRIVATE-TOKEN", g.admin)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d", method, path, resp.StatusCode)
		}
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	for range n {
		r := call(http.MethodPost, "/user/runners", `{"runner_type":"instance_type"}`)
		call(http.MethodDelete, fmt.Sprintf("/runners/%v", r["id"]), "")
	}
}

func runnerCount(t *testing.T, g gitlabProcess) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, g.baseURL+"/api/v4/runners/all?per_page=100", nil)
	req.Header.Set("PRIVATE-TOKEN", g.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var runners []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&runners); err != nil {
		t.Fatal(err)
	}
	return len(runners)
}
