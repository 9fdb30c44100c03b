// Package actions holds the provider's actions (Terraform 1.14+: `action`
// blocks, run with `terraform apply -invoke=action.<type>.<name>` or from a
// resource's lifecycle action_trigger), one file per action:
//
//	delete_stale_runners.go  gitlabrunner_delete_stale_runners
//	stale.go                 its judgement: when a runner is old enough
package actions

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerselect"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var (
	_ action.Action                     = (*deleteStaleRunners)(nil)
	_ action.ActionWithConfigure        = (*deleteStaleRunners)(nil)
	_ action.ActionWithConfigValidators = (*deleteStaleRunners)(nil)
)

// NewDeleteStaleRunners returns the gitlabrunner_delete_stale_runners action.
func NewDeleteStaleRunners() action.Action { return &deleteStaleRunners{} }

type deleteStaleRunners struct {
	providerdata.Action
}

type deleteStaleConfig struct {
	Scope              types.String       `tfsdk:"scope"`
	GroupID            tfvalue.Int64Value `tfsdk:"group_id"`
	ProjectID          tfvalue.Int64Value `tfsdk:"project_id"`
	Type               types.String       `tfsdk:"type"`
	TagList            types.List         `tfsdk:"tag_list"`
	DescriptionMatches types.String       `tfsdk:"description_matches"`
	OlderThan          types.String       `tfsdk:"older_than"`
	DryRun             types.Bool         `tfsdk:"dry_run"`
}

// minOlderThan is GitLab's online window (ONLINE_CONTACT_TIMEOUT): a runner
// contacted within it is online, never a candidate.
const minOlderThan = 2 * time.Hour

func (a *deleteStaleRunners) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_delete_stale_runners"
}

func (a *deleteStaleRunners) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Deletes the runners of a scope that GitLab reports `stale` (no contact for 7 days), or, with " +
			"`older_than`, that have not contacted GitLab for longer than that (never-contacted ones: since their creation). " +
			"Filters narrow it; `dry_run` only reports. Each runner deleted (or that would be) is reported as progress. A " +
			"runner with a manager contacted within the age is kept, as is any whose age GitLab's answers cannot prove.",
		Attributes: map[string]schema.Attribute{
			"scope": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`owned` (the default: the runners the token's user can manage) or `instance` (every " +
					"runner; needs an administrator token). Conflicts with `group_id` and `project_id`.",
				Validators: runnerselect.ScopeValidators(),
			},
			"group_id": schema.Int64Attribute{
				CustomType:          tfvalue.Int64Type{},
				Optional:            true,
				MarkdownDescription: "Only the group runners of this group (not its parent groups' nor instance runners).",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"project_id": schema.Int64Attribute{
				CustomType:          tfvalue.Int64Type{},
				Optional:            true,
				MarkdownDescription: "Only the project runners this project owns (not runners only assigned to it).",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners of this type: `instance_type`, `group_type` or `project_type`. Not with `group_id` or `project_id`, which imply it.",
				Validators:          runnerselect.TypeValidators(),
			},
			"tag_list": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only runners that have all of these tags.",
				Validators:          runnerselect.TagListValidators(),
			},
			"description_matches": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only runners whose description matches this regular expression (RE2 syntax), e.g. `^autoscale-`.",
				Validators:          []validator.String{validators.Regexp()},
			},
			"older_than": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Instead of GitLab's `stale`: delete runners without contact for longer than this Go " +
					"duration (e.g. `720h`; never-contacted runners count from their creation). Longer than `2h`, GitLab's " +
					"online window.",
				Validators: []validator.String{validators.DurationWithin(minOlderThan, 10*365*24*time.Hour,
					"A runner contacted within the last 2 hours is online (GitLab's ONLINE_CONTACT_TIMEOUT).")},
			},
			"dry_run": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Only report the runners that would be deleted. Defaults to `false`.",
			},
		},
	}
}

func (a *deleteStaleRunners) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.Conflicting(path.MatchRoot("scope"), path.MatchRoot("group_id"), path.MatchRoot("project_id")),
		actionvalidator.Conflicting(path.MatchRoot("type"), path.MatchRoot("group_id")),
		actionvalidator.Conflicting(path.MatchRoot("type"), path.MatchRoot("project_id")),
	}
}

// sweep is one invocation: what to look at and how to judge it.
type sweep struct {
	sel         runnerselect.Selection
	description *regexp.Regexp // nil: any
	criterion   criterion
	dryRun      bool
	// now is carefulNow as of the last answer from GitLab.
	now      func() (time.Time, bool, string)
	progress func(string)
}

// Invoke lists the scope's candidates (GitLab's stale ones, or with
// older_than all of them, narrowed by the filters), judges each from its
// details and managers, and deletes it or, with dry_run, says it would.
func (a *deleteStaleRunners) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !a.Data.Ready(&resp.Diagnostics) {
		return
	}
	var cfg deleteStaleConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, diags := cfg.sweep(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	s.progress = func(msg string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	runners, ok := s.sel.List(ctx, a.Data.Client, &resp.Diagnostics)
	if !ok {
		return
	}
	s.now = func() (time.Time, bool, string) {
		server, known := a.Data.Client.ServerNow()
		return carefulNow(a.Data.Now(), server, known)
	}
	_, ok, note := s.now()
	if !ok {
		resp.Diagnostics.AddError("Runner Ages Cannot Be Checked", "Nothing was deleted: "+note+".")
		return
	}
	if note != "" {
		s.progress("Note: " + note + ".")
	}
	resp.Diagnostics.Append(a.run(ctx, s, runners)...)
}

// sweep reads the configuration into a sweep.
func (c deleteStaleConfig) sweep(ctx context.Context) (sweep, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := sweep{
		sel: runnerselect.Selection{Scope: c.Scope.ValueString(), GroupID: c.GroupID.ValueInt64(),
			ProjectID: c.ProjectID.ValueInt64(), Type: c.Type.ValueString()},
		criterion: criterion{age: gitlabStaleAfter, gitlabStale: true},
		dryRun:    c.DryRun.ValueBool(),
	}
	if !c.TagList.IsNull() {
		diags.Append(c.TagList.ElementsAs(ctx, &s.sel.Tags, false)...)
	}
	if !c.DescriptionMatches.IsNull() {
		re, err := regexp.Compile(c.DescriptionMatches.ValueString())
		if err != nil { // the validator refused it already
			diags.AddAttributeError(path.Root("description_matches"), "Invalid Regular Expression", err.Error())
		}
		s.description = re
	}
	if !c.OlderThan.IsNull() {
		age, err := time.ParseDuration(c.OlderThan.ValueString())
		if err != nil || age <= minOlderThan { // the validator refused it already
			diags.AddAttributeError(path.Root("older_than"), "Invalid Duration", fmt.Sprintf("older_than = %q: %v", c.OlderThan.ValueString(), err))
		}
		s.criterion = criterion{age: age}
	}
	s.sel = s.sel.OwnOnly()
	if s.criterion.gitlabStale {
		s.sel.Status = "stale"
	}
	return s, diags
}

// outcome counts what a run did.
type outcome struct {
	removed, young, doubted []string
	failed                  []string
}

// run judges and deletes the listed runners one by one.
func (a *deleteStaleRunners) run(ctx context.Context, s sweep, runners []gitlabapi.Runner) diag.Diagnostics {
	var out outcome
	for _, run := range runners {
		if s.description != nil && (run.Description == nil || !s.description.MatchString(*run.Description)) {
			continue
		}
		a.handle(ctx, s, run, &out)
	}
	return out.report(s)
}

// handle judges one runner and acts on the verdict.
func (a *deleteStaleRunners) handle(ctx context.Context, s sweep, run gitlabapi.Runner, out *outcome) {
	client := a.Data.Client
	name := runnerName(run)
	details, err := client.GetRunner(ctx, run.ID)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		return // gone since the list was read
	}
	if err != nil {
		out.doubt(s, name, "its details could not be read: "+diagnostics.Answer(err))
		return
	}
	if !s.sel.Owns(details) {
		return
	}
	managers, err := client.ListRunnerManagers(ctx, run.ID)
	if err != nil {
		out.doubt(s, name, "its runner managers could not be read: "+diagnostics.Answer(err))
		return
	}
	now, ok, note := s.now()
	if !ok {
		out.doubt(s, name, note)
		return
	}
	v := judge(s.criterion, details, managers, now)
	switch {
	case v.doubt:
		out.doubt(s, name, v.reason)
	case !v.remove:
		out.young = append(out.young, name)
	case s.dryRun:
		out.removed = append(out.removed, name)
		s.progress(fmt.Sprintf("Would delete %s: %s.", name, v.reason))
	default:
		err := client.DeleteRunner(ctx, run.ID)
		if err != nil && !errors.Is(err, gitlabapi.ErrNotFound) {
			out.failed = append(out.failed, fmt.Sprintf("%s: %s", name, diagnostics.Answer(err)))
			s.progress(fmt.Sprintf("Could not delete %s: %s.", name, diagnostics.Answer(err)))
			return
		}
		out.removed = append(out.removed, name)
		s.progress(fmt.Sprintf("Deleted %s: %s.", name, v.reason))
	}
}

func (o *outcome) doubt(s sweep, name, reason string) {
	o.doubted = append(o.doubted, fmt.Sprintf("%s: %s", name, reason))
	s.progress(fmt.Sprintf("Kept %s: %s.", name, reason))
}

// report is the summary as progress, and diagnostics: an error when a
// delete failed, a warning listing the runners kept in doubt.
func (o *outcome) report(s sweep) diag.Diagnostics {
	verb := "Deleted"
	if s.dryRun {
		verb = "Dry run: would delete"
	}
	s.progress(fmt.Sprintf("%s %d runner(s) of %s; kept %d not old enough and %d in doubt; %d failed.",
		verb, len(o.removed), s.sel, len(o.young), len(o.doubted), len(o.failed)))
	var diags diag.Diagnostics
	if len(o.doubted) > 0 {
		diags.AddWarning("Runners Kept", fmt.Sprintf("%d runner(s) of %s look old but were kept: GitLab's answers do not "+
			"prove them unused:\n  - %s", len(o.doubted), s.sel, strings.Join(o.doubted, "\n  - ")))
	}
	if len(o.failed) > 0 {
		diags.AddError("Some Stale Runners Were Not Deleted", fmt.Sprintf("Deleting %d runner(s) of %s failed:\n  - %s",
			len(o.failed), s.sel, strings.Join(o.failed, "\n  - ")))
	}
	return diags
}

// runnerName reads `runner 42 ("k8s-7", group_type)`.
func runnerName(run gitlabapi.Runner) string {
	description := ""
	if run.Description != nil {
		description = *run.Description
	}
	return fmt.Sprintf("runner %d (%q, %s)", run.ID, description, run.RunnerType)
}
