package datasources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ datasource.DataSource              = (*runnerControllersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*runnerControllersDataSource)(nil)
)

// NewRunnerControllers returns the gitlabrunner_runner_controllers data
// source: every runner controller (GET /runner_controllers, all pages).
func NewRunnerControllers() datasource.DataSource { return &runnerControllersDataSource{} }

type runnerControllersDataSource struct {
	providerdata.DataSource
}

type runnerControllersModel struct {
	State             types.String `tfsdk:"state"`
	IDs               types.List   `tfsdk:"ids"`
	RunnerControllers types.List   `tfsdk:"runner_controllers"`
}

var runnerControllerItemTypes = map[string]attr.Type{
	"id":          types.Int64Type,
	"description": types.StringType,
	"state":       types.StringType,
	"created_at":  types.StringType,
	"updated_at":  types.StringType,
}

func (d *runnerControllersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_controllers"
}

func (d *runnerControllersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The runner controllers of the instance (`GET /runner_controllers`, every page; GitLab " +
			"Enterprise Edition 18.9+, Ultimate, an administrator's token with `api` or `read_api`), by id.",
		Attributes: map[string]schema.Attribute{
			"state": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the controllers in this state: `disabled`, `enabled` or `dry_run`. All when not set.",
				Validators: []validator.String{stringvalidator.OneOf(gitlabapi.RunnerControllerDisabled,
					gitlabapi.RunnerControllerEnabled, gitlabapi.RunnerControllerDryRun)},
			},
			"ids": schema.ListAttribute{
				ElementType:         types.Int64Type,
				Computed:            true,
				MarkdownDescription: "The ids of the controllers, ascending.",
			},
			"runner_controllers": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The controllers, ascending by id.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.Int64Attribute{Computed: true, MarkdownDescription: "The controller's id."},
					"description": computedString(controllerDescriptionMD),
					"state":       computedString(controllerStateMD),
					"created_at":  computedString(controllerCreatedMD),
					"updated_at":  computedString(controllerUpdatedMD),
				}},
			},
		},
	}
}

func (d *runnerControllersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model runnerControllersModel
	if !d.ReadConfig(ctx, req, resp, &model) {
		return
	}
	all, err := d.Data.Client.ListRunnerControllers(ctx)
	if err != nil {
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, d.Data, runnercontrollers.Controllers,
			"Unable to List Runner Controllers", "Listing the runner controllers (GET /runner_controllers)", err))
		return
	}
	ids := []attr.Value{}
	items := []attr.Value{}
	for _, c := range all {
		if !model.State.IsNull() && c.State != model.State.ValueString() {
			continue
		}
		item, diags := types.ObjectValue(runnerControllerItemTypes, map[string]attr.Value{
			"id":          types.Int64Value(c.ID),
			"description": types.StringValue(runnercontrollers.Description(c.Description)),
			"state":       types.StringValue(c.State),
			"created_at":  tfvalue.Time(c.CreatedAt),
			"updated_at":  tfvalue.Time(c.UpdatedAt),
		})
		resp.Diagnostics.Append(diags...)
		ids = append(ids, types.Int64Value(c.ID))
		items = append(items, item)
	}
	model.IDs = types.ListValueMust(types.Int64Type, ids)
	model.RunnerControllers = types.ListValueMust(types.ObjectType{AttrTypes: runnerControllerItemTypes}, items)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
