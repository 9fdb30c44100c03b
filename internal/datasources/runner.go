package datasources

import (
	"context"
	"fmt"
	"maps"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var (
	_ datasource.DataSource              = (*runnerDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*runnerDataSource)(nil)
)

// NewRunner returns the gitlabrunner_runner data source: every detail
// of one runner (GET /runners/:id) plus its managers (GET /runners/:id/managers).
func NewRunner() datasource.DataSource {
	return &runnerDataSource{}
}

type runnerDataSource struct {
	providerdata.DataSource
}

// Object types of the nested lists; they must match the schema below.
var (
	runnerGroupAttrTypes = map[string]attr.Type{
		"id":      types.Int64Type,
		"name":    types.StringType,
		"web_url": types.StringType,
	}
	runnerProjectAttrTypes = map[string]attr.Type{
		"id":                  types.Int64Type,
		"name":                types.StringType,
		"name_with_namespace": types.StringType,
		"path":                types.StringType,
		"path_with_namespace": types.StringType,
	}
	runnerManagerAttrTypes = map[string]attr.Type{
		"id":           types.Int64Type,
		"system_id":    types.StringType,
		"version":      types.StringType,
		"revision":     types.StringType,
		"platform":     types.StringType,
		"architecture": types.StringType,
		"ip_address":   types.StringType,
		"status":       types.StringType,
		"contacted_at": types.StringType,
		"created_at":   types.StringType,

		"job_execution_status": types.StringType,
	}
)

// jobExecutionStatusDescription describes job_execution_status of runners and managers.
const jobExecutionStatusDescription = "`active` while it runs a job, `idle` otherwise; null on GitLab before about 18.5, " +
	"which does not report it."

func (d *runnerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner"
}

func (d *runnerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every detail of one GitLab runner (`GET /runners/:id`) and the runner managers " +
			"(`GET /runners/:id/managers`): each host that verified the runner's authentication token with its own " +
			"`system_id` appears as one manager. Works for any runner the token's user can see, not only runners " +
			"created by `gitlabrunner_user_runner`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The runner's numeric id, as a string (`\"42\"`) or a number (`42`). " +
					"Must be a positive whole number; checked at plan time.",
				// Terraform converts a number written in HCL (id = 42) to "42" before validation.
				Validators: []validator.String{validators.RunnerID()},
			},
			"ip_address": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "**Deprecated**: always null on GitLab 17.0 and later, which answers `null` here; use " +
					"`managers[*].ip_address`, the address each host last contacted GitLab from. On older GitLab, the " +
					"address of the runner's last contact (null when never contacted).",
				DeprecationMessage: "GitLab 17.0 and later always answer null for a runner's ip_address: the address lives on " +
					"the runner managers. Use managers[*].ip_address instead.",
			},
			"active":       computedBool("Whether the runner picks up jobs; the opposite of `paused` (GitLab's deprecated field, kept for compatibility)."),
			"is_shared":    computedBool("Whether the runner is shared with every project (instance runners)."),
			"runner_type":  computedString("`instance_type`, `group_type` or `project_type`."),
			"name":         computedString("The name the runner reported when it last contacted GitLab (often `gitlab-runner`); null when never contacted."),
			"online":       computedBool("Whether GitLab considers the runner online (contacted within the last 2 hours)."),
			"status":       computedString("`online`, `offline`, `stale` (created more than 7 days ago and not contacted for 7 days) or `never_contacted`."),
			"contacted_at": computedString("When the runner last contacted GitLab (RFC 3339 UTC, e.g. `2024-05-01T10:00:00Z`); null when never contacted."),
			"created_at":   computedString("When the runner was created (RFC 3339 UTC); null when GitLab does not report it (GitLab before about 18.0)."),
			"created_by":   createdByAttribute(),

			"job_execution_status": computedString("Whether one of the runner's managers is running a job: " + jobExecutionStatusDescription),

			"version":      computedString("gitlab-runner version of the most recently seen manager; null when never contacted."),
			"revision":     computedString("gitlab-runner revision of the most recently seen manager; null when never contacted."),
			"platform":     computedString("Operating system of the most recently seen manager (e.g. `linux`); null when never contacted."),
			"architecture": computedString("CPU architecture of the most recently seen manager (e.g. `amd64`); null when never contacted."),
			"groups": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Groups the runner belongs to (group runners); empty for instance and project runners.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":      schema.Int64Attribute{Computed: true, MarkdownDescription: "Group id."},
					"name":    computedString("Group name."),
					"web_url": computedString("Group web URL."),
				}},
			},
			"projects": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Projects the runner is assigned to (project runners); empty for instance and group runners.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                  schema.Int64Attribute{Computed: true, MarkdownDescription: "Project id."},
					"name":                computedString("Project name."),
					"name_with_namespace": computedString("Project name with its namespace, e.g. `Demo / Platform / App`."),
					"path":                computedString("Project path."),
					"path_with_namespace": computedString("Project full path, e.g. `demo/platform/app`."),
				}},
			},
			"managers": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Runner managers: one per `system_id` that verified the runner's token " +
					"(`gitlab-runner register --token glrt-…` on a host). Empty until a host registers. " +
					"Null (with a warning) when the GitLab server has no managers API.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Manager id."},
					"system_id":    computedString("The host's system id (`s_` + 12 hex characters from the machine id, or `r_` + 12 random characters)."),
					"version":      computedString("gitlab-runner version on that host; null when it did not say."),
					"revision":     computedString("gitlab-runner revision on that host; null when it did not say."),
					"platform":     computedString("Operating system of that host; null when it did not say."),
					"architecture": computedString("CPU architecture of that host; null when it did not say."),
					"ip_address":   computedString("IP address from which the host last contacted GitLab; null when GitLab does not know it."),
					"status":       computedString("`online`, `offline`, `stale` or `never_contacted`, as for the runner."),
					"contacted_at": computedString("When the host last contacted GitLab (RFC 3339 UTC); null when never."),
					"created_at":   computedString("When the manager was first seen (RFC 3339 UTC)."),

					"job_execution_status": computedString("Whether this host is running a job: " + jobExecutionStatusDescription),
				}},
			},
		},
	}
	// The runner attributes (description, tags, ...) come from the one table.
	maps.Copy(resp.Schema.Attributes, runnerattrs.DataSourceSchema())
}

func (d *runnerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	// The configuration is the id alone; the rest is computed.
	var config types.Object
	if !d.ReadConfig(ctx, req, resp, &config) {
		return
	}
	configID, _ := config.Attributes()["id"].(types.String)
	id, err := validators.ParseRunnerID(configID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid Runner ID", validators.InvalidRunnerID(path.Root("id"), configID.ValueString(), err))
		return
	}
	client := d.Data.Client

	runner, err := client.GetRunner(ctx, id)
	if err != nil {
		attempt := fmt.Sprintf("Reading runner %d (GET /runners/%d)", id, id)
		if diagnostics.Status(err) == http.StatusNotFound {
			resp.Diagnostics.AddError("Runner Not Found", diagnostics.APIError(attempt, err, fmt.Sprintf(
				"Check the id %d; GitLab also answers 404 when the token's user cannot manage the runner (instance "+
					"runners need an administrator token, group runners the group's Owner, project runners a project "+
					"Maintainer).", id)))
			return
		}
		resp.Diagnostics.AddError("Unable to Read Runner", diagnostics.APIError(attempt, err))
		return
	}
	if len(runner.Malformed) > 0 {
		resp.Diagnostics.AddWarning("Ambiguous Answer From GitLab", diagnostics.MalformedAnswer(
			fmt.Sprintf("GET /runners/%d", id), runner.Malformed, "This data source shows them as if GitLab had not sent them."))
	}

	managers, err := client.ListRunnerManagers(ctx, id)
	var managerList types.List
	switch {
	case err == nil:
		managerList = runnerManagersValue(managers)
	case diagnostics.Status(err) == http.StatusNotFound:
		// The runner exists (read just above), so a 404 here means the server
		// predates the managers API (GitLab 16.x added it) — not worth failing a plan.
		managerList = types.ListNull(types.ObjectType{AttrTypes: runnerManagerAttrTypes})
		resp.Diagnostics.AddWarning("Runner Managers Not Available", fmt.Sprintf(
			"GitLab answered %s although the runner exists: this GitLab server does not serve "+
				"runner managers. managers is null; upgrade GitLab to see one entry per registered host.", diagnostics.Answer(err)))
	default:
		resp.Diagnostics.AddError("Unable to Read Runner Managers",
			diagnostics.APIError(fmt.Sprintf("Reading the managers of runner %d (GET /runners/%d/managers)", id, id), err))
		return
	}

	values := runnerDetailsValues(runner)
	values["id"] = configID
	values["managers"] = managerList
	state, diags := tfvalue.Object(resp.State.Schema.Type(), values)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// runnerDetailsValues maps GitLab's runner details onto the data source's
// attributes (all but id and managers); the runner attributes are mapped by
// runnerattrs, as for the resource.
func runnerDetailsValues(r *gitlabapi.RunnerDetails) map[string]attr.Value {
	groups := make([]attr.Value, 0, len(r.Groups))
	for _, g := range r.Groups {
		groups = append(groups, types.ObjectValueMust(runnerGroupAttrTypes, map[string]attr.Value{
			"id":      types.Int64Value(g.ID),
			"name":    types.StringValue(g.Name),
			"web_url": types.StringValue(g.WebURL),
		}))
	}
	projects := make([]attr.Value, 0, len(r.Projects))
	for _, p := range r.Projects {
		projects = append(projects, types.ObjectValueMust(runnerProjectAttrTypes, map[string]attr.Value{
			"id":                  types.Int64Value(p.ID),
			"name":                types.StringValue(p.Name),
			"name_with_namespace": types.StringValue(p.NameWithNamespace),
			"path":                types.StringValue(p.Path),
			"path_with_namespace": types.StringValue(p.PathWithNamespace),
		}))
	}
	values := map[string]attr.Value{
		"ip_address":   types.StringPointerValue(r.IPAddress),
		"active":       types.BoolValue(r.Active),
		"is_shared":    types.BoolValue(r.IsShared),
		"runner_type":  types.StringValue(r.RunnerType),
		"name":         types.StringPointerValue(r.Name),
		"online":       types.BoolValue(r.Online),
		"status":       types.StringValue(r.Status),
		"contacted_at": tfvalue.Time(r.ContactedAt),
		"created_at":   tfvalue.Time(r.CreatedAt),
		"created_by":   createdByValue(r.CreatedBy),

		"job_execution_status": types.StringPointerValue(r.JobExecutionStatus),

		"version":      types.StringPointerValue(r.Version),
		"revision":     types.StringPointerValue(r.Revision),
		"platform":     types.StringPointerValue(r.Platform),
		"architecture": types.StringPointerValue(r.Architecture),
		"groups":       types.ListValueMust(types.ObjectType{AttrTypes: runnerGroupAttrTypes}, groups),
		"projects":     types.ListValueMust(types.ObjectType{AttrTypes: runnerProjectAttrTypes}, projects),
	}
	maps.Copy(values, runnerattrs.DataSourceValues(&r.RunnerAttributes))
	return values
}

// runnerManagersValue maps GitLab's managers onto the nested list.
func runnerManagersValue(managers []gitlabapi.RunnerManager) types.List {
	elems := make([]attr.Value, 0, len(managers))
	for _, m := range managers {
		elems = append(elems, types.ObjectValueMust(runnerManagerAttrTypes, map[string]attr.Value{
			"id":           types.Int64Value(m.ID),
			"system_id":    types.StringValue(m.SystemID),
			"version":      types.StringPointerValue(m.Version),
			"revision":     types.StringPointerValue(m.Revision),
			"platform":     types.StringPointerValue(m.Platform),
			"architecture": types.StringPointerValue(m.Architecture),
			"ip_address":   types.StringPointerValue(m.IPAddress),
			"status":       types.StringValue(m.Status),
			"contacted_at": tfvalue.Time(m.ContactedAt),
			"created_at":   tfvalue.Time(m.CreatedAt),

			"job_execution_status": types.StringPointerValue(m.JobExecutionStatus),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: runnerManagerAttrTypes}, elems)
}
