// Package instancerunnersettings is the gitlabrunner_instance_runner_settings
// resource: the instance's runner registration and token expiry settings
// (PUT /application/settings), administrators only.
//
// Files:
//
//	resource.go  type, schema, import
//	model.go     Terraform model <-> the settings API, version gating
//	crud.go      Create, Read, Update, Delete
package instancerunnersettings

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
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
	interval := func(key, which string) schema.Int64Attribute {
		return schema.Int64Attribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Seconds after their creation or rotation at which the authentication tokens of " + which +
				" runners created from then on expire (GitLab's `" + key + "`). `0` means they do not expire (GitLab's " +
				"`null`). Otherwise 1 to 2147483647; GitLab documents a minimum of 7200 (2 hours) but its API does not " +
				"enforce it, so a smaller value is accepted with a warning. Tokens that exist keep their expiry until they " +
				"are rotated. Left as it is when not set. Exists since GitLab ≈14.8.",
			Validators:    []validator.Int64{validators.TokenExpirationInterval()},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Always `instance`: there is one set of settings per GitLab instance.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"allow_runner_registration_token": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether runner **registration tokens** (`gitlab-runner register --registration-token`, " +
					"`POST /runners`) may be used anywhere on the instance. `false` turns them off for the instance, its " +
					"groups and projects at once (GitLab then answers `410 Gone` to every legacy registration); `true` lets " +
					"each top-level group decide (its own switch, see `gitlabrunner_group_runner_settings`). GitLab's default " +
					"is `true` before 17.0, and the 17.0 upgrade sets it to `false`. Left as it is when not set. Exists since " +
					"GitLab ≈15.8 (honoured by legacy registration since ≈16.0); on an older GitLab, setting it is an error.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"valid_runner_registrars": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				MarkdownDescription: "Who besides administrators may create and register runners: `group` (group Owners, " +
					"group runners) and/or `project` (project Maintainers, project runners; also needed to assign runners to " +
					"projects). An empty set leaves it to administrators. GitLab's default is both. Left as it is when not set.",
				Validators:    []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf("group", "project"))},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"runner_token_expiration_interval":         interval("runner_token_expiration_interval", "instance"),
			"group_runner_token_expiration_interval":   interval("group_runner_token_expiration_interval", "group"),
			"project_runner_token_expiration_interval": interval("project_runner_token_expiration_interval", "project"),
		},
	}
}

const description = "The instance's runner policy: whether runner registration tokens may be used, who may create " +
	"runners, and when runner authentication tokens expire (`PUT /application/settings`). One per GitLab instance.\n\n" +
	"**Needs an administrator**: GitLab answers `403 Forbidden` to everyone else, and the provider says so. Configure " +
	"the provider with an administrator's personal access token (`api` scope).\n\n" +
	"**Only what you set is managed**: attributes left out of the configuration are read back and shown, but never " +
	"changed. Removing an attribute from the configuration stops managing it and leaves the server's value.\n\n" +
	"**Destroy leaves the server as it is** and only removes the resource from the state. Restoring \"defaults\" is " +
	"not well defined (GitLab's defaults differ by version and installation: the 17.0 upgrade turns registration " +
	"tokens off on self-managed instances, GitLab.com differs again), and reverting a policy on `terraform destroy` " +
	"would silently turn registration tokens back on. To change a setting, change it in the configuration and apply.\n\n" +
	"**Versions**: the token expiry intervals exist since GitLab ≈14.8 and `allow_runner_registration_token` since " +
	"≈15.8 (it is honoured by legacy registration since ≈16.0). Setting an attribute the server does not have fails " +
	"with an error that names it (at plan time once the resource is in the state).\n\n" +
	"**Agreement with `gitlabrunner_registration_policy`**: the data source reports the effective result of this " +
	"setting and of each top-level group's switch; use its `check` to gate plans.\n\n" +
	"Import with any id (it is ignored; `instance` by convention): `terraform import gitlabrunner_instance_runner_settings.this instance`."

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
