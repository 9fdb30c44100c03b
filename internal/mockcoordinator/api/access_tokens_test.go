package api

import (
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestOwnAccessToken(t *testing.T) {
	e := newTestEnv(t, "")
	// Any scope reads its own token: read_api here, create_runner below.
	m := decodeMap(t, e.call("GET", "/personal_access_tokens/self", e.seed.ReadAPIToken, nil))
	scopes, _ := m["scopes"].([]any)
	if len(scopes) != 1 || scopes[0] != "read_api" || m["active"] != true || m["revoked"] != false ||
		m["expired"] != false || m["expires_at"] != nil || m["id"] == nil || m["user_id"] == nil {
		t.Fatalf("self: %v", m)
	}
	for _, k := range []string{"name", "created_at", "description", "last_used_at", "last_used_ips", "granular"} {
		if _, ok := m[k]; !ok {
			t.Errorf("18.x answer lacks %q: %v", k, m)
		}
	}

	user := e.st.CreateUser("runner-bot", false)
	tok := e.st.CreatePersonalAccessToken(user, store.ScopeCreateRunner)
	if err := e.st.SetPersonalAccessTokenExpiry(tok, testStart.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	m = decodeMap(t, e.call("GET", "/personal_access_tokens/self", tok, nil))
	if m["expires_at"] != "2025-03-31" || m["scopes"].([]any)[0] != "create_runner" {
		t.Fatalf("self with expiry: %v", m)
	}
	// Bearer works as well as PRIVATE-TOKEN.
	expect(t, e.call("GET", "/personal_access_tokens/self", "", nil, "Authorization", "Bearer "+tok), 200, "")
}

func TestOwnAccessTokenErrors(t *testing.T) {
	e := newTestEnv(t, "")
	expect(t, e.call("GET", "/personal_access_tokens/self", "", nil), 401, `{"message":"401 Unauthorized"}`)
	expect(t, e.call("GET", "/personal_access_tokens/self", "glpat-unknown", nil), 401, `{"message":"401 Unauthorized"}`)

	user := e.st.CreateUser("u", false)
	expired := e.st.CreatePersonalAccessToken(user)
	if err := e.st.SetPersonalAccessTokenExpiry(expired, testStart); err != nil { // today: expired since 00:00
		t.Fatal(err)
	}
	revoked := e.st.CreatePersonalAccessToken(user)
	if err := e.st.RevokePersonalAccessToken(revoked); err != nil {
		t.Fatal(err)
	}
	for tok, desc := range map[string]string{
		expired: "Token is expired. You can either do re-authorization or token refresh.",
		revoked: "Token was revoked. You have to re-authorize from the user.",
	} {
		want := `{"error":"invalid_token","error_description":"` + desc + `"}`
		// The same 401 on every endpoint: authentication fails before the route's work.
		for _, path := range []string{"/personal_access_tokens/self", "/user", "/runners/1"} {
			rec := e.call("GET", path, tok, nil)
			expect(t, rec, 401, want)
			if h := rec.Header().Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) || !strings.Contains(h, desc) {
				t.Errorf("%s: WWW-Authenticate = %q", path, h)
			}
		}
	}
}

func TestOwnAccessTokenByVersion(t *testing.T) {
	e := newTestEnv(t, "15.4.0")
	// Before 15.5 the endpoint does not exist: GitLab's catch-all 404.
	expect(t, e.call("GET", "/personal_access_tokens/self", e.seed.AdminToken, nil), 404, `{"error":"404 Not Found"}`)
	expect(t, e.call("GET", "/user", e.seed.AdminToken, nil), 200, "")

	e.st.SetVersion("16.0.0")
	m := decodeMap(t, e.call("GET", "/personal_access_tokens/self", e.seed.AdminToken, nil))
	for _, k := range []string{"id", "name", "revoked", "created_at", "scopes", "user_id", "active", "expires_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("16.0 answer lacks %q: %v", k, m)
		}
	}
	if _, ok := m["expired"]; ok {
		t.Errorf("16.0 answer has the newer field expired: %v", m)
	}
	if ts, _ := m["created_at"].(string); ts == "" {
		t.Errorf("created_at = %v", m["created_at"])
	} else if _, err := time.Parse(time.RFC3339, ts); err != nil {
		t.Errorf("created_at %q: %v", ts, err)
	}
}

func TestCurrentUserScopes(t *testing.T) {
	e := newTestEnv(t, "")
	user := e.st.CreateUser("runner-bot", false)
	// GET /user wants api, read_api or read_user: a create_runner-only token
	// is valid but refused with insufficient_scope.
	tok := e.st.CreatePersonalAccessToken(user, store.ScopeCreateRunner)
	rec := e.call("GET", "/user", tok, nil)
	expect(t, rec, 403, "")
	if m := decodeMap(t, rec); m["error"] != "insufficient_scope" {
		t.Fatalf("GET /user with create_runner: %v", m)
	}
}
