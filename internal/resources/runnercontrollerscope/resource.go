// Package runnercontrollerscope is the gitlabrunner_runner_controller_scope
// resource: what a runner controller is asked about, the whole instance
// (GitLab Enterprise Edition 18.9+) or one instance runner (18.10+)
// (/runner_controllers/:id/scopes). A controller has the instance scope or
// runner scopes, never both: GitLab refuses the mix, and so does the plan
// wherever it can know.
//
// Files:
//
//	resource.go  type, schema, ids
//	identity.go  resource identity and import
//	crud.go      Create, Read, Delete
//	plan.go      ModifyPlan: GitLab's refusals found at plan time
package runnercontrollerscope

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
)

var (
	_ resource.Resource                = (*scopeResource)(nil)
	_ resource.ResourceWithConfigure   = (*scopeResource)(nil)
	_ resource.ResourceWithImportState = (*scopeResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scopeResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource { return &scopeResource{} }

type scopeResource struct {
	providerdata.Resource
}

// scopeModel is the plan and state of the resource; a null RunnerID is the
// instance scope.
type scopeModel struct {
	ID                 types.String `tfsdk:"id"`
	RunnerControllerID types.Int64  `tfsdk:"runner_controller_id"`
	RunnerID           types.Int64  `tfsdk:"runner_id"`
	CreatedAt          types.String `tfsdk:"created_at"`
}

func (r *scopeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_controller_scope"
}

func (r *scopeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<runner_controller_id>/instance` or `<runner_controller_id>/runners/<runner_id>`, the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"runner_controller_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "The numeric id of the runner controller. Changing it replaces the scope.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"runner_id": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "The numeric id of an **instance** runner: the controller is asked about its jobs only " +
					"(GitLab 18.10+). Leave it out for the instance scope: every runner's jobs. Changing it replaces the scope.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When GitLab added the scope (RFC 3339).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

const description = "A scope of a runner controller: the jobs GitLab's job router asks it about — of the whole " +
	"instance (no `runner_id`; GitLab Enterprise Edition 18.9+), or of one instance runner (`runner_id`; 18.10+). A " +
	"controller has the instance scope or runner scopes, never both; the plan refuses the mix, and runners that are " +
	"not instance runners. Needs an administrator's token. Import with `<controller_id>/instance` or " +
	"`<controller_id>/runners/<runner_id>`, or by identity."

// formatID is the id of a scope; runnerID 0 is the instance scope.
func formatID(controllerID, runnerID int64) string {
	if runnerID == 0 {
		return strconv.FormatInt(controllerID, 10) + "/instance"
	}
	return strconv.FormatInt(controllerID, 10) + "/runners/" + strconv.FormatInt(runnerID, 10)
}

// parseID reads what formatID writes.
func parseID(id string) (controllerID, runnerID int64, err error) {
	parts := strings.Split(strings.TrimSpace(id), "/")
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("it has no '/' after the runner controller id")
	}
	if controllerID, err = runnercontrollers.ParseID(parts[0]); err != nil {
		return 0, 0, fmt.Errorf("the runner controller id %q: %w", parts[0], err)
	}
	switch {
	case len(parts) == 2 && parts[1] == "instance":
		return controllerID, 0, nil
	case len(parts) == 3 && parts[1] == "runners":
		if runnerID, err = runnercontrollers.ParseID(parts[2]); err != nil {
			return 0, 0, fmt.Errorf("the runner id %q: %w", parts[2], err)
		}
		return controllerID, runnerID, nil
	}
	return 0, 0, fmt.Errorf("after the controller id comes \"instance\" or \"runners/<runner_id>\"")
}

// runnerID is m's runner id, 0 for the instance scope.
func (m *scopeModel) runnerID() int64 {
	if m.RunnerID.IsNull() || m.RunnerID.IsUnknown() {
		return 0
	}
	return m.RunnerID.ValueInt64()
}

// what reads "the instance scope" or "the scope of runner 42".
func what(runnerID int64) string {
	if runnerID == 0 {
		return "the instance scope"
	}
	return fmt.Sprintf("the scope of runner %d", runnerID)
}

// scopePath is the scope's API path, for diagnostics.
func scopePath(controllerID, runnerID int64) string {
	if runnerID == 0 {
		return fmt.Sprintf("/runner_controllers/%d/scopes/instance", controllerID)
	}
	return fmt.Sprintf("/runner_controllers/%d/scopes/runners/%d", controllerID, runnerID)
}
