package runnercontrollertoken

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
)

func (r *tokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan tokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	controllerID := plan.RunnerControllerID.ValueInt64()
	var description *string
	if d := plan.Description.ValueString(); d != "" {
		description = &d
	}
	t, err := r.Data.Client.CreateRunnerControllerToken(ctx, controllerID, description)
	if err != nil {
		hint := ""
		if errors.Is(err, gitlabapi.ErrMaybeApplied) {
			hint = fmt.Sprintf("GitLab may have minted the token all the same, and nobody has it. Revoke the controller's "+
				"tokens you do not know (GET /runner_controllers/%d/tokens lists the active ones), then apply again.", controllerID)
		}
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers, "Unable to Create Runner Controller Token",
			fmt.Sprintf("Minting a token of runner controller %d (POST /runner_controllers/%d/tokens)", controllerID, controllerID), err, hint))
		return
	}
	plan.ID = types.StringValue(formatID(controllerID, t.ID))
	plan.Token = types.StringValue(t.Token)
	plan.refresh(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

// Read refreshes the current token. A token GitLab no longer shows
// (revoked or rotated outside Terraform, or its controller deleted) leaves
// the state, so that the next plan mints a new one; only on evidence that
// the 404 means that (tokenGone).
func (r *tokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state tokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...) // first: the state may have none yet
	controllerID, tokenID, ok := ids(state, &resp.Diagnostics)
	if !ok {
		return
	}
	t, err := r.Data.Client.GetRunnerControllerToken(ctx, controllerID, tokenID)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		if r.tokenGone(ctx, controllerID, tokenID, &resp.Diagnostics) {
			tflog.Warn(ctx, "the runner controller token was revoked or its controller deleted; removing it from the state",
				map[string]any{"runner_controller_id": controllerID, "token_id": tokenID})
			resp.State.RemoveResource(ctx)
		}
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers, "Unable to Read Runner Controller Token",
			fmt.Sprintf("Reading token %d of runner controller %d (GET /runner_controllers/%d/tokens/%d)", tokenID, controllerID, controllerID, tokenID), err))
		return
	}
	state.refresh(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// tokenGone decides what GitLab's 404 to a token means: gone when its
// controller answers (GitLab hides revoked tokens) or when the controller
// is gone while the controller API answers this token. Otherwise it adds
// the error that says why the provider cannot tell, and the state is kept.
func (r *tokenResource) tokenGone(ctx context.Context, controllerID, tokenID int64, diags *diag.Diagnostics) bool {
	_, err := r.Data.Client.GetRunnerController(ctx, controllerID)
	if err == nil {
		return true
	}
	if errors.Is(err, gitlabapi.ErrNotFound) {
		gone, problem := runnercontrollers.GoneEvidence(ctx, r.Data.Client)
		if gone {
			return true
		}
		diags.AddError(problem.Summary, fmt.Sprintf("GitLab answers 404 to token %d of runner controller %d and to the "+
			"controller, and the provider cannot tell that they are gone: the state keeps the token.\n\n%s",
			tokenID, controllerID, problem.Detail()))
		return false
	}
	diags.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers, "Unable to Read Runner Controller",
		fmt.Sprintf("Reading runner controller %d (GET /runner_controllers/%d), as GitLab no longer shows its token %d",
			controllerID, controllerID, tokenID), err))
	return false
}

// Update rotates the token when the plan says so (token_id unknown: see
// ModifyPlan); rotation_triggers alone change nothing else in GitLab.
func (r *tokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan, state tokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	controllerID, tokenID, ok := ids(state, &resp.Diagnostics)
	if !ok {
		return
	}
	if !plan.TokenID.IsUnknown() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
		return
	}
	t, err := r.Data.Client.RotateRunnerControllerToken(ctx, controllerID, tokenID)
	if err != nil {
		hint := ""
		switch {
		case errors.Is(err, gitlabapi.ErrMaybeApplied):
			hint = fmt.Sprintf("GitLab may have rotated the token all the same: then the token in state no longer works and "+
				"its successor is known to nobody. Apply again: the refresh finds the old token revoked and the plan mints a "+
				"new one; revoke the controller's tokens you do not know (GET /runner_controllers/%d/tokens).", controllerID)
		case errors.Is(err, gitlabapi.ErrNotFound):
			hint = "The token was revoked since the last refresh: apply again, and the plan mints a new one."
		}
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers, "Unable to Rotate Runner Controller Token",
			fmt.Sprintf("Rotating token %d of runner controller %d (POST /runner_controllers/%d/tokens/%d/rotate)",
				tokenID, controllerID, controllerID, tokenID), err, hint))
		return
	}
	plan.Token = types.StringValue(t.Token)
	plan.refresh(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

// Delete revokes the current token; one already revoked (or whose
// controller is gone) counts as revoked, on the same evidence as Read.
func (r *tokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state tokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	controllerID, tokenID, ok := ids(state, &resp.Diagnostics)
	if !ok {
		return
	}
	err := r.Data.Client.RevokeRunnerControllerToken(ctx, controllerID, tokenID)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		r.tokenGone(ctx, controllerID, tokenID, &resp.Diagnostics)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers, "Unable to Revoke Runner Controller Token",
			fmt.Sprintf("Revoking token %d of runner controller %d (DELETE /runner_controllers/%d/tokens/%d)",
				tokenID, controllerID, controllerID, tokenID), err))
	}
}

// ids reads the controller and current token ids of the state.
func ids(state tokenModel, diags *diag.Diagnostics) (controllerID, tokenID int64, ok bool) {
	if diags.HasError() {
		return 0, 0, false
	}
	if state.RunnerControllerID.IsNull() || state.TokenID.IsNull() || state.TokenID.IsUnknown() {
		diags.AddError("Invalid Runner Controller Token State", fmt.Sprintf("The state of token %q lacks its controller or "+
			"token id. Remove it from the state (`terraform state rm`) and import it as <runner_controller_id>/<token_id>.",
			state.ID.ValueString()))
		return 0, 0, false
	}
	return state.RunnerControllerID.ValueInt64(), state.TokenID.ValueInt64(), true
}
