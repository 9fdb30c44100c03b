// Package grouprunnersettings is the gitlabrunner_group_runner_settings
// resource: the runner settings of a group, as far as GitLab's API lets a
// provider manage them.
//
// GitLab's groups API takes exactly one runner setting, shared_runners_setting
// (PUT /groups/:id). The group's registration-token switch is kept out of
// every API on purpose (GitLab's allow_runner_registration_token_toggle.js:
// "This is done to avoid adding allow_runner_registration_token to any API as
// this setting is discouraged"), so the resource reads its effect (the
// group's runners_token is null while registration tokens are off) and
// verifies a desired value instead of setting it.
//
// Files:
//
//	resource.go     type, schema, import
//	crud.go         Create, Read, Update, Delete, ModifyPlan
//	diagnostics.go  what to do when the switch differs
package grouprunnersettings

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
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

// groupSettingsModel is the plan, state and configuration of the resource.
type groupSettingsModel struct {
	ID                           types.String `tfsdk:"id"`
	GroupID                      types.Int64  `tfsdk:"group_id"`
	FullPath                     types.String `tfsdk:"full_path"`
	SharedRunnersSetting         types.String `tfsdk:"shared_runners_setting"`
	AllowRunnerRegistrationToken types.Bool   `tfsdk:"allow_runner_registration_token"`
	RegistrationTokensAllowed    types.Bool   `tfsdk:"registration_tokens_allowed"`
}

// Values of shared_runners_setting.
var sharedRunnersSettings = []string{"enabled", "disabled_and_overridable", "disabled_and_unoverridable"}

func (r *groupSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_runner_settings"
}

func (r *groupSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's numeric id, as a string; the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "The numeric id of the group. Changing it manages another group's settings (the old group's are left as they are).",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"full_path": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's full path, e.g. `demo/platform`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"shared_runners_setting": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether the group's projects may use **instance runners**: `enabled`, " +
					"`disabled_and_overridable` (off, but subgroups and projects may turn them on) or " +
					"`disabled_and_unoverridable` (off for every subgroup and project too; GitLab turns the subgroups' setting " +
					"off with it). A subgroup cannot enable what its parent has set to `disabled_and_unoverridable` (GitLab " +
					"answers 400 and the apply says so). Managed with `PUT /groups/:id`; needs the group's Owner role. Left as " +
					"it is when not set.",
				Validators:    []validator.String{stringvalidator.OneOf(sharedRunnersSettings...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"allow_runner_registration_token": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The **desired** state of the top-level group's switch \"Allow members of projects and " +
					"groups to create runners with runner registration tokens\". GitLab offers **no API** for this switch, so " +
					"the provider verifies it but cannot change it: when it differs from what GitLab applies, the plan shows " +
					"the change and the apply fails with what to do (flip the switch in the group's **Settings > CI/CD > " +
					"Runners**, or turn registration tokens off for the whole instance with " +
					"`gitlabrunner_instance_runner_settings`); once flipped, the plan is empty. `true` also needs the " +
					"instance's `allow_runner_registration_token`. Only on top-level groups (a subgroup's switch has no " +
					"effect: setting it on a subgroup fails the plan and names the top-level group). Read back as the " +
					"effective state (`registration_tokens_allowed`) when not set.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"registration_tokens_allowed": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether runner registration tokens work in this group, its subgroups and projects: the " +
					"instance allows them **and** the top-level group's switch is on. Read from the group's `runners_token`, " +
					"which GitLab shows to the group's Owners (null while registration tokens are off). `null`, with a " +
					"warning, when the token's user is not an Owner of the group.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

const description = "The runner settings of a group: whether its projects may use instance runners " +
	"(`shared_runners_setting`, managed), and whether runner registration tokens work in it " +
	"(`allow_runner_registration_token`, **verified, not managed** — see below). Needs the group's Owner role.\n\n" +
	"**Why the registration-token switch is verified and not set.** One might expect `PUT /groups/:id` to take " +
	"`allow_runner_registration_token`. It does not: GitLab's groups API takes exactly " +
	"one runner setting, `shared_runners_setting`, and GitLab keeps the group's registration-token switch out of every " +
	"API on purpose (its settings page says in the source: \"This is done to avoid adding " +
	"`allow_runner_registration_token` to any API as this setting is discouraged\"); a parameter sent anyway is " +
	"silently ignored. So the provider reads the switch's effect — GitLab shows a group's `runners_token` to its " +
	"Owners, and shows `null` while registration tokens are off there — and treats `allow_runner_registration_token` " +
	"as a desired state to verify:\n\n" +
	"  - When it matches what GitLab applies, the plan is empty.\n" +
	"  - When it differs, the plan shows the change and the apply fails with what to do: flip the switch in the " +
	"top-level group's **Settings > CI/CD > Runners** (\"Allow members of projects and groups to create runners with " +
	"runner registration tokens\"; GitLab 16.11 or later), or turn registration tokens off for every group at once " +
	"with `gitlabrunner_instance_runner_settings` (`allow_runner_registration_token = false`). Once flipped, the plan " +
	"is empty.\n" +
	"  - `true` needs the instance setting too: while the instance's `allow_runner_registration_token` is off, no " +
	"group can allow registration tokens, and the diagnostic names the instance setting.\n" +
	"  - Only the top-level group's switch counts (GitLab ignores a subgroup's). Setting " +
	"`allow_runner_registration_token` for a subgroup fails the plan and names the top-level group.\n\n" +
	"`registration_tokens_allowed` reports the effective state, like `gitlabrunner_registration_policy` does.\n\n" +
	"**Destroy** leaves the group's settings as they are and only removes the resource from the state (reverting a " +
	"runner policy on destroy could silently turn instance runners back on).\n\n" +
	"Import with the group's numeric id: `terraform import gitlabrunner_group_runner_settings.demo 7`."

// ImportState accepts the group's numeric id, as the import id or the
// identity.
func (r *groupSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := importGroupID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), id)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, resp.State)...)
}
