package userrunner

// The evidence of recovery.go, property by property: each test leaves a
// genuine orphan beside runners that lack one proof each, lets another
// provider process of the same machine look with unfinished_runners =
// "delete" in an apply operation, and wants only the genuine orphan gone —
// so that a test passes only while the recovery does act.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

// machine is a mock and the journal directory of one machine's provider
// processes.
type machine struct {
	t     *testing.T
	m     *acctest.Mock
	dir   string
	scope diagnostics.RunnerScope
}

func newMachine(t *testing.T, opts ...acctest.MockOption) *machine {
	m := acctest.StartMock(t, opts...)
	return &machine{t: t, m: m, dir: t.TempDir(), scope: diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeGroup, GroupID: m.Seed.Group.ID}}
}

// process is a provider process of the machine, as the user of token,
// reaching the mock at baseURL ("" for the mock itself).
func (mc *machine) process(token, mode, baseURL string) *userRunnerResource {
	if baseURL == "" {
		baseURL = mc.m.URL()
	}
	r := testResourceAt(mc.t, mc.m, baseURL, token)
	useJournalDir(r, mc.dir)
	r.Data.UnfinishedRunners = mode
	return r
}

// leftBehind is what a create of a process that dies after its POST was
// answered leaves: a runner with the create's marker, and the process's
// journal saying so. With finished the create's last PUT was applied too
// (the marker is gone), but the process died before handing the runner to
// Terraform.
func (mc *machine) leftBehind(p *userRunnerResource, description string, finished bool) int64 {
	mc.t.Helper()
	c, id := mc.send(p, description)
	c.journal(context.Background(), journalEvent{Ev: "created", ID: id})
	if finished {
		mc.describe(id, description)
	}
	mc.die(p)
	return id
}

// send is the start of a create of p: journaled, and its POST applied.
func (mc *machine) send(p *userRunnerResource, description string) (*creation, int64) {
	mc.t.Helper()
	ctx := context.Background()
	if _, err := p.listScope(ctx, mc.scope); err != nil { // learns GitLab's time, as the recovery's list does
		mc.t.Fatal(err)
	}
	c, err := p.newCreation(ctx, mc.scope, description)
	if err != nil {
		mc.t.Fatal(err)
	}
	c.journalSent(ctx)
	return c, mc.create(p, markedDescription(description, c.marker))
}

// die ends a process: the kernel releases the locks of its journal and of
// the journals it took over.
func (mc *machine) die(p *userRunnerResource) {
	j := p.journal()
	if j.own != nil {
		_ = j.own.f.Close()
	}
	for _, jf := range j.taken {
		_ = jf.f.Close()
	}
}

// create makes a group runner with description as the user of p's token.
func (mc *machine) create(p *userRunnerResource, description string) int64 {
	mc.t.Helper()
	gid := mc.scope.GroupID
	tok, err := p.Data.Client.CreateUserRunner(context.Background(), gitlabapi.CreateUserRunnerOptions{
		RunnerType: gitlabapi.RunnerTypeGroup, GroupID: &gid, RunnerAttributes: gitlabapi.RunnerAttributes{Description: &description}})
	if err != nil {
		mc.t.Fatal(err)
	}
	return tok.ID
}

// describe sets a runner's description behind the provider's back.
func (mc *machine) describe(id int64, description string) {
	mc.t.Helper()
	if err := mc.m.Store().UpdateRunner(id, func(r *store.RunnerRecord) { r.Description = description }); err != nil {
		mc.t.Fatal(err)
	}
}

// look runs the recovery of the group as p, in an operation of kind op.
func (mc *machine) look(p *userRunnerResource, op recoveryOp) string {
	_, diags := p.recoverScope(context.Background(), mc.scope, op, nil)
	return acctest.DiagText(diags)
}

// wantRunners checks which runners exist.
func (mc *machine) wantRunners(want map[int64]bool, diags string) {
	mc.t.Helper()
	for id, exists := range want {
		if _, ok := mc.m.Store().Runner(id); ok != exists {
			mc.t.Errorf("runner %d exists = %v, want %v\n%s", id, ok, exists, diags)
		}
	}
}

// A process's journal proves its unfinished creates abandoned once it has
// ended: the runner that still carries its marker and the one whose last PUT
// was applied are deleted; a runner of a process still running is not.
func TestRecoveryByJournal(t *testing.T) {
	t.Parallel()
	mc := newMachine(t)
	token := mc.m.Seed.Group.OwnerToken
	dead := mc.process(token, "", "")
	marked := mc.leftBehind(dead, "fleet r001", false)
	finished := mc.leftBehind(mc.process(token, "", ""), "fleet r002", false)
	mc.describe(finished, "fleet r002") // its last PUT was applied: the marker is gone
	running := mc.process(token, "", "")
	_, inFlight := mc.send(running, "fleet r003") // its process runs on (runtime.KeepAlive below)
	handed := mc.leftBehind(mc.process(token, "", ""), "fleet r004", false)
	// This one reached Terraform before its process ended: the journal says so.
	hander := mc.process(token, "", "")
	hc, inState := mc.send(hander, "fleet r005")
	hc.journal(context.Background(), journalEvent{Ev: "created", ID: inState})
	hc.saved = inState
	hc.handOver(context.Background())
	mc.die(hander)

	judge := mc.process(token, providerdata.UnfinishedDelete, "")
	diags := mc.look(judge, opApply)
	mc.wantRunners(map[int64]bool{marked: false, finished: false, handed: false, inFlight: true, inState: true}, diags)
	for _, want := range []string{"Deleted Unfinished Runners", fmt.Sprintf("runner %d", marked), fmt.Sprintf("runner %d", finished),
		"local journal", "Runners Whose Create May Still Be Running", fmt.Sprintf("runner %d", inFlight), "still creating it"} {
		if !strings.Contains(diags, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, diags)
		}
	}
	if strings.Contains(diags, fmt.Sprintf("runner %d", inState)) {
		t.Errorf("the runner handed to Terraform is named:\n%s", diags)
	}
	runtime.KeepAlive(running) // its journal's file, and so its lock, lives as long as the process
}

// Without a journal, a runner is abandoned when it is older than its
// create's time limit on GitLab's clock and on this machine's: GitLab's Date
// alone (a hop that re-dates answers) or this machine's clock alone is not
// enough.
func TestRecoveryByAgeNeedsBothClocks(t *testing.T) {
	t.Parallel()
	mc := newMachine(t)
	token := mc.m.Seed.Group.OwnerToken
	orphan := mc.leftBehind(mc.process(token, "", ""), "fleet r001", false)
	if err := removeJournals(t, mc.dir); err != nil { // another machine made it
		t.Fatal(err)
	}
	life := createTimeLimit(mc.process(token, "", "").Data.Client) + markerMargin

	redating := acctest.StartProxy(t, mc.m.URL())
	redating.Redate = 2 * life
	ahead := mc.process(token, providerdata.UnfinishedDelete, redating.URL)
	diags := mc.look(ahead, opApply)
	mc.wantRunners(map[int64]bool{orphan: true}, diags)
	if !strings.Contains(diags, "may still be running") {
		t.Errorf("GitLab's Date alone made the runner old:\n%s", diags)
	}

	fast := mc.process(token, providerdata.UnfinishedDelete, "")
	fast.Data.Clock = func() time.Time { return mc.m.Now().Add(2 * life) }
	diags = mc.look(fast, opApply)
	mc.wantRunners(map[int64]bool{orphan: true}, diags)

	mc.m.Clock.Advance(life + time.Minute)
	diags = mc.look(mc.process(token, providerdata.UnfinishedDelete, ""), opApply)
	mc.wantRunners(map[int64]bool{orphan: false}, diags)
	if !strings.Contains(diags, "older than its create's time limit") {
		t.Errorf("diagnostics:\n%s", diags)
	}
}

// removeJournals deletes the machine's journal files: the runner was left
// by another machine.
func removeJournals(t *testing.T, dir string) error {
	t.Helper()
	entries, err := os.ReadDir(dir)
	for _, e := range entries {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return err
}

// Runners that lack one proof each are never deleted, beside a genuine
// orphan that is.
func TestRecoveryKeepsWhatIsNotProvablyOurs(t *testing.T) {
	t.Parallel()
	mc := newMachine(t)
	admin, owner := mc.m.Seed.AdminToken, mc.m.Seed.Group.OwnerToken
	dead := mc.process(admin, "", "")
	key, _ := dead.markerKey()
	orphan := mc.leftBehind(dead, "fleet r001", false)
	genuine, _ := mc.m.Store().Runner(orphan)
	forged := strings.Replace(genuine.Description, genuine.Description[len(genuine.Description)-33:len(genuine.Description)-1],
		strings.Repeat("0", 32), 1)

	cases := map[string]int64{
		// A person wrote it: the MAC does not verify.
		"forged": mc.create(dead, forged),
		// The genuine marker, copied into the middle of a description.
		"middle": mc.create(dead, genuine.Description+" (copy)"),
		// The genuine description, copied onto a runner the group owner makes.
		"other creator": mc.create(mc.process(owner, "", ""), genuine.Description),
	}
	// Left behind like the genuine one, but a host registered with it.
	registered := mc.leftBehind(mc.process(admin, "", ""), "fleet r002", false)
	rec, _ := mc.m.Store().Runner(registered)
	if mc.m.VerifyStatus(t, rec.Token, "s_registered01") != 200 {
		t.Fatal("verify failed")
	}
	cases["registered"] = registered
	// GitLab 15.10 to 17.x: the verify filed the manager but recorded no contact.
	managed := mc.leftBehind(mc.process(admin, "", ""), "fleet r003", false)
	if err := mc.m.Store().UpdateRunner(managed, func(r *store.RunnerRecord) {
		r.Managers = append(r.Managers, store.ManagerRecord{ID: 99, SystemID: "s_registered02", CreatedAt: mc.m.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	cases["manager without contact"] = managed
	// A runner made an hour before, given the genuine description since.
	mc.m.Clock.Advance(-time.Hour)
	older := mc.create(dead, "older")
	mc.m.Clock.Advance(time.Hour)
	mc.describe(older, genuine.Description)
	cases["created before its marker"] = older
	// A marker made with the key for another group.
	other := diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeGroup, GroupID: mc.m.Seed.Subgroup.ID}
	om, _ := newCreationMarker(key, other, "fleet", mc.m.Now(), time.Minute)
	cases["another scope's marker"] = mc.create(dead, markedDescription("fleet", om))
	mc.die(dead)

	diags := mc.look(mc.process(admin, providerdata.UnfinishedDelete, ""), opApply)
	want := map[int64]bool{orphan: false}
	for _, id := range cases {
		want[id] = true
	}
	mc.wantRunners(want, diags)
	for what, why := range map[string]string{
		"registered":                "a runner host has contacted GitLab",
		"manager without contact":   "a runner host has registered with its token",
		"other creator":             "created by another user (demo-owner)",
		"created before its marker": "not when its creation marker says",
	} {
		if !strings.Contains(diags, fmt.Sprintf("runner %d", cases[what])) || !strings.Contains(diags, why) {
			t.Errorf("%s: the warning should name runner %d and say %q:\n%s", what, cases[what], why, diags)
		}
	}
}

// Without created_at and created_by (GitLab before 18.0) nothing is
// proven: the runner is only named.
func TestRecoveryNeedsCreatedAtAndCreatedBy(t *testing.T) {
	t.Parallel()
	mc := newMachine(t, acctest.WithVersion("17.11.0-ee"))
	token := mc.m.Seed.Group.OwnerToken
	orphan := mc.leftBehind(mc.process(token, "", ""), "fleet r001", false)
	diags := mc.look(mc.process(token, providerdata.UnfinishedDelete, ""), opApply)
	mc.wantRunners(map[int64]bool{orphan: true}, diags)
	if !strings.Contains(diags, "GitLab does not show when and by whom it was created") {
		t.Errorf("diagnostics:\n%s", diags)
	}
}

// A plan or refresh never deletes, even with unfinished_runners = "delete":
// it says what the next apply does. An apply operation that creates nothing
// (an update) deletes with "delete", and with "report" (the default) only
// names them.
func TestRecoveryDeletesOnlyInApplyOperations(t *testing.T) {
	t.Parallel()
	mc := newMachine(t)
	token := mc.m.Seed.Group.OwnerToken
	orphan := mc.leftBehind(mc.process(token, "", ""), "fleet r001", false)

	diags := mc.look(mc.process(token, providerdata.UnfinishedDelete, ""), opPlan)
	mc.wantRunners(map[int64]bool{orphan: true}, diags)
	if !strings.Contains(diags, "Unfinished Runners Found") || !strings.Contains(diags, "deletes the others") {
		t.Errorf("the plan should say what the apply will do:\n%s", diags)
	}
	reporter := mc.process(token, "", "")
	diags = mc.look(reporter, opApply)
	mc.die(reporter)
	mc.wantRunners(map[int64]bool{orphan: true}, diags)
	if !strings.Contains(diags, "Unfinished Runners Found") || !strings.Contains(diags, "are kept (unfinished_runners = \"report\")") {
		t.Errorf("the default reports:\n%s", diags)
	}
	diags = mc.look(mc.process(token, providerdata.UnfinishedDelete, ""), opApply)
	mc.wantRunners(map[int64]bool{orphan: false}, diags)
}

// A create whose description is an orphan's adopts it: no POST, the
// orphan's id, a fresh token that works, the description restored, and a
// warning that says the token was rotated because the original was lost.
// Two creates never adopt the same orphan. Terraform plans a create again in
// the process that applies it: the plan's look must not keep the apply from
// adopting.
func TestCreateAdoptsOrphan(t *testing.T) {
	t.Parallel()
	mc := newMachine(t)
	token := mc.m.Seed.Group.OwnerToken
	orphan := mc.leftBehind(mc.process(token, "", ""), "fleet r001", false)
	finished := mc.leftBehind(mc.process(token, "", ""), "fleet r002", true)
	r := mc.process(token, "", "")
	if diags := mc.look(r, opPlan); !strings.Contains(diags, "Unfinished Runners Found") {
		t.Fatalf("the plan should name the runners left behind:\n%s", diags)
	}
	mc.m.Stats().Reset()

	var wg sync.WaitGroup
	got := make([]userRunnerModel, 3)
	diags := make([]string, 3)
	for i, desc := range []string{"fleet r001", "fleet r001", "fleet r002"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], diags[i] = create(t, r, plannedGroupRunner(mc.scope.GroupID, desc))
		}()
	}
	wg.Wait()
	adopted := map[string]bool{}
	for i := range got {
		rec, ok := mc.m.Store().Runner(parseID(t, got[i].ID.ValueString()))
		if !ok || got[i].Token.ValueString() != rec.Token || strings.Contains(rec.Description, "[terraform-create") {
			t.Fatalf("create %d: state %+v does not agree with the mock %+v", i, got[i], rec)
		}
		if strings.Contains(diags[i], "Adopted a Runner Left by an Unfinished Create") {
			adopted[got[i].ID.ValueString()] = true
			for _, want := range []string{"token was rotated", "original token was lost"} {
				if !strings.Contains(diags[i], want) {
					t.Errorf("the adoption warning should say %q:\n%s", want, diags[i])
				}
			}
		}
	}
	if len(adopted) != 2 || !adopted[fmt.Sprint(orphan)] || !adopted[fmt.Sprint(finished)] {
		t.Errorf("adopted %v, want runners %d and %d once each\n%s", adopted, orphan, finished, strings.Join(diags, "\n"))
	}
	if n := mc.m.Stats().Requests("POST /user/runners"); n != 1 {
		t.Errorf("%d POST /user/runners, want 1 (the second create of fleet r001)", n)
	}
	if n := mc.m.Stats().Requests("GET /groups/:id/runners"); n != 0 {
		t.Errorf("the creates listed the group %d times after the plan's look, want 0: one list per scope and process", n)
	}
	if ids := mc.m.Store().RunnerIDs(); len(ids) != 3 {
		t.Errorf("the mock holds %v, want 3 runners", ids)
	}
}

func parseID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}
