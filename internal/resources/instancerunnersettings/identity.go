package instancerunnersettings

// The resource identity of gitlabrunner_instance_runner_settings (Terraform
// 1.12+, OpenTofu 1.12+). There is one set of settings per GitLab instance,
// so the identity is the constant id "instance", as the import id is: it
// names the settings of the instance the provider configuration talks to.
// GitLab's API shows no identifier of the instance itself, and its URL is
// no identity (an instance can move, or be reached by several URLs; an
// identity must never change), so nothing else fits.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resourceidentity"
)

var _ resource.ResourceWithIdentity = (*settingsResource)(nil)

type identityModel struct {
	ID types.String `tfsdk:"id"`
}

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"id": identityschema.StringAttribute{
		OptionalForImport: true,
		Description:       "Always `instance`: one set of settings per GitLab instance. May be left out of an import's identity.",
	},
})

func (r *settingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// setIdentity records the one identity.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	return resourceIdentity.Set(ctx, identity, map[string]attr.Value{"id": types.StringValue(resourceID)})
}

// checkImportIdentity refuses an import identity whose id is not
// "instance"; the import id itself may be anything, as before.
func checkImportIdentity(ctx context.Context, req resource.ImportStateRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	var ident identityModel
	if resourceidentity.ReadImported(ctx, req, &ident, &diags) && !ident.ID.IsNull() && ident.ID.ValueString() != resourceID {
		diags.AddError("Invalid Import Identity", fmt.Sprintf("The identity's id is %q; the instance's runner settings have "+
			"the id %q (or leave it out: `import { identity = {} }`).", ident.ID.ValueString(), resourceID))
	}
	return diags
}
