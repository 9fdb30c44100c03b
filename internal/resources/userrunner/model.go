package userrunner

// The Terraform model of gitlabrunner_user_runner and its conversions to and
// from the API types.

import (
	"context"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

type userRunnerModel struct {
	ID                 types.String `tfsdk:"id"`
	RunnerType         types.String `tfsdk:"runner_type"`
	GroupID            types.Int64  `tfsdk:"group_id"`
	ProjectID          types.Int64  `tfsdk:"project_id"`
	Description        types.String `tfsdk:"description"`
	Paused             types.Bool   `tfsdk:"paused"`
	Locked             types.Bool   `tfsdk:"locked"`
	RunUntagged        types.Bool   `tfsdk:"run_untagged"`
	TagList            types.Set    `tfsdk:"tag_list"`
	AccessLevel        types.String `tfsdk:"access_level"`
	MaximumTimeout     types.Int64  `tfsdk:"maximum_timeout"`
	MaintenanceNote    types.String `tfsdk:"maintenance_note"`
	Token              types.String `tfsdk:"token"`
	TokenExpiresAt     types.String `tfsdk:"token_expires_at"`
	RotationTriggers   types.Map    `tfsdk:"rotation_triggers"`
	RotateBeforeExpiry types.String `tfsdk:"rotate_before_expiry"`
}

// scope returns where the planned runner lives.
func (m *userRunnerModel) scope() diagnostics.RunnerScope {
	return diagnostics.RunnerScope{
		Type:      m.RunnerType.ValueString(),
		GroupID:   m.GroupID.ValueInt64(),
		ProjectID: m.ProjectID.ValueInt64(),
	}
}

// tags returns tag_list as a sorted slice (never nil).
func (m *userRunnerModel) tags(ctx context.Context) ([]string, diag.Diagnostics) {
	tags := []string{}
	if m.TagList.IsNull() || m.TagList.IsUnknown() {
		return tags, nil
	}
	diags := m.TagList.ElementsAs(ctx, &tags, false)
	sort.Strings(tags)
	return tags, diags
}

// createOptions are the POST /user/runners parameters for the planned
// runner, with the given (marked) description.
func (m *userRunnerModel) createOptions(ctx context.Context, description string) (gitlabapi.CreateUserRunnerOptions, diag.Diagnostics) {
	tags, diags := m.tags(ctx)
	opts := gitlabapi.CreateUserRunnerOptions{
		RunnerType: m.RunnerType.ValueString(),
		RunnerAttributes: gitlabapi.RunnerAttributes{
			Description:     &description,
			MaintenanceNote: m.MaintenanceNote.ValueStringPointer(),
			Paused:          m.Paused.ValueBoolPointer(),
			Locked:          m.Locked.ValueBoolPointer(),
			RunUntagged:     m.RunUntagged.ValueBoolPointer(),
			AccessLevel:     m.AccessLevel.ValueStringPointer(),
			MaximumTimeout:  m.MaximumTimeout.ValueInt64Pointer(),
		},
	}
	if len(tags) > 0 {
		opts.TagList = &tags
	}
	switch opts.RunnerType {
	case gitlabapi.RunnerTypeGroup:
		opts.GroupID = m.GroupID.ValueInt64Pointer()
	case gitlabapi.RunnerTypeProject:
		opts.ProjectID = m.ProjectID.ValueInt64Pointer()
	}
	return opts, diags
}

// updateOptions is the full desired set of mutable attributes for PUT
// /runners/:id: attributes removed from the configuration are planned at
// their defaults (or null for maximum_timeout), so they return to GitLab's
// defaults instead of keeping a stale value.
func (m *userRunnerModel) updateOptions(ctx context.Context) (gitlabapi.UpdateRunnerOptions, diag.Diagnostics) {
	tags, diags := m.tags(ctx)
	opts := gitlabapi.UpdateRunnerOptions{RunnerAttributes: gitlabapi.RunnerAttributes{
		Description:     m.Description.ValueStringPointer(),
		Paused:          m.Paused.ValueBoolPointer(),
		Locked:          m.Locked.ValueBoolPointer(),
		RunUntagged:     m.RunUntagged.ValueBoolPointer(),
		TagList:         &tags,
		AccessLevel:     m.AccessLevel.ValueStringPointer(),
		MaintenanceNote: m.MaintenanceNote.ValueStringPointer(),
	}}
	if m.MaximumTimeout.IsNull() {
		opts.ClearMaximumTimeout = true
	} else {
		opts.MaximumTimeout = m.MaximumTimeout.ValueInt64Pointer()
	}
	return opts, diags
}

// sameRunnerAttributes reports whether the mutable runner attributes of a
// and b are equal, i.e. whether an update needs no PUT.
func sameRunnerAttributes(a, b *userRunnerModel) bool {
	return a.Description.Equal(b.Description) &&
		a.Paused.Equal(b.Paused) &&
		a.Locked.Equal(b.Locked) &&
		a.RunUntagged.Equal(b.RunUntagged) &&
		a.TagList.Equal(b.TagList) &&
		a.AccessLevel.Equal(b.AccessLevel) &&
		a.MaximumTimeout.Equal(b.MaximumTimeout) &&
		a.MaintenanceNote.Equal(b.MaintenanceNote)
}

// applyDetails copies what GitLab says about the runner into the model.
// It never touches token, token_expires_at or the rotation settings, which
// GET /runners/:id does not return.
func (m *userRunnerModel) applyDetails(d *gitlabapi.RunnerDetails) diag.Diagnostics {
	m.ID = types.StringValue(strconv.FormatInt(d.ID, 10))
	if d.RunnerType != "" {
		m.RunnerType = types.StringValue(d.RunnerType)
	}
	switch m.RunnerType.ValueString() {
	case gitlabapi.RunnerTypeInstance:
		m.GroupID = types.Int64Null()
		m.ProjectID = types.Int64Null()
	case gitlabapi.RunnerTypeGroup:
		if len(d.Groups) > 0 {
			m.GroupID = types.Int64Value(d.Groups[0].ID)
		}
		m.ProjectID = types.Int64Null()
	case gitlabapi.RunnerTypeProject:
		// projects[0] is the owner project; a runner may be enabled in more.
		// A configured project the runner still belongs to is kept, so that
		// enabling the runner elsewhere never plans a replacement.
		if len(d.Projects) > 0 && !runnerInProject(d, m.ProjectID) {
			m.ProjectID = types.Int64Value(d.Projects[0].ID)
		}
		m.GroupID = types.Int64Null()
	}
	m.Description = types.StringValue(deref(d.Description))
	m.Paused = types.BoolValue(deref(d.Paused))
	m.Locked = types.BoolValue(deref(d.Locked))
	m.RunUntagged = types.BoolValue(deref(d.RunUntagged))
	m.AccessLevel = types.StringValue(deref(d.AccessLevel))
	m.MaintenanceNote = types.StringValue(deref(d.MaintenanceNote))
	m.MaximumTimeout = types.Int64PointerValue(d.MaximumTimeout)

	tagList := deref(d.TagList)
	elems := make([]attr.Value, 0, len(tagList))
	for _, t := range tagList {
		elems = append(elems, types.StringValue(t))
	}
	tags, diags := types.SetValue(types.StringType, elems)
	m.TagList = tags
	return diags
}

func runnerInProject(d *gitlabapi.RunnerDetails, id types.Int64) bool {
	if id.IsNull() || id.IsUnknown() {
		return false
	}
	for _, p := range d.Projects {
		if p.ID == id.ValueInt64() {
			return true
		}
	}
	return false
}

// deref is *p, or the zero value when GitLab did not say.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// applyToken stores a freshly minted token.
func (m *userRunnerModel) applyToken(t *gitlabapi.RunnerToken) {
	m.Token = types.StringValue(t.Token)
	m.TokenExpiresAt = tfvalue.Time(t.TokenExpiresAt)
}
