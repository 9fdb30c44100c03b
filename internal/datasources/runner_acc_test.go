package datasources_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

func runnerCheck(name string, p tfjsonpath.Path, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.gitlabrunner_runner."+name, p, want)
}

// TestAccRunnerDataSource reads a group runner and a project runner created in
// the mock, sees the managers appear once two hosts verify the token, and gets
// clear errors for a missing and a malformed id.
func TestAccRunnerDataSource(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()

	g := newGitLab(t)
	admin, group, project := g.AdminToken(t), g.GroupID(t), g.ProjectID(t, 0)
	fleet := g.Name("build fleet")
	groupRunner, token := g.CreateRunner(t, admin, map[string]any{
		"runner_type": "group_type", "group_id": group, "description": fleet,
		"maintenance_note": "owned by the platform team", "locked": true, "run_untagged": false,
		"tag_list": []string{"docker", "linux"}, "access_level": "ref_protected", "maximum_timeout": 3600,
	})
	projectRunner, _ := g.CreateRunner(t, admin, map[string]any{"runner_type": "project_type", "project_id": project, "paused": true})
	projectPath := g.ProjectPath(t, project)

	cfg := g.ProviderBlock(admin) + `
data "gitlabrunner_runner" "group" {
  id = ` + itoa(groupRunner) + ` # a number works as well as a string
}
data "gitlabrunner_runner" "project" {
  id = "` + itoa(projectRunner) + `"
}
`
	created := createdAt(t, g, acctest.DefaultStartTime)
	managers := tfjsonpath.New("managers")
	unknown := itoa(unknownRunner)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{
				Config: g.ProviderBlock(admin) + `
data "gitlabrunner_runner" "missing" {
  id = "` + unknown + `"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Runner Not Found.*Reading runner ` + unknown + ` \(GET /runners/` + unknown + `\)\s+failed.*GitLab\s+answered\s+404\s+Not\s+Found.*Check\s+the\s+id\s+` + unknown),
			},
			{
				Config: g.ProviderBlock(admin) + `
data "gitlabrunner_runner" "malformed" {
  id = "runner-12"
}
`,
				ExpectError: regexp.MustCompile(`(?s)must\s+be\s+a\s+positive\s+whole\s+number.*runner-12|runner-12.*must\s+be\s+a\s+positive\s+whole\s+number`),
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnerCheck("group", tfjsonpath.New("id"), knownvalue.StringExact(itoa(groupRunner))),
					runnerCheck("group", tfjsonpath.New("description"), knownvalue.StringExact(fleet)),
					runnerCheck("group", tfjsonpath.New("maintenance_note"), knownvalue.StringExact("owned by the platform team")),
					runnerCheck("group", tfjsonpath.New("runner_type"), knownvalue.StringExact("group_type")),
					runnerCheck("group", tfjsonpath.New("is_shared"), knownvalue.Bool(false)),
					runnerCheck("group", tfjsonpath.New("paused"), knownvalue.Bool(false)),
					runnerCheck("group", tfjsonpath.New("active"), knownvalue.Bool(true)),
					runnerCheck("group", tfjsonpath.New("locked"), knownvalue.Bool(true)),
					runnerCheck("group", tfjsonpath.New("run_untagged"), knownvalue.Bool(false)),
					runnerCheck("group", tfjsonpath.New("tag_list"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("docker"), knownvalue.StringExact("linux")})),
					runnerCheck("group", tfjsonpath.New("access_level"), knownvalue.StringExact("ref_protected")),
					runnerCheck("group", tfjsonpath.New("maximum_timeout"), knownvalue.Int64Exact(3600)),
					runnerCheck("group", tfjsonpath.New("status"), knownvalue.StringExact("never_contacted")),
					runnerCheck("group", tfjsonpath.New("online"), knownvalue.Bool(false)),
					runnerCheck("group", tfjsonpath.New("contacted_at"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("created_at"), created),
					runnerCheck("group", tfjsonpath.New("created_by"), createdBy(t, g, admin)),
					runnerCheck("group", tfjsonpath.New("job_execution_status"), knownvalue.StringExact("idle")),
					runnerCheck("group", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":   knownvalue.Int64Exact(group),
							"name": knownvalue.NotNull(),
						}),
					})),
					runnerCheck("group", tfjsonpath.New("projects"), knownvalue.ListSizeExact(0)),
					runnerCheck("group", managers, knownvalue.ListSizeExact(0)),
					// What GitLab answers null stays null: nothing has contacted
					// GitLab yet, and the runner-level IP is null since 17.0.
					runnerCheck("group", tfjsonpath.New("name"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("version"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("revision"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("platform"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("architecture"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("ip_address"), knownvalue.Null()),

					runnerCheck("project", tfjsonpath.New("maintenance_note"), knownvalue.Null()),
					runnerCheck("project", tfjsonpath.New("runner_type"), knownvalue.StringExact("project_type")),
					runnerCheck("project", tfjsonpath.New("paused"), knownvalue.Bool(true)),
					runnerCheck("project", tfjsonpath.New("maximum_timeout"), knownvalue.Null()),
					runnerCheck("project", tfjsonpath.New("projects"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":                  knownvalue.Int64Exact(project),
							"path_with_namespace": knownvalue.StringExact(projectPath),
						}),
					})),
					runnerCheck("project", tfjsonpath.New("groups"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				// Two hosts run `gitlab-runner register --token …`: two managers.
				PreConfig: func() {
					for _, systemID := range []string{"s_0123456789ab", "r_Zy9Xw8Vu7Ts6"} {
						if status := g.VerifyStatus(t, token, systemID); status != http.StatusOK {
							t.Fatalf("verify %s: status %d", systemID, status)
						}
						g.OnMock(func(m *acctest.Mock) { m.Clock.Advance(time.Minute) })()
					}
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnerCheck("group", managers, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"system_id":    knownvalue.StringExact("s_0123456789ab"),
							"version":      knownvalue.StringExact("18.6.0"),
							"platform":     knownvalue.StringExact("linux"),
							"architecture": knownvalue.StringExact("amd64"),
							"status":       knownvalue.StringExact("online"),
							"created_at":   created,
							"contacted_at": created,

							"job_execution_status": knownvalue.StringExact("idle"),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"system_id":    knownvalue.StringExact("r_Zy9Xw8Vu7Ts6"),
							"contacted_at": createdAt(t, g, acctest.DefaultStartTime.Add(time.Minute)),
						}),
					})),
					runnerCheck("group", tfjsonpath.New("status"), knownvalue.StringExact("online")),
					runnerCheck("group", tfjsonpath.New("version"), knownvalue.StringExact("18.6.0")),
					runnerCheck("group", tfjsonpath.New("name"), knownvalue.StringExact("gitlab-runner")),
					runnerCheck("group", tfjsonpath.New("contacted_at"), knownvalue.NotNull()),
					// The address is the managers' (GitLab 17.0+ answers null for the runner).
					runnerCheck("group", tfjsonpath.New("ip_address"), knownvalue.Null()),
					runnerCheck("group", managers.AtSliceIndex(0).AtMapKey("ip_address"), managerAddress(g)),
					runnerCheck("project", managers, knownvalue.ListSizeExact(0)),
				},
			},
			{
				// GitLab before ≈18.5 does not report job_execution_status: null.
				SkipFunc:  g.StepNeeds(t, acctest.EmulatedVersion),
				PreConfig: g.OnMock(func(m *acctest.Mock) { m.Store().SetVersion("18.4.0-ee") }),
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnerCheck("group", tfjsonpath.New("job_execution_status"), knownvalue.Null()),
					runnerCheck("group", managers.AtSliceIndex(0).AtMapKey("job_execution_status"), knownvalue.Null()),
				},
			},
			{
				// A group Maintainer may read the group runner but not change it:
				// GitLab (18.0+) hides the maintenance note from them, and the
				// data source reports that null as it is.
				SkipFunc: g.StepNeeds(t, acctest.SeededUsers),
				Config: g.ProviderBlock(g.Seed().Group.MaintainerToken) + `
data "gitlabrunner_runner" "group" {
  id = ` + itoa(groupRunner) + `
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					runnerCheck("group", tfjsonpath.New("maintenance_note"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("description"), knownvalue.StringExact(fleet)),
				},
			},
			{
				// The managers endpoint failing for real is an error ...
				PreConfig: func() {
					g.Faults().Add(mockcoordinator.Fault{Route: "GET /runners/:id/managers", Kind: mockcoordinator.FaultStatus, Status: 500})
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Unable to Read Runner Managers.*Reading the managers of runner \d+ \(GET /runners/\d+/managers\)\s+failed.*500`),
			},
			{
				// ... but a 404 from it (a server without the managers API) only
				// leaves managers null, with a warning; the rest is read.
				PreConfig: func() {
					g.Faults().Clear()
					g.Faults().Add(mockcoordinator.Fault{Route: "GET /runners/:id/managers", Kind: mockcoordinator.FaultStatus, Status: 404})
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnerCheck("group", managers, knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("description"), knownvalue.StringExact(fleet)),
				},
			},
			{
				// GitLab before ≈18.0 shows neither when nor by whom a runner
				// was created: both null.
				SkipFunc: g.StepNeeds(t, acctest.EmulatedVersion),
				PreConfig: g.OnMock(func(m *acctest.Mock) {
					g.Faults().Clear()
					m.Store().SetVersion("17.11.0-ee")
				}),
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					runnerCheck("group", tfjsonpath.New("created_at"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("created_by"), knownvalue.Null()),
					runnerCheck("group", tfjsonpath.New("description"), knownvalue.StringExact(fleet)),
				},
			},
		},
	})
}

// managerAddress is the check of the address a manager's verify came from:
// the loopback against the in-process mock, any address in live mode.
func managerAddress(g *acctest.GitLab) knownvalue.Check {
	if g.Live() {
		return knownvalue.NotNull()
	}
	return knownvalue.StringExact("127.0.0.1")
}
