package grouprunnersettings

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// groupSettingsModel is the plan, state or configuration of the resource:
// its own attributes and the settings of settingsattrs.Group, by name.
type groupSettingsModel struct {
	ID                           types.String
	GroupID                      types.Int64
	FullPath                     types.String
	AllowRunnerRegistrationToken types.Bool
	RegistrationTokensAllowed    types.Bool
	Settings                     settingsattrs.Values
}

// objectType is the Terraform type of the resource's schema.
var objectType = tfvalue.SchemaType(&groupSettingsResource{})

// get reads a plan, a state or a configuration (anything with Get).
func get(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}) (groupSettingsModel, diag.Diagnostics) {
	a, settings, diags := settingsattrs.Group.Read(ctx, from)
	if diags.HasError() {
		return groupSettingsModel{}, diags
	}
	m := groupSettingsModel{Settings: settings}
	m.ID = tfvalue.As[types.String](a, "id", &diags)
	m.GroupID = tfvalue.As[types.Int64](a, "group_id", &diags)
	m.FullPath = tfvalue.As[types.String](a, "full_path", &diags)
	m.AllowRunnerRegistrationToken = tfvalue.As[types.Bool](a, "allow_runner_registration_token", &diags)
	m.RegistrationTokensAllowed = tfvalue.As[types.Bool](a, "registration_tokens_allowed", &diags)
	return m, diags
}

// set writes the model to a plan or a state (anything with Set).
func (m groupSettingsModel) set(ctx context.Context, to interface {
	Set(context.Context, any) diag.Diagnostics
}) diag.Diagnostics {
	return settingsattrs.Write(ctx, to, objectType(), map[string]attr.Value{
		"id":                              m.ID,
		"group_id":                        m.GroupID,
		"full_path":                       m.FullPath,
		"allow_runner_registration_token": m.AllowRunnerRegistrationToken,
		"registration_tokens_allowed":     m.RegistrationTokensAllowed,
	}, m.Settings)
}

// applyGroup sets what GitLab shows of the group. registration_tokens_allowed
// (and allow_runner_registration_token, which reads back the effective
// state) come from runners_token, shown to Owners only: for others the
// former is null, the latter keeps its value, and a warning says why.
func (m *groupSettingsModel) applyGroup(g *gitlabapi.Group, diags *diag.Diagnostics) {
	m.ID = types.StringValue(strconv.FormatInt(g.ID, 10))
	m.GroupID = types.Int64Value(g.ID)
	m.FullPath = types.StringValue(g.FullPath)
	m.Settings = settingsattrs.Group.FromAPI(&g.GroupRunnerSettings, g.Has)
	if g.RunnersTokenVisible {
		allowed := g.RunnersToken != nil
		m.RegistrationTokensAllowed = types.BoolValue(allowed)
		m.AllowRunnerRegistrationToken = types.BoolValue(allowed)
		return
	}
	m.RegistrationTokensAllowed = types.BoolNull()
	if m.AllowRunnerRegistrationToken.IsUnknown() {
		m.AllowRunnerRegistrationToken = types.BoolNull()
	}
	diags.AddWarning("Registration Token State Not Readable", fmt.Sprintf(
		"GET /groups/%d did not include runners_token: GitLab shows it only to the group's Owners (and administrators), and it "+
			"is the only sign of whether registration tokens are allowed there. registration_tokens_allowed is null and "+
			"allow_runner_registration_token is not verified. Use a token of an Owner of group %s to fill them.", g.ID, g.FullPath))
}
