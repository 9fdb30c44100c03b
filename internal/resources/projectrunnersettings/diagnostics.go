package projectrunnersettings

// The advice of this resource's API errors and plan-time refusals.

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// maintainerNeeded says who may change a project's runner settings.
func maintainerNeeded(projectID int64) string {
	return fmt.Sprintf("Changing the runner settings of project %d needs the Maintainer role in it (or an administrator), "+
		"and a token with the `api` scope. GitLab shows group_runners_enabled only to them.", projectID)
}

// projectHint is the advice for a failed GET or PUT /projects/:id.
func projectHint(projectID int64, err error) string {
	switch diagnostics.Status(err) {
	case http.StatusNotFound:
		return diagnostics.NotVisible("Project", projectID, "project_id")
	case http.StatusForbidden:
		if diagnostics.IsInsufficientScope(err) {
			return "The access token lacks the scope for this call: changing a project needs the `api` scope."
		}
		return maintainerNeeded(projectID)
	case http.StatusBadRequest:
		var apiErr *gitlabapi.Error
		if errors.As(err, &apiErr) && len(apiErr.Fields["shared_runners_enabled"]) > 0 {
			return groupForbidsInstanceRunners("the project's group")
		}
	}
	return ""
}

// groupForbidsInstanceRunners explains GitLab's refusal of
// shared_runners_enabled = true under group.
func groupForbidsInstanceRunners(group string) string {
	return fmt.Sprintf("GitLab refuses to turn instance runners on in a project while %s has shared_runners_setting = "+
		"\"disabled_and_unoverridable\". Set that group's shared_runners_setting to \"disabled_and_overridable\" (for "+
		"example with gitlabrunner_group_runner_settings; the group's Owner role) and let the project turn them on, or "+
		"set shared_runners_enabled = false here.", group)
}
