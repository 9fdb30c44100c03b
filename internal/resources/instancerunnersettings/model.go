package instancerunnersettings

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// settingsModel is the plan, state or configuration of the resource: its id
// and the settings of settingsattrs.Instance, by name.
type settingsModel struct {
	ID       types.String
	Settings settingsattrs.Values
}

// objectType is the Terraform type of the resource's schema.
var objectType = tfvalue.SchemaType(&settingsResource{})

// get reads a plan, a state or a configuration (anything with Get).
func get(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}) (settingsModel, diag.Diagnostics) {
	a, settings, diags := settingsattrs.Instance.Read(ctx, from)
	if diags.HasError() {
		return settingsModel{}, diags
	}
	return settingsModel{ID: tfvalue.As[types.String](a, "id", &diags), Settings: settings}, diags
}

// set writes the model to a plan or a state (anything with Set).
func (m settingsModel) set(ctx context.Context, to interface {
	Set(context.Context, any) diag.Diagnostics
}) diag.Diagnostics {
	return settingsattrs.Write(ctx, to, objectType(), map[string]attr.Value{"id": m.ID}, m.Settings)
}

// fromAPI is the state for GitLab's settings: a setting the server does not
// have is null.
func fromAPI(s *gitlabapi.ApplicationSettings) settingsModel {
	return settingsModel{ID: types.StringValue(resourceID), Settings: settingsattrs.Instance.FromAPI(s, s.Has)}
}

// inState reports whether the state holds a setting: the server had it at
// the last refresh.
func (m settingsModel) inState(name string) bool {
	v := m.Settings[name]
	return v != nil && !v.IsNull()
}
