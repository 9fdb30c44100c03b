package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// tokenExpiryQuery is the query the provider's client sends.
const tokenExpiryQuery = `query runnerTokenExpiry($id: CiRunnerID!) { runner(id: $id) { id tokenExpiresAt } }`

// graphQL posts a GraphQL request to /api/graphql (outside /api/v4).
func (e *testEnv) graphQL(token string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = string(b)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/graphql", bytes.NewReader([]byte(raw)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	return serve(e.h, req)
}

func expiryRequest(id int64) map[string]any {
	return map[string]any{"query": tokenExpiryQuery, "variables": map[string]any{"id": "gid://gitlab/Ci::Runner/" + itoa(id)}}
}

// TestGraphQLRunnerTokenExpiry: the expiry of the runner's current token,
// changed by either reset, to the second as GitLab's TimeType renders it.
func TestGraphQLRunnerTokenExpiry(t *testing.T) {
	e := newTestEnv(t, "")
	lifetime := int64(30 * 24 * 3600)
	e.st.UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = &lifetime })
	id, tok := e.groupRunner()
	gid := `"gid://gitlab/Ci::Runner/` + itoa(id) + `"`
	want := func(at time.Time) string {
		return `{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":"` + at.Format(time.RFC3339) + `"}}}`
	}
	created := testStart.Add(30 * 24 * time.Hour)
	expect(t, e.graphQL(e.seed.Group.OwnerToken, expiryRequest(id)), 200, want(created))

	// The runner rotates its own token (as gitlab-runner does at 75% of the
	// lifetime): the new expiry counts from the rotation.
	e.clock.Advance(22*24*time.Hour + 500*time.Millisecond)
	rec := e.call("POST", "/runners/reset_authentication_token", "", map[string]any{"token": tok})
	expect(t, rec, 201, "")
	selfRotated := e.clock.Now().Add(30 * 24 * time.Hour).Truncate(time.Second)
	expect(t, e.graphQL(e.seed.Group.OwnerToken, expiryRequest(id)), 200, want(selfRotated))

	// An administrator resets it: again from the reset time.
	e.clock.Advance(time.Hour)
	expect(t, e.call("POST", "/runners/"+itoa(id)+"/reset_authentication_token", e.seed.AdminToken, nil), 201, "")
	adminReset := e.clock.Now().Add(30 * 24 * time.Hour).Truncate(time.Second)
	expect(t, e.graphQL(e.seed.ReadAPIToken, expiryRequest(id)), 200, want(adminReset))

	// Without an interval a reset gives a token without expiry.
	e.st.UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = nil })
	expect(t, e.call("POST", "/runners/"+itoa(id)+"/reset_authentication_token", e.seed.AdminToken, nil), 201, "")
	expect(t, e.graphQL(e.seed.Group.OwnerToken, expiryRequest(id)), 200, `{"data":{"runner":{"id":`+gid+`,"tokenExpiresAt":null}}}`)
}

// TestGraphQLReadRunnerPermission: a runner the caller may not read, one that
// does not exist, and an anonymous request all answer a null runner without
// an error; GraphQL queries need the api or read_api scope.
func TestGraphQLReadRunnerPermission(t *testing.T) {
	e := newTestEnv(t, "")
	groupID, _ := e.groupRunner()
	instanceID, _ := e.instanceRunner()
	null := `{"data":{"runner":null}}`
	for _, c := range []struct {
		name, token string
		id          int64
		visible     bool
	}{
		{"group owner", e.seed.Group.OwnerToken, groupID, true},
		{"group maintainer", e.seed.Group.MaintainerToken, groupID, true},
		{"group developer", e.seed.Group.DeveloperToken, groupID, false},
		{"user without membership", e.seed.NonAdminToken, groupID, false},
		{"any user, instance runner", e.seed.NonAdminToken, instanceID, true},
		{"anonymous", "", instanceID, false},
		{"unknown runner", e.seed.AdminToken, 999999, false},
	} {
		rec := e.graphQL(c.token, expiryRequest(c.id))
		if !c.visible {
			expect(t, rec, 200, null)
			continue
		}
		expect(t, rec, 200, "")
		if strings.Contains(rec.Body.String(), `"runner":null`) || strings.Contains(rec.Body.String(), "errors") {
			t.Errorf("%s: %s", c.name, rec.Body.String())
		}
	}

	invalid := `{"errors":[{"message":"Invalid token"}]}`
	expect(t, e.graphQL("glpat-unknown-token-000000", expiryRequest(instanceID)), 401, invalid)
	manageOnly := e.st.CreatePersonalAccessToken(1, store.ScopeManageRunner, store.ScopeCreateRunner)
	expect(t, e.graphQL(manageOnly, expiryRequest(instanceID)), 401, invalid)
}

// TestGraphQLQueryErrors: malformed queries and values get GraphQL errors
// with 200, in graphql-ruby's words, and no data.
func TestGraphQLQueryErrors(t *testing.T) {
	e := newTestEnv(t, "")
	id, _ := e.instanceRunner()
	gid := "gid://gitlab/Ci::Runner/" + itoa(id)
	q := func(query string, vars map[string]any) map[string]any {
		return map[string]any{"query": query, "variables": vars}
	}
	for _, c := range []struct {
		name string
		body any
		want string // substring of the one error message
	}{
		{"no query", map[string]any{}, "No query string was present"},
		{"syntax", q(`query { runner(id: "`+gid+`") { id `, nil), "Unexpected end of document"},
		{"stray token", q(`query { runner(id: "`+gid+`") } }`, nil), `Parse error on "}" (RCURLY) at [1, `},
		{"unknown Query field", q(`{ runners { id } }`, nil), "Field 'runners' doesn't exist on type 'Query'"},
		{"unknown CiRunner field", q(`{ runner(id: "`+gid+`") { token } }`, nil), "Field 'token' doesn't exist on type 'CiRunner'"},
		{"no selection", q(`{ runner(id: "`+gid+`") }`, nil), "Field must have selections"},
		{"missing id", q(`{ runner { id } }`, nil), "Field 'runner' is missing required arguments: id"},
		{"not a global id", q(tokenExpiryQuery, map[string]any{"id": itoa(id)}), "Variable $id of type CiRunnerID! was provided invalid value"},
		{"another model", q(`{ runner(id: "gid://gitlab/Project/1") { id } }`, nil), "has an invalid value"},
		{"undeclared variable", q(`{ runner(id: $id) { id } }`, map[string]any{"id": gid}), "Variable $id is used by anonymous query but not declared"},
		{"wrong variable type", q(`query($id: ID!) { runner(id: $id) { id } }`, map[string]any{"id": gid}), "Type mismatch on variable $id and argument id (ID! / CiRunnerID!)"},
		{"unknown Mutation field", q(`mutation { runnerDelete { errors } }`, nil), "Field 'runnerDelete' doesn't exist on type 'Mutation'"},
		{"subscription", q(`subscription { runner(id: "`+gid+`") { id } }`, nil), "queries and mutations only"},
	} {
		rec := e.graphQL(e.seed.AdminToken, c.body)
		expect(t, rec, 200, "")
		m := decodeMap(t, rec)
		errs, _ := m["errors"].([]any)
		if _, hasData := m["data"]; hasData || len(errs) != 1 {
			t.Errorf("%s: want one error and no data, got %s", c.name, rec.Body.String())
			continue
		}
		if msg, _ := errs[0].(map[string]any)["message"].(string); !strings.Contains(msg, c.want) {
			t.Errorf("%s: message %q, want it to contain %q", c.name, msg, c.want)
		}
	}

	// Aliases, a literal id, __typename and variables sent as a JSON string.
	rec := e.graphQL(e.seed.AdminToken, map[string]any{
		"query":     `query Q($id: CiRunnerID!) { __typename r: runner(id: $id) { __typename gid: id } }`,
		"variables": `{"id":"` + gid + `"}`,
	})
	expect(t, rec, 200, `{"data":{"__typename":"Query","r":{"__typename":"CiRunner","gid":"`+gid+`"}}}`)
}

// TestGraphQLTokenExpiryByVersion: CiRunner.tokenExpiresAt exists from 14.8.
func TestGraphQLTokenExpiryByVersion(t *testing.T) {
	old := newTestEnv(t, "14.7.0-ee")
	id := int64(1) // no runner needed: the field is validated first
	rec := old.graphQL(old.seed.AdminToken, expiryRequest(id))
	expect(t, rec, 200, "")
	if !strings.Contains(rec.Body.String(), "Field 'tokenExpiresAt' doesn't exist on type 'CiRunner'") {
		t.Errorf("14.7: %s", rec.Body.String())
	}
	recent := newTestEnv(t, "14.8.0-ee")
	expect(t, recent.graphQL(recent.seed.AdminToken, expiryRequest(id)), 200, `{"data":{"runner":null}}`)
}

// TestGraphQLRoute: the route is POST /api/graphql, outside /api/v4.
func TestGraphQLRoute(t *testing.T) {
	if got := MatchRoute("POST", "/api/graphql"); got != "POST /api/graphql" {
		t.Errorf("MatchRoute(POST /api/graphql) = %q", got)
	}
	for _, c := range []struct{ method, path string }{{"POST", "/api/v4/api/graphql"}, {"POST", "/api/v4/graphql"}, {"GET", "/api/graphql/x"}} {
		if got := MatchRoute(c.method, c.path); got != "" {
			t.Errorf("MatchRoute(%s %s) = %q, want none", c.method, c.path, got)
		}
		e := newTestEnv(t, "")
		expect(t, serve(e.h, newRawRequest(c.method, c.path)), 404, `{"error":"404 Not Found"}`)
	}
}

// FuzzGraphQLParse: no query text crashes the parser or runs away with the
// stack.
func FuzzGraphQLParse(f *testing.F) {
	for _, s := range []string{tokenExpiryQuery, pruningMutation, `{ a(input: {b: [1, {c: $d}], e: null}) { f } }`, `{ a(b: {c: [}) { d } }`, `{ a { b } }`, `query($x: [[ID!]]!) { r(id: $x) { id } }`,
		`"unterminated`, `{ a(b: -) }`, strings.Repeat("{a", 10000), "query(" + strings.Repeat("$a:[", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		op, err := gqlParse(src)
		if (op == nil) == (err == nil) {
			t.Fatalf("gqlParse(%q) = %v, %v: want exactly one of them", src, op, err)
		}
	})
}
