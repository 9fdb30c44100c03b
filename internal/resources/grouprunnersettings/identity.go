package grouprunnersettings

// The resource identity of gitlabrunner_group_runner_settings (Terraform
// 1.12+, OpenTofu 1.12+): the group, whose settings these are. Import by
// identity (`import { identity = { group_id = 7 } }`) works as import by id
// does.

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

var _ resource.ResourceWithIdentity = (*groupSettingsResource)(nil)

type identityModel struct {
	GroupID types.Int64 `tfsdk:"group_id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"group_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the group.",
	},
})

func (r *groupSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records the group_id of state (a plan or a state written by
// Create, Update or Read) as the identity; nothing when either is missing
// (Terraform before 1.12, or a failed create).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, state tfsdk.State) diag.Diagnostics {
	if identity == nil || state.Raw.IsNull() {
		return nil
	}
	var groupID types.Int64
	diags := state.GetAttribute(ctx, path.Root("group_id"), &groupID)
	if diags.HasError() || groupID.IsNull() || groupID.IsUnknown() {
		return diags
	}
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{"group_id": groupID})
}

// importGroupID is the group an import names: the import id or the
// identity's group_id; ok is false after an error.
func importGroupID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (int64, bool) {
	given := req.ID
	var ident identityModel
	if resourceidentity.ReadImported(ctx, req, &ident, diags) {
		given = strconv.FormatInt(ident.GroupID.ValueInt64(), 10)
	}
	if diags.HasError() {
		return 0, false
	}
	id, err := strconv.ParseInt(given, 10, 64)
	if err != nil || id < 1 {
		diags.AddError("Invalid Import ID", fmt.Sprintf("The import id %q is not a group id: use the group's numeric id, for "+
			"example `terraform import gitlabrunner_group_runner_settings.demo 7` or `import { identity = { group_id = 7 } }`.", given))
		return 0, false
	}
	return id, true
}
