package datasources_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// policyCheck asserts one attribute of a registration policy data source.
func policyCheck(name, attribute string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.gitlabrunner_registration_policy."+name, tfjsonpath.New(attribute), want)
}

// TestAccRegistrationPolicyDataSource_Versions places emulated GitLab versions
// on the timeline, one mock per version. (One step per mock: provider aliases
// would share one in-process provider server, and so one client, in tests.)
func TestAccRegistrationPolicyDataSource_Versions(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()

	type want struct {
		name, version, phase    string
		newWorkflow, userRunner bool
		instance                bool
		enterprise              bool
		action                  string
		settings                func(*store.Settings)
	}
	wants := []want{
		{"15.9", "15.9.0-ee", "deprecated", false, false, true, true, `^GitLab 15\.9\.0-ee predates the new runner creation workflow`, nil},
		// 15.11 has the setting in its API but does not honour it yet (16.0 does).
		{"15.11", "15.11.3", "deprecated", true, true, true, false, `^Registration tokens are still allowed for the instance and GitLab 15\.11\.3 cannot turn them off: .* upgrade GitLab to 16\.0 or later`, nil},
		{"16.5", "16.5.2", "deprecated", true, true, true, false,
			`^Registration tokens are still allowed for the instance: create runners with gitlabrunner_user_runner and turn registration tokens off \(for the instance: gitlabrunner_instance_runner_settings with allow_runner_registration_token = false, or Admin > Settings > CI/CD > Runners\)\.$`, nil},
		// 17.0 with the instance switch turned back on by an administrator ...
		{"17.0 re-enabled", "17.0.0-ee", "disabled_by_default", true, true, true, true,
			`^Registration tokens are still allowed for the instance: create runners with gitlabrunner_user_runner and turn registration tokens off \(for the instance: gitlabrunner_instance_runner_settings with allow_runner_registration_token = false, or Admin > Settings > CI/CD > Runners\)\.$`,
			func(s *store.Settings) { s.AllowRunnerRegistrationToken = true }},
		// ... and off, as the upgrade migration leaves it.
		{"17.0 off", "17.0.0-ee", "disabled_by_default", true, true, false, true, `^Registration tokens are off for the instance`,
			func(s *store.Settings) { s.AllowRunnerRegistrationToken = false }},
		// 20.0 removes them whatever the (left-over) setting says.
		{"20.0", "20.0.0-ee", "removed", true, true, false, true, `^GitLab 20\.0\.0-ee has removed registration tokens`,
			func(s *store.Settings) { s.AllowRunnerRegistrationToken = true }},
	}

	var steps []resource.TestStep
	var now func() time.Time
	for _, w := range wants {
		m := acctest.StartMock(t, acctest.WithVersion(w.version))
		if w.settings != nil {
			m.Store().UpdateSettings(w.settings)
		}
		if now == nil {
			now = m.Clock.Now
		}
		name := "this"
		steps = append(steps, resource.TestStep{
			Config: m.ProviderBlock(m.Seed.AdminToken) + `
data "gitlabrunner_registration_policy" "this" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				policyCheck(name, "id", knownvalue.StringExact("instance")),
				policyCheck(name, "gitlab_version", knownvalue.StringExact(w.version)),
				policyCheck(name, "enterprise", knownvalue.Bool(w.enterprise)),
				policyCheck(name, "legacy_workflow_phase", knownvalue.StringExact(w.phase)),
				policyCheck(name, "new_workflow_available", knownvalue.Bool(w.newWorkflow)),
				policyCheck(name, "user_runners_api_available", knownvalue.Bool(w.userRunner)),
				policyCheck(name, "registration_tokens_allowed_instance", knownvalue.Bool(w.instance)),
				policyCheck(name, "registration_tokens_allowed", knownvalue.Bool(w.instance)),
				policyCheck(name, "removal_version", knownvalue.StringExact("20.0")),
				policyCheck(name, "recommended_action", knownvalue.StringRegexp(regexp.MustCompile(w.action))),
				policyCheck(name, "valid_runner_registrars", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("group"), knownvalue.StringExact("project")})),
				policyCheck(name, "runner_token_expiration_interval", knownvalue.Null()),
				policyCheck(name, "scope_path", knownvalue.Null()),
			},
		})
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(now),
		Steps:                    steps,
	})
}

// TestAccRegistrationPolicyDataSource_Switches flips the instance setting and
// the top-level group's switch and reads the effective answer for the
// instance, the group, its subgroup and the project inside the subgroup.
func TestAccRegistrationPolicyDataSource_Switches(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()

	// The group's registration-token switch, which GitLab's API cannot change.
	mock := startMockFor(t, acctest.StoreAccess, acctest.WithVersion("18.6.0-ee"))
	seed := mock.Seed
	cfg := mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_registration_policy" "instance" {}
data "gitlabrunner_registration_policy" "group" {
  group_id = ` + itoa(seed.Group.ID) + `
}
data "gitlabrunner_registration_policy" "subgroup" {
  group_id = ` + itoa(seed.Subgroup.ID) + `
}
data "gitlabrunner_registration_policy" "project" {
  project_id = ` + itoa(seed.Project.ID) + `
}
`
	set := func(instance, group bool) func() {
		return func() {
			mock.Store().UpdateSettings(func(s *store.Settings) {
				s.AllowRunnerRegistrationToken = instance
				interval := int64(7200)
				s.GroupRunnerTokenExpirationInterval = &interval
			})
			if err := mock.Store().SetGroupAllowRegistrationTokens(seed.Group.ID, group); err != nil {
				t.Fatal(err)
			}
		}
	}
	expect := func(instance, scoped bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			policyCheck("instance", "registration_tokens_allowed_instance", knownvalue.Bool(instance)),
			policyCheck("instance", "registration_tokens_allowed", knownvalue.Bool(instance)),
			policyCheck("group", "registration_tokens_allowed_instance", knownvalue.Bool(instance)),
			policyCheck("group", "registration_tokens_allowed", knownvalue.Bool(scoped)),
			policyCheck("subgroup", "registration_tokens_allowed", knownvalue.Bool(scoped)),
			policyCheck("project", "registration_tokens_allowed", knownvalue.Bool(scoped)),
			policyCheck("group", "group_runner_token_expiration_interval", knownvalue.Int64Exact(7200)),
			policyCheck("group", "project_runner_token_expiration_interval", knownvalue.Null()),
		}
	}

	allowedGroup := "Registration tokens are still allowed for group " + seed.Group.FullPath +
		": create runners with gitlabrunner_user_runner and turn registration tokens off " +
		"(for the instance: gitlabrunner_instance_runner_settings with allow_runner_registration_token = false, or " +
		"Admin > Settings > CI/CD > Runners; for its top-level group only: the group's Settings > CI/CD > Runners " +
		"(GitLab 16.11+, no API))."
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(mock.Clock.Now),
		Steps: []resource.TestStep{
			{
				PreConfig: set(true, true),
				Config:    cfg,
				ConfigStateChecks: append(expect(true, true),
					policyCheck("group", "id", knownvalue.StringExact("group:"+itoa(seed.Group.ID))),
					policyCheck("group", "scope_path", knownvalue.StringExact(seed.Group.FullPath)),
					policyCheck("subgroup", "scope_path", knownvalue.StringExact(seed.Subgroup.FullPath)),
					policyCheck("project", "scope_path", knownvalue.StringExact(seed.Project.PathWithNamespace)),
					policyCheck("project", "id", knownvalue.StringExact("project:"+itoa(seed.Project.ID))),
					policyCheck("group", "recommended_action", knownvalue.StringExact(allowedGroup)),
				),
			},
			{
				// The top-level group's switch off: its subgroups and projects follow.
				PreConfig: set(true, false),
				Config:    cfg,
				ConfigStateChecks: append(expect(true, false),
					policyCheck("project", "recommended_action", knownvalue.StringRegexp(regexp.MustCompile(
						`^Registration tokens are off for project `+regexp.QuoteMeta(seed.Project.PathWithNamespace)+`: `)))),
			},
			{
				// The instance switch off wins over the group's switch.
				PreConfig:         set(false, true),
				Config:            cfg,
				ConfigStateChecks: expect(false, false),
			},
			{
				PreConfig:         set(false, false),
				Config:            cfg,
				ConfigStateChecks: expect(false, false),
			},
		},
	})
}

// TestAccRegistrationPolicyDataSource_NonAdmin reads the report as users who
// are not administrators: what they cannot read is null, the plan succeeds.
// One step per user (aliases would share one provider server in tests).
func TestAccRegistrationPolicyDataSource_NonAdmin(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()

	// The seed's users of each role, and the group's switch (no API).
	mock := startMockFor(t, acctest.SeededUsers, acctest.WithVersion("18.6.0-ee"))
	seed := mock.Seed
	mock.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
	setGroupSwitch := func(on bool) func() {
		return func() {
			if err := mock.Store().SetGroupAllowRegistrationTokens(seed.Group.ID, on); err != nil {
				t.Fatal(err)
			}
		}
	}
	instanceCfg := `
data "gitlabrunner_registration_policy" "instance" {}
`
	groupCfg := `
data "gitlabrunner_registration_policy" "group" {
  group_id = ` + itoa(seed.Group.ID) + `
}
`
	subgroupCfg := `
data "gitlabrunner_registration_policy" "subgroup" {
  group_id = ` + itoa(seed.Subgroup.ID) + `
}
`
	projectCfg := `
data "gitlabrunner_registration_policy" "project" {
  project_id = ` + itoa(seed.Project.ID) + `
}
`
	// Settings are administrator-only: null for everybody here.
	adminOnlyNull := func(name string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			policyCheck(name, "gitlab_version", knownvalue.StringExact("18.6.0-ee")),
			policyCheck(name, "legacy_workflow_phase", knownvalue.StringExact("disabled_by_default")),
			policyCheck(name, "registration_tokens_allowed_instance", knownvalue.Null()),
			policyCheck(name, "valid_runner_registrars", knownvalue.Null()),
			policyCheck(name, "runner_token_expiration_interval", knownvalue.Null()),
		}
	}
	allowed := func(name string, want knownvalue.Check) statecheck.StateCheck {
		return policyCheck(name, "registration_tokens_allowed", want)
	}
	var settingsReads int

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(mock.Clock.Now),
		Steps: []resource.TestStep{
			{
				// Validation at plan time: one scope at most.
				Config: mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_registration_policy" "both" {
  group_id   = 1
  project_id = 2
}
`,
				ExpectError: regexp.MustCompile(`(?s)group_id.*project_id|project_id.*group_id`),
			},
			{
				// Skipping the instance settings leaves nothing to report for the
				// instance: refused at plan time.
				Config: mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_registration_policy" "instance" {
  include_instance_settings = false
}
`,
				ExpectError: regexp.MustCompile(`(?s)Instance Settings Needed.*include_instance_settings\s+=\s+false.*group_id\s+or\s+project_id`),
			},
			{
				// A group the token cannot see fails the plan (404 also means "no
				// such group": a typo must not pass as null), naming the role.
				Config:      mock.ProviderBlock(seed.NonAdminToken) + groupCfg,
				ExpectError: regexp.MustCompile(`(?s)Group Not Found.*404.*cannot\s+see\s+it.*group_id\s+=\s+` + itoa(seed.Group.ID) + `.*Owner\s+role`),
			},
			{
				// A user without memberships: the timeline, nothing else.
				PreConfig: setGroupSwitch(true),
				Config:    mock.ProviderBlock(seed.NonAdminToken) + instanceCfg,
				ConfigStateChecks: append(adminOnlyNull("instance"),
					allowed("instance", knownvalue.Null()),
					policyCheck("instance", "recommended_action", knownvalue.StringRegexp(regexp.MustCompile(
						`^Could not tell whether registration tokens are allowed for the instance`)))),
			},
			{
				// A group Developer cannot see runners_token either.
				Config:            mock.ProviderBlock(seed.Group.DeveloperToken) + groupCfg,
				ConfigStateChecks: append(adminOnlyNull("group"), allowed("group", knownvalue.Null())),
			},
			{
				// The group Owner sees runners_token: the effective answer is known
				// (also for a subgroup, where the Owner role is inherited).
				Config: mock.ProviderBlock(seed.Group.OwnerToken) + groupCfg + subgroupCfg,
				ConfigStateChecks: append(adminOnlyNull("subgroup"),
					allowed("group", knownvalue.Bool(true)), allowed("subgroup", knownvalue.Bool(true))),
			},
			{
				Config:            mock.ProviderBlock(seed.Project.MaintainerToken) + projectCfg,
				ConfigStateChecks: append(adminOnlyNull("project"), allowed("project", knownvalue.Bool(true))),
			},
			{
				// The group Owner without the administrator-only settings: the
				// same effective answer, no request for the settings (so no
				// warning on every plan).
				PreConfig: func() { settingsReads = mock.Stats().Requests("GET /application/settings") },
				Config: mock.ProviderBlock(seed.Group.OwnerToken) + `
data "gitlabrunner_registration_policy" "group" {
  group_id                  = ` + itoa(seed.Group.ID) + `
  include_instance_settings = false
}
`,
				ConfigStateChecks: append(adminOnlyNull("group"),
					allowed("group", knownvalue.Bool(true)),
					policyCheck("group", "include_instance_settings", knownvalue.Bool(false))),
				Check: func(*terraform.State) error {
					if n := mock.Stats().Requests("GET /application/settings"); n != settingsReads {
						return fmt.Errorf("GET /application/settings sent %d times with include_instance_settings = false", n-settingsReads)
					}
					return nil
				},
			},
			{
				PreConfig:         setGroupSwitch(false),
				Config:            mock.ProviderBlock(seed.Project.MaintainerToken) + projectCfg,
				ConfigStateChecks: []statecheck.StateCheck{allowed("project", knownvalue.Bool(false))},
			},
			{
				Config:            mock.ProviderBlock(seed.Group.OwnerToken) + subgroupCfg,
				ConfigStateChecks: []statecheck.StateCheck{allowed("subgroup", knownvalue.Bool(false))},
			},
		},
	})
}

// TestAccRegistrationPolicyDataSource_CIGate runs the documented example: the
// check block only warns, the precondition fails the plan while registration
// tokens are allowed for the group, and passes once they are off.
func TestAccRegistrationPolicyDataSource_CIGate(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()

	// The group's registration-token switch, which GitLab's API cannot change.
	mock := startMockFor(t, acctest.StoreAccess, acctest.WithVersion("18.6.0-ee"))
	seed := mock.Seed
	mock.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
	if err := mock.Store().SetGroupAllowRegistrationTokens(seed.Group.ID, true); err != nil {
		t.Fatal(err)
	}

	example, err := os.ReadFile("../../examples/data-sources/gitlabrunner_registration_policy/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	// The example declares its provider by the registry address, as every
	// example does; this package's tests serve it under hashicorp/.
	example = regexp.MustCompile(`(?s)^terraform \{\n  required_providers \{.*?\n\}\n`).ReplaceAll(example, nil)
	gate := mock.ProviderBlock(seed.AdminToken) + string(example)
	// The same configuration without the precondition: only the check block.
	checkOnly := mock.ProviderBlock(seed.AdminToken) + `
variable "group_id" { type = number }
data "gitlabrunner_registration_policy" "group" {
  group_id = var.group_id
}
check "registration_tokens_off" {
  assert {
    condition     = data.gitlabrunner_registration_policy.group.registration_tokens_allowed == false
    error_message = data.gitlabrunner_registration_policy.group.recommended_action
  }
}
`
	vars := config.Variables{"group_id": config.IntegerVariable(seed.Group.ID)}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(mock.Clock.Now),
		Steps: []resource.TestStep{
			{
				// The failing check block is a warning: the plan and apply succeed.
				Config:          checkOnly,
				ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					policyCheck("group", "registration_tokens_allowed", knownvalue.Bool(true)),
				},
			},
			{
				Config:          gate,
				ConfigVariables: vars,
				ExpectError:     regexp.MustCompile(`(?s)Resource precondition failed.*Registration tokens are still allowed for\s+group\s+demo`),
			},
			{
				PreConfig: func() {
					if err := mock.Store().SetGroupAllowRegistrationTokens(seed.Group.ID, false); err != nil {
						t.Fatal(err)
					}
				},
				Config:          gate,
				ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					policyCheck("group", "registration_tokens_allowed", knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("terraform_data.registration_tokens_gate", tfjsonpath.New("id"), knownvalue.NotNull()),
				},
			},
		},
	})
}
