// Package runnercontrollertoken is the gitlabrunner_runner_controller_token
// resource: a token of a runner controller (GitLab Enterprise Edition 18.9+),
// minted once, rotated in place, revoked on destroy
// (/runner_controllers/:id/tokens).
//
// GitLab's rotation revokes the token and mints a new record with a new id.
// The resource keeps one identity across rotations: id is the controller
// and the token id it was created (or imported) with, and never changes;
// token_id follows the current token.
//
// Files:
//
//	resource.go  type, schema, ids
//	identity.go  resource identity and import
//	crud.go      Create, Read, Update (rotation), Delete
//	plan.go      ModifyPlan: when the token rotates
package runnercontrollertoken

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnercontrollers"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

var (
	_ resource.Resource                = (*tokenResource)(nil)
	_ resource.ResourceWithConfigure   = (*tokenResource)(nil)
	_ resource.ResourceWithImportState = (*tokenResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*tokenResource)(nil)
)

// New is the constructor registered with the provider.
func New() resource.Resource { return &tokenResource{} }

type tokenResource struct {
	providerdata.Resource
}

// tokenModel is the plan and state of the resource.
type tokenModel struct {
	ID                 types.String `tfsdk:"id"`
	RunnerControllerID types.Int64  `tfsdk:"runner_controller_id"`
	Description        types.String `tfsdk:"description"`
	Token              types.String `tfsdk:"token"`
	TokenID            types.Int64  `tfsdk:"token_id"`
	CreatedAt          types.String `tfsdk:"created_at"`
	RotationTriggers   types.Map    `tfsdk:"rotation_triggers"`
}

// refresh takes what GitLab shows of the current token (not its value).
func (m *tokenModel) refresh(t *gitlabapi.RunnerControllerToken) {
	m.Description = types.StringValue(runnercontrollers.Description(t.Description))
	m.TokenID = types.Int64Value(t.ID)
	m.CreatedAt = tfvalue.Time(t.CreatedAt)
}

func (r *tokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_controller_token"
}

func (r *tokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<runner_controller_id>/<token id>` of the token as created (or imported): the " +
					"resource's identity, which rotations do not change. The current token's id is `token_id`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"runner_controller_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "The numeric id of the runner controller. Changing it replaces the token.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
				MarkdownDescription: "What the token is for, at most 1024 characters. Default `\"\"`. GitLab cannot change " +
					"it: changing it replaces the token; rotations keep it.",
				Validators:    []validator.String{validators.MaxChars(1024)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"token": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The token (`glrct-…`), which GitLab shows only once; the runner controller " +
					"authenticates with it. It does not expire. `null` after an import: change `rotation_triggers` to get one.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token_id": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The id of the current token; each rotation gives a new one.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the current token was minted (RFC 3339): its creation or last rotation.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"rotation_triggers": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Arbitrary strings; any change rotates the token in place: the old token stops " +
					"working at once, and `token` and `token_id` change. For example `{ rotated = \"2026-01\" }`.",
			},
		},
	}
}

const description = "A token of a runner controller (GitLab Enterprise Edition 18.9+, Ultimate; an administrator's " +
	"token), with which the controller authenticates at GitLab's job router. Minted once and kept as a sensitive " +
	"attribute; rotated in place when `rotation_triggers` change (the old token stops working at once); revoked on " +
	"destroy. These tokens do not expire. Import with `<runner_controller_id>/<token_id>`, or by identity."

func formatID(controllerID, tokenID int64) string {
	return strconv.FormatInt(controllerID, 10) + "/" + strconv.FormatInt(tokenID, 10)
}

// parseID reads "<runner_controller_id>/<token_id>".
func parseID(id string) (controllerID, tokenID int64, err error) {
	c, t, ok := strings.Cut(strings.TrimSpace(id), "/")
	if !ok {
		return 0, 0, fmt.Errorf("it has no '/' between the runner controller id and the token id")
	}
	if controllerID, err = runnercontrollers.ParseID(c); err != nil {
		return 0, 0, fmt.Errorf("the runner controller id %q: %w", c, err)
	}
	if tokenID, err = runnercontrollers.ParseID(t); err != nil {
		return 0, 0, fmt.Errorf("the token id %q: %w", t, err)
	}
	return controllerID, tokenID, nil
}
