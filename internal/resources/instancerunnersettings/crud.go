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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

// adminNeeded is the advice for GitLab's 403 on the settings API.
const adminNeeded = "The instance settings can only be read and changed by an administrator: GitLab answers 403 to every " +
	"other user (GET and PUT /application/settings). Configure the provider with an administrator's personal access " +
	"token (`api` scope) for this resource, for example in a separate platform workspace."

// scope names the settings' owner in messages.
const scope = "the instance"

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

// read is GET /application/settings, explained when it fails.
func (r *settingsResource) read(ctx context.Context, diags *diag.Diagnostics) *gitlabapi.ApplicationSettings {
	s, err := r.Data.Client.GetApplicationSettings(ctx)
	if err != nil {
		diags.AddError("Unable to Read Instance Runner Settings", diagnostics.APIError(
			"Reading the instance settings (GET /application/settings)", err, settingsHint(err)))
		return nil
	}
	return s
}

// apply reads the settings (the server's answer says which exist), PUTs the
// configured ones GitLab does not hold yet and keeps GitLab's answer as the
// state.
func (r *settingsResource) apply(ctx context.Context, cfg tfsdk.Config, pl tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
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
	current := r.read(ctx, diags)
	if current == nil || settingsattrs.Instance.Unavailable(config.Settings, current.Has, scope, diags) {
		return
	}
	changes, nulls, send, d := settingsattrs.Instance.Changes(ctx, config.Settings, plan.Settings, fromAPI(current).Settings)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	if send {
		var err error
		opts := gitlabapi.UpdateApplicationSettingsOptions{ApplicationSettings: changes, Null: nulls}
		if current, err = r.Data.Client.UpdateApplicationSettings(ctx, opts); err != nil {
			diags.AddError("Unable to Update Instance Runner Settings", diagnostics.APIError(
				"Changing the instance runner settings (PUT /application/settings)", err, settingsHint(err),
				"GitLab names the setting it refused in its message; the plan's values are unchanged in the state."))
			return
		}
		diags.Append(runnersCreatedBefore(r.Data.ExpiryChanges(), changes, nulls)...)
	}
	got := fromAPI(current)
	if names := settingsattrs.Instance.NotApplied(config.Settings, plan.Settings, got.Settings); len(names) > 0 {
		diags.AddError("Instance Runner Settings Not Applied", fmt.Sprintf(
			"GitLab answered the change without applying %s: its answer still holds the previous values. This GitLab may "+
				"ignore these settings (a version that does not have them), or something changed them at the same time. "+
				"The state keeps GitLab's values; the next plan shows the difference again.", settingsattrs.Join(names)))
	}
	diags.Append(got.set(ctx, state)...)
}

// Read refreshes every attribute, also those not configured (read only).
func (r *settingsResource) Read(ctx context.Context, _ resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity)...)
	if current := r.read(ctx, &resp.Diagnostics); current != nil {
		resp.Diagnostics.Append(fromAPI(current).set(ctx, &resp.State)...)
	}
}

// Delete leaves GitLab's settings as they are and only forgets them (see the
// resource's description for why).
func (r *settingsResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "gitlabrunner_instance_runner_settings: destroy leaves the instance settings as they are")
}

// ModifyPlan refuses at plan time a second resource that wants another value
// for a setting (claim), and a configured setting the server does not have:
// known from the state (null: the server did not report it at the last
// refresh), or for a new resource from one read of the settings. A read
// that fails is left to the apply, which reports it.
func (r *settingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	config, diags := get(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(settingsattrs.Instance.Configured(config.Settings)) == 0 {
		return
	}
	r.claim(config, &resp.Diagnostics)
	if !req.State.Raw.IsNull() {
		state, diags := get(ctx, req.State)
		resp.Diagnostics.Append(diags...)
		if !resp.Diagnostics.HasError() {
			settingsattrs.Instance.Unavailable(config.Settings, state.inState, scope, &resp.Diagnostics)
		}
		return
	}
	if r.Data == nil || r.Data.Client == nil {
		return
	}
	if current, err := r.Data.Client.GetApplicationSettings(ctx); err == nil {
		settingsattrs.Instance.Unavailable(config.Settings, current.Has, scope, &resp.Diagnostics)
	}
}

// claim refuses a configured setting another
// gitlabrunner_instance_runner_settings of this configuration wants another
// value for: there is one set of instance settings, and the two would undo
// each other on every apply. The provider sees the resource instances
// planned by one provider block in one run (providerdata.Claim), so two
// provider blocks for the same GitLab, or two configurations, go unseen; a
// value unknown at plan time is checked when the apply plans it again.
func (r *settingsResource) claim(config settingsModel, diags *diag.Diagnostics) {
	if r.Data == nil {
		return
	}
	for _, name := range settingsattrs.Instance.Configured(config.Settings) {
		v := config.Settings[name]
		if v.IsUnknown() {
			continue
		}
		if first, conflict := r.Data.Claim("gitlabrunner_instance_runner_settings."+name, v.String()); conflict {
			diags.AddAttributeError(path.Root(name), "Conflicting Instance Runner Settings", fmt.Sprintf(
				"Another gitlabrunner_instance_runner_settings in this configuration sets %s = %s, and this one sets %s = %s. "+
					"There is one set of instance settings: the two would undo each other on every apply. Manage each "+
					"instance setting in one resource only (a count, a for_each or a module used twice makes several).",
				name, first, name, v.String()))
		}
	}
}
