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
				MarkdownDescription: "The runner's authentication token (`glrt-…`), which GitLab shows only once. Hand it " +
					"to the hosts that run jobs: `gitlab-runner register --url <GitLab URL> --token <token>` (or the " +
					"`runnerToken` of the Helm chart). Every host that registers with it appears as a runner manager of " +
					"this one runner. The token changes when it is rotated (see `rotation_triggers` and " +
					"`rotate_before_expiry`); the previous token stops working at once. `null` after an import, because " +
					"GitLab never shows an existing token again: change `rotation_triggers` to obtain one.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token_expires_at": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the token expires (RFC 3339), or `null` when it does not. GitLab sets an " +
					"expiry when the instance has a runner token expiration interval. Note that a running " +
					"`gitlab-runner` rotates its own token at 75% of its lifetime; use `rotate_before_expiry` so that " +
					"Terraform rotates first and keeps the token it hands out valid, and `token_current` to learn when " +
					"it was rotated anyway. This is the expiry of the token in state, not read back from GitLab.",
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
				MarkdownDescription: "Whether the token in state is known to be the runner's current, unexpired token, as " +
					"of the last refresh: `true` when GitLab shows the same token expiry as `token_expires_at`; `false` when " +
					"the token has expired, or GitLab shows another expiry — the token was rotated outside Terraform (by a " +
					"`gitlab-runner` host, which rotates its own token at 75% of its lifetime, or by an administrator) and " +
					"GitLab refuses the token in state; `null` when the provider cannot tell: with `token_check = \"rest\"` " +
					"on a GitLab whose runner details do not show the token's expiry (no released version does yet), for a " +
					"token without expiry (a rotation leaves the expiry `null`), with no token in state (after an import), or when " +
					"GitLab's answers are malformed, ambiguous or disagree (the plan warns; nothing rotates on them). " +
					"When it is `false` the plan warns, and `on_stale_token` decides what happens. Use it in a `check` block " +
					"to hold back a rollout that would hand out a stale token.",
			},
			"token_check": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where a refresh learns the expiry of the runner's current token, to set " +
					"`token_current`. `\"rest\"` (the default): only from the runner's details (`GET /runners/:id`, the one " +
					"request a refresh makes); released GitLab versions do not show it there (GitLab MR !253821 proposes " +
					"it), so on today's servers this only recognises an expired token. `\"graphql\"`: when the details do " +
					"not show it, one more request per refresh, a read-only GraphQL query of the runner's `tokenExpiresAt` " +
					"(`POST /api/graphql`, GitLab has it since about 14.8); it needs a token with the `api` or `read_api` scope " +
					"(`create_runner` and `manage_runner` are not enough) and permission to read the runner. A failed check " +
					"is a warning and leaves `token_current` `null`. No check can see a rotation while no token expiration " +
					"interval applies to the runner, because the expiry stays `null`. `POST /runners/verify` is never used " +
					"as a check: it registers a runner manager and marks the runner as contacted.",
				Validators: []validator.String{stringvalidator.OneOf(tokenCheckREST, tokenCheckGraphQL)},
			},
			"on_stale_token": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "What the plan does when the token in state is known to be stale (`token_current = " +
					"false`). `\"warn\"` (the default): it warns and changes nothing. `\"rotate\"`: it warns and rotates " +
					"the token in place, as a `rotation_triggers` change does, so that the apply puts a fresh, working token " +
					"in state (and in every output and resource that reads it). **Rotating revokes the runner's current " +
					"token at once**: a host that rotated the token itself, and is using it right now, stops working until " +
					"it gets the new token — which is why nothing rotates without this consent.",
				Validators: []validator.String{stringvalidator.OneOf(onStaleTokenWarn, onStaleTokenRotate)},
			},
		},
	}
	// The runner attributes (description, tags, ...) come from the one table.
	maps.Copy(resp.Schema.Attributes, runnerattrs.ResourceSchema())
}

const userRunnerDescription = "A GitLab runner created with GitLab's runner creation workflow (`POST /user/runners`, " +
	"GitLab 15.11 or later), and its authentication token.\n\n" +
	"The runner and its settings (tags, `locked`, `access_level`, `run_untagged`, `maximum_timeout`) live in GitLab; " +
	"the hosts that run jobs only need the `token`: `gitlab-runner register --url <GitLab URL> --token <token>`. " +
	"Several hosts may share one token; each appears as a runner manager of the same runner.\n\n" +
	"Removing an optional attribute from the configuration sets it back to GitLab's default. Changing `runner_type`, " +
	"`group_id` or `project_id` replaces the runner; everything else is updated in place. The token rotates in place " +
	"when `rotation_triggers` change, when it is about to expire (`rotate_before_expiry`), or when a refresh finds it " +
	"rotated outside Terraform and `on_stale_token = \"rotate\"` (see `token_current` and `token_check`).\n\n" +
	"Creation is safe to retry and to interrupt: if GitLab's answer to the create request is lost, the provider finds " +
	"the runner by a creation marker in its description and adopts it instead of creating a duplicate; a runner left by " +
	"a create that never finished (a killed provider) is adopted by the next apply that creates one with its " +
	"description, on evidence only this configuration can produce (see the provider's `unfinished_runners`).\n\n" +
	"Import with the numeric runner id: `terraform import gitlabrunner_user_runner.example 42`, an `import` block " +
	"with `id = \"42\"`, or (Terraform and OpenTofu 1.12+) with `identity = { id = \"42\" }`. GitLab never shows an existing token again, so `token` is `null` after an import; change " +
	"`rotation_triggers` to mint a new one (the runner's hosts then need the new token).\n\n" +
	"A `gitlab_user_runner` of GitLab's provider moves here with a `moved` block (Terraform 1.8+, OpenTofu 1.10+): " +
	"the same runner and token, nothing replaced, and the move writes nothing to GitLab; an attribute the " +
	"configuration leaves out is then set back to GitLab's default (the first plan warns about each)."
