package runnerselect

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

// Config is a selection as a configuration holds it: the attributes scope,
// group_id, project_id, type, status, paused, tag_list and version_prefix,
// which the data source gitlabrunner_runners and the list resource of
// gitlabrunner_user_runner share (embed it in their models).
type Config struct {
	Scope         types.String       `tfsdk:"scope"`
	GroupID       tfvalue.Int64Value `tfsdk:"group_id"`
	ProjectID     tfvalue.Int64Value `tfsdk:"project_id"`
	Type          types.String       `tfsdk:"type"`
	Status        types.String       `tfsdk:"status"`
	Paused        types.Bool         `tfsdk:"paused"`
	TagList       types.List         `tfsdk:"tag_list"`
	VersionPrefix types.String       `tfsdk:"version_prefix"`
}

// Selection is the configured selection; null attributes do not filter.
func (c Config) Selection(ctx context.Context) (Selection, diag.Diagnostics) {
	sel := Selection{
		Scope:         c.Scope.ValueString(),
		GroupID:       c.GroupID.ValueInt64(),
		ProjectID:     c.ProjectID.ValueInt64(),
		Type:          c.Type.ValueString(),
		Status:        c.Status.ValueString(),
		Paused:        c.Paused.ValueBoolPointer(),
		VersionPrefix: c.VersionPrefix.ValueString(),
	}
	var diags diag.Diagnostics
	if !c.TagList.IsNull() && !c.TagList.IsUnknown() {
		diags = c.TagList.ElementsAs(ctx, &sel.Tags, false)
	}
	return sel, diags
}

// The validators of the selection's attributes, the same in every schema
// that selects runners (the data source, the list resource, the action);
// each schema keeps its own attribute types and descriptions.

// ScopeValidators: scope is owned or instance.
func ScopeValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(ScopeOwned, ScopeInstance)}
}

// TypeValidators: type is one of GitLab's runner types.
func TypeValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(gitlabapi.RunnerTypeInstance, gitlabapi.RunnerTypeGroup, gitlabapi.RunnerTypeProject)}
}

// StatusValidators: status is one GitLab's list filters by.
func StatusValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf("online", "offline", "stale", "never_contacted")}
}

// TagListValidators: tag_list holds at least one tag, none null, empty or
// with a NUL.
func TagListValidators() []validator.List {
	return []validator.List{
		validators.NoNullElements("each element is a tag"),
		listvalidator.SizeAtLeast(1),
		listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1), validators.NoNUL()),
	}
}

// VersionPrefixValidators: version_prefix is not empty and has no NUL.
func VersionPrefixValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1), validators.NoNUL()}
}
