package datasources

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

var (
	_ datasource.DataSource                     = (*registrationPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*registrationPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*registrationPolicyDataSource)(nil)
)

// Values of legacy_workflow_phase: where the server's version sits on the real
// registration-token timeline (see the reference's timeline table).
const (
	phaseSupported         = "supported"           // < 15.6
	phaseDeprecated        = "deprecated"          // 15.6 – 16.11.x
	phaseDisabledByDefault = "disabled_by_default" // 17.0 – 19.x
	phaseRemoved           = "removed"             // 20.0+
)

// registrationTokenRemovalVersion is the GitLab version that removes
// registration tokens (planned; moved from 17.0, then 18.0).
const registrationTokenRemovalVersion = "20.0"

// NewRegistrationPolicy returns the gitlabrunner_registration_policy data
// source: whether registration tokens are still allowed, for the instance or one
// group or project, and where the server stands on the deprecation timeline.
func NewRegistrationPolicy() datasource.DataSource {
	return &registrationPolicyDataSource{}
}

type registrationPolicyDataSource struct {
	providerdata.DataSource
}

type registrationPolicyModel struct {
	ID                                   types.String       `tfsdk:"id"`
	GroupID                              tfvalue.Int64Value `tfsdk:"group_id"`
	ProjectID                            tfvalue.Int64Value `tfsdk:"project_id"`
	IncludeInstanceSettings              types.Bool         `tfsdk:"include_instance_settings"`
	ScopePath                            types.String       `tfsdk:"scope_path"`
	GitLabVersion                        types.String       `tfsdk:"gitlab_version"`
	Enterprise                           types.Bool         `tfsdk:"enterprise"`
	NewWorkflowAvailable                 types.Bool         `tfsdk:"new_workflow_available"`
	UserRunnersAPIAvailable              types.Bool         `tfsdk:"user_runners_api_available"`
	LegacyWorkflowPhase                  types.String       `tfsdk:"legacy_workflow_phase"`
	RegistrationTokensAllowedInstance    types.Bool         `tfsdk:"registration_tokens_allowed_instance"`
	RegistrationTokensAllowed            types.Bool         `tfsdk:"registration_tokens_allowed"`
	ValidRunnerRegistrars                types.List         `tfsdk:"valid_runner_registrars"`
	RunnerTokenExpirationInterval        types.Int64        `tfsdk:"runner_token_expiration_interval"`
	GroupRunnerTokenExpirationInterval   types.Int64        `tfsdk:"group_runner_token_expiration_interval"`
	ProjectRunnerTokenExpirationInterval types.Int64        `tfsdk:"project_runner_token_expiration_interval"`
	RemovalVersion                       types.String       `tfsdk:"removal_version"`
	RecommendedAction                    types.String       `tfsdk:"recommended_action"`
}

func (d *registrationPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registration_policy"
}

func (d *registrationPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	// The instance settings it shows are described as settingsattrs describes them.
	computedInterval := func(name string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: settingsattrs.Instance.Policy(name)}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reports whether runner **registration tokens** (`gitlab-runner register " +
			"--registration-token`) are still allowed for the instance, a group or a project, and where the server's " +
			"version sits on GitLab's deprecation timeline: for `check` blocks and preconditions in CI plans. What the " +
			"token cannot read is null, with a warning that names the permission; a group or project it cannot see is " +
			"an error.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier of the report: `instance`, `group:<id>` or `project:<id>`.",
			},
			"group_id": schema.Int64Attribute{
				CustomType: tfvalue.Int64Type{},
				Optional:   true,
				MarkdownDescription: "Report for this group (any group; the switch lives on its top-level group). " +
					"Conflicts with `project_id`. Reading the group's state needs the Owner role in it.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"project_id": schema.Int64Attribute{
				CustomType: tfvalue.Int64Type{},
				Optional:   true,
				MarkdownDescription: "Report for this project (the switch lives on its top-level group). Conflicts with " +
					"`group_id`. Reading the project's state needs the Maintainer role in it.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"include_instance_settings": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether to read the instance settings (`GET /application/settings`, administrators " +
					"only; default `true`). `false` skips them for a group Owner's or project Maintainer's token: no request, " +
					"no warning, and the attributes only the settings fill are null. `false` needs `group_id` or " +
					"`project_id` (checked at plan time).",
			},
			"scope_path": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Full path of the group or project reported on (e.g. `demo/platform`); null for the instance.",
			},
			"gitlab_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The server's version as `GET /version` reports it, e.g. `17.4.1-ee`.",
			},
			"enterprise": computedBool("Whether the server runs GitLab Enterprise Edition."),
			"new_workflow_available": computedBool("Whether the new runner creation workflow (runner created in GitLab, " +
				"`glrt-` authentication token) is available: GitLab 15.10 or later."),
			"user_runners_api_available": computedBool("Whether `POST /user/runners` exists, which `gitlabrunner_user_runner` " +
				"needs: GitLab 15.11 or later."),
			"legacy_workflow_phase": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Where the server's version sits on the registration-token timeline: `supported` " +
					"(before 15.6), `deprecated` (15.6 to 16.11), `disabled_by_default` (17.0 to 19.x) or `removed` (20.0 " +
					"and later); null, with a warning, when the version cannot be parsed. The page describes each phase.",
			},
			"registration_tokens_allowed_instance": computedBool("Whether the instance allows registration tokens: the " +
				"application setting `allow_runner_registration_token` (administrators only), which GitLab honours from 16.0 (the " +
				"setting appeared in the API in about 15.8). Before 16.0 nothing turns registration tokens off and they are always allowed (`true`); from 20.0 they are removed (`false`). " +
				"Null (with a warning) when the token cannot read the settings."),
			"registration_tokens_allowed": computedBool("The effective answer for `group_id` or `project_id`: allowed only " +
				"when the instance allows them **and** the top-level group's switch is on (read from the `runners_token` " +
				"GitLab shows group Owners and project Maintainers). Without a scope, `registration_tokens_allowed_instance`. " +
				"Null, with a warning, when neither can be read."),
			"valid_runner_registrars": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: settingsattrs.Instance.Policy("valid_runner_registrars"),
			},
			"runner_token_expiration_interval":         computedInterval("runner_token_expiration_interval"),
			"group_runner_token_expiration_interval":   computedInterval("group_runner_token_expiration_interval"),
			"project_runner_token_expiration_interval": computedInterval("project_runner_token_expiration_interval"),
			"removal_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "GitLab version that removes registration tokens: `20.0` (planned).",
			},
			"recommended_action": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "One line that says what to do, e.g. `Registration tokens are still allowed for group demo: " +
					"create runners with gitlabrunner_user_runner and turn registration tokens off (...)`. Handy as a " +
					"`check` or `precondition` `error_message`.",
			},
		},
	}
}

func (d *registrationPolicyDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("group_id"), path.MatchRoot("project_id")),
		instanceSettingsNeedScopeValidator{},
	}
}

// instanceSettingsNeedScopeValidator refuses include_instance_settings =
// false without group_id or project_id: the instance's report is the
// settings, so nothing would be left to report.
type instanceSettingsNeedScopeValidator struct{}

func (instanceSettingsNeedScopeValidator) Description(context.Context) string {
	return "include_instance_settings = false needs group_id or project_id"
}

func (v instanceSettingsNeedScopeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (instanceSettingsNeedScopeValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m registrationPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.IncludeInstanceSettings.IsNull() || m.IncludeInstanceSettings.IsUnknown() ||
		m.IncludeInstanceSettings.ValueBool() || !m.GroupID.IsNull() || !m.ProjectID.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("include_instance_settings"), "Instance Settings Needed",
		"include_instance_settings = false skips the instance settings, but without group_id or project_id the report "+
			"is about the instance, and the instance settings are that report. Set group_id or project_id, or remove "+
			"include_instance_settings (reading the instance settings needs an administrator's token).")
}

func (d *registrationPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config registrationPolicyModel
	if !d.ReadConfig(ctx, req, resp, &config) {
		return
	}
	includeSettings := config.IncludeInstanceSettings.IsNull() || config.IncludeInstanceSettings.ValueBool()
	state, diags := readRegistrationPolicy(ctx, d.Data.Client, config.GroupID.ValueInt64(), config.ProjectID.ValueInt64(), includeSettings)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.GroupID, state.ProjectID, state.IncludeInstanceSettings = config.GroupID, config.ProjectID, config.IncludeInstanceSettings
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// policyScope is what the report is about: the instance, a group or a project.
type policyScope struct {
	kind string // "instance", "group", "project"
	id   int64
	path string // full path (group/project)

	// tokenVisible: GitLab included runners_token in the group/project body
	// (shown only to group Owners / project Maintainers); tokenPresent: it was non-null.
	tokenVisible, tokenPresent bool
}

func (s policyScope) label() string {
	if s.kind == "instance" {
		return "the instance"
	}
	return s.kind + " " + s.path
}

// readRegistrationPolicy does the data source's work; it is separate from Read so
// that tests can call it with any client and inspect warnings. groupID and
// projectID are 0 when not given; includeSettings false skips the instance
// settings (administrators only).
func readRegistrationPolicy(ctx context.Context, client *gitlabapi.Client, groupID, projectID int64, includeSettings bool) (registrationPolicyModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := registrationPolicyModel{
		GroupID:                              tfvalue.Int64Null(),
		ProjectID:                            tfvalue.Int64Null(),
		IncludeInstanceSettings:              types.BoolNull(),
		ScopePath:                            types.StringNull(),
		NewWorkflowAvailable:                 types.BoolNull(),
		UserRunnersAPIAvailable:              types.BoolNull(),
		LegacyWorkflowPhase:                  types.StringNull(),
		RegistrationTokensAllowedInstance:    types.BoolNull(),
		RegistrationTokensAllowed:            types.BoolNull(),
		ValidRunnerRegistrars:                types.ListNull(types.StringType),
		RunnerTokenExpirationInterval:        types.Int64Null(),
		GroupRunnerTokenExpirationInterval:   types.Int64Null(),
		ProjectRunnerTokenExpirationInterval: types.Int64Null(),
		RemovalVersion:                       types.StringValue(registrationTokenRemovalVersion),
	}

	// 1. The version: works for any authenticated user; anything else is fatal.
	version, err := client.GetVersion(ctx)
	if err != nil {
		diags.AddError("Unable to Read GitLab Version", diagnostics.APIError("Reading the GitLab version (GET /version)", err))
		return m, diags
	}
	m.GitLabVersion = types.StringValue(version.Version)
	m.Enterprise = types.BoolValue(version.Enterprise)
	ver, verOK := version.MajorMinor()
	if verOK {
		m.NewWorkflowAvailable = types.BoolValue(ver.AtLeast(15, 10))
		m.UserRunnersAPIAvailable = types.BoolValue(ver.AtLeast(15, 11))
		m.LegacyWorkflowPhase = types.StringValue(legacyWorkflowPhase(ver))
	} else {
		diags.AddWarning("Unrecognised GitLab Version", fmt.Sprintf(
			"GET /version reported %q, which is not MAJOR.MINOR[.PATCH]: legacy_workflow_phase, new_workflow_available and "+
				"user_runners_api_available are null, and the registration-token answers rely on the settings alone.", version.Version))
	}
	removed := verOK && ver.AtLeast(20, 0)
	// Before 16.0 nothing turns registration tokens off: the setting appeared in
	// the settings API in about 15.8, but POST /runners honours it (410) from
	// about 16.0 (GitLab MR !118299).
	preSwitch := verOK && !ver.AtLeast(16, 0)

	// 2. The scope's registration-token state (group/project), read before the
	// settings so that a wrong id fails the read straight away.
	scope := policyScope{kind: "instance"}
	switch {
	case groupID != 0:
		m.ID = types.StringValue(fmt.Sprintf("group:%d", groupID))
		group, err := client.GetGroup(ctx, groupID)
		if err != nil {
			diags.AddAttributeError(path.Root("group_id"), scopeReadSummary("Group", err), diagnostics.APIError(
				fmt.Sprintf("Reading group %d (GET /groups/%d) for its registration-token state", groupID, groupID), err,
				scopeReadAdvice("group_id", groupID, err)))
			return m, diags
		}
		scope = policyScope{kind: "group", id: groupID, path: group.FullPath,
			tokenVisible: group.RunnersTokenVisible, tokenPresent: group.RunnersToken != nil}
	case projectID != 0:
		m.ID = types.StringValue(fmt.Sprintf("project:%d", projectID))
		project, err := client.GetProject(ctx, projectID)
		if err != nil {
			diags.AddAttributeError(path.Root("project_id"), scopeReadSummary("Project", err), diagnostics.APIError(
				fmt.Sprintf("Reading project %d (GET /projects/%d) for its registration-token state", projectID, projectID), err,
				scopeReadAdvice("project_id", projectID, err)))
			return m, diags
		}
		scope = policyScope{kind: "project", id: projectID, path: project.PathWithNamespace,
			tokenVisible: project.RunnersTokenVisible, tokenPresent: project.RunnersToken != nil}
	default:
		m.ID = types.StringValue("instance")
	}
	if scope.kind != "instance" {
		m.ScopePath = types.StringValue(scope.path)
	}

	// 3. The instance settings: administrators only. A 403 is expected for most
	// callers and must never fail a plan; other failures are real errors.
	var settings *gitlabapi.ApplicationSettings
	var settingsErr error
	if includeSettings {
		settings, settingsErr = client.GetApplicationSettings(ctx)
	}
	switch {
	case !includeSettings:
		// include_instance_settings = false: nothing asked, nothing to warn about.
	case settingsErr == nil:
		var registrars []string
		if settings.ValidRunnerRegistrars != nil {
			registrars = *settings.ValidRunnerRegistrars
		}
		m.ValidRunnerRegistrars = tfvalue.StringList(registrars)
		m.RunnerTokenExpirationInterval = types.Int64PointerValue(settings.RunnerTokenExpirationInterval)
		m.GroupRunnerTokenExpirationInterval = types.Int64PointerValue(settings.GroupRunnerTokenExpirationInterval)
		m.ProjectRunnerTokenExpirationInterval = types.Int64PointerValue(settings.ProjectRunnerTokenExpirationInterval)
	case diagnostics.Status(settingsErr) == http.StatusForbidden:
		settings = nil
		skip := "Configure the provider with an administrator's token to fill them."
		if scope.kind != "instance" {
			skip = fmt.Sprintf("The answer for %s does not need them: set include_instance_settings = false to skip "+
				"them and this warning, or use an administrator's token to fill them.", scope.label())
		}
		diags.AddWarning("Instance Runner Settings Not Readable", fmt.Sprintf(
			"GitLab answered %s. The instance settings (GET /application/settings) can only be read with an "+
				"administrator's token (api or read_api scope). registration_tokens_allowed_instance (unless the version "+
				"alone decides it), valid_runner_registrars and the three *_runner_token_expiration_interval attributes "+
				"are null. %s", diagnostics.Answer(settingsErr), skip))
	default:
		diags.AddError("Unable to Read Instance Runner Settings", diagnostics.APIError(
			"Reading the instance settings (GET /application/settings) for allow_runner_registration_token", settingsErr))
		return m, diags
	}

	// 4. The instance answer.
	var instance *bool
	switch {
	case removed:
		instance = new(false)
	case preSwitch:
		instance = new(true)
	case settings != nil && settings.AllowRunnerRegistrationToken != nil:
		instance = new(*settings.AllowRunnerRegistrationToken)
	case settings != nil:
		diags.AddWarning("Registration Token Setting Missing", fmt.Sprintf(
			"GitLab %s did not report allow_runner_registration_token in its settings although GitLab honours it from "+
				"16.0: registration_tokens_allowed_instance is null.", version.Version))
	}
	if instance != nil {
		m.RegistrationTokensAllowedInstance = types.BoolValue(*instance)
	}

	// 5. The effective answer for the scope.
	effective := effectiveRegistrationTokens(scope, instance, removed, preSwitch)
	if effective != nil {
		m.RegistrationTokensAllowed = types.BoolValue(*effective)
	} else if scope.kind != "instance" && !scope.tokenVisible {
		role := "Owner role in group " + scope.path
		if scope.kind == "project" {
			role = "Maintainer role (or higher) in project " + scope.path
		}
		diags.AddWarning("Registration Token State Not Readable", fmt.Sprintf(
			"GET /%ss/%d did not include runners_token: GitLab shows it only to users with the %s (or administrators), "+
				"and the instance setting alone does not decide the answer. registration_tokens_allowed is null. Use a token "+
				"of a user with the %s, or an administrator's token, to fill it.", scope.kind, scope.id, role, role))
	}

	m.RecommendedAction = types.StringValue(recommendedAction(version.Version, verOK, ver, scope, effective))
	return m, diags
}

// legacyWorkflowPhase places a version on the registration-token timeline.
func legacyWorkflowPhase(v gitlabapi.MajorMinor) string {
	switch {
	case v.AtLeast(20, 0):
		return phaseRemoved
	case v.AtLeast(17, 0):
		return phaseDisabledByDefault
	case v.AtLeast(15, 6):
		return phaseDeprecated
	default:
		return phaseSupported
	}
}

// effectiveRegistrationTokens combines the instance answer with the scope's
// runners_token (null when registration tokens are disallowed there — GitLab
// already folds in the instance setting and the top-level group's switch).
// It returns nil when the caller's permissions do not allow an answer.
func effectiveRegistrationTokens(scope policyScope, instance *bool, removed, preSwitch bool) *bool {
	switch {
	case removed:
		return new(false)
	case scope.kind == "instance":
		return instance
	case instance != nil && !*instance:
		return new(false)
	case scope.tokenVisible:
		return new(scope.tokenPresent)
	case preSwitch:
		return new(true)
	}
	return nil
}

// recommendedAction writes the one-line advice.
func recommendedAction(rawVersion string, verOK bool, v gitlabapi.MajorMinor, scope policyScope, allowed *bool) string {
	// The instance switch has an API (gitlabrunner_instance_runner_settings); a
	// top-level group's switch only the UI (GitLab keeps it out of every API).
	where := "for the instance: gitlabrunner_instance_runner_settings with allow_runner_registration_token = false, " +
		"or Admin > Settings > CI/CD > Runners"
	if scope.kind != "instance" {
		where += "; for its top-level group only: the group's Settings > CI/CD > Runners (GitLab 16.11+, no API)"
	}
	switch {
	case verOK && v.AtLeast(20, 0):
		return fmt.Sprintf("GitLab %s has removed registration tokens: create runners with gitlabrunner_user_runner.", rawVersion)
	case verOK && !v.AtLeast(15, 10):
		return fmt.Sprintf("GitLab %s predates the new runner creation workflow (15.10; POST /user/runners from 15.11): "+
			"upgrade GitLab to 16.0 or later, then create runners with gitlabrunner_user_runner.", rawVersion)
	case verOK && !v.AtLeast(15, 11):
		return fmt.Sprintf("GitLab %s offers the new runner workflow only in the UI: upgrade GitLab to 15.11 or later "+
			"(POST /user/runners) to create runners with gitlabrunner_user_runner.", rawVersion)
	case allowed == nil:
		return fmt.Sprintf("Could not tell whether registration tokens are allowed for %s (see the warnings): read this "+
			"report with an administrator's token (or the group Owner's / project Maintainer's) and create runners with "+
			"gitlabrunner_user_runner.", scope.label())
	case *allowed && verOK && !v.AtLeast(16, 0):
		return fmt.Sprintf("Registration tokens are still allowed for %s and GitLab %s cannot turn them off: create runners "+
			"with gitlabrunner_user_runner and upgrade GitLab to 16.0 or later to disable registration tokens.",
			scope.label(), rawVersion)
	case *allowed:
		return fmt.Sprintf("Registration tokens are still allowed for %s: create runners with gitlabrunner_user_runner and "+
			"turn registration tokens off (%s).", scope.label(), where)
	default:
		return fmt.Sprintf("Registration tokens are off for %s: keep creating runners with gitlabrunner_user_runner "+
			"(registration tokens are removed in GitLab %s).", scope.label(), registrationTokenRemovalVersion)
	}
}

// scopeReadSummary and scopeReadAdvice describe a failed GET /groups/:id or
// GET /projects/:id.
func scopeReadSummary(kind string, err error) string {
	if diagnostics.Status(err) == http.StatusNotFound {
		return kind + " Not Found"
	}
	return "Unable to Read " + kind
}

func scopeReadAdvice(attribute string, id int64, err error) string {
	if diagnostics.Status(err) != http.StatusNotFound {
		return ""
	}
	kind, role := "group", "the Owner role in it"
	if attribute == "project_id" {
		kind, role = "project", "the Maintainer role (or higher) in it"
	}
	return diagnostics.NotVisible(strings.ToUpper(kind[:1])+kind[1:], id, attribute) + fmt.Sprintf(" A private %s is "+
		"visible to its members only: reading the %s's registration-token state needs %s (or an administrator's token). "+
		"This is an error rather than a null answer so that a mistyped id cannot pass a CI check.", kind, kind, role)
}
