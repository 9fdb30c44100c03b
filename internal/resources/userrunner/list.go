package userrunner

// The list resource of gitlabrunner_user_runner (Terraform 1.14+): `list`
// blocks in a .tfquery.hcl file find existing runners for `terraform query`,
// which prints them and, with -generate-config-out, writes an `import` block
// (by identity) and a resource block for each. The resource object of a
// result is the state an import reads (importedModel, which shares
// applyDetails with Read), so the generated configuration plans nothing but
// the import.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listresourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerselect"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

var (
	_ list.ListResource                     = (*userRunnerList)(nil)
	_ list.ListResourceWithConfigure        = (*userRunnerList)(nil)
	_ list.ListResourceWithConfigValidators = (*userRunnerList)(nil)
)

// NewList is the constructor of the list resource registered with the
// provider.
func NewList() list.ListResource { return &userRunnerList{} }

type userRunnerList struct {
	providerdata.Resource
}

func (l *userRunnerList) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&userRunnerResource{}).Metadata(ctx, req, resp)
}

func (l *userRunnerList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds runners to manage as `gitlabrunner_user_runner`: the runners the token's user can " +
			"manage (the default), every runner of the instance (`scope = \"instance\"`), or a group's or a project's own " +
			"runners (`group_id`, `project_id`), filtered by GitLab. Reads every page of GitLab's list.",
		Attributes: map[string]listschema.Attribute{
			"scope": listschema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`owned` (the default; `GET /runners`: the runners the token's user can manage) or " +
					"`instance` (`GET /runners/all`: every runner; needs an administrator token). Conflicts with " +
					"`group_id` and `project_id`.",
				Validators: runnerselect.ScopeValidators(),
			},
			"group_id": listschema.Int64Attribute{
				CustomType: tfvalue.Int64Type{},
				Optional:   true,
				MarkdownDescription: "List the group runners of this group (`GET /groups/:id/runners`), not those of its " +
					"parent groups nor instance runners, which GitLab lists with them. Needs the Maintainer role.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"project_id": listschema.Int64Attribute{
				CustomType: tfvalue.Int64Type{},
				Optional:   true,
				MarkdownDescription: "List the project runners this project owns (`GET /projects/:id/runners`), not " +
					"runners only assigned to it, its groups' or instance runners. Needs the Maintainer role.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"type": listschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners of this type: `instance_type`, `group_type` or `project_type`. Not with `group_id` or `project_id`, which imply it.",
				Validators:          runnerselect.TypeValidators(),
			},
			"status": listschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners with this status: `online`, `offline`, `stale` or `never_contacted`.",
				Validators:          runnerselect.StatusValidators(),
			},
			"paused": listschema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Only paused (`true`) or only unpaused (`false`) runners.",
			},
			"tag_list": listschema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only runners that have all of these tags.",
				Validators:          runnerselect.TagListValidators(),
			},
			"version_prefix": listschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners whose gitlab-runner version starts with this prefix, e.g. `17.` or `17.4`.",
				Validators:          runnerselect.VersionPrefixValidators(),
			},
		},
	}
}

func (l *userRunnerList) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{
		listresourcevalidator.Conflicting(path.MatchRoot("scope"), path.MatchRoot("group_id"), path.MatchRoot("project_id")),
		listresourcevalidator.Conflicting(path.MatchRoot("type"), path.MatchRoot("group_id")),
		listresourcevalidator.Conflicting(path.MatchRoot("type"), path.MatchRoot("project_id")),
	}
}

// List lists the selection's runners (every page), then reads each one's
// details (GET /runners/:id) when the result needs them: to keep only a
// group's or a project's own runners, and for the resource object. At most
// req.Limit results are sent.
func (l *userRunnerList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if !l.Data.Ready(&diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var cfg runnerselect.Config
	diags.Append(req.Config.Get(ctx, &cfg)...)
	sel, d := cfg.Selection(ctx)
	diags.Append(d...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	sel = sel.OwnOnly()
	runners, ok := sel.List(ctx, l.Data.Client, &diags)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) { l.stream(ctx, req, sel, runners, push) }
}

// stream pushes a result for each listed runner of the selection's own, up
// to the limit; runners whose details could not be read end the stream with
// a warning.
func (l *userRunnerList) stream(ctx context.Context, req list.ListRequest, sel runnerselect.Selection, runners []gitlabapi.Runner, push func(list.ListResult) bool) {
	needDetails := req.IncludeResource || sel.Kind() == runnerselect.ScopeGroup || sel.Kind() == runnerselect.ScopeProject
	var unreadable []string
	sent := int64(0)
	for i, run := range runners {
		if req.Limit > 0 && sent >= req.Limit {
			return
		}
		var details *gitlabapi.RunnerDetails
		if needDetails {
			var keep bool
			details, keep = l.details(ctx, sel, run.ID, &unreadable)
			if !keep {
				continue
			}
		}
		sent++
		result := l.result(ctx, req, run, details)
		if req.Limit > 0 && sent == req.Limit && i < len(runners)-1 {
			// Terraform reads no result past the limit: the last one says so.
			result.Diagnostics.Append(limitWarning(sel, req.Limit))
		}
		if !push(result) {
			return
		}
	}
	if len(unreadable) > 0 {
		push(unreadableResult(sel, unreadable))
	}
}

// details reads a listed runner (GET /runners/:id); keep is false for a
// runner gone since the list was read, another scope's, or unreadable (then
// noted in unreadable).
func (l *userRunnerList) details(ctx context.Context, sel runnerselect.Selection, id int64, unreadable *[]string) (details *gitlabapi.RunnerDetails, keep bool) {
	details, err := l.Data.Client.GetRunner(ctx, id)
	switch {
	case errors.Is(err, gitlabapi.ErrNotFound):
		return nil, false
	case diagnostics.Status(err) == http.StatusForbidden && sel.Kind() != runnerselect.ScopeOwned && sel.Kind() != runnerselect.ScopeInstance:
		// Whoever may list a group's or a project's runners (a Maintainer)
		// may read the scope's own (GitLab's GET /runners/:id needs the
		// Maintainer role on the runner's group or project): this one is a
		// parent group's.
		return nil, false
	case err != nil:
		*unreadable = append(*unreadable, fmt.Sprintf("runner %d: %s", id, diagnostics.Answer(err)))
		return nil, false
	}
	return details, sel.Owns(details)
}

// result is one listed runner: its identity, a display name and, when
// asked for, the state its import reads.
func (l *userRunnerList) result(ctx context.Context, req list.ListRequest, run gitlabapi.Runner, details *gitlabapi.RunnerDetails) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = displayName(run)
	id := types.StringValue(fmt.Sprint(run.ID))
	result.Diagnostics.Append(setIdentity(ctx, result.Identity, id)...)
	if req.IncludeResource && details != nil {
		m := importedModel(details)
		result.Diagnostics.Append(m.set(ctx, result.Resource)...)
	}
	return result
}

// displayName reads "42: k8s runner (group_type, online)".
func displayName(run gitlabapi.Runner) string {
	description := "(no description)"
	if run.Description != nil && strings.TrimSpace(*run.Description) != "" {
		description = *run.Description
	}
	return fmt.Sprintf("%d: %s (%s, %s)", run.ID, description, run.RunnerType, run.Status)
}

// unreadableResult warns about listed runners whose details could not be
// read: they are left out, since they cannot be shown to be the scope's own
// or described.
func unreadableResult(sel runnerselect.Selection, unreadable []string) list.ListResult {
	sort.Strings(unreadable)
	var diags diag.Diagnostics
	diags.AddWarning("Runners Left Out of the List", fmt.Sprintf(
		"GitLab listed %d runner(s) of %s whose details (GET /runners/:id) could not be read, so they are not in the "+
			"results:\n  - %s\nA token of a user who may read them (the group's Owner, the project's Maintainer, or an "+
			"administrator) lists them.", len(unreadable), sel, strings.Join(unreadable, "\n  - ")))
	return list.ListResult{Diagnostics: diags}
}

// limitWarning says that the list block's limit cut the listing short.
func limitWarning(sel runnerselect.Selection, limit int64) diag.Diagnostic {
	return diag.NewWarningDiagnostic("More Runners Than the Limit", fmt.Sprintf(
		"The results stop at the list block's limit of %d (Terraform's default is 100), and GitLab listed more runners "+
			"of %s after them. Set `limit` in the list block to list them all.", limit, sel))
}
