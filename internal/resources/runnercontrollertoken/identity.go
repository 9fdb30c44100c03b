package runnercontrollertoken

// The resource identity of gitlabrunner_runner_controller_token (Terraform
// 1.12+, OpenTofu 1.12+): the controller and the token as created or
// imported, as id is. Rotations keep it (the attribute token_id follows the
// current token), so that a rotation stays an update in place. Import by
// identity (`import { identity = { runner_controller_id = 3, token_id = 7 } }`)
// works as import by id (`3/7`) does, for an active token.

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

var _ resource.ResourceWithIdentity = (*tokenResource)(nil)

type identityModel struct {
	RunnerControllerID types.Int64 `tfsdk:"runner_controller_id"`
	TokenID            types.Int64 `tfsdk:"token_id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"runner_controller_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the runner controller.",
	},
	"token_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The id of the token as created or imported; rotations keep the identity (the attribute token_id follows).",
	},
})

func (r *tokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records m's id (the controller and the token as created or
// imported) as the identity; nothing when Terraform does not know
// identities (before 1.12) or m has no id yet.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m tokenModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	controllerID, tokenID, err := parseID(m.ID.ValueString())
	if err != nil {
		return nil
	}
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{
		"runner_controller_id": types.Int64Value(controllerID), "token_id": types.Int64Value(tokenID)})
}

// ImportState accepts "<runner_controller_id>/<token_id>" or the identity;
// the token's value stays null (GitLab never shows it again).
func (r *tokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	given := req.ID
	var ident identityModel
	if resourceidentity.ReadImported(ctx, req, &ident, &resp.Diagnostics) {
		given = formatID(ident.RunnerControllerID.ValueInt64(), ident.TokenID.ValueInt64())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	controllerID, tokenID, err := parseID(given)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import id %q is not valid: %s. Use "+
			"<runner_controller_id>/<token_id>, both numeric, for example "+
			"`terraform import gitlabrunner_runner_controller_token.example 3/7`, or "+
			"`import { identity = { runner_controller_id = 3, token_id = 7 } }`.", given, err))
		return
	}
	m := tokenModel{ID: types.StringValue(formatID(controllerID, tokenID))}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), m.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("runner_controller_id"), controllerID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token_id"), tokenID)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, m)...)
}
