package projectrunnersettings

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// projectSettingsModel is the plan, state or configuration of the resource:
// its own attributes and the settings of settingsattrs.Project, by name.
type projectSettingsModel struct {
	ID                types.String
	ProjectID         types.Int64
	PathWithNamespace types.String
	Settings          settingsattrs.Values
}

// objectType is the Terraform type of the resource's schema.
var objectType = tfvalue.SchemaType(&projectSettingsResource{})

// get reads a plan, a state or a configuration (anything with Get).
func get(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}) (projectSettingsModel, diag.Diagnostics) {
	a, settings, diags := settingsattrs.Project.Read(ctx, from)
	if diags.HasError() {
		return projectSettingsModel{}, diags
	}
	m := projectSettingsModel{Settings: settings}
	m.ID = tfvalue.As[types.String](a, "id", &diags)
	m.ProjectID = tfvalue.As[types.Int64](a, "project_id", &diags)
	m.PathWithNamespace = tfvalue.As[types.String](a, "path_with_namespace", &diags)
	return m, diags
}

// set writes the model to a plan or a state (anything with Set).
func (m projectSettingsModel) set(ctx context.Context, to interface {
	Set(context.Context, any) diag.Diagnostics
}) diag.Diagnostics {
	return settingsattrs.Write(ctx, to, objectType(), map[string]attr.Value{
		"id":                  m.ID,
		"project_id":          m.ProjectID,
		"path_with_namespace": m.PathWithNamespace,
	}, m.Settings)
}

// fromAPI is the state for GitLab's answer about the project: a setting it
// does not show is null.
func fromAPI(p *gitlabapi.Project) projectSettingsModel {
	return projectSettingsModel{
		ID:                types.StringValue(strconv.FormatInt(p.ID, 10)),
		ProjectID:         types.Int64Value(p.ID),
		PathWithNamespace: types.StringValue(p.PathWithNamespace),
		Settings:          settingsattrs.Project.FromAPI(&p.ProjectRunnerSettings, p.Has),
	}
}

// canAdminister reports whether GitLab's answer is the one it gives those
// who may change the project (admin_project: Maintainers and
// administrators): only they see runners_token and group_runners_enabled
// (lib/api/entities/project.rb).
func canAdminister(p *gitlabapi.Project) bool {
	return p.RunnersTokenVisible || p.Has("group_runners_enabled")
}
