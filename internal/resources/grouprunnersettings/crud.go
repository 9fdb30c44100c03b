package grouprunnersettings

// Create, Read, Update, Delete and ModifyPlan of
// gitlabrunner_group_runner_settings.

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// applyGroup sets what GitLab shows of the group. registration_tokens_allowed
// (and allow_runner_registration_token, which reads back the effective
// state) come from runners_token, shown to Owners only: for others the
// former is null, the latter keeps its value, and a warning says why.
func (m *groupSettingsModel) applyGroup(g *gitlabapi.Group, diags *diag.Diagnostics) {
	m.ID = types.StringValue(strconv.FormatInt(g.ID, 10))
	m.GroupID = types.Int64Value(g.ID)
	m.FullPath = types.StringValue(g.FullPath)
	m.SharedRunnersSetting = types.StringValue(g.SharedRunnersSetting)
	if g.SharedRunnersSetting == "" {
		m.SharedRunnersSetting = types.StringNull()
	}
	if g.RunnersTokenVisible {
		allowed := g.RunnersToken != nil
		m.RegistrationTokensAllowed = types.BoolValue(allowed)
		m.AllowRunnerRegistrationToken = types.BoolValue(allowed)
		return
	}
	m.RegistrationTokensAllowed = types.BoolNull()
	if m.AllowRunnerRegistrationToken.IsUnknown() {
		m.AllowRunnerRegistrationToken = types.BoolNull()
	}
	diags.AddWarning("Registration Token State Not Readable", fmt.Sprintf(
		"GET /groups/%d did not include runners_token: GitLab shows it only to the group's Owners (and administrators), and it "+
			"is the only sign of whether registration tokens are allowed there. registration_tokens_allowed is null and "+
			"allow_runner_registration_token is not verified. Use a token of an Owner of group %s to fill them.", g.ID, g.FullPath))
}

func (r *groupSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Config, req.Plan, nil, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, resp.State)...)
}

func (r *groupSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Config, req.Plan, &req.State, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, resp.State)...)
}

// apply changes shared_runners_setting when configured and changed, then
// verifies allow_runner_registration_token. prior is nil for a create. A
// switch that differs fails the apply; an update keeps what GitLab shows, so
// the next plan shows the difference again.
func (r *groupSettingsResource) apply(ctx context.Context, cfg tfsdk.Config, pl tfsdk.Plan, prior *tfsdk.State, out *tfsdk.State, diags *diag.Diagnostics) {
	if !r.Data.Ready(diags) {
		return
	}
	var config, plan, state groupSettingsModel
	diags.Append(cfg.Get(ctx, &config)...)
	diags.Append(pl.Get(ctx, &plan)...)
	if prior != nil {
		diags.Append(prior.Get(ctx, &state)...)
	}
	if diags.HasError() {
		return
	}
	groupID := plan.GroupID.ValueInt64()
	client := r.Data.Client

	var group *gitlabapi.Group
	var err error
	if !config.SharedRunnersSetting.IsNull() && (prior == nil || !plan.SharedRunnersSetting.Equal(state.SharedRunnersSetting)) {
		group, err = client.UpdateGroup(ctx, groupID, gitlabapi.UpdateGroupOptions{SharedRunnersSetting: plan.SharedRunnersSetting.ValueStringPointer()})
		if err != nil {
			diags.AddError("Unable to Update Group Runner Settings", diagnostics.APIError(
				fmt.Sprintf("Setting shared_runners_setting = %q on group %d (PUT /groups/%d)", plan.SharedRunnersSetting.ValueString(), groupID, groupID),
				err, groupHint(groupID, err)))
			return
		}
	} else if group, err = client.GetGroup(ctx, groupID); err != nil {
		diags.AddError("Unable to Read Group", diagnostics.APIError(
			fmt.Sprintf("Reading group %d (GET /groups/%d)", groupID, groupID), err, groupHint(groupID, err)))
		return
	}

	want := config.AllowRunnerRegistrationToken
	if !want.IsNull() && group.ParentID != nil {
		diags.AddAttributeError(path.Root("allow_runner_registration_token"), "Registration Token Switch Only on Top-Level Groups",
			subgroupRefusal(group))
		return
	}
	got := plan
	got.applyGroup(group, diags)
	if !want.IsNull() && !got.RegistrationTokensAllowed.IsNull() && got.RegistrationTokensAllowed.ValueBool() != want.ValueBool() {
		diags.AddAttributeError(path.Root("allow_runner_registration_token"), "Group Registration Token Switch Differs",
			switchMismatch(ctx, client, group.FullPath, want.ValueBool()))
		if prior == nil {
			return // not created: the next plan tries again
		}
	}
	if !want.IsNull() && got.RegistrationTokensAllowed.IsNull() {
		got.AllowRunnerRegistrationToken = want // not readable: kept as configured, unverified (warned)
	}
	diags.Append(out.Set(ctx, &got)...)
}

// Read refreshes the group's settings; a group that is gone leaves the state.
func (r *groupSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state groupSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, req.State)...) // also when the group is gone
	groupID := state.GroupID.ValueInt64()
	group, err := r.Data.Client.GetGroup(ctx, groupID)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		tflog.Warn(ctx, "the group no longer exists; removing its runner settings from state", map[string]any{"group_id": groupID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Group", diagnostics.APIError(
			fmt.Sprintf("Reading group %d (GET /groups/%d)", groupID, groupID), err, groupHint(groupID, err)))
		return
	}
	state.applyGroup(group, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete leaves the group's settings as they are and only forgets them.
func (r *groupSettingsResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "gitlabrunner_group_runner_settings: destroy leaves the group's settings as they are")
}

// ModifyPlan refuses allow_runner_registration_token on a subgroup at plan
// time: it reads the group once (GET /groups/:id) when the attribute is set
// and the group id is known. An update leaves what GitLab will show after it
// unknown: the effective state may have changed with the instance setting.
func (r *groupSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var config groupSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() && !req.Plan.Raw.Equal(req.State.Raw) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("registration_tokens_allowed"), types.BoolUnknown())...)
		if config.AllowRunnerRegistrationToken.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("allow_runner_registration_token"), types.BoolUnknown())...)
		}
	}
	if r.Data == nil || r.Data.Client == nil || config.AllowRunnerRegistrationToken.IsNull() || config.GroupID.IsUnknown() || config.GroupID.IsNull() {
		return
	}
	groupID := config.GroupID.ValueInt64()
	group, err := r.Data.Client.GetGroup(ctx, groupID)
	if err != nil {
		if errors.Is(err, gitlabapi.ErrNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Group Not Found", diagnostics.APIError(
				fmt.Sprintf("Reading group %d (GET /groups/%d) to plan its runner settings", groupID, groupID), err, groupHint(groupID, err)))
		}
		return // other failures: the apply reports them
	}
	if group.ParentID != nil {
		resp.Diagnostics.AddAttributeError(path.Root("allow_runner_registration_token"), "Registration Token Switch Only on Top-Level Groups",
			subgroupRefusal(group))
	}
}
