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
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// rotationView holds the attributes ModifyPlan looks at, of the plan or of
// the state. ModifyPlan runs for every resource in every plan, so it reads
// only these, from the plan's and the state's values (readRotationView): the
// framework's GetAttribute walks the schema for each.
type rotationView struct {
	ID                 types.String
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
	d := &resp.Diagnostics
	plan, state := readRotationView(ctx, d, req.Plan.Raw), readRotationView(ctx, d, req.State.Raw)
	if d.HasError() {
		return
	}

	now := r.Data.Now()
	rotate, reason := rotationNeeded(state, plan, now)

	id := state.ID
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
	// Writing rebuilds the whole planned object: only when needed, in one
	// write.
	changed := map[string]attr.Value{}
	if !plan.Token.Equal(token) {
		changed["token"] = token
	}
	if !plan.TokenExpiresAt.Equal(expiresAt) {
		changed["token_expires_at"] = expiresAt
	}
	if !plan.TokenCurrent.Equal(current) {
		changed["token_current"] = current
	}
	if len(changed) == 0 {
		return
	}
	planned, diags := tfvalue.SetAttributes(ctx, objectType(), resp.Plan.Raw, changed)
	d.Append(diags...)
	if !diags.HasError() {
		resp.Plan.Raw = planned
	}
}

// readRotationView reads the rotationView of a plan's or a state's value.
func readRotationView(ctx context.Context, d *diag.Diagnostics, raw tftypes.Value) *rotationView {
	a, diags := tfvalue.ReadAttributes(ctx, objectType(), raw, "id", "token", "token_expires_at", "token_current",
		"rotation_triggers", "rotate_before_expiry", "on_stale_token", "token_check")
	d.Append(diags...)
	return &rotationView{
		ID:                 tfvalue.As[types.String](a, "id", d),
		Token:              tfvalue.As[types.String](a, "token", d),
		TokenExpiresAt:     tfvalue.As[types.String](a, "token_expires_at", d),
		TokenCurrent:       tfvalue.As[types.Bool](a, "token_current", d),
		RotationTriggers:   tfvalue.As[types.Map](a, "rotation_triggers", d),
		RotateBeforeExpiry: tfvalue.As[types.String](a, "rotate_before_expiry", d),
		OnStaleToken:       tfvalue.As[types.String](a, "on_stale_token", d),
		TokenCheck:         tfvalue.As[types.String](a, "token_check", d),
	}
}

func isFalse(b types.Bool) bool { return !b.IsNull() && !b.IsUnknown() && !b.ValueBool() }

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
