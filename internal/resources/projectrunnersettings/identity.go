package projectrunnersettings

// The resource identity of gitlabrunner_project_runner_settings (Terraform
// 1.12+, OpenTofu 1.12+): the project, whose settings these are. Import by
// identity (`import { identity = { project_id = 42 } }`) works as import by
// id does.

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resourceidentity"
)

var _ resource.ResourceWithIdentity = (*projectSettingsResource)(nil)

type identityModel struct {
	ProjectID types.Int64 `tfsdk:"project_id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"project_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the project.",
	},
})

func (r *projectSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records the project_id of state (a plan or a state written by
// Create, Update or Read) as the identity; nothing when either is missing
// (Terraform before 1.12, or a failed create).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, state tfsdk.State) diag.Diagnostics {
	if identity == nil || state.Raw.IsNull() {
		return nil
	}
	var projectID types.Int64
	diags := state.GetAttribute(ctx, path.Root("project_id"), &projectID)
	if diags.HasError() || projectID.IsNull() || projectID.IsUnknown() {
		return diags
	}
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{"project_id": projectID})
}

// importProjectID is the project an import names: the import id or the
// identity's project_id; ok is false after an error.
func importProjectID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (int64, bool) {
	given := req.ID
	var ident identityModel
	if resourceidentity.ReadImported(ctx, req, &ident, diags) {
		given = strconv.FormatInt(ident.ProjectID.ValueInt64(), 10)
	}
	if diags.HasError() {
		return 0, false
	}
	id, err := strconv.ParseInt(given, 10, 64)
	if err != nil || id < 1 {
		diags.AddError("Invalid Import ID", fmt.Sprintf("The import id %q is not a project id: use the project's numeric id, "+
			"for example `terraform import gitlabrunner_project_runner_settings.app 42` or `import { identity = { project_id = 42 } }`.", given))
		return 0, false
	}
	return id, true
}
