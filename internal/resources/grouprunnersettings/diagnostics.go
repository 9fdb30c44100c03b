package grouprunnersettings

// What to do when the group's registration-token switch is not what the
// configuration wants, and the advice of this resource's API errors.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// uiToggle is where the switch lives: the top-level group's settings page
// (the label of GitLab's toggle, GitLab 16.11 or later).
const uiToggle = "the top-level group's Settings > CI/CD > Runners, toggle \"Allow members of projects and groups to create " +
	"runners with runner registration tokens\" (GitLab 16.11 or later; earlier versions have no toggle for it)"

// noAPI explains why the provider cannot flip the switch.
const noAPI = "GitLab offers no API for a group's registration-token switch: its groups API (PUT /groups/:id) takes only " +
	"shared_runners_setting, and GitLab keeps allow_runner_registration_token out of every API on purpose because the " +
	"setting is discouraged. The provider can only check it."

// switchMismatch is the detail of the apply's error when the effective
// state differs from the wanted one. For `true` it asks the instance
// settings (administrators only) which switch is off.
func switchMismatch(ctx context.Context, client *gitlabapi.Client, path string, want bool) string {
	if !want {
		return fmt.Sprintf("allow_runner_registration_token = false, but registration tokens are still allowed in group %s. %s\n\n"+
			"Turn them off in %s, or turn registration tokens off for the whole instance with gitlabrunner_instance_runner_settings "+
			"(allow_runner_registration_token = false; needs an administrator). Then run the plan again: it is empty once the "+
			"switch is off.", path, noAPI, uiToggle)
	}
	instance := ""
	settings, err := client.GetApplicationSettings(ctx)
	switch {
	case err == nil && settings.AllowRunnerRegistrationToken != nil && !*settings.AllowRunnerRegistrationToken:
		instance = "The instance setting allow_runner_registration_token is off, which turns registration tokens off in every " +
			"group whatever its own switch says: turn it on with gitlabrunner_instance_runner_settings " +
			"(allow_runner_registration_token = true; needs an administrator) first, then check the group's switch."
	case err == nil:
		instance = fmt.Sprintf("The instance allows registration tokens, so the group's own switch is off: turn it on in %s.", uiToggle)
	default:
		instance = fmt.Sprintf("Either the instance setting allow_runner_registration_token is off (only an administrator can "+
			"read it: GitLab answered %s; gitlabrunner_instance_runner_settings manages it), or the group's own switch is off "+
			"(%s).", diagnostics.Answer(err), uiToggle)
	}
	return fmt.Sprintf("allow_runner_registration_token = true, but registration tokens are off in group %s. %s\n\n%s Then run "+
		"the plan again: it is empty once they are allowed. (Registration tokens are deprecated: prefer creating runners with "+
		"gitlabrunner_user_runner.)", path, noAPI, instance)
}

// subgroupRefusal explains that only the top-level group's switch counts.
func subgroupRefusal(g *gitlabapi.Group) string {
	root, _, _ := strings.Cut(g.FullPath, "/")
	return fmt.Sprintf("Group %s (id %d) is a subgroup: GitLab applies the registration-token switch of its top-level group, %s, "+
		"and ignores a subgroup's own. Set allow_runner_registration_token on a gitlabrunner_group_runner_settings of the "+
		"top-level group %s instead, and leave it out here (registration_tokens_allowed still reports what applies to this "+
		"subgroup).", g.FullPath, g.ID, root, root)
}

// groupHint is the advice for a failed read or change of the group's
// settings (GET and PUT /groups/:id, GraphQL).
func groupHint(groupID int64, err error) string {
	var graphQL *gitlabapi.GraphQLError
	if errors.As(err, &graphQL) {
		return fmt.Sprintf("GitLab's GraphQL API gives this answer both when group %d does not exist and when the token's "+
			"user may not change its CI/CD settings: that needs the Owner role in the group (or an administrator), and a "+
			"token with the `api` scope (`read_api` cannot change anything).", groupID)
	}
	switch diagnostics.Status(err) {
	case http.StatusNotFound:
		return diagnostics.NotVisible("Group", groupID, "group_id")
	case http.StatusForbidden:
		if diagnostics.IsInsufficientScope(err) {
			return "The access token lacks the scope for this call: changing a group needs the `api` scope."
		}
		return fmt.Sprintf("Changing the runner settings of group %d needs the Owner role in it (or an administrator).", groupID)
	case http.StatusBadRequest:
		return "GitLab refused the value: a subgroup cannot enable instance runners, nor allow overriding, while its parent " +
			"group has shared_runners_setting = \"disabled_and_unoverridable\". Change the parent group first."
	}
	return ""
}
