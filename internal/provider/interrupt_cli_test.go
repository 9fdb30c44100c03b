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
func agreeWithStateFile(t *testing.T, g *acctest.GitLab, c *cli, outside ...int64) (acctest.AgreementReport, error) {
	t.Helper()
	runners, err := acctest.RunnersInStateFile(filepath.Join(c.dir, "terraform.tfstate"), "gitlabrunner_user_runner")
	if err != nil {
		t.Fatal(err)
	}
	return g.Agreement(t, runners, outside...)
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
// middle of an apply of 30 runners, while the proxy holds the PUTs that
// finish creates: the kill leaves creates half-way, runners that exist with
// their creation marker and that no state holds; the held PUTs, applied
// after the kill, leave runners without it (as a kill right after the last
// step would). An apply that
// creates nothing (-refresh-only) names them and leaves them; the next apply
// adopts every one of them, minting new tokens: state and mock agree.
func TestAccInterrupt_providerKilled(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	const n = 30
	f := startFleetApply(t, n, 300*time.Millisecond)
	g, proxy, c, run := f.g, f.proxy, f.c, f.run
	// An 11th runner means a create of the first batch has finished: the
	// state will hold runners of the group, which the refresh below reads.
	f.waitUntil(t, "11th runner", func() bool { return len(g.Runners(t)) > parallelism })
	// From now on the PUTs that finish creates wait at the proxy: their
	// runners exist with their marker when the provider dies (and those
	// POSTs still in flight are applied, their answers never read).
	proxy.HoldRequests(http.MethodPut, "/api/v4/runners/")
	f.waitUntil(t, "creates between their POST and their PUT", func() bool { return proxy.RequestsHeld() >= inFlight })
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
	// GitLab applies the held PUTs late: those runners lose their marker.
	proxy.Release()
	f.waitUntil(t, "the held PUTs applied", func() bool { return proxy.RequestsHeld() == 0 && proxy.Forwarding() == 0 })
	orphaned := orphansOf(t, g, c)
	t.Logf("SIGKILL of %d provider process(es): %d runners in the mock, %d not in state", len(pids), len(g.Runners(t)), len(orphaned))
	if len(orphaned) == 0 {
		t.Fatalf("the kill left no half-way create: the test proves nothing")
	}

	// An apply that creates nothing finds them, names them, and keeps them.
	refresh := c.run(false, "apply", "-refresh-only", "-auto-approve")
	if got := len(orphansOf(t, g, c)); got != len(orphaned) || !strings.Contains(refresh, "Unfinished Runners Found") {
		t.Errorf("an apply that creates nothing must name the %d runners left behind and keep them; %d now:\n%s",
			len(orphaned), got, tailLines(refresh, 40))
	}

	// One more apply adopts them all: no POST for them, one token reset each.
	g.Stats().Reset()
	before := len(g.Runners(t))
	next := c.run(false, "apply", "-auto-approve")
	rep, err := agreeWithStateFile(t, g, c)
	if err != nil {
		t.Fatalf("after the next apply: %v\n%s", err, tailLines(next, 60))
	}
	if rep.StateRunners != n || rep.MockRunners != n || rep.TokensVerified != n {
		t.Errorf("after the next apply: %+v, want %d runners in state and in the mock, every token verified", rep, n)
	}
	resets, posts := g.Stats().Requests("POST /runners/:id/reset_authentication_token"), g.Stats().Requests("POST /user/runners")
	if resets != len(orphaned) || posts != n-before {
		t.Errorf("%d token resets and %d creates, want one reset per runner left behind (%d) and a create for each runner "+
			"that never existed (%d)", resets, posts, len(orphaned), n-before)
	}
	for _, want := range []string{"Adopted a Runner Left by an Unfinished Create", "token was rotated", "original token was lost"} {
		if !acctest.Words(want).MatchString(next) { // Terraform wraps the text
			t.Errorf("the apply should say %q:\n%s", want, tailLines(next, 40))
		}
	}
	t.Logf("after the next apply: %d runners in state, %d in the mock, %d adopted, %d created, 0 orphans", rep.StateRunners, rep.MockRunners, resets, posts)
}

// parallelism is Terraform's default: how many creates run at once.
const parallelism = 10

// TestAccInterrupt_lateCreatesAfterCtrlC: SIGINT while 10 creates of a
// 20-runner apply wait at a proxy that has not passed them on; GitLab
// applies them only after the interrupted apply has given up looking for
// them and ended (here: once it has exited, about 15 s late). The next apply
// adopts every one of those runners: state and mock agree.
func TestAccInterrupt_lateCreatesAfterCtrlC(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	const n = 20
	g := acctest.NewGitLab(t)
	proxy := acctest.StartProxy(t, g.URL())
	proxy.HoldRequests(http.MethodPost, "/api/v4/user/runners")
	c := newCLI(t, map[string]string{"main.tf": fleetCLIConfig(proxy.URL, g.OwnerToken(t), g.GroupID(t), n, g.Name(""))}, nil)
	f := &fleetApply{g: g, proxy: proxy, c: c, run: c.start("apply", "-auto-approve")}
	f.waitUntil(t, "a batch of creates waiting at the proxy", func() bool { return proxy.RequestsHeld() >= parallelism })
	if err := f.run.interrupt(); err != nil {
		t.Fatal(err)
	}
	out, err := f.run.wait(2 * time.Minute)
	if err == nil || !strings.Contains(out, "Runner Creation Interrupted") {
		t.Fatalf("the interrupted apply should fail, saying so (err %v):\n%s", err, tailLines(out, 30))
	}
	late := proxy.RequestsHeld()
	if len(g.Runners(t)) != 0 {
		t.Fatalf("GitLab created runners before the proxy passed the creates on: %d", len(g.Runners(t)))
	}
	proxy.Release()
	f.waitUntil(t, "the late creates applied", func() bool { return len(g.Runners(t)) == late })
	t.Logf("Ctrl-C: %d creates applied by GitLab after the interrupted apply ended", late)

	g.Stats().Reset()
	next := c.run(false, "apply", "-auto-approve")
	rep, err := agreeWithStateFile(t, g, c)
	if err != nil {
		t.Fatalf("after the next apply: %v\n%s", err, tailLines(next, 60))
	}
	if rep.StateRunners != n || rep.MockRunners != n || rep.TokensVerified != n {
		t.Errorf("after the next apply: %+v, want %d runners in state and in the mock, every token verified", rep, n)
	}
	resets, posts := g.Stats().Requests("POST /runners/:id/reset_authentication_token"), g.Stats().Requests("POST /user/runners")
	if resets != late || posts != n-late {
		t.Errorf("%d token resets and %d creates, want %d adoptions and %d creates", resets, posts, late, n-late)
	}
	if !acctest.Words("Adopted a Runner Left by an Unfinished Create").MatchString(next) || !acctest.Words("original token was lost").MatchString(next) {
		t.Errorf("the apply should name the adopted runners:\n%s", tailLines(next, 40))
	}
	t.Logf("after the next apply: %d runners in state, %d in the mock, %d adopted, 0 orphans", rep.StateRunners, rep.MockRunners, resets)
}

// TestAccInterrupt_redatedAnswersDoNotExpireAnotherApply: an apply whose
// answers a hop dates 15 minutes ahead (unfinished_runners = "delete") runs
// while another apply on another machine is finishing 10 runners in the
// same group. Their markers must not look expired: the other apply's runners
// stay, and it finishes. GitLab's clock is real time here, as this machine's.
func TestAccInterrupt_redatedAnswersDoNotExpireAnotherApply(t *testing.T) {
	acctest.PreCheck(t)
	acctest.CLIIndependent(t, "the provider's judgement of another apply's runners; both applies succeed, nothing is interrupted")
	t.Parallel()
	const n = 10
	g := acctest.NewGitLab(t, acctest.WithRealClock())
	slow := acctest.StartProxy(t, g.URL())
	slow.HoldRequests(http.MethodPut, "/api/v4/runners/")
	finishing := newCLI(t, map[string]string{"main.tf": fleetCLIConfig(slow.URL, g.OwnerToken(t), g.GroupID(t), n, g.Name(""))}, nil)
	run := finishing.start("apply", "-auto-approve")
	f := &fleetApply{g: g, proxy: slow, c: finishing, run: run}
	f.waitUntil(t, "every create between its POST and its PUT", func() bool { return slow.RequestsHeld() == n })

	redating := acctest.StartProxy(t, g.URL())
	redating.Redate = 15 * time.Minute
	other := newCLI(t, map[string]string{"main.tf": fmt.Sprintf(`terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}

provider "gitlabrunner" {
  base_url           = %q
  token              = %q
  unfinished_runners = "delete"
}

resource "gitlabrunner_user_runner" "other" {
  runner_type = "group_type"
  group_id    = %d
  description = %q
}
`, redating.URL, g.OwnerToken(t), g.GroupID(t), g.Name("other apply"))}, nil)
	out := other.run(false, "apply", "-auto-approve")
	if got := len(g.Runners(t)); got != n+1 {
		t.Fatalf("the re-dated apply left %d runners, want the other apply's %d and its own:\n%s", got, n, tailLines(out, 40))
	}
	if !strings.Contains(out, "Runners Whose Create May Still Be Running") {
		t.Errorf("the re-dated apply should name the runners it leaves to the other apply:\n%s", tailLines(out, 40))
	}

	slow.Release()
	if out, err := run.wait(2 * time.Minute); err != nil {
		t.Fatalf("the other apply failed: %v\n%s", err, tailLines(out, 40))
	}
	theirs, _ := acctest.RunnersInStateFile(filepath.Join(other.dir, "terraform.tfstate"), "gitlabrunner_user_runner")
	if _, err := agreeWithStateFile(t, g, finishing, stateIDs(t, theirs)...); err != nil {
		t.Errorf("the finished apply: %v", err)
	}
}

// stateIDs are the runner ids of state runners, for Agreement's outside.
func stateIDs(t *testing.T, runners []acctest.StateRunner) []int64 {
	t.Helper()
	var ids []int64
	for _, r := range runners {
		var id int64
		if _, err := fmt.Sscan(r.ID, &id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
