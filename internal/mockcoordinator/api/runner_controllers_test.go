package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The runner controller APIs, pinned on GitLab's source: the routes
// (lib/api/ci/runner_controllers.rb, runner_controller_scopes.rb,
// runner_controller_tokens.rb), their request specs
// (spec/requests/api/ci/runner_controllers_spec.rb,
// runner_controller_scopes_spec.rb, runner_controller_tokens_spec.rb), the
// entities (lib/api/entities/ci/runner_controller*.rb) and the services
// (app/services/ci/runner_controllers/…).

// TestRunnerControllerRoutesByVersion: the API exists on Enterprise Edition
// 18.9+ (doc/api/runner_controllers.md "Introduced in GitLab 18.9"), runner
// scopes from 18.10 (issue 586417); elsewhere GitLab's catch-all 404
// answers, before any authentication.
func TestRunnerControllerRoutesByVersion(t *testing.T) {
	routeMissing := `{"error":"404 Not Found"}`
	for _, version := range []string{"18.8.3-ee", "19.1.0"} {
		e := newTestEnv(t, version)
		expect(t, e.call("GET", "/runner_controllers", e.seed.AdminToken, nil), http.StatusNotFound, routeMissing)
		expect(t, e.call("POST", "/runner_controllers", "", nil), http.StatusNotFound, routeMissing)
	}
	e := newTestEnv(t, "18.9.0-ee")
	expect(t, e.call("POST", "/runner_controllers", e.seed.AdminToken, nil), http.StatusCreated, "")
	expect(t, e.call("POST", "/runner_controllers/1/scopes/runners/1", e.seed.AdminToken, nil), http.StatusNotFound, routeMissing)
	// 18.9's scopes list has no runner_level_scopings.
	expect(t, e.call("GET", "/runner_controllers/1/scopes", e.seed.AdminToken, nil), http.StatusOK, `{"instance_level_scopings":[]}`)
}

// TestRunnerControllerAccess: the before block's authenticated_as_admin!
// (401 without a user, 403 for others), then the licence (404, spec
// "when feature is not available"); a read_api token may read but not write.
func TestRunnerControllerAccess(t *testing.T) {
	e := newTestEnv(t, "19.1.0-ee")
	expect(t, e.call("GET", "/runner_controllers", "", nil), http.StatusUnauthorized, `{"message":"401 Unauthorized"}`)
	expect(t, e.call("PUT", "/runner_controllers/1", "", nil), http.StatusUnauthorized, `{"message":"401 Unauthorized"}`)
	// Forbidden comes before the parameters are validated.
	expect(t, e.call("GET", "/runner_controllers/abc", e.seed.NonAdminToken, nil), http.StatusForbidden, `{"message":"403 Forbidden"}`)
	expect(t, e.call("DELETE", "/runner_controllers/1/tokens/2", e.seed.Group.OwnerToken, nil), http.StatusForbidden, `{"message":"403 Forbidden"}`)

	e.st.SetRunnerControllersLicensed(false)
	expect(t, e.call("GET", "/runner_controllers", e.seed.NonAdminToken, nil), http.StatusForbidden, `{"message":"403 Forbidden"}`)
	for _, route := range []string{"/runner_controllers", "/runner_controllers/1", "/runner_controllers/1/scopes", "/runner_controllers/1/tokens"} {
		expect(t, e.call("GET", route, e.seed.AdminToken, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
	}
	e.st.SetRunnerControllersLicensed(true)

	readOnly := e.st.CreatePersonalAccessToken(1, "read_api") // user 1 is root, the administrator
	expect(t, e.call("GET", "/runner_controllers", readOnly, nil), http.StatusOK, "[]")
	if rec := e.call("POST", "/runner_controllers", readOnly, nil); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "insufficient_scope") {
		t.Fatalf("POST with read_api: %d %s, want 403 insufficient_scope", rec.Code, rec.Body.String())
	}
}

// TestRunnerControllerCRUD: create (201, state disabled by default), read
// (RunnerControllerDetail adds connected), update, list (paginated by id),
// and delete (204; destroy_conditionally!'s 412), with Grape's and the
// model's refusals.
func TestRunnerControllerCRUD(t *testing.T) {
	e := newTestEnv(t, "19.1.0-ee")
	admin := e.seed.AdminToken
	created := `{"id":1,"description":null,"state":"disabled","created_at":"2025-03-01T12:00:00.000Z","updated_at":"2025-03-01T12:00:00.000Z"}`
	expect(t, e.call("POST", "/runner_controllers", admin, nil), http.StatusCreated, created)
	expect(t, e.call("POST", "/runner_controllers", admin, map[string]any{"description": "gate", "state": "dry_run"}), http.StatusCreated,
		`{"id":2,"description":"gate","state":"dry_run","created_at":"2025-03-01T12:00:00.000Z","updated_at":"2025-03-01T12:00:00.000Z"}`)
	expect(t, e.call("POST", "/runner_controllers", admin, map[string]any{"state": "on"}), http.StatusBadRequest,
		`{"error":"state does not have a valid value"}`)
	expect(t, e.call("POST", "/runner_controllers", admin, map[string]any{"description": strings.Repeat("x", 1025)}), http.StatusBadRequest,
		`{"message":"Description is too long (maximum is 1024 characters)"}`)

	expect(t, e.call("GET", "/runner_controllers/1", admin, nil), http.StatusOK,
		strings.TrimSuffix(created, "}")+`,"connected":false}`)
	expect(t, e.call("GET", "/runner_controllers/9", admin, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
	expect(t, e.call("GET", "/runner_controllers/abc", admin, nil), http.StatusBadRequest, `{"error":"id is invalid"}`)

	e.clock.Advance(time.Minute)
	expect(t, e.call("PUT", "/runner_controllers/1", admin, map[string]any{"state": "enabled", "description": "x"}), http.StatusOK,
		`{"id":1,"description":"x","state":"enabled","created_at":"2025-03-01T12:00:00.000Z","updated_at":"2025-03-01T12:01:00.000Z"}`)
	expect(t, e.call("PUT", "/runner_controllers/1", admin, map[string]any{"description": nil}), http.StatusOK, "")
	if m := decodeMap(t, e.call("GET", "/runner_controllers/1", admin, nil)); m["description"] != nil {
		t.Fatalf("an explicit null should clear the description: %v", m)
	}
	expect(t, e.call("PUT", "/runner_controllers/9", admin, map[string]any{"state": "enabled"}), http.StatusNotFound, `{"message":"404 Not Found"}`)

	rec := e.call("GET", "/runner_controllers?per_page=1&page=2", admin, nil)
	expect(t, rec, http.StatusOK, "")
	if l := decodeList(t, rec); len(l) != 1 || l[0]["id"] != float64(2) || rec.Header().Get("X-Total") != "2" || rec.Header().Get("X-Prev-Page") != "1" {
		t.Fatalf("page 2 of 1: %v, headers %v", l, rec.Header())
	}

	stale := e.clock.Now().Add(-time.Hour).Format(http.TimeFormat)
	expect(t, e.call("DELETE", "/runner_controllers/1", admin, nil, "If-Unmodified-Since", stale), http.StatusPreconditionFailed,
		`{"message":"412 Precondition Failed"}`)
	expect(t, e.call("DELETE", "/runner_controllers/1", admin, nil), http.StatusNoContent, "")
	expect(t, e.call("DELETE", "/runner_controllers/1", admin, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
}

// TestRunnerControllerScopesAPI: the scope routes find with find, so a
// missing controller or runner is ActiveRecord's RecordNotFound, which
// lib/api/api.rb answers {"message":"404 Not found"}; the services' refusals
// are 409 and 422 with their messages; removals are idempotent (204).
func TestRunnerControllerScopesAPI(t *testing.T) {
	e := newTestEnv(t, "18.10.0-ee")
	admin := e.seed.AdminToken
	expect(t, e.call("POST", "/runner_controllers", admin, nil), http.StatusCreated, "")
	instanceRunner, _ := e.instanceRunner()
	groupRunner, _ := e.groupRunner()
	base := "/runner_controllers/1/scopes"

	expect(t, e.call("GET", "/runner_controllers/9/scopes", admin, nil), http.StatusNotFound, `{"message":"404 Not found"}`)
	expect(t, e.call("POST", base+"/runners/999", admin, nil), http.StatusNotFound, `{"message":"404 Not found"}`)
	expect(t, e.call("POST", base+"/runners/x", admin, nil), http.StatusBadRequest, `{"error":"runner_id is invalid"}`)
	expect(t, e.call("POST", base+"/runners/"+itoa(groupRunner), admin, nil), http.StatusUnprocessableEntity,
		`{"message":"Only instance-type runners can be scoped"}`)
	expect(t, e.call("POST", base+"/runners/"+itoa(instanceRunner), admin, nil), http.StatusCreated,
		`{"runner_id":`+itoa(instanceRunner)+`,"created_at":"2025-03-01T12:00:00.000Z","updated_at":"2025-03-01T12:00:00.000Z"}`)
	expect(t, e.call("POST", base+"/runners/"+itoa(instanceRunner), admin, nil), http.StatusConflict,
		`{"message":"Runner scope already exists for this runner controller"}`)
	expect(t, e.call("POST", base+"/instance", admin, nil), http.StatusConflict,
		`{"message":"Runner controller already has runner-level scopes. Remove them before adding instance-level scope."}`)
	expect(t, e.call("GET", base, admin, nil), http.StatusOK,
		`{"instance_level_scopings":[],"runner_level_scopings":[{"runner_id":`+itoa(instanceRunner)+`,"created_at":"2025-03-01T12:00:00.000Z","updated_at":"2025-03-01T12:00:00.000Z"}]}`)

	for range 2 {
		expect(t, e.call("DELETE", base+"/runners/"+itoa(instanceRunner), admin, nil), http.StatusNoContent, "")
	}
	expect(t, e.call("POST", base+"/instance", admin, nil), http.StatusCreated,
		`{"created_at":"2025-03-01T12:00:00.000Z","updated_at":"2025-03-01T12:00:00.000Z"}`)
	expect(t, e.call("POST", base+"/instance", admin, nil), http.StatusConflict,
		`{"message":"Instance-level scope already exists for this runner controller"}`)
	expect(t, e.call("POST", base+"/runners/"+itoa(instanceRunner), admin, nil), http.StatusConflict,
		`{"message":"Runner controller already has instance-level scope. Remove it before adding runner scopes."}`)
	for range 2 {
		expect(t, e.call("DELETE", base+"/instance", admin, nil), http.StatusNoContent, "")
	}
	expect(t, e.call("GET", base, admin, nil), http.StatusOK, `{"instance_level_scopings":[],"runner_level_scopings":[]}`)
}

// TestRunnerControllerTokensAPI: a token is shown once (201 with token),
// listed without it (active tokens only), rotated into a new record (200,
// a new id, the same description; the old one is 404 from then on and no
// longer authenticates at the job router), and revoked (204, then 404).
func TestRunnerControllerTokensAPI(t *testing.T) {
	e := newTestEnv(t, "18.9.0-ee")
	admin := e.seed.AdminToken
	expect(t, e.call("POST", "/runner_controllers", admin, nil), http.StatusCreated, "")
	base := "/runner_controllers/1/tokens"

	expect(t, e.call("POST", "/runner_controllers/9/tokens", admin, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
	expect(t, e.call("POST", base, admin, map[string]any{"description": strings.Repeat("x", 1025)}), http.StatusBadRequest,
		`{"message":"Description is too long (maximum is 1024 characters)"}`)
	rec := e.call("POST", base, admin, map[string]any{"description": "router"})
	expect(t, rec, http.StatusCreated, "")
	first := decodeMap(t, rec)
	secret, _ := first["token"].(string)
	if !strings.HasPrefix(secret, "glrct-") || first["id"] != float64(1) || first["runner_controller_id"] != float64(1) || first["last_used_at"] != nil {
		t.Fatalf("created token = %v", first)
	}
	listed := `[{"id":1,"runner_controller_id":1,"description":"router","last_used_at":null,"created_at":"2025-03-01T12:00:00.000Z","updated_at":"2025-03-01T12:00:00.000Z"}]`
	expect(t, e.call("GET", base, admin, nil), http.StatusOK, listed)
	expect(t, e.call("GET", base+"/1", admin, nil), http.StatusOK, strings.Trim(listed, "[]"))
	expect(t, e.call("GET", base+"/x", admin, nil), http.StatusBadRequest, `{"error":"id is invalid"}`)

	rec = e.call("POST", base+"/1/rotate", admin, nil)
	expect(t, rec, http.StatusOK, "")
	next := decodeMap(t, rec)
	if next["id"] != float64(2) || next["description"] != "router" || next["token"] == secret {
		t.Fatalf("rotated token = %v", next)
	}
	if _, err := e.st.AuthenticateRunnerControllerToken(secret); err == nil {
		t.Fatal("the rotated-out token still authenticates")
	}
	expect(t, e.call("GET", base+"/1", admin, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
	expect(t, e.call("POST", base+"/1/rotate", admin, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
	expect(t, e.call("DELETE", base+"/1", admin, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
	if l := decodeList(t, e.call("GET", base, admin, nil)); len(l) != 1 || l[0]["id"] != float64(2) {
		t.Fatalf("active tokens = %v, want only the successor", l)
	}
	expect(t, e.call("DELETE", base+"/2", admin, nil), http.StatusNoContent, "")
	expect(t, e.call("DELETE", base+"/2", admin, nil), http.StatusNotFound, `{"message":"404 Not Found"}`)
	expect(t, e.call("GET", base, admin, nil), http.StatusOK, "[]")
}
