package runnercontroller

// The resource identity of gitlabrunner_runner_controller (Terraform 1.12+,
// OpenTofu 1.12+): the controller's id. Import by identity
// (`import { identity = { id = 3 } }`) works as import by id (`3`) does.

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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
)

var _ resource.ResourceWithIdentity = (*controllerResource)(nil)

type identityModel struct {
	ID types.Int64 `tfsdk:"id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"id": identityschema.Int64Attribute{RequiredForImport: true, Description: "The numeric id of the runner controller."},
})

func (r *controllerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records m's controller id as the identity; nothing when
// Terraform does not know identities (before 1.12) or m has no id.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m controllerModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	id, err := runnercontrollers.ParseID(m.ID.ValueString())
	if err != nil {
		return nil
	}
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{"id": types.Int64Value(id)})
}

// ImportState accepts the numeric controller id or the identity; Read fills
// in the rest.
func (r *controllerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	given := req.ID
	var ident identityModel
	if resourceidentity.ReadImported(ctx, req, &ident, &resp.Diagnostics) {
		given = strconv.FormatInt(ident.ID.ValueInt64(), 10)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := runnercontrollers.ParseID(given)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import id %q is not a runner controller id: %s. "+
			"Use the numeric id, for example `terraform import gitlabrunner_runner_controller.example 3` or "+
			"`import { identity = { id = 3 } }` (the data source gitlabrunner_runner_controllers lists the ids).", given, err))
		return
	}
	m := controllerModel{ID: types.StringValue(strconv.FormatInt(id, 10))}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), m.ID)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, m)...)
}
