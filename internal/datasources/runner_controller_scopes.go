package datasources

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

var (
	_ datasource.DataSource              = (*runnerControllerScopesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*runnerControllerScopesDataSource)(nil)
)

// NewRunnerControllerScopes returns the gitlabrunner_runner_controller_scopes
// data source: a controller's scopes (GET /runner_controllers/:id/scopes).
func NewRunnerControllerScopes() datasource.DataSource { return &runnerControllerScopesDataSource{} }

type runnerControllerScopesDataSource struct {
	providerdata.DataSource
}

type runnerControllerScopesModel struct {
	RunnerControllerID types.Int64  `tfsdk:"runner_controller_id"`
	Instance           types.Bool   `tfsdk:"instance"`
	InstanceCreatedAt  types.String `tfsdk:"instance_created_at"`
	RunnerIDs          types.List   `tfsdk:"runner_ids"`
	RunnerScopes       types.List   `tfsdk:"runner_scopes"`
}

var runnerScopeItemTypes = map[string]attr.Type{
	"runner_id":  types.Int64Type,
	"created_at": types.StringType,
	"updated_at": types.StringType,
}

func (d *runnerControllerScopesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_controller_scopes"
}

func (d *runnerControllerScopesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The scopes of a runner controller, the jobs GitLab's job router asks it about: the " +
			"instance's, or some instance runners' (`GET /runner_controllers/:id/scopes`; GitLab Enterprise Edition " +
			"18.9+, runner scopes 18.10+; an administrator's token with `api` or `read_api`).",
		Attributes: map[string]schema.Attribute{
			"runner_controller_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "The numeric id of the runner controller.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"instance":            computedBool("Whether the controller has the instance scope: every runner's jobs."),
			"instance_created_at": computedString("When the instance scope was added (RFC 3339); `null` without it."),
			"runner_ids": schema.ListAttribute{
				ElementType:         types.Int64Type,
				Computed:            true,
				MarkdownDescription: "The instance runners of its runner scopes, in the order they were added; empty before GitLab 18.10.",
			},
			"runner_scopes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Its runner scopes, in the order they were added.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"runner_id":  schema.Int64Attribute{Computed: true, MarkdownDescription: "The instance runner's id."},
					"created_at": computedString("When the scope was added (RFC 3339)."),
					"updated_at": computedString("When the scope was last changed (RFC 3339)."),
				}},
			},
		},
	}
}

func (d *runnerControllerScopesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model runnerControllerScopesModel
	if !d.ReadConfig(ctx, req, resp, &model) {
		return
	}
	id := model.RunnerControllerID.ValueInt64()
	scopes, err := d.Data.Client.GetRunnerControllerScopes(ctx, id)
	if err != nil {
		summary := "Unable to Read Runner Controller Scopes"
		if errors.Is(err, gitlabapi.ErrNotFound) {
			summary = "Runner Controller Not Found"
		}
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, d.Data, runnercontrollers.Controllers, summary,
			fmt.Sprintf("Reading the scopes of runner controller %d (GET /runner_controllers/%d/scopes)", id, id), err,
			fmt.Sprintf("There is no runner controller %d: check runner_controller_id.", id)))
		return
	}
	model.Instance = types.BoolValue(len(scopes.Instance) > 0)
	model.InstanceCreatedAt = types.StringNull()
	if len(scopes.Instance) > 0 {
		model.InstanceCreatedAt = tfvalue.Time(scopes.Instance[0].CreatedAt)
	}
	ids := []attr.Value{}
	items := []attr.Value{}
	for _, s := range scopes.Runners {
		item, diags := types.ObjectValue(runnerScopeItemTypes, map[string]attr.Value{
			"runner_id":  types.Int64Value(s.RunnerID),
			"created_at": tfvalue.Time(s.CreatedAt),
			"updated_at": tfvalue.Time(s.UpdatedAt),
		})
		resp.Diagnostics.Append(diags...)
		ids = append(ids, types.Int64Value(s.RunnerID))
		items = append(items, item)
	}
	model.RunnerIDs = types.ListValueMust(types.Int64Type, ids)
	model.RunnerScopes = types.ListValueMust(types.ObjectType{AttrTypes: runnerScopeItemTypes}, items)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
