package projectrunnerassignment

// Create, Read, Update and Delete of gitlabrunner_project_runner_assignment.

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

// Create assigns the runner with one POST. An assignment that exists already
// (made by hand, or a retry after a lost answer) is adopted: GitLab's 400
// "has already been taken" means the desired state holds. An assignment
// whose outcome is unknown (a lost answer, retries used up after GitLab may
// have applied it, Terraform interrupted while it was in flight) is settled
// by reading the runner back (settle, outcome.go) and, unless that confirms
// it, saved with an error, so that Terraform keeps it as tainted and the next
// refresh finds out the truth: it is never forgotten while GitLab has it.
func (r *assignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan assignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	projectID, runnerID := plan.ProjectID.ValueInt64(), plan.RunnerID.ValueInt64()
	_, err := r.Data.Client.AssignRunnerToProject(ctx, projectID, runnerID)
	switch {
	case err == nil:
	case gitlabapi.IsAlreadyAssigned(err):
		resp.Diagnostics.AddWarning("Runner Already Assigned", fmt.Sprintf(
			"Runner %d was already assigned to project %d; Terraform now manages that assignment (destroy unassigns it).",
			runnerID, projectID))
	case errors.Is(err, gitlabapi.ErrMaybeApplied) || (providerdata.Interrupted(ctx) && diagnostics.Status(err) == 0):
		// Unknown outcome (an interrupted call that got no answer may be in
		// flight too): read back.
		diags, save := r.settle(ctx, projectID, runnerID, err)
		resp.Diagnostics.Append(diags...)
		if !save {
			return
		}
	default:
		resp.Diagnostics.AddError("Unable to Assign Runner", diagnostics.APIError(
			assigning(projectID, runnerID), err, assignHint(projectID, runnerID, err)))
		return
	}
	plan.ID = types.StringValue(formatID(projectID, runnerID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

// assigning names the request, for diagnostics.
func assigning(projectID, runnerID int64) string {
	return fmt.Sprintf("Assigning runner %d to project %d (POST /projects/%d/runners)", runnerID, projectID, projectID)
}

// Read checks with one GET of the runner that it still lists the project.
// A runner that is gone (404), or no longer assigned to the project, leaves
// the state, so the next plan assigns it again; a 403 is an error, because
// losing permission is not the same as the assignment being removed.
func (r *assignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state assignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity even when the assignment leaves the state below: the
	// framework wants one after every Read, and a state written before
	// identities (by Terraform < 1.12, or an earlier version of this
	// provider) has none.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...)
	projectID, runnerID := state.ProjectID.ValueInt64(), state.RunnerID.ValueInt64()
	details, err := r.Data.Client.GetRunner(ctx, runnerID)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		tflog.Warn(ctx, "the runner no longer exists; removing its assignment from state", map[string]any{"runner_id": runnerID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Runner", diagnostics.APIError(
			fmt.Sprintf("Reading runner %d (GET /runners/%d) for its assignment to project %d", runnerID, runnerID, projectID),
			err, readHint(runnerID, err)))
		return
	}
	state, assigned := assignmentOf(details, projectID)
	if !assigned {
		tflog.Warn(ctx, "the runner is no longer assigned to the project; removing the assignment from state",
			map[string]any{"runner_id": runnerID, "project_id": projectID})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never planned (every attribute replaces the resource); it keeps
// the plan.
func (r *assignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan assignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

// Delete unassigns the runner. Already unassigned (404) counts as done; the
// owner project, which GitLab refuses to unassign, ends the resource with a
// warning rather than failing the run.
func (r *assignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var state assignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	projectID, runnerID := state.ProjectID.ValueInt64(), state.RunnerID.ValueInt64()
	err := r.Data.Client.UnassignRunnerFromProject(ctx, projectID, runnerID)
	switch {
	case err == nil || errors.Is(err, gitlabapi.ErrNotFound):
	case isOwnerProjectRefusal(err) || r.refusedForOwnerProject(ctx, projectID, runnerID, err):
		resp.Diagnostics.AddWarning("Runner Stays Assigned to Its Owner Project", fmt.Sprintf(
			"GitLab answered %s. Project %d is the owner project of runner %d, which GitLab never unassigns: the runner "+
				"stays assigned there, and Terraform forgets the assignment. To remove the runner from the project, delete the "+
				"runner (its gitlabrunner_user_runner).", diagnostics.Answer(err), projectID, runnerID))
	default:
		resp.Diagnostics.AddError("Unable to Unassign Runner", diagnostics.APIError(
			fmt.Sprintf("Unassigning runner %d from project %d (DELETE /projects/%d/runners/%d)", runnerID, projectID, projectID, runnerID),
			err, unassignHint(projectID, runnerID, err)))
	}
}

// refusedForOwnerProject tells a plain 403 "No access granted" that is about
// the owner project: from ≈ 18.2 GitLab answers a non-administrator so,
// from its runner-project policy, before the message that names the owner
// project. The runner's details list the owner project first.
func (r *assignmentResource) refusedForOwnerProject(ctx context.Context, projectID, runnerID int64, err error) bool {
	if diagnostics.Status(err) != http.StatusForbidden || diagnostics.IsInsufficientScope(err) {
		return false
	}
	d, readErr := r.Data.Client.GetRunner(ctx, runnerID)
	return readErr == nil && len(d.Projects) > 0 && d.Projects[0].ID == projectID
}

// assignmentOf is the state of the assignment of runner d to project
// projectID as GitLab shows it (Read and the list resource share it), and
// whether the runner is assigned there at all.
func assignmentOf(d *gitlabapi.RunnerDetails, projectID int64) (assignmentModel, bool) {
	for _, p := range d.Projects {
		if p.ID == projectID {
			return assignmentModel{
				ID:        types.StringValue(formatID(projectID, d.ID)),
				ProjectID: types.Int64Value(projectID),
				RunnerID:  types.Int64Value(d.ID),
			}, true
		}
	}
	return assignmentModel{}, false
}

// isAssigned reports whether runner d lists project projectID.
func isAssigned(d *gitlabapi.RunnerDetails, projectID int64) bool {
	_, ok := assignmentOf(d, projectID)
	return ok
}
