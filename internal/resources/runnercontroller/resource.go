// Package runnercontroller is the gitlabrunner_runner_controller resource: a
// runner controller of GitLab Enterprise Edition 18.9+ (Ultimate,
// administrators only), its description and state (POST, PUT and DELETE
// /runner_controllers).
//
// Files:
//
//	resource.go  type, schema
//	identity.go  resource identity and import
//	crud.go      Create, Read, Update, Delete, ModifyPlan
package runnercontroller

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var (
	_ resource.Resource                = (*controllerResource)(nil)
	_ resource.ResourceWithConfigure   = (*controllerResource)(nil)
	_ resource.ResourceWithImportState = (*controllerResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*controllerResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource { return &controllerResource{} }

type controllerResource struct {
	providerdata.Resource
}

// controllerModel is the plan and state of the resource.
type controllerModel struct {
	ID          types.String `tfsdk:"id"`
	Description types.String `tfsdk:"description"`
	State       types.String `tfsdk:"state"`
	CreatedAt   types.String `tfsdk:"created_at"`
}

// fromAPI is the model of a controller as GitLab shows it.
func fromAPI(c *gitlabapi.RunnerController) controllerModel {
	return controllerModel{
		ID:          types.StringValue(strconv.FormatInt(c.ID, 10)),
		Description: types.StringValue(runnercontrollers.Description(c.Description)),
		State:       types.StringValue(c.State),
		CreatedAt:   tfvalue.Time(c.CreatedAt),
	}
}

func (r *controllerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_controller"
}

func (r *controllerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The numeric id of the runner controller, as a string. Use it to import the controller.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"description": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
				MarkdownDescription: "What the controller is for, at most 1024 characters. Default `\"\"`; removing it " +
					"from the configuration clears it.",
				Validators: []validator.String{validators.MaxChars(1024)},
			},
			"state": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(gitlabapi.RunnerControllerDisabled),
				MarkdownDescription: "`disabled` (the default), `enabled` or `dry_run` (for trying a controller out). " +
					"`enabled` and `dry_run` make it active: the job router consults it, for the jobs of its scope " +
					"(`gitlabrunner_runner_controller_scope`); without a scope it stays inactive.",
				Validators: []validator.String{stringvalidator.OneOf(gitlabapi.RunnerControllerDisabled,
					gitlabapi.RunnerControllerEnabled, gitlabapi.RunnerControllerDryRun)},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the controller was created (RFC 3339).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

const description = "A runner controller: a service that GitLab's job router asks whether to admit a job " +
	"(`/runner_controllers`, an experiment of GitLab Enterprise Edition 18.9+ with an Ultimate licence). Needs an " +
	"administrator's token. It acts only with a scope (`gitlabrunner_runner_controller_scope`) and authenticates with " +
	"a token (`gitlabrunner_runner_controller_token`); destroy deletes both with it. Import with the numeric id, or by identity."
