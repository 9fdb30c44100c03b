package userrunner

// The advice of gitlabrunner_user_runner's diagnostics: what a failed create
// or a failed call on an existing runner means for this resource. The
// formatter and the advice every resource shares are in internal/diagnostics.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

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
			return diagnostics.NotVisible("Group", scope.GroupID, "group_id")
		case strings.Contains(msg, "invalid project"):
			return diagnostics.NotVisible("Project", scope.ProjectID, "project_id")
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

// tokenShapeWarning warns about a runner token that does not look like
// GitLab's (glrt-…): the provider keeps it, since GitLab said it is the
// token, but something may be rewriting GitLab's answers. The warning names
// the runner, never the value.
func tokenShapeWarning(runnerID int64, token string) diag.Diagnostics {
	var diags diag.Diagnostics
	if token != "" && !strings.HasPrefix(token, "glrt-") {
		diags.AddWarning("Unexpected Runner Token Format", fmt.Sprintf(
			"GitLab returned a token for runner %d that does not start with \"glrt-\", the prefix of every runner "+
				"authentication token since GitLab 15.11. It is kept in state as the runner's token. If `gitlab-runner register` "+
				"refuses it, check that base_url points at GitLab itself and not at a proxy that rewrites answers.", runnerID))
	}
	return diags
}
