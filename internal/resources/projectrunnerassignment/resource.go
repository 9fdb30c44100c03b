// Package projectrunnerassignment is the gitlabrunner_project_runner_assignment
// resource: an existing project runner shared with one more project
// (POST /projects/:id/runners), unassigned on destroy.
//
// Files:
//
//	resource.go     type, schema, import
//	crud.go         Create, Read, Delete
//	outcome.go      assignments whose outcome is unknown (lost answers, interruptions)
//	plan.go         ModifyPlan: GitLab's refusals found at plan time
//	diagnostics.go  the advice of this resource's errors
package projectrunnerassignment

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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var (
	_ resource.Resource                = (*assignmentResource)(nil)
	_ resource.ResourceWithConfigure   = (*assignmentResource)(nil)
	_ resource.ResourceWithImportState = (*assignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*assignmentResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource { return &assignmentResource{} }

type assignmentResource struct {
	providerdata.Resource
}

// assignmentModel is the plan and state of the resource.
type assignmentModel struct {
	ID        types.String `tfsdk:"id"`
	ProjectID types.Int64  `tfsdk:"project_id"`
	RunnerID  types.Int64  `tfsdk:"runner_id"`
}

func (r *assignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_runner_assignment"
}

func (r *assignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<project_id>:<runner_id>`, the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"project_id": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "The numeric id of the project the runner is assigned to — not the runner's own (owner) " +
					"project, which it always serves. Needs the Maintainer role on this project (or an administrator). " +
					"Changing it moves the assignment (unassign, then assign).",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"runner_id": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "The numeric id of a **project** runner, e.g. `gitlabrunner_user_runner.example.id`. " +
					"Group and instance runners cannot be assigned (they already serve every project of their group, or " +
					"of the instance), nor can a locked runner. Needs the Maintainer role on a project the runner belongs " +
					"to (or an administrator). Changing it replaces the assignment.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
		},
	}
}

const description = "Assigns an existing **project runner** to one more project, as GitLab's " +
	"\"Enable for this project\" does (`POST /projects/:id/runners`), and unassigns it on destroy. One resource " +
	"per (project, runner) pair. Needs the Maintainer role on both projects, or an administrator. What GitLab " +
	"would refuse (a group, instance or locked runner, its owner project, a project or runner that does not " +
	"exist) fails the plan; an assignment that exists already is adopted."

func formatID(projectID, runnerID int64) string {
	return strconv.FormatInt(projectID, 10) + ":" + strconv.FormatInt(runnerID, 10)
}

// parseID reads "<project_id>:<runner_id>".
func parseID(id string) (projectID, runnerID int64, err error) {
	p, rn, ok := strings.Cut(strings.TrimSpace(id), ":")
	if !ok {
		return 0, 0, fmt.Errorf("it has no ':' between the project id and the runner id")
	}
	projectID, err = strconv.ParseInt(p, 10, 64)
	if err != nil || projectID < 1 {
		return 0, 0, fmt.Errorf("the project id %q is not a positive number", p)
	}
	runnerID, err = validators.ParseRunnerID(rn)
	if err != nil {
		return 0, 0, fmt.Errorf("the runner id: %w", err)
	}
	return projectID, runnerID, nil
}
