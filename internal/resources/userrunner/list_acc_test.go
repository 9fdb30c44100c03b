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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// listScope is the group a list test lists, and the tag its runners carry:
// against the mock, the seed's empty subgroup (whose parent's runners GitLab
// lists too, and the listing must leave out) and no tag; in live mode the
// test group, which holds other runners too, and a tag of the test's own
// that every listing filters by.
func listScope(t *testing.T, g *acctest.GitLab) (group int64, tag string) {
	if g.Live() {
		return g.GroupID(t), strings.TrimSuffix(g.Name(""), "-")
	}
	return g.Seed().Subgroup.ID, ""
}

// withTag adds the test's tag (if any) to tags.
func withTag(tag string, tags ...string) []string {
	if tag == "" {
		return tags
	}
	return append([]string{tag}, tags...)
}

// tagFilter is the list configuration's tag_list line of the test's tag
// and tags ("" when there are none).
func tagFilter(tag string, tags ...string) string {
	all := withTag(tag, tags...)
	if len(all) == 0 {
		return ""
	}
	quoted := make([]string, len(all))
	for i, t := range all {
		quoted[i] = strconv.Quote(t)
	}
	return "\n    tag_list = [" + strings.Join(quoted, ", ") + "]"
}

// TestAccUserRunnerList_fleet lists a group's fleet of 150 runners, more
// than one page of GitLab's list (100), with and without GitLab's filters.
// Against the mock the group is a subgroup: the runners of its parent group
// and the instance runners, which GitLab lists for the subgroup too, are
// not the subgroup's and are left out.
func TestAccUserRunnerList_fleet(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	owner := g.OwnerToken(t)
	group, tag := listScope(t, g)
	fleet := make([]int64, 150)
	for i := range fleet {
		tags := withTag(tag, "linux")
		if i%3 == 0 {
			tags = append(tags, "gpu")
		}
		fleet[i], _ = g.CreateRunner(t, owner, map[string]any{"runner_type": "group_type", "group_id": group,
			"description": g.Name(fmt.Sprintf("fleet-%03d", i)), "tag_list": tags, "paused": i%5 == 0})
	}
	others := 0 // runners of the parent group the owner's listing shows too
	if !g.Live() {
		for range 3 {
			g.CreateRunner(t, owner, map[string]any{"runner_type": "group_type", "group_id": g.GroupID(t), "tag_list": []string{"linux", "gpu"}})
		}
		g.CreateRunner(t, g.AdminToken(t), map[string]any{"runner_type": "instance_type", "tag_list": []string{"gpu"}})
		others = 3
	}
	listBlock := func(name, config string, limit int) string {
		l := ""
		if limit > 0 {
			l = fmt.Sprintf("  limit    = %d\n", limit)
		}
		return fmt.Sprintf("list \"gitlabrunner_user_runner\" %q {\n  provider = gitlabrunner\n%s  config {\n    %s\n  }\n}\n", name, l, config)
	}
	scope := fmt.Sprintf("group_id = %d", group)
	query := listBlock("all", scope+tagFilter(tag), 1000) +
		listBlock("gpu", scope+tagFilter(tag, "gpu"), 1000) +
		listBlock("paused_gpu", scope+tagFilter(tag, "gpu")+"\n    paused = true", 1000) +
		listBlock("capped", scope+tagFilter(tag), 0) // Terraform's default limit: 100
	id := func(i int) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(strconv.FormatInt(fleet[i], 10))}
	}
	checks := []querycheck.QueryResultCheck{
		querycheck.ExpectLength("gitlabrunner_user_runner.all", 150),
		querycheck.ExpectIdentity("gitlabrunner_user_runner.all", id(149)), // on the second page
		querycheck.ExpectLength("gitlabrunner_user_runner.gpu", 50),
		querycheck.ExpectIdentity("gitlabrunner_user_runner.gpu", id(147)),
		querycheck.ExpectLength("gitlabrunner_user_runner.paused_gpu", 10),
		querycheck.ExpectIdentity("gitlabrunner_user_runner.paused_gpu", id(135)),
		querycheck.ExpectLength("gitlabrunner_user_runner.capped", 100),
	}
	// The runners the token's user owns: the group's Owner, who is no
	// administrator (GitLab lists an administrator's own runners only).
	if g.Live() {
		t.Logf("live mode: check left out: needs %s (the group's Owner)", acctest.SeededUsers)
	} else {
		query += listBlock("owned", "type = \"group_type\"", 1000)
		// and the parent group's, which the same user owns
		checks = append(checks, querycheck.ExpectLength("gitlabrunner_user_runner.owned", 150+others))
	}
	g.Stats().Reset()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.Query)},
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{Config: g.ProviderBlock(owner)},
			{
				Query:             true,
				Config:            query,
				QueryResultChecks: checks,
			},
		},
	})
	// GitLab's pages hold 100 runners: "all" lists the 150 (and against the
	// mock the parent's 3) in two pages; "capped" too against the mock,
	// where the first page holds parent's runners it leaves out, one page in
	// live mode; "gpu" (50 or 53) and "paused_gpu" (10) in one.
	want := 5
	if !g.Live() {
		want = 6
	}
	if n := g.Stats().Requests("GET /groups/:id/runners"); n < want {
		t.Errorf("GitLab's group runner list was read %d times, want %d: two pages for each listing of more than 100 runners", n, want)
	}
}

// TestAccUserRunnerList_generateConfig adopts a group's runners as the
// guide does: `terraform query -generate-config-out` writes an import block
// and a resource block per runner, `terraform plan` then plans nothing but
// the imports, the apply imports them, and the next plan is empty. Nothing
// is written to GitLab. The runners differ in every attribute the resource
// manages, so the generated configuration must carry each exactly. (Against
// the mock, a subgroup whose parent's runner is not listed; in live mode the
// test group, listed by the test's own tag.)
func TestAccUserRunnerList_generateConfig(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	owner := g.OwnerToken(t)
	group, tag := listScope(t, g)
	settings := []map[string]any{
		{"description": g.Name("k8s"), "tag_list": withTag(tag, "k8s", "linux"), "run_untagged": false, "maximum_timeout": 7200},
		{"description": g.Name("windows"), "tag_list": withTag(tag, "windows"), "locked": true, "paused": true},
		{"description": g.Name(""), "tag_list": withTag(tag), "access_level": "ref_protected", "maintenance_note": "keep: \"quoted\" ${not_interpolated}"},
	}
	var ids []int64
	for _, params := range settings {
		params["runner_type"], params["group_id"] = "group_type", group
		id, _ := g.CreateRunner(t, owner, params)
		ids = append(ids, id)
	}
	if !g.Live() {
		g.CreateRunner(t, owner, map[string]any{"runner_type": "group_type", "group_id": g.GroupID(t)})
	}

	cli := acctest.NewCLI(t, map[string]string{
		"main.tf": g.ProviderBlock(owner),
		"fleet.tfquery.hcl": fmt.Sprintf("list \"gitlabrunner_user_runner\" \"fleet\" {\n  provider = gitlabrunner\n"+
			"  config {\n    group_id = %d%s\n  }\n}\n", group, tagFilter(tag)),
	}, map[string]string{"TF_REATTACH_PROVIDERS": providertest.Reattach(t, provider.Options{Clock: g.Now})})
	cli.SkipWithout(acctest.Query)
	cli.Run("init", "-no-color")
	g.Stats().Reset()

	out := cli.Run("query", "-no-color", "-generate-config-out=generated.tf")
	generated := cli.Read("generated.tf")
	for _, id := range ids {
		if !strings.Contains(out, fmt.Sprintf("id=%d ", id)) {
			t.Errorf("terraform query does not print runner %d:\n%s", id, out)
		}
	}
	if n := strings.Count(generated, "identity = {"); n != len(ids) {
		t.Fatalf("generated.tf imports %d runners, want the group's %d:\n%s", n, len(ids), generated)
	}

	cli.AdoptGenerated(len(ids))
	for route, n := range g.Stats().RequestsByRoute() {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("adopting wrote to GitLab: %s ×%d", route, n)
		}
	}
}
