package api

import (
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// TestAssignRunner pins POST /projects/:id/runners to GitLab's answers
// (lib/api/ci/runners.rb and its request spec).
func TestAssignRunner(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	app, web := s.Projects[0], s.Projects[1]
	prj, _ := e.projectRunner()
	locked, _ := e.projectRunner("locked", true)
	grp, _ := e.groupRunner()
	inst, _ := e.instanceRunner()
	webPath := "/projects/" + itoa(web.ID) + "/runners"

	cases := []struct {
		name, token, path string
		body              any
		status            int
		want              string
	}{
		{"no token", "", webPath, map[string]any{"runner_id": prj}, 401, `{"message":"401 Unauthorized"}`},
		{"runner_id missing", s.AdminToken, webPath, map[string]any{}, 400, `{"error":"runner_id is missing"}`},
		{"runner_id not a number", s.AdminToken, webPath, map[string]any{"runner_id": "x"}, 400, `{"error":"runner_id is invalid"}`},
		{"unknown project", s.AdminToken, "/projects/999/runners", map[string]any{"runner_id": prj}, 404, `{"message":"404 Project Not Found"}`},
		{"stranger: project invisible", s.NonAdminToken, webPath, map[string]any{"runner_id": prj}, 404, `{"message":"404 Project Not Found"}`},
		{"developer of the target", web.DeveloperToken, webPath, map[string]any{"runner_id": prj}, 403, `{"message":"403 Forbidden"}`},
		{"unknown runner", s.AdminToken, webPath, map[string]any{"runner_id": 4242}, 404, `{"message":"404 Runner Not Found"}`},
		{"group runner, even for an admin", s.AdminToken, webPath, map[string]any{"runner_id": grp}, 403, `{"message":"403 Forbidden - Runner is a group runner"}`},
		{"instance runner, non-admin", s.Group.MaintainerToken, webPath, map[string]any{"runner_id": inst}, 403, `{"message":"403 Forbidden - No access granted"}`},
		{"instance runner, admin (≈ ArgumentError)", s.AdminToken, webPath, map[string]any{"runner_id": inst}, 500, `{"message":"500 Internal Server Error"}`},
		{"locked runner, non-admin", s.Group.MaintainerToken, webPath, map[string]any{"runner_id": locked}, 403, `{"message":"403 Forbidden - Runner is locked"}`},
		{"maintainer of the target only", web.MaintainerToken, webPath, map[string]any{"runner_id": prj}, 403, `{"message":"403 Forbidden - No access granted"}`},
		{"already assigned to its owner project", s.AdminToken, "/projects/" + itoa(app.ID) + "/runners", map[string]any{"runner_id": prj}, 400,
			`{"message":"Assign to Validation failed: Runner projects runner has already been taken - runner_error"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, e.call("POST", tc.path, tc.token, tc.body), tc.status, tc.want)
		})
	}
	if r, _ := e.st.Runner(prj); len(r.ProjectIDs) != 1 {
		t.Fatalf("a refused assignment changed the runner: %v", r.ProjectIDs)
	}

	// A Maintainer of both projects assigns; the runner answers as a list item.
	rec := e.call("POST", webPath, s.Group.MaintainerToken, map[string]any{"runner_id": prj})
	expect(t, rec, 201, "")
	m := decodeMap(t, rec)
	if m["id"] != float64(prj) || m["runner_type"] != "project_type" || m["ip_address"] != nil {
		t.Fatalf("assign answer: %v", m)
	}
	if _, has := m["projects"]; has {
		t.Fatalf("the answer is the list entity, without projects: %v", m)
	}
	d := decodeMap(t, e.call("GET", "/runners/"+itoa(prj), s.AdminToken, nil))
	if ps := d["projects"].([]any); len(ps) != 2 || ps[0].(map[string]any)["id"] != float64(app.ID) || ps[1].(map[string]any)["id"] != float64(web.ID) {
		t.Fatalf("projects after assign: %v", d["projects"])
	}
	// The second project lists it; its own maintainer may read it now.
	if !listsRunner(decodeList(t, e.call("GET", webPath+"?type=project_type", web.MaintainerToken, nil)), prj) {
		t.Fatal("web's runners do not list the assigned runner")
	}
	expect(t, e.call("POST", webPath, s.Group.MaintainerToken, map[string]any{"runner_id": prj}), 400,
		`{"message":"Assign to Validation failed: Runner projects runner has already been taken - runner_error"}`)
	// A form-encoded runner_id works too.
	other, _ := e.projectRunner()
	expect(t, e.call("POST", webPath, s.AdminToken, form{"runner_id": {itoa(other)}}), 201, "")
}

// TestAssignRunnerNeedsProjectRegistrar: without "project" in
// valid_runner_registrars non-administrators may not add runners to a
// project (create_runners), administrators may.
func TestAssignRunnerNeedsProjectRegistrar(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	prj, _ := e.projectRunner()
	e.st.UpdateSettings(func(st *store.Settings) { st.ValidRunnerRegistrars = []string{"group"} })
	path := "/projects/" + itoa(s.Projects[1].ID) + "/runners"
	expect(t, e.call("POST", path, s.Group.MaintainerToken, map[string]any{"runner_id": prj}), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("POST", path, s.AdminToken, map[string]any{"runner_id": prj}), 201, "")
}

// TestUnassignRunner pins DELETE /projects/:id/runners/:runner_id.
func TestUnassignRunner(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	app, web := s.Projects[0], s.Projects[1]
	prj, _ := e.projectRunner()
	expect(t, e.call("POST", "/projects/"+itoa(web.ID)+"/runners", s.AdminToken, map[string]any{"runner_id": prj}), 201, "")
	webPath := "/projects/" + itoa(web.ID) + "/runners/" + itoa(prj)
	appPath := "/projects/" + itoa(app.ID) + "/runners/" + itoa(prj)

	expect(t, e.call("DELETE", webPath, web.DeveloperToken, nil), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("DELETE", "/projects/"+itoa(web.ID)+"/runners/4242", s.AdminToken, nil), 404, `{"message":"404 Runner Not Found"}`)
	expect(t, e.call("DELETE", appPath, s.AdminToken, nil), 403,
		`{"message":"403 Forbidden - You cannot unassign a runner from the owner project. Delete the runner instead"}`)
	_ = e.st.UpdateRunner(prj, func(r *store.RunnerRecord) { r.Locked = true })
	expect(t, e.call("DELETE", webPath, s.Group.MaintainerToken, nil), 403, `{"message":"403 Forbidden - Runner is locked"}`)
	_ = e.st.UpdateRunner(prj, func(r *store.RunnerRecord) { r.Locked = false })

	expect(t, e.call("DELETE", webPath, s.Group.MaintainerToken, nil), 204, "")
	if r, _ := e.st.Runner(prj); len(r.ProjectIDs) != 1 || r.ProjectIDs[0] != app.ID {
		t.Fatalf("projects after unassign: %v", r.ProjectIDs)
	}
	if listsRunner(decodeList(t, e.call("GET", "/projects/"+itoa(web.ID)+"/runners", s.AdminToken, nil)), prj) {
		t.Fatal("web still lists the runner")
	}
	// Not assigned any more: 404, as GitLab looks it up among the project's runners.
	expect(t, e.call("DELETE", webPath, s.Group.MaintainerToken, nil), 404, `{"message":"404 Runner Not Found"}`)
	if got := MatchRoute("DELETE", "/api/v4/projects/2/runners/7"); got != "DELETE /projects/:id/runners/:runner_id" {
		t.Fatalf("route = %q", got)
	}
}

func listsRunner(l []map[string]any, id int64) bool {
	for _, r := range l {
		if r["id"] == float64(id) {
			return true
		}
	}
	return false
}

// TestUnassignOwnerProjectByNonAdministrator: from ≈18.2,
// authenticate_disable_runner! (lib/api/ci/runners.rb) asks
// Ci::RunnerProjectPolicy, whose `rule { assigned_to_owner_project }.prevent
// :unassign_runner` (app/policies/ci/runner_project_policy.rb) answers a
// non-administrator "No access granted" before the service's message, which
// administrators still get (they skip the policy check).
func TestUnassignOwnerProjectByNonAdministrator(t *testing.T) {
	for _, tc := range []struct{ version, want string }{
		{"", `{"message":"403 Forbidden - No access granted"}`},
		{"18.2.0", `{"message":"403 Forbidden - No access granted"}`},
		{"18.1.0", `{"message":"403 Forbidden - You cannot unassign a runner from the owner project. Delete the runner instead"}`},
	} {
		e := newTestEnv(t, tc.version)
		prj, _ := e.projectRunner()
		ownerPath := "/projects/" + itoa(e.seed.Project.ID) + "/runners/" + itoa(prj)
		expect(t, e.call("DELETE", ownerPath, e.seed.Project.MaintainerToken, nil), 403, tc.want)
		expect(t, e.call("DELETE", ownerPath, e.seed.AdminToken, nil), 403,
			`{"message":"403 Forbidden - You cannot unassign a runner from the owner project. Delete the runner instead"}`)
		// A locked runner is refused as locked first, on every version.
		_ = e.st.UpdateRunner(prj, func(r *store.RunnerRecord) { r.Locked = true })
		expect(t, e.call("DELETE", ownerPath, e.seed.Project.MaintainerToken, nil), 403, `{"message":"403 Forbidden - Runner is locked"}`)
	}
}
