package runnerattrs

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

const (
	// MaxTextLength is GitLab's limit for a runner's free texts, in characters.
	MaxTextLength = 1024
	// minMaximumTimeout is GitLab's smallest maximum_timeout: 10 minutes.
	minMaximumTimeout = 600
	// maxMaximumTimeout is the largest maximum_timeout GitLab can store:
	// its column is a 4-byte integer (a larger value fails with a 500).
	maxMaximumTimeout = math.MaxInt32
)

// Description names the attribute the user-runner resource treats specially:
// it carries the creation marker while a runner is being created.
const Description = "description"

// table is every runner attribute. Defaults are GitLab's: removing an
// attribute from the configuration sets the runner back to it.
var table = []Attribute{
	{
		Name:  Description,
		field: stringField(func(a *gitlabapi.RunnerAttributes) **string { return &a.Description }),
		Resource: rschema.StringAttribute{
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString(""),
			MarkdownDescription: fmt.Sprintf("A free-text description, at most %d characters. Defaults to `\"\"`. "+
				"No NUL characters. While a runner is being created its description briefly carries a creation marker "+
				"(` [terraform-create:v2-…]`) that lets the provider find the runner again if GitLab's "+
				"answer to the create request is lost; the update that follows restores the configured description.", MaxTextLength),
			Validators: []validator.String{validators.MaxChars(MaxTextLength), validators.NoNUL()},
		},
		DataSource: "The runner's description; null when GitLab reports none.",
	},
	{
		Name:  "paused",
		field: boolField(func(a *gitlabapi.RunnerAttributes) **bool { return &a.Paused }),
		Resource: rschema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			MarkdownDescription: "Whether the runner is paused and takes no new jobs. Defaults to `false`.",
		},
		DataSource: "Whether the runner is paused and picks up no new jobs.",
	},
	{
		Name:  "locked",
		field: boolField(func(a *gitlabapi.RunnerAttributes) **bool { return &a.Locked }),
		Resource: rschema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			MarkdownDescription: "Whether a project runner is locked to its current projects (it cannot be enabled for other projects). Defaults to `false`.",
		},
		DataSource: "Whether the runner is locked to its current projects.",
	},
	{
		Name:  "run_untagged",
		field: boolField(func(a *gitlabapi.RunnerAttributes) **bool { return &a.RunUntagged }),
		Resource: rschema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
			MarkdownDescription: "Whether the runner picks jobs without tags. Defaults to `true`. `false` needs at " +
				"least one tag in `tag_list` (checked at plan time).",
		},
		DataSource: "Whether the runner picks up jobs without tags.",
	},
	{
		Name:  "tag_list",
		field: tagsField(func(a *gitlabapi.RunnerAttributes) **[]string { return &a.TagList }),
		Resource: rschema.SetAttribute{
			// Linear validation: the framework's set type takes minutes on thousands of tags.
			CustomType:  tfvalue.NewStringSetType(),
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
			MarkdownDescription: fmt.Sprintf("The runner's tags; jobs with tags only run on runners that have all of them. "+
				"Defaults to no tags. At most %d tags, each non-empty, at most %d characters, without commas, NUL characters "+
				"and leading or trailing spaces (checked at plan time).", validators.MaxTags, validators.MaxTagLength),
			Validators: []validator.Set{validators.NoNullElements("each element is a tag"), validators.TagCount(),
				setvalidator.ValueStringsAre(validators.RunnerTag())},
		},
		DataSource: "The runner's tags, in GitLab's order.",
	},
	{
		Name:  "access_level",
		field: stringField(func(a *gitlabapi.RunnerAttributes) **string { return &a.AccessLevel }),
		Resource: rschema.StringAttribute{
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString(gitlabapi.AccessLevelNotProtected),
			MarkdownDescription: "`not_protected` (jobs of any branch or tag) or `ref_protected` (only jobs of protected " +
				"branches and tags). Defaults to `not_protected`. Case-sensitive.",
			Validators: []validator.String{stringvalidator.OneOf(
				gitlabapi.AccessLevelNotProtected, gitlabapi.AccessLevelRefProtected)},
		},
		DataSource: "`not_protected` (jobs from any ref) or `ref_protected` (jobs from protected branches and tags only).",
	},
	{
		// No default: null means no runner-level limit, and is sent as an
		// explicit null to clear one (UpdateOptions).
		Name:  "maximum_timeout",
		field: optionalInt64Field(func(a *gitlabapi.RunnerAttributes) **int64 { return &a.MaximumTimeout }),
		Resource: rschema.Int64Attribute{
			CustomType: tfvalue.Int64Type{},
			Optional:   true,
			MarkdownDescription: fmt.Sprintf("The longest a job may run on this runner, in seconds: at least %d (10 "+
				"minutes), at most %d (GitLab stores it in a 4-byte integer). Unset means no runner-level limit: removing it "+
				"from the configuration clears the limit in GitLab.", minMaximumTimeout, maxMaximumTimeout),
			Validators: []validator.Int64{int64validator.Between(minMaximumTimeout, maxMaximumTimeout)},
		},
		DataSource: "Maximum job timeout in seconds enforced by the runner; null when none is set.",
	},
	{
		Name:  "maintenance_note",
		field: stringField(func(a *gitlabapi.RunnerAttributes) **string { return &a.MaintenanceNote }),
		Resource: rschema.StringAttribute{
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString(""),
			MarkdownDescription: fmt.Sprintf("A note for the runner's maintainers, at most %d characters, no NUL "+
				"characters. Defaults to `\"\"`.", MaxTextLength),
			Validators: []validator.String{validators.MaxChars(MaxTextLength), validators.NoNUL()},
		},
		DataSource: "Free-form maintenance note of the runner; null when none is set, and for a token that may read the " +
			"runner but not change it (GitLab from about 18.0 shows the note only to those who may update the runner).",
	},
}

// creationTable is every creation setting (creation.go): what GitLab takes
// only in the create request and never shows again.
var creationTable = []CreationSetting{
	{
		// GitLab EE 18.10 (create_runner_params_ee): between now + 5 minutes and
		// min(now + 15 days, the expiry the settings would give); not stored, so
		// a later reset falls back to the settings.
		Name: "token_expires_in",
		Resource: rschema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Let the runner's first token expire this long after the create: a Go duration such " +
				"as `72h`, more than 5 minutes and at most 15 days (`360h`), within the runner's token expiration " +
				"interval. GitLab Enterprise Edition 18.10 or later (refused at plan time elsewhere). It applies at the " +
				"create only: later rotations follow the instance's interval.",
			Validators: []validator.String{validators.DurationWithin(5*time.Minute, 15*24*time.Hour,
				"GitLab accepts a token expiry more than 5 minutes and at most 15 days after the create request.")},
		},
		Requires: gitlabapi.Requirement{Major: 18, Minor: 10, Enterprise: true},
		field:    durationFromCreateField(func(o *gitlabapi.CreateUserRunnerOptions) **time.Time { return &o.TokenExpiresAt }, "72h"),
	},
	{
		// GitLab EE 18.10 (create_runner_params_ee): needs token_expires_at, not
		// in the past, at most token_expires_at (equal disables rotation);
		// cleared by GitLab at the token's first rotation. The checks across
		// both attributes are the resource's config validators.
		Name: "token_rotation_deadline",
		Resource: rschema.StringAttribute{
			Optional: true,
			MarkdownDescription: "When GitLab stops accepting rotations of the runner's first token, this long after the " +
				"runner is created: a Go duration such as `48h`, at most `token_expires_in` (which it needs). The same " +
				"duration as `token_expires_in` disables the token's rotation. Needs GitLab Enterprise Edition 18.10 or " +
				"later. **It applies only when the runner is created**; GitLab clears it at the first rotation.",
			Validators: []validator.String{validators.DurationWithin(0, 15*24*time.Hour,
				"GitLab refuses a rotation deadline in the past, and one after the token's expiry (at most 15 days).")},
		},
		Requires: gitlabapi.Requirement{Major: 18, Minor: 10, Enterprise: true},
		field:    durationFromCreateField(func(o *gitlabapi.CreateUserRunnerOptions) **time.Time { return &o.TokenRotationDeadline }, "48h"),
	},
}

// UpdateOptions is the full desired set of attributes for PUT /runners/:id:
// attributes removed from the configuration are planned at their defaults
// (null for maximum_timeout, sent as an explicit null), so the runner returns
// to GitLab's defaults instead of keeping a stale value.
func (v Values) UpdateOptions(ctx context.Context) (gitlabapi.UpdateRunnerOptions, diag.Diagnostics) {
	attrs, diags := v.API(ctx)
	return gitlabapi.UpdateRunnerOptions{RunnerAttributes: attrs, ClearMaximumTimeout: attrs.MaximumTimeout == nil}, diags
}

// CreateAttributes are the attributes of POST /user/runners: as API, but an
// empty tag list is left out (no tags is GitLab's default).
func (v Values) CreateAttributes(ctx context.Context) (gitlabapi.RunnerAttributes, diag.Diagnostics) {
	attrs, diags := v.API(ctx)
	if attrs.TagList != nil && len(*attrs.TagList) == 0 {
		attrs.TagList = nil
	}
	return attrs, diags
}
