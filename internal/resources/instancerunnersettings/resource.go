// Package instancerunnersettings is the gitlabrunner_instance_runner_settings
// resource: the instance's runner registration and token expiry settings
// (PUT /application/settings), administrators only.
//
// Files:
//
//	resource.go  type, schema, import
//	model.go     the Terraform model (the settings are settingsattrs.Instance's)
//	crud.go      Create, Read, Update, Delete, ModifyPlan
package instancerunnersettings

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

var (
	_ resource.Resource                = (*settingsResource)(nil)
	_ resource.ResourceWithConfigure   = (*settingsResource)(nil)
	_ resource.ResourceWithImportState = (*settingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*settingsResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource { return &settingsResource{} }

type settingsResource struct {
	providerdata.Resource
}

// resourceID is the id of the one instance's settings.
const resourceID = "instance"

func (r *settingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_runner_settings"
}

func (r *settingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := settingsattrs.Instance.Schema()
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "Always `instance`: there is one set of settings per GitLab instance.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	resp.Schema = schema.Schema{MarkdownDescription: description, Attributes: attrs}
}

const description = "The instance's runner policy: whether runner registration tokens may be used, who may create " +
	"runners, and when runner authentication tokens expire (`PUT /application/settings`). One per GitLab instance; " +
	"**needs an administrator's token** (`api` scope). **Only what you set is managed**: the other settings are read " +
	"back, never changed. **Destroy leaves the server as it is.** Two of these resources that want different values " +
	"for one setting are refused at plan time. Import with any id (`instance` by convention)."

// ImportState accepts any id, and the identity: there is one set of
// settings per instance.
func (r *settingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(checkImportIdentity(ctx, req)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), resourceID)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity)...)
}
