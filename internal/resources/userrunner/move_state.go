package userrunner

// MoveState: `moved { from = gitlab_user_runner.x  to = gitlabrunner_user_runner.x }`
// (Terraform 1.8+, OpenTofu 1.10+) carries a runner of GitLab's own provider
// into this one: same runner, same token, no API call. Terraform moves state
// before it configures any provider, so the move is offline by design; the
// refresh that follows in the same plan reads the runner from GitLab
// (GET /runners/:id), which fills group_id/project_id where GitLab's
// provider left them null (it never reads them back) and so avoids a
// replacement.

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var _ resource.ResourceWithMoveState = (*userRunnerResource)(nil)

// The one source this resource accepts: gitlab_user_runner of GitLab's
// provider (gitlabhq/gitlab), whose schema has version 0 in every release
// that has the resource (16.3 to 19.1, the latest checked).
const (
	gitlabUserRunnerType          = "gitlab_user_runner"
	gitlabProviderType            = "gitlab"
	gitlabUserRunnerSchemaVersion = 0
	// gitlabProviderVersions are the releases of GitLab's provider whose
	// gitlab_user_runner state the move was checked against.
	gitlabProviderVersions = "16.3 to 19.1"
)

// gitlabUserRunnerState is gitlab_user_runner's state, every attribute of
// its schema. The runner attributes have the same names here except
// untagged (run_untagged).
type gitlabUserRunnerState struct {
	ID              string    `json:"id"`
	RunnerType      string    `json:"runner_type"`
	GroupID         *int64    `json:"group_id"`
	ProjectID       *int64    `json:"project_id"`
	Description     *string   `json:"description"`
	Paused          *bool     `json:"paused"`
	Locked          *bool     `json:"locked"`
	Untagged        *bool     `json:"untagged"`
	TagList         *[]string `json:"tag_list"`
	AccessLevel     *string   `json:"access_level"`
	MaximumTimeout  *int64    `json:"maximum_timeout"`
	MaintenanceNote *string   `json:"maintenance_note"` // GitLab provider 17.6+
	Token           *string   `json:"token"`            // null after an import there
}

// GitLab's provider writes GitLab's "none" as the zero value (go-gitlab's
// plain fields): "" for description and maintenance_note, and 0 for no
// maximum_timeout, which here is null.

func (r *userRunnerResource) MoveState(context.Context) []resource.StateMover {
	// The source state is decoded from its raw JSON rather than through a
	// SourceSchema, so that a misspelt or unexpected attribute is reported
	// instead of dropped silently.
	return []resource.StateMover{{StateMover: moveFromGitLabUserRunner}}
}

func moveFromGitLabUserRunner(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if !isGitLabProvider(req.SourceProviderAddress) || req.SourceTypeName != gitlabUserRunnerType {
		resp.Diagnostics.AddError("Unsupported Move Source",
			fmt.Sprintf("gitlabrunner_user_runner can only be moved from %s of GitLab's provider (gitlabhq/gitlab), "+
				"not from %s of %s. For any other runner, import it by its numeric id instead "+
				"(an `import` block with `id = \"<runner id>\"`).",
				gitlabUserRunnerType, req.SourceTypeName, providerLabel(req.SourceProviderAddress)))
		return
	}
	if req.SourceSchemaVersion != gitlabUserRunnerSchemaVersion {
		resp.Diagnostics.AddError("Unsupported gitlab_user_runner Schema Version",
			fmt.Sprintf("The state of %s has schema version %d; this provider knows version %d, which GitLab's "+
				"provider %s writes. Import the runner by its id instead (an `import` block with `id = \"<runner id>\"`), "+
				"and report the GitLab provider version so that the move can learn the new version.",
				gitlabUserRunnerType, req.SourceSchemaVersion, gitlabUserRunnerSchemaVersion, gitlabProviderVersions))
		return
	}
	if req.SourceRawState == nil || len(req.SourceRawState.JSON) == 0 {
		resp.Diagnostics.AddError("Missing gitlab_user_runner State",
			"Terraform sent no JSON state for the runner to move. Import the runner by its id instead.")
		return
	}
	src, unknown, err := decodeGitLabUserRunner(req.SourceRawState.JSON)
	if err != nil {
		resp.Diagnostics.AddError("Unreadable gitlab_user_runner State",
			fmt.Sprintf("The state of %s could not be read: %s. Import the runner by its id instead.", gitlabUserRunnerType, err))
		return
	}
	if len(unknown) > 0 {
		resp.Diagnostics.AddWarning("gitlab_user_runner Attributes Not Moved",
			fmt.Sprintf("The state of %s has attributes this provider does not know: %s. They are left behind; the "+
				"runner's settings are read from GitLab by the refresh that follows the move.",
				gitlabUserRunnerType, strings.Join(unknown, ", ")))
	}
	model, diags := src.model()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(model.set(ctx, &resp.TargetState)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetIdentity, model.ID)...)
	resp.Diagnostics.Append(fillDefaults(ctx, &resp.TargetState)...)
	if resp.TargetPrivate != nil { // for the first plan's warnings (move_warning.go)
		resp.Diagnostics.Append(saveMovedMark(ctx, resp.TargetPrivate, movedStageMoved)...)
	}
}

// isGitLabProvider: the provider's type is gitlab, whatever its host and
// namespace. Users have registry.terraform.io/gitlabhq/gitlab or
// registry.opentofu.org/gitlabhq/gitlab (or a mirror's host); the acceptance
// tests serve a test-only provider as registry.terraform.io/hashicorp/gitlab,
// the address terraform-plugin-testing gives every provider it serves; and
// OpenTofu has been seen to send the bare type ("gitlab").
func isGitLabProvider(address string) bool {
	return address[strings.LastIndex(address, "/")+1:] == gitlabProviderType
}

func providerLabel(address string) string {
	if address == "" {
		return "an unnamed provider"
	}
	return address
}

// decodeGitLabUserRunner reads the raw state, and lists the attributes it has
// that gitlab_user_runner's schema does not.
func decodeGitLabUserRunner(raw []byte) (gitlabUserRunnerState, []string, error) {
	var src gitlabUserRunnerState
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return src, nil, err
	}
	if err := json.Unmarshal(raw, &src); err != nil {
		return src, nil, err
	}
	known := map[string]bool{}
	for _, name := range gitlabUserRunnerAttributes() {
		known[name] = true
	}
	var unknown []string
	for name := range all {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return src, unknown, nil
}

// gitlabUserRunnerAttributes are the JSON names of gitlabUserRunnerState.
func gitlabUserRunnerAttributes() []string {
	b, _ := json.Marshal(gitlabUserRunnerState{}) // pointers marshal as null: every name appears
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// model is the moved state. Attributes GitLab's provider does not have
// (token_expires_at, the rotation settings) start null or at their
// default (fillDefaults).
func (s gitlabUserRunnerState) model() (userRunnerModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	id, err := validators.ParseRunnerID(s.ID)
	if err != nil {
		diags.AddError("Invalid Runner ID in gitlab_user_runner State",
			fmt.Sprintf("The moved state holds the runner id %q, which is not a runner id (%s). Import the runner by "+
				"its numeric id instead.", s.ID, err))
		return userRunnerModel{}, diags
	}
	// GitLab's provider accepts runner_type and access_level in any case and
	// keeps them as written; GitLab and this provider use lower case.
	runnerType := strings.ToLower(s.RunnerType)
	switch runnerType {
	case gitlabapi.RunnerTypeInstance, gitlabapi.RunnerTypeGroup, gitlabapi.RunnerTypeProject:
	default:
		diags.AddError("Invalid runner_type in gitlab_user_runner State",
			fmt.Sprintf("The moved state has runner_type %q; expected instance_type, group_type or project_type.", s.RunnerType))
		return userRunnerModel{}, diags
	}
	attrs := gitlabapi.RunnerAttributes{
		Description: s.Description, Paused: s.Paused, Locked: s.Locked, RunUntagged: s.Untagged,
		TagList: s.TagList, AccessLevel: lower(s.AccessLevel), MaximumTimeout: positive(s.MaximumTimeout),
		MaintenanceNote: s.MaintenanceNote,
	}
	return userRunnerModel{
		ID:                 types.StringValue(strconv.FormatInt(id, 10)),
		RunnerType:         types.StringValue(runnerType),
		GroupID:            tfvalue.Int64PointerValue(s.GroupID),
		ProjectID:          tfvalue.Int64PointerValue(s.ProjectID),
		Runner:             runnerattrs.FromAPI(&attrs),
		Token:              types.StringPointerValue(s.Token),
		TokenExpiresAt:     types.StringNull(), // GitLab's provider does not keep it, and no REST runner entity shows it
		RotationTriggers:   types.MapNull(types.StringType),
		RotateBeforeExpiry: types.StringNull(),
	}, diags
}

// positive is n, or nil for GitLab's provider's 0 (no maximum_timeout).
func positive(n *int64) *int64 {
	if n == nil || *n <= 0 {
		return nil
	}
	return n
}

func lower(s *string) *string {
	if s == nil {
		return nil
	}
	l := strings.ToLower(*s)
	return &l
}

// fillDefaults sets every null attribute that has a schema default to that
// default, so that an attribute GitLab's provider does not have plans no
// change after the move.
func fillDefaults(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	s, ok := state.Schema.(schema.Schema)
	if !ok {
		return diags
	}
	names := make([]string, 0, len(s.Attributes))
	for name := range s.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var current attr.Value
		diags.Append(state.GetAttribute(ctx, path.Root(name), &current)...)
		if diags.HasError() || (current != nil && !current.IsNull()) {
			continue
		}
		if v, ok := schemaDefault(ctx, path.Root(name), s.Attributes[name], &diags); ok {
			diags.Append(state.SetAttribute(ctx, path.Root(name), v)...)
		}
	}
	return diags
}

// schemaDefault is the default of an attribute of the kinds this resource
// uses, and whether it has one.
func schemaDefault(ctx context.Context, p path.Path, a schema.Attribute, diags *diag.Diagnostics) (attr.Value, bool) {
	switch a := a.(type) {
	case schema.StringAttribute:
		if a.Default == nil {
			return nil, false
		}
		resp := &defaults.StringResponse{}
		a.Default.DefaultString(ctx, defaults.StringRequest{Path: p}, resp)
		diags.Append(resp.Diagnostics...)
		return resp.PlanValue, true
	case schema.BoolAttribute:
		if a.Default == nil {
			return nil, false
		}
		resp := &defaults.BoolResponse{}
		a.Default.DefaultBool(ctx, defaults.BoolRequest{Path: p}, resp)
		diags.Append(resp.Diagnostics...)
		return resp.PlanValue, true
	case schema.Int64Attribute:
		if a.Default == nil {
			return nil, false
		}
		resp := &defaults.Int64Response{}
		a.Default.DefaultInt64(ctx, defaults.Int64Request{Path: p}, resp)
		diags.Append(resp.Diagnostics...)
		return resp.PlanValue, true
	case schema.SetAttribute:
		if a.Default == nil {
			return nil, false
		}
		resp := &defaults.SetResponse{}
		a.Default.DefaultSet(ctx, defaults.SetRequest{Path: p}, resp)
		diags.Append(resp.Diagnostics...)
		return resp.PlanValue, true
	case schema.MapAttribute:
		if a.Default == nil {
			return nil, false
		}
		resp := &defaults.MapResponse{}
		a.Default.DefaultMap(ctx, defaults.MapRequest{Path: p}, resp)
		diags.Append(resp.Diagnostics...)
		return resp.PlanValue, true
	}
	return nil, false
}
