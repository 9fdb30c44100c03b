package userrunner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// The resource's advice, through the one formatter.
func TestErrorAdvice(t *testing.T) {
	group := diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeGroup, GroupID: 12}
	project := diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeProject, ProjectID: 34}
	instance := diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeInstance}
	forbidden := &gitlabapi.Error{StatusCode: 403, Method: "POST", Path: "/user/runners", Message: "403 Forbidden - Insufficient permissions"}
	cases := []struct {
		name string
		got  string
		want []string
	}{
		{"group create forbidden",
			diagnostics.APIError("Creating a group runner in group 12", forbidden, createHint(group, forbidden)),
			[]string{"Creating a group runner in group 12 failed", "GitLab answered 403 Forbidden: Insufficient permissions (POST /user/runners)",
				"Owner role on group 12", "`create_runner` or `api`", "valid_runner_registrars"}},
		{"project create forbidden",
			diagnostics.APIError("x", forbidden, createHint(project, forbidden)),
			[]string{"Maintainer or Owner role on project 34"}},
		{"instance create forbidden",
			diagnostics.APIError("x", forbidden, createHint(instance, forbidden)),
			[]string{"administrator"}},
		{"insufficient scope",
			diagnostics.APIError("x", &gitlabapi.Error{StatusCode: 403, Method: "POST", Path: "/user/runners", Message: "insufficient_scope: The request requires higher privileges than provided by the access token."},
				createHint(group, &gitlabapi.Error{StatusCode: 403, Message: "insufficient_scope"})),
			[]string{"`create_runner` or `api` scope", "`read_api` is not enough"}},
		{"unauthorized",
			diagnostics.APIError("Reading runner 5", &gitlabapi.Error{StatusCode: 401, Method: "GET", Path: "/runners/5", Message: "401 Unauthorized"}),
			[]string{"Reading runner 5 failed", "401 Unauthorized", "GITLAB_TOKEN", "`token`"}},
		{"server error",
			diagnostics.APIError("Updating runner 5", &gitlabapi.Error{StatusCode: 503, Method: "PUT", Path: "/runners/5"}),
			[]string{"503 Service Unavailable", "`retries`", "Try again later"}},
		{"manage forbidden",
			diagnostics.APIError("Updating runner 5", &gitlabapi.Error{StatusCode: 403, Method: "PUT", Path: "/runners/5", Message: "403 Forbidden"},
				manageErrorHint(5, &gitlabapi.Error{StatusCode: 403})),
			[]string{"may not manage runner 5", "Owner role", "manage_runner"}},
		{"validation",
			diagnostics.APIError("Updating runner 5", &gitlabapi.Error{StatusCode: 400, Method: "PUT", Path: "/runners/5", Message: "maximum_timeout needs to be at least 10 minutes"},
				manageErrorHint(5, &gitlabapi.Error{StatusCode: 400})),
			[]string{"400 Bad Request: maximum_timeout needs to be at least 10 minutes", "names the attribute"}},
		{"transport",
			diagnostics.APIError("Reading runner 5", fmt.Errorf("GET /runners/5: dial tcp 127.0.0.1:1: connection refused")),
			[]string{"Reading runner 5 failed", "connection refused", "base_url", "cacert_file"}},
		{"missing group",
			diagnostics.APIError("x", &gitlabapi.Error{StatusCode: 400, Message: "400 Bad request - Missing/invalid group"},
				createHint(group, &gitlabapi.Error{StatusCode: 400, Message: "400 Bad request - Missing/invalid group"})),
			[]string{"Group 12 does not exist", "group_id"}},
	}
	for _, tc := range cases {
		for _, w := range tc.want {
			if !strings.Contains(tc.got, w) {
				t.Errorf("%s: %q should contain %q", tc.name, tc.got, w)
			}
		}
	}
}
