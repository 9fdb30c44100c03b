package runnercontrollerscope

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// Create adds the scope. One that exists already (added outside Terraform,
// or by an attempt whose answer was lost) is adopted.
func (r *scopeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan scopeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	controllerID, runnerID := plan.RunnerControllerID.ValueInt64(), plan.runnerID()
	var err error
	if runnerID == 0 {
		_, err = r.Data.Client.AddRunnerControllerInstanceScope(ctx, controllerID)
	} else {
		_, err = r.Data.Client.AddRunnerControllerRunnerScope(ctx, controllerID, runnerID)
	}
	if err != nil && !gitlabapi.IsScopeAlreadyThere(err) && !errors.Is(err, gitlabapi.ErrMaybeApplied) {
		need := runnercontrollers.Controllers
		if runnerID != 0 {
			need = runnercontrollers.RunnerScopes
		}
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, need, "Unable to Add Runner Controller Scope",
			fmt.Sprintf("Adding %s to runner controller %d (POST %s)", what(runnerID), controllerID, scopePath(controllerID, runnerID)),
			err, addHint(err)))
		return
	}
	if err != nil {
		tflog.Info(ctx, "the scope may exist already; reading it back", map[string]any{"error": err.Error()})
	}
	// Read back what GitLab holds, for an adopted scope or a lost answer alike.
	plan.ID = types.StringValue(formatID(controllerID, runnerID))
	found, ok := r.refresh(ctx, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if !found {
		resp.Diagnostics.AddError("Runner Controller Scope Not Added", fmt.Sprintf("GitLab's answer to adding %s to "+
			"runner controller %d was lost, and the controller's scopes do not hold it: it was not added. Apply again.",
			what(runnerID), controllerID))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

// addHint explains GitLab's refusals of a new scope.
func addHint(err error) string {
	switch diagnostics.Status(err) {
	case http.StatusConflict:
		return "A runner controller has the instance scope or runner scopes, never both. Remove the scopes of the other " +
			"kind first (in an apply before this one), or keep to one kind in this configuration."
	case http.StatusUnprocessableEntity:
		return "Only instance runners can be scoped: use an instance runner, or the instance scope (leave runner_id out)."
	case http.StatusNotFound:
		return "The runner controller or the runner does not exist."
	}
	return ""
}

// Read checks that the scope still exists; one removed outside Terraform
// (or whose controller or runner was deleted) leaves the state, on evidence
// only (runnercontrollers.GoneEvidence for a 404).
func (r *scopeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state scopeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...) // first: the state may have none yet
	if resp.Diagnostics.HasError() {
		return
	}
	found, ok := r.refresh(ctx, &state, &resp.Diagnostics)
	switch {
	case !ok:
		return
	case !found:
		tflog.Warn(ctx, "the runner controller scope no longer exists; removing it from the state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// refresh reads the controller's scopes and sets m's created_at from its
// scope; found is false when the scope (or its controller) is gone; ok is
// false when the diagnostics say why nothing is known.
func (r *scopeResource) refresh(ctx context.Context, m *scopeModel, diags *diag.Diagnostics) (found, ok bool) {
	controllerID, runnerID := m.RunnerControllerID.ValueInt64(), m.runnerID()
	scopes, err := r.Data.Client.GetRunnerControllerScopes(ctx, controllerID)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		gone, problem := runnercontrollers.GoneEvidence(ctx, r.Data.Client)
		if !gone {
			diags.AddError(problem.Summary, fmt.Sprintf("GitLab answers 404 to the scopes of runner controller %d, and the "+
				"provider cannot tell that the controller is gone: the state keeps %s.\n\n%s", controllerID, what(runnerID), problem.Detail()))
		}
		return false, gone
	}
	if err != nil {
		diags.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers, "Unable to Read Runner Controller Scopes",
			fmt.Sprintf("Reading the scopes of runner controller %d (GET /runner_controllers/%d/scopes)", controllerID, controllerID), err))
		return false, false
	}
	list := scopes.Instance
	if runnerID != 0 {
		list = scopes.Runners
	}
	for _, s := range list {
		if s.RunnerID == runnerID {
			m.CreatedAt = tfvalue.Time(s.CreatedAt)
			return true, true
		}
	}
	return false, true
}

// Update never reaches GitLab: every attribute replaces the scope. It
// exists for the framework, and keeps the plan.
func (r *scopeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan scopeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

// Delete removes the scope (GitLab answers 204 also when it is not there);
// a controller or runner already gone counts as removed, on evidence.
func (r *scopeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state scopeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	controllerID, runnerID := state.RunnerControllerID.ValueInt64(), state.runnerID()
	var err error
	if runnerID == 0 {
		err = r.Data.Client.RemoveRunnerControllerInstanceScope(ctx, controllerID)
	} else {
		err = r.Data.Client.RemoveRunnerControllerRunnerScope(ctx, controllerID, runnerID)
	}
	if err != nil && !runnercontrollers.DeletedAlready(ctx, r.Data.Client, err) {
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers, "Unable to Remove Runner Controller Scope",
			fmt.Sprintf("Removing %s from runner controller %d (DELETE %s)", what(runnerID), controllerID, scopePath(controllerID, runnerID)), err))
	}
}
