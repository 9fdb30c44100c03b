package gitlabapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// tokenServer answers the token checks with canned answers by path, and
// records the paths asked, in order.
type tokenServer struct {
	mu      sync.Mutex
	asked   []string
	answers map[string]struct {
		status int
		body   string
	}
}

func newTokenServer(t *testing.T, answers map[string]struct {
	status int
	body   string
}) (*tokenServer, *Client) {
	ts := &tokenServer{answers: answers}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("PRIVATE-TOKEN") == "" {
			t.Errorf("%s sent without PRIVATE-TOKEN", r.URL.Path)
		}
		path := strings.TrimPrefix(r.URL.Path, "/api/v4")
		ts.mu.Lock()
		ts.asked = append(ts.asked, r.Method+" "+path)
		ts.mu.Unlock()
		a, ok := ts.answers[path]
		if !ok {
			writeJSON(w, 404, `{"error":"404 Not Found"}`)
			return
		}
		writeJSON(w, a.status, a.body)
	}))
	t.Cleanup(srv.Close)
	return ts, newTestClient(t, srv.URL, nil)
}

type answer = struct {
	status int
	body   string
}

func TestCheckTokenSelf(t *testing.T) {
	ts, c := newTokenServer(t, map[string]answer{
		"/personal_access_tokens/self": {200, `{"id":7,"name":"ci","revoked":false,"created_at":"2025-01-01T00:00:00.000Z",
			"scopes":["create_runner","manage_runner"],"user_id":3,"active":true,"expires_at":"2026-01-31","expired":false}`},
	})
	got, err := c.CheckToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tok := got.Token
	if got.Endpoint != "GET /personal_access_tokens/self" || tok == nil || tok.ID != 7 || tok.Name != "ci" || tok.UserID != 3 ||
		!tok.Active || tok.Revoked || !tok.HasAnyScope(ScopeAPI, ScopeManageRunner) || tok.HasAnyScope(ScopeAPI, ScopeReadAPI) {
		t.Fatalf("CheckToken = %+v %+v", got, tok)
	}
	if tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ExpiresAt = %v", tok.ExpiresAt)
	}
	if len(ts.asked) != 1 {
		t.Errorf("asked %v, want one request", ts.asked)
	}
}

func TestCheckTokenFallsBackToUser(t *testing.T) {
	user := answer{200, `{"id":5,"username":"project_1_bot_abc","bot":true,"is_admin":false}`}
	for name, tc := range map[string]struct {
		self answer
		user answer
	}{
		// GitLab before 15.5: the catch-all route.
		"older GitLab": {answer{404, `{"error":"404 Not Found"}`}, user},
		"not a personal access token": {answer{400,
			`{"message":"400 Bad request - This endpoint requires token type to be a personal access token"}`}, user},
		// Valid, but without read_user/read_api/api: it authenticated all the same.
		"runner scopes only": {answer{400,
			`{"message":"400 Bad request - This endpoint requires token type to be a personal access token"}`},
			answer{403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api read_user"}`}},
	} {
		t.Run(name, func(t *testing.T) {
			ts, c := newTokenServer(t, map[string]answer{"/personal_access_tokens/self": tc.self, "/user": tc.user})
			got, err := c.CheckToken(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if got.Endpoint != "GET /user" || got.Token != nil {
				t.Fatalf("CheckToken = %+v", got)
			}
			if want := []string{"GET /personal_access_tokens/self", "GET /user"}; strings.Join(ts.asked, ",") != strings.Join(want, ",") {
				t.Errorf("asked %v, want %v", ts.asked, want)
			}
		})
	}
}

func TestCheckTokenFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		self, user answer
		is         error
		message    string
		asked      int
	}{
		"unknown": {self: answer{401, `{"message":"401 Unauthorized"}`}, is: ErrUnauthorized, message: "401 Unauthorized", asked: 1},
		"expired": {self: answer{401, `{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}`},
			is: ErrUnauthorized, message: "invalid_token: Token is expired.", asked: 1},
		"revoked": {self: answer{401, `{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}`},
			is: ErrUnauthorized, message: "Token was revoked.", asked: 1},
		"blocked user": {self: answer{403, `{"message":"403 Forbidden - Your account has been blocked."}`},
			is: ErrForbidden, message: "Your account has been blocked.", asked: 1},
		// Older GitLab: GET /user decides, and its 401 is the answer.
		"older GitLab, unknown": {self: answer{404, `{"error":"404 Not Found"}`}, user: answer{401, `{"message":"401 Unauthorized"}`},
			is: ErrUnauthorized, message: "GET /user: 401", asked: 2},
		// Not GitLab at all (a wrong base_url): both 404.
		"not GitLab": {self: answer{404, `not here`}, user: answer{404, `not here`}, is: ErrNotFound, message: "GET /user: 404", asked: 2},
		// A 403 other than insufficient_scope is not a working token.
		"older GitLab, forbidden": {self: answer{404, `{"error":"404 Not Found"}`}, user: answer{403, `{"message":"403 Forbidden"}`},
			is: ErrForbidden, message: "GET /user: 403", asked: 2},
	} {
		t.Run(name, func(t *testing.T) {
			answers := map[string]answer{"/personal_access_tokens/self": tc.self}
			if tc.user.status != 0 {
				answers["/user"] = tc.user
			}
			ts, c := newTokenServer(t, answers)
			got, err := c.CheckToken(t.Context())
			if err == nil || !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("CheckToken = %+v, %v; want %v containing %q", got, err, tc.is, tc.message)
			}
			if strings.Contains(err.Error(), "glpat-test-user-token") {
				t.Fatalf("the error shows the token: %v", err)
			}
			if len(ts.asked) != tc.asked {
				t.Errorf("asked %v, want %d requests", ts.asked, tc.asked)
			}
		})
	}
}

func TestGetCurrentUser(t *testing.T) {
	_, c := newTokenServer(t, map[string]answer{"/user": {200, `{"id":5,"username":"group_9_bot_x","bot":true,"is_admin":false}`}})
	u, err := c.GetCurrentUser(t.Context())
	if err != nil || u.ID != 5 || u.Username != "group_9_bot_x" || !u.Bot || u.IsAdmin {
		t.Fatalf("GetCurrentUser = %+v, %v", u, err)
	}
}
