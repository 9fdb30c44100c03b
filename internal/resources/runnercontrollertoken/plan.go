package runnercontrollertoken

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// ModifyPlan checks the server when the plan mints a token, and plans a
// rotation in place when rotation_triggers change (also the first trigger
// after an import, whose token is null): token, token_id and created_at
// become unknown, id stays. These tokens do not expire, so nothing else
// rotates them.
func (r *tokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if req.State.Raw.IsNull() {
		runnercontrollers.CheckPlan(ctx, r.Data, runnercontrollers.Controllers, &resp.Diagnostics)
		return
	}
	var before, after types.Map
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("rotation_triggers"), &before)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("rotation_triggers"), &after)...)
	if resp.Diagnostics.HasError() || !tfvalue.TriggersChanged(before, after) {
		return
	}
	tflog.Info(ctx, "rotation_triggers changed: the plan rotates the runner controller token")
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("token"), types.StringUnknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("token_id"), types.Int64Unknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("created_at"), types.StringUnknown())...)
}
