package projectrunnerassignment

// The advice of gitlabrunner_project_runner_assignment's diagnostics, keyed
// on GitLab's answers (lib/api/ci/runners.rb). The formatter and the advice
// every resource shares are in internal/diagnostics.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// permissions says who may assign a runner to a project.
const permissions = "Assigning a runner needs the Maintainer role on the target project and on a project the runner " +
	"belongs to (or an administrator's token), with the `api` scope."

// Why GitLab refuses a runner, whoever asks; also the plan-time errors.
func groupRunnerRefusal(runnerID int64) string {
	return fmt.Sprintf("Runner %d is a group runner: it already serves every project of its group and its subgroups, and "+
		"GitLab cannot assign it to a project. Assign a project runner, or create a group runner for the project's group.", runnerID)
}

func instanceRunnerRefusal(runnerID int64) string {
	return fmt.Sprintf("Runner %d is an instance runner: it already serves every project of the instance (unless the "+
		"project or its group turns instance runners off, see shared_runners_setting of "+
		"gitlabrunner_group_runner_settings), and GitLab cannot assign it to a project.", runnerID)
}

func lockedRunnerRefusal(runnerID int64) string {
	return fmt.Sprintf("Runner %d is locked to its current projects: GitLab refuses to assign it elsewhere (only an "+
		"administrator may override the lock, and this resource respects it for everyone). Unlock it first: set "+
		"locked = false on its gitlabrunner_user_runner (or in the runner's settings in GitLab).", runnerID)
}

func ownerProjectRefusal(projectID, runnerID int64) string {
	return fmt.Sprintf("Project %d is the owner project of runner %d: the runner always serves it, so there is nothing to "+
		"assign, and GitLab would refuse to unassign it on destroy. Remove this assignment from the configuration; "+
		"assign the runner to other projects only.", projectID, runnerID)
}

// assignHint is the advice for a failed POST /projects/:id/runners.
func assignHint(projectID, runnerID int64, err error) string {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) {
		return ""
	}
	msg := strings.ToLower(apiErr.Message)
	switch apiErr.StatusCode {
	case http.StatusForbidden:
		switch {
		case diagnostics.IsInsufficientScope(err):
			return "The access token lacks the scope for this call: assigning runners needs the `api` scope."
		case strings.Contains(msg, "group runner"):
			return groupRunnerRefusal(runnerID)
		case strings.Contains(msg, "runner is locked"):
			return lockedRunnerRefusal(runnerID)
		case strings.Contains(msg, "no access granted"):
			return fmt.Sprintf("The token's user may not assign runner %d: it needs the Maintainer role on a project the "+
				"runner belongs to, or an administrator. Instance runners cannot be assigned at all. %s", runnerID, permissions)
		}
		return fmt.Sprintf("The token's user may not add runners to project %d: it needs the Maintainer role there (or an "+
			"administrator). Non-administrators are also refused when the instance setting valid_runner_registrars does not "+
			"list `project` (see gitlabrunner_instance_runner_settings). %s", projectID, permissions)
	case http.StatusNotFound:
		if strings.Contains(msg, "project") {
			return diagnostics.NotVisible("Project", projectID, "project_id")
		}
		return diagnostics.NotVisible("Runner", runnerID, "runner_id")
	}
	return ""
}

// readHint is the advice for a failed GET /runners/:id.
func readHint(runnerID int64, err error) string {
	if diagnostics.Status(err) == http.StatusForbidden {
		return fmt.Sprintf("The token's user may not read runner %d. %s The assignment stays in state: a runner the token "+
			"may no longer see is not treated as unassigned.", runnerID, permissions)
	}
	return ""
}

// unassignHint is the advice for a failed DELETE /projects/:id/runners/:runner_id.
func unassignHint(projectID, runnerID int64, err error) string {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		return ""
	}
	msg := strings.ToLower(apiErr.Message)
	switch {
	case diagnostics.IsInsufficientScope(err):
		return "The access token lacks the scope for this call: unassigning runners needs the `api` scope."
	case strings.Contains(msg, "runner is locked"):
		return fmt.Sprintf("Runner %d is locked: GitLab lets only administrators unassign it. Unlock it (locked = false) "+
			"or use an administrator's token.", runnerID)
	}
	return fmt.Sprintf("The token's user may not unassign runner %d from project %d. %s", runnerID, projectID, permissions)
}

// isOwnerProjectRefusal recognises 403 "You cannot unassign a runner from
// the owner project. Delete the runner instead".
func isOwnerProjectRefusal(err error) bool {
	var apiErr *gitlabapi.Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden &&
		strings.Contains(strings.ToLower(apiErr.Message), "owner project")
}
