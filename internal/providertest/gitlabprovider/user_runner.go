package gitlabprovider

import (
	"context"
	"errors"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

// userRunnerResource is gitlab_user_runner. Like GitLab's: create is
// POST /user/runners then GET /runners/:id; read is GET /runners/:id (gone
// on 404) and never sets group_id, project_id or token; update is
// PUT /runners/:id; import takes the runner id and leaves the token null.
type userRunnerResource struct {
	client *gitlabapi.Client
}

type userRunnerModel struct {
	ID              types.String `tfsdk:"id"`
	RunnerType      types.String `tfsdk:"runner_type"`
	GroupID         types.Int64  `tfsdk:"group_id"`
	ProjectID       types.Int64  `tfsdk:"project_id"`
	Description     types.String `tfsdk:"description"`
	Paused          types.Bool   `tfsdk:"paused"`
	Locked          types.Bool   `tfsdk:"locked"`
	Untagged        types.Bool   `tfsdk:"untagged"`
	TagList         types.Set    `tfsdk:"tag_list"`
	AccessLevel     types.String `tfsdk:"access_level"`
	MaximumTimeout  types.Int64  `tfsdk:"maximum_timeout"`
	MaintenanceNote types.String `tfsdk:"maintenance_note"`
	Token           types.String `tfsdk:"token"`
}

func (r *userRunnerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_runner"
}

func (r *userRunnerResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*gitlabapi.Client); ok {
		r.client = c
	}
}

// Schema is GitLab's provider 18.x gitlab_user_runner (no Version: 0).
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
			"maintenance_note": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepString,
				Validators: []validator.String{stringvalidator.UTF8LengthAtMost(1024)}},
			"token": schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keepString},
		},
	}
}

func (r *userRunnerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userRunnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := gitlabapi.CreateUserRunnerOptions{
		RunnerType:       plan.RunnerType.ValueString(),
		GroupID:          plan.GroupID.ValueInt64Pointer(),
		ProjectID:        plan.ProjectID.ValueInt64Pointer(),
		RunnerAttributes: plan.attributes(ctx),
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
	plan.apply(details)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *userRunnerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userRunnerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	state.apply(details)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *userRunnerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userRunnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, _ := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	details, err := r.client.UpdateRunner(ctx, id, gitlabapi.UpdateRunnerOptions{RunnerAttributes: plan.attributes(ctx)})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Update Runner", err.Error())
		return
	}
	plan.ID, plan.Token = state.ID, state.Token
	plan.apply(details)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *userRunnerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userRunnerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, _ := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err := r.client.DeleteRunner(ctx, id); err != nil && !errors.Is(err, gitlabapi.ErrNotFound) {
		resp.Diagnostics.AddError("Unable to Delete Runner", err.Error())
	}
}

func (r *userRunnerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// attributes are the configured runner attributes (unknown ones left out).
func (m *userRunnerModel) attributes(ctx context.Context) gitlabapi.RunnerAttributes {
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
	a.Description, a.AccessLevel, a.MaintenanceNote = str(m.Description), str(m.AccessLevel), str(m.MaintenanceNote)
	a.Paused, a.Locked, a.RunUntagged = boolean(m.Paused), boolean(m.Locked), boolean(m.Untagged)
	if !m.MaximumTimeout.IsNull() && !m.MaximumTimeout.IsUnknown() {
		a.MaximumTimeout = m.MaximumTimeout.ValueInt64Pointer()
	}
	if !m.TagList.IsNull() && !m.TagList.IsUnknown() {
		var tags []string
		m.TagList.ElementsAs(ctx, &tags, false)
		a.TagList = &tags
	}
	return a
}

// apply copies what GitLab says; group_id, project_id and token are not
// touched, as in GitLab's provider (which reads runner_type back).
func (m *userRunnerModel) apply(d *gitlabapi.RunnerDetails) {
	a := d.RunnerAttributes
	m.RunnerType = types.StringValue(d.RunnerType)
	m.Description = types.StringPointerValue(a.Description)
	m.Paused = types.BoolPointerValue(a.Paused)
	m.Locked = types.BoolPointerValue(a.Locked)
	m.Untagged = types.BoolPointerValue(a.RunUntagged)
	m.AccessLevel = types.StringPointerValue(a.AccessLevel)
	m.MaximumTimeout = types.Int64PointerValue(a.MaximumTimeout)
	m.MaintenanceNote = types.StringPointerValue(a.MaintenanceNote)
	var tags []string
	if a.TagList != nil {
		tags = *a.TagList
	}
	m.TagList = tfvalue.StringSet(tags)
}
