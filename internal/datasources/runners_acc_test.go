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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// idSet is a knownvalue check: a list of strings holding exactly these ids,
// in any order (the order is GitLab's business, the content is ours).
type idSet []int64

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

func runnersIDs(name string, want idSet) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.gitlabrunner_runners."+name, tfjsonpath.New("ids"), want)
}

// TestAccRunnersDataSource lists more than 250 runners across pages and checks
// every scope and filter in one Terraform run, then the errors.
func TestAccRunnersDataSource(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()

	mock := startMock(t)
	seed := mock.Seed
	admin := testClient(t, mock, seed.AdminToken)

	// 255 plain instance runners: three pages of 100 for GET /runners/all.
	const plain = 255
	var instanceIDs []int64
	for i := 0; i < plain; i++ {
		id, _ := createRunner(t, admin, gitlabapi.CreateUserRunnerOptions{
			RunnerType: gitlabapi.RunnerTypeInstance, RunnerAttributes: gitlabapi.RunnerAttributes{Description: ptr(fmt.Sprintf("fleet-%03d", i))}})
		instanceIDs = append(instanceIDs, id)
	}
	// A few distinguishable ones.
	g1, g1Token := createRunner(t, admin, gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup,
		GroupID: ptr(seed.Group.ID), RunnerAttributes: gitlabapi.RunnerAttributes{TagList: ptr([]string{"docker", "linux"}), Description: ptr("g1")}})
	g2, _ := createRunner(t, admin, gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup,
		GroupID: ptr(seed.Subgroup.ID), RunnerAttributes: gitlabapi.RunnerAttributes{TagList: ptr([]string{"docker"}), Paused: ptr(true), Description: ptr("g2")}})
	p1, _ := createRunner(t, admin, gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeProject,
		ProjectID: ptr(seed.Project.ID), RunnerAttributes: gitlabapi.RunnerAttributes{TagList: ptr([]string{"linux"}), Description: ptr("p1")}})
	if status := mock.VerifyStatus(t, g1Token, "s_00000000000a"); status != http.StatusOK {
		t.Fatalf("verify g1: status %d", status)
	}
	all := append(append([]int64{}, instanceIDs...), g1, g2, p1)

	ds := func(name, body string) string {
		return fmt.Sprintf("data \"gitlabrunner_runners\" %q {\n%s\n}\n", name, body)
	}
	cfg := mock.ProviderBlock(seed.AdminToken) +
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
  type     = "group_type"`, seed.Group.ID)) +
		ds("subgroup", fmt.Sprintf(`
  group_id = %d
  type     = "group_type"`, seed.Subgroup.ID)) +
		ds("project_all", fmt.Sprintf(`project_id = %d`, seed.Project.ID)) +
		ds("project_own", fmt.Sprintf(`
  project_id = %d
  type       = "project_type"`, seed.Project.ID))

	runnersCheck := func(name, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.gitlabrunner_runners."+name, tfjsonpath.New(attr), want)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(mock.Clock.Now),
		Steps: []resource.TestStep{
			{
				Config: mock.ProviderBlock(seed.NonAdminToken) + `
data "gitlabrunner_runners" "everything" {
  scope = "instance"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Unable to List All Runners.*403 Forbidden.*needs an\s+administrator\s+token;\s+use\s+group_id/project_id\s+or\s+omit\s+the\s+scope`),
			},
			{
				// A group Developer may not list the group's runners.
				Config: mock.ProviderBlock(seed.Group.DeveloperToken) + fmt.Sprintf(`
data "gitlabrunner_runners" "group" {
  group_id = %d
}
`, seed.Group.ID),
				ExpectError: regexp.MustCompile(`(?s)Unable to List Group Runners.*GET /groups/\d+/runners.*403 Forbidden.*at\s+least\s+the\s+Maintainer\s+role`),
			},
			{
				Config: mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_runners" "missing_project" {
  project_id = 987654
}
`,
				ExpectError: regexp.MustCompile(`(?s)Project Not Found.*project_id\s+=\s+987654`),
			},
			{
				Config: mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_runners" "ambiguous" {
  scope    = "owned"
  group_id = 1
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*scope.*group_id|group_id.*scope`),
			},
			{
				Config: mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_runners" "bad_filter" {
  status = "busy"
}
`,
				ExpectError: regexp.MustCompile(`(?s)status.*busy`),
			},
			{
				// GitLab answers 400 to a NUL in a query string.
				Config: mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_runners" "nul" {
  version_prefix = "17\u0000"
}
`,
				ExpectError: regexp.MustCompile(`(?s)version_prefix contains a NUL character`),
			},
			{
				// The framework alone: "Configuration Read Error ... %!s(*big.Float=1e+20)".
				Config: mock.ProviderBlock(seed.AdminToken) + `
data "gitlabrunner_runners" "huge" {
  group_id = 99999999999999999999
}
`,
				ExpectError: regexp.MustCompile(`(?s)group_id = 99999999999999999999 is too large`),
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnersIDs("instance", all),
					runnersCheck("instance", "runners", knownvalue.ListSizeExact(len(all))),
					runnersCheck("instance", "id", knownvalue.StringExact("instance")),
					runnersIDs("group_type", idSet{g1, g2}),
					runnersIDs("online", idSet{g1}),
					runnersIDs("paused", idSet{g2}),
					runnersIDs("docker", idSet{g1, g2}),
					runnersIDs("docker_linux", idSet{g1}),
					runnersIDs("never_contacted_unpaused_linux", idSet{p1}),
					runnersCheck("never_contacted_unpaused_linux", "runners", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":          knownvalue.StringExact(itoa(p1)),
							"description": knownvalue.StringExact("p1"),
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
					// Only g1 has contacted GitLab (gitlab-runner 18.6.0).
					runnersIDs("version_18_6", idSet{g1}),
					runnersIDs("version_17", idSet{}),
					runnersIDs("top_group", idSet{g1}),
					runnersCheck("top_group", "scope", knownvalue.StringExact("group")),
					runnersCheck("top_group", "id", knownvalue.StringExact("group:"+itoa(seed.Group.ID))),
					runnersIDs("subgroup", idSet{g1, g2}),
					runnersIDs("project_all", all),
					runnersIDs("project_own", idSet{p1}),
					runnersCheck("project_own", "scope", knownvalue.StringExact("project")),
				},
			},
			{
				// The default scope: the runners the token's user can manage. The
				// group Owner manages both group runners and (as Owner of the
				// project's group) the project runner, but no instance runner.
				Config: mock.ProviderBlock(seed.Group.OwnerToken) + ds("owned", ""),
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
