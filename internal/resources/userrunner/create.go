package userrunner

// Create, made safe against ambiguous failures, interruptions and kills.
//
// A POST /user/runners whose answer is lost (5xx, dropped connection,
// timeout, an answer that cannot be read, Terraform interrupted while it was
// in flight) may nevertheless have created the runner, and its token is then
// unknown. So:
//
//  1. The first operation of a provider process in a scope looks there once
//     for runners left by creates that never finished (recovery.go); a
//     create whose description matches one adopts it (adopt.go) instead of
//     creating another runner. This costs one list per scope and process,
//     and tells the client GitLab's time.
//  2. Before the POST, the create is written to this process's journal
//     (journal.go). The POST carries the creation marker (marker.go) at the
//     end of the description: authenticated with a key derived from the
//     token, it says when the create was sent (GitLab's time) and how long
//     it may take (createTimeLimit plus markerMargin). The whole create runs
//     under that time limit.
//  3. If the client reports gitlabapi.ErrMaybeApplied, find the runner: by
//     the id the answer showed, if any (checked to carry the marker), else
//     by listing the scope and looking for the marker, for a few seconds
//     (lateApplyWaits): GitLab may still apply a request the client gave up
//     on. This lookup runs on a context that survives Terraform's
//     cancellation (Ctrl-C) for interruptGrace more. Found: adopt it, minting
//     a fresh token (reset_authentication_token), since the lost answer's
//     token is unknown; if Terraform is stopping, do not adopt: save the id
//     (tainted) so the next apply replaces it. Not found: the POST did not
//     happen; send it once more with the same marker (not when stopping).
//  4. As soon as a runner id exists it goes into the journal and into state,
//     with its token when there is one, so a failure of a later step leaves
//     a tainted resource Terraform replaces, never an orphaned runner. A
//     tainted runner still carrying its marker keeps the marker in private
//     state, so that its Delete never deletes a runner that another create
//     has adopted since (crud.go).
//  5. After an ambiguous create, any other never-used runner carrying the
//     marker is a late-applied duplicate of a lost request: it is deleted.
//  6. PUT /runners/:id with the full desired attributes: it restores the
//     description (removing the marker) and returns the canonical details.
//     Then the journal records the runner as handed to Terraform, and
//     nothing follows but returning to Terraform.
//
// Without failures a create costs two requests (POST and PUT), plus the one
// list per scope and process.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

const (
	// markerMargin is added to createTimeLimit in a marker's life: it
	// covers the estimate of GitLab's clock (Date headers have a resolution
	// of a second), and a request sent just before the time limit that
	// GitLab is still processing (GitLab ends requests after 60 s).
	markerMargin = 5 * time.Minute
	// interruptGrace is how long the lookup (and the PUT) of a create goes
	// on after Terraform was interrupted: enough for the late-apply waits.
	interruptGrace = 15 * time.Second
)

// createTimeLimit is the longest a create may take, from the POST to the
// PUT that removes its marker: three requests' total_request_timeout (the
// POST, finding the runner again, the PUT), lookups and adoption included.
func createTimeLimit(c *gitlabapi.Client) time.Duration {
	total := c.TotalTimeout()
	if total <= 0 {
		total = gitlabapi.DefaultTotalTimeout
	}
	return 3 * total
}

func (r *userRunnerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.Data.Ready(&resp.Diagnostics) {
		return
	}
	var plan userRunnerModel
	resp.Diagnostics.Append(plan.get(ctx, req.Plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	scope := plan.scope()
	desired := plan.Runner.Text(runnerattrs.Description)
	claimed, recovery := r.recoverScope(ctx, scope, opApply, &desired)
	// The create's own outcome first: what the recovery says comes after it,
	// and a scope it could not list is no news when the create failed too
	// (a project that does not exist, a token not allowed there).
	defer func() { resp.Diagnostics.Append(recoveryAfterCreate(recovery, resp.Diagnostics.HasError())...) }()
	expiry := r.Data.ExpiryChanges()
	started := expiry.CreateStarted()
	defer func() { resp.Diagnostics.Append(intervalChangedMeanwhile(ctx, expiry, started, resp)...) }()

	c, err := r.newCreation(ctx, scope, desired)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Runner", "Could not generate a random creation marker: "+err.Error())
		return
	}
	defer c.handOver(ctx)
	if claimed != nil && c.adoptOrphan(ctx, claimed, &plan, resp) {
		return
	}
	c.create(ctx, &plan, resp)
}

// newCreation prepares one create: its marker and time limit.
func (r *userRunnerResource) newCreation(ctx context.Context, scope diagnostics.RunnerScope, desired string) (*creation, error) {
	client := r.Data.Client
	limit := createTimeLimit(client)
	serverNow, _ := client.ServerNow()
	key, _ := r.markerKey()
	m, err := newCreationMarker(key, scope, desired, serverNow, limit+markerMargin)
	if err != nil {
		return nil, err
	}
	return &creation{r: r, scope: scope, desired: desired, marker: m, keyFP: keyFingerprint(key), parent: ctx,
		deadline: time.Now().Add(limit), limit: limit}, nil
}

// create is a create that adopts nothing: steps 2 to 6 of the file comment.
func (c *creation) create(ctx context.Context, plan *userRunnerModel, resp *resource.CreateResponse) {
	opts, diags := plan.createOptions(ctx, markedDescription(c.desired, c.marker), c.r.Data.Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	c.journalSent(ctx)
	createCtx, cancel := context.WithDeadline(ctx, c.deadline)
	defer cancel()

	id, token, ambiguous, diags := c.createOrAdopt(createCtx, opts)
	resp.Diagnostics.Append(diags...)
	if id > 0 {
		// Save the runner at once: if anything below fails, or nothing
		// follows, Terraform keeps it (tainted) and deletes it on the next
		// apply instead of orphaning it.
		c.save(ctx, plan, id, token, resp)
	}
	if resp.Diagnostics.HasError() {
		if id > 0 {
			c.leaveTainted(ctx, plan, id, resp)
		}
		return
	}

	// From here on the runner exists and Terraform knows it: finish even
	// when Terraform is stopping (for interruptGrace), so that an interrupt
	// leaves a clean resource rather than a tainted one.
	finishCtx, stop := c.recoveryContext()
	defer stop()
	if ambiguous {
		resp.Diagnostics.Append(c.r.deleteLateDuplicates(finishCtx, c.scope, c.marker, id)...)
	}
	c.finish(ctx, finishCtx, plan, id, resp)
}

// save writes the runner id (and token, when there is one) to the state.
func (c *creation) save(ctx context.Context, plan *userRunnerModel, id int64, token *gitlabapi.RunnerToken, resp *resource.CreateResponse) {
	c.saved = id
	plan.ID = types.StringValue(strconv.FormatInt(id, 10))
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
	values := map[string]attr.Value{"id": plan.ID, "runner_type": plan.RunnerType, "group_id": plan.GroupID, "project_id": plan.ProjectID}
	if token != nil {
		plan.applyToken(token)
		values["token"], values["token_expires_at"] = plan.Token, plan.TokenExpiresAt
		resp.Diagnostics.Append(tokenShapeWarning(id, token.Token)...)
	}
	saved, diags := tfvalue.SetAttributes(ctx, objectType(), resp.State.Raw, values)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.State.Raw = saved
	}
}

// finish sends the PUT with the desired attributes (removing the marker) and
// writes the final state.
func (c *creation) finish(ctx, finishCtx context.Context, plan *userRunnerModel, id int64, resp *resource.CreateResponse) {
	upd, diags := plan.Runner.UpdateOptions(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	details, err := c.r.Data.Client.UpdateRunner(finishCtx, id, upd)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure Created Runner", diagnostics.APIError(
			fmt.Sprintf("Runner %d was created in %s, but setting its attributes (PUT /runners/%d)", id, c.scope, id), c.explain(err),
			manageErrorHint(id, err),
			"Terraform has saved the runner in state as tainted: the next apply deletes it and creates a new one."))
		c.keepMarker(ctx, resp, markerRemoval(err))
		return
	}
	plan.applyDetails(details)
	resp.Diagnostics.Append(plan.set(ctx, &resp.State)...)
	tflog.Info(ctx, "created runner", map[string]any{"runner_id": id, "scope": c.scope.String()})
}

// leaveTainted is the end of a create that saved a runner but failed: within
// interruptGrace it sets the runner's attributes, which removes the marker,
// so that nothing can take the runner for one left by an unfinished create;
// private state says whether it did (crud.go's Delete reads it).
func (c *creation) leaveTainted(ctx context.Context, plan *userRunnerModel, id int64, resp *resource.CreateResponse) {
	upd, diags := plan.Runner.UpdateOptions(ctx)
	if diags.HasError() {
		c.keepMarker(ctx, resp, removalNo)
		return
	}
	finishCtx, stop := c.recoveryContext()
	defer stop()
	_, err := c.r.Data.Client.UpdateRunner(finishCtx, id, upd)
	if err != nil {
		tflog.Warn(ctx, "could not remove the creation marker of a runner saved as tainted", map[string]any{
			"runner_id": id, "error": gitlabapi.RedactSecrets(err.Error())})
	}
	c.keepMarker(ctx, resp, markerRemoval(err))
}

// handOver records in the journal that the runner saved in state is
// Terraform's; it runs as Create returns.
func (c *creation) handOver(ctx context.Context) {
	if c.saved > 0 {
		c.journal(ctx, journalEvent{Ev: "handed", ID: c.saved})
	}
}

// journalSent records the create in the journal before its POST.
func (c *creation) journalSent(ctx context.Context) {
	c.journal(ctx, journalEvent{Ev: "sent", Key: c.keyFP, Scope: c.scope.String(), Marker: c.marker.String(), At: c.r.Data.Now().Unix()})
}

// journal records an event of this create in the process's journal.
func (c *creation) journal(ctx context.Context, ev journalEvent) {
	ev.Nonce = c.marker.Nonce
	c.r.journal().record(ctx, ev)
}

// creation is one Create call: where, with which marker, and its time
// limit.
type creation struct {
	r        *userRunnerResource
	scope    diagnostics.RunnerScope
	desired  string // the planned description
	marker   creationMarker
	keyFP    string          // fingerprint of the marker key, for the journal
	parent   context.Context // Terraform's: cancelled when Terraform is interrupted
	deadline time.Time       // local end of the create's time limit
	limit    time.Duration
	saved    int64 // the runner id written to state, if any
}

// interrupted reports that Terraform cancelled the operation (Ctrl-C,
// SIGTERM): it is stopping.
func (c *creation) interrupted() bool { return errors.Is(c.parent.Err(), context.Canceled) }

// recoveryContext is the context of the steps that must not be abandoned
// half-way: it survives Terraform's cancellation for interruptGrace, and
// never outlives the create's time limit.
func (c *creation) recoveryContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithDeadline(context.WithoutCancel(c.parent), c.deadline)
	stop := context.AfterFunc(c.parent, func() { time.AfterFunc(interruptGrace, cancel) })
	return ctx, func() { stop(); cancel() }
}

// explain turns a client error caused by the interruption or by the
// create's time limit into words; other errors are returned as they are.
func (c *creation) explain(err error) error {
	switch {
	case c.interrupted() && errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted by Terraform: %w", err)
	case errors.Is(err, context.DeadlineExceeded) && !time.Now().Before(c.deadline):
		return fmt.Errorf("the create ran out of its time limit (%s, three times total_request_timeout): %w", c.limit, err)
	}
	return err
}

// lateApplyWaits are the pauses between looks for the creation marker after
// a create whose answer was lost: GitLab may still apply a request the
// client gave up on (timeout, proxy 502/504), so "not found at once" is not
// yet "not created". About 10 s in all; only failures pay it.
var lateApplyWaits = []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second}

// lookupSpan is how long the looks of lateApplyWaits take, for messages.
func lookupSpan() time.Duration {
	var d time.Duration
	for _, w := range lateApplyWaits {
		d += w
	}
	return d
}

// awaitMarker looks for the runner carrying marker, repeating the look
// after each of lateApplyWaits.
func (r *userRunnerResource) awaitMarker(ctx context.Context, scope diagnostics.RunnerScope, marker creationMarker) (*gitlabapi.Runner, error) {
	for _, wait := range lateApplyWaits {
		if wait > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
		}
		found, err := r.findByMarker(ctx, scope, marker)
		if err != nil || found != nil {
			return found, err
		}
	}
	return nil, nil
}

// deleteLateDuplicates removes never-used runners other than keep that
// still end with this create's marker: requests whose answer was lost and
// that GitLab applied after the provider had looked. The marker was issued
// by this very process, which is still running the create, so nothing but
// the check that no host uses them is needed. A failure is a warning naming
// the runner: the apply itself succeeded.
func (r *userRunnerResource) deleteLateDuplicates(ctx context.Context, scope diagnostics.RunnerScope, marker creationMarker, keep int64) diag.Diagnostics {
	var diags diag.Diagnostics
	runners, err := r.listScope(ctx, scope)
	if err != nil {
		diags.AddWarning("Could Not Check for Duplicate Runners", fmt.Sprintf(
			"A create request of this runner got no clear answer. Listing the runners of %s to make sure no late duplicate "+
				"exists failed: %s. Check for runners whose description ends with %q and delete them.", scope,
			gitlabapi.RedactSecrets(err.Error()), marker))
		return diags
	}
	for _, dup := range runners {
		if dup.ID == keep || !carries(dup.Description, marker) {
			continue
		}
		if used, why := r.used(ctx, dup.ID); used {
			diags.AddWarning("Duplicate Runner Left Alone", fmt.Sprintf(
				"Runner %d in %s carries the creation marker of runner %d, whose create request got no clear answer, but %s: "+
					"it is left alone. Delete it in GitLab if it is not wanted.", dup.ID, scope, keep, why))
			continue
		}
		tflog.Warn(ctx, "deleting a duplicate runner created by a create request whose answer was lost",
			map[string]any{"runner_id": dup.ID, "kept_runner_id": keep, "marker": marker.String()})
		if err := r.Data.Client.DeleteRunner(ctx, dup.ID); err != nil && !errors.Is(err, gitlabapi.ErrNotFound) {
			diags.AddWarning("Could Not Delete Duplicate Runner", fmt.Sprintf(
				"Runner %d in %s was created by a create request of runner %d whose answer was lost (its description "+
					"ends with %q). Deleting it failed: %s. Delete it in GitLab.", dup.ID, scope, keep, marker, gitlabapi.RedactSecrets(err.Error())))
		}
	}
	return diags
}

// used reports whether a runner may be in use: a host contacted GitLab with
// its token or registered with it (a runner manager), or GitLab could not
// say.
func (r *userRunnerResource) used(ctx context.Context, id int64) (bool, string) {
	d, err := r.Data.Client.GetRunner(ctx, id)
	switch {
	case err != nil:
		return true, "its details could not be read (" + gitlabapi.RedactSecrets(diagnostics.Answer(err)) + ")"
	case d.ContactedAt != nil:
		return true, "a runner host has contacted GitLab with its token"
	}
	managers, err := r.Data.Client.ListRunnerManagers(ctx, id)
	switch {
	case err != nil:
		return true, "its runner managers could not be listed (" + gitlabapi.RedactSecrets(diagnostics.Answer(err)) + ")"
	case len(managers) > 0:
		return true, "a runner host has registered with its token"
	}
	return false, ""
}

// carries reports whether a description ends with exactly this marker.
func carries(description *string, marker creationMarker) bool {
	if description == nil {
		return false
	}
	_, m, ok := parseMarkedDescription(*description)
	return ok && m.String() == marker.String()
}

// createOrAdopt creates the runner, reconciling ambiguous failures as
// described at the top of this file. It returns the runner id and a token
// known to be valid.
//
// ambiguous reports that some create request got no clear answer (so a late
// duplicate may exist); id is set with an error when a runner was found but
// no token could be obtained for it, or Terraform is stopping.
func (c *creation) createOrAdopt(ctx context.Context, opts gitlabapi.CreateUserRunnerOptions) (id int64, token *gitlabapi.RunnerToken, ambiguous bool, diags diag.Diagnostics) {
	client := c.r.Data.Client
	attempted := fmt.Sprintf("Creating %s in %s (POST /user/runners)", c.scope.Kind(), c.scope)

	for attempt := 1; ; attempt++ {
		tok, err := client.CreateUserRunner(ctx, opts)
		if err == nil {
			c.journal(ctx, journalEvent{Ev: "created", ID: tok.ID})
			return tok.ID, tok, ambiguous, diags
		}
		if !errors.Is(err, gitlabapi.ErrMaybeApplied) {
			if !ambiguous {
				c.journal(ctx, journalEvent{Ev: "void"}) // GitLab refused it, or it never left
			}
			switch {
			case c.interrupted():
				diags.AddError("Runner Creation Interrupted", fmt.Sprintf(
					"Terraform was interrupted before the create request of %s in %s reached GitLab: nothing was created. "+
						"The next apply creates the runner.", c.scope.Kind(), c.scope))
			default:
				diags.AddError("Unable to Create Runner", c.r.createErrorDetail(ctx, attempted, c.scope, c.explain(err)))
			}
			return 0, nil, ambiguous, diags
		}
		ambiguous = true
		tflog.Warn(ctx, "the create request may have been applied; looking for the runner by its creation marker",
			map[string]any{"scope": c.scope.String(), "marker": c.marker, "attempt": attempt, "interrupted": c.interrupted()})

		found, lerr := c.find(err)
		if found > 0 {
			c.journal(ctx, journalEvent{Ev: "created", ID: found})
		}
		if lerr != nil {
			diags.AddError(c.unconfirmedSummary(), c.unconfirmed(attempted, err, lerr))
			return 0, nil, ambiguous, diags
		}
		if found > 0 && c.interrupted() {
			diags.AddError("Runner Creation Interrupted", fmt.Sprintf(
				"Terraform was interrupted while creating %s in %s: the create request had reached GitLab, but its answer had "+
					"not arrived. GitLab created runner %d (found by its creation marker %q). Terraform has saved it in state "+
					"as tainted: the next apply deletes it and creates a new one.", c.scope.Kind(), c.scope, found, c.marker))
			return found, nil, ambiguous, diags
		}
		if found > 0 {
			tok, diags := c.adopt(found)
			return found, tok, ambiguous, diags
		}
		if c.interrupted() {
			diags.AddError("Runner Creation Interrupted", fmt.Sprintf(
				"Terraform was interrupted while creating %s in %s: the create request had reached GitLab, but its answer had "+
					"not arrived, and no runner with its creation marker %q appeared within %s. %s The next apply creates "+
					"the runner.", c.scope.Kind(), c.scope, c.marker, lookupSpan(), c.lateRunnerFate()))
			return 0, nil, ambiguous, diags
		}
		if attempt == 2 {
			diags.AddError("Unable to Create Runner", fmt.Sprintf(
				"%s failed twice without a clear answer (last: %s), and no runner with the creation marker %q exists in %s, "+
					"so nothing was created. %s\n\n%s", attempted, gitlabapi.RedactSecrets(c.explain(err).Error()), c.marker, c.scope,
				c.lateRunnerFate(), diagnostics.HintRetryLater))
			return 0, nil, ambiguous, diags
		}
		tflog.Info(ctx, "no runner carries the creation marker: the create did not happen; trying once more",
			map[string]any{"scope": c.scope.String(), "marker": c.marker})
	}
}

// find looks for the runner a create whose answer was lost may have made,
// on a context that survives Terraform's interruption: by the id the answer
// showed (when it carries the marker), else by the marker in the scope's
// list. 0 when there is none.
func (c *creation) find(createErr error) (int64, error) {
	ctx, cancel := c.recoveryContext()
	defer cancel()
	var unusable *gitlabapi.UnusableAnswerError
	if errors.As(createErr, &unusable) && unusable.ID > 0 {
		details, err := c.r.Data.Client.GetRunner(ctx, unusable.ID)
		if err == nil && carries(details.Description, c.marker) {
			return unusable.ID, nil
		}
	}
	found, err := c.r.awaitMarker(ctx, c.scope, c.marker)
	if err != nil || found == nil {
		return 0, err
	}
	return found.ID, nil
}

// lateRunnerFate says what becomes of a runner GitLab creates after the
// provider stopped looking for it.
func (c *creation) lateRunnerFate() string {
	other := "reports it (unfinished_runners = \"report\")"
	if c.r.Data.UnfinishedRunners == unfinishedDelete {
		other = "deletes it (unfinished_runners = \"delete\")"
	}
	return fmt.Sprintf("Should GitLab still create it, it carries that marker. The next plan or apply that touches %s finds "+
		"it — on this machine as soon as this provider process has ended, elsewhere once its create's time is over (%s, "+
		"GitLab's time) — and the next apply adopts it into a create with the same description, or else %s.",
		c.scope, c.marker.Expires().Format(time.RFC3339), other)
}

func (c *creation) unconfirmedSummary() string {
	if c.interrupted() {
		return "Runner Creation Interrupted"
	}
	return "Unable to Confirm Runner Creation"
}

// unconfirmed explains a create whose answer was lost and whose runner could
// not be looked for.
func (c *creation) unconfirmed(attempted string, createErr, listErr error) string {
	if c.interrupted() {
		return fmt.Sprintf("Terraform was interrupted while creating %s in %s: the create request had reached GitLab, but its "+
			"answer had not arrived, and listing the runners of %s to find it failed: %s. %s The next apply creates the "+
			"runner.", c.scope.Kind(), c.scope, c.scope, gitlabapi.RedactSecrets(c.explain(listErr).Error()), c.lateRunnerFate())
	}
	return diagnostics.APIError(
		fmt.Sprintf("%s got no clear answer (%s), and listing the runners of %s to check whether it was created anyway",
			attempted, gitlabapi.RedactSecrets(c.explain(createErr).Error()), c.scope), c.explain(listErr),
		fmt.Sprintf("A runner whose description ends with %q may exist in %s. %s Or delete it in GitLab, or import it "+
			"(then change rotation_triggers to obtain a token).", c.marker, c.scope, c.lateRunnerFate()))
}

// findByMarker returns the runner of the scope whose description ends with
// the marker, or nil.
func (r *userRunnerResource) findByMarker(ctx context.Context, scope diagnostics.RunnerScope, marker creationMarker) (*gitlabapi.Runner, error) {
	runners, err := r.listScope(ctx, scope)
	if err != nil {
		return nil, err
	}
	for i := range runners {
		if carries(runners[i].Description, marker) {
			return &runners[i], nil
		}
	}
	return nil, nil
}

// listScope lists the runners of the scope's type in the scope.
func (r *userRunnerResource) listScope(ctx context.Context, scope diagnostics.RunnerScope) ([]gitlabapi.Runner, error) {
	opts := gitlabapi.ListRunnersOptions{Type: scope.Type}
	switch scope.Type {
	case gitlabapi.RunnerTypeGroup:
		opts.Scope, opts.ScopeID = gitlabapi.RunnerScopeGroup, scope.GroupID
	case gitlabapi.RunnerTypeProject:
		opts.Scope, opts.ScopeID = gitlabapi.RunnerScopeProject, scope.ProjectID
	default:
		opts.Scope = gitlabapi.RunnerScopeAll
	}
	return r.Data.Client.ListRunners(ctx, opts)
}

// adopt takes over a runner created by a create request whose answer was
// lost: its token is unknown, so a fresh one is minted.
func (c *creation) adopt(id int64) (*gitlabapi.RunnerToken, diag.Diagnostics) {
	var diags diag.Diagnostics
	ctx, cancel := c.recoveryContext()
	defer cancel()
	tflog.Info(ctx, "adopting the runner created by a create request whose answer was lost", map[string]any{"runner_id": id})
	tok, err := c.r.resetToken(ctx, id)
	if err != nil {
		diags.AddError("Unable to Adopt Created Runner", diagnostics.APIError(
			fmt.Sprintf("The create request's answer was lost, but runner %d in %s carries its creation marker %q. "+
				"Obtaining a token for it (POST /runners/%d/reset_authentication_token)", id, c.scope, c.marker, id), c.explain(err),
			manageErrorHint(id, err),
			"Terraform has saved the runner in state as tainted: the next apply deletes it and creates a new one."))
		return nil, diags
	}
	return tok, diags
}

// resetToken rotates the runner's token, repeating once a reset that may
// have been applied without its answer arriving: each reset mints a new
// token and only the last one counts.
func (r *userRunnerResource) resetToken(ctx context.Context, id int64) (*gitlabapi.RunnerToken, error) {
	tok, err := r.Data.Client.ResetRunnerAuthenticationToken(ctx, id)
	if err != nil && errors.Is(err, gitlabapi.ErrMaybeApplied) {
		tok, err = r.Data.Client.ResetRunnerAuthenticationToken(ctx, id)
	}
	return tok, err
}

// createErrorDetail explains a failed POST /user/runners. A 404 means the
// server lacks the endpoint (older than 15.11) or base_url is wrong: the
// version tells which.
func (r *userRunnerResource) createErrorDetail(ctx context.Context, attempted string, scope diagnostics.RunnerScope, err error) string {
	var apiErr *gitlabapi.Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		v, verr := r.Data.Client.GetVersion(ctx)
		if verr == nil {
			if mm, ok := v.MajorMinor(); ok {
				if !mm.AtLeast(15, 11) {
					return diagnostics.APIError(attempted, err, fmt.Sprintf(
						"GitLab %s does not have POST /user/runners; creating runners with authentication tokens needs "+
							"GitLab 15.11 or later. Upgrade GitLab, or keep using registration tokens on this server.", mm))
				}
				return diagnostics.APIError(attempted, err, fmt.Sprintf(
					"GitLab %s should have POST /user/runners. Check that `base_url` points at the GitLab instance "+
						"(with or without /api/v4) and not at a proxy or another service.", v.Version))
			}
		}
		return diagnostics.APIError(attempted, err,
			"Creating runners with authentication tokens needs GitLab 15.11 or later (POST /user/runners); the server's "+
				"version could not be determined. Check the GitLab version and that `base_url` points at GitLab.")
	}
	if errors.Is(err, gitlabapi.ErrUnauthorized) {
		return diagnostics.APIError(attempted, err)
	}
	return diagnostics.APIError(attempted, err, createHint(scope, err))
}
