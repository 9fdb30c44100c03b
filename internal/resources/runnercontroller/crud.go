package runnercontroller

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
)

// ModifyPlan checks, when the plan creates a controller, that this GitLab
// and token may use runner controllers: the refusal comes at plan time and
// says which of version, edition, licence or permission is missing.
func (r *controllerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	runnercontrollers.CheckPlan(ctx, r.Data, runnercontrollers.Controllers, &resp.Diagnostics)
}

// options are the parameters of POST and PUT: every attribute the resource
// manages. An empty description is left out of the create (GitLab's
// default is none).
func (m *controllerModel) options(create bool) gitlabapi.RunnerControllerOptions {
	description, state := m.Description.ValueString(), m.State.ValueString()
	opts := gitlabapi.RunnerControllerOptions{Description: &description, State: &state}
	if create && description == "" {
		opts.Description = nil
	}
	return opts
}

func (r *controllerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan controllerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctl, err := r.Data.Client.CreateRunnerController(ctx, plan.options(true))
	if err != nil {
		hint := ""
		if errors.Is(err, gitlabapi.ErrMaybeApplied) {
			hint = "GitLab may have created the controller all the same. Look for it in the data source " +
				"gitlabrunner_runner_controllers (or GET /runner_controllers): import it " +
				"(`terraform import <address> <id>`), or delete it, before applying again."
		}
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers,
			"Unable to Create Runner Controller", "Creating the runner controller (POST /runner_controllers)", err, hint))
		return
	}
	state := fromAPI(ctl)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...)
}

// Read refreshes the controller. A controller GitLab says is gone leaves
// the state only when GitLab, asked right then, answers the controller API
// to this token: a 404 from a missing licence or version is an error.
func (r *controllerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state controllerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...) // first: the state may have none yet
	id, ok := r.id(state, &resp.Diagnostics)
	if !ok {
		return
	}
	ctl, err := r.Data.Client.GetRunnerController(ctx, id)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		if gone, problem := runnercontrollers.GoneEvidence(ctx, r.Data.Client); !gone {
			resp.Diagnostics.AddError(problem.Summary, fmt.Sprintf("GitLab answers 404 to GET /runner_controllers/%d, and "+
				"the provider cannot tell that the controller is gone: the state keeps it.\n\n%s", id, problem.Detail()))
			return
		}
		tflog.Warn(ctx, "the runner controller no longer exists; removing it from the state", map[string]any{"id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers,
			"Unable to Read Runner Controller", fmt.Sprintf("Reading runner controller %d (GET /runner_controllers/%d)", id, id), err))
		return
	}
	state = fromAPI(ctl)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *controllerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan, state controllerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	id, ok := r.id(state, &resp.Diagnostics)
	if !ok {
		return
	}
	ctl, err := r.Data.Client.UpdateRunnerController(ctx, id, plan.options(false))
	if err != nil {
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers,
			"Unable to Update Runner Controller", fmt.Sprintf("Updating runner controller %d (PUT /runner_controllers/%d)", id, id), err))
		return
	}
	updated := fromAPI(ctl)
	resp.Diagnostics.Append(resp.State.Set(ctx, &updated)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, updated)...)
}

// Delete deletes the controller, its scopes and its tokens. One already
// gone counts as deleted, on the same evidence as Read.
func (r *controllerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state controllerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	id, ok := r.id(state, &resp.Diagnostics)
	if !ok {
		return
	}
	err := r.Data.Client.DeleteRunnerController(ctx, id)
	if err != nil && !runnercontrollers.DeletedAlready(ctx, r.Data.Client, err) {
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, r.Data, runnercontrollers.Controllers,
			"Unable to Delete Runner Controller", fmt.Sprintf("Deleting runner controller %d (DELETE /runner_controllers/%d)", id, id), err))
	}
}

// id reads the controller id of the state.
func (r *controllerResource) id(state controllerModel, diags *diag.Diagnostics) (int64, bool) {
	if diags.HasError() {
		return 0, false
	}
	id, err := runnercontrollers.ParseID(state.ID.ValueString())
	if err != nil {
		diags.AddError("Invalid Runner Controller ID", fmt.Sprintf("The state holds id %q, which is not a runner controller "+
			"id: %s. Remove the resource from the state (`terraform state rm`) and import the controller by its numeric id.",
			state.ID.ValueString(), err))
		return 0, false
	}
	return id, true
}
