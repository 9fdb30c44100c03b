package userrunner

// Create, made safe against ambiguous failures.
//
// A POST /user/runners whose answer is lost (5xx, dropped connection) may
// nevertheless have created the runner, and its token is then unknown. So:
//
//  1. POST with a unique creation marker appended to the description
//     ("<description> [terraform-create:<16 hex>]").
//  2. If the client reports gitlabapi.ErrMaybeApplied, list the runners of
//     the scope and look for the marker, for a few seconds (lateApplyWaits):
//     a request that timed out on our side may still be applied by GitLab.
//     Found: adopt that runner and mint a fresh token for it
//     (reset_authentication_token), since the lost answer's token is
//     unknown. Not found: the POST did not happen; send it once more with
//     the same marker.
//  3. As soon as a runner id exists it goes into state, with its token when
//     there is one, so a failure of a later step (including the adoption)
//     leaves a tainted resource Terraform replaces, never an orphaned runner.
//  4. PUT /runners/:id with the full desired attributes: it restores the
//     description (removing the marker) and returns the canonical details.
//  5. After an ambiguous create, any other runner still carrying the marker
//     is a late-applied duplicate of a lost request: it is deleted.
//
// Without failures that is two requests: POST and PUT.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
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

const creationMarkerPrefix = "[terraform-create:"

// newCreationMarker returns "[terraform-create:<16 random hex>]".
func newCreationMarker() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return creationMarkerPrefix + hex.EncodeToString(b) + "]", nil
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

	marker, err := newCreationMarker()
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Runner", "Could not generate a random creation marker: "+err.Error())
		return
	}
	opts, diags := plan.createOptions(ctx, markedDescription(plan.Runner.Text(runnerattrs.Description), marker), r.Data.Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	id, token, ambiguous, diags := r.createOrAdopt(ctx, scope, opts, marker)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		if id > 0 {
			// A runner exists but no token could be obtained for it: keep it
			// in state (tainted) so the next apply deletes and replaces it.
			plan.ID = types.StringValue(strconv.FormatInt(id, 10))
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), plan.ID)...)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("runner_type"), plan.RunnerType)...)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), plan.GroupID)...)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), plan.ProjectID)...)
		}
		return
	}

	// Save the runner at once: if anything below fails, Terraform keeps it
	// (tainted) and deletes it on the next apply instead of orphaning it.
	plan.ID = types.StringValue(strconv.FormatInt(id, 10))
	plan.applyToken(token)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), plan.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token"), plan.Token)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token_expires_at"), plan.TokenExpiresAt)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("runner_type"), plan.RunnerType)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), plan.GroupID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), plan.ProjectID)...)
	if resp.Diagnostics.HasError() {
		return
	}

	upd, diags := plan.Runner.UpdateOptions(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	details, err := r.Data.Client.UpdateRunner(ctx, id, upd)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure Created Runner", diagnostics.APIError(
			fmt.Sprintf("Runner %d was created in %s, but setting its attributes (PUT /runners/%d)", id, scope, id), err,
			manageErrorHint(id, err),
			"Terraform has saved the runner in state as tainted: the next apply deletes it and creates a new one."))
		return
	}
	plan.applyDetails(details)
	resp.Diagnostics.Append(plan.set(ctx, &resp.State)...)
	if ambiguous {
		resp.Diagnostics.Append(r.deleteLateDuplicates(ctx, scope, marker, id)...)
	}
	tflog.Info(ctx, "created runner", map[string]any{"runner_id": id, "scope": scope.String()})
}

// lateApplyWaits are the pauses between looks for the creation marker after
// a create whose answer was lost: GitLab may still apply a request the
// client gave up on (timeout, proxy 502/504), so "not found at once" is not
// yet "not created". About 10 s in all; only failures pay it.
var lateApplyWaits = []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second}

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
// the provider had looked. keep no longer carries it (the PUT restored its
// description). A failure is a warning naming the runner: the apply itself
// succeeded.
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
// no token could be obtained for it.
func (r *userRunnerResource) createOrAdopt(ctx context.Context, scope diagnostics.RunnerScope, opts gitlabapi.CreateUserRunnerOptions, marker string) (id int64, token *gitlabapi.RunnerToken, ambiguous bool, diags diag.Diagnostics) {
	client := r.Data.Client
	attempted := fmt.Sprintf("Creating %s in %s (POST /user/runners)", scope.Kind(), scope)

	for attempt := 1; ; attempt++ {
		tok, err := client.CreateUserRunner(ctx, opts)
		if err == nil && (tok == nil || tok.ID <= 0 || tok.Token == "") {
			diags.AddError("Unable to Create Runner", attempted+" returned no runner id or token. This is unexpected from "+
				"GitLab; check in GitLab whether a runner was created in "+scope.String()+" (its description contains "+marker+").")
			return 0, nil, ambiguous, diags
		}
		if err == nil {
			return tok.ID, tok, ambiguous, diags
		}
		if !errors.Is(err, gitlabapi.ErrMaybeApplied) {
			diags.AddError("Unable to Create Runner", r.createErrorDetail(ctx, attempted, scope, err))
			return 0, nil, ambiguous, diags
		}
		ambiguous = true
		tflog.Warn(ctx, "the create request may have been applied; looking for the runner by its creation marker",
			map[string]any{"scope": scope.String(), "marker": marker, "attempt": attempt})

		found, lerr := r.awaitMarker(ctx, scope, marker)
		if lerr != nil {
			diags.AddError("Unable to Confirm Runner Creation", diagnostics.APIError(
				fmt.Sprintf("%s got no clear answer (%s), and listing the runners of %s to check whether it was created anyway",
					attempted, gitlabapi.RedactSecrets(err.Error()), scope), lerr,
				fmt.Sprintf("A runner whose description contains %q may exist in %s. Delete it in GitLab, or import it "+
					"(then change rotation_triggers to obtain a token), before applying again.", marker, scope)))
			return 0, nil, ambiguous, diags
		}
		if found != nil {
			tok, diags := r.adopt(ctx, found.ID, scope, marker)
			return found.ID, tok, ambiguous, diags
		}
		if attempt == 2 {
			diags.AddError("Unable to Create Runner", fmt.Sprintf(
				"%s failed twice without a clear answer (last: %s), and no runner with the creation marker %q exists in %s, "+
					"so nothing was created.\n\n%s", attempted, gitlabapi.RedactSecrets(err.Error()), marker, scope, diagnostics.HintRetryLater))
			return 0, nil, ambiguous, diags
		}
		tflog.Info(ctx, "no runner carries the creation marker: the create did not happen; trying once more",
			map[string]any{"scope": scope.String(), "marker": marker})
	}
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
// lost: its token is unknown, so a fresh one is minted. A reset that itself
// may have been applied is simply repeated: each reset mints a new token and
// only the last one counts.
func (r *userRunnerResource) adopt(ctx context.Context, id int64, scope diagnostics.RunnerScope, marker string) (*gitlabapi.RunnerToken, diag.Diagnostics) {
	var diags diag.Diagnostics
	tflog.Info(ctx, "adopting the runner created by a create request whose answer was lost", map[string]any{"runner_id": id})
	tok, err := r.resetToken(ctx, id)
	if err != nil {
		diags.AddError("Unable to Adopt Created Runner", diagnostics.APIError(
			fmt.Sprintf("The create request's answer was lost, but runner %d in %s carries its creation marker %q. "+
				"Obtaining a token for it (POST /runners/%d/reset_authentication_token)", id, scope, marker, id), err,
			manageErrorHint(id, err),
			"Terraform has saved the runner in state as tainted: the next apply deletes it and creates a new one."))
		return nil, diags
	}
	return tok, diags
}

// resetToken rotates the runner's token, repeating once a reset that may
// have been applied without its answer arriving.
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
