package provider

// Diagnostics for failed GitLab API calls. A
// diagnostic has a short Title Case summary; its detail says what was
// attempted, on which runner or scope, what GitLab answered (status and
// message) and what to do about it. Token values never appear: the client
// masks what it returns, and gitlabapi.RedactSecrets masks anything that
// looks like one again as a second line of defence.

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// runnerScope is where a runner lives: the instance, a group or a project.
type runnerScope struct {
	Type      string // gitlabapi.RunnerType*
	GroupID   int64
	ProjectID int64
}

// String reads "group 12", "project 34" or "the instance".
func (s runnerScope) String() string {
	switch s.Type {
	case gitlabapi.RunnerTypeGroup:
		return fmt.Sprintf("group %d", s.GroupID)
	case gitlabapi.RunnerTypeProject:
		return fmt.Sprintf("project %d", s.ProjectID)
	default:
		return "the instance"
	}
}

// kind reads "a group runner", "a project runner", "an instance runner".
func (s runnerScope) kind() string {
	switch s.Type {
	case gitlabapi.RunnerTypeGroup:
		return "a group runner"
	case gitlabapi.RunnerTypeProject:
		return "a project runner"
	default:
		return "an instance runner"
	}
}

// permissionHint says who may create runners in the scope.
func (s runnerScope) permissionHint() string {
	switch s.Type {
	case gitlabapi.RunnerTypeGroup:
		return fmt.Sprintf("Creating a group runner needs the Owner role on group %d (Maintainer is not enough) and an access token "+
			"with the `create_runner` or `api` scope.", s.GroupID)
	case gitlabapi.RunnerTypeProject:
		return fmt.Sprintf("Creating a project runner needs the Maintainer or Owner role on project %d and an access token "+
			"with the `create_runner` or `api` scope.", s.ProjectID)
	default:
		return "Creating an instance runner needs an administrator's access token with the `create_runner` or `api` scope."
	}
}

const (
	hintToken = "GitLab did not accept the access token. Check the provider's `token` argument or the GITLAB_TOKEN environment " +
		"variable: the token may be mistyped, expired or revoked, or belong to another GitLab instance than `base_url`."
	hintScopeCreate = "The access token lacks the scope for this call: creating runners needs a token with the `create_runner` or `api` scope " +
		"(`read_api` is not enough)."
	hintScopeManage = "The access token lacks the scope for this call: updating, rotating and deleting runners needs a token with the " +
		"`manage_runner` or `api` scope (`read_api` only allows reading)."
	hintRetryLater = "GitLab is overloaded or unavailable, and the provider's retries (the provider's `retries` setting) are used up. " +
		"Try again later, or raise `retries`."
	hintTransport = "The provider got no answer from GitLab. Check `base_url`, the network between Terraform and GitLab, and the " +
		"TLS settings (`cacert_file`, `client_cert`, `client_key`, `insecure`)."
)

// manageHint says who may manage (read, update, rotate, delete) a runner.
const manageHint = "Managing a runner needs, for a group runner, the Owner role on its group; for a project runner, the Maintainer " +
	"role on its project; for an instance runner, an administrator. The token also needs the `api` or `manage_runner` scope."

// apiErrorDetail is the one detail of a diagnostic for a failed GitLab
// call: "<attempted> failed.\n\nGitLab answered <status>: <message>
// (<method> <path>).\n\n<advice>". The advice is what the status alone says
// (token refused, GitLab overloaded, no answer) followed by the caller's
// hints; a call without hints gets the generic advice for its status.
func apiErrorDetail(attempted string, err error, hints ...string) string {
	var b strings.Builder
	var apiErr *gitlabapi.Error
	if errors.As(err, &apiErr) {
		fmt.Fprintf(&b, "%s failed.\n\nGitLab answered %s.", attempted, answer(err))
	} else {
		fmt.Fprintf(&b, "%s failed: %s.", attempted, answer(err))
	}
	advice := append([]string{statusHint(err)}, hints...)
	if strings.Join(hints, "") == "" {
		advice = append(advice, fallbackHint(err))
	}
	for _, a := range advice {
		if a != "" {
			b.WriteString("\n\n")
			b.WriteString(a)
		}
	}
	return b.String()
}

// answer is what GitLab answered, for a diagnostic: "403 Forbidden:
// Insufficient permissions (POST /user/runners)", or the reason there was no
// answer. Anything token-shaped is masked.
func answer(err error) string {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) {
		return gitlabapi.RedactSecrets(err.Error())
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(apiErr.StatusCode))
	if text := http.StatusText(apiErr.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if msg := apiErr.Reason(); msg != "" {
		b.WriteString(": " + gitlabapi.RedactSecrets(msg))
	}
	b.WriteString(" (" + apiErr.Method + " " + apiErr.Path + ")")
	return b.String()
}

// status is the HTTP status of a GitLab answer, or 0 when there was none
// (for example a network failure).
func status(err error) int {
	var apiErr *gitlabapi.Error
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// statusHint is the advice that only depends on the answer.
func statusHint(err error) string {
	switch code := status(err); {
	case code == 0:
		return hintTransport
	case code == http.StatusUnauthorized:
		return hintToken
	case code == http.StatusTooManyRequests || code >= 500:
		return hintRetryLater
	}
	return ""
}

// fallbackHint is the advice for a status when the caller knows no better.
func fallbackHint(err error) string {
	switch status(err) {
	case http.StatusForbidden:
		return "The token lacks the permission or scope for this call: use a token with the `api` or `read_api` scope of a " +
			"user who can see this object."
	case http.StatusNotFound:
		return "Check the id: GitLab also answers 404 when the token's user cannot see the object."
	}
	return ""
}

// isInsufficientScope recognises GitLab's answer to a token whose scopes do
// not cover the call (403 {"error":"insufficient_scope"}).
func isInsufficientScope(err error) bool {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		return false
	}
	return strings.Contains(strings.ToLower(apiErr.Message), "insufficient_scope") ||
		strings.Contains(strings.ToLower(apiErr.Message), "insufficient scope")
}

// createHint is the advice for a failed POST /user/runners other than 404
// (which the resource answers with a version check).
func createHint(scope runnerScope, err error) string {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) {
		return ""
	}
	msg := strings.ToLower(apiErr.Message)
	switch apiErr.StatusCode {
	case http.StatusForbidden:
		if isInsufficientScope(err) {
			return hintScopeCreate
		}
		hint := scope.permissionHint()
		if scope.Type != gitlabapi.RunnerTypeInstance {
			hint += " Non-administrators are also refused when the instance setting `valid_runner_registrars` does not list `" +
				strings.TrimSuffix(scope.Type, "_type") + "`."
		}
		return hint
	case http.StatusBadRequest:
		switch {
		case strings.Contains(msg, "invalid group"):
			return fmt.Sprintf("Group %d does not exist, or the token's user cannot see it. Check group_id.", scope.GroupID)
		case strings.Contains(msg, "invalid project"):
			return fmt.Sprintf("Project %d does not exist, or the token's user cannot see it. Check project_id.", scope.ProjectID)
		case strings.Contains(msg, "tags list can not be empty"):
			return "Add at least one tag to tag_list, or set run_untagged = true."
		}
		return "GitLab refused the runner's attributes; the message above names the attribute to fix."
	}
	return ""
}

// manageErrorHint is the advice for a failed call on an existing runner.
func manageErrorHint(runnerID int64, err error) string {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) {
		return ""
	}
	switch apiErr.StatusCode {
	case http.StatusForbidden:
		if isInsufficientScope(err) {
			return hintScopeManage
		}
		return fmt.Sprintf("The token's user may not manage runner %d. %s", runnerID, manageHint)
	case http.StatusNotFound:
		return fmt.Sprintf("Runner %d no longer exists in GitLab. Run `terraform apply` again: the refresh removes it from state and "+
			"Terraform plans to create a new runner.", runnerID)
	case http.StatusBadRequest:
		return "GitLab refused the runner's attributes; the message above names the attribute to fix."
	}
	return ""
}
