package userrunner

// Plan-time checks that involve several attributes of gitlabrunner_user_runner.
// Each error names the attribute, the value it got and what is allowed.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

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
	// The whole configuration as one object: reading group_id alone would
	// repeat the error of a number that is not a 64-bit integer, which the
	// attribute's own validation reports.
	a, diags := tfvalue.ReadObject(ctx, objectType(), req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	runnerType := tfvalue.As[types.String](a, "runner_type", &resp.Diagnostics)
	groupID := tfvalue.As[tfvalue.Int64Value](a, "group_id", &resp.Diagnostics)
	projectID := tfvalue.As[tfvalue.Int64Value](a, "project_id", &resp.Diagnostics)
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
func runnerScopeProblems(runnerType string, groupID, projectID tfvalue.Int64Value) []attrProblem {
	set := func(v tfvalue.Int64Value) bool { return !v.IsNull() }
	show := func(v tfvalue.Int64Value) string {
		if v.IsUnknown() && !v.IsInvalid() {
			return "(known after apply)"
		}
		return v.String()
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
	var tags tfvalue.StringSetValue
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
func untaggedWithoutTags(runUntagged types.Bool, tags tfvalue.StringSetValue) bool {
	if runUntagged.IsNull() || runUntagged.IsUnknown() || runUntagged.ValueBool() {
		return false
	}
	if tags.IsUnknown() {
		return false
	}
	return tags.IsNull() || len(tags.Elements()) == 0
}

// descriptionMarkerValidator refuses a description that ends like a
// creation marker of this provider version: a runner carrying it would look
// like one left by an unfinished create (marker.go), and the provider never
// writes one as a configured description.
type descriptionMarkerValidator struct{}

var _ resource.ConfigValidator = descriptionMarkerValidator{}

func (descriptionMarkerValidator) Description(context.Context) string {
	return "description must not end with a creation marker ([terraform-create:v2-…])"
}

func (v descriptionMarkerValidator) MarkdownDescription(ctx context.Context) string {
	return "`description` must not end with a creation marker (`[terraform-create:v2-…]`)"
}

func (descriptionMarkerValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var description types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("description"), &description)...)
	if resp.Diagnostics.HasError() || description.IsNull() || description.IsUnknown() || !endsWithMarker(description.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("description"), "Description Ends With a Creation Marker", fmt.Sprintf(
		"description = %q ends with what looks like a creation marker (%sv2-…]), which the provider appends while it "+
			"creates a runner and uses to recognise runners left by creates that never finished. Remove it, or end the "+
			"description with other text.", description.ValueString(), creationMarkerPrefix))
}

// rotationDeadlineValidator checks token_rotation_deadline against
// token_expires_in as GitLab checks the times they become
// (ee/app/services/ee/ci/runners/create_runner_service.rb): the deadline
// needs the expiry and may not come after it. Both are durations from the
// same create request, so comparing the durations is comparing the times.
type rotationDeadlineValidator struct{}

var _ resource.ConfigValidator = rotationDeadlineValidator{}

func (rotationDeadlineValidator) Description(context.Context) string {
	return "token_rotation_deadline needs token_expires_in and is at most token_expires_in"
}

func (v rotationDeadlineValidator) MarkdownDescription(context.Context) string {
	return "`token_rotation_deadline` needs `token_expires_in` and is at most `token_expires_in`"
}

func (rotationDeadlineValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var deadline, expiresIn types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_rotation_deadline"), &deadline)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_expires_in"), &expiresIn)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if problem := rotationDeadlineProblem(deadline, expiresIn); problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root("token_rotation_deadline"), "Invalid Token Rotation Deadline", problem)
	}
}

// rotationDeadlineProblem is the logic of rotationDeadlineValidator; "" when
// the values are fine or not known yet. Durations that do not parse are left
// to the attributes' own validators.
func rotationDeadlineProblem(deadline, expiresIn types.String) string {
	if deadline.IsNull() || deadline.IsUnknown() || expiresIn.IsUnknown() {
		return ""
	}
	if expiresIn.IsNull() {
		return fmt.Sprintf("token_rotation_deadline = %q needs token_expires_in: GitLab answers \"token_expires_at is required "+
			"when token_rotation_deadline is specified\". Set token_expires_in (at least as long as the deadline), or "+
			"remove token_rotation_deadline.", deadline.ValueString())
	}
	d, err1 := time.ParseDuration(deadline.ValueString())
	e, err2 := time.ParseDuration(expiresIn.ValueString())
	if err1 != nil || err2 != nil || d <= e {
		return ""
	}
	return fmt.Sprintf("token_rotation_deadline = %q comes after token_expires_in = %q: GitLab answers "+
		"\"token_rotation_deadline must be less than or equal to token_expires_at\". Use at most %q (the same duration "+
		"disables the token's rotation).", deadline.ValueString(), expiresIn.ValueString(), expiresIn.ValueString())
}
