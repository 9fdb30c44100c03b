package userrunner_test

// Acceptance tests of the list resource gitlabrunner_user_runner (terraform
// query, Terraform 1.14+; they skip elsewhere, saying why).

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// makeRunners creates n runners through the API as the user of token, the
// i-th with the options opts(i) gives, and returns their ids.
func makeRunners(t *testing.T, m *acctest.Mock, token string, n int, opts func(i int) gitlabapi.CreateUserRunnerOptions) []int64 {
	t.Helper()
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: token})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, 0, n)
	for i := range n {
		r, err := client.CreateUserRunner(t.Context(), opts(i))
		if err != nil {
			t.Fatalf("runner %d: %v", i, err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// TestAccUserRunnerList_fleet lists a subgroup's fleet of 150 runners, more
// than one page of GitLab's list (100), with and without GitLab's filters.
// The runners of the parent group and the instance runners, which GitLab
// lists for the subgroup too, are not the subgroup's and are left out.
func TestAccUserRunnerList_fleet(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	sub := m.Seed.Subgroup
	fleet := makeRunners(t, m, sub.OwnerToken, 150, func(i int) gitlabapi.CreateUserRunnerOptions {
		tags := []string{"linux"}
		if i%3 == 0 {
			tags = append(tags, "gpu")
		}
		return gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup, GroupID: ptr(sub.ID),
			RunnerAttributes: gitlabapi.RunnerAttributes{Description: ptr(fmt.Sprintf("fleet-%03d", i)), TagList: &tags, Paused: ptr(i%5 == 0)}}
	})
	makeRunners(t, m, m.Seed.Group.OwnerToken, 3, func(int) gitlabapi.CreateUserRunnerOptions {
		return gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup, GroupID: ptr(m.Seed.Group.ID),
			RunnerAttributes: gitlabapi.RunnerAttributes{TagList: &[]string{"linux", "gpu"}}}
	})
	makeRunners(t, m, m.Seed.AdminToken, 1, func(int) gitlabapi.CreateUserRunnerOptions {
		return gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeInstance,
			RunnerAttributes: gitlabapi.RunnerAttributes{TagList: &[]string{"gpu"}}}
	})
	listBlock := func(name, config string, limit int) string {
		l := ""
		if limit > 0 {
			l = fmt.Sprintf("  limit    = %d\n", limit)
		}
		return fmt.Sprintf("list \"gitlabrunner_user_runner\" %q {\n  provider = gitlabrunner\n%s  config {\n    %s\n  }\n}\n", name, l, config)
	}
	group := fmt.Sprintf("group_id = %d", sub.ID)
	query := listBlock("all", group, 1000) +
		listBlock("gpu", group+"\n    tag_list = [\"gpu\"]", 1000) +
		listBlock("paused_gpu", group+"\n    tag_list = [\"gpu\"]\n    paused = true", 1000) +
		listBlock("owned", "type = \"group_type\"", 1000) +
		listBlock("capped", group, 0) // Terraform's default limit: 100
	id := func(i int) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(strconv.FormatInt(fleet[i], 10))}
	}
	m.Stats().Reset()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.Query)},
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		Steps: []resource.TestStep{
			{Config: m.ProviderBlock(sub.OwnerToken)},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlabrunner_user_runner.all", 150),
					querycheck.ExpectIdentity("gitlabrunner_user_runner.all", id(149)), // on the second page
					querycheck.ExpectLength("gitlabrunner_user_runner.gpu", 50),
					querycheck.ExpectIdentity("gitlabrunner_user_runner.gpu", id(147)),
					querycheck.ExpectLength("gitlabrunner_user_runner.paused_gpu", 10),
					querycheck.ExpectIdentity("gitlabrunner_user_runner.paused_gpu", id(135)),
					querycheck.ExpectLength("gitlabrunner_user_runner.owned", 153), // and the parent group's, which the same user owns,
					querycheck.ExpectLength("gitlabrunner_user_runner.capped", 100),
				},
			},
		},
	})
	// GitLab's pages hold 100 runners: "all" and "capped" list the
	// subgroup's 153 group runners (its own and its parent's) in two pages
	// each, "gpu" (53) and "paused_gpu" (10) in one.
	if n := m.Stats().Requests("GET /groups/:id/runners"); n < 6 {
		t.Errorf("GitLab's group runner list was read %d times, want 6: two pages for each listing of more than 100 runners", n)
	}
}

// TestAccUserRunnerList_generateConfig adopts a subgroup's runners as the
// guide does: `terraform query -generate-config-out` writes an import block
// and a resource block per runner, `terraform plan` then plans nothing but
// the imports, the apply imports them, and the next plan is empty. Nothing
// is written to GitLab. The runners differ in every attribute the resource
// manages, so the generated configuration must carry each exactly.
func TestAccUserRunnerList_generateConfig(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	m := acctest.StartMock(t)
	sub := m.Seed.Subgroup
	settings := []gitlabapi.RunnerAttributes{
		{Description: ptr("k8s"), TagList: &[]string{"k8s", "linux"}, RunUntagged: ptr(false), MaximumTimeout: ptr(int64(7200))},
		{Description: ptr("windows"), TagList: &[]string{"windows"}, Locked: ptr(true), Paused: ptr(true)},
		{AccessLevel: ptr(gitlabapi.AccessLevelRefProtected), MaintenanceNote: ptr("keep: \"quoted\" ${not_interpolated}")},
	}
	ids := makeRunners(t, m, sub.OwnerToken, len(settings), func(i int) gitlabapi.CreateUserRunnerOptions {
		return gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup, GroupID: ptr(sub.ID), RunnerAttributes: settings[i]}
	})
	makeRunners(t, m, m.Seed.Group.OwnerToken, 1, func(int) gitlabapi.CreateUserRunnerOptions {
		return gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup, GroupID: ptr(m.Seed.Group.ID)}
	})

	cli := acctest.NewCLI(t, map[string]string{
		"main.tf": m.ProviderBlock(sub.OwnerToken),
		"fleet.tfquery.hcl": fmt.Sprintf("list \"gitlabrunner_user_runner\" \"fleet\" {\n  provider = gitlabrunner\n"+
			"  config {\n    group_id = %d\n  }\n}\n", sub.ID),
	}, map[string]string{"TF_REATTACH_PROVIDERS": providertest.Reattach(t, provider.Options{Clock: m.Now})})
	cli.SkipWithout(acctest.Query)
	cli.Run("init", "-no-color")
	m.Stats().Reset()

	out := cli.Run("query", "-no-color", "-generate-config-out=generated.tf")
	generated := cli.Read("generated.tf")
	for _, id := range ids {
		if !strings.Contains(out, fmt.Sprintf("id=%d ", id)) {
			t.Errorf("terraform query does not print runner %d:\n%s", id, out)
		}
	}
	if n := strings.Count(generated, "identity = {"); n != len(ids) {
		t.Fatalf("generated.tf imports %d runners, want the subgroup's %d:\n%s", n, len(ids), generated)
	}

	cli.AdoptGenerated(len(ids))
	for route, n := range m.Stats().RequestsByRoute() {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("adopting wrote to GitLab: %s ×%d", route, n)
		}
	}
}
