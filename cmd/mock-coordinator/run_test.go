package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestParseFlagsDefaultsAndFaults(t *testing.T) {
	cfg, err := parseFlags([]string{
		"--fault", "POST /user/runners=apply-then-502:times=3",
		"--fault", "*=429:retry-after=1s:probability=0.1",
		"--latency", "20ms", "--fault-seed", "7",
	}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.listen != "127.0.0.1:8080" || cfg.tls || cfg.printJSON || cfg.state != "" {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.latency != 20*time.Millisecond || !cfg.faultSeedSet || cfg.faultSeed != 7 {
		t.Errorf("latency/seed: %+v", cfg)
	}
	want := []mockcoordinator.Fault{
		{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 3},
		{Route: "*", Kind: mockcoordinator.FaultRateLimit, RetryAfter: time.Second, Probability: 0.1},
	}
	if len(cfg.faults) != len(want) || cfg.faults[0] != want[0] || cfg.faults[1] != want[1] {
		t.Errorf("faults = %+v, want %+v", cfg.faults, want)
	}
}

func TestParseFlagsErrorsNameFlagValueAndAllowed(t *testing.T) {
	cases := []struct {
		args   []string
		wantIn []string
	}{
		{[]string{"--fault", "POST /user/runners=boom"}, []string{"-fault", `POST /user/runners=boom`, "allowed"}},
		{[]string{"--fault", "POST /user/runners=500:times=0"}, []string{"-fault", `times="0"`, ">= 1"}},
		{[]string{"--fault", "PUT /nowhere=500"}, []string{"-fault", `"PUT /nowhere"`, "route"}},
		{[]string{"--client-certs", "maybe"}, []string{"-client-certs", `"maybe"`, "off, optional, required"}},
		{[]string{"--client-certs", "required"}, []string{"--client-certs needs --tls"}},
		{[]string{"--cert-dir", "/tmp/x"}, []string{"--cert-dir needs --tls"}},
		{[]string{"--latency", "-1s"}, []string{"--latency", ">= 0"}},
		{[]string{"--latency", "soon"}, []string{"-latency", `"soon"`}},
		{[]string{"--gitlab-version", "latest"}, []string{"--gitlab-version", `"latest"`, "MAJOR.MINOR.PATCH"}},
		{[]string{"--fault-seed", "x"}, []string{"-fault-seed", "whole number"}},
		{[]string{"extra"}, []string{`unexpected argument "extra"`}},
		{[]string{"--seed", "/nonexistent/seed.yaml"}, []string{"-seed", "/nonexistent/seed.yaml", "cannot read it"}},
		{[]string{"--print-json", "--print-env"}, []string{"--print-json", "--print-env", "choose one"}},
	}
	for _, tc := range cases {
		_, err := parseFlags(tc.args, &bytes.Buffer{})
		if err == nil {
			t.Errorf("parseFlags(%q): want an error", tc.args)
			continue
		}
		for _, w := range tc.wantIn {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("parseFlags(%q) error %q: want it to contain %q", tc.args, err, w)
			}
		}
	}
}

func TestRunUsageErrorsAndHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--fault", "x"}, &out, &errOut); code != exitUsage {
		t.Errorf("bad flag: exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut.String(), "-fault") || out.Len() != 0 {
		t.Errorf("bad flag: stdout %q stderr %q", out.String(), errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"--help"}, &out, &errOut); code != exitOK {
		t.Errorf("--help: exit %d, want 0", code)
	}
	if !strings.Contains(errOut.String(), "--fault syntax") || !strings.Contains(errOut.String(), "apply-then-drop") {
		t.Errorf("--help does not document the fault syntax:\n%s", errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"--listen", "0.0.0.0:0"}, &out, &errOut); code != exitError {
		t.Errorf("non-loopback listen: exit %d, want %d", code, exitError)
	}
	if !strings.Contains(errOut.String(), "--listen") || !strings.Contains(errOut.String(), "loopback") {
		t.Errorf("non-loopback listen: stderr %q", errOut.String())
	}
}

// started runs the command in the background and waits for its first stdout line.
type started struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	code   int
	stdout *syncBuffer
	stderr *syncBuffer
	line   string
}

func startRun(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{cancel: cancel, done: make(chan struct{}), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	go func() {
		defer close(s.done)
		s.code = run(ctx, args, s.stdout, s.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if out := s.stdout.String(); strings.Contains(out, "\n") {
			s.line = out[:strings.Index(out, "\n")]
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("run exited early with %d; stderr:\n%s", s.code, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no output within 10s; stderr:\n%s", s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *started) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case <-s.done:
		return s.code
	case <-time.After(10 * time.Second):
		t.Fatal("run did not exit within 10s of cancellation")
		return -1
	}
}

func TestRunPrintJSONServesAndExitsCleanly(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	s := startRun(t, "--listen", "127.0.0.1:0", "--print-json", "--state", state, "--gitlab-version", "17.4.1-ee")

	var info map[string]any
	if err := json.Unmarshal([]byte(s.line), &info); err != nil {
		t.Fatalf("first stdout line is not JSON: %v\n%s", err, s.line)
	}
	for _, key := range []string{"base_url", "api_url", "admin_token", "instance_registration_token", "group", "subgroup", "project", "projects", "gitlab_version", "state_file"} {
		if _, ok := info[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, s.line)
		}
	}
	if _, ok := info["ca_file"]; ok {
		t.Errorf("ca_file present without --tls: %s", s.line)
	}
	group, _ := info["group"].(map[string]any)
	for _, key := range []string{"id", "full_path", "registration_token", "owner_token", "maintainer_token"} {
		if v, ok := group[key]; !ok || v == "" {
			t.Errorf("group lacks %q: %v", key, group)
		}
	}
	// projects extends the line: the first is project, the second shares its group.
	projects, _ := info["projects"].([]any)
	if len(projects) != 2 || projects[0].(map[string]any)["path_with_namespace"] != "demo/platform/app" ||
		projects[1].(map[string]any)["path_with_namespace"] != "demo/platform/web" || projects[1].(map[string]any)["maintainer_token"] == "" {
		t.Errorf("projects: %v", info["projects"])
	}
	if _, ok := info["seed"]; ok {
		t.Errorf("seed key without --seed: %s", s.line)
	}
	base, admin := info["base_url"].(string), info["admin_token"].(string)
	if info["api_url"] != base+"/api/v4" || info["gitlab_version"] != "17.4.1-ee" {
		t.Errorf("api_url %v gitlab_version %v", info["api_url"], info["gitlab_version"])
	}

	req, _ := http.NewRequest("GET", base+"/api/v4/version", nil)
	req.Header.Set("PRIVATE-TOKEN", admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Version string }
	_ = json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if resp.StatusCode != 200 || v.Version != "17.4.1-ee" {
		t.Fatalf("GET /version with admin_token: %d %+v", resp.StatusCode, v)
	}
	// Create a runner so the state has something of ours.
	req, _ = http.NewRequest("POST", base+"/api/v4/user/runners", strings.NewReader(`{"runner_type":"instance_type","description":"from-run-test"}`))
	req.Header.Set("PRIVATE-TOKEN", admin)
	req.Header.Set("Content-Type", "application/json")
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create runner: %v %v", err, resp)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()

	if code := s.stop(t); code != exitOK {
		t.Fatalf("exit code %d after cancellation, want 0; stderr:\n%s", code, s.stderr.String())
	}
	if out := s.stdout.String(); out != s.line+"\n" {
		t.Errorf("stdout must be exactly one JSON line, got:\n%s", out)
	}
	b, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(b), "from-run-test") {
		t.Fatalf("state file after exit: err %v, holds the runner: %v", err, strings.Contains(string(b), "from-run-test"))
	}
	if strings.Contains(s.stderr.String(), admin) {
		t.Error("the request log on stderr contains the admin token")
	}
	if !strings.Contains(s.stderr.String(), "GET /api/v4/version -> 200") {
		t.Errorf("stderr has no request log line:\n%s", s.stderr.String())
	}
}

func TestRunTLSPrintsCAAndClientCert(t *testing.T) {
	s := startRun(t, "--listen", "127.0.0.1:0", "--print-json", "--tls", "--client-certs", "required", "--quiet")
	var info struct {
		BaseURL    string `json:"base_url"`
		CAFile     string `json:"ca_file"`
		ClientCert string `json:"client_cert"`
		ClientKey  string `json:"client_key"`
		AdminToken string `json:"admin_token"`
	}
	if err := json.Unmarshal([]byte(s.line), &info); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(info.BaseURL, "https://127.0.0.1:") || info.CAFile == "" || info.ClientCert == "" {
		t.Fatalf("TLS info: %+v", info)
	}
	caPEM, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	pair, err := tls.LoadX509KeyPair(info.ClientCert, info.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}}
	req, _ := http.NewRequest("GET", info.BaseURL+"/api/v4/version", nil)
	req.Header.Set("PRIVATE-TOKEN", info.AdminToken)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	c.CloseIdleConnections()
	if code := s.stop(t); code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, s.stderr.String())
	}
	if _, err := os.Stat(info.CAFile); !os.IsNotExist(err) {
		t.Errorf("temporary CA file %s not removed at exit", info.CAFile)
	}
	if s.stderr.String() != "" {
		t.Errorf("--quiet: stderr not empty:\n%s", s.stderr.String())
	}
}

func TestRunHumanSummary(t *testing.T) {
	s := startRun(t, "--listen", "127.0.0.1:0", "--quiet", "--fault", "GET /version=503:times=1")
	waitOutput(t, s.stdout, "Press Ctrl-C")
	out := s.stdout.String()
	for _, want := range []string{"listening on http://127.0.0.1:", "not secrets", "admin token:", "fault:      GET /version=503:times=1", `"demo/platform/app"`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if code := s.stop(t); code != exitOK {
		t.Fatalf("exit %d", code)
	}
}

// --seed FILE replaces the standard seed; the JSON line carries the
// organisation with its ids and tokens under "seed"; a bad file names its line.
func TestRunSeedFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "acme.yaml")
	if err := os.WriteFile(file, []byte(`gitlab_version: 17.4.1-ee
users:
  - username: ops
    admin: true
    tokens: [{token: glpat-ops-000000000000000}]
groups:
  - path: acme
projects:
  - path: acme/app
runners:
  - runner_type: project_type
    project: acme/app
    description: existing
`), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startRun(t, "--listen", "127.0.0.1:0", "--print-json", "--quiet", "--seed", file)
	var info struct {
		BaseURL       string         `json:"base_url"`
		GitLabVersion string         `json:"gitlab_version"`
		AdminToken    *string        `json:"admin_token"`
		Seed          map[string]any `json:"seed"`
	}
	if err := json.Unmarshal([]byte(s.line), &info); err != nil {
		t.Fatal(err)
	}
	runners, _ := info.Seed["runners"].([]any)
	if info.GitLabVersion != "17.4.1-ee" || info.AdminToken != nil || len(runners) != 1 ||
		runners[0].(map[string]any)["description"] != "existing" || runners[0].(map[string]any)["id"] != float64(1) {
		t.Fatalf("line: %s", s.line)
	}
	req, _ := http.NewRequest("GET", info.BaseURL+"/api/v4/runners/1", nil)
	req.Header.Set("PRIVATE-TOKEN", "glpat-ops-000000000000000")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET the seeded runner: %v %v", err, resp)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if code := s.stop(t); code != exitOK {
		t.Fatalf("exit %d", code)
	}

	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte("users:\n  - username: ops\n    role: admin\n"), 0o600)
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--seed", bad}, &bytes.Buffer{}, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), bad+`:3: unknown key "role" in a user; allowed: username, admin, tokens`) {
		t.Fatalf("bad seed: exit %d, stderr %s", code, stderr.String())
	}
}

func waitOutput(t *testing.T, b *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output lacks %q:\n%s", want, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// sourceEnv sources the --print-env output out with sh and returns the
// environment it leaves.
func sourceEnv(t *testing.T, out string) map[string]string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	file := filepath.Join(t.TempDir(), "mock.env")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := exec.Command(sh, "-c", `. "$1" && env`, "sh", file).Output()
	if err != nil {
		t.Fatalf("sourcing the output failed: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(string(env), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	return got
}

// TestWriteEnvInfoCustomSeed: with an organisation from --seed FILE there
// is no standard seed; GITLAB_TOKEN is the first token the file lists and
// every field of the JSON line (under "seed") is exported too.
func TestWriteEnvInfoCustomSeed(t *testing.T) {
	info := startupInfo{BaseURL: "http://127.0.0.1:1234", APIURL: "http://127.0.0.1:1234/api/v4", GitLabVersion: "17.4.1-ee",
		SeedSpec: &store.SeedSpec{Users: []store.SeedUser{
			{Username: "viewer"},
			{Username: "alice", Tokens: []store.SeedAccessToken{{Token: "glpat-alice", Scopes: []string{"api"}}}},
		}}}
	var envOut bytes.Buffer
	if err := writeEnvInfo(&envOut, info); err != nil {
		t.Fatal(err)
	}
	got := sourceEnv(t, envOut.String())
	if got["GITLAB_TOKEN"] != "glpat-alice" || got["MOCK_SEED_USERS_1_TOKENS_0_TOKEN"] != "glpat-alice" {
		t.Errorf("GITLAB_TOKEN = %q, MOCK_SEED_USERS_1_TOKENS_0_TOKEN = %q, want glpat-alice", got["GITLAB_TOKEN"], got["MOCK_SEED_USERS_1_TOKENS_0_TOKEN"])
	}
}

// TestWriteEnvInfoMatchesTheJSON: the export lines carry every field of the
// --print-json line of the same info (a field added to the JSON appears in
// the shell form too), quoted so that a shell reads them back unchanged.
func TestWriteEnvInfoMatchesTheJSON(t *testing.T) {
	info := startupInfo{BaseURL: "http://127.0.0.1:1234", APIURL: "http://127.0.0.1:1234/api/v4", GitLabVersion: "18.6.0-ee",
		CAFile: "/tmp/it's a dir/ca.pem", Seed: &store.Seed{}}
	info.AdminToken, info.NonAdminToken = "glpat-admin", "glpat-$(nobody)"
	info.Group.ID, info.Group.FullPath, info.Group.OwnerToken = 1, "demo", "glpat-owner"
	info.Project.ID, info.Project.PathWithNamespace = 3, "demo/platform/app"

	var jsonOut, envOut bytes.Buffer
	if err := writeJSONInfo(&jsonOut, info); err != nil {
		t.Fatal(err)
	}
	if err := writeEnvInfo(&envOut, info); err != nil {
		t.Fatal(err)
	}
	got := sourceEnv(t, envOut.String())
	fields, err := flattenJSON(jsonOut.Bytes(), "MOCK")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if got[f.name] != f.value {
			t.Errorf("%s = %q, want %q (from the JSON line)", f.name, got[f.name], f.value)
		}
	}
	for k, want := range map[string]string{
		"GITLAB_BASE_URL": "http://127.0.0.1:1234", "GITLAB_TOKEN": "glpat-owner", "MOCK_GROUP_ID": "1",
		"MOCK_PROJECT_PATH_WITH_NAMESPACE": "demo/platform/app", "MOCK_CA_FILE": "/tmp/it's a dir/ca.pem",
		"MOCK_NON_ADMIN_TOKEN": "glpat-$(nobody)", "MOCK_PID": strconv.Itoa(os.Getpid()),
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if !strings.HasSuffix(envOut.String(), "\n# ready: stop it with kill $MOCK_PID\n") {
		t.Errorf("the output does not end with the ready line:\n%s", envOut.String())
	}
}

// TestRunPrintEnvServes: what --print-env prints works as it is: sourced,
// GITLAB_TOKEN is the group owner's (GitLab shows it the group's runners
// token) and MOCK_ADMIN_TOKEN the administrator's.
func TestRunPrintEnvServes(t *testing.T) {
	s := startRun(t, "--listen", "127.0.0.1:0", "--print-env", "--quiet", "--gitlab-version", "17.4.1-ee")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.stdout.String(), "\n# ready") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	env := sourceEnv(t, s.stdout.String())
	get := func(path, token string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", env["GITLAB_BASE_URL"]+"/api/v4"+path, nil)
		req.Header.Set("PRIVATE-TOKEN", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	if code, g := get("/groups/"+env["MOCK_GROUP_ID"], env["GITLAB_TOKEN"]); code != 200 || g["full_path"] != env["MOCK_GROUP_FULL_PATH"] {
		t.Errorf("GET /groups/%s with GITLAB_TOKEN: %d %v", env["MOCK_GROUP_ID"], code, g)
	} else if _, ok := g["runners_token"]; !ok {
		t.Errorf("GITLAB_TOKEN is not the group owner's: no runners_token in %v", g)
	}
	if code, v := get("/version", env["MOCK_ADMIN_TOKEN"]); code != 200 || v["version"] != "17.4.1-ee" || env["MOCK_GITLAB_VERSION"] != "17.4.1-ee" {
		t.Errorf("GET /version: %d %v (MOCK_GITLAB_VERSION %q)", code, v, env["MOCK_GITLAB_VERSION"])
	}
	http.DefaultClient.CloseIdleConnections()
	if code := s.stop(t); code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, s.stderr.String())
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"": "''", "a b": "'a b'", "it's": `'it'\''s'`, "$HOME`x`": "'$HOME`x`'"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
