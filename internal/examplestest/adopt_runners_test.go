package examplestest

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccAdoptRunnersExample applies examples/adopt-runners as documented:
// runners created outside Terraform are all imported by one apply (import
// blocks with for_each, Terraform 1.7+) without any change, then setting
// token_generation rotates every token in place, and each new token works
// with `gitlab-runner register` while the old ones no longer do.
// Not parallel: the example reads GITLAB_BASE_URL and GITLAB_TOKEN, and the
// provider runs in this process.
func TestAccAdoptRunnersExample(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipLive(t, acctest.PagesAsWritten)
	mock := acctest.StartMock(t)
	seed := mock.Seed
	t.Setenv("GITLAB_BASE_URL", mock.URL())
	t.Setenv("GITLAB_TOKEN", seed.Group.OwnerToken)

	// Three runners of the subgroup with different settings, made by hand;
	// a runner of its parent group, which GitLab lists with them but the
	// example leaves alone; and a project runner the query does not list.
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: mock.URL(), Token: seed.Group.OwnerToken})
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]string{} // id -> token at creation
	for i, attrs := range []gitlabapi.RunnerAttributes{
		{Description: new("k8s"), TagList: &[]string{"k8s", "linux"}, RunUntagged: new(false)},
		{Description: new("windows"), TagList: &[]string{"windows"}, Locked: new(true), MaximumTimeout: new(int64(7200))},
		{Description: new("spare"), Paused: new(true), AccessLevel: new(gitlabapi.AccessLevelRefProtected), MaintenanceNote: new("keep")},
	} {
		r, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
			RunnerType: gitlabapi.RunnerTypeGroup, GroupID: new(seed.Subgroup.ID), RunnerAttributes: attrs,
		})
		if err != nil {
			t.Fatalf("runner %d: %v", i, err)
		}
		made[strconv.FormatInt(r.ID, 10)] = r.Token
	}
	var others []int64 // not to be adopted
	for _, opts := range []gitlabapi.CreateUserRunnerOptions{
		{RunnerType: gitlabapi.RunnerTypeGroup, GroupID: new(seed.Group.ID)},
		{RunnerType: gitlabapi.RunnerTypeProject, ProjectID: new(seed.Project.ID)},
	} {
		r, err := client.CreateUserRunner(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		others = append(others, r.ID)
	}

	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "adopt-runners"))
	if err != nil {
		t.Fatal(err)
	}
	vars := func(generation string) config.Variables {
		v := config.Variables{"group_id": config.IntegerVariable(seed.Subgroup.ID)}
		if generation != "" {
			v["token_generation"] = config.StringVariable(generation)
		}
		return v
	}
	each := func(action plancheck.ResourceActionType) []plancheck.PlanCheck {
		var checks []plancheck.PlanCheck
		for id := range made {
			checks = append(checks, plancheck.ExpectResourceAction(fmt.Sprintf("gitlabrunner_user_runner.adopted[%q]", id), action))
		}
		return checks
	}
	factories := func() map[string]func() (tfprotov6.ProviderServer, error) { return providertest.Factories(mock.Now) }

	rotated := map[string]string{}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.ImportForEach)},
		Steps: []resource.TestStep{
			{
				// Adopt: every runner imported, nothing changed or written.
				PreConfig:                func() { mock.Stats().Reset() },
				ProtoV6ProviderFactories: factories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigVariables:          vars(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             each(plancheck.ResourceActionNoop),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{adoptedCheck(func(adopted map[string]map[string]any) error {
					for route := range mock.Stats().RequestsByRoute() {
						if !strings.HasPrefix(route, "GET ") {
							return fmt.Errorf("adopting wrote to GitLab (%s): %v", route, mock.Stats().RequestsByRoute())
						}
					}
					if len(adopted) != len(made) {
						return fmt.Errorf("adopted %v, want the subgroup's %d runners %v", keys(adopted), len(made), keys(made))
					}
					for id, attrs := range adopted {
						if _, ok := made[id]; !ok {
							return fmt.Errorf("adopted runner %s, which is not one of the subgroup's", id)
						}
						if attrs["token"] != nil || fmt.Sprint(attrs["group_id"]) != strconv.FormatInt(seed.Subgroup.ID, 10) {
							return fmt.Errorf("runner %s: has a token %v (want none after an import), group_id %v", id, attrs["token"] != nil, attrs["group_id"])
						}
					}
					return nil
				})},
			},
			{
				// Tokens: one generation rotates them all in place.
				ProtoV6ProviderFactories: factories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigVariables:          vars("2026-01"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             each(plancheck.ResourceActionUpdate),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{adoptedCheck(func(adopted map[string]map[string]any) error {
					for id, attrs := range adopted {
						rotated[id], _ = attrs["token"].(string)
						if !strings.HasPrefix(rotated[id], "glrt-") || rotated[id] == made[id] {
							return fmt.Errorf("runner %s: no new token after the rotation", id)
						}
						if st := mock.VerifyStatus(t, rotated[id], "s_adopt"+id); st != 200 {
							return fmt.Errorf("runner %s: the new token gets %d from verify, want 200", id, st)
						}
						if st := mock.VerifyStatus(t, made[id], "s_adopt"+id); st != 403 {
							return fmt.Errorf("runner %s: the token from before the rotation gets %d, want 403", id, st)
						}
					}
					if n := len(mock.Store().RunnerIDs()); n != len(made)+len(others) {
						return fmt.Errorf("the mock holds %d runners, want %d: something was replaced", n, len(made)+len(others))
					}
					return nil
				})},
			},
			{
				// Without the configuration, the adopted runners are destroyed.
				// (A step rather than the test's own destroy: that one reads the
				// state in terraform-plugin-testing's legacy form, which cannot
				// hold instances with for_each keys.)
				ProtoV6ProviderFactories: factories(),
				Config: `terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}
provider "gitlabrunner" {}
`,
				// Gone: the adopted runners, and only they.
				Check: func(*terraform.State) error {
					if ids := mock.Store().RunnerIDs(); !slices.Equal(ids, others) {
						return fmt.Errorf("after the destroy the mock holds %v, want only the runners not adopted %v", ids, others)
					}
					return nil
				},
			},
		},
	})
}

// adoptedCheck runs fn on the gitlabrunner_user_runner.adopted instances
// by runner id. A state check, because terraform-plugin-testing's legacy
// Check cannot read resources with for_each keys.
func adoptedCheck(fn func(map[string]map[string]any) error) statecheck.StateCheck {
	return adoptedStateCheck(fn)
}

type adoptedStateCheck func(map[string]map[string]any) error

func (c adoptedStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	adopted := map[string]map[string]any{}
	for _, r := range req.State.Values.RootModule.Resources {
		if strings.HasPrefix(r.Address, "gitlabrunner_user_runner.adopted[") {
			adopted[fmt.Sprint(r.AttributeValues["id"])] = r.AttributeValues
		}
	}
	resp.Error = c(adopted)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
