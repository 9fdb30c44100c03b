package projectrunnersettings

// The resource identity of gitlabrunner_project_runner_settings (Terraform
// 1.12+, OpenTofu 1.12+): the project, whose settings these are. Import by
// identity (`import { identity = { project_id = 42 } }`) works as import by
// id does.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resourceidentity"
)

var _ resource.ResourceWithIdentity = (*projectSettingsResource)(nil)

var resourceIdentity = resourceidentity.New(map[string]identityschema.Attribute{
	"project_id": identityschema.Int64Attribute{
		RequiredForImport: true,
		Description:       "The numeric id of the project.",
	},
})

func (r *projectSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = resourceIdentity.Schema()
}

// importProjectID is the project an import names: the import id or the
// identity's project_id; ok is false after an error.
func importProjectID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (int64, bool) {
	return resourceIdentity.ImportedID(ctx, req, diags, func(given string) string {
		return fmt.Sprintf("The import id %q is not a project id: use the project's numeric id, "+
			"for example `terraform import gitlabrunner_project_runner_settings.app 42` or `import { identity = { project_id = 42 } }`.", given)
	})
}
