package provider_test

// Project runner assignments whose outcome is unknown, through real
// Terraform processes: Ctrl-C while assignment requests GitLab has applied
// wait for their answers, and a storm of faults on the assignment requests.
// Whatever the interruption or fault, state and GitLab (the mock's own
// runner records) agree after one more apply, and destroy removes every
// assignment GitLab has.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/provider -run TestAccAssignment -v

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testwait"
)

const assignmentType = "gitlabrunner_project_runner_assignment"

// assignmentFleet is n project runners of the seed's first project, made
// outside Terraform, which a configuration assigns to the second project.
type assignmentFleet struct {
	g       *acctest.GitLab
	proxy   *acctest.Proxy
	c       *cli
	runners []int64
	target  int64 // the project they are assigned to
}

// newAssignmentFleet starts a mock behind a proxy, makes n runners and
// writes the configuration; extra goes into the provider block.
func newAssignmentFleet(t *testing.T, n int, extra string) *assignmentFleet {
	t.Helper()
	g := acctest.NewGitLab(t)
	f := &assignmentFleet{g: g, proxy: acctest.StartProxy(t, g.URL()), target: g.ProjectID(t, 1)}
	owner := g.ProjectID(t, 0)
	ids := make([]string, n)
	for i := range n {
		id, _ := g.CreateRunner(t, "", map[string]any{"runner_type": "project_type", "project_id": owner})
		f.runners = append(f.runners, id)
		ids[i] = strconv.FormatInt(id, 10)
	}
	f.c = newCLI(t, map[string]string{"main.tf": fmt.Sprintf(`terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}

provider "gitlabrunner" {
  base_url = %q
  token    = %q
  retries  = 2
%s}

resource "gitlabrunner_project_runner_assignment" "web" {
  for_each   = toset([%s])
  project_id = %d
  runner_id  = each.value
}
`, f.proxy.URL, g.MemberToken(t, func(s store.Seed) string { return s.Group.MaintainerToken }), extra, `"`+strings.Join(ids, `", "`)+`"`, f.target)}, nil)
	return f
}

// inGitLab lists the assignments GitLab has: "<project>:<runner>" for every
// runner of the fleet whose projects (GET /runners/:id) hold the target.
func (f *assignmentFleet) inGitLab(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, id := range f.runners {
		if r, ok := f.g.Runner(t, id); ok && slices.Contains(r.ProjectIDs, f.target) {
			out = append(out, fmt.Sprintf("%d:%d", f.target, id))
		}
	}
	return out
}

// inState lists the assignments in the state file, and how many are tainted.
func (f *assignmentFleet) inState(t *testing.T) (ids []string, tainted int) {
	t.Helper()
	got, err := acctest.RunnersInStateFile(filepath.Join(f.c.dir, "terraform.tfstate"), assignmentType)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		ids = append(ids, a.ID)
		if a.Tainted {
			tainted++
		}
	}
	slices.Sort(ids)
	return ids, tainted
}

// missingFromState lists the assignments GitLab has that the state lacks:
// destroy would leave them.
func (f *assignmentFleet) missingFromState(t *testing.T) []string {
	t.Helper()
	state, _ := f.inState(t)
	var out []string
	for _, a := range f.inGitLab(t) {
		if !slices.Contains(state, a) {
			out = append(out, a)
		}
	}
	return out
}

// converge runs one more apply and destroy: after the apply every runner is
// assigned and the state holds exactly those assignments, none tainted; after
// destroy GitLab has none left.
func (f *assignmentFleet) converge(t *testing.T) {
	t.Helper()
	f.c.run(false, "apply", "-auto-approve")
	state, tainted := f.inState(t)
	mock := f.inGitLab(t)
	slices.Sort(mock)
	if !slices.Equal(state, mock) || len(mock) != len(f.runners) || tainted != 0 {
		t.Errorf("after one more apply: state %v (%d tainted), mock %v; want all %d, equal, none tainted",
			state, tainted, mock, len(f.runners))
	}
	f.c.run(false, "destroy", "-auto-approve")
	if left := f.inGitLab(t); len(left) != 0 {
		t.Errorf("after destroy GitLab still has the assignments %v", left)
	}
}

// TestAccAssignment_ctrlC: SIGINT while all 10 assignment requests have been
// applied by GitLab and their answers are held. The interrupted apply reads
// the runners back and saves every assignment GitLab made; one more apply
// converges and destroy removes them all.
func TestAccAssignment_ctrlC(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	const n = 10 // Terraform's default parallelism: all in flight at once
	f := newAssignmentFleet(t, n, "")
	f.proxy.HoldAnswers(http.MethodPost, fmt.Sprintf("/api/v4/projects/%d/runners", f.target))
	run := f.c.start("apply", "-auto-approve")
	testwait.Until(t, time.Minute, "the 10 assignments applied with their answers held", func() bool {
		return f.proxy.AnswersHeld() == n
	})
	if err := run.interrupt(); err != nil {
		t.Fatal(err)
	}
	out, err := run.wait(2 * time.Minute)
	if err == nil {
		t.Fatalf("the interrupted apply succeeded: the interrupt proves nothing\n%s", tailLines(out, 30))
	}
	if got := len(f.inGitLab(t)); got != n {
		t.Fatalf("GitLab has %d assignments, want %d (applied before the interrupt)", got, n)
	}
	if missing := f.missingFromState(t); len(missing) != 0 {
		t.Errorf("after Ctrl-C, GitLab has %d assignments the state does not: %v (destroy would leave them)\n%s",
			len(missing), missing, tailLines(out, 40))
	}
	state, tainted := f.inState(t)
	t.Logf("Ctrl-C with %d assignments applied and unanswered: %d in state (%d tainted)", n, len(state), tainted)

	f.proxy.Release()
	f.converge(t)
}

// TestAccAssignment_faultStorm: the assignment requests meet 500s, 503s,
// dropped connections, 502s and drops after GitLab applied them, and answers
// held past request_timeout, with retries = 2: about a third of the
// assignments use up their retries. Whatever the apply's outcome, every assignment GitLab made is in
// state; with the storm over, one more apply converges and destroy removes
// them all.
func TestAccAssignment_faultStorm(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	const n = 10
	f := newAssignmentFleet(t, n, "  request_timeout = \"1s\"\n")
	const route = "POST /projects/:id/runners"
	for _, fault := range []mockcoordinator.Fault{
		{Route: route, Kind: mockcoordinator.FaultLatency, Latency: 1500 * time.Millisecond, Probability: 0.2},
		{Route: route, Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Probability: 0.3},
		{Route: route, Kind: mockcoordinator.FaultApplyThenDrop, Probability: 0.2},
		{Route: route, Kind: mockcoordinator.FaultStatus, Status: 500, Probability: 0.2},
		{Route: route, Kind: mockcoordinator.FaultStatus, Status: 503, Probability: 0.2},
		{Route: route, Kind: mockcoordinator.FaultDrop, Probability: 0.2},
	} {
		f.g.Faults().Add(fault)
	}
	out, err := f.c.start("apply", "-auto-approve").wait(5 * time.Minute)
	// Terraform folds warnings of one summary into one; errors it lists.
	unconfirmed := strings.Count(out, "Error: Unable to Confirm Runner Assignment")
	confirmed := strings.Contains(out, "Warning: Runner Assignment Confirmed After a Lost Answer")
	state, tainted := f.inState(t)
	t.Logf("fault storm: apply error %v; %d faults injected; %d assignments in GitLab, %d in state (%d tainted); "+
		"%d unconfirmed after the retries, some confirmed by reading back: %v", err, f.g.Faults().Injected(),
		len(f.inGitLab(t)), len(state), tainted, unconfirmed, confirmed)
	if missing := f.missingFromState(t); len(missing) != 0 {
		t.Errorf("after the storm, GitLab has %d assignments the state does not: %v (destroy would leave them)\n%s",
			len(missing), missing, tailLines(out, 60))
	}

	f.g.EndFaults(t)
	f.converge(t)
}
