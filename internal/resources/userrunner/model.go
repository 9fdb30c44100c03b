package userrunner

// The Terraform model of gitlabrunner_user_runner and its conversions to and
// from the API types. The runner attributes' conversions are runnerattrs'.

import (
	"context"
	"maps"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// userRunnerModel is a plan or a state of the resource. The runner
// attributes (description, tags, ...) are runnerattrs.Values, by name, so
// that adding one needs no field here; the model is read and written as a
// whole object (get, set).
type userRunnerModel struct {
	ID                 types.String
	RunnerType         types.String
	GroupID            tfvalue.Int64Value
	ProjectID          tfvalue.Int64Value
	Runner             runnerattrs.Values
	Token              types.String
	TokenExpiresAt     types.String
	RotationTriggers   types.Map
	RotateBeforeExpiry types.String
	OnStaleToken       types.String
	TokenCheck         types.String
	TokenCurrent       types.Bool
}

// objectType is the Terraform type of the resource's schema: what get reads
// and set writes, built once (the framework's Get and Set of a whole plan or
// state rebuild it on every call, for every runner).
var objectType = tfvalue.SchemaType(&userRunnerResource{})

// get reads a plan or a state (anything with Get) into the model.
func (m *userRunnerModel) get(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}) diag.Diagnostics {
	var a map[string]attr.Value
	var diags diag.Diagnostics
	switch from := from.(type) {
	case tfsdk.Plan: // the framework's own, with the resource's schema
		a, diags = tfvalue.ReadObject(ctx, objectType(), from.Raw)
	case tfsdk.State:
		a, diags = tfvalue.ReadObject(ctx, objectType(), from.Raw)
	default:
		var obj types.Object
		diags = from.Get(ctx, &obj)
		a = obj.Attributes()
	}
	if diags.HasError() {
		return diags
	}
	*m = userRunnerModel{Runner: runnerattrs.From(a)}
	m.ID = tfvalue.As[types.String](a, "id", &diags)
	m.RunnerType = tfvalue.As[types.String](a, "runner_type", &diags)
	m.GroupID = tfvalue.As[tfvalue.Int64Value](a, "group_id", &diags)
	m.ProjectID = tfvalue.As[tfvalue.Int64Value](a, "project_id", &diags)
	m.Token = tfvalue.As[types.String](a, "token", &diags)
	// A token Terraform hands over (from state) is a secret this process has
	// now seen: mask it wherever GitLab might echo it, whatever its shape.
	gitlabapi.LearnSecret(m.Token.ValueString())
	m.TokenExpiresAt = tfvalue.As[types.String](a, "token_expires_at", &diags)
	m.RotationTriggers = tfvalue.As[types.Map](a, "rotation_triggers", &diags)
	m.RotateBeforeExpiry = tfvalue.As[types.String](a, "rotate_before_expiry", &diags)
	m.OnStaleToken = tfvalue.As[types.String](a, "on_stale_token", &diags)
	m.TokenCheck = tfvalue.As[types.String](a, "token_check", &diags)
	m.TokenCurrent = tfvalue.As[types.Bool](a, "token_current", &diags)
	return diags
}

// set writes the model to a plan or a state (anything with Set).
func (m *userRunnerModel) set(ctx context.Context, to interface {
	Set(context.Context, any) diag.Diagnostics
}) diag.Diagnostics {
	values := map[string]attr.Value{
		"id":                   m.ID,
		"runner_type":          m.RunnerType,
		"group_id":             m.GroupID,
		"project_id":           m.ProjectID,
		"token":                m.Token,
		"token_expires_at":     m.TokenExpiresAt,
		"rotation_triggers":    m.RotationTriggers,
		"rotate_before_expiry": m.RotateBeforeExpiry,
		"on_stale_token":       m.OnStaleToken,
		"token_check":          m.TokenCheck,
		"token_current":        m.TokenCurrent,
	}
	maps.Copy(values, m.Runner)
	var raw *tftypes.Value
	switch to := to.(type) { // the framework's own, with the resource's schema
	case *tfsdk.State:
		raw = &to.Raw
	case *tfsdk.Plan:
		raw = &to.Raw
	case *tfsdk.Resource:
		raw = &to.Raw
	default:
		obj, diags := tfvalue.Object(objectType(), values)
		if diags.HasError() {
			return diags
		}
		return to.Set(ctx, obj)
	}
	v, diags := tfvalue.WriteObject(ctx, objectType(), values)
	if !diags.HasError() {
		*raw = v
	}
	return diags
}

// scope returns where the planned runner lives.
func (m *userRunnerModel) scope() diagnostics.RunnerScope {
	return diagnostics.RunnerScope{
		Type:      m.RunnerType.ValueString(),
		GroupID:   m.GroupID.ValueInt64(),
		ProjectID: m.ProjectID.ValueInt64(),
	}
}

// knownScope is the scope of a plan or state whose scope attributes are
// known; false while a plan leaves one unknown (or a state lacks it).
func (m *userRunnerModel) knownScope() (diagnostics.RunnerScope, bool) {
	scope := m.scope()
	if m.RunnerType.IsUnknown() || m.RunnerType.IsNull() || m.GroupID.IsUnknown() || m.ProjectID.IsUnknown() {
		return scope, false
	}
	switch scope.Type {
	case gitlabapi.RunnerTypeGroup:
		return scope, scope.GroupID > 0
	case gitlabapi.RunnerTypeProject:
		return scope, scope.ProjectID > 0
	}
	return scope, scope.Type == gitlabapi.RunnerTypeInstance
}

// createOptions are the POST /user/runners parameters for the planned
// runner, with the given (marked) description and the creation settings as
// of now (the provider's clock).
func (m *userRunnerModel) createOptions(ctx context.Context, description string, now time.Time) (gitlabapi.CreateUserRunnerOptions, diag.Diagnostics) {
	attrs, diags := m.Runner.CreateAttributes(ctx)
	attrs.Description = &description
	opts := gitlabapi.CreateUserRunnerOptions{RunnerType: m.RunnerType.ValueString(), RunnerAttributes: attrs}
	diags.Append(m.Runner.ApplyCreation(now, &opts)...)
	switch opts.RunnerType {
	case gitlabapi.RunnerTypeGroup:
		opts.GroupID = m.GroupID.ValueInt64Pointer()
	case gitlabapi.RunnerTypeProject:
		opts.ProjectID = m.ProjectID.ValueInt64Pointer()
	}
	return opts, diags
}

// applyDetails copies what GitLab says about the runner into the model.
// It never touches token, token_expires_at, the rotation settings or the
// creation settings, which GET /runners/:id does not return. A field the
// answer held ambiguously (d.Malformed) is absent from d: the model keeps
// what it had (a runner type or placement GitLab did not clearly state never
// plans a replacement, an attribute never an update).
func (m *userRunnerModel) applyDetails(d *gitlabapi.RunnerDetails) {
	m.ID = types.StringValue(strconv.FormatInt(d.ID, 10))
	if d.RunnerType != "" {
		m.RunnerType = types.StringValue(d.RunnerType)
	}
	switch m.RunnerType.ValueString() {
	case gitlabapi.RunnerTypeInstance:
		m.GroupID = tfvalue.Int64Null()
		m.ProjectID = tfvalue.Int64Null()
	case gitlabapi.RunnerTypeGroup:
		if len(d.Groups) > 0 {
			m.GroupID = tfvalue.Int64From(d.Groups[0].ID)
		}
		m.ProjectID = tfvalue.Int64Null()
	case gitlabapi.RunnerTypeProject:
		// projects[0] is the owner project; a runner may be enabled in more.
		// A configured project the runner still belongs to is kept, so that
		// enabling the runner elsewhere never plans a replacement.
		if len(d.Projects) > 0 && !runnerInProject(d, m.ProjectID) {
			m.ProjectID = tfvalue.Int64From(d.Projects[0].ID)
		}
		m.GroupID = tfvalue.Int64Null()
	}
	refreshed := m.Runner.Refreshed(&d.RunnerAttributes)
	for _, f := range d.Malformed {
		if old, ok := m.Runner[f.Key]; ok { // GitLab's key is the attribute's name
			refreshed[f.Key] = old
		}
	}
	m.Runner = refreshed
}

// importedModel is the state an import of the runner reads (ImportState,
// then Read's applyDetails): GitLab's details, and nothing GitLab does not
// show — no token (GitLab never shows an existing one again), so
// token_current null, and no rotation, token check or creation settings.
// The list resource returns it, so that the configuration `terraform query
// -generate-config-out` writes from it is what the import reads.
func importedModel(d *gitlabapi.RunnerDetails) userRunnerModel {
	m := userRunnerModel{
		GroupID:            tfvalue.Int64Null(),
		ProjectID:          tfvalue.Int64Null(),
		Runner:             runnerattrs.Values{},
		Token:              types.StringNull(),
		TokenExpiresAt:     types.StringNull(),
		RotationTriggers:   types.MapNull(types.StringType),
		RotateBeforeExpiry: types.StringNull(),
		OnStaleToken:       types.StringNull(),
		TokenCheck:         types.StringNull(),
		TokenCurrent:       types.BoolNull(),
	}
	m.applyDetails(d)
	return m
}

func runnerInProject(d *gitlabapi.RunnerDetails, id tfvalue.Int64Value) bool {
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

// applyToken stores a freshly minted token, and says whether it is current
// as the next refresh will (mintedTokenCurrent).
func (m *userRunnerModel) applyToken(t *gitlabapi.RunnerToken) {
	m.Token = types.StringValue(t.Token)
	m.TokenExpiresAt = tfvalue.Time(t.TokenExpiresAt)
	m.TokenCurrent = mintedTokenCurrent(m.TokenCheck, t.TokenExpiresAt)
}
