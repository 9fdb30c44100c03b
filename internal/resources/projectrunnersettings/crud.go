package projectrunnersettings

// Create, Read, Update and Delete of gitlabrunner_project_runner_settings.

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

func (r *projectSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, resp.State)...)
}

func (r *projectSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, resp.State)...)
}

// readProject is GET /projects/:id, explained when it fails.
func (r *projectSettingsResource) readProject(ctx context.Context, projectID int64, diags *diag.Diagnostics) *gitlabapi.Project {
	p, err := r.Data.Client.GetProject(ctx, projectID)
	if err != nil {
		diags.AddError("Unable to Read Project Runner Settings", diagnostics.APIError(
			fmt.Sprintf("Reading project %d (GET /projects/%d)", projectID, projectID), err, projectHint(projectID, err)))
		return nil
	}
	return p
}

// apply reads the project, PUTs the configured settings GitLab does not
// hold yet, and keeps GitLab's answer as the state.
func (r *projectSettingsResource) apply(ctx context.Context, cfg tfsdk.Config, pl tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	if !r.Data.Ready(diags) {
		return
	}
	config, d := get(ctx, cfg)
	diags.Append(d...)
	plan, d := get(ctx, pl)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	projectID := plan.ProjectID.ValueInt64()
	current := r.readProject(ctx, projectID, diags)
	if current == nil {
		return
	}
	// A caller who may not change the project does not see all its settings
	// either: the PUT says so (403) rather than a "not available" guess.
	if canAdminister(current) &&
		settingsattrs.Project.Unavailable(config.Settings, current.Has, "project "+current.PathWithNamespace, diags) {
		return
	}
	changes, _, send, d := settingsattrs.Project.Changes(ctx, config.Settings, plan.Settings, fromAPI(current).Settings)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	if send {
		updated, err := r.Data.Client.UpdateProjectRunnerSettings(ctx, projectID, changes)
		if err != nil {
			diags.AddError("Unable to Update Project Runner Settings", diagnostics.APIError(
				fmt.Sprintf("Changing %s of project %s (PUT /projects/%d)", settingsattrs.Join(settingsattrs.Project.Configured(config.Settings)),
					current.PathWithNamespace, projectID), err, projectHint(projectID, err)))
			return
		}
		current = updated
	}
	got := fromAPI(current)
	if names := settingsattrs.Project.NotApplied(config.Settings, plan.Settings, got.Settings); len(names) > 0 {
		diags.AddError("Project Runner Settings Not Applied", fmt.Sprintf(
			"GitLab answered the change of project %s without applying %s: its answer still holds the previous values. This "+
				"GitLab may ignore the setting (a version without it), or something changed it at the same time. The state "+
				"keeps GitLab's values; the next plan shows the difference again.", current.PathWithNamespace, settingsattrs.Join(names)))
	}
	diags.Append(got.set(ctx, state)...)
}

// Read refreshes both settings, also one that is not configured (read
// only); a project that is gone leaves the state.
func (r *projectSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	state, diags := get(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, req.State)...) // also when the project is gone
	projectID := state.ProjectID.ValueInt64()
	p, err := r.Data.Client.GetProject(ctx, projectID)
	var apiErr *gitlabapi.Error
	if errors.As(err, &apiErr) && errors.Is(err, gitlabapi.ErrNotFound) {
		tflog.Warn(ctx, "the project no longer exists; removing its runner settings from state", map[string]any{"project_id": projectID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Project Runner Settings", diagnostics.APIError(
			fmt.Sprintf("Reading project %d (GET /projects/%d)", projectID, projectID), err, projectHint(projectID, err)))
		return
	}
	if !canAdminister(p) {
		resp.Diagnostics.AddWarning("Project Runner Settings Not Readable", fmt.Sprintf(
			"GET /projects/%d did not include group_runners_enabled, so it is null. %s", projectID, maintainerNeeded(projectID)))
	}
	resp.Diagnostics.Append(fromAPI(p).set(ctx, &resp.State)...)
}

// Delete leaves the project's settings as they are and only forgets them.
func (r *projectSettingsResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "gitlabrunner_project_runner_settings: destroy leaves the project's runner settings as they are")
}
