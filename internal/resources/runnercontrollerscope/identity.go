package runnercontrollerscope

// The resource identity of gitlabrunner_runner_controller_scope (Terraform
// 1.12+, OpenTofu 1.12+): the controller and the runner (none for the
// instance scope). Import by identity
// (`import { identity = { runner_controller_id = 3, runner_id = 42 } }`)
// works as import by id (`3/runners/42`) does.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resourceidentity"
)

var _ resource.ResourceWithIdentity = (*scopeResource)(nil)

type identityModel struct {
	RunnerControllerID types.Int64 `tfsdk:"runner_controller_id"`
	RunnerID           types.Int64 `tfsdk:"runner_id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"runner_controller_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the runner controller.",
	},
	"runner_id": identityschema.Int64Attribute{
		OptionalForImport: true,
		Description:       "The numeric id of the instance runner of a runner scope; null for the instance scope.",
	},
})

func (r *scopeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records m's controller and runner as the identity; nothing
// when Terraform does not know identities (before 1.12).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m scopeModel) diag.Diagnostics {
	if m.RunnerControllerID.IsNull() || m.RunnerControllerID.IsUnknown() {
		return nil
	}
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{"runner_controller_id": m.RunnerControllerID, "runner_id": m.RunnerID})
}

// ImportState accepts "<controller_id>/instance",
// "<controller_id>/runners/<runner_id>" or the identity; Read checks that
// the scope exists.
func (r *scopeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var controllerID, runnerID int64
	var ident identityModel
	byIdentity := resourceidentity.ReadImported(ctx, req, &ident, &resp.Diagnostics)
	switch {
	case resp.Diagnostics.HasError():
		return
	case byIdentity:
		controllerID, runnerID = ident.RunnerControllerID.ValueInt64(), ident.RunnerID.ValueInt64()
		if controllerID < 1 || runnerID < 0 || (!ident.RunnerID.IsNull() && runnerID == 0) {
			resp.Diagnostics.AddError("Invalid Import Identity", fmt.Sprintf("The identity's runner_controller_id (%d) must "+
				"be a positive id, and runner_id (%d) one too or null for the instance scope, for example "+
				"`import { identity = { runner_controller_id = 3, runner_id = 42 } }`.", controllerID, runnerID))
			return
		}
	default:
		var err error
		if controllerID, runnerID, err = parseID(req.ID); err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import id %q is not valid: %s. Use "+
				"<runner_controller_id>/instance or <runner_controller_id>/runners/<runner_id>, for example "+
				"`terraform import gitlabrunner_runner_controller_scope.example 3/runners/42`.", req.ID, err))
			return
		}
	}
	m := scopeModel{ID: types.StringValue(formatID(controllerID, runnerID)), RunnerControllerID: types.Int64Value(controllerID),
		RunnerID: types.Int64Null()}
	if runnerID != 0 {
		m.RunnerID = types.Int64Value(runnerID)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), m.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("runner_controller_id"), m.RunnerControllerID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("runner_id"), m.RunnerID)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, m)...)
}
