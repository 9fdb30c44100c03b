// Package projectrunnersettings is the gitlabrunner_project_runner_settings
// resource: which runners may serve a project. Its settings are rows of
// settingsattrs.Project: whether the project accepts instance runners
// (shared_runners_enabled) and its groups' runners (group_runners_enabled),
// both set with PUT /projects/:id by the project's Maintainers. GitLab's
// GraphQL projectCiCdSettingsUpdate takes groupRunnersEnabled but not
// sharedRunnersEnabled, so the resource uses REST for both.
//
// Files:
//
//	resource.go     type, schema, import
//	identity.go     its resource identity and import
//	model.go        the Terraform model (the settings are settingsattrs.Project's)
//	crud.go         Create, Read, Update, Delete
//	plan.go         ModifyPlan: GitLab's refusals, known at plan time
//	diagnostics.go  the advice of this resource's API errors
package projectrunnersettings

import (
	"context"
	"maps"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

var (
	_ resource.Resource                = (*projectSettingsResource)(nil)
	_ resource.ResourceWithConfigure   = (*projectSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*projectSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*projectSettingsResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource { return &projectSettingsResource{} }

type projectSettingsResource struct {
	providerdata.Resource
}

func (r *projectSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_runner_settings"
}

func (r *projectSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := settingsattrs.Project.Schema()
	maps.Copy(attrs, map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The project's numeric id, as a string; the import id.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"project_id": schema.Int64Attribute{
			Required: true,
			MarkdownDescription: "The numeric id of the project. Changing it manages another project's settings (the old " +
				"project's are left as they are).",
			Validators:    []validator.Int64{int64validator.AtLeast(1)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"path_with_namespace": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The project's full path, e.g. `demo/platform/app`.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	})
	resp.Schema = schema.Schema{MarkdownDescription: description, Attributes: attrs}
}

const description = "Which runners may serve a project: whether it accepts instance runners and its groups' runners " +
	"(`PUT /projects/:id`, the project's Maintainer role). With `gitlabrunner_project_runner_assignment` for project " +
	"runners, this makes \"which runners may serve this project\" code. **Only what you set is managed**; the other " +
	"setting is read back. **Destroy leaves the project as it is.** Import with the project's numeric id."

// ImportState accepts the project's numeric id, as the import id or the
// identity.
func (r *projectSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := importProjectID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), id)...)
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, resp.State)...)
}
