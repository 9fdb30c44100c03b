package instancerunnersettings

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// settingsModel is the plan, state and configuration of the resource.
type settingsModel struct {
	ID                                   types.String `tfsdk:"id"`
	AllowRunnerRegistrationToken         types.Bool   `tfsdk:"allow_runner_registration_token"`
	ValidRunnerRegistrars                types.Set    `tfsdk:"valid_runner_registrars"`
	RunnerTokenExpirationInterval        types.Int64  `tfsdk:"runner_token_expiration_interval"`
	GroupRunnerTokenExpirationInterval   types.Int64  `tfsdk:"group_runner_token_expiration_interval"`
	ProjectRunnerTokenExpirationInterval types.Int64  `tfsdk:"project_runner_token_expiration_interval"`
}

// since says from which GitLab version a setting exists (≈: inferred from
// the merge requests that added it, see the mock's store/version.go).
var since = map[string]string{
	"allow_runner_registration_token":          "≈15.8",
	"valid_runner_registrars":                  "≈14.x",
	"runner_token_expiration_interval":         "≈14.8",
	"group_runner_token_expiration_interval":   "≈14.8",
	"project_runner_token_expiration_interval": "≈14.8",
}

// intervals pairs each interval attribute with its field in the model.
func (m *settingsModel) intervals() []struct {
	key   string
	value *types.Int64
} {
	return []struct {
		key   string
		value *types.Int64
	}{
		{"runner_token_expiration_interval", &m.RunnerTokenExpirationInterval},
		{"group_runner_token_expiration_interval", &m.GroupRunnerTokenExpirationInterval},
		{"project_runner_token_expiration_interval", &m.ProjectRunnerTokenExpirationInterval},
	}
}

// fromAPI is the state for GitLab's settings: a setting the server does not
// have is null; a null interval (no expiry) is 0.
func fromAPI(s *gitlabapi.ApplicationSettings) settingsModel {
	m := settingsModel{ID: types.StringValue(resourceID), AllowRunnerRegistrationToken: types.BoolNull(),
		ValidRunnerRegistrars: types.SetNull(types.StringType)}
	if s.Has("allow_runner_registration_token") {
		m.AllowRunnerRegistrationToken = types.BoolPointerValue(s.AllowRunnerRegistrationToken)
	}
	if s.Has("valid_runner_registrars") {
		elems := make([]attr.Value, 0, len(s.ValidRunnerRegistrars))
		for _, r := range s.ValidRunnerRegistrars {
			elems = append(elems, types.StringValue(r))
		}
		m.ValidRunnerRegistrars = types.SetValueMust(types.StringType, elems)
	}
	apiIntervals := map[string]*int64{
		"runner_token_expiration_interval":         s.RunnerTokenExpirationInterval,
		"group_runner_token_expiration_interval":   s.GroupRunnerTokenExpirationInterval,
		"project_runner_token_expiration_interval": s.ProjectRunnerTokenExpirationInterval,
	}
	for _, iv := range m.intervals() {
		switch v := apiIntervals[iv.key]; {
		case !s.Has(iv.key):
			*iv.value = types.Int64Null()
		case v == nil:
			*iv.value = types.Int64Value(0)
		default:
			*iv.value = types.Int64Value(*v)
		}
	}
	return m
}

// configured lists the attributes set in the configuration.
func (m *settingsModel) configured() []string {
	var keys []string
	if !m.AllowRunnerRegistrationToken.IsNull() {
		keys = append(keys, "allow_runner_registration_token")
	}
	if !m.ValidRunnerRegistrars.IsNull() {
		keys = append(keys, "valid_runner_registrars")
	}
	for _, iv := range m.intervals() {
		if !iv.value.IsNull() {
			keys = append(keys, iv.key)
		}
	}
	return keys
}

// options is the PUT of the configured attributes, with the plan's values;
// ok false when there is nothing to send.
func options(ctx context.Context, config, plan settingsModel) (opts gitlabapi.UpdateApplicationSettingsOptions, ok bool, diags diag.Diagnostics) {
	for _, key := range config.configured() {
		ok = true
		switch key {
		case "allow_runner_registration_token":
			opts.AllowRunnerRegistrationToken = plan.AllowRunnerRegistrationToken.ValueBoolPointer()
		case "valid_runner_registrars":
			var l []string
			diags.Append(plan.ValidRunnerRegistrars.ElementsAs(ctx, &l, false)...)
			slices.Sort(l) // a stable order: the set has none
			opts.ValidRunnerRegistrars = &l
		}
	}
	setInterval := func(v types.Int64, value **int64, sendNull *bool) {
		if v.IsNull() || v.IsUnknown() {
			return
		}
		if n := v.ValueInt64(); n == 0 {
			*sendNull = true
		} else {
			*value = &n
		}
	}
	if !config.RunnerTokenExpirationInterval.IsNull() {
		setInterval(plan.RunnerTokenExpirationInterval, &opts.RunnerTokenExpirationInterval, &opts.ClearRunnerTokenExpirationInterval)
	}
	if !config.GroupRunnerTokenExpirationInterval.IsNull() {
		setInterval(plan.GroupRunnerTokenExpirationInterval, &opts.GroupRunnerTokenExpirationInterval, &opts.ClearGroupRunnerTokenExpirationInterval)
	}
	if !config.ProjectRunnerTokenExpirationInterval.IsNull() {
		setInterval(plan.ProjectRunnerTokenExpirationInterval, &opts.ProjectRunnerTokenExpirationInterval, &opts.ClearProjectRunnerTokenExpirationInterval)
	}
	return opts, ok, diags
}

// unsupported reports each configured attribute the server does not have.
func unsupported(config settingsModel, has func(key string) bool, diags *diag.Diagnostics) {
	for _, key := range config.configured() {
		if !has(key) {
			diags.AddAttributeError(path.Root(key), "Setting Not Available on This GitLab", notAvailable(key))
		}
	}
}

func notAvailable(key string) string {
	return fmt.Sprintf("This GitLab does not have the instance setting %s (GitLab's settings API does not report it): "+
		"it exists since GitLab %s. Remove %s from the configuration, or upgrade GitLab.", key, since[key], key)
}

// mismatches lists the configured attributes whose value GitLab's answer
// does not hold (a server that ignored them).
func mismatches(config, plan, got settingsModel) []string {
	var keys []string
	for _, key := range config.configured() {
		same := false
		switch key {
		case "allow_runner_registration_token":
			same = plan.AllowRunnerRegistrationToken.Equal(got.AllowRunnerRegistrationToken)
		case "valid_runner_registrars":
			same = plan.ValidRunnerRegistrars.Equal(got.ValidRunnerRegistrars)
		default:
			for i, iv := range plan.intervals() {
				if iv.key == key {
					same = iv.value.Equal(*got.intervals()[i].value)
				}
			}
		}
		if !same {
			keys = append(keys, key)
		}
	}
	return keys
}

func joinKeys(keys []string) string { return strings.Join(keys, ", ") }
