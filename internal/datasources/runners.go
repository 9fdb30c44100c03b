package datasources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerselect"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

var (
	_ datasource.DataSource                     = (*runnersDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*runnersDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*runnersDataSource)(nil)
)

// NewRunners returns the gitlabrunner_runners data source: the runners
// of one scope, filtered, across all pages.
func NewRunners() datasource.DataSource {
	return &runnersDataSource{}
}

type runnersDataSource struct {
	providerdata.DataSource
}

type runnersDataSourceModel struct {
	ID types.String `tfsdk:"id"`
	runnerselect.Config
	IDs     types.List `tfsdk:"ids"`
	Runners types.List `tfsdk:"runners"`
}

var runnersItemAttrTypes = map[string]attr.Type{
	"id":          types.StringType,
	"description": types.StringType,
	"ip_address":  types.StringType,
	"active":      types.BoolType,
	"paused":      types.BoolType,
	"is_shared":   types.BoolType,
	"runner_type": types.StringType,
	"name":        types.StringType,
	"online":      types.BoolType,
	"created_at":  types.StringType,
	"created_by":  types.ObjectType{AttrTypes: createdByAttrTypes},
	"status":      types.StringType,

	"job_execution_status": types.StringType,
}

func (d *runnersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runners"
}

func (d *runnersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the runners of one scope, following GitLab's pagination to the end: the runners the " +
			"token's user can manage (the default), the instance's (`scope = \"instance\"`), a group's or a project's; " +
			"give at most one of `scope`, `group_id` and `project_id`. The filters `type`, `status`, `paused`, " +
			"`tag_list` and `version_prefix` are applied by GitLab.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("Identifier of this listing: the scope, e.g. `owned`, `instance`, `group:12` or `project:34`."),
			"scope": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Which runners to list: `owned` (the default; `GET /runners`, the runners the token's user can manage) or " +
					"`instance` (`GET /runners/all`, every runner of the instance; needs an administrator token). " +
					"Conflicts with `group_id` and `project_id`. After reading it reports the scope actually listed: " +
					"`owned`, `instance`, `group` or `project`.",
				Validators: runnerselect.ScopeValidators(),
			},
			"group_id": schema.Int64Attribute{
				CustomType:          tfvalue.Int64Type{},
				Optional:            true,
				MarkdownDescription: "List the runners available to this group (`GET /groups/:id/runners`), including those of its parent groups and instance runners unless `type` narrows it. Conflicts with `scope` and `project_id`.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"project_id": schema.Int64Attribute{
				CustomType:          tfvalue.Int64Type{},
				Optional:            true,
				MarkdownDescription: "List the runners available to this project (`GET /projects/:id/runners`). Conflicts with `scope` and `group_id`.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners of this type: `instance_type`, `group_type` or `project_type`.",
				Validators:          runnerselect.TypeValidators(),
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners with this status: `online`, `offline`, `stale` or `never_contacted`.",
				Validators:          runnerselect.StatusValidators(),
			},
			"paused": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Only paused (`true`) or only unpaused (`false`) runners.",
			},
			"tag_list": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only runners that have all of these tags.",
				Validators:          runnerselect.TagListValidators(),
			},
			"version_prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners whose gitlab-runner version starts with this prefix, e.g. `17.` or `17.4`.",
				Validators:          runnerselect.VersionPrefixValidators(),
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Ids of the listed runners, as strings, in GitLab's order (usable as `gitlabrunner_runner`'s `id`).",
			},
			"runners": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The listed runners, in the same order as `ids`, with the fields GitLab returns in lists. Use `gitlabrunner_runner` for tags, managers and the rest.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          computedString("Runner id, as a string."),
					"description": computedString("Runner description; null when GitLab reports none."),
					"ip_address": schema.StringAttribute{
						Computed: true,
						MarkdownDescription: "**Deprecated**: always null on GitLab 17.0 and later, which answers `null` here; " +
							"read `managers[*].ip_address` of `gitlabrunner_runner` instead. On older GitLab, the address of " +
							"the runner's last contact (null when never contacted).",
						DeprecationMessage: "GitLab 17.0 and later always answer null for a runner's ip_address: the address " +
							"lives on the runner managers (gitlabrunner_runner's managers[*].ip_address).",
					},
					"active":      computedBool("The opposite of `paused` (GitLab's deprecated field)."),
					"paused":      computedBool("Whether the runner is paused."),
					"is_shared":   computedBool("Whether the runner is an instance (shared) runner."),
					"runner_type": computedString("`instance_type`, `group_type` or `project_type`."),
					"name":        computedString("Name reported by the runner; null when never contacted."),
					"online":      computedBool("Whether the runner is online."),
					"created_at":  computedString("When the runner was created (RFC 3339 UTC); null when GitLab does not report it (GitLab before about 18.0)."),
					"created_by":  createdByAttribute(),
					"status":      computedString("`online`, `offline`, `stale` or `never_contacted`."),

					"job_execution_status": computedString("Whether one of the runner's managers is running a job: " + jobExecutionStatusDescription),
				}},
			},
		},
	}
}

func (d *runnersDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("scope"), path.MatchRoot("group_id"), path.MatchRoot("project_id")),
	}
}

func (d *runnersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model runnersDataSourceModel
	if !d.ReadConfig(ctx, req, resp, &model) {
		return
	}

	sel, diags := model.Selection(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.Scope = types.StringValue(sel.Kind())
	model.ID = types.StringValue(sel.ID())

	runners, ok := sel.List(ctx, d.Data.Client, &resp.Diagnostics)
	if !ok {
		return
	}

	ids := make([]attr.Value, 0, len(runners))
	items := make([]attr.Value, 0, len(runners))
	for _, r := range runners {
		id := fmt.Sprint(r.ID)
		ids = append(ids, types.StringValue(id))
		items = append(items, types.ObjectValueMust(runnersItemAttrTypes, map[string]attr.Value{
			"id":          types.StringValue(id),
			"description": types.StringPointerValue(r.Description),
			"ip_address":  types.StringPointerValue(r.IPAddress),
			"active":      types.BoolValue(r.Active),
			"paused":      types.BoolValue(r.Paused),
			"is_shared":   types.BoolValue(r.IsShared),
			"runner_type": types.StringValue(r.RunnerType),
			"name":        types.StringPointerValue(r.Name),
			"online":      types.BoolValue(r.Online),
			"created_at":  tfvalue.Time(r.CreatedAt),
			"created_by":  createdByValue(r.CreatedBy),
			"status":      types.StringValue(r.Status),

			"job_execution_status": types.StringPointerValue(r.JobExecutionStatus),
		}))
	}
	model.IDs = types.ListValueMust(types.StringType, ids)
	model.Runners = types.ListValueMust(types.ObjectType{AttrTypes: runnersItemAttrTypes}, items)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
