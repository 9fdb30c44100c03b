package userrunner

// The resource identity of gitlabrunner_user_runner (Terraform 1.12+,
// OpenTofu 1.12+): the runner's id, which GitLab never reuses and which
// stays the runner's from creation to deletion. Import by identity
// (`import { identity = { id = "42" } }`) works as import by id does.

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var _ resource.ResourceWithIdentity = (*userRunnerResource)(nil)

// identityModel is the resource's identity.
type identityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *userRunnerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The numeric id of the runner in GitLab, as a string (the resource's `id`).",
			},
		},
	}
}

// identityType is the type of the identity schema, built once: setIdentity
// writes the identity without the framework's Set, which reads the model's
// struct tags by reflection on every call (every Read of every runner).
var identityType = sync.OnceValue(func() attr.Type {
	resp := &resource.IdentitySchemaResponse{}
	(&userRunnerResource{}).IdentitySchema(context.Background(), resource.IdentitySchemaRequest{}, resp)
	return resp.IdentitySchema.Type()
})

// setIdentity records the runner id as the resource's identity. identity is
// nil when Terraform does not know identities (before 1.12); then there is
// nothing to record.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if identity == nil || id.IsNull() || id.IsUnknown() {
		return nil
	}
	raw, diags := tfvalue.WriteObject(ctx, identityType(), map[string]attr.Value{"id": id})
	if !diags.HasError() {
		identity.Raw = raw
	}
	return diags
}

// importID is the runner id an import names: the import id (`terraform
// import`, `import { id = … }`) or the identity's id
// (`import { identity = { id = … } }`).
func importID(ctx context.Context, req resource.ImportStateRequest) (int64, diag.Diagnostics) {
	var diags diag.Diagnostics
	given, what := req.ID, "import id"
	if given == "" && req.Identity != nil {
		var ident identityModel
		diags.Append(req.Identity.Get(ctx, &ident)...)
		if diags.HasError() {
			return 0, diags
		}
		given, what = ident.ID.ValueString(), "identity's id"
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
