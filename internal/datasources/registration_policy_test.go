package datasources

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/settingsattrs"
)

// TestRegistrationPolicyRead_Warnings calls the data source's logic directly to
// pin the warnings non-administrators get (the testing framework hides them).
func TestRegistrationPolicyRead_Warnings(t *testing.T) {
	t.Parallel()
	mock := acctest.StartMock(t, acctest.WithVersion("18.6.0-ee"))
	seed := mock.Seed
	client := func(token string) *gitlabapi.Client {
		c, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: mock.URL(), Token: token})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()

	// A group developer: settings and runners_token both hidden → two warnings, no error.
	m, diags := readRegistrationPolicy(ctx, client(seed.Group.DeveloperToken), seed.Group.ID, 0, true)
	if diags.HasError() {
		t.Fatalf("developer: unexpected error: %v", diags)
	}
	assertWarning(t, diags, "Instance Runner Settings Not Readable", "administrator")
	assertWarning(t, diags, "Registration Token State Not Readable", "Owner role in group "+seed.Group.FullPath)
	if !m.RegistrationTokensAllowed.IsNull() || !m.RegistrationTokensAllowedInstance.IsNull() || !m.ValidRunnerRegistrars.IsNull() {
		t.Fatalf("developer: expected nulls, got allowed=%v instance=%v registrars=%v",
			m.RegistrationTokensAllowed, m.RegistrationTokensAllowedInstance, m.ValidRunnerRegistrars)
	}
	if m.LegacyWorkflowPhase.ValueString() != phaseDisabledByDefault || m.GitLabVersion.ValueString() != "18.6.0-ee" {
		t.Fatalf("developer: version attributes must be set, got %v %v", m.LegacyWorkflowPhase, m.GitLabVersion)
	}

	// A project developer: the warning names the Maintainer role.
	_, diags = readRegistrationPolicy(ctx, client(seed.Project.DeveloperToken), 0, seed.Project.ID, true)
	if diags.HasError() {
		t.Fatalf("project developer: unexpected error: %v", diags)
	}
	assertWarning(t, diags, "Registration Token State Not Readable", "Maintainer role")

	// An administrator: no warning at all.
	m, diags = readRegistrationPolicy(ctx, client(seed.AdminToken), seed.Group.ID, 0, true)
	if len(diags) != 0 {
		t.Fatalf("admin: expected no diagnostics, got %v", diags)
	}
	if m.RegistrationTokensAllowed.IsNull() || m.RegistrationTokensAllowedInstance.IsNull() {
		t.Fatalf("admin: expected known answers, got %v / %v", m.RegistrationTokensAllowed, m.RegistrationTokensAllowedInstance)
	}

	// A bad token is an error (401), not a warning.
	_, diags = readRegistrationPolicy(ctx, client("glpat-not-a-real-token"), 0, 0, true)
	if !diags.HasError() || !strings.Contains(acctest.DiagText(diags), "401") {
		t.Fatalf("bad token: expected a 401 error, got %v", diags)
	}
	if strings.Contains(acctest.DiagText(diags), "glpat-not-a-real-token") {
		t.Fatalf("the token leaked into a diagnostic: %v", diags)
	}

	// A group that does not exist is an error naming the attribute.
	_, diags = readRegistrationPolicy(ctx, client(seed.AdminToken), 987654, 0, true)
	if !diags.HasError() || !strings.Contains(acctest.DiagText(diags), "group_id = 987654") {
		t.Fatalf("missing group: expected an error naming group_id, got %v", diags)
	}

	// A group the token's user cannot see is the same 404: an error (a
	// mistyped id must not pass a CI gate as null) that names both causes
	// and the role needed, not a null with a warning.
	_, diags = readRegistrationPolicy(ctx, client(seed.NonAdminToken), seed.Group.ID, 0, true)
	text := acctest.DiagText(diags)
	if !diags.HasError() || !strings.Contains(text, "Group Not Found") || !strings.Contains(text, "cannot see it") ||
		!strings.Contains(text, "Owner role") || !strings.Contains(text, "group_id = "+itoa(seed.Group.ID)) {
		t.Fatalf("invisible group: expected an error naming the Owner role, got %v", diags)
	}
	_, diags = readRegistrationPolicy(ctx, client(seed.NonAdminToken), 0, seed.Project.ID, true)
	if text := acctest.DiagText(diags); !diags.HasError() || !strings.Contains(text, "Project Not Found") || !strings.Contains(text, "Maintainer role") {
		t.Fatalf("invisible project: expected an error naming the Maintainer role, got %v", diags)
	}
}

// TestRegistrationPolicyRead_WithoutInstanceSettings: a group Owner's token
// with include_instance_settings = false gets the effective answer for its
// group with no warning and no request for the administrator-only settings.
func TestRegistrationPolicyRead_WithoutInstanceSettings(t *testing.T) {
	t.Parallel()
	mock := acctest.StartMock(t, acctest.WithVersion("18.6.0-ee"))
	seed := mock.Seed
	c, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: mock.URL(), Token: seed.Group.OwnerToken})
	if err != nil {
		t.Fatal(err)
	}
	m, diags := readRegistrationPolicy(context.Background(), c, seed.Group.ID, 0, false)
	if len(diags) != 0 {
		t.Fatalf("expected no diagnostics, got %v", diags)
	}
	if m.RegistrationTokensAllowed.IsNull() || m.RegistrationTokensAllowed.ValueBool() {
		t.Errorf("registration_tokens_allowed = %s, want false (18.6 default)", m.RegistrationTokensAllowed)
	}
	if !m.RegistrationTokensAllowedInstance.IsNull() || !m.ValidRunnerRegistrars.IsNull() || !m.RunnerTokenExpirationInterval.IsNull() {
		t.Errorf("instance attributes must be null: %s %s %s", m.RegistrationTokensAllowedInstance, m.ValidRunnerRegistrars, m.RunnerTokenExpirationInterval)
	}
	if n := mock.Stats().Requests("GET /application/settings"); n != 0 {
		t.Errorf("GET /application/settings sent %d times, want 0", n)
	}

	// The same token with the settings included: one 403 and its warning,
	// which now names the way out.
	_, diags = readRegistrationPolicy(context.Background(), c, seed.Group.ID, 0, true)
	assertWarning(t, diags, "Instance Runner Settings Not Readable", "include_instance_settings = false")
}

func TestLegacyWorkflowPhaseBoundaries(t *testing.T) {
	cases := map[string]string{
		"14.10.0": phaseSupported, "15.5.7": phaseSupported, "15.6.0": phaseDeprecated, "16.0.0": phaseDeprecated,
		"16.11.3": phaseDeprecated, "17.0.0": phaseDisabledByDefault, "19.11.0": phaseDisabledByDefault,
		"20.0.0": phaseRemoved, "21.3.0": phaseRemoved,
	}
	for in, want := range cases {
		v, ok := gitlabapi.ParseMajorMinor(in)
		if !ok {
			t.Fatalf("cannot parse %q", in)
		}
		if got := legacyWorkflowPhase(v); got != want {
			t.Errorf("legacyWorkflowPhase(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestEffectiveRegistrationTokens(t *testing.T) {
	yes, no := new(true), new(false)
	group := func(visible, present bool) policyScope {
		return policyScope{kind: "group", path: "demo", tokenVisible: visible, tokenPresent: present}
	}
	cases := []struct {
		name               string
		scope              policyScope
		instance           *bool
		removed, preSwitch bool
		want               *bool
	}{
		{"removed wins", group(true, true), yes, true, false, no},
		{"instance scope follows the instance", policyScope{kind: "instance"}, yes, false, false, yes},
		{"instance unknown, instance scope", policyScope{kind: "instance"}, nil, false, false, nil},
		{"instance off wins over a visible token", group(true, true), no, false, false, no},
		{"token present", group(true, true), yes, false, false, yes},
		{"token null: group switch off", group(true, false), yes, false, false, no},
		{"token present, instance unknown (owner)", group(true, true), nil, false, false, yes},
		{"hidden token, instance on: unknown", group(false, false), yes, false, false, nil},
		{"hidden token, instance off: off", group(false, false), no, false, false, no},
		{"hidden token before 16.0: always allowed", group(false, false), yes, false, true, yes},
	}
	for _, c := range cases {
		got := effectiveRegistrationTokens(c.scope, c.instance, c.removed, c.preSwitch)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%s: got %v, want %v", c.name, fmtBoolPtr(got), fmtBoolPtr(c.want))
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func fmtBoolPtr(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}

func assertWarning(t *testing.T, diags diag.Diagnostics, summary, detailContains string) {
	t.Helper()
	for _, d := range diags.Warnings() {
		if d.Summary() == summary && strings.Contains(d.Detail(), detailContains) {
			return
		}
	}
	t.Errorf("no warning %q containing %q in %v", summary, detailContains, acctest.DiagText(diags))
}

// The instance settings the data source shows are described in the words
// of the settings table, which the resource uses too.
func TestRegistrationPolicyDescribesSettingsAsTheTable(t *testing.T) {
	resp := &datasource.SchemaResponse{}
	NewRegistrationPolicy().Schema(context.Background(), datasource.SchemaRequest{}, resp)
	for _, name := range []string{"valid_runner_registrars", "runner_token_expiration_interval",
		"group_runner_token_expiration_interval", "project_runner_token_expiration_interval"} {
		if got := resp.Schema.Attributes[name].GetMarkdownDescription(); got != settingsattrs.Instance.Policy(name) {
			t.Errorf("%s: %q", name, got)
		}
	}
}
