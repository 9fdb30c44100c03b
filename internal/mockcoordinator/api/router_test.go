package api

import (
	"net/http"
	"strings"
	"testing"
)

func TestMatchRoute(t *testing.T) {
	for _, c := range []struct{ method, path, want string }{
		{"POST", "/api/v4/user/runners", "POST /user/runners"},
		{"POST", "/user/runners", "POST /user/runners"},
		{"GET", "/api/v4/runners/12", "GET /runners/:id"},
		{"PUT", "/runners/12", "PUT /runners/:id"},
		{"DELETE", "/api/v4/runners/12", "DELETE /runners/:id"},
		{"GET", "/api/v4/runners/all", "GET /runners/all"},
		{"GET", "/api/v4/runners", "GET /runners"},
		{"POST", "/api/v4/runners", "POST /runners"},
		{"DELETE", "/api/v4/runners", "DELETE /runners"},
		{"POST", "/api/v4/runners/verify", "POST /runners/verify"},
		{"DELETE", "/api/v4/runners/managers", "DELETE /runners/managers"},
		{"POST", "/api/v4/runners/reset_authentication_token", "POST /runners/reset_authentication_token"},
		{"POST", "/api/v4/runners/7/reset_authentication_token", "POST /runners/:id/reset_authentication_token"},
		{"GET", "/api/v4/runners/7/managers", "GET /runners/:id/managers"},
		{"GET", "/api/v4/runners/7/jobs", "GET /runners/:id/jobs"},
		{"POST", "/api/v4/jobs/request", "POST /jobs/request"},
		{"GET", "/api/v4/groups/3/runners", "GET /groups/:id/runners"},
		{"GET", "/api/v4/groups/demo%2Fplatform", "GET /groups/:id"},
		{"GET", "/api/v4/projects/5/runners", "GET /projects/:id/runners"},
		{"GET", "/api/v4/projects/5", "GET /projects/:id"},
		{"GET", "/api/v4/application/settings", "GET /application/settings"},
		{"PUT", "/api/v4/application/settings", "PUT /application/settings"},
		{"GET", "/api/v4/version", "GET /version"},
		{"GET", "/api/v4/metadata", "GET /metadata"},
		{"GET", "/api/v4/nothing", ""},
		{"PATCH", "/api/v4/runners/1", ""},
	} {
		if got := MatchRoute(c.method, c.path); got != c.want {
			t.Errorf("MatchRoute(%s %s) = %q, want %q", c.method, c.path, got, c.want)
		}
	}
	for _, name := range RouteNames() {
		method, pattern, _ := strings.Cut(name, " ")
		if got := MatchRoute(method, strings.ReplaceAll(pattern, ":id", "1")); got != name {
			t.Errorf("route %q not matched by its own pattern (got %q)", name, got)
		}
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := newTestEnv(t, "")
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v4/nothing"}, {"PATCH", "/api/v4/runners/1"}, {"GET", "/runners"}, {"GET", "/api/v4/runners/1/nothing"},
	} {
		req := newRawRequest(c.method, c.path)
		rec := serve(e.h, req)
		expect(t, rec, http.StatusNotFound, `{"error":"404 Not Found"}`)
	}
}
