package projectrunnerassignment_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccProjectRunnerAssignment_list finds the runners assigned to a
// project with `terraform query` (Terraform 1.14+) and adopts them with
// -generate-config-out: only the assignment is listed, not the runner the
// project owns itself; the generated configuration plans the import alone,
// and the plan after the apply is empty.
func TestAccProjectRunnerAssignment_list(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	acctest.NeedsCLI(t, acctest.Query)
	// The mock's project, to which no other test assigns runners: the query
	// lists exactly this test's assignment.
	g := acctest.NewGitLab(t)
	m := g.Mock(t, acctest.SeededUsers)
	assigned := assignByHand(t, g)
	web := m.Seed.Projects[1].ID
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: m.Seed.Group.MaintainerToken})
	if err != nil {
		t.Fatal(err)
	}
	own, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeProject, ProjectID: &web})
	if err != nil {
		t.Fatal(err)
	}

	cli := acctest.NewCLI(t, map[string]string{
		"main.tf": m.ProviderBlock(m.Seed.Group.MaintainerToken),
		"web.tfquery.hcl": fmt.Sprintf("list \"gitlabrunner_project_runner_assignment\" \"web\" {\n  provider = gitlabrunner\n"+
			"  config {\n    project_id = %d\n  }\n}\n", web),
	}, map[string]string{"TF_REATTACH_PROVIDERS": providertest.Reattach(t, provider.Options{Clock: m.Now})})
	cli.SkipWithout(acctest.Query)
	cli.Run("init", "-no-color")
	out := cli.Run("query", "-no-color", "-generate-config-out=generated.tf")
	var listed []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "list.gitlabrunner_project_runner_assignment.web ") {
			listed = append(listed, line)
		}
	}
	if want := fmt.Sprintf("project_id=%d,runner_id=%d ", web, assigned); len(listed) != 1 || !strings.Contains(listed[0], want) {
		t.Fatalf("terraform query lists for project %d %q, want only the assignment of runner %d (runner %d is the project's own):\n%s",
			web, listed, assigned, own.ID, out)
	}
	cli.AdoptGenerated(1)
}
