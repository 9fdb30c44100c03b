package projectrunnersettings

// ModifyPlan of gitlabrunner_project_runner_settings: what GitLab would
// refuse, found at plan time by reading the project (and its group).

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

// ModifyPlan refuses, for a plan that creates the resource or changes a
// configured setting, what GitLab would refuse: a project the token cannot
// see, a token that may not change it, a setting this GitLab does not have,
// and instance runners turned on under a group that made them
// unoverridable. It reads the project once (and its group for the last),
// only then; a read that fails otherwise is left to the apply.
func (r *projectSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || (!req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw)) {
		return
	}
	config, diags := get(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(settingsattrs.Project.Configured(config.Settings)) == 0 ||
		config.ProjectID.IsUnknown() || r.Data == nil || r.Data.Client == nil {
		return
	}
	projectID := config.ProjectID.ValueInt64()
	p, err := r.Data.Client.GetProject(ctx, projectID)
	var apiErr *gitlabapi.Error
	switch {
	case errors.As(err, &apiErr) && errors.Is(err, gitlabapi.ErrNotFound):
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Project Not Found", diagnostics.APIError(
			fmt.Sprintf("Reading project %d (GET /projects/%d) to plan its runner settings", projectID, projectID), err,
			projectHint(projectID, err)))
		return
	case err != nil:
		return
	case !canAdminister(p):
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Maintainer Role Needed", fmt.Sprintf(
			"GitLab shows project %s to the token's user without the settings it shows to those who may change it. %s",
			p.PathWithNamespace, maintainerNeeded(projectID)))
		return
	}
	if settingsattrs.Project.Unavailable(config.Settings, p.Has, "project "+p.PathWithNamespace, &resp.Diagnostics) {
		return
	}
	r.checkInstanceRunners(ctx, config, p, resp)
}

// checkInstanceRunners refuses shared_runners_enabled = true for a project
// that has them off while its group has made them unoverridable: GitLab
// checks it only when the value changes (app/models/project.rb,
// changing_shared_runners_enabled_is_allowed). A group the token cannot
// read is left to the apply.
func (r *projectSettingsResource) checkInstanceRunners(ctx context.Context, config projectSettingsModel, p *gitlabapi.Project,
	resp *resource.ModifyPlanResponse) {
	want, _ := config.Settings["shared_runners_enabled"].(types.Bool)
	if want.IsNull() || want.IsUnknown() || !want.ValueBool() || p.SharedRunnersEnabled == nil || *p.SharedRunnersEnabled ||
		p.Namespace.Kind != "group" {
		return
	}
	g, err := r.Data.Client.GetGroup(ctx, p.Namespace.ID)
	if err != nil || g.SharedRunnersSetting == nil || *g.SharedRunnersSetting != settingsattrs.SharedRunnersDisabledAndUnoverridable {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("shared_runners_enabled"), "Instance Runners Not Allowed by the Group",
		fmt.Sprintf("Project %s cannot turn instance runners on: its group %s has shared_runners_setting = %q. %s",
			p.PathWithNamespace, g.FullPath, *g.SharedRunnersSetting, groupForbidsInstanceRunners("group "+g.FullPath)))
}
