package gitlabprovider

import (
	"context"
	"errors"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// userRunnerResource is gitlab_user_runner as GitLab's provider implements it
// (internal/provider/resource_gitlab_user_runner.go there): create is
// POST /user/runners then GET /runners/:id; read is GET /runners/:id (gone
// on 404) and writes GitLab's zero values for what GitLab leaves empty ("" for
// description and maintenance_note, 0 for no maximum_timeout); it never sets
// project_id or token, and group_id only from 19.0; update is PUT
// /runners/:id; delete is DELETE /runners/:id and fails on any error, a
// runner already gone included; import takes the runner id, so the token
// stays null.
type userRunnerResource struct {
	client  *gitlabapi.Client
	release Release
}

// userRunnerModel is every attribute of every release but maintenance_note.
type userRunnerModel struct {
	ID             types.String `tfsdk:"id"`
	RunnerType     types.String `tfsdk:"runner_type"`
	GroupID        types.Int64  `tfsdk:"group_id"`
	ProjectID      types.Int64  `tfsdk:"project_id"`
	Description    types.String `tfsdk:"description"`
	Paused         types.Bool   `tfsdk:"paused"`
	Locked         types.Bool   `tfsdk:"locked"`
	Untagged       types.Bool   `tfsdk:"untagged"`
	TagList        types.Set    `tfsdk:"tag_list"`
	AccessLevel    types.String `tfsdk:"access_level"`
	MaximumTimeout types.Int64  `tfsdk:"maximum_timeout"`
	Token          types.String `tfsdk:"token"`
}

// modelWithNote is the model of the releases with maintenance_note (17.6+).
type modelWithNote struct {
	userRunnerModel
	MaintenanceNote types.String `tfsdk:"maintenance_note"`
}

// stateGetter is a tfsdk.Plan or tfsdk.State; stateSetter a tfsdk.State.
type stateGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// get reads the model and, in releases that have it, maintenance_note (null
// otherwise).
func (r *userRunnerResource) get(ctx context.Context, from stateGetter) (userRunnerModel, types.String, diag.Diagnostics) {
	if !r.release.hasMaintenanceNote() {
		var m userRunnerModel
		return m, types.StringNull(), from.Get(ctx, &m)
	}
	var m modelWithNote
	diags := from.Get(ctx, &m)
	return m.userRunnerModel, m.MaintenanceNote, diags
}

// set writes the model and, in releases that have it, maintenance_note.
func (r *userRunnerResource) set(ctx context.Context, to stateSetter, m userRunnerModel, note types.String) diag.Diagnostics {
	if !r.release.hasMaintenanceNote() {
		return to.Set(ctx, m)
	}
	return to.Set(ctx, modelWithNote{userRunnerModel: m, MaintenanceNote: note})
}

func (r *userRunnerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_runner"
}

func (r *userRunnerResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*gitlabapi.Client); ok {
		r.client = c
	}
}

// Schema is GitLab's gitlab_user_runner of the release (no Version: 0).
func (r *userRunnerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keepString},
			"runner_type": schema.StringAttribute{
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOfCaseInsensitive("instance_type", "group_type", "project_type")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"group_id": schema.Int64Attribute{Optional: true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace(), int64planmodifier.UseStateForUnknown()}},
			"project_id": schema.Int64Attribute{Optional: true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace(), int64planmodifier.UseStateForUnknown()}},
			"description": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepString},
			"paused":      schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool},
			"locked":      schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool},
			"untagged":    schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool},
			"tag_list": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()}},
			"access_level": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepString,
				Validators: []validator.String{stringvalidator.OneOfCaseInsensitive("not_protected", "ref_protected")}},
			"maximum_timeout": schema.Int64Attribute{Optional: true, Computed: true,
				Validators:    []validator.Int64{int64validator.AtLeast(600)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"token": schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keepString},
		},
	}
	if r.release.hasMaintenanceNote() {
		resp.Schema.Attributes["maintenance_note"] = schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepString,
			Validators: []validator.String{stringvalidator.UTF8LengthAtMost(1024)}}
	}
}

func (r *userRunnerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, note, diags := r.get(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := gitlabapi.CreateUserRunnerOptions{
		RunnerType:       plan.RunnerType.ValueString(),
		GroupID:          plan.GroupID.ValueInt64Pointer(),
		ProjectID:        plan.ProjectID.ValueInt64Pointer(),
		RunnerAttributes: plan.attributes(ctx, note),
	}
	created, err := r.client.CreateUserRunner(ctx, opts)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Runner", err.Error())
		return
	}
	plan.ID = types.StringValue(strconv.FormatInt(created.ID, 10))
	plan.Token = types.StringValue(created.Token)
	details, err := r.client.GetRunner(ctx, created.ID)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Runner", err.Error())
		return
	}
	note = r.apply(&plan, details)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, plan, note)...)
}

func (r *userRunnerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, _, diags := r.get(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Runner ID", err.Error())
		return
	}
	details, err := r.client.GetRunner(ctx, id)
	if errors.Is(err, gitlabapi.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Runner", err.Error())
		return
	}
	note := r.apply(&state, details)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, state, note)...)
}

func (r *userRunnerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, note, diags := r.get(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	state, _, diags := r.get(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, _ := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	details, err := r.client.UpdateRunner(ctx, id, gitlabapi.UpdateRunnerOptions{RunnerAttributes: plan.attributes(ctx, note)})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Update Runner", err.Error())
		return
	}
	plan.ID, plan.Token = state.ID, state.Token
	note = r.apply(&plan, details)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, plan, note)...)
}

// Delete fails on any error, as GitLab's does: a runner deleted outside
// Terraform makes the destroy fail (its Read would have dropped it first).
func (r *userRunnerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, _, diags := r.get(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, _ := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err := r.client.DeleteRunner(ctx, id); err != nil {
		resp.Diagnostics.AddError("GitLab API Error occurred", "Unable to delete runner: "+err.Error())
	}
}

func (r *userRunnerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// attributes are the configured runner attributes (unknown ones left out;
// GitLab's provider sends maximum_timeout only when above 0).
func (m *userRunnerModel) attributes(ctx context.Context, note types.String) gitlabapi.RunnerAttributes {
	var a gitlabapi.RunnerAttributes
	str := func(v types.String) *string {
		if v.IsNull() || v.IsUnknown() {
			return nil
		}
		return v.ValueStringPointer()
	}
	boolean := func(v types.Bool) *bool {
		if v.IsNull() || v.IsUnknown() {
			return nil
		}
		return v.ValueBoolPointer()
	}
	a.Description, a.AccessLevel, a.MaintenanceNote = str(m.Description), str(m.AccessLevel), str(note)
	a.Paused, a.Locked, a.RunUntagged = boolean(m.Paused), boolean(m.Locked), boolean(m.Untagged)
	if !m.MaximumTimeout.IsNull() && !m.MaximumTimeout.IsUnknown() && m.MaximumTimeout.ValueInt64() > 0 {
		a.MaximumTimeout = m.MaximumTimeout.ValueInt64Pointer()
	}
	if !m.TagList.IsNull() && !m.TagList.IsUnknown() {
		var tags []string
		m.TagList.ElementsAs(ctx, &tags, false)
		a.TagList = &tags
	}
	return a
}

// apply copies what GitLab says as GitLab's provider's modelToStateModel
// does: through go-gitlab's RunnerDetails, whose plain Go fields turn
// GitLab's null into "", false and 0. It returns maintenance_note. project_id
// and token are never touched; group_id from 19.0, from the runner's first
// group.
func (r *userRunnerResource) apply(m *userRunnerModel, d *gitlabapi.RunnerDetails) types.String {
	a := d.RunnerAttributes
	m.RunnerType = types.StringValue(d.RunnerType)
	m.Description = types.StringValue(deref(a.Description))
	m.Paused = types.BoolValue(deref(a.Paused))
	m.Locked = types.BoolValue(deref(a.Locked))
	m.Untagged = types.BoolValue(deref(a.RunUntagged))
	m.AccessLevel = types.StringValue(deref(a.AccessLevel))
	m.MaximumTimeout = types.Int64Value(deref(a.MaximumTimeout))
	m.TagList = tfvalue.StringSet(deref(a.TagList))
	if r.release.readsGroupID() && d.RunnerType == gitlabapi.RunnerTypeGroup && len(d.Groups) > 0 {
		m.GroupID = types.Int64Value(d.Groups[0].ID)
	}
	return types.StringValue(deref(a.MaintenanceNote))
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
