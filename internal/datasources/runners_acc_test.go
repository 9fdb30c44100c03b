package datasources_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// idSet is a knownvalue check: a list of strings holding exactly these ids,
// in any order (the order is GitLab's business, the content is ours).
type idSet []int64

// ofOurs is the check of a listing in which, in live mode, runners of other
// tests and users may appear: it wants exactly want among the test's own
// runners (ours) and ignores the others. Against the mock, every runner is
// the test's: the listing must be exactly want.
func ofOurs(g *acctest.GitLab, ours []int64, want idSet) knownvalue.Check {
	if !g.Live() {
		return want
	}
	return ownSubset{ours: ours, want: want}
}

type ownSubset struct {
	ours []int64
	want idSet
}

func (c ownSubset) CheckValue(v any) error {
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list, got %T", v)
	}
	var kept []any
	for _, e := range list {
		for _, id := range c.ours {
			if e == itoa(id) {
				kept = append(kept, e)
				break
			}
		}
	}
	return c.want.CheckValue(kept)
}

func (c ownSubset) String() string { return "among the test's runners: " + c.want.String() }

func (want idSet) CheckValue(v any) error {
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list, got %T", v)
	}
	got := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return fmt.Errorf("expected string ids, got %T", e)
		}
		got = append(got, s)
	}
	exp := make([]string, 0, len(want))
	for _, id := range want {
		exp = append(exp, itoa(id))
	}
	sort.Strings(got)
	sort.Strings(exp)
	if strings.Join(got, ",") != strings.Join(exp, ",") {
		if len(got) != len(exp) {
			return fmt.Errorf("expected %d ids, got %d", len(exp), len(got))
		}
		return fmt.Errorf("expected ids %v, got %v", exp, got)
	}
	return nil
}

func (want idSet) String() string { return fmt.Sprintf("ids %v (any order)", []int64(want)) }

func runnersIDs(name string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.gitlabrunner_runners."+name, tfjsonpath.New("ids"), want)
}

// TestAccRunnersDataSource lists more than 250 runners across pages and checks
// every scope and filter in one Terraform run, then the errors.
func TestAccRunnersDataSource(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()

	g := newGitLab(t)
	admin, group, project := g.AdminToken(t), g.GroupID(t), g.ProjectID(t, 0)
	// g2 is in the mock's subgroup; live mode has one group, which g2 shares.
	subgroup := g.Seed().Subgroup.ID
	if g.Live() {
		subgroup = group
	}

	// 255 plain instance runners: three pages of 100 for GET /runners/all.
	const plain = 255
	var instanceIDs []int64
	for i := 0; i < plain; i++ {
		id, _ := g.CreateRunner(t, admin, map[string]any{"runner_type": "instance_type", "description": g.Name(fmt.Sprintf("fleet-%03d", i))})
		instanceIDs = append(instanceIDs, id)
	}
	// A few distinguishable ones.
	g1, g1Token := g.CreateRunner(t, admin, map[string]any{"runner_type": "group_type", "group_id": group,
		"tag_list": []string{"docker", "linux"}, "description": g.Name("g1")})
	g2, _ := g.CreateRunner(t, admin, map[string]any{"runner_type": "group_type", "group_id": subgroup,
		"tag_list": []string{"docker"}, "paused": true, "description": g.Name("g2")})
	p1, _ := g.CreateRunner(t, admin, map[string]any{"runner_type": "project_type", "project_id": project,
		"tag_list": []string{"linux"}, "description": g.Name("p1")})
	if status := g.VerifyStatus(t, g1Token, "s_00000000000a"); status != http.StatusOK {
		t.Fatalf("verify g1: status %d", status)
	}
	all := append(append([]int64{}, instanceIDs...), g1, g2, p1)
	ours := func(want ...int64) knownvalue.Check { return ofOurs(g, all, want) }
	// The top-level group's own: g1, and in live mode g2.
	topGroup := idSet{g1}
	if g.Live() {
		topGroup = idSet{g1, g2}
	}

	ds := func(name, body string) string {
		return fmt.Sprintf("data \"gitlabrunner_runners\" %q {\n%s\n}\n", name, body)
	}
	cfg := g.ProviderBlock(admin) +
		ds("instance", `scope = "instance"`) +
		ds("group_type", `
  scope = "instance"
  type  = "group_type"`) +
		ds("online", `
  scope  = "instance"
  status = "online"`) +
		ds("paused", `
  scope  = "instance"
  paused = true`) +
		ds("docker", `
  scope    = "instance"
  tag_list = ["docker"]`) +
		ds("docker_linux", `
  scope    = "instance"
  tag_list = ["docker", "linux"]`) +
		ds("never_contacted_unpaused_linux", `
  scope    = "instance"
  status   = "never_contacted"
  paused   = false
  tag_list = ["linux"]`) +
		ds("version_18_6", `
  scope          = "instance"
  version_prefix = "18.6"`) +
		ds("version_17", `
  scope          = "instance"
  version_prefix = "17."`) +
		ds("top_group", fmt.Sprintf(`
  group_id = %d
  type     = "group_type"`, group)) +
		ds("subgroup", fmt.Sprintf(`
  group_id = %d
  type     = "group_type"`, subgroup)) +
		ds("project_all", fmt.Sprintf(`project_id = %d`, project)) +
		ds("project_own", fmt.Sprintf(`
  project_id = %d
  type       = "project_type"`, project))

	runnersCheck := func(name, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.gitlabrunner_runners."+name, tfjsonpath.New(attr), want)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{
				Config: g.ProviderBlock(g.NonAdminToken(t)) + `
data "gitlabrunner_runners" "everything" {
  scope = "instance"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Unable to List All Runners.*403 Forbidden.*needs an\s+administrator\s+token;\s+use\s+group_id/project_id\s+or\s+omit\s+the\s+scope`),
			},
			{
				// A group Developer may not list the group's runners.
				SkipFunc: g.StepNeeds(t, acctest.SeededUsers),
				Config: g.ProviderBlock(g.Seed().Group.DeveloperToken) + fmt.Sprintf(`
data "gitlabrunner_runners" "group" {
  group_id = %d
}
`, group),
				ExpectError: regexp.MustCompile(`(?s)Unable to List Group Runners.*GET /groups/\d+/runners.*403 Forbidden.*at\s+least\s+the\s+Maintainer\s+role`),
			},
			{
				Config: g.ProviderBlock(admin) + `
data "gitlabrunner_runners" "missing_project" {
  project_id = ` + itoa(unknownRunner) + `
}
`,
				ExpectError: regexp.MustCompile(`(?s)Project Not Found.*project_id\s+=\s+` + itoa(unknownRunner)),
			},
			{
				Config: g.ProviderBlock(admin) + `
data "gitlabrunner_runners" "ambiguous" {
  scope    = "owned"
  group_id = 1
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*scope.*group_id|group_id.*scope`),
			},
			{
				Config: g.ProviderBlock(admin) + `
data "gitlabrunner_runners" "bad_filter" {
  status = "busy"
}
`,
				ExpectError: regexp.MustCompile(`(?s)status.*busy`),
			},
			{
				// GitLab answers 400 to a NUL in a query string.
				Config: g.ProviderBlock(admin) + `
data "gitlabrunner_runners" "nul" {
  version_prefix = "17\u0000"
}
`,
				ExpectError: regexp.MustCompile(`(?s)version_prefix contains a NUL character`),
			},
			{
				// The framework alone: "Configuration Read Error ... %!s(*big.Float=1e+20)".
				Config: g.ProviderBlock(admin) + `
data "gitlabrunner_runners" "huge" {
  group_id = 99999999999999999999
}
`,
				ExpectError: regexp.MustCompile(`(?s)group_id = 99999999999999999999 is too large`),
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnersIDs("instance", ours(all...)),
					runnersCheck("instance", "id", knownvalue.StringExact("instance")),
					runnersIDs("group_type", ours(g1, g2)),
					runnersIDs("online", ours(g1)),
					runnersIDs("paused", ours(g2)),
					runnersIDs("docker", ours(g1, g2)),
					runnersIDs("docker_linux", ours(g1)),
					runnersIDs("never_contacted_unpaused_linux", ours(p1)),
				},
			},
			{
				// The details of a listed runner; against the mock nothing else
				// is listed.
				SkipFunc: g.StepNeeds(t, acctest.InProcessMock),
				Config:   cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnersCheck("instance", "runners", knownvalue.ListSizeExact(len(all))),
					runnersCheck("never_contacted_unpaused_linux", "runners", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":          knownvalue.StringExact(itoa(p1)),
							"description": knownvalue.StringExact(g.Name("p1")),
							"ip_address":  knownvalue.Null(), // always null from GitLab 17.0
							"active":      knownvalue.Bool(true),
							"paused":      knownvalue.Bool(false),
							"is_shared":   knownvalue.Bool(false),
							"runner_type": knownvalue.StringExact("project_type"),
							"name":        knownvalue.Null(), // never contacted
							"online":      knownvalue.Bool(false),
							"created_at":  knownvalue.StringExact(acctest.DefaultStartTime.UTC().Format(time.RFC3339)),
							"created_by": knownvalue.ObjectExact(map[string]knownvalue.Check{
								"id": knownvalue.NotNull(), "username": knownvalue.StringExact("root")}),
							"status": knownvalue.StringExact("never_contacted"),

							"job_execution_status": knownvalue.StringExact("idle"),
						}),
					})),
				},
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					// Only g1 has contacted GitLab (gitlab-runner 18.6.0).
					runnersIDs("version_18_6", ours(g1)),
					runnersIDs("version_17", ours()),
					runnersIDs("top_group", ofOurs(g, all, topGroup)),
					runnersCheck("top_group", "scope", knownvalue.StringExact("group")),
					runnersCheck("top_group", "id", knownvalue.StringExact("group:"+itoa(group))),
					runnersIDs("subgroup", ours(g1, g2)),
					runnersIDs("project_all", ours(all...)),
					runnersIDs("project_own", ours(p1)),
					runnersCheck("project_own", "scope", knownvalue.StringExact("project")),
				},
			},
			{
				// The default scope: the runners the token's user can manage. The
				// group Owner manages both group runners and (as Owner of the
				// project's group) the project runner, but no instance runner.
				SkipFunc: g.StepNeeds(t, acctest.SeededUsers),
				Config:   g.ProviderBlock(g.Seed().Group.OwnerToken) + ds("owned", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					runnersIDs("owned", idSet{g1, g2, p1}),
					runnersCheck("owned", "scope", knownvalue.StringExact("owned")),
					runnersCheck("owned", "id", knownvalue.StringExact("owned")),
				},
			},
		},
	})
}

// The custom check must be able to fail.
func TestIDSetCheck(t *testing.T) {
	if err := (idSet{1, 2}).CheckValue([]any{"2", "1"}); err != nil {
		t.Fatalf("same ids in another order: %v", err)
	}
	for _, bad := range []any{[]any{"1"}, []any{"1", "3"}, []any{"1", "2", "2"}, "1,2", []any{1, 2}} {
		if err := (idSet{1, 2}).CheckValue(bad); err == nil {
			t.Errorf("%v should not match ids 1, 2", bad)
		}
	}
}
