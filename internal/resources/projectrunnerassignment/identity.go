package projectrunnerassignment

// The resource identity of gitlabrunner_project_runner_assignment
// (Terraform 1.12+, OpenTofu 1.12+): the project and the runner, the pair
// the assignment is. Import by identity
// (`import { identity = { project_id = 12, runner_id = 42 } }`) works as
// import by id (`12:42`) does.

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

var _ resource.ResourceWithIdentity = (*assignmentResource)(nil)

// identityModel is the resource's identity.
type identityModel struct {
	ProjectID types.Int64 `tfsdk:"project_id"`
	RunnerID  types.Int64 `tfsdk:"runner_id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"project_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the project the runner is assigned to.",
	},
	"runner_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the project runner.",
	},
})

func (r *assignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records the pair as the resource's identity; identity is nil
// when Terraform does not know identities (before 1.12).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m assignmentModel) diag.Diagnostics {
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{"project_id": m.ProjectID, "runner_id": m.RunnerID})
}

// importPair is the pair an import names: "<project_id>:<runner_id>" as the
// import id, or the identity's project_id and runner_id.
func importPair(ctx context.Context, req resource.ImportStateRequest) (projectID, runnerID int64, diags diag.Diagnostics) {
	var ident identityModel
	if resourceidentity.ReadImported(ctx, req, &ident, &diags) {
		projectID, runnerID = ident.ProjectID.ValueInt64(), ident.RunnerID.ValueInt64()
		if projectID < 1 || runnerID < 1 {
			diags.AddError("Invalid Import Identity", fmt.Sprintf("The identity's project_id (%d) and runner_id (%d) must "+
				"both be positive numeric ids, for example `import { identity = { project_id = 12, runner_id = 42 } }`.",
				projectID, runnerID))
		}
		return projectID, runnerID, diags
	}
	if diags.HasError() {
		return 0, 0, diags
	}
	projectID, runnerID, err := parseID(req.ID)
	if err != nil {
		diags.AddError("Invalid Import ID", fmt.Sprintf("The import id %q is not valid: %s. Use "+
			"<project_id>:<runner_id>, both numeric, for example `terraform import gitlabrunner_project_runner_assignment.example 12:42`, "+
			"or `import { identity = { project_id = 12, runner_id = 42 } }`.", req.ID, err))
	}
	return projectID, runnerID, diags
}

// ImportState accepts "<project_id>:<runner_id>" or the identity; Read
// checks that the runner is assigned there.
func (r *assignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	projectID, runnerID, diags := importPair(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := assignmentModel{ID: types.StringValue(formatID(projectID, runnerID)), ProjectID: types.Int64Value(projectID), RunnerID: types.Int64Value(runnerID)}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), m.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), m.ProjectID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("runner_id"), m.RunnerID)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, m)...)
}
