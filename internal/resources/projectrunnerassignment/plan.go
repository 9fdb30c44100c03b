package projectrunnerassignment

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// ModifyPlan finds GitLab's refusals before the apply: planning a new
// assignment reads the project once (GET /projects/:id) when its id is known,
// so that a project that does not exist fails the plan even when the runner
// is created in the same apply; and the runner once (GET /runners/:id) when
// its id is known, refusing group and instance runners, locked runners and
// the runner's owner project. An assignment that exists already is announced
// (the apply adopts it). A runner not known yet (created in the same apply) is
// checked by the apply, as is a runner the token may not read, whose
// diagnostic explains the permissions.
func (r *assignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return // destroy, or an existing assignment (nothing can change in place)
	}
	var plan assignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || r.Data == nil || r.Data.Client == nil {
		return // not configured yet (validation): the apply checks
	}
	if !plan.ProjectID.IsUnknown() && !plan.ProjectID.IsNull() && !r.planProject(ctx, plan.ProjectID.ValueInt64(), resp) {
		return
	}
	if !plan.RunnerID.IsUnknown() && !plan.RunnerID.IsNull() {
		r.planRunner(ctx, plan, resp)
	}
}

// planProject reads the target project; false when the plan must stop.
func (r *assignmentResource) planProject(ctx context.Context, projectID int64, resp *resource.ModifyPlanResponse) bool {
	_, err := r.Data.Client.GetProject(ctx, projectID)
	attempted := fmt.Sprintf("Reading project %d (GET /projects/%d) to plan an assignment to it", projectID, projectID)
	switch {
	case err == nil:
		return true
	case errors.Is(err, gitlabapi.ErrNotFound):
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Project Not Found", diagnostics.APIError(attempted, err,
			diagnostics.NotVisible("Project", projectID, "project_id")))
	default:
		resp.Diagnostics.AddError("Unable to Read Project", diagnostics.APIError(attempted, err))
	}
	return false
}

// planRunner reads the runner and refuses what GitLab would refuse.
func (r *assignmentResource) planRunner(ctx context.Context, plan assignmentModel, resp *resource.ModifyPlanResponse) {
	runnerID := plan.RunnerID.ValueInt64()
	details, err := r.Data.Client.GetRunner(ctx, runnerID)
	switch {
	case errors.Is(err, gitlabapi.ErrNotFound):
		resp.Diagnostics.AddAttributeError(path.Root("runner_id"), "Runner Not Found", diagnostics.APIError(
			fmt.Sprintf("Reading runner %d (GET /runners/%d) to plan its assignment", runnerID, runnerID), err,
			diagnostics.NotVisible("Runner", runnerID, "runner_id")))
		return
	case diagnostics.Status(err) == http.StatusForbidden:
		tflog.Debug(ctx, "the runner is not readable at plan time; the apply checks the assignment", map[string]any{"runner_id": runnerID})
		return
	case err != nil:
		resp.Diagnostics.AddError("Unable to Read Runner", diagnostics.APIError(
			fmt.Sprintf("Reading runner %d (GET /runners/%d) to plan its assignment", runnerID, runnerID), err))
		return
	}
	refusal := ""
	switch {
	case details.RunnerType == gitlabapi.RunnerTypeGroup:
		refusal = groupRunnerRefusal(runnerID)
	case details.RunnerType == gitlabapi.RunnerTypeInstance:
		refusal = instanceRunnerRefusal(runnerID)
	case details.Locked != nil && *details.Locked:
		refusal = lockedRunnerRefusal(runnerID)
	}
	if refusal != "" {
		resp.Diagnostics.AddAttributeError(path.Root("runner_id"), "Runner Cannot Be Assigned", refusal)
		return
	}
	if plan.ProjectID.IsUnknown() || plan.ProjectID.IsNull() {
		return
	}
	projectID := plan.ProjectID.ValueInt64()
	for i, p := range details.Projects {
		if p.ID != projectID {
			continue
		}
		if i == 0 { // GitLab lists the owner project first
			resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Project Is the Runner's Owner Project",
				ownerProjectRefusal(projectID, runnerID))
			return
		}
		resp.Diagnostics.AddAttributeWarning(path.Root("project_id"), "Runner Already Assigned", fmt.Sprintf(
			"Runner %d is already assigned to project %d (%s). The apply adopts this assignment: Terraform then manages "+
				"it, and destroy unassigns it.", runnerID, projectID, p.PathWithNamespace))
	}
}
