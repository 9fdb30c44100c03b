package userrunner

// ModifyPlan decides at plan time whether the token rotates in place. It
// rotates when rotation_triggers change (including the first trigger after
// an import, when the token is null), when the token expires within
// rotate_before_expiry of the provider's clock, or when the last refresh
// found the token stale (token_current = false) and on_stale_token is
// "rotate"; a stale token always gets a warning (token_check.go). A rotating
// plan shows token, token_expires_at and token_current as unknown; otherwise
// they keep their state values so plans stay empty.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// rotationView holds the attributes ModifyPlan looks at, of the plan or of
// the state. ModifyPlan runs for every resource in every plan, so it reads
// these one by one instead of the whole model (which the framework fills by
// reflection, field by field).
type rotationView struct {
	Token              types.String
	TokenExpiresAt     types.String
	TokenCurrent       types.Bool
	RotationTriggers   types.Map
	RotateBeforeExpiry types.String
	OnStaleToken       types.String
	TokenCheck         types.String
}

func (r *userRunnerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Destroys need nothing; creates mint a token anyway, and only need the
	// server checked for creation settings.
	if req.Plan.Raw.IsNull() {
		return
	}
	if req.State.Raw.IsNull() {
		r.checkCreationSettings(ctx, req.Plan, &resp.Diagnostics)
		return
	}
	if req.Private != nil && firstPlanAfterMove(ctx, req.Private) {
		warnMovedResets(ctx, req, resp)
	}
	var plan, state rotationView
	d := &resp.Diagnostics
	getAttr(ctx, d, req.Plan, "rotation_triggers", &plan.RotationTriggers)
	getAttr(ctx, d, req.Plan, "rotate_before_expiry", &plan.RotateBeforeExpiry)
	getAttr(ctx, d, req.Plan, "token", &plan.Token)
	getAttr(ctx, d, req.Plan, "token_expires_at", &plan.TokenExpiresAt)
	getAttr(ctx, d, req.Plan, "token_current", &plan.TokenCurrent)
	getAttr(ctx, d, req.Plan, "on_stale_token", &plan.OnStaleToken)
	getAttr(ctx, d, req.Plan, "token_check", &plan.TokenCheck)
	getAttr(ctx, d, req.State, "token_check", &state.TokenCheck)
	getAttr(ctx, d, req.State, "rotation_triggers", &state.RotationTriggers)
	getAttr(ctx, d, req.State, "token", &state.Token)
	getAttr(ctx, d, req.State, "token_expires_at", &state.TokenExpiresAt)
	getAttr(ctx, d, req.State, "token_current", &state.TokenCurrent)
	if d.HasError() {
		return
	}

	now := r.Data.Now()
	rotate, reason := rotationNeeded(&state, &plan, now)

	var id types.String
	if rotate || isFalse(state.TokenCurrent) {
		getAttr(ctx, d, req.State, "id", &id)
	}
	if isFalse(state.TokenCurrent) {
		gitlab := loadReading(ctx, req.Private)
		// The refresh judged it; the clock tells expired from rotated.
		why := staleRotated
		if _, w := judgeToken(state.Token, state.TokenExpiresAt, expiryReading{}, now); w == staleExpired {
			why = staleExpired
		}
		d.AddWarning("Runner Token Is Stale", staleTokenWarning(id.ValueString(), why, state.TokenExpiresAt, gitlab, rotate, now))
	}

	token, expiresAt, current := state.Token, state.TokenExpiresAt, state.TokenCurrent
	if !plan.TokenCheck.Equal(state.TokenCheck) {
		current = types.BoolUnknown() // the apply judges the token the new way
	}
	if rotate {
		tflog.Info(ctx, "the plan rotates the runner's token", map[string]any{"runner_id": id.ValueString(), "reason": reason})
		token, expiresAt, current = types.StringUnknown(), types.StringUnknown(), types.BoolUnknown()
	}
	// Each SetAttribute rebuilds the whole planned object: only when needed.
	if !plan.Token.Equal(token) {
		d.Append(resp.Plan.SetAttribute(ctx, path.Root("token"), token)...)
	}
	if !plan.TokenExpiresAt.Equal(expiresAt) {
		d.Append(resp.Plan.SetAttribute(ctx, path.Root("token_expires_at"), expiresAt)...)
	}
	if !plan.TokenCurrent.Equal(current) {
		d.Append(resp.Plan.SetAttribute(ctx, path.Root("token_current"), current)...)
	}
}

func isFalse(b types.Bool) bool { return !b.IsNull() && !b.IsUnknown() && !b.ValueBool() }

// attrGetter is tfsdk.Plan or tfsdk.State.
type attrGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target interface{}) diag.Diagnostics
}

// getAttr reads one top-level attribute into a types.String or types.Map.
// The *attr.Value target is the framework's fast path (no reflection).
func getAttr[T attr.Value](ctx context.Context, d *diag.Diagnostics, from attrGetter, name string, target *T) {
	var v attr.Value
	d.Append(from.GetAttribute(ctx, path.Root(name), &v)...)
	if d.HasError() {
		return
	}
	t, ok := v.(T)
	if !ok {
		d.AddAttributeError(path.Root(name), "Unexpected Attribute Type",
			fmt.Sprintf("The attribute %s is a %T, expected %T. This is a bug in the provider.", name, v, *target))
		return
	}
	*target = t
}

// rotationNeeded is ModifyPlan's decision, with the reason for the log.
func rotationNeeded(state, plan *rotationView, now time.Time) (bool, string) {
	if tfvalue.TriggersChanged(state.RotationTriggers, plan.RotationTriggers) {
		if state.Token.IsNull() {
			return true, "rotation_triggers changed and the state has no token (imported runner)"
		}
		return true, "rotation_triggers changed"
	}
	if isFalse(state.TokenCurrent) && plan.OnStaleToken.ValueString() == onStaleTokenRotate {
		return true, "the token in state is stale and on_stale_token is \"rotate\""
	}
	if plan.RotateBeforeExpiry.IsNull() || plan.RotateBeforeExpiry.IsUnknown() || state.TokenExpiresAt.IsNull() || state.TokenExpiresAt.IsUnknown() {
		return false, ""
	}
	window, err := time.ParseDuration(plan.RotateBeforeExpiry.ValueString())
	if err != nil || window <= 0 {
		return false, "" // the validator reports it
	}
	expires, err := time.Parse(tfvalue.TimeLayout, state.TokenExpiresAt.ValueString())
	if err != nil {
		return false, ""
	}
	if left := expires.Sub(now); left <= window {
		return true, fmt.Sprintf("the token expires at %s, within rotate_before_expiry (%s)", expires.Format(tfvalue.TimeLayout), window)
	}
	return false, ""
}
