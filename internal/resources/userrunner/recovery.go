package userrunner

// Recovery: runners left behind by creates that never finished.
//
// A create whose provider was killed, or whose POST GitLab applied after the
// provider had given up looking for it, leaves a runner that no state holds,
// carrying the create's marker (marker.go). The first refresh or apply
// operation of a provider process that touches a scope (Read, Create,
// Update, Delete) lists the scope once and looks at every runner whose
// description ends with a marker. (Not the plan of a create: planning stays
// free of requests with early_auth_check = false.) Such a runner is an orphan of
// this configuration only if all of these hold, on evidence no person's
// text, clock skew or malformed answer can fake:
//
//  1. its marker authenticates with this provider's token, for this scope
//     and the description before it (or, without a marker, a journal entry
//     of this machine names its id: its create's last PUT removed the
//     marker);
//  2. GitLab shows when it was created (created_at), within the marker's t
//     and life;
//  3. GitLab shows its creator (created_by), and it is the token's user;
//  4. it was never used: no contact, no runner manager (GitLab before 18.0
//     records no contact when `gitlab-runner register` verifies a glrt-
//     token, but it does create the manager);
//  5. its create is over: the journal of the process that sent it says it
//     ended with the runner not handed to Terraform (journal.go), or the
//     runner is older than the marker's life on both GitLab's clock (the
//     Date of its answers) and this machine's.
//
// An orphan is adopted by a create of the same apply that plans a runner of
// the same scope and description (adopt.go). One that no create adopts is
// reported (unfinished_runners = "report", the default) or, with
// unfinished_runners = "delete", deleted — only by an apply operation, never
// by a plan or refresh. Everything else that looks like one is left alone
// and named in a warning with the reason.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

const unfinishedDelete = providerdata.UnfinishedDelete

// sentTolerance is how much earlier than its marker's t GitLab may record a
// runner's creation: the client's estimate of GitLab's clock is good to
// about a second, and a GitLab behind a load balancer may run several
// clocks.
const sentTolerance = time.Minute

// recoveryOp is the kind of operation that touches a scope.
type recoveryOp int

const (
	// opPlan is a plan or refresh: it only reports.
	opPlan recoveryOp = iota
	// opApply is an apply operation: it adopts, and deletes with
	// unfinished_runners = "delete".
	opApply
)

// orphan is a runner proven to be left by a create of this configuration
// that will never finish.
type orphan struct {
	id          int64
	description string          // as GitLab shows it
	marker      *creationMarker // nil when a journal entry named it
	visible     string          // the description before the marker
	entry       *journalEntry   // the journal entry that proved it, if any
	created     time.Time       // GitLab's created_at
	proof       string          // how it was proven abandoned, for messages
}

// matches reports whether a create of the orphan's scope that wants
// description would have written the orphan's description.
func (o *orphan) matches(description string) bool {
	if o.marker == nil {
		return o.description == description
	}
	return visibleDescription(description, *o.marker) == o.visible
}

func (o *orphan) String() string {
	return fmt.Sprintf("runner %d %q (created %s; %s)", o.id, o.visible, o.created.Format(time.RFC3339), o.proof)
}

// orphanPool holds, per scope, the orphans the creates of this process may
// still adopt; a claim takes one out, so that two creates never adopt the
// same runner.
type orphanPool struct {
	mu      sync.Mutex
	byScope map[string][]*orphan
}

func (p *orphanPool) add(scope diagnostics.RunnerScope, orphans []*orphan) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byScope[scope.String()] = append(p.byScope[scope.String()], orphans...)
}

// claim takes out an orphan of scope a create of description would have
// left, or returns nil.
func (p *orphanPool) claim(scope diagnostics.RunnerScope, description string) *orphan {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.byScope[scope.String()]
	for i, o := range list {
		if o.matches(description) {
			p.byScope[scope.String()] = append(list[:i:i], list[i+1:]...)
			return o
		}
	}
	return nil
}

func (r *userRunnerResource) pool() *orphanPool {
	p, _ := r.Data.Shared("userrunner orphans", func() any { return &orphanPool{byScope: map[string][]*orphan{}} }).(*orphanPool)
	return p
}

func (r *userRunnerResource) journal() *journal {
	j, _ := r.Data.Shared("userrunner journal", func() any { return newJournal() }).(*journal)
	return j
}

// markerKey is the key markers are authenticated with; ok is false when the
// client has no secret to derive it from.
func (r *userRunnerResource) markerKey() ([]byte, bool) {
	return r.Data.Client.DerivedKey(markerKeyPurpose)
}

// scopeRecovery is the recovery of one scope in this provider process: one
// scan (one list) for the first operation that touches the scope, and what
// the first apply operation does with it.
type scopeRecovery struct {
	scanOnce, actOnce sync.Once
	scan              *scopeScan
	reported          bool // a plan operation has reported the scan
}

func (r *userRunnerResource) scopeRecovery(scope diagnostics.RunnerScope) *scopeRecovery {
	sr, _ := r.Data.Shared("userrunner recovery "+scope.String(), func() any { return &scopeRecovery{} }).(*scopeRecovery)
	return sr
}

// recoverScope runs the recovery of scope for an operation: the first
// operation of this provider process that touches the scope scans it and
// reports; the first apply operation then acts (adopts, deletes with
// unfinished_runners = "delete"). A refresh and an apply operation may both
// happen in one process (terraform import, -refresh-only), on one list.
// want, for a create, is the description it plans: the orphan it may adopt
// is claimed for it before anything is deleted.
func (r *userRunnerResource) recoverScope(ctx context.Context, scope diagnostics.RunnerScope, op recoveryOp, want *string) (*orphan, diag.Diagnostics) {
	var diags diag.Diagnostics
	deleteMode := r.Data.UnfinishedRunners == unfinishedDelete
	sr := r.scopeRecovery(scope)
	sr.scanOnce.Do(func() {
		s, d := r.scanScope(ctx, scope, op)
		diags.Append(d...)
		sr.scan = s
		if s != nil && op == opPlan {
			diags.Append(s.report(opPlan, deleteMode)...)
			sr.reported = true
		}
	})
	if op != opApply || sr.scan == nil {
		return nil, diags
	}
	var claimed *orphan
	sr.actOnce.Do(func() {
		s := sr.scan
		s.takeOver(ctx, r.journal(), r.Data.Now())
		if want != nil {
			claimed = s.claim(*want)
		}
		if deleteMode {
			s.deleteOrphans(ctx, r)
		}
		r.pool().add(scope, s.orphans)
		if sr.reported {
			diags.Append(s.actReport()...)
		} else {
			diags.Append(s.report(opApply, deleteMode)...)
		}
		r.journal().tidy(r.Data.Now())
	})
	if claimed == nil && want != nil {
		claimed = r.pool().claim(scope, *want)
	}
	return claimed, diags
}

// scopeNotListed is the summary of the warning that a scope could not be
// listed for the recovery.
const scopeNotListed = "Could Not Look for Unfinished Runners"

// recoveryAfterCreate is what a create reports of the recovery of its scope,
// after its own outcome: all of it, but when the create failed, not that the
// scope could not be listed (the create's error says why, first).
func recoveryAfterCreate(recovery diag.Diagnostics, createFailed bool) diag.Diagnostics {
	if !createFailed {
		return recovery
	}
	var out diag.Diagnostics
	for _, d := range recovery {
		if d.Severity() == diag.SeverityWarning && d.Summary() == scopeNotListed {
			continue
		}
		out = append(out, d)
	}
	return out
}

// scopeScan is what the recovery of one scope found and did.
type scopeScan struct {
	scope   diagnostics.RunnerScope
	entries map[string]*journalEntry // this scope's entries of dead journals, by nonce
	listed  map[int64]bool           // the scope's runners
	seen    map[string]bool          // nonces whose marker a listed runner carries
	orphans []*orphan
	young   []string // proven ours, but their create may still be running
	kept    []string // look like leftovers, but are not provably ours: why
	legacy  []string // markers of earlier provider versions
	deleted []string
	failed  []string
}

// claim takes the orphan a create of description may adopt out of the scan.
func (s *scopeScan) claim(description string) *orphan {
	for i, o := range s.orphans {
		if o.matches(description) {
			s.orphans = append(s.orphans[:i:i], s.orphans[i+1:]...)
			return o
		}
	}
	return nil
}

// scanScope lists the scope and judges every runner that may be a leftover.
// nil when the scope could not be listed (the diagnostics say so in an
// apply operation).
func (r *userRunnerResource) scanScope(ctx context.Context, scope diagnostics.RunnerScope, op recoveryOp) (*scopeScan, diag.Diagnostics) {
	var diags diag.Diagnostics
	runners, err := r.listScope(ctx, scope)
	if err != nil {
		tflog.Warn(ctx, "could not list the scope to look for unfinished runners", map[string]any{
			"scope": scope.String(), "error": gitlabapi.RedactSecrets(err.Error())})
		if op == opApply && diagnostics.Status(err) != 0 {
			diags.AddWarning(scopeNotListed, fmt.Sprintf(
				"The provider lists the runners of %s once, to find the ones left by creates that never finished. The list "+
					"failed: %s. The operation goes on; such runners are looked for again by the next plan or apply.",
				scope, gitlabapi.RedactSecrets(err.Error())))
		}
		return nil, diags
	}
	key, keyOK := r.markerKey()
	view := r.journal().look(ctx, r.Data.Now())
	s := &scopeScan{scope: scope, entries: map[string]*journalEntry{}, listed: map[int64]bool{}, seen: map[string]bool{}}
	byID := map[int64]*journalEntry{}
	if keyOK {
		fingerprint := keyFingerprint(key)
		for _, e := range view.dead {
			if e.key == fingerprint && e.scope == scope.String() {
				s.entries[e.nonce] = e
				for _, id := range e.created {
					byID[id] = e
				}
			}
		}
	}
	jd := &judge{r: r, scope: scope, key: key, live: view.live}
	for _, run := range runners {
		s.listed[run.ID] = true
		desc := ""
		if run.Description != nil {
			desc = *run.Description
		}
		if o := s.candidate(ctx, run.ID, desc, key, byID); o != nil {
			jd.judge(ctx, s, o)
		}
	}
	return s, diags
}

// candidate is the runner as a possible orphan, or nil when it is not one:
// its description ends with a marker that authenticates (and its create has
// not handed it to Terraform), or a journal entry names it. Markers of
// earlier provider versions are noted for the report.
func (s *scopeScan) candidate(ctx context.Context, id int64, desc string, key []byte, byID map[int64]*journalEntry) *orphan {
	if visible, m, ok := parseMarkedDescription(desc); ok {
		if !m.authentic(key, s.scope, visible) {
			// Another token's, a person's, or a runner of a parent group (a
			// group's list shows those too): not this scope's business.
			tflog.Info(ctx, "a runner carries a creation marker that does not authenticate for this scope; left alone",
				map[string]any{"runner_id": id, "scope": s.scope.String()})
			return nil
		}
		s.seen[m.Nonce] = true
		e := s.entries[m.Nonce]
		if e != nil && !e.unfinished(id) {
			return nil // handed to Terraform: a state holds it
		}
		return &orphan{id: id, description: desc, marker: &m, visible: visible, entry: e}
	}
	if hasLegacyMarker(desc) {
		s.legacy = append(s.legacy, fmt.Sprintf("runner %d (%q)", id, desc))
		return nil
	}
	if e := byID[id]; e != nil && e.unfinished(id) {
		s.seen[e.nonce] = true
		return &orphan{id: id, description: desc, visible: desc, entry: e}
	}
	return nil
}

// takeOver takes over, for an apply operation, the dead journals of this
// scope's entries: an orphan whose journal another process on this machine
// has taken meanwhile (or that says it is handed now) is left to it. The
// journals record what needs nothing more: runners that are gone, and
// creates whose marker's life is over with nothing of theirs in the scope.
func (s *scopeScan) takeOver(ctx context.Context, j *journal, now time.Time) {
	taken := map[string]*journalEntry{}
	for nonce, e := range s.entries {
		if t := j.take(ctx, e); t != nil {
			taken[nonce] = t
		}
	}
	kept := s.orphans[:0]
	for _, o := range s.orphans {
		if o.entry != nil {
			t := taken[o.entry.nonce]
			if t == nil || !t.unfinished(o.id) {
				s.young = append(s.young, fmt.Sprintf("runner %d (%q): another provider process on this machine has taken it over",
					o.id, o.description))
				continue
			}
			o.entry = t
		}
		kept = append(kept, o)
	}
	s.orphans = kept
	for nonce, e := range taken {
		for _, id := range e.created {
			if !s.listed[id] && e.unfinished(id) {
				j.settle(ctx, e, id)
			}
		}
		if !s.seen[nonce] && now.After(e.at.Add(e.marker.Life)) {
			j.settle(ctx, e, 0)
		}
	}
}

// judge decides what a possible leftover is, asking GitLab about it.
type judge struct {
	r     *userRunnerResource
	scope diagnostics.RunnerScope
	key   []byte
	live  map[string]bool
}

// judge adds o to the scan as an orphan, a young runner, or a kept one.
func (jd *judge) judge(ctx context.Context, s *scopeScan, o *orphan) {
	why, created := jd.ours(ctx, o)
	if why != "" {
		s.kept = append(s.kept, fmt.Sprintf("runner %d (%q): %s", o.id, o.description, why))
		return
	}
	o.created = created
	m := o.marker
	if m == nil {
		m = &o.entry.marker
	}
	if jd.live[m.Nonce] {
		s.young = append(s.young, fmt.Sprintf("runner %d (%q): a provider process on this machine is still creating it", o.id, o.description))
		return
	}
	if o.entry != nil {
		o.proof = "the provider process that created it has ended without handing it to Terraform (local journal)"
		s.orphans = append(s.orphans, o)
		return
	}
	serverNow, fromServer := jd.r.Data.Client.ServerNow()
	localNow := jd.r.Data.Now()
	if fromServer && serverNow.Sub(created) > m.Life && localNow.Sub(created) > m.Life {
		o.proof = fmt.Sprintf("older than its create's time limit (%s) on GitLab's clock and this machine's", m.Life)
		s.orphans = append(s.orphans, o)
		return
	}
	s.young = append(s.young, fmt.Sprintf("runner %d (%q): its create may still be running until %s (GitLab's time)",
		o.id, o.description, created.Add(m.Life).Format(time.RFC3339)))
}

// ours checks points 1 to 4 of the file comment with GitLab's details of the
// runner; why says which one fails, empty when all hold.
func (jd *judge) ours(ctx context.Context, o *orphan) (why string, created time.Time) {
	client := jd.r.Data.Client
	d, err := client.GetRunner(ctx, o.id)
	if err != nil {
		return "its details could not be read: " + gitlabapi.RedactSecrets(diagnostics.Answer(err)), created
	}
	if d.Description == nil || *d.Description != o.description {
		return "its description changed while the provider looked at it", created
	}
	if o.marker == nil && !inScope(d, jd.scope) {
		return "it is not a runner of " + jd.scope.String(), created
	}
	if d.ContactedAt != nil {
		return "a runner host has contacted GitLab with its token", created
	}
	managers, err := client.ListRunnerManagers(ctx, o.id)
	switch {
	case err != nil:
		return "its runner managers could not be listed: " + gitlabapi.RedactSecrets(diagnostics.Answer(err)), created
	case len(managers) > 0:
		return fmt.Sprintf("a runner host has registered with its token (runner manager %q)", managers[0].SystemID), created
	}
	if d.CreatedAt == nil || d.CreatedBy == nil {
		return "GitLab does not show when and by whom it was created (created_at and created_by, GitLab 18.0 or later)", created
	}
	caller, err := jd.callerID(ctx)
	if err != nil {
		return "the user of this provider's token could not be learnt: " + gitlabapi.RedactSecrets(diagnostics.Answer(err)), created
	}
	if d.CreatedBy.ID != caller {
		return fmt.Sprintf("it was created by another user (%s), not by the user of this provider's token", d.CreatedBy.Username), created
	}
	m := o.marker
	if m == nil {
		m = &o.entry.marker
	}
	created = d.CreatedAt.UTC()
	if created.Before(m.Sent.Add(-sentTolerance)) || created.After(m.Expires()) {
		return fmt.Sprintf("GitLab created it at %s, not when its creation marker says (%s)", created.Format(time.RFC3339),
			m.Sent.Format(time.RFC3339)), created
	}
	return "", created
}

// inScope reports whether GitLab's details put the runner in scope.
func inScope(d *gitlabapi.RunnerDetails, scope diagnostics.RunnerScope) bool {
	if d.RunnerType != scope.Type {
		return false
	}
	switch scope.Type {
	case gitlabapi.RunnerTypeGroup:
		return len(d.Groups) > 0 && d.Groups[0].ID == scope.GroupID
	case gitlabapi.RunnerTypeProject:
		return len(d.Projects) > 0 && d.Projects[0].ID == scope.ProjectID
	}
	return true
}

// callerID is the id of the token's user, learnt once per process: from
// GET /personal_access_tokens/self (any token), else GET /user.
func (jd *judge) callerID(ctx context.Context) (int64, error) {
	type learnt struct {
		id  int64
		err error
	}
	v, _ := jd.r.Data.Shared("userrunner caller", func() any {
		client := jd.r.Data.Client
		tok, err := client.GetOwnAccessToken(ctx)
		if err == nil {
			return learnt{id: tok.UserID}
		}
		if !errors.Is(err, gitlabapi.ErrNotFound) && !errors.Is(err, gitlabapi.ErrBadRequest) {
			return learnt{err: err}
		}
		u, err := client.GetCurrentUser(ctx)
		if err != nil {
			return learnt{err: err}
		}
		return learnt{id: u.ID}
	}).(learnt)
	return v.id, v.err
}

// deleteOrphans deletes the scan's orphans (unfinished_runners = "delete",
// in an apply operation).
func (s *scopeScan) deleteOrphans(ctx context.Context, r *userRunnerResource) {
	for _, o := range s.orphans {
		err := r.Data.Client.DeleteRunner(ctx, o.id)
		if err != nil && !errors.Is(err, gitlabapi.ErrNotFound) {
			s.failed = append(s.failed, fmt.Sprintf("%s: %s", o, gitlabapi.RedactSecrets(diagnostics.Answer(err))))
			continue
		}
		tflog.Warn(ctx, "deleted a runner left by a create that never finished", map[string]any{"runner_id": o.id, "scope": s.scope.String()})
		r.journal().settle(ctx, o.entry, o.id)
		s.deleted = append(s.deleted, o.String())
	}
	s.orphans = nil
}

// actReport is what an apply operation did after a plan operation of the
// same process reported the scan: what it deleted, or failed to.
func (s *scopeScan) actReport() diag.Diagnostics {
	done := &scopeScan{scope: s.scope, deleted: s.deleted, failed: s.failed}
	return done.report(opApply, true)
}

// report turns the scan into warnings.
func (s *scopeScan) report(op recoveryOp, deleteMode bool) diag.Diagnostics {
	var diags diag.Diagnostics
	list := func(items []string) string {
		sort.Strings(items)
		return "\n  - " + strings.Join(items, "\n  - ")
	}
	if len(s.orphans) > 0 {
		var items []string
		for _, o := range s.orphans {
			items = append(items, o.String())
		}
		fate := "An apply that creates a runner with its description in " + s.scope.String() + " adopts it (with a new token: " +
			"the original was lost); the others are kept (unfinished_runners = \"report\"): delete them in GitLab, or import them."
		switch {
		case op == opApply:
			fate = "A create of this apply with its description adopts it (with a new token: the original was lost); the others " +
				"are kept (unfinished_runners = \"report\"): delete them in GitLab, or import them."
		case deleteMode:
			fate = "The next apply that touches " + s.scope.String() + " adopts each into a create with its description (with a " +
				"new token: the original was lost), and deletes the others (unfinished_runners = \"delete\")."
		}
		diags.AddWarning("Unfinished Runners Found", fmt.Sprintf(
			"%d runner(s) in %s were left by creates of this configuration that never finished (a killed provider, or a create "+
				"GitLab applied after the provider had given up on it); no Terraform state holds them. %s%s",
			len(items), s.scope, fate, list(items)))
	}
	if len(s.deleted) > 0 {
		diags.AddWarning("Deleted Unfinished Runners", fmt.Sprintf(
			"%d runner(s) in %s were left by creates of this configuration that never finished, and no create of this apply "+
				"adopts them: they were deleted (unfinished_runners = \"delete\"):%s", len(s.deleted), s.scope, list(s.deleted)))
	}
	if len(s.failed) > 0 {
		diags.AddWarning("Could Not Delete Unfinished Runners", fmt.Sprintf(
			"%d runner(s) in %s were left by creates that never finished, but deleting them failed; delete them in GitLab:%s",
			len(s.failed), s.scope, list(s.failed)))
	}
	if len(s.young) > 0 {
		diags.AddWarning("Runners Whose Create May Still Be Running", fmt.Sprintf(
			"%d runner(s) in %s carry a creation marker of this configuration, but their create may still be running (another "+
				"apply, here or elsewhere), so they are left alone. If none is running, a later plan or apply proves them "+
				"left behind:%s", len(s.young), s.scope, list(s.young)))
	}
	if len(s.kept) > 0 {
		diags.AddWarning("Runners With a Creation Marker Left Alone", fmt.Sprintf(
			"%d runner(s) in %s look like runners left by an unfinished create, but nothing proves that this configuration "+
				"created them and that nobody uses them, so they are never adopted or deleted:%s", len(s.kept), s.scope, list(s.kept)))
	}
	if len(s.legacy) > 0 {
		diags.AddWarning("Runners With an Old Creation Marker", fmt.Sprintf(
			"%d runner(s) in %s carry a creation marker of an earlier version of the provider, which cannot be authenticated: "+
				"they are never adopted or deleted. If no apply of an earlier version is creating them, delete them in GitLab:%s",
			len(s.legacy), s.scope, list(s.legacy)))
	}
	return diags
}
