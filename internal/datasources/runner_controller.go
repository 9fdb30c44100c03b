package datasources

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ datasource.DataSource              = (*runnerControllerDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*runnerControllerDataSource)(nil)
)

// NewRunnerController returns the gitlabrunner_runner_controller data
// source: one runner controller (GET /runner_controllers/:id).
func NewRunnerController() datasource.DataSource { return &runnerControllerDataSource{} }

type runnerControllerDataSource struct {
	providerdata.DataSource
}

type runnerControllerModel struct {
	ID          types.Int64  `tfsdk:"id"`
	Description types.String `tfsdk:"description"`
	State       types.String `tfsdk:"state"`
	CreatedAt   types.String `tfsdk:"created_at"`
	UpdatedAt   types.String `tfsdk:"updated_at"`
	Connected   types.Bool   `tfsdk:"connected"`
}

func (d *runnerControllerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_controller"
}

// The attributes a runner controller shows, in the data sources.
const (
	controllerDescriptionMD = "What the controller is for; `\"\"` when it has no description."
	controllerStateMD       = "`disabled`, `enabled` or `dry_run`."
	controllerCreatedMD     = "When the controller was created (RFC 3339)."
	controllerUpdatedMD     = "When the controller was last changed (RFC 3339)."
)

func (d *runnerControllerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One runner controller of GitLab Enterprise Edition 18.9+ (`GET /runner_controllers/:id`; " +
			"Ultimate, an administrator's token with `api` or `read_api`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "The numeric id of the runner controller.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"description": computedString(controllerDescriptionMD),
			"state":       computedString(controllerStateMD),
			"created_at":  computedString(controllerCreatedMD),
			"updated_at":  computedString(controllerUpdatedMD),
			"connected": computedBool("Whether one of the controller's tokens was used within the last hour: the " +
				"controller is talking to GitLab's job router."),
		},
	}
}

func (d *runnerControllerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model runnerControllerModel
	if !d.ReadConfig(ctx, req, resp, &model) {
		return
	}
	id := model.ID.ValueInt64()
	ctl, err := d.Data.Client.GetRunnerController(ctx, id)
	if err != nil {
		summary := "Unable to Read Runner Controller"
		if errors.Is(err, gitlabapi.ErrNotFound) {
			summary = "Runner Controller Not Found"
		}
		resp.Diagnostics.AddError(runnercontrollers.Failure(ctx, d.Data, runnercontrollers.Controllers, summary,
			fmt.Sprintf("Reading runner controller %d (GET /runner_controllers/%d)", id, id), err,
			fmt.Sprintf("There is no runner controller %d: check id (the data source gitlabrunner_runner_controllers lists them).", id)))
		return
	}
	model.Description = types.StringValue(runnercontrollers.Description(ctl.Description))
	model.State = types.StringValue(ctl.State)
	model.CreatedAt = tfvalue.Time(ctl.CreatedAt)
	model.UpdatedAt = tfvalue.Time(ctl.UpdatedAt)
	model.Connected = types.BoolPointerValue(ctl.Connected)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
