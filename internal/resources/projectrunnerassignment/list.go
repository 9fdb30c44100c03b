package projectrunnerassignment

// The list resource of gitlabrunner_project_runner_assignment (Terraform
// 1.14+): the project runners assigned to a project, for `terraform query`.
// A runner's own project is not an assignment (the runner always serves
// it, and GitLab refuses to unassign it), so it is left out. The resource
// object of a result is what Read makes of the assignment (assignmentOf).

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerselect"
)

var (
	_ list.ListResource              = (*assignmentList)(nil)
	_ list.ListResourceWithConfigure = (*assignmentList)(nil)
)

// NewList is the constructor of the list resource registered with the
// provider.
func NewList() list.ListResource { return &assignmentList{} }

type assignmentList struct {
	providerdata.Resource
}

type assignmentListConfig struct {
	ProjectID types.Int64 `tfsdk:"project_id"`
}

func (l *assignmentList) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&assignmentResource{}).Metadata(ctx, req, resp)
}

func (l *assignmentList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the project runners assigned to a project (\"Enable for this project\"), to manage as " +
			"`gitlabrunner_project_runner_assignment`. The runners the project owns are not assignments and are left out.",
		Attributes: map[string]listschema.Attribute{
			"project_id": listschema.Int64Attribute{
				Required: true,
				MarkdownDescription: "The numeric id of the project (`GET /projects/:id/runners`); needs the Maintainer " +
					"role on it.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

// List reads the project's project runners (every page) and each one's
// details (GET /runners/:id), which say whether the project owns the runner
// or has it assigned.
func (l *assignmentList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if !l.Data.Ready(&diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var cfg assignmentListConfig
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	sel := runnerselect.Selection{ProjectID: cfg.ProjectID.ValueInt64(), Type: gitlabapi.RunnerTypeProject}
	runners, ok := sel.List(ctx, l.Data.Client, &diags)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		sent := int64(0)
		for _, run := range runners {
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			result, ok := l.result(ctx, req, sel.ProjectID, run.ID)
			if !ok {
				continue
			}
			sent++
			if !push(result) {
				return
			}
		}
	}
}

// result is the assignment of runner id to the project, when the runner is
// assigned there and the project is not its own; a runner whose details
// cannot be read is an error result.
func (l *assignmentList) result(ctx context.Context, req list.ListRequest, projectID, id int64) (list.ListResult, bool) {
	details, err := l.Data.Client.GetRunner(ctx, id)
	switch {
	case errors.Is(err, gitlabapi.ErrNotFound):
		return list.ListResult{}, false // deleted since the list was read
	case err != nil:
		var diags diag.Diagnostics
		diags.AddError("Unable to Read Runner", diagnostics.APIError(
			fmt.Sprintf("Reading runner %d (GET /runners/%d), listed by GET /projects/%d/runners", id, id, projectID), err))
		return list.ListResult{Diagnostics: diags}, true
	}
	m, assigned := assignmentOf(details, projectID)
	if !assigned || details.Projects[0].ID == projectID { // GitLab lists the owner project first
		return list.ListResult{}, false
	}
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("runner %d assigned to project %d (owned by %s)", id, projectID, details.Projects[0].PathWithNamespace)
	result.Diagnostics.Append(setIdentity(ctx, result.Identity, m)...)
	if req.IncludeResource {
		result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	}
	return result, true
}
