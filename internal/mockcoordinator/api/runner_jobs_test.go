package api

import (
	"net/http"
	"testing"
)

// TestListRunnerJobs pins GET /runners/:id/jobs, "List jobs processed by a
// runner" (doc/api/runners.md; lib/api/ci/runners.rb, with the permission of
// authenticate_list_runners_jobs! and app/finders/ci/runner_jobs_finder.rb).
// The mock's runners have processed no job — POST /jobs/request answers 204 —
// so GitLab's answer is an empty, paginated page.
func TestListRunnerJobs(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	prj, tok := e.projectRunner()
	grp, _ := e.groupRunner()
	inst, _ := e.instanceRunner()
	// The runner asks for work, and gets none.
	expect(t, e.call("POST", "/jobs/request", "", map[string]any{"token": tok, "system_id": "s_0123456789ab"}), http.StatusNoContent, "")

	path := "/runners/" + itoa(prj) + "/jobs"
	rec := e.call("GET", path, s.Project.MaintainerToken, nil)
	expect(t, rec, http.StatusOK, `[]`)
	for header, want := range map[string]string{
		"X-Page": "1", "X-Per-Page": "20", "X-Next-Page": "", "X-Prev-Page": "", "X-Total": "0", "X-Total-Pages": "1",
	} {
		if got := rec.Header().Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	if _, ok := rec.Header()["X-Total"]; !ok {
		t.Error("X-Total missing")
	}
	// Every filter GitLab declares, and pagination.
	rec = e.call("GET", path+"?status=running&order_by=id&sort=asc&page=2&per_page=5", s.Project.MaintainerToken, nil)
	expect(t, rec, http.StatusOK, `[]`)
	if rec.Header().Get("X-Page") != "2" || rec.Header().Get("X-Per-Page") != "5" || rec.Header().Get("X-Prev-Page") != "1" {
		t.Errorf("page 2 headers: %v", rec.Header())
	}
	// With system_id GitLab's paginator skips the count (without_count).
	rec = e.call("GET", path+"?system_id=s_0123456789ab", s.Project.MaintainerToken, nil)
	expect(t, rec, http.StatusOK, `[]`)
	if _, ok := rec.Header()["X-Total"]; ok {
		t.Errorf("X-Total sent with system_id: %v", rec.Header())
	}
	// A read: the read_api scope suffices (the group Owner's token).
	expect(t, e.call("GET", path, s.ReadAPIToken, nil), http.StatusOK, `[]`)

	for _, tc := range []struct {
		name, token, path string
		status            int
		want              string
	}{
		{"no token", "", path, 401, `{"message":"401 Unauthorized"}`},
		{"missing runner", s.AdminToken, "/runners/99999/jobs", 404, `{"message":"404 Runner Not Found"}`},
		{"bad status", s.AdminToken, path + "?status=busy", 400, `{"error":"status does not have a valid value"}`},
		{"bad order_by", s.AdminToken, path + "?order_by=created_at", 400, `{"error":"order_by does not have a valid value"}`},
		{"bad sort", s.AdminToken, path + "?sort=up", 400, `{"error":"sort does not have a valid value"}`},
		{"bad page", s.AdminToken, path + "?page=x", 400, `{"error":"page is invalid"}`},
		// read_builds: a group Maintainer may read a group runner, not its jobs.
		{"group maintainer", s.Group.MaintainerToken, "/runners/" + itoa(grp) + "/jobs", 403, `{"message":"403 Forbidden - No access granted"}`},
		{"group owner", s.Group.OwnerToken, "/runners/" + itoa(grp) + "/jobs", 200, `[]`},
		// Anyone may read an instance runner; only administrators its jobs.
		{"instance runner, non-administrator", s.NonAdminToken, "/runners/" + itoa(inst) + "/jobs", 403, `{"message":"403 Forbidden - No access granted"}`},
		{"instance runner, administrator", s.AdminToken, "/runners/" + itoa(inst) + "/jobs", 200, `[]`},
		{"stranger", s.NonAdminToken, path, 403, `{"message":"403 Forbidden - No access granted"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, e.call("GET", tc.path, tc.token, nil), tc.status, tc.want)
		})
	}
}

// TestJobExecutionStatus: runner list items, runner details and runner
// managers carry job_execution_status (lib/api/entities/ci/runner.rb and
// runner_manager.rb; "active" while a build runs on it, else "idle":
// lib/api/ci/helpers/runner_job_execution_status_helper.rb) from ≈18.5; the
// mock's runners never run a job, so it is "idle".
func TestJobExecutionStatus(t *testing.T) {
	for version, shown := range map[string]bool{"18.4.0-ee": false, "18.5.0-ee": true, "": true} {
		e := newTestEnv(t, version)
		id, tok := e.groupRunner()
		expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok, "system_id": "s_0123456789ab"}), 200, "")
		owner := e.seed.Group.OwnerToken
		entities := map[string]map[string]any{
			"list item": decodeList(t, e.call("GET", "/groups/"+itoa(e.seed.Group.ID)+"/runners", owner, nil))[0],
			"details":   decodeMap(t, e.call("GET", "/runners/"+itoa(id), owner, nil)),
			"manager":   decodeList(t, e.call("GET", "/runners/"+itoa(id)+"/managers", owner, nil))[0],
		}
		for name, entity := range entities {
			got, ok := entity["job_execution_status"]
			if ok != shown || (shown && got != "idle") {
				t.Errorf("%s %s: job_execution_status = %v (present %v), want shown %v as idle", version, name, got, ok, shown)
			}
		}
	}
}
