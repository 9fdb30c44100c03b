package diagnostics

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

func TestRunnerScopeString(t *testing.T) {
	cases := map[RunnerScope]string{
		{Type: gitlabapi.RunnerTypeGroup, GroupID: 12}:     "group 12",
		{Type: gitlabapi.RunnerTypeProject, ProjectID: 34}: "project 34",
		{Type: gitlabapi.RunnerTypeInstance}:               "the instance",
	}
	for s, want := range cases {
		if got := s.String(); got != want {
			t.Errorf("%+v: got %q, want %q", s, got, want)
		}
	}
}

func TestAPIError(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want []string
	}{
		{"unauthorized",
			APIError("Reading runner 5", &gitlabapi.Error{StatusCode: 401, Method: "GET", Path: "/runners/5", Message: "401 Unauthorized"}),
			[]string{"Reading runner 5 failed", "401 Unauthorized", "GITLAB_TOKEN", "`token`"}},
		{"server error",
			APIError("Updating runner 5", &gitlabapi.Error{StatusCode: 503, Method: "PUT", Path: "/runners/5"}),
			[]string{"503 Service Unavailable", "`retries`", "Try again later"}},
		{"validation",
			APIError("Updating runner 5", &gitlabapi.Error{StatusCode: 400, Method: "PUT", Path: "/runners/5", Message: "maximum_timeout needs to be at least 10 minutes"}),
			[]string{"400 Bad Request: maximum_timeout needs to be at least 10 minutes (PUT /runners/5)."}},
		{"transport",
			APIError("Reading runner 5", fmt.Errorf("GET /runners/5: dial tcp 127.0.0.1:1: connection refused")),
			[]string{"Reading runner 5 failed", "connection refused", "base_url", "cacert_file"}},
	}
	// Without hints the status's generic advice is given; with hints, not.
	listForbidden := &gitlabapi.Error{StatusCode: 403, Method: "GET", Path: "/runners/all", Message: "403 Forbidden"}
	if got := APIError("Listing runners", listForbidden); !strings.Contains(got, "`api` or `read_api` scope") {
		t.Errorf("403 without hints lacks the generic advice: %q", got)
	}
	if got := APIError("Listing runners", listForbidden, "Use an administrator token."); strings.Contains(got, "read_api") ||
		!strings.HasSuffix(got, "\n\nUse an administrator token.") {
		t.Errorf("403 with a hint: %q", got)
	}
	if got := APIError("Reading runner 7", &gitlabapi.Error{StatusCode: 404, Method: "GET", Path: "/runners/7", Message: "404 Runner Not Found"}); !strings.Contains(got,
		"GitLab answered 404 Not Found: Runner Not Found (GET /runners/7).") || !strings.Contains(got, "The object does not exist, or the token's user cannot see it") {
		t.Errorf("404 without hints: %q", got)
	}
	for _, tc := range cases {
		for _, w := range tc.want {
			if !strings.Contains(tc.got, w) {
				t.Errorf("%s: %q should contain %q", tc.name, tc.got, w)
			}
		}
	}
}

func TestDiagnosticsNeverShowTokens(t *testing.T) {
	// t1_… is a legacy runner token shape the provider's own pattern used to miss.
	secrets := []string{"glrt-t2_abcdefghijKLMNOPQRST", "glrt-abc.def_ghi", "glpat-xxxxxxxxxxxxxxxxxxxx", "GR1348941abcdefABCDEF12345", "t1_abcdefghijKLMNOP"}
	for _, s := range secrets {
		msg := "400 Bad request - token " + s + " is invalid"
		got := APIError("x", &gitlabapi.Error{StatusCode: 400, Method: "POST", Path: "/runners", Message: msg})
		got += APIError("y", errors.New("POST /runners/verify: "+s))
		if strings.Contains(got, s) || strings.Contains(got, s[4:]) {
			t.Errorf("detail leaks %q: %s", s, got)
		}
		if !strings.Contains(got, "token *** is invalid") || !strings.Contains(got, "verify: ***") {
			t.Errorf("detail should show where the secret was: %s", got)
		}
	}
	if got := Answer(errors.New("runner 12 in group 34")); got != "runner 12 in group 34" {
		t.Errorf("redaction changed harmless text: %q", got)
	}
}

func TestIsInsufficientScope(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&gitlabapi.Error{StatusCode: 403, Message: "insufficient_scope: The request requires higher privileges"}, true},
		{&gitlabapi.Error{StatusCode: 403, Message: "403 Forbidden - Insufficient scope"}, true},
		{&gitlabapi.Error{StatusCode: 403, Message: "403 Forbidden"}, false},
		{&gitlabapi.Error{StatusCode: 401, Message: "insufficient_scope"}, false},
		{errors.New("insufficient_scope"), false},
	} {
		if got := IsInsufficientScope(c.err); got != c.want {
			t.Errorf("IsInsufficientScope(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// One wording for an object GitLab does not show, whatever the caller.
func TestNotVisible(t *testing.T) {
	want := "Group 12 does not exist, or the token's user cannot see it (GitLab does not tell these apart). Check group_id = 12."
	if got := NotVisible("Group", 12, "group_id"); got != want {
		t.Errorf("NotVisible = %q, want %q", got, want)
	}
}

// A GraphQL answer is GitLab's answer: no advice about the network.
func TestAPIErrorGraphQL(t *testing.T) {
	got := APIError("Changing group demo", &gitlabapi.GraphQLError{Path: "/api/graphql", Messages: []string{"The resource that you are attempting to access does not exist"}})
	if strings.Contains(got, "no answer") || !strings.Contains(got, "The resource that you are attempting to access does not exist") {
		t.Errorf("GraphQL error: %q", got)
	}
}
