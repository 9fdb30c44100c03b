package userrunner

// Create, made safe against ambiguous failures, interruptions and kills.
//
// A POST /user/runners whose answer is lost (5xx, dropped connection,
// timeout, an answer that cannot be read, Terraform interrupted while it was
// in flight) may nevertheless have created the runner, and its token is then
// unknown. So:
//
//  1. Before its first create in a scope (a group, a project, the
//     instance), the provider process sweeps the scope once (sweep.go):
//     runners left by creates that never finished carry an expired creation
//     marker and are deleted (or reported). This costs one list per scope
//     per apply that creates runners, and tells the client GitLab's time.
//  2. POST with a creation marker appended to the description:
//     "<description> [terraform-create:<expiry>-<16 random hex>]". The
//     expiry is in GitLab's time (ServerNow): the moment after which no
//     running create can still be working on that runner (createTimeLimit
//     from now, plus markerMargin). The whole create runs under that time
//     limit.
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
//  4. As soon as a runner id exists it goes into state, with its token when
//     there is one, so a failure of a later step leaves a tainted resource
//     Terraform replaces, never an orphaned runner.
//  5. After an ambiguous create, any other runner carrying the marker is a
//     late-applied duplicate of a lost request: it is deleted.
//  6. PUT /runners/:id with the full desired attributes: it restores the
//     description (removing the marker) and returns the canonical details.
//     Nothing follows it but returning to Terraform: the PUT is the one
//     step after which a kill of the provider leaves a runner that no later
//     run can recognise (see the reliability guide).
//
// Without failures a create costs two requests (POST and PUT), plus the one
// sweep list per scope and process.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
)

const (
	creationMarkerPrefix = "[terraform-create:"
	// markerMargin is added to createTimeLimit in a marker's expiry: it
	// covers the estimate of GitLab's clock (Date headers have a resolution
	// of a second), and a request sent just before the time limit that
	// GitLab is still processing (GitLab ends requests after 60 s).
	markerMargin = 5 * time.Minute
	// interruptGrace is how long the lookup (and the PUT) of a create goes
	// on after Terraform was interrupted: enough for the late-apply waits.
	interruptGrace = 15 * time.Second
)

// markerPattern matches a creation marker; the expiry is absent in markers
// of provider versions before it was added.
var markerPattern = regexp.MustCompile(`\[terraform-create:(?:([0-9]{1,19})-)?[0-9a-f]{16}\]`)

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

// newCreationMarker returns "[terraform-create:<expiry unix seconds>-<16 random hex>]".
func newCreationMarker(expires time.Time) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%d-%s]", creationMarkerPrefix, expires.Unix(), hex.EncodeToString(b)), nil
}

// findMarker returns the creation marker in a description and its expiry
// (zero for a marker without one).
func findMarker(description string) (marker string, expires time.Time, ok bool) {
	m := markerPattern.FindStringSubmatch(description)
	if m == nil {
		return "", time.Time{}, false
	}
	if m[1] != "" {
		if sec, err := strconv.ParseInt(m[1], 10, 64); err == nil {
			expires = time.Unix(sec, 0).UTC()
		}
	}
	return m[0], expires, true
}

// markedDescription appends the marker to the description, shortening the
// description if needed so the whole stays within GitLab's limit (the PUT
// that follows restores the full description).
func markedDescription(description, marker string) string {
	room := runnerattrs.MaxTextLength - utf8.RuneCountInString(marker) - 1
	if utf8.RuneCountInString(description) > room {
		description = string([]rune(description)[:room])
	}
	if description == "" {
		return marker
	}
	return description + " " + marker
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
	client := r.Data.Client

	r.Data.Once("sweep "+scope.String(), func() { resp.Diagnostics.Append(r.sweepUnfinished(ctx, scope)...) })

	limit := createTimeLimit(client)
	serverNow, _ := client.ServerNow()
	expires := serverNow.Add(limit + markerMargin)
	marker, err := newCreationMarker(expires)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Runner", "Could not generate a random creation marker: "+err.Error())
		return
	}
	opts, diags := plan.createOptions(ctx, markedDescription(plan.Runner.Text(runnerattrs.Description), marker), r.Data.Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := &creation{r: r, scope: scope, marker: marker, expires: expires, parent: ctx, deadline: time.Now().Add(limit), limit: limit}
	createCtx, cancel := context.WithDeadline(ctx, c.deadline)
	defer cancel()

	id, token, ambiguous, diags := c.createOrAdopt(createCtx, opts)
	resp.Diagnostics.Append(diags...)
	if id > 0 {
		// Save the runner at once: if anything below fails, or nothing
		// follows, Terraform keeps it (tainted) and deletes it on the next
		// apply instead of orphaning it.
		plan.ID = types.StringValue(strconv.FormatInt(id, 10))
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), plan.ID)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("runner_type"), plan.RunnerType)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), plan.GroupID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), plan.ProjectID)...)
		if token != nil {
			plan.applyToken(token)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token"), plan.Token)...)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token_expires_at"), plan.TokenExpiresAt)...)
			resp.Diagnostics.Append(tokenShapeWarning(id, token.Token)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// From here on the runner exists and Terraform knows it: finish even
	// when Terraform is stopping (for interruptGrace), so that an interrupt
	// leaves a clean resource rather than a tainted one.
	finishCtx, stop := c.recoveryContext()
	defer stop()
	if ambiguous {
		resp.Diagnostics.Append(r.deleteLateDuplicates(finishCtx, scope, marker, id)...)
	}
	upd, diags := plan.Runner.UpdateOptions(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	details, err := client.UpdateRunner(finishCtx, id, upd)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure Created Runner", diagnostics.APIError(
			fmt.Sprintf("Runner %d was created in %s, but setting its attributes (PUT /runners/%d)", id, scope, id), c.explain(err),
			manageErrorHint(id, err),
			"Terraform has saved the runner in state as tainted: the next apply deletes it and creates a new one."))
		return
	}
	plan.applyDetails(details)
	resp.Diagnostics.Append(plan.set(ctx, &resp.State)...)
	tflog.Info(ctx, "created runner", map[string]any{"runner_id": id, "scope": scope.String()})
}

// creation is one Create call: where, with which marker, and its time
// limit.
type creation struct {
	r        *userRunnerResource
	scope    diagnostics.RunnerScope
	marker   string
	expires  time.Time       // the marker's expiry, GitLab's time
	parent   context.Context // Terraform's: cancelled when Terraform is interrupted
	deadline time.Time       // local end of the create's time limit
	limit    time.Duration
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
func (r *userRunnerResource) awaitMarker(ctx context.Context, scope diagnostics.RunnerScope, marker string) (*gitlabapi.Runner, error) {
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

// deleteLateDuplicates removes runners other than keep that still carry
// the marker: requests whose answer was lost and that GitLab applied after
// the provider had looked. A failure is a warning naming the runner: the
// apply itself succeeded.
func (r *userRunnerResource) deleteLateDuplicates(ctx context.Context, scope diagnostics.RunnerScope, marker string, keep int64) diag.Diagnostics {
	var diags diag.Diagnostics
	runners, err := r.listScope(ctx, scope)
	if err != nil {
		diags.AddWarning("Could Not Check for Duplicate Runners", fmt.Sprintf(
			"A create request of this runner got no clear answer. Listing the runners of %s to make sure no late duplicate "+
				"exists failed: %s. Check for runners whose description contains %q and delete them.", scope, gitlabapi.RedactSecrets(err.Error()), marker))
		return diags
	}
	for _, dup := range runners {
		if dup.ID == keep || dup.Description == nil || !strings.Contains(*dup.Description, marker) {
			continue
		}
		tflog.Warn(ctx, "deleting a duplicate runner created by a create request whose answer was lost",
			map[string]any{"runner_id": dup.ID, "kept_runner_id": keep, "marker": marker})
		if err := r.Data.Client.DeleteRunner(ctx, dup.ID); err != nil && !errors.Is(err, gitlabapi.ErrNotFound) {
			diags.AddWarning("Could Not Delete Duplicate Runner", fmt.Sprintf(
				"Runner %d in %s was created by a create request of runner %d whose answer was lost (its description "+
					"contains %q). Deleting it failed: %s. Delete it in GitLab.", dup.ID, scope, keep, marker, gitlabapi.RedactSecrets(err.Error())))
		}
	}
	return diags
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
			return tok.ID, tok, ambiguous, diags
		}
		if !errors.Is(err, gitlabapi.ErrMaybeApplied) {
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
		if err == nil && details.Description != nil && strings.Contains(*details.Description, c.marker) {
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
	action := "deletes it"
	if c.r.Data.UnfinishedRunners == unfinishedReport {
		action = "reports it in a warning (unfinished_runners = \"report\")"
	}
	return fmt.Sprintf("Should GitLab still create it, it carries that marker, which expires at %s: the first apply that "+
		"creates a runner in %s after that %s.", c.expires.Format(time.RFC3339), c.scope, action)
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
		fmt.Sprintf("A runner whose description contains %q may exist in %s. %s Or delete it in GitLab, or import it "+
			"(then change rotation_triggers to obtain a token).", c.marker, c.scope, c.lateRunnerFate()))
}

// findByMarker returns the runner of the scope whose description carries
// the marker, or nil.
func (r *userRunnerResource) findByMarker(ctx context.Context, scope diagnostics.RunnerScope, marker string) (*gitlabapi.Runner, error) {
	runners, err := r.listScope(ctx, scope)
	if err != nil {
		return nil, err
	}
	for i := range runners {
		if d := runners[i].Description; d != nil && strings.Contains(*d, marker) {
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
