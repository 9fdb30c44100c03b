package provider

// ModifyPlan decides at plan time whether the token rotates in place. It
// rotates when rotation_triggers change (including the first trigger after
// an import, when the token is null), or when the token expires within
// rotate_before_expiry of the provider's clock. A rotating plan shows token
// and token_expires_at as unknown; otherwise both keep their state values so
// plans stay empty.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

func (r *userRunnerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Creates mint a token anyway; destroys need nothing.
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state userRunnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	now := time.Now
	if r.data != nil && r.data.Now != nil {
		now = r.data.Now
	}
	rotate, reason := rotationNeeded(&state, &plan, now())

	token, expiresAt := state.Token, state.TokenExpiresAt
	if rotate {
		tflog.Info(ctx, "the plan rotates the runner's token", map[string]any{"runner_id": state.ID.ValueString(), "reason": reason})
		token, expiresAt = types.StringUnknown(), types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("token"), token)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("token_expires_at"), expiresAt)...)
}

// rotationNeeded is ModifyPlan's decision, with the reason for the log.
func rotationNeeded(state, plan *userRunnerModel, now time.Time) (bool, string) {
	if triggersChanged(state.RotationTriggers, plan.RotationTriggers) {
		if state.Token.IsNull() {
			return true, "rotation_triggers changed and the state has no token (imported runner)"
		}
		return true, "rotation_triggers changed"
	}
	if plan.RotateBeforeExpiry.IsNull() || plan.RotateBeforeExpiry.IsUnknown() || state.TokenExpiresAt.IsNull() || state.TokenExpiresAt.IsUnknown() {
		return false, ""
	}
	window, err := time.ParseDuration(plan.RotateBeforeExpiry.ValueString())
	if err != nil || window <= 0 {
		return false, "" // the validator reports it
	}
	expires, err := time.Parse(time.RFC3339, state.TokenExpiresAt.ValueString())
	if err != nil {
		return false, ""
	}
	if left := expires.Sub(now); left <= window {
		return true, fmt.Sprintf("the token expires at %s, within rotate_before_expiry (%s)", expires.Format(time.RFC3339), window)
	}
	return false, ""
}

// triggersChanged compares rotation_triggers; null and empty are the same.
// An unknown map (or element) may change, so it counts as changed.
func triggersChanged(before, after types.Map) bool {
	if after.IsUnknown() || before.IsUnknown() {
		return true
	}
	a, b := before.Elements(), after.Elements()
	if len(a) != len(b) {
		return true
	}
	for k, v := range b {
		old, ok := a[k]
		if !ok || v.IsUnknown() || !v.Equal(old) {
			return true
		}
	}
	return false
}
