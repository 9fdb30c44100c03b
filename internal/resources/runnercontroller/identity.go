package runnercontroller

// The resource identity of gitlabrunner_runner_controller (Terraform 1.12+,
// OpenTofu 1.12+): the controller's id. Import by identity
// (`import { identity = { id = 3 } }`) works as import by id (`3`) does.

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
)

var _ resource.ResourceWithIdentity = (*controllerResource)(nil)

type identityModel struct {
	ID types.Int64 `tfsdk:"id"`
}

func (r *controllerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.Int64Attribute{RequiredForImport: true, Description: "The numeric id of the runner controller."},
		},
	}
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
	return identity.Set(ctx, identityModel{ID: types.Int64Value(id)})
}

// ImportState accepts the numeric controller id or the identity; Read fills
// in the rest.
func (r *controllerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	given := req.ID
	if given == "" && req.Identity != nil {
		var ident identityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		given = strconv.FormatInt(ident.ID.ValueInt64(), 10)
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
