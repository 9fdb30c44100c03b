// Package grouprunnersettings is the gitlabrunner_group_runner_settings
// resource: the runner settings of a group, as far as GitLab's API lets a
// provider manage them.
//
// The settings GitLab lets an API set are rows of settingsattrs.Group (REST
// or GraphQL; the client picks the API). The group's registration-token
// switch is kept out of every API on purpose (GitLab's allow_runner_registration_token_toggle.js:
// "This is done to avoid adding allow_runner_registration_token to any API as
// this setting is discouraged"), so the resource reads its effect (the
// group's runners_token is null while registration tokens are off) and
// verifies a desired value instead of setting it.
//
// Files:
//
//	resource.go     type, schema, import
//	model.go        the Terraform model (the settings are settingsattrs.Group's)
//	crud.go         Create, Read, Update, Delete, ModifyPlan
//	diagnostics.go  what to do when the switch differs, and the advice of API errors
package grouprunnersettings

import (
	"context"
	"maps"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

var (
	_ resource.Resource                = (*groupSettingsResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*groupSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*groupSettingsResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource { return &groupSettingsResource{} }

type groupSettingsResource struct {
	providerdata.Resource
}

func (r *groupSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_runner_settings"
}

func (r *groupSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := settingsattrs.Group.Schema()
	maps.Copy(attrs, map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The group's numeric id, as a string; the import id.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"group_id": schema.Int64Attribute{
			Required: true,
			MarkdownDescription: "The numeric id of the group. Changing it manages another group's settings (the old " +
				"group's are left as they are).",
			Validators:    []validator.Int64{int64validator.AtLeast(1)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"full_path": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The group's full path, e.g. `demo/platform`.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"allow_runner_registration_token": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "The **desired** state of the top-level group's switch \"Allow members of projects and " +
				"groups to create runners with runner registration tokens\". GitLab has **no API** for it: the provider " +
				"verifies it, and a difference fails the apply saying what to do. Top-level groups only (refused at plan " +
				"on a subgroup). Read back as the effective state when not set.",
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
		"registration_tokens_allowed": schema.BoolAttribute{
			Computed: true,
			MarkdownDescription: "Whether runner registration tokens work in this group: the instance allows them **and** " +
				"the top-level group's switch is on. Read from the group's `runners_token`, which GitLab shows to its " +
				"Owners; `null`, with a warning, for other users.",
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
	})
	resp.Schema = schema.Schema{MarkdownDescription: description, Attributes: attrs}
}

const description = "The runner settings of a group that GitLab's API can change (the group's Owner role), and " +
	"whether runner registration tokens work in it (`allow_runner_registration_token`: **verified, not managed**, as " +
	"GitLab has no API for it). **Only what you set is managed**; the rest is read back. **Destroy leaves the group's " +
	"settings as they are.** Import with the group's numeric id."

// ImportState accepts the group's numeric id, as the import id or the
// identity.
func (r *groupSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := importGroupID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), id)...)
	resp.Diagnostics.Append(resourceIdentity.SetFromState(ctx, resp.Identity, resp.State)...)
}
