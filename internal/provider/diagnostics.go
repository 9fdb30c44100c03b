package provider

// Diagnostics for failed GitLab API calls of gitlabrunner_user_runner. A
// diagnostic has a short Title Case summary; its detail says what was
// attempted, on which runner or scope, what GitLab answered (status and
// message) and what to do about it. Token values never appear: GitLab's
// messages do not contain them, and redactSecrets removes anything that
// looks like one as a second line of defence.

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
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
		"Try again later."
	hintTransport = "The provider got no answer from GitLab. Check `base_url`, the network between Terraform and GitLab, and the " +
		"TLS settings (`cacert_file`, `client_cert`, `client_key`, `insecure`)."
)

// manageHint says who may manage (read, update, rotate, delete) a runner.
const manageHint = "Managing a runner needs, for a group runner, the Owner role on its group; for a project runner, the Maintainer " +
	"role on its project; for an instance runner, an administrator. The token also needs the `api` or `manage_runner` scope."

// apiErrorDetail builds a diagnostic detail: "<attempted> failed. GitLab
// answered <status>: <message>. <hint>". hints are added after the generic
// advice for the status.
func apiErrorDetail(attempted string, err error, hints ...string) string {
	var b strings.Builder
	var apiErr *gitlabapi.Error
	switch {
	case errors.As(err, &apiErr):
		fmt.Fprintf(&b, "%s failed.\n\nGitLab answered %d %s", attempted, apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		if msg := gitlabMessage(apiErr); msg != "" {
			fmt.Fprintf(&b, ": %s", redactSecrets(msg))
		}
		b.WriteString(" (")
		b.WriteString(apiErr.Method + " " + apiErr.Path)
		b.WriteString(").")
		if generic := statusHint(apiErr); generic != "" {
			b.WriteString("\n\n")
			b.WriteString(generic)
		}
	default:
		fmt.Fprintf(&b, "%s failed: %s.\n\n%s", attempted, redactSecrets(err.Error()), hintTransport)
	}
	for _, h := range hints {
		if h != "" {
			b.WriteString("\n\n")
			b.WriteString(h)
		}
	}
	return b.String()
}

// gitlabMessage is GitLab's message without the status it repeats
// ("403 Forbidden - Insufficient permissions" -> "Insufficient permissions").
func gitlabMessage(e *gitlabapi.Error) string {
	msg := strings.TrimSpace(e.Message)
	code := strconv.Itoa(e.StatusCode)
	rest, ok := strings.CutPrefix(msg, code)
	if !ok {
		return msg
	}
	rest = strings.TrimSpace(rest)
	if text := http.StatusText(e.StatusCode); len(rest) >= len(text) && strings.EqualFold(rest[:len(text)], text) {
		rest = rest[len(text):]
	}
	rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "-"))
	if rest == "" {
		return ""
	}
	return rest
}

// statusHint is the advice that only depends on the answer.
func statusHint(e *gitlabapi.Error) string {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return hintToken
	case e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500:
		return hintRetryLater
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

// secretPattern matches GitLab token formats: runner authentication tokens
// (glrt-, glrtr-), personal/project/group access tokens (glpat-), deploy
// and trigger tokens, and registration tokens (GR1348941…).
var secretPattern = regexp.MustCompile(`\b(glrt|glrtr|glpat|gldt|glptt|glcbt|glsoat|glffct|glimt|glagent|gloas)-[A-Za-z0-9_\-.]+|\bGR1348941[A-Za-z0-9_\-]+`)

// redactSecrets replaces anything that looks like a GitLab token.
func redactSecrets(s string) string {
	return secretPattern.ReplaceAllString(s, "[REDACTED]")
}
