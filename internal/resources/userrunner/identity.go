package userrunner

// The resource identity of gitlabrunner_user_runner (Terraform 1.12+,
// OpenTofu 1.12+): the runner's id, which GitLab never reuses and which
// stays the runner's from creation to deletion. Import by identity
// (`import { identity = { id = "42" } }`) works as import by id does.

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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var _ resource.ResourceWithIdentity = (*userRunnerResource)(nil)

// identityModel is the resource's identity.
type identityModel struct {
	ID types.String `tfsdk:"id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"id": identityschema.StringAttribute{
		RequiredForImport: true,
		Description:       "The numeric id of the runner in GitLab, as a string (the resource's `id`).",
	},
})

func (r *userRunnerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records the runner id as the resource's identity (written
// without reflection: this runs on every Read of every runner). identity is
// nil when Terraform does not know identities (before 1.12); then there is
// nothing to record.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if id.IsNull() || id.IsUnknown() {
		return nil
	}
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{"id": id})
}

// importID is the runner id an import names: the import id (`terraform
// import`, `import { id = … }`) or the identity's id
// (`import { identity = { id = … } }`).
func importID(ctx context.Context, req resource.ImportStateRequest) (int64, diag.Diagnostics) {
	var diags diag.Diagnostics
	given, what := req.ID, "import id"
	var ident identityModel
	if resourceidentity.ReadImported(ctx, req, &ident, &diags) {
		given, what = ident.ID.ValueString(), "identity's id"
	}
	if diags.HasError() {
		return 0, diags
	}
	id, err := validators.ParseRunnerID(given)
	if err != nil {
		diags.AddError("Invalid Import ID",
			fmt.Sprintf("The %s %q is not a runner id: %s. Use the numeric id of the runner, for example "+
				"`terraform import gitlabrunner_user_runner.example 42` or `import { identity = { id = \"42\" } }` "+
				"(shown in GitLab's runner list and in `GET /runners`).", what, given, err))
	}
	return id, diags
}

// ImportState accepts the numeric runner id, as an import id or as the
// identity; Read fills in the rest, including group_id/project_id, so the
// import does not plan a replacement. The token stays null: GitLab never
// shows an existing token again.
func (r *userRunnerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	idValue := types.StringValue(strconv.FormatInt(id, 10))
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), idValue)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, idValue)...)
}
