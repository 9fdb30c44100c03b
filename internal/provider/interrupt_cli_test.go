package provider_test

// Interruptions of real processes: Ctrl-C (SIGINT to the terraform process
// group, as a terminal sends it) while creates are in flight, and SIGKILL
// of the provider plugin in the middle of an apply. Between the provider and
// the mock coordinator stands an acctest.Proxy, which lets the mock finish
// requests whose client left, as GitLab does. After the next apply, state
// and mock must agree: no orphan, no lost runner, every token valid.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/provider -run TestAccInterrupt -v

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
)

// fleetCLIConfig is n group runners behind baseURL.
func fleetCLIConfig(baseURL, token string, groupID int64, n int, prefix string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}

provider "gitlabrunner" {
  base_url = %q
  token    = %q
}

resource "gitlabrunner_user_runner" "fleet" {
  count       = %d
  runner_type = "group_type"
  group_id    = %d
  description = format("%sfleet r%%03d", count.index)
  tag_list    = ["fleet", format("r%%03d", count.index)]
}
`, baseURL, token, n, groupID, prefix)
}

// agreeWithStateFile compares the state file with the mock: orphans, lost
// runners, tainted ones, attributes and tokens (acctest.Mock.Agreement).
func agreeWithStateFile(t *testing.T, g *acctest.GitLab, c *cli) (acctest.AgreementReport, error) {
	t.Helper()
	runners, err := acctest.RunnersInStateFile(filepath.Join(c.dir, "terraform.tfstate"), "gitlabrunner_user_runner")
	if err != nil {
		t.Fatal(err)
	}
	return g.Agreement(t, runners)
}

// fleetApply is a `terraform apply` of n group runners in progress, through
// a proxy to a mock whose creates take postLatency (the rest 20 ms): most
// creates are in their POST at any moment.
type fleetApply struct {
	g     *acctest.GitLab
	proxy *acctest.Proxy
	c     *cli
	run   *running
}

func startFleetApply(t *testing.T, n int, postLatency time.Duration) *fleetApply {
	t.Helper()
	g := acctest.NewGitLab(t, acctest.WithLatency(20*time.Millisecond))
	g.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: mockcoordinator.FaultLatency, Latency: postLatency})
	proxy := acctest.StartProxy(t, g.URL())
	c := newCLI(t, map[string]string{"main.tf": fleetCLIConfig(proxy.URL, g.OwnerToken(t), g.GroupID(t), n, g.Name(""))}, nil)
	return &fleetApply{g: g, proxy: proxy, c: c, run: c.start("apply", "-auto-approve")}
}

// inFlight is how many creates the interrupt tests wait to see in flight
// (forwarded and not yet answered, or with their answer held) before they
// strike, so that creates are caught half-way (Terraform runs 10 at a time;
// the slow POSTs dominate).
const inFlight = 5

// waitUntil polls cond until it holds; after a minute the test fails,
// naming what it waited for.
func (f *fleetApply) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			out, _ := f.run.wait(time.Second)
			t.Fatalf("no %s within a minute:\n%s", what, tailLines(out, 30))
		}
		time.Sleep(pollInterval(f.g))
	}
}

// pollInterval is how often a test looks: often against the in-process
// mock, less in live mode, where each look is a request to GitLab.
func pollInterval(g *acctest.GitLab) time.Duration {
	if g.Live() {
		return 100 * time.Millisecond
	}
	return 5 * time.Millisecond
}

// orphansOf lists the mock's runners the state file does not hold.
func orphansOf(t *testing.T, g *acctest.GitLab, c *cli) []acctest.Runner {
	t.Helper()
	runners, err := acctest.RunnersInStateFile(filepath.Join(c.dir, "terraform.tfstate"), "gitlabrunner_user_runner")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range runners {
		known[r.ID] = true
	}
	var out []acctest.Runner
	for _, r := range g.Runners(t) {
		if !known[fmt.Sprint(r.ID)] {
			out = append(out, r)
		}
	}
	return out
}

// TestAccInterrupt_ctrlC: SIGINT 1 s into a 100-runner apply while creates
// are in flight and GitLab finishes them anyway. The interrupted apply saves
// every runner GitLab created (a create caught half-way stays tainted), and
// the next apply converges: 0 orphans, state == server.
func TestAccInterrupt_ctrlC(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	const n = 100
	f := startFleetApply(t, n, 800*time.Millisecond)
	g, proxy, c, run := f.g, f.proxy, f.c, f.run
	// About 1 s into the creates (a first batch has finished), GitLab's
	// answers to creates stop reaching the provider: GitLab creates the
	// runners, the provider waits. Terraform then tells the provider to stop
	// whenever it gets to it — on a loaded machine that took longer than a
	// create (Terraform 1.11.4 in CI), and a create answered meanwhile was
	// not caught half-way.
	f.waitUntil(t, "create", func() bool { return g.Stats().Requests("POST /user/runners") > 0 })
	time.Sleep(time.Second)
	proxy.HoldAnswers(http.MethodPost, "/api/v4/user/runners")
	f.waitUntil(t, "creates in flight", func() bool { return proxy.AnswersHeld() >= inFlight })
	caught := proxy.AnswersHeld()
	if err := run.interrupt(); err != nil {
		t.Fatal(err)
	}
	out, err := run.wait(2 * time.Minute)
	if err == nil {
		t.Fatalf("the interrupted apply succeeded: the interrupt came too late to prove anything\n%s", tailLines(out, 30))
	}
	interrupted := strings.Count(out, "Error: Runner Creation Interrupted")
	orphaned := orphansOf(t, g, c)
	t.Logf("Ctrl-C: %d of %d runners created, %d creates interrupted, %d runners not in state after the interrupted apply",
		len(g.Runners(t)), n, interrupted, len(orphaned))
	if interrupted < caught {
		t.Errorf("%d creates reported as interrupted, but GitLab had created %d runners whose answers the provider never got\n%s",
			interrupted, caught, tailLines(out, 40))
	}
	for _, bad := range []string{"Unable to Confirm Runner Creation", "got no answer from GitLab", "context canceled"} {
		if strings.Contains(out, bad) {
			t.Errorf("the interrupted apply says %q:\n%s", bad, tailLines(out, 60))
		}
	}
	if len(orphaned) != 0 {
		for _, r := range orphaned {
			t.Errorf("runner %d (%q) exists in GitLab but not in the state of the interrupted apply", r.ID, r.Description)
		}
	}

	// The next apply converges.
	proxy.Release()
	c.run(false, "apply", "-auto-approve")
	rep, err := agreeWithStateFile(t, g, c)
	if err != nil {
		t.Fatalf("after the next apply: %v", err)
	}
	if rep.StateRunners != n || rep.MockRunners != n || rep.TokensVerified != n {
		t.Errorf("after the next apply: %+v, want %d runners in state and mock, every token verified", rep, n)
	}
	t.Logf("after the next apply: %d runners in state, %d in the mock, 0 orphans, %d tokens verified", rep.StateRunners, rep.MockRunners, rep.TokensVerified)
}

// TestAccInterrupt_providerKilled: SIGKILL of the provider plugin in the
// middle of an apply of 60 runners. The proxy holds the requests sent after
// the kill was decided (and lets the ones already sent finish), so that the
// kill leaves creates half-way: runners that exist with their creation
// marker and that no state holds. An apply right after leaves them (another
// apply could be creating them); once their markers have expired, the next
// apply that creates a runner in the group deletes them: 0 orphans.
//
// Not covered, because nothing can recognise it: a kill after GitLab applied
// the PUT that removes a marker but before Terraform received the create's
// answer (the reliability guide says so).
func TestAccInterrupt_providerKilled(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	const n = 60
	f := startFleetApply(t, n, 300*time.Millisecond)
	g, proxy, c, run := f.g, f.proxy, f.c, f.run
	f.waitUntil(t, "20th runner", func() bool { return len(g.Runners(t)) >= 20 })
	// In the middle of the next POSTs: held, their PUTs leave half-way creates.
	f.waitUntil(t, "creates in flight", func() bool { return proxy.Forwarding() >= inFlight })
	proxy.Hold()
	for proxy.Forwarding() > 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the provider hands the answers it got to Terraform
	pids := run.providerPIDs()
	if len(pids) == 0 {
		t.Fatal("no provider process to kill")
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	out, err := run.wait(2 * time.Minute)
	if err == nil {
		t.Fatalf("the apply whose provider was killed succeeded\n%s", tailLines(out, 30))
	}
	proxy.Release()
	orphaned := orphansOf(t, g, c)
	marked := 0
	for _, r := range orphaned {
		if strings.Contains(r.Description, "[terraform-create:") {
			marked++
		}
	}
	t.Logf("SIGKILL of %d provider process(es): %d runners in the mock, %d not in state (%d carrying their creation marker)",
		len(pids), len(g.Runners(t)), len(orphaned), marked)
	if marked == 0 {
		t.Fatalf("the kill left no half-way create: the test proves nothing (orphans: %d)", len(orphaned))
	}

	// Right away the markers have not expired: an apply may still be
	// creating those runners, so the next apply leaves them, and says why.
	next := c.run(false, "apply", "-auto-approve")
	if got := len(orphansOf(t, g, c)); got != len(orphaned) || !strings.Contains(next, "Runners With a Recent Creation Marker") {
		t.Errorf("an apply right after the kill must leave the %d unexpired markers alone and name them; %d orphans now:\n%s",
			len(orphaned), got, tailLines(next, 40))
	}
	// Past the create time limit (3 x total_request_timeout) and the margin,
	// GitLab's clock (the mock's) says they are abandoned: the next apply
	// that creates a runner in the group deletes them first.
	if g.Live() {
		t.Logf("live mode: the rest (an apply once the markers expired) needs %s", acctest.MockClock)
		return
	}
	g.Mock(t, acctest.MockClock).Clock.Advance(12 * time.Minute)
	c.write("main.tf", fleetCLIConfig(proxy.URL, g.OwnerToken(t), g.GroupID(t), n+1, g.Name("")))
	later := c.run(false, "apply", "-auto-approve")
	if !strings.Contains(later, "Deleted Unfinished Runners") {
		t.Errorf("the apply after the markers expired should name the runners it deleted:\n%s", tailLines(later, 40))
	}
	rep, err := agreeWithStateFile(t, g, c)
	if err != nil {
		t.Fatalf("after the markers expired: %v", err)
	}
	if rep.StateRunners != n+1 || rep.MockRunners != n+1 {
		t.Errorf("after the markers expired: %+v, want %d runners in state and in the mock", rep, n+1)
	}
	t.Logf("after the markers expired: %d runners in state, %d in the mock, 0 orphans", rep.StateRunners, rep.MockRunners)
}
