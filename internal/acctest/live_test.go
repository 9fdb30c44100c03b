package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
)

// liveAgainstMock is a live-mode GitLab whose GitLab is an in-process mock
// server, as `make testacc-live` against a mock-coordinator process.
func liveAgainstMock(t *testing.T, opts ...MockOption) (*GitLab, *Mock) {
	t.Helper()
	m := startMock(t, newMockConfig(nil))
	settings := &LiveSettings{BaseURL: m.URL(), Token: m.Seed.AdminToken, GroupID: m.Seed.Group.ID,
		ProjectIDs: []int64{m.Seed.Projects[0].ID, m.Seed.Projects[1].ID}, NonAdminToken: m.Seed.NonAdminToken}
	return startLive(t, settings, newMockConfig(opts)), m
}

// post sends a JSON request through the front, as the provider does.
func post(t *testing.T, g *GitLab, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	payload, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, g.APIURL()+path, bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PRIVATE-TOKEN", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// guarded runs f with a test whose errors are recorded, not reported: the
// front fails the test of a request it refuses.
type recordingT struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingT) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestFrontRefusesWhatCarriesNoPrefix(t *testing.T) {
	g, m := liveAgainstMock(t)
	rec := &recordingT{TB: t}
	g.front.t = rec
	admin := m.Seed.AdminToken

	status, body := post(t, g, http.MethodPost, "/user/runners", admin, map[string]any{"runner_type": "instance_type", "description": "no prefix"})
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), "does not start with the test's prefix") {
		t.Errorf("create without the prefix: %d %v", status, body)
	}
	status, body = post(t, g, http.MethodPost, "/user/runners", admin, map[string]any{"runner_type": "instance_type", "description": g.Name("ok")})
	if status != http.StatusCreated {
		t.Fatalf("create with the prefix: %d %v", status, body)
	}
	id := int64(body["id"].(float64))
	if status, _ := post(t, g, http.MethodPut, fmt.Sprintf("/runners/%d", id), admin, map[string]any{"description": "renamed"}); status != http.StatusBadRequest {
		t.Errorf("a rename dropping the prefix: %d, want 400", status)
	}
	if status, _ := post(t, g, http.MethodPut, fmt.Sprintf("/runners/%d", id), admin, map[string]any{"paused": true}); status != http.StatusOK {
		t.Errorf("an update leaving the description: %d, want 200", status)
	}
	if status, _ := post(t, g, http.MethodPut, "/application/settings", admin, map[string]any{"allow_runner_registration_token": true}); status != http.StatusBadRequest {
		t.Errorf("a settings change without WithSettingsChanges: %d, want 400", status)
	}
	if len(rec.errors) != 3 || !strings.Contains(strings.Join(rec.errors, "\n"), "WithSettingsChanges") {
		t.Errorf("the front failed the test %d times: %q; want 3", len(rec.errors), rec.errors)
	}
	if r, _ := m.Runner(id); !r.Paused || r.Description != g.Name("ok") {
		t.Errorf("runner in the mock: %+v", r)
	}
	if n := len(m.Store().RunnerIDs()); n != 1 {
		t.Errorf("the mock has %d runners, want 1 (the refused create reached it)", n)
	}
}

func TestFrontFaultsAndStats(t *testing.T) {
	g, m := liveAgainstMock(t)
	g.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1})
	status, _ := post(t, g, http.MethodPost, "/user/runners", m.Seed.AdminToken, map[string]any{"runner_type": "instance_type", "description": g.Name("a")})
	if status != http.StatusBadGateway {
		t.Errorf("the faulted create answered %d, want 502", status)
	}
	if ids := g.RunnerIDs(t); len(ids) != 1 {
		t.Errorf("apply-then-502: the runner was created in GitLab %d times, want once", len(ids))
	}
	g.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: mockcoordinator.FaultStatus, Status: 500, Times: 1})
	if status, _ := post(t, g, http.MethodPost, "/user/runners", m.Seed.AdminToken, map[string]any{"runner_type": "instance_type", "description": g.Name("b")}); status != 500 {
		t.Errorf("the failed create answered %d, want 500", status)
	}
	if ids := g.RunnerIDs(t); len(ids) != 1 {
		t.Errorf("a 500 before GitLab: %d runners, want still 1", len(ids))
	}
	if n, f := g.Stats().Requests("POST /user/runners"), g.Faults().Injected(); n != 2 || f != 2 {
		t.Errorf("the front counted %d creates and %d faults, want 2 and 2", n, f)
	}
	// The checks' own requests are not counted.
	if n := g.Stats().TotalRequests(); n != 2 {
		t.Errorf("%d requests counted, want the 2 creates: %v", n, g.Stats().RequestsByRoute())
	}
}

func TestLiveCleanupSweepsTheTestsPrefix(t *testing.T) {
	m := StartMock(t)
	settings := &LiveSettings{BaseURL: m.URL(), Token: m.Seed.AdminToken}
	var other int64
	t.Run("a live test", func(t *testing.T) {
		g := startLive(t, settings, newMockConfig(nil))
		g.CreateRunner(t, "", map[string]any{"runner_type": "instance_type", "description": g.Name("left")})
		// A runner of another run survives the test's cleanup.
		other, _ = m.gitlab().CreateRunner(t, "", map[string]any{"runner_type": "instance_type", "description": LivePrefix + "99999999-001-x"})
	})
	ids := m.Store().RunnerIDs()
	if len(ids) != 1 || ids[0] != other {
		t.Errorf("after the test's cleanup the mock has %v, want only the other run's %d", ids, other)
	}
}

func TestLiveSettingsRestored(t *testing.T) {
	m := StartMock(t)
	settings := &LiveSettings{BaseURL: m.URL(), Token: m.Seed.AdminToken, GroupID: m.Seed.Group.ID}
	before := m.Store().Settings()
	t.Run("a test that changes settings", func(t *testing.T) {
		g := startLive(t, settings, newMockConfig([]MockOption{WithSettingsChanges()}))
		g.UpdateInstanceSettings(t, map[string]any{"group_runner_token_expiration_interval": 3600, "valid_runner_registrars": []string{"group"}})
		if s := m.Store().Settings(); s.GroupRunnerTokenExpirationInterval == nil || len(s.ValidRunnerRegistrars) != 1 {
			t.Fatalf("the change did not happen: %+v", s)
		}
	})
	after := m.Store().Settings()
	if fmt.Sprint(after.GroupRunnerTokenExpirationInterval) != fmt.Sprint(before.GroupRunnerTokenExpirationInterval) ||
		fmt.Sprint(after.ValidRunnerRegistrars) != fmt.Sprint(before.ValidRunnerRegistrars) {
		t.Errorf("settings after the test %+v, want them as before %+v", after, before)
	}
}

// TestLiveLock: a test that changes settings waits for the others, and the
// others wait for it.
func TestLiveLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	shared1, err := lockFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	shared2, err := lockFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{})
	go func() {
		unlock, err := lockFile(path, true)
		if err == nil {
			close(got)
			unlock()
		}
	}()
	select {
	case <-got:
		t.Fatal("the exclusive lock was given while two shared ones were held")
	case <-time.After(200 * time.Millisecond):
	}
	shared1()
	shared2()
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the exclusive lock was not given once the shared ones were released")
	}
}

func TestSweep(t *testing.T) {
	m := StartMock(t)
	g := m.gitlab()
	run := LivePrefix + "1a2b3c4d-"
	create := func(params map[string]any) int64 {
		id, _ := g.CreateRunner(t, "", params)
		return id
	}
	app, web := m.Seed.Projects[0].ID, m.Seed.Projects[1].ID
	marked := []int64{
		create(map[string]any{"runner_type": "instance_type", "description": run + "001-a"}),
		create(map[string]any{"runner_type": "group_type", "group_id": m.Seed.Group.ID, "description": LivePrefix + "ffffffff-b"}),
		create(map[string]any{"runner_type": "project_type", "project_id": app, "description": run + "002-c"}),
	}
	g.AssignRunner(t, "", web, marked[2])
	kept := map[int64]string{}
	for _, d := range []string{"", "production", "my " + run + "001-a", LivePrefix + "no-run-id", " " + run + "x", strings.ToUpper(run) + "y"} {
		kept[create(map[string]any{"runner_type": "instance_type", "description": d})] = d
	}
	opts := SweepOptions{BaseURL: m.URL(), Token: m.Seed.AdminToken, Prefix: LivePrefix}

	for _, bad := range []string{"", "gitlabrunner-", "production"} {
		o := opts
		o.Prefix = bad
		if _, err := Sweep(context.Background(), o); err == nil {
			t.Errorf("a sweep with the prefix %q ran", bad)
		}
	}
	dry := opts
	dry.DryRun = true
	rep, err := Sweep(context.Background(), dry)
	if err != nil || len(rep.Deleted) != 3 || len(m.Store().RunnerIDs()) != 3+len(kept) {
		t.Fatalf("dry run: %+v, %v; the mock has %d runners", rep, err, len(m.Store().RunnerIDs()))
	}
	var log strings.Builder
	opts.Log = &log
	rep, err = Sweep(context.Background(), opts)
	if err != nil || len(rep.Failures) != 0 {
		t.Fatalf("sweep: %+v, %v", rep, err)
	}
	for _, id := range marked {
		if _, ok := m.Runner(id); ok {
			t.Errorf("marked runner %d survived", id)
		}
	}
	for id, d := range kept {
		if _, ok := m.Runner(id); !ok {
			t.Errorf("runner %d (%q), without the mark at its start, was deleted", id, d)
		}
	}
	for _, want := range []string{fmt.Sprintf("deleted runner %d (instance_type", marked[0]),
		fmt.Sprintf("deleted the assignment of runner %d to project %d", marked[2], web)} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the sweep's log lacks %q:\n%s", want, log.String())
		}
	}
	if !strings.Contains(rep.NoControllers, "404") {
		t.Errorf("controllers: %q, want the 404 of a server without them", rep.NoControllers)
	}
}

// TestSweepControllers: marked runner controllers go with their tokens; a
// marked token of another controller is revoked; the rest stays.
func TestSweepControllers(t *testing.T) {
	m := StartMock(t, WithVersion("18.10.0-ee")) // runner controllers: EE 18.9+
	c := m.gitlab().rest
	ctx := context.Background()
	run := LivePrefix + "1a2b3c4d-"
	controller := func(description string) int64 {
		var out struct{ ID json.Number }
		if err := c.call(ctx, http.MethodPost, "/runner_controllers", map[string]any{"description": description}, &out); err != nil {
			t.Fatal(err)
		}
		id, _ := out.ID.Int64()
		return id
	}
	token := func(ctl int64, description string) int64 {
		var out struct{ ID json.Number }
		if err := c.call(ctx, http.MethodPost, fmt.Sprintf("/runner_controllers/%d/tokens", ctl), map[string]any{"description": description}, &out); err != nil {
			t.Fatal(err)
		}
		id, _ := out.ID.Int64()
		return id
	}
	marked := controller(run + "001-gate")
	token(marked, "any description")
	kept := controller("production gate")
	keptToken := token(kept, "production")
	markedToken := token(kept, run+"001-token")

	var log strings.Builder
	rep, err := Sweep(ctx, SweepOptions{BaseURL: m.URL(), Token: m.Seed.AdminToken, Prefix: LivePrefix, Log: &log})
	if err != nil || len(rep.Failures) != 0 || rep.NoControllers != "" {
		t.Fatalf("sweep: %+v, %v", rep, err)
	}
	exists := func(path string) bool {
		_, err := c.object(ctx, path)
		return err == nil
	}
	if exists(fmt.Sprintf("/runner_controllers/%d", marked)) {
		t.Errorf("the marked controller survived:\n%s", log.String())
	}
	if !exists(fmt.Sprintf("/runner_controllers/%d", kept)) || !exists(fmt.Sprintf("/runner_controllers/%d/tokens/%d", kept, keptToken)) {
		t.Errorf("the unmarked controller or its unmarked token was deleted:\n%s", log.String())
	}
	if exists(fmt.Sprintf("/runner_controllers/%d/tokens/%d", kept, markedToken)) {
		t.Errorf("the marked token of an unmarked controller survived:\n%s", log.String())
	}
	if want := fmt.Sprintf("deleted runner controller %d (%q)", marked, run+"001-gate"); !strings.Contains(log.String(), want) {
		t.Errorf("the log lacks %q:\n%s", want, log.String())
	}
}

// TestRunnersSurvivesAShiftingList: someone deletes a runner on a page
// already read; the next page starts one runner later. A listing that
// trusted one pass would miss a runner nobody touched.
func TestRunnersSurvivesAShiftingList(t *testing.T) {
	var mu sync.Mutex
	ids := make([]int64, 0, 250)
	for id := int64(1); id <= 250; id++ {
		ids = append(ids, id)
	}
	shifted := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var id int64
		if _, err := fmt.Sscanf(r.URL.Path, "/api/v4/runners/%d", &id); err == nil {
			for _, x := range ids {
				if x == id {
					_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "description": fmt.Sprintf("ours %d", id), "runner_type": "instance_type"})
					return
				}
			}
			http.NotFound(w, r)
			return
		}
		if r.URL.Path != "/api/v4/runners/all" {
			http.NotFound(w, r)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		from, to := (page-1)*100, page*100
		if from > len(ids) {
			from = len(ids)
		}
		if to > len(ids) {
			to = len(ids)
		}
		var items []map[string]any
		for _, id := range ids[from:to] {
			desc := fmt.Sprintf("ours %d", id)
			if id == 50 {
				desc = "theirs"
			}
			items = append(items, map[string]any{"id": id, "description": desc, "runner_type": "instance_type"})
		}
		if to < len(ids) {
			w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
		}
		_ = json.NewEncoder(w).Encode(items)
		// After the first pass's first page, someone deletes runner 50
		// (not ours): runner 101 moves to page 1, which was read.
		if page == 1 && !shifted {
			shifted = true
			ids = append(ids[:49:49], ids[50:]...)
		}
	}))
	defer srv.Close()
	c := newRESTClient(srv.URL, "token", srv.Client())
	got, err := c.runners(context.Background(), 0, nil, func(r Runner) bool { return strings.HasPrefix(r.Description, "ours") })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 249 {
		t.Fatalf("listed %d runners, want 249 (every runner but 50)", len(got))
	}
	for i, r := range got {
		if r.ID == 50 || i > 0 && r.ID <= got[i-1].ID {
			t.Fatalf("runner %d at %d: not in id order or not ours", r.ID, i)
		}
	}
}
