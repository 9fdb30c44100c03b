package userrunner

// Read, Update and Delete of gitlabrunner_user_runner.

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

// Read refreshes the runner with one GET. A runner that is gone (404) leaves
// the state, so the next plan creates it again; a 403 is an error, because
// losing permission is not the same as the runner being deleted. The token
// is never read (GitLab does not show it again) and stays as it is;
// token_current says whether it is still the runner's current token
// (checkToken: one more request only with token_check = "graphql").
func (r *userRunnerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state userRunnerModel
	resp.Diagnostics.Append(state.get(ctx, req.State)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := stateRunnerID(state, &resp.Diagnostics)
	if !ok {
		return
	}
	// The identity even when the runner leaves the state below: the
	// framework wants one after every Read, and a state written before
	// identities (by Terraform < 1.12, or an earlier version of this
	// provider) has none.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)

	details, err := r.Data.Client.GetRunner(ctx, id)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		tflog.Warn(ctx, "runner no longer exists in GitLab; removing it from state", map[string]any{"runner_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Runner", diagnostics.APIError(
			fmt.Sprintf("Reading runner %d (GET /runners/%d)", id, id), err, manageErrorHint(id, err),
			readForbiddenNote(err)))
		return
	}
	if len(details.Malformed) > 0 {
		resp.Diagnostics.AddWarning("Ambiguous Answer From GitLab", malformedAnswerWarning(id, http.MethodGet, details.Malformed))
	}
	state.applyDetails(details)
	if scope, ok := state.knownScope(); ok {
		_, diags := r.recoverScope(ctx, scope, opPlan, nil)
		resp.Diagnostics.Append(diags...)
	}
	reading, diags := r.checkToken(ctx, id, &state, details)
	resp.Diagnostics.Append(diags...)
	if resp.Private != nil {
		resp.Diagnostics.Append(saveReading(ctx, resp.Private, reading)...)
		resp.Diagnostics.Append(carryMovedMark(ctx, resp.Private)...)
		resp.Diagnostics.Append(settleRemoval(ctx, resp.Private, details)...)
	}
	resp.Diagnostics.Append(state.set(ctx, &resp.State)...)
}

// stateRunnerID is the runner id in state; a state that holds something else
// is reported (ok false).
func stateRunnerID(state userRunnerModel, diags *diag.Diagnostics) (int64, bool) {
	id, err := validators.ParseRunnerID(state.ID.ValueString())
	if err != nil {
		diags.AddError("Invalid Runner ID in State",
			fmt.Sprintf("The state holds the runner id %q, which is not a runner id (%s). Remove the resource from state "+
				"(`terraform state rm`) and import the runner by its numeric id.", state.ID.ValueString(), err))
		return 0, false
	}
	return id, true
}

func readForbiddenNote(err error) string {
	if errors.Is(err, gitlabapi.ErrForbidden) {
		return "The runner stays in state: a runner the token may no longer see is not treated as deleted."
	}
	return ""
}

// Update changes the runner in place with one PUT carrying the full desired
// set of attributes (attributes removed from the configuration are planned at
// GitLab's defaults), and rotates the token when the plan says so (the plan
// marks token unknown, see ModifyPlan).
func (r *userRunnerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan, state userRunnerModel
	resp.Diagnostics.Append(plan.get(ctx, req.Plan)...)
	resp.Diagnostics.Append(state.get(ctx, req.State)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := stateRunnerID(state, &resp.Diagnostics)
	if !ok {
		return
	}
	if scope, ok := state.knownScope(); ok {
		_, diags := r.recoverScope(ctx, scope, opApply, nil)
		resp.Diagnostics.Append(diags...)
	}
	if resp.Private != nil { // the move, if any, is applied now
		resp.Diagnostics.Append(saveMovedMark(ctx, resp.Private, "")...)
	}
	plan.ID = state.ID
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)
	rotate := plan.Token.IsUnknown()

	// The state to fall back to if a step fails: what is true in GitLab so far.
	current := state
	var updated *gitlabapi.RunnerDetails // the PUT's answer, if any

	if !plan.Runner.Equal(state.Runner) {
		opts, diags := plan.Runner.UpdateOptions(ctx)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		details, err := r.Data.Client.UpdateRunner(ctx, id, opts)
		if err != nil {
			resp.Diagnostics.AddError("Unable to Update Runner", diagnostics.APIError(
				fmt.Sprintf("Updating runner %d in %s (PUT /runners/%d)", id, state.scope(), id), err, manageErrorHint(id, err)))
			resp.Diagnostics.Append(current.set(ctx, &resp.State)...)
			return
		}
		plan.applyDetails(details)
		updated = details
		if len(details.Malformed) > 0 {
			resp.Diagnostics.AddWarning("Ambiguous Answer From GitLab", malformedAnswerWarning(id, http.MethodPut, details.Malformed))
		}
		// Keep the rotation settings of the plan and the token of the state
		// until the rotation below succeeds.
		current = plan
		current.Token, current.TokenExpiresAt, current.TokenCurrent = state.Token, state.TokenExpiresAt, state.TokenCurrent
		current.RotationTriggers, current.RotateBeforeExpiry = state.RotationTriggers, state.RotateBeforeExpiry
	}

	if rotate {
		tok, err := r.resetToken(ctx, id)
		if err != nil {
			resp.Diagnostics.AddError("Unable to Rotate Runner Token", diagnostics.APIError(
				fmt.Sprintf("Rotating the token of runner %d in %s (POST /runners/%d/reset_authentication_token)", id, state.scope(), id),
				err, manageErrorHint(id, err),
				"The runner keeps its previous token; the next apply tries the rotation again."))
			resp.Diagnostics.Append(current.set(ctx, &resp.State)...)
			return
		}
		plan.applyToken(tok)
		if resp.Private != nil { // what GitLab showed about the previous token is moot
			resp.Diagnostics.Append(saveReading(ctx, resp.Private, expiryReading{})...)
		}
		resp.Diagnostics.Append(tokenShapeWarning(id, tok.Token)...)
		tflog.Info(ctx, "rotated the runner's token", map[string]any{"runner_id": id})
	} else {
		// As planned (ModifyPlan keeps them from the state) ...
		plan.Token, plan.TokenExpiresAt = state.Token, state.TokenExpiresAt
		if plan.TokenCurrent.IsUnknown() {
			// ... but a changed token_check is judged now (ModifyPlan).
			reading, diags := r.checkToken(ctx, id, &plan, updated)
			resp.Diagnostics.Append(diags...)
			if resp.Private != nil {
				resp.Diagnostics.Append(saveReading(ctx, resp.Private, reading)...)
			}
		}
	}
	resp.Diagnostics.Append(plan.set(ctx, &resp.State)...)
}

// Delete removes the runner with one DELETE; a runner already gone counts as
// deleted. The runner of a create that saved it tainted is first checked to
// be still that create's (tainted.go): one GET more, only for those.
func (r *userRunnerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state userRunnerModel
	resp.Diagnostics.Append(state.get(ctx, req.State)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := validators.ParseRunnerID(state.ID.ValueString())
	if err != nil {
		// Nothing in GitLab can correspond to it; let Terraform forget it.
		tflog.Warn(ctx, "state holds no valid runner id; nothing to delete", map[string]any{"id": state.ID.ValueString()})
		return
	}
	if scope, ok := state.knownScope(); ok {
		_, diags := r.recoverScope(ctx, scope, opApply, nil)
		resp.Diagnostics.Append(diags...)
	}
	if !r.mayDelete(ctx, req, resp, id) {
		return
	}
	err = r.Data.Client.DeleteRunner(ctx, id)
	if err == nil || errors.Is(err, gitlabapi.ErrNotFound) {
		return
	}
	resp.Diagnostics.AddError("Unable to Delete Runner", diagnostics.APIError(
		fmt.Sprintf("Deleting runner %d in %s (DELETE /runners/%d)", id, state.scope(), id), err, manageErrorHint(id, err),
		deleteForbiddenNote(err)))
}

// mayDelete checks a tainted create's runner before Delete deletes it; false
// when it must not be deleted (or could not be checked: an error says so).
func (r *userRunnerResource) mayDelete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse, id int64) bool {
	if req.Private == nil {
		return true
	}
	if b, _ := req.Private.GetKey(ctx, privateKeyCreation); len(b) == 0 {
		return true
	}
	details, err := r.Data.Client.GetRunner(ctx, id)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		return false // gone: nothing to delete
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Delete Runner", diagnostics.APIError(
			fmt.Sprintf("Runner %d was saved as tainted by a create that did not finish; checking that it is still that "+
				"create's before deleting it (GET /runners/%d)", id, id), err, manageErrorHint(id, err)))
		return false
	}
	ours, diags := stillOurs(ctx, req.Private, id, details)
	resp.Diagnostics.Append(diags...)
	return ours
}

func deleteForbiddenNote(err error) string {
	if errors.Is(err, gitlabapi.ErrForbidden) {
		return "GitLab also refuses non-administrators to delete a project runner that is enabled in more than one project: " +
			"disable it in the other projects first, or use an administrator's token."
	}
	return ""
}
