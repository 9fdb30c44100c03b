package grouprunnersettings

// Create, Read, Update, Delete and ModifyPlan of
// gitlabrunner_group_runner_settings.

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

func (r *groupSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Config, req.Plan, nil, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, resp.State)...)
}

func (r *groupSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Config, req.Plan, &req.State, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, resp.State)...)
}

// readGroup reads the group and its runner settings (REST and GraphQL),
// explained when it fails.
func (r *groupSettingsResource) readGroup(ctx context.Context, groupID int64, diags *diag.Diagnostics) *gitlabapi.Group {
	g, err := r.Data.Client.GetGroupRunnerSettings(ctx, groupID)
	if err != nil {
		diags.AddError("Unable to Read Group Runner Settings", diagnostics.APIError(
			fmt.Sprintf("Reading group %d and its runner settings (GET /groups/%d, GraphQL group)", groupID, groupID),
			err, groupHint(groupID, err)))
		return nil
	}
	return g
}

// apply changes the configured settings GitLab does not hold yet, then
// verifies allow_runner_registration_token. prior is nil for a create. A
// switch that differs fails the apply; an update keeps what GitLab shows,
// so the next plan shows the difference again.
func (r *groupSettingsResource) apply(ctx context.Context, cfg tfsdk.Config, pl tfsdk.Plan, prior *tfsdk.State, out *tfsdk.State, diags *diag.Diagnostics) {
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
	groupID := plan.GroupID.ValueInt64()
	group := r.readGroup(ctx, groupID, diags)
	if group == nil || settingsattrs.Group.Unavailable(config.Settings, group.Has, "group "+group.FullPath, diags) {
		return
	}
	changes, _, send, d := settingsattrs.Group.Changes(ctx, config.Settings, plan.Settings,
		settingsattrs.Group.FromAPI(&group.GroupRunnerSettings, group.Has))
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	if send {
		updated, err := r.Data.Client.UpdateGroupRunnerSettings(ctx, group, changes)
		if err != nil {
			diags.AddError("Unable to Update Group Runner Settings", diagnostics.APIError(
				fmt.Sprintf("Changing %s of group %s", settingsattrs.Join(settingsattrs.Group.Configured(config.Settings)), group.FullPath),
				err, groupHint(groupID, err)))
			return
		}
		group = updated
	}
	got := plan
	if !r.verifySwitch(ctx, config, group, prior == nil, &got, diags) {
		return
	}
	if names := settingsattrs.Group.NotApplied(config.Settings, plan.Settings, got.Settings); len(names) > 0 {
		diags.AddError("Group Runner Settings Not Applied", fmt.Sprintf(
			"GitLab answered the change of group %s without applying %s: its answer still holds the previous values. "+
				"Something may have changed them at the same time. The state keeps GitLab's values; the next plan shows the "+
				"difference again.", group.FullPath, settingsattrs.Join(names)))
	}
	diags.Append(got.set(ctx, out)...)
}

// verifySwitch fills got from the group and checks the configured
// registration-token switch; false when the state must not be written (a
// subgroup, or a create whose switch differs: the next plan tries again).
func (r *groupSettingsResource) verifySwitch(ctx context.Context, config groupSettingsModel, group *gitlabapi.Group, create bool,
	got *groupSettingsModel, diags *diag.Diagnostics) bool {
	want := config.AllowRunnerRegistrationToken
	if !want.IsNull() && group.ParentID != nil {
		diags.AddAttributeError(path.Root("allow_runner_registration_token"), "Registration Token Switch Only on Top-Level Groups",
			subgroupRefusal(group))
		return false
	}
	got.applyGroup(group, diags)
	if !want.IsNull() && !got.RegistrationTokensAllowed.IsNull() && got.RegistrationTokensAllowed.ValueBool() != want.ValueBool() {
		diags.AddAttributeError(path.Root("allow_runner_registration_token"), "Group Registration Token Switch Differs",
			switchMismatch(ctx, r.Data.Client, group.FullPath, want.ValueBool()))
		if create {
			return false
		}
	}
	if !want.IsNull() && got.RegistrationTokensAllowed.IsNull() {
		got.AllowRunnerRegistrationToken = want // not readable: kept as configured, unverified (warned)
	}
	return true
}

// Read refreshes the group's settings; a group that is gone leaves the state.
func (r *groupSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	state, diags := get(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, req.State)...) // also when the group is gone
	groupID := state.GroupID.ValueInt64()
	group, err := r.Data.Client.GetGroupRunnerSettings(ctx, groupID)
	var apiErr *gitlabapi.Error
	if errors.As(err, &apiErr) && errors.Is(err, gitlabapi.ErrNotFound) {
		tflog.Warn(ctx, "the group no longer exists; removing its runner settings from state", map[string]any{"group_id": groupID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Group Runner Settings", diagnostics.APIError(
			fmt.Sprintf("Reading group %d and its runner settings (GET /groups/%d, GraphQL group)", groupID, groupID),
			err, groupHint(groupID, err)))
		return
	}
	state.applyGroup(group, &resp.Diagnostics)
	resp.Diagnostics.Append(state.set(ctx, &resp.State)...)
}

// Delete leaves the group's settings as they are and only forgets them.
func (r *groupSettingsResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "gitlabrunner_group_runner_settings: destroy leaves the group's settings as they are")
}

// ModifyPlan refuses at plan time what a read of the group (made only when
// needed) shows GitLab would refuse: a group the token cannot see, a
// configured setting this GitLab does not have (for a create or a change),
// and allow_runner_registration_token on a subgroup. An update leaves what
// GitLab will show after it unknown: the effective state may have changed
// with the instance setting.
func (r *groupSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	config, diags := get(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	changing := req.State.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw)
	if !req.State.Raw.IsNull() && changing {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("registration_tokens_allowed"), types.BoolUnknown())...)
		if config.AllowRunnerRegistrationToken.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("allow_runner_registration_token"), types.BoolUnknown())...)
		}
	}
	checkSettings := changing && len(settingsattrs.Group.Configured(config.Settings)) > 0
	if r.Data == nil || r.Data.Client == nil || config.GroupID.IsUnknown() || config.GroupID.IsNull() ||
		(config.AllowRunnerRegistrationToken.IsNull() && !checkSettings) {
		return
	}
	groupID := config.GroupID.ValueInt64()
	read := r.Data.Client.GetGroup
	if checkSettings {
		read = r.Data.Client.GetGroupRunnerSettings
	}
	group, err := read(ctx, groupID)
	if err != nil {
		var apiErr *gitlabapi.Error
		if errors.As(err, &apiErr) && errors.Is(err, gitlabapi.ErrNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Group Not Found", diagnostics.APIError(
				fmt.Sprintf("Reading group %d (GET /groups/%d) to plan its runner settings", groupID, groupID), err, groupHint(groupID, err)))
		}
		return // other failures: the apply reports them
	}
	if checkSettings {
		settingsattrs.Group.Unavailable(config.Settings, group.Has, "group "+group.FullPath, &resp.Diagnostics)
	}
	if !config.AllowRunnerRegistrationToken.IsNull() && group.ParentID != nil {
		resp.Diagnostics.AddAttributeError(path.Root("allow_runner_registration_token"), "Registration Token Switch Only on Top-Level Groups",
			subgroupRefusal(group))
	}
}
