// Package userrunner is the gitlabrunner_user_runner resource: a GitLab
// runner created with the runner creation workflow (POST /user/runners) and
// its authentication token.
//
// Files:
//
//	resource.go          type, schema, import
//	model.go             Terraform model <-> API conversions
//	create.go            Create and the recovery from ambiguous POSTs
//	crud.go              Read, Update, Delete
//	rotation.go          ModifyPlan: when the token rotates
//	token_check.go       whether the token in state is still current
//	creation_settings.go plan-time check that GitLab honours creation settings
//	config_validators.go plan-time checks across attributes
//	diagnostics.go       the advice of this resource's errors
package userrunner

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var (
	_ resource.Resource                     = (*userRunnerResource)(nil)
	_ resource.ResourceWithConfigure        = (*userRunnerResource)(nil)
	_ resource.ResourceWithImportState      = (*userRunnerResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*userRunnerResource)(nil)
	_ resource.ResourceWithConfigValidators = (*userRunnerResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource {
	return &userRunnerResource{}
}

type userRunnerResource struct {
	providerdata.Resource
}

func (r *userRunnerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_runner"
}

func (r *userRunnerResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{runnerScopeValidator{}, untaggedNeedsTagsValidator{}, rotationDeadlineValidator{}, descriptionMarkerValidator{}}
}

func (r *userRunnerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: userRunnerDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The numeric id of the runner in GitLab, as a string. Use it to import the runner.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"runner_type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The scope of the runner: `instance_type` (all projects of the instance; needs an " +
					"administrator), `group_type` (the projects of one group and its subgroups; needs `group_id` and the " +
					"Owner role on the group) or `project_type` (one project; needs `project_id` and the Maintainer role). " +
					"Case-sensitive. Changing it replaces the runner (and so its token).",
				Validators: []validator.String{stringvalidator.OneOf(
					gitlabapi.RunnerTypeInstance, gitlabapi.RunnerTypeGroup, gitlabapi.RunnerTypeProject)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"group_id": schema.Int64Attribute{
				CustomType: tfvalue.Int64Type{},
				Optional:   true,
				MarkdownDescription: "The numeric id of the group of a `group_type` runner. Required for `group_type`, not " +
					"allowed otherwise. Read back from GitLab, so an imported group runner is not replaced. Changing it " +
					"replaces the runner.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"project_id": schema.Int64Attribute{
				CustomType: tfvalue.Int64Type{},
				Optional:   true,
				MarkdownDescription: "The numeric id of the project of a `project_type` runner. Required for `project_type`, " +
					"not allowed otherwise. Read back from GitLab (the runner's owner project), so an imported project " +
					"runner is not replaced. Changing it replaces the runner.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"token": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The runner's authentication token (`glrt-…`), which GitLab shows only once: hand it to " +
					"the hosts that run jobs (`gitlab-runner register --url <GitLab URL> --token <token>`). It changes when it " +
					"rotates (`rotation_triggers`, `rotate_before_expiry`, `on_stale_token`), and the previous token stops " +
					"working at once. `null` after an import, until a rotation.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token_expires_at": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the token in state expires (RFC 3339), as GitLab gave it at the create or the " +
					"last rotation; `null` when it does not (no runner token expiration interval applies). Not read back " +
					"from GitLab.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"rotation_triggers": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Arbitrary strings; any change rotates the token in place " +
					"(`POST /runners/:id/reset_authentication_token`): the runner keeps its id, managers and settings, " +
					"gets a new `token` and `token_expires_at`, and the old token stops working at once. For example " +
					"`{ rotated = \"2025-01\" }`. After an import the token is `null`; changing a trigger is how to get one.",
			},
			"rotate_before_expiry": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A Go duration such as `168h` (7 days). When the token expires within this window " +
					"at plan time, the plan rotates it in place. Has no effect on tokens without expiry. Pick a window " +
					"shorter than GitLab's token expiration interval, otherwise every apply rotates.",
				Validators: []validator.String{validators.PositiveDuration()},
			},
			"token_current": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the token in state is the runner's current, unexpired token, as of the last " +
					"refresh: `true`; `false` when it expired or was rotated outside Terraform (the plan warns, and " +
					"`on_stale_token` decides); `null` when the provider cannot tell (see `token_check` and the page's " +
					"\"Rotating the token\").",
			},
			"token_check": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where a refresh learns the expiry of the runner's current token, for `token_current`: " +
					"`\"rest\"` (the default) from the runner's details alone, which released GitLab versions lack, so only " +
					"an expired token is noticed; `\"graphql\"` with one more read-only GraphQL query per refresh, which " +
					"needs a token with the `api` or `read_api` scope. A failed check is a warning.",
				Validators: []validator.String{stringvalidator.OneOf(tokenCheckREST, tokenCheckGraphQL)},
			},
			"on_stale_token": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "What the plan does when the token in state is stale (`token_current = false`): " +
					"`\"warn\"` (the default) warns and changes nothing; `\"rotate\"` also rotates it in place. A rotation " +
					"revokes the runner's current token at once, also on a host that rotated it itself and uses it now.",
				Validators: []validator.String{stringvalidator.OneOf(onStaleTokenWarn, onStaleTokenRotate)},
			},
		},
	}
	// The runner attributes (description, tags, ...) come from the one table.
	maps.Copy(resp.Schema.Attributes, runnerattrs.ResourceSchema())
}

const userRunnerDescription = "A GitLab runner created with GitLab's runner creation workflow (`POST /user/runners`, " +
	"GitLab 15.11 or later), and its authentication `token`, which the hosts that run jobs register with. Changing " +
	"`runner_type`, `group_id` or `project_id` replaces the runner; everything else, token rotations included, " +
	"happens in place, and an attribute removed from the configuration goes back to GitLab's default. Creates are " +
	"safe to retry and to interrupt. Import by the runner's id; a `gitlab_user_runner` moves here with `moved`."
