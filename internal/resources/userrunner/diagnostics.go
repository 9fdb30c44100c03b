package userrunner

// The advice of gitlabrunner_user_runner's diagnostics: what a failed create
// or a failed call on an existing runner means for this resource. The
// formatter and the advice every resource shares are in internal/diagnostics.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// createHint is the advice for a failed POST /user/runners other than 404
// (which the resource answers with a version check).
func createHint(scope diagnostics.RunnerScope, err error) string {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) {
		return ""
	}
	msg := strings.ToLower(apiErr.Message)
	switch apiErr.StatusCode {
	case http.StatusForbidden:
		if diagnostics.IsInsufficientScope(err) {
			return diagnostics.HintScopeCreate
		}
		hint := scope.CreatePermission()
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
		case strings.Contains(msg, "token_expires_at"):
			return "GitLab refuses the first token's expiry that token_expires_in asks for: it must be more than 5 minutes " +
				"and at most 15 days after the create request, and no later than the token expiration interval that applies " +
				"to the runner (the maximum GitLab names above). Shorten token_expires_in, or remove it."
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
		if diagnostics.IsInsufficientScope(err) {
			return diagnostics.HintScopeManage
		}
		return fmt.Sprintf("The token's user may not manage runner %d. %s", runnerID, diagnostics.ManageRunnerPermission)
	case http.StatusNotFound:
		return fmt.Sprintf("Runner %d no longer exists in GitLab. Run `terraform apply` again: the refresh removes it from state and "+
			"Terraform plans to create a new runner.", runnerID)
	case http.StatusBadRequest:
		return "GitLab refused the runner's attributes; the message above names the attribute to fix."
	}
	return ""
}
