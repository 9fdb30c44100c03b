package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestCreateUserRunnerDefaultsAndTokenFormat(t *testing.T) {
	e := newTestEnv(t, "")
	rec := e.call("POST", "/user/runners", e.seed.AdminToken, map[string]any{"runner_type": "instance_type"})
	expect(t, rec, http.StatusCreated, "")
	m := decodeMap(t, rec)
	tok, _ := m["token"].(string)
	if !regexp.MustCompile(`^glrt-t1_[A-Za-z0-9_-]{20}$`).MatchString(tok) {
		t.Fatalf("token %q is not glrt-t1_ + 20 URL-safe chars", tok)
	}
	if v, ok := m["token_expires_at"]; !ok || v != nil {
		t.Fatalf("token_expires_at = %v (present %v), want null", v, ok)
	}
	id := int64(m["id"].(float64))
	r, ok := e.st.Runner(id)
	if !ok {
		t.Fatal("runner not stored")
	}
	if r.Locked || !r.RunUntagged || r.Paused || r.AccessLevel != "not_protected" || r.MaximumTimeout != nil ||
		r.Description != "" || r.MaintenanceNote != "" || len(r.TagList) != 0 || r.RunnerType != "instance_type" {
		t.Fatalf("defaults wrong: %+v", r)
	}
	// GET never shows the token; maintenance_note null when unset.
	get := e.call("GET", "/runners/"+itoa(id), e.seed.AdminToken, nil)
	expect(t, get, http.StatusOK, "")
	if strings.Contains(get.Body.String(), tok) || strings.Contains(get.Body.String(), `"token"`) {
		t.Fatalf("GET leaks the token: %s", get.Body.String())
	}
	d := decodeMap(t, get)
	if d["maintenance_note"] != nil || d["maximum_timeout"] != nil || d["status"] != "never_contacted" || d["online"] != false {
		t.Fatalf("details: %v", d)
	}
	if d["created_at"] != "2025-03-01T12:00:00.000Z" {
		t.Fatalf("created_at = %v, want ISO-8601 UTC with milliseconds", d["created_at"])
	}

	// partition per type
	_, gt := e.groupRunner()
	_, pt := e.projectRunner()
	if !strings.HasPrefix(gt, "glrt-t2_") || !strings.HasPrefix(pt, "glrt-t3_") {
		t.Fatalf("group/project tokens %q %q lack t2_/t3_ partition", gt, pt)
	}
}

func TestCreateUserRunnerTokenFormatBefore175(t *testing.T) {
	e := newTestEnv(t, "17.4.1-ee")
	_, tok := e.instanceRunner()
	if !regexp.MustCompile(`^glrt-[A-Za-z0-9_-]{20}$`).MatchString(tok) {
		t.Fatalf("17.4 token %q, want glrt- + 20 chars", tok)
	}
}

func TestCreateUserRunnerAllAttributes(t *testing.T) {
	e := newTestEnv(t, "")
	id, _ := e.createRunner(e.seed.Group.OwnerToken, map[string]any{
		"runner_type": "group_type", "group_id": e.seed.Group.ID, "description": "d", "maintenance_note": "n",
		"paused": true, "locked": true, "run_untagged": false, "tag_list": []string{"a", "b", "a"},
		"access_level": "ref_protected", "maximum_timeout": 3600,
	})
	rec := e.call("GET", "/runners/"+itoa(id), e.seed.Group.OwnerToken, nil)
	d := decodeMap(t, rec)
	if d["description"] != "d" || d["maintenance_note"] != "n" || d["paused"] != true || d["active"] != false ||
		d["locked"] != true || d["run_untagged"] != false || d["access_level"] != "ref_protected" ||
		d["maximum_timeout"] != float64(3600) || d["runner_type"] != "group_type" || d["is_shared"] != false {
		t.Fatalf("details: %s", rec.Body.String())
	}
	tags := d["tag_list"].([]any)
	if len(tags) != 2 || tags[0] != "a" || tags[1] != "b" {
		t.Fatalf("tag_list = %v", tags)
	}
	groups := d["groups"].([]any)
	if len(groups) != 1 || groups[0].(map[string]any)["id"] != float64(e.seed.Group.ID) {
		t.Fatalf("groups = %v", groups)
	}
}

func TestCreateUserRunnerFormEncodedAndCSVTags(t *testing.T) {
	e := newTestEnv(t, "")
	rec := e.call("POST", "/user/runners", e.seed.AdminToken, form{
		"runner_type": {"instance_type"}, "tag_list": {"x, y"}, "run_untagged": {"false"}, "maximum_timeout": {"600"},
	})
	expect(t, rec, http.StatusCreated, "")
	r, _ := e.st.Runner(int64(decodeMap(t, rec)["id"].(float64)))
	if len(r.TagList) != 2 || r.TagList[0] != "x" || r.TagList[1] != "y" || r.RunUntagged || *r.MaximumTimeout != 600 {
		t.Fatalf("form create: %+v", r)
	}
	// query parameters and Bearer auth work too
	req := e.call("POST", "/user/runners?runner_type=instance_type&description=q", "", nil, "Authorization", "Bearer "+e.seed.AdminToken)
	expect(t, req, http.StatusCreated, "")
	r2, _ := e.st.Runner(int64(decodeMap(t, req)["id"].(float64)))
	if r2.Description != "q" {
		t.Fatalf("query param description not applied: %+v", r2)
	}
	// ?private_token=
	expect(t, e.call("POST", "/user/runners?runner_type=instance_type&private_token="+e.seed.AdminToken, "", nil), http.StatusCreated, "")
}

func TestCreateUserRunnerErrors(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	long := strings.Repeat("x", 1025)
	cases := []struct {
		name   string
		token  string
		body   any
		status int
		want   string
	}{
		{"no token", "", map[string]any{"runner_type": "instance_type"}, 401, `{"message":"401 Unauthorized"}`},
		{"unknown token", "glpat-nope", map[string]any{"runner_type": "instance_type"}, 401, `{"message":"401 Unauthorized"}`},
		{"read_api scope", s.ReadAPIToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID}, 403,
			`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api create_runner"}`},
		{"missing runner_type", s.AdminToken, map[string]any{}, 400, `{"error":"runner_type is missing, runner_type does not have a valid value"}`},
		{"bad runner_type", s.AdminToken, map[string]any{"runner_type": "shared"}, 400, `{"error":"runner_type does not have a valid value"}`},
		{"group_id missing", s.AdminToken, map[string]any{"runner_type": "group_type"}, 400, `{"error":"group_id is missing"}`},
		{"project_id missing", s.AdminToken, map[string]any{"runner_type": "project_type"}, 400, `{"error":"project_id is missing"}`},
		{"group_id invalid", s.AdminToken, map[string]any{"runner_type": "group_type", "group_id": "abc"}, 400, `{"error":"group_id is invalid"}`},
		{"bad access_level", s.AdminToken, map[string]any{"runner_type": "instance_type", "access_level": "protected"}, 400, `{"error":"access_level does not have a valid value"}`},
		{"bad paused", s.AdminToken, map[string]any{"runner_type": "instance_type", "paused": "maybe"}, 400, `{"error":"paused is invalid"}`},
		{"bad maximum_timeout", s.AdminToken, map[string]any{"runner_type": "instance_type", "maximum_timeout": "soon"}, 400, `{"error":"maximum_timeout is invalid"}`},
		{"unknown group", s.AdminToken, map[string]any{"runner_type": "group_type", "group_id": 9999}, 400, `{"message":"400 Bad request - Missing/invalid group"}`},
		{"unknown project", s.AdminToken, map[string]any{"runner_type": "project_type", "project_id": 9999}, 400, `{"message":"400 Bad request - Missing/invalid project"}`},
		{"instance with group id", s.AdminToken, map[string]any{"runner_type": "instance_type", "group_id": s.Group.ID}, 400, `{"message":"400 Bad request - Unexpected scope"}`},
		{"instance by non-admin", s.Group.OwnerToken, map[string]any{"runner_type": "instance_type"}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"group by maintainer", s.Group.MaintainerToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"group by developer", s.Group.DeveloperToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"group by stranger", s.NonAdminToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"project by developer", s.Project.DeveloperToken, map[string]any{"runner_type": "project_type", "project_id": s.Project.ID}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"project by group developer", s.Group.DeveloperToken, map[string]any{"runner_type": "project_type", "project_id": s.Project.ID}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"permission before model errors", s.Group.MaintainerToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID, "maximum_timeout": 1}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		// POST /user/runners reports model errors through bad_request!(errors.to_sentence)
		{"untagged without tags", s.AdminToken, map[string]any{"runner_type": "instance_type", "run_untagged": false}, 400,
			`{"message":"400 Bad request - Tags list can not be empty when runner is not allowed to pick untagged jobs"}`},
		{"short timeout", s.AdminToken, map[string]any{"runner_type": "instance_type", "maximum_timeout": 599}, 400,
			`{"message":"400 Bad request - Maximum timeout needs to be at least 10 minutes"}`},
		{"long description", s.AdminToken, map[string]any{"runner_type": "instance_type", "description": long}, 400,
			`{"message":"400 Bad request - Description is too long (maximum is 1024 characters)"}`},
		{"long maintenance note", s.AdminToken, map[string]any{"runner_type": "instance_type", "maintenance_note": long}, 400,
			`{"message":"400 Bad request - Maintenance note is too long (maximum is 1024 characters)"}`},
		{"two model errors", s.AdminToken, map[string]any{"runner_type": "instance_type", "maximum_timeout": 1, "run_untagged": false}, 400,
			`{"message":"400 Bad request - Tags list can not be empty when runner is not allowed to pick untagged jobs and Maximum timeout needs to be at least 10 minutes"}`},
		{"three model errors", s.AdminToken, map[string]any{"runner_type": "instance_type", "maximum_timeout": 1, "run_untagged": false, "description": long}, 400,
			`{"message":"400 Bad request - Description is too long (maximum is 1024 characters), Tags list can not be empty when runner is not allowed to pick untagged jobs, and Maximum timeout needs to be at least 10 minutes"}`},
		// Model errors follow the attribute table; Ci::Runner validates
		// maintenance_note after maximum_timeout too.
		{"four model errors", s.AdminToken, map[string]any{"runner_type": "instance_type", "maximum_timeout": 1, "run_untagged": false, "description": long, "maintenance_note": long}, 400,
			`{"message":"400 Bad request - Description is too long (maximum is 1024 characters), Tags list can not be empty when runner is not allowed to pick untagged jobs, Maximum timeout needs to be at least 10 minutes, and Maintenance note is too long (maximum is 1024 characters)"}`},
		{"malformed JSON", s.AdminToken, `{"runner_type":`, 400, `{"message":"400 Bad request - the request body is not a valid JSON object"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.st.RunnerCount()
			expect(t, e.call("POST", "/user/runners", tc.token, tc.body), tc.status, tc.want)
			if e.st.RunnerCount() != before {
				t.Fatal("a failed create stored a runner")
			}
		})
	}
}

func TestCreateUserRunnerPermissionsAllowed(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	cases := []struct {
		name  string
		token string
		body  map[string]any
	}{
		{"admin instance", s.AdminToken, map[string]any{"runner_type": "instance_type"}},
		{"group owner group", s.Group.OwnerToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID}},
		{"group owner subgroup (inherited)", s.Group.OwnerToken, map[string]any{"runner_type": "group_type", "group_id": s.Subgroup.ID}},
		{"group owner project (inherited)", s.Group.OwnerToken, map[string]any{"runner_type": "project_type", "project_id": s.Project.ID}},
		{"group maintainer project (inherited)", s.Group.MaintainerToken, map[string]any{"runner_type": "project_type", "project_id": s.Project.ID}},
		{"project maintainer", s.Project.MaintainerToken, map[string]any{"runner_type": "project_type", "project_id": s.Project.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, e.call("POST", "/user/runners", tc.token, tc.body), http.StatusCreated, "")
		})
	}
	// create_runner scope is enough
	uid := e.st.CreateUser("creator", true)
	tok := e.st.CreatePersonalAccessToken(uid, store.ScopeCreateRunner)
	expect(t, e.call("POST", "/user/runners", tok, map[string]any{"runner_type": "instance_type"}), http.StatusCreated, "")
}

func TestCreateUserRunnerValidRunnerRegistrars(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	e.st.UpdateSettings(func(st *store.Settings) { st.ValidRunnerRegistrars = []string{"project"} })
	expect(t, e.call("POST", "/user/runners", s.Group.OwnerToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID}),
		403, `{"message":"403 Forbidden - Insufficient permissions"}`)
	expect(t, e.call("POST", "/user/runners", s.Project.MaintainerToken, map[string]any{"runner_type": "project_type", "project_id": s.Project.ID}), 201, "")
	expect(t, e.call("POST", "/user/runners", s.AdminToken, map[string]any{"runner_type": "group_type", "group_id": s.Group.ID}), 201, "")
	e.st.UpdateSettings(func(st *store.Settings) { st.ValidRunnerRegistrars = []string{"group"} })
	expect(t, e.call("POST", "/user/runners", s.Project.MaintainerToken, map[string]any{"runner_type": "project_type", "project_id": s.Project.ID}),
		403, `{"message":"403 Forbidden - Insufficient permissions"}`)
}

func TestCreateUserRunnerVersionEmulation(t *testing.T) {
	e := newTestEnv(t, "15.9.0")
	expect(t, e.call("POST", "/user/runners", e.seed.AdminToken, map[string]any{"runner_type": "instance_type"}), 404, `{"error":"404 Not Found"}`)
	e.st.SetVersion("15.11.0")
	expect(t, e.call("POST", "/user/runners", e.seed.AdminToken, map[string]any{"runner_type": "instance_type"}), 201, "")
}

func TestCreateUserRunnerTokenExpiry(t *testing.T) {
	e := newTestEnv(t, "")
	e.st.UpdateSettings(func(s *store.Settings) {
		s.GroupRunnerTokenExpirationInterval = ptr(int64(7200))
	})
	rec := e.call("POST", "/user/runners", e.seed.AdminToken, map[string]any{"runner_type": "group_type", "group_id": e.seed.Group.ID})
	m := decodeMap(t, rec)
	if m["token_expires_at"] != testStart.Add(2*time.Hour).Format("2006-01-02T15:04:05.000Z") {
		t.Fatalf("token_expires_at = %v", m["token_expires_at"])
	}
	// instance runners use their own interval (unset here)
	_, _ = e.instanceRunner()
	rec = e.call("POST", "/user/runners", e.seed.AdminToken, map[string]any{"runner_type": "instance_type"})
	if decodeMap(t, rec)["token_expires_at"] != nil {
		t.Fatalf("instance runner got an expiry: %s", rec.Body.String())
	}
}

func ptr[T any](v T) *T { return &v }
