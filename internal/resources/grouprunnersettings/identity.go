package grouprunnersettings

// The resource identity of gitlabrunner_group_runner_settings (Terraform
// 1.12+, OpenTofu 1.12+): the group, whose settings these are. Import by
// identity (`import { identity = { group_id = 7 } }`) works as import by id
// does.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resourceidentity"
)

var _ resource.ResourceWithIdentity = (*groupSettingsResource)(nil)

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"group_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the group.",
	},
})

func (r *groupSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// importGroupID is the group an import names: the import id or the
// identity's group_id; ok is false after an error.
func importGroupID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (int64, bool) {
	return resourceIdentity.ImportedID(ctx, req, diags, func(given string) string {
		return fmt.Sprintf("The import id %q is not a group id: use the group's numeric id, for "+
			"example `terraform import gitlabrunner_group_runner_settings.demo 7` or `import { identity = { group_id = 7 } }`.", given)
	})
}
