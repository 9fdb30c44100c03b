package instancerunnersettings

// Create, Read, Update, Delete and ModifyPlan of
// gitlabrunner_instance_runner_settings.

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
)

// adminNeeded is the advice for GitLab's 403 on the settings API.
const adminNeeded = "The instance settings can only be read and changed by an administrator: GitLab answers 403 to every " +
	"other user (GET and PUT /application/settings). Configure the provider with an administrator's personal access " +
	"token (`api` scope) for this resource, for example in a separate platform workspace."

func settingsHint(err error) string {
	if diagnostics.Status(err) != http.StatusForbidden {
		return ""
	}
	if diagnostics.IsInsufficientScope(err) {
		return "The access token lacks the scope for this call: the instance settings need the `api` scope."
	}
	return adminNeeded
}

func (r *settingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
	if !resp.State.Raw.IsNull() {
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity)...)
	}
}

func (r *settingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
	if !resp.State.Raw.IsNull() {
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity)...)
	}
}

// apply reads the settings (the server's version decides which exist),
// PUTs the configured ones and keeps GitLab's answer as the state.
func (r *settingsResource) apply(ctx context.Context, cfg tfsdk.Config, pl tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	if !r.Data.Ready(diags) {
		return
	}
	var config, plan settingsModel
	diags.Append(cfg.Get(ctx, &config)...)
	diags.Append(pl.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	current, err := r.Data.Client.GetApplicationSettings(ctx)
	if err != nil {
		diags.AddError("Unable to Read Instance Runner Settings", diagnostics.APIError(
			"Reading the instance settings (GET /application/settings)", err, settingsHint(err)))
		return
	}
	unsupported(config, current.Has, diags)
	if diags.HasError() {
		return
	}
	opts, send, d := options(ctx, config, plan)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	if send {
		if current, err = r.Data.Client.UpdateApplicationSettings(ctx, opts); err != nil {
			diags.AddError("Unable to Update Instance Runner Settings", diagnostics.APIError(
				"Changing the instance runner settings (PUT /application/settings)", err, settingsHint(err),
				"GitLab names the setting it refused in its message; the plan's values are unchanged in the state."))
			return
		}
	}
	got := fromAPI(current)
	if keys := mismatches(config, plan, got); len(keys) > 0 {
		diags.AddError("Instance Runner Settings Not Applied", fmt.Sprintf(
			"GitLab answered the change without applying %s: its answer still holds the previous values. This GitLab may "+
				"ignore these settings (a version that does not have them), or something changed them at the same time. "+
				"The state keeps GitLab's values; the next plan shows the difference again.", joinKeys(keys)))
	}
	diags.Append(state.Set(ctx, &got)...)
}

// Read refreshes every attribute, also those not configured (read only).
func (r *settingsResource) Read(ctx context.Context, _ resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity)...)
	current, err := r.Data.Client.GetApplicationSettings(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Instance Runner Settings", diagnostics.APIError(
			"Reading the instance settings (GET /application/settings)", err, settingsHint(err)))
		return
	}
	got := fromAPI(current)
	resp.Diagnostics.Append(resp.State.Set(ctx, &got)...)
}

// Delete leaves GitLab's settings as they are and only forgets them (see the
// resource's description for why).
func (r *settingsResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "gitlabrunner_instance_runner_settings: destroy leaves the instance settings as they are")
}

// ModifyPlan refuses at plan time a configured setting that the server did
// not report at the last refresh (its state is null): the server's version
// does not have it. New resources are checked by the apply, which reads the
// settings first.
func (r *settingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var config, state settingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	has := map[string]bool{
		"allow_runner_registration_token": !state.AllowRunnerRegistrationToken.IsNull(),
		"valid_runner_registrars":         !state.ValidRunnerRegistrars.IsNull(),
	}
	for _, iv := range state.intervals() {
		has[iv.key] = !iv.value.IsNull()
	}
	for _, key := range config.configured() {
		if !has[key] {
			resp.Diagnostics.AddAttributeError(path.Root(key), "Setting Not Available on This GitLab", notAvailable(key))
		}
	}
}
