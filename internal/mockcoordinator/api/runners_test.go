package api

import (
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestGetRunnerErrorsAndPermissions(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	inst, _ := e.instanceRunner()
	grp, _ := e.groupRunner()
	prj, _ := e.projectRunner()
	cases := []struct {
		name   string
		token  string
		path   string
		status int
		want   string
	}{
		{"no token", "", "/runners/" + itoa(grp), 401, `{"message":"401 Unauthorized"}`},
		{"absent", s.AdminToken, "/runners/424242", 404, `{"message":"404 Runner Not Found"}`},
		{"bad id", s.AdminToken, "/runners/abc", 400, `{"error":"id is invalid"}`},
		{"instance readable by anyone", s.NonAdminToken, "/runners/" + itoa(inst), 200, ""},
		{"group runner by stranger", s.NonAdminToken, "/runners/" + itoa(grp), 403, `{"message":"403 Forbidden - No access granted"}`},
		{"group runner by developer", s.Group.DeveloperToken, "/runners/" + itoa(grp), 403, `{"message":"403 Forbidden - No access granted"}`},
		{"group runner by maintainer", s.Group.MaintainerToken, "/runners/" + itoa(grp), 200, ""},
		{"group runner by owner", s.Group.OwnerToken, "/runners/" + itoa(grp), 200, ""},
		{"project runner by project developer", s.Project.DeveloperToken, "/runners/" + itoa(prj), 403, `{"message":"403 Forbidden - No access granted"}`},
		{"project runner by project maintainer", s.Project.MaintainerToken, "/runners/" + itoa(prj), 200, ""},
		{"project runner by group owner", s.Group.OwnerToken, "/runners/" + itoa(prj), 200, ""},
		{"read_api may GET", s.ReadAPIToken, "/runners/" + itoa(grp), 200, ""},
		{"read_api may list managers", s.ReadAPIToken, "/runners/" + itoa(grp) + "/managers", 200, `[]`},
		{"managers absent", s.AdminToken, "/runners/424242/managers", 404, `{"message":"404 Runner Not Found"}`},
		{"managers no access", s.NonAdminToken, "/runners/" + itoa(grp) + "/managers", 403, `{"message":"403 Forbidden - No access granted"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, e.call("GET", tc.path, tc.token, nil), tc.status, tc.want)
		})
	}
}

func TestUpdateRunner(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	id, _ := e.groupRunner("tag_list", []string{"a"}, "maximum_timeout", 3600)
	path := "/runners/" + itoa(id)

	rec := e.call("PUT", path, s.Group.OwnerToken, map[string]any{"description": "new", "paused": true, "tag_list": "x,y",
		"run_untagged": false, "locked": true, "access_level": "ref_protected", "maintenance_note": "m"})
	expect(t, rec, 200, "")
	d := decodeMap(t, rec)
	if d["description"] != "new" || d["paused"] != true || d["locked"] != true || d["run_untagged"] != false ||
		d["access_level"] != "ref_protected" || d["maintenance_note"] != "m" || d["maximum_timeout"] != float64(3600) {
		t.Fatalf("PUT answer: %s", rec.Body.String())
	}
	// maximum_timeout: null clears the timeout
	rec = e.call("PUT", path, s.Group.OwnerToken, `{"maximum_timeout": null}`)
	expect(t, rec, 200, "")
	if v, ok := decodeMap(t, rec)["maximum_timeout"]; !ok || v != nil {
		t.Fatalf("maximum_timeout not cleared: %s", rec.Body.String())
	}
	if r, _ := e.st.Runner(id); r.MaximumTimeout != nil {
		t.Fatal("store still has a timeout")
	}
	// active (deprecated) maps to paused
	rec = e.call("PUT", path, s.Group.OwnerToken, map[string]any{"active": true})
	if decodeMap(t, rec)["paused"] != false {
		t.Fatalf("active=true did not unpause: %s", rec.Body.String())
	}
	// form-encoded PUT, empty tag list clears tags (run_untagged must be true first)
	expect(t, e.call("PUT", path, s.Group.OwnerToken, form{"run_untagged": {"true"}, "tag_list": {""}}), 200, "")
	if r, _ := e.st.Runner(id); len(r.TagList) != 0 || !r.RunUntagged {
		t.Fatalf("tags not cleared: %+v", r)
	}

	cases := []struct {
		name   string
		token  string
		path   string
		body   any
		status int
		want   string
	}{
		{"no token", "", path, map[string]any{"description": "x"}, 401, `{"message":"401 Unauthorized"}`},
		{"read_api scope", s.ReadAPIToken, path, map[string]any{"description": "x"}, 403,
			`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api manage_runner"}`},
		{"no params", s.Group.OwnerToken, path, map[string]any{}, 400,
			`{"error":"description, active, paused, tag_list, run_untagged, locked, access_level, maximum_timeout, maintenance_note are missing, at least one parameter must be provided"}`},
		{"active and paused", s.Group.OwnerToken, path, map[string]any{"active": true, "paused": true}, 400, `{"error":"active, paused are mutually exclusive"}`},
		{"bad access_level", s.Group.OwnerToken, path, map[string]any{"access_level": "x"}, 400, `{"error":"access_level does not have a valid value"}`},
		{"absent", s.Group.OwnerToken, "/runners/99999", map[string]any{"description": "x"}, 404, `{"message":"404 Runner Not Found"}`},
		{"maintainer cannot update group runner", s.Group.MaintainerToken, path, map[string]any{"description": "x"}, 403, `{"message":"403 Forbidden - No access granted"}`},
		{"stranger", s.NonAdminToken, path, map[string]any{"description": "x"}, 403, `{"message":"403 Forbidden - No access granted"}`},
		{"short timeout", s.Group.OwnerToken, path, map[string]any{"maximum_timeout": 60}, 400, `{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`},
		{"untagged without tags", s.Group.OwnerToken, path, map[string]any{"run_untagged": false}, 400,
			`{"message":{"tags_list":["can not be empty when runner is not allowed to pick untagged jobs"]}}`},
		{"long description", s.Group.OwnerToken, path, map[string]any{"description": strings.Repeat("é", 1025)}, 400,
			`{"message":{"description":["is too long (maximum is 1024 characters)"]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.st.Runner(id)
			expect(t, e.call("PUT", tc.path, tc.token, tc.body), tc.status, tc.want)
			after, _ := e.st.Runner(id)
			if before.Description != after.Description || before.RunUntagged != after.RunUntagged || (before.MaximumTimeout == nil) != (after.MaximumTimeout == nil) {
				t.Fatal("a failed update changed the runner")
			}
		})
	}
	// manage_runner scope suffices; subgroup owners inherit
	tok := e.st.CreatePersonalAccessToken(e.st.CreateUser("mgr", true), store.ScopeManageRunner)
	expect(t, e.call("PUT", path, tok, map[string]any{"description": "via manage_runner"}), 200, "")
}

func TestUpdateInstanceRunnerAdminOnly(t *testing.T) {
	e := newTestEnv(t, "")
	id, _ := e.instanceRunner()
	expect(t, e.call("PUT", "/runners/"+itoa(id), e.seed.Group.OwnerToken, map[string]any{"paused": true}), 403, `{"message":"403 Forbidden - No access granted"}`)
	expect(t, e.call("PUT", "/runners/"+itoa(id), e.seed.AdminToken, map[string]any{"paused": true}), 200, "")
}

func TestDeleteRunner(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	grp, tok := e.groupRunner()
	prj, _ := e.projectRunner()
	expect(t, e.call("DELETE", "/runners/"+itoa(grp), s.Group.MaintainerToken, nil), 403, `{"message":"403 Forbidden - No access granted"}`)
	expect(t, e.call("DELETE", "/runners/424242", s.AdminToken, nil), 404, `{"message":"404 Runner Not Found"}`)
	rec := e.call("DELETE", "/runners/"+itoa(grp), s.Group.OwnerToken, nil)
	expect(t, rec, 204, "")
	if rec.Body.Len() != 0 {
		t.Fatalf("204 with a body: %q", rec.Body.String())
	}
	if _, ok := e.st.Runner(grp); ok {
		t.Fatal("runner still stored")
	}
	// its token is dead
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok}), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("DELETE", "/runners/"+itoa(grp), s.Group.OwnerToken, nil), 404, `{"message":"404 Runner Not Found"}`)

	// a project runner assigned to two projects: non-admins refused
	other := e.st.CreateProject("other", s.Subgroup.ID)
	if err := e.st.UpdateRunner(prj, func(r *store.RunnerRecord) { r.ProjectIDs = append(r.ProjectIDs, other) }); err != nil {
		t.Fatal(err)
	}
	expect(t, e.call("DELETE", "/runners/"+itoa(prj), s.Project.MaintainerToken, nil), 403, `{"message":"403 Forbidden - Runner associated with more than one project"}`)
	expect(t, e.call("DELETE", "/runners/"+itoa(prj), s.AdminToken, nil), 204, "")
}

func TestResetRunnerTokenByUser(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	id, old := e.projectRunner()
	path := "/runners/" + itoa(id) + "/reset_authentication_token"
	expect(t, e.call("POST", path, s.Project.DeveloperToken, nil), 403, `{"message":"403 Forbidden - No access granted"}`)
	expect(t, e.call("POST", "/runners/424242/reset_authentication_token", s.AdminToken, nil), 404, `{"message":"404 Runner Not Found"}`)
	rec := e.call("POST", path, s.Project.MaintainerToken, nil)
	expect(t, rec, 201, "")
	m := decodeMap(t, rec)
	nt, _ := m["token"].(string)
	if !strings.HasPrefix(nt, "glrt-t3_") || nt == old {
		t.Fatalf("new token %q (old %q)", nt, old)
	}
	if _, has := m["token_expires_at"]; !has {
		t.Fatal("token_expires_at missing")
	}
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": old}), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": nt}), 200, "")
}
