package runnerselect

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
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
