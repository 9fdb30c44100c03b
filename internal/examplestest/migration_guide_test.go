package examplestest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccMigrationGuide applies examples/guides/migrate-a-group-off-registration-tokens,
// the configuration of the guide "Migrate a group off registration tokens",
// to a group that still registers runners with its registration token:
// instance-wide first (the replacement runner's token registers, every
// legacy registration answers 410, the policy check passes), then for the
// group alone (the apply says to flip the group's switch in the UI; once
// flipped, the plan is empty and only the group refuses registration tokens).
func TestAccMigrationGuide(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipLive(t, acctest.PagesAsWritten, acctest.StoreAccess)
	mock := acctest.StartMock(t)
	seed := mock.Seed
	legacyWorld := func() {
		mock.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
		if err := mock.Store().SetGroupAllowRegistrationTokens(seed.Group.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	legacyWorld()
	if got := mock.RegisterStatus(t, seed.Group.RegistrationToken); got != http.StatusCreated {
		t.Fatalf("before the migration the group's registration token registers: %d", got)
	}
	dir := copyGuideConfig(t)
	vars := func(instanceWide bool) config.Variables {
		return config.Variables{
			"base_url":              config.StringVariable(mock.URL()),
			"token":                 config.StringVariable(seed.AdminToken),
			"group_id":              config.IntegerVariable(seed.Group.ID),
			"disable_instance_wide": config.BoolVariable(instanceWide),
		}
	}
	register := func(token string, want int) error {
		if got := mock.RegisterStatus(t, token); got != want {
			return fmt.Errorf("POST /runners = %d, want %d", got, want)
		}
		return nil
	}
	var runnerToken string
	steps := []resource.TestStep{
		{
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars(true),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("registration_tokens_allowed", knownvalue.Bool(false)),
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrWith("gitlabrunner_user_runner.fleet", "token", func(v string) error { runnerToken = v; return nil }),
				func(*terraform.State) error {
					if got := mock.VerifyStatus(t, runnerToken, "s_fleethost001"); got != http.StatusOK {
						return fmt.Errorf("the replacement runner's token: verify = %d, want 200", got)
					}
					for _, tok := range []string{seed.Group.RegistrationToken, seed.Project.RegistrationToken, seed.InstanceRegistrationToken} {
						if err := register(tok, http.StatusGone); err != nil {
							return err
						}
					}
					return nil
				},
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
		{
			// The group alone: an administrator turned the instance switch
			// back on; the group's switch is on too. The apply says to flip it.
			PreConfig:       legacyWorld,
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars(false),
			ExpectError:     acctest.Words(`Settings > CI/CD > Runners, toggle "Allow members of projects and groups to create runners with runner registration tokens"`),
		},
		{
			// The Owner flips the switch in the UI: the plan is empty.
			PreConfig: func() {
				if err := mock.Store().SetGroupAllowRegistrationTokens(seed.Group.ID, false); err != nil {
					t.Fatal(err)
				}
			},
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars(false),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("registration_tokens_allowed", knownvalue.Bool(false)),
			},
			Check: func(*terraform.State) error {
				if err := register(seed.Group.RegistrationToken, http.StatusGone); err != nil {
					return fmt.Errorf("group token: %w", err)
				}
				return register(seed.InstanceRegistrationToken, http.StatusCreated) // other groups keep theirs
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	}
	for i := range steps {
		steps[i].ProtoV6ProviderFactories = providertest.Factories(mock.Now)
	}
	resource.Test(t, resource.TestCase{
		Steps:        steps,
		CheckDestroy: mock.CheckDestroy("gitlabrunner_user_runner"),
	})
}

// copyGuideConfig copies the guide's configuration into a temporary
// directory (Terraform's working files stay out of examples/).
func copyGuideConfig(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	src := filepath.Join(filepath.Dir(file), "..", "..", "examples", "guides", "migrate-a-group-off-registration-tokens")
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s (%v)", src, err)
	}
	dir := t.TempDir()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
