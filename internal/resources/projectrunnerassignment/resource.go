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
	"\"Enable for this project\" does (`POST /projects/:id/runners`), and unassigns it on destroy " +
	"(`DELETE /projects/:id/runners/:runner_id`). One resource per (project, runner) pair; the runner's `projects` " +
	"(data source `gitlabrunner_runner`) lists its owner project and every assignment.\n\n" +
	"**Permissions**: the Maintainer role on the target project and on a project the runner belongs to, or an " +
	"administrator's token (`api` scope). Non-administrators are also refused when the instance setting " +
	"`valid_runner_registrars` does not list `project`.\n\n" +
	"**Refused at plan time** (the plan reads the runner with one `GET /runners/:id`): group runners and instance " +
	"runners (they already serve every project of their group or of the instance), locked runners (unlock them with " +
	"`locked = false` on their `gitlabrunner_user_runner`; GitLab lets only administrators assign a locked runner, and " +
	"this resource respects the lock for everyone), and the runner's owner project (which it always serves). A runner " +
	"that does not exist fails the plan too. Other refusals (permissions) fail the apply with GitLab's answer and what " +
	"to do.\n\n" +
	"**Already assigned**: when the runner is already assigned to the project (by hand, or by another configuration), " +
	"the plan warns and the apply adopts the assignment instead of failing: from then on Terraform manages it, and " +
	"destroy unassigns it.\n\n" +
	"**Destroy** unassigns the runner. GitLab refuses to unassign a runner from its owner project (\"Delete the runner " +
	"instead\"); that can only happen when the owner project changed outside Terraform, and destroy then succeeds " +
	"with a warning that says the runner stays assigned there.\n\n" +
	"**Drift**: an assignment removed by hand leaves the state at the next refresh and the next apply assigns the " +
	"runner again; a runner deleted by hand makes the assignment leave the state too (recreate the runner first).\n\n" +
	"Import with `<project_id>:<runner_id>`: `terraform import gitlabrunner_project_runner_assignment.example 12:42`, " +
	"or (Terraform and OpenTofu 1.12+) an `import` block with `identity = { project_id = 12, runner_id = 42 }`."

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
