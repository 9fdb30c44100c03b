package provider

// Plan-time validators of gitlabrunner_user_runner. Each error names the
// attribute, the value it got and what is allowed, so a wrong configuration
// fails at `terraform plan` instead of as a 400 from GitLab at apply.

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// ---------------------------------------------------------------------------
// tag_list elements

// runnerTagValidator checks one tag of tag_list. GitLab splits tag lists on
// commas and strips spaces, so such tags would come back different from the
// configuration and cause a perpetual diff; an empty tag is dropped the same way.
type runnerTagValidator struct{}

var _ validator.String = runnerTagValidator{}

func (runnerTagValidator) Description(context.Context) string {
	return "each tag must be non-empty, contain no comma and have no leading or trailing spaces"
}

func (v runnerTagValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (runnerTagValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := runnerTagProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Runner Tag",
			fmt.Sprintf("tag_list contains %q: %s. Each tag must be a non-empty string without commas and without leading or trailing spaces.",
				req.ConfigValue.ValueString(), problem))
	}
}

// runnerTagProblem returns why tag is not acceptable, or "".
func runnerTagProblem(tag string) string {
	switch {
	case tag == "":
		return "a tag cannot be empty"
	case strings.TrimSpace(tag) == "":
		return "a tag cannot consist of spaces only"
	case strings.Contains(tag, ","):
		return "a tag cannot contain a comma (GitLab would split it into several tags)"
	case strings.TrimSpace(tag) != tag:
		return "a tag cannot start or end with spaces (GitLab strips them)"
	}
	return ""
}

// ---------------------------------------------------------------------------
// Length in characters

// maxCharsValidator limits a string to n characters (GitLab counts
// characters, not bytes, for description and maintenance_note).
type maxCharsValidator struct{ max int }

var _ validator.String = maxCharsValidator{}

func (v maxCharsValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d characters", v.max)
}

func (v maxCharsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v maxCharsValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := utf8.RuneCountInString(req.ConfigValue.ValueString()); n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Value Too Long",
			fmt.Sprintf("%s is %d characters long; GitLab allows at most %d. Shorten it.", req.Path, n, v.max))
	}
}

// ---------------------------------------------------------------------------
// Runner ids

// runnerIDValidator checks a runner id given as a string at plan time, by the
// rule import and Read apply (parseRunnerID).
type runnerIDValidator struct{}

var _ validator.String = runnerIDValidator{}

func (runnerIDValidator) Description(context.Context) string {
	return `a runner id: a positive whole number such as "42"`
}

func (v runnerIDValidator) MarkdownDescription(context.Context) string {
	return "a runner id: a positive whole number such as `42`"
}

func (runnerIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseRunnerID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Runner ID", invalidRunnerID(req.Path, req.ConfigValue.ValueString(), err))
	}
}

// invalidRunnerID says why value, given for the attribute at p, is not a
// runner id.
func invalidRunnerID(p path.Path, value string, err error) string {
	return fmt.Sprintf("%s must be a positive whole number, the id of a runner such as \"42\"; %q is not (%s).", p, value, err)
}

// ---------------------------------------------------------------------------
// rotate_before_expiry

// positiveDurationValidator accepts Go duration strings greater than zero.
type positiveDurationValidator struct{}

var _ validator.String = positiveDurationValidator{}

func (positiveDurationValidator) Description(context.Context) string {
	return `a positive Go duration such as "168h" or "72h30m"`
}

func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return "a positive Go duration such as `168h` or `72h30m`"
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := durationProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s = %q %s. Use a positive Go duration with units h, m or s, such as \"168h\" (7 days) or \"72h30m\".",
				req.Path, req.ConfigValue.ValueString(), problem))
	}
}

func durationProblem(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil {
		return "is not a duration"
	}
	if d <= 0 {
		return "is not positive"
	}
	return ""
}

// ---------------------------------------------------------------------------
// Resource-level validators

// runnerScopeValidator demands exactly the scope id that runner_type needs:
// group_id for group runners, project_id for project runners, neither for
// instance runners.
type runnerScopeValidator struct{}

var _ resource.ConfigValidator = runnerScopeValidator{}

func (runnerScopeValidator) Description(context.Context) string {
	return "group_type needs group_id, project_type needs project_id, instance_type takes neither"
}

func (v runnerScopeValidator) MarkdownDescription(ctx context.Context) string {
	return "`group_type` needs `group_id`, `project_type` needs `project_id`, `instance_type` takes neither"
}

func (runnerScopeValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var runnerType types.String
	var groupID, projectID types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("runner_type"), &runnerType)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("group_id"), &groupID)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("project_id"), &projectID)...)
	if resp.Diagnostics.HasError() || runnerType.IsNull() || runnerType.IsUnknown() {
		return
	}
	for _, p := range runnerScopeProblems(runnerType.ValueString(), groupID, projectID) {
		resp.Diagnostics.AddAttributeError(p.path, "Invalid Runner Scope", p.detail)
	}
}

type attrProblem struct {
	path   path.Path
	detail string
}

// runnerScopeProblems is the logic of runnerScopeValidator. An unknown id
// counts as set. Unknown runner types are left to runner_type's own validator.
func runnerScopeProblems(runnerType string, groupID, projectID types.Int64) []attrProblem {
	set := func(v types.Int64) bool { return !v.IsNull() }
	show := func(v types.Int64) string {
		if v.IsUnknown() {
			return "(known after apply)"
		}
		return fmt.Sprint(v.ValueInt64())
	}
	var out []attrProblem
	switch runnerType {
	case gitlabapi.RunnerTypeInstance:
		if set(groupID) {
			out = append(out, attrProblem{path.Root("group_id"), fmt.Sprintf(
				"group_id = %s is not allowed with runner_type = %q: instance runners belong to the whole instance. "+
					"Remove group_id, or use runner_type = %q.", show(groupID), runnerType, gitlabapi.RunnerTypeGroup)})
		}
		if set(projectID) {
			out = append(out, attrProblem{path.Root("project_id"), fmt.Sprintf(
				"project_id = %s is not allowed with runner_type = %q: instance runners belong to the whole instance. "+
					"Remove project_id, or use runner_type = %q.", show(projectID), runnerType, gitlabapi.RunnerTypeProject)})
		}
	case gitlabapi.RunnerTypeGroup:
		if !set(groupID) {
			out = append(out, attrProblem{path.Root("group_id"), fmt.Sprintf(
				"runner_type = %q needs group_id: set group_id to the numeric id of the group the runner belongs to.", runnerType)})
		}
		if set(projectID) {
			out = append(out, attrProblem{path.Root("project_id"), fmt.Sprintf(
				"project_id = %s is not allowed with runner_type = %q: a group runner takes group_id only. "+
					"Remove project_id, or use runner_type = %q.", show(projectID), runnerType, gitlabapi.RunnerTypeProject)})
		}
	case gitlabapi.RunnerTypeProject:
		if !set(projectID) {
			out = append(out, attrProblem{path.Root("project_id"), fmt.Sprintf(
				"runner_type = %q needs project_id: set project_id to the numeric id of the project the runner belongs to.", runnerType)})
		}
		if set(groupID) {
			out = append(out, attrProblem{path.Root("group_id"), fmt.Sprintf(
				"group_id = %s is not allowed with runner_type = %q: a project runner takes project_id only. "+
					"Remove group_id, or use runner_type = %q.", show(groupID), runnerType, gitlabapi.RunnerTypeGroup)})
		}
	}
	return out
}

// untaggedNeedsTagsValidator rejects run_untagged = false with no tags:
// such a runner could never pick a job, and GitLab answers 400.
type untaggedNeedsTagsValidator struct{}

var _ resource.ConfigValidator = untaggedNeedsTagsValidator{}

func (untaggedNeedsTagsValidator) Description(context.Context) string {
	return "run_untagged = false needs at least one tag in tag_list"
}

func (v untaggedNeedsTagsValidator) MarkdownDescription(context.Context) string {
	return "`run_untagged = false` needs at least one tag in `tag_list`"
}

func (untaggedNeedsTagsValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var runUntagged types.Bool
	var tags types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("run_untagged"), &runUntagged)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tag_list"), &tags)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if untaggedWithoutTags(runUntagged, tags) {
		resp.Diagnostics.AddAttributeError(path.Root("run_untagged"), "Runner Could Never Run a Job",
			"run_untagged = false with an empty tag_list: the runner would accept neither untagged nor tagged jobs, "+
				"and GitLab refuses it (\"Tags list can not be empty when runner is not allowed to pick untagged jobs\"). "+
				"Add at least one tag to tag_list, or set run_untagged = true (the default).")
	}
}

// untaggedWithoutTags reports a known run_untagged = false with a known
// empty (or omitted, which defaults to empty) tag_list.
func untaggedWithoutTags(runUntagged types.Bool, tags types.Set) bool {
	if runUntagged.IsNull() || runUntagged.IsUnknown() || runUntagged.ValueBool() {
		return false
	}
	if tags.IsUnknown() {
		return false
	}
	return tags.IsNull() || len(tags.Elements()) == 0
}
