package runnercontrollerscope

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
)

// ModifyPlan finds GitLab's refusals before the apply:
//
//   - the instance scope and a runner scope of one controller in one
//     configuration (every scope the plan keeps or creates is noted for the
//     provider process: the second of a mix fails; a controller id known
//     only at apply is checked by the apply's own plan, before any request);
//   - for a new scope: a server or token without runner controllers (or
//     without runner scopes), a runner that does not exist or is not an
//     instance runner (one GET /runners/:id), and what the controller's
//     scopes already hold (one GET of its scopes: the scope itself, which the
//     apply adopts, or scopes of the other kind, which GitLab would refuse
//     while they exist).
func (r *scopeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state scopeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || r.Data == nil || r.Data.Client == nil {
		return // not configured yet (validation); the apply's plan checks
	}
	if !plan.RunnerControllerID.IsUnknown() && !plan.RunnerID.IsUnknown() {
		if conflict := r.declared().add(plan.RunnerControllerID.ValueInt64(), plan.runnerID()); conflict != "" {
			resp.Diagnostics.AddAttributeError(path.Root("runner_id"), "Runner Controller Scopes Cannot Be Mixed", conflict)
			return
		}
	}
	creating := req.State.Raw.IsNull() || !plan.RunnerControllerID.Equal(state.RunnerControllerID) || !plan.RunnerID.Equal(state.RunnerID)
	if !creating {
		return
	}
	need := runnercontrollers.Controllers
	if !plan.RunnerID.IsNull() {
		need = runnercontrollers.RunnerScopes
	}
	runnercontrollers.CheckPlan(ctx, r.Data, need, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || plan.RunnerID.IsUnknown() {
		return
	}
	if runnerID := plan.runnerID(); runnerID != 0 && !r.checkRunner(ctx, runnerID, resp) {
		return
	}
	if !plan.RunnerControllerID.IsUnknown() {
		r.checkExisting(ctx, plan.RunnerControllerID.ValueInt64(), plan.runnerID(), resp)
	}
}

// checkRunner refuses a runner that does not exist or is no instance
// runner, as GitLab would (Scopes::AddRunnerService); false when it did.
func (r *scopeResource) checkRunner(ctx context.Context, runnerID int64, resp *resource.ModifyPlanResponse) bool {
	runner, err := r.Data.Client.GetRunner(ctx, runnerID)
	switch {
	case errors.Is(err, gitlabapi.ErrNotFound):
		resp.Diagnostics.AddAttributeError(path.Root("runner_id"), "Runner Not Found", diagnostics.APIError(
			fmt.Sprintf("Reading runner %d (GET /runners/%d) to plan its runner controller scope", runnerID, runnerID), err,
			diagnostics.NotVisible("Runner", runnerID, "runner_id")))
		return false
	case err != nil:
		tflog.Debug(ctx, "the runner is not readable at plan time; the apply adds the scope", map[string]any{"runner_id": runnerID})
		return true
	case runner.RunnerType != gitlabapi.RunnerTypeInstance:
		scope := diagnostics.RunnerScope{Type: runner.RunnerType}
		resp.Diagnostics.AddAttributeError(path.Root("runner_id"), "Runner Cannot Be Scoped", fmt.Sprintf(
			"Runner %d is %s, and runner controllers take instance runners only: GitLab answers \"Only instance-type "+
				"runners can be scoped\" (422). Use an instance runner, or the instance scope (leave runner_id out).",
			runnerID, scope.Kind()))
		return false
	}
	return true
}

// checkExisting reads the controller's scopes: the scope itself exists
// already (the apply adopts it), or scopes of the other kind do, which GitLab
// refuses to mix with it. Those may be removed by this same apply (a
// resource leaving the configuration), so it warns; a failed read is left
// to the apply.
func (r *scopeResource) checkExisting(ctx context.Context, controllerID, runnerID int64, resp *resource.ModifyPlanResponse) {
	scopes, err := r.Data.Client.GetRunnerControllerScopes(ctx, controllerID)
	if err != nil {
		tflog.Debug(ctx, "the controller's scopes are not readable at plan time", map[string]any{"error": err.Error()})
		return
	}
	runners := make([]int64, 0, len(scopes.Runners))
	for _, s := range scopes.Runners {
		runners = append(runners, s.RunnerID)
	}
	switch {
	case (runnerID == 0 && len(scopes.Instance) > 0) || (runnerID != 0 && slices.Contains(runners, runnerID)):
		resp.Diagnostics.AddWarning("Runner Controller Scope Exists Already", fmt.Sprintf("Runner controller %d has %s "+
			"already (added outside this configuration). The apply adopts it: Terraform then manages it, and destroy "+
			"removes it.", controllerID, what(runnerID)))
	case runnerID == 0 && len(runners) > 0:
		resp.Diagnostics.AddWarning("Runner Controller Has Runner Scopes", fmt.Sprintf("Runner controller %d has runner "+
			"scopes (runners %s), and GitLab refuses the instance scope while it has any (\"Runner controller already has "+
			"runner-level scopes. Remove them before adding instance-level scope.\"). The apply fails unless they are "+
			"removed first: remove them in an apply before this one.", controllerID, joinIDs(runners)))
	case runnerID != 0 && len(scopes.Instance) > 0:
		resp.Diagnostics.AddWarning("Runner Controller Has the Instance Scope", fmt.Sprintf("Runner controller %d has the "+
			"instance scope, and GitLab refuses runner scopes while it has it (\"Runner controller already has "+
			"instance-level scope. Remove it before adding runner scopes.\"). The apply fails unless it is removed first: "+
			"remove it in an apply before this one.", controllerID))
	}
}

// declaredScopes are the scopes of the plans of one provider process, by
// controller: the instance scope, and runner scopes by runner id.
type declaredScopes struct {
	mu       sync.Mutex
	instance map[int64]bool
	runners  map[int64]map[int64]bool
}

func (r *scopeResource) declared() *declaredScopes {
	d, _ := r.Data.Shared("runnercontrollerscope.declared", func() any {
		return &declaredScopes{instance: map[int64]bool{}, runners: map[int64]map[int64]bool{}}
	}).(*declaredScopes)
	return d
}

// add notes a planned scope (runnerID 0: the instance scope) and returns
// why it cannot be, when the plan holds the other kind for the controller.
func (d *declaredScopes) add(controllerID, runnerID int64) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if runnerID == 0 {
		d.instance[controllerID] = true
		if len(d.runners[controllerID]) > 0 {
			ids := make([]int64, 0, len(d.runners[controllerID]))
			for id := range d.runners[controllerID] {
				ids = append(ids, id)
			}
			return mixed(controllerID, fmt.Sprintf("the instance scope here and runner scopes (runners %s) elsewhere", joinIDs(ids)))
		}
		return ""
	}
	if d.runners[controllerID] == nil {
		d.runners[controllerID] = map[int64]bool{}
	}
	d.runners[controllerID][runnerID] = true
	if d.instance[controllerID] {
		return mixed(controllerID, fmt.Sprintf("the scope of runner %d here and the instance scope elsewhere", runnerID))
	}
	return ""
}

func mixed(controllerID int64, which string) string {
	return fmt.Sprintf("This configuration gives runner controller %d %s. A controller has the instance scope or runner "+
		"scopes, never both: GitLab refuses the second (409 \"Runner controller already has …\"). Keep one kind: the "+
		"instance scope alone (every runner's jobs), or runner scopes alone (those runners' jobs).", controllerID, which)
}

// joinIDs reads "4, 5" (ascending).
func joinIDs(ids []int64) string {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}
