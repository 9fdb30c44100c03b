package userrunner

// Adoption: a create takes over a runner that an earlier create of this
// configuration left behind (recovery.go proved it), instead of creating
// another one.
//
//  1. The create journals itself with the orphan's id, then PUTs the
//     desired attributes with its own marker: from then on the runner is
//     this create's (a second adopter no longer recognises the old marker,
//     and if this process dies now, its own journal and marker name the
//     runner for the next apply). Only then is the old journal entry
//     settled.
//  2. A new token is minted (reset_authentication_token): the original was
//     lost with the create that made the runner, so no host can be using it.
//  3. As any create: the runner and token go into state, and the last PUT
//     removes the marker.
//
// A runner that is gone (404) is no longer there to adopt: the create makes
// a new one.

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// adoptOrphan adopts o for this create; false when the runner is gone and
// the create must make a new one.
func (c *creation) adoptOrphan(ctx context.Context, o *orphan, plan *userRunnerModel, resp *resource.CreateResponse) bool {
	client := c.r.Data.Client
	tflog.Info(ctx, "adopting a runner left by an unfinished create", map[string]any{"runner_id": o.id, "scope": c.scope.String()})
	upd, diags := plan.Runner.UpdateOptions(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return true
	}
	marked := markedDescription(c.desired, c.marker)
	upd.Description = &marked
	c.journalSent(ctx)
	c.journal(ctx, journalEvent{Ev: "created", ID: o.id})
	stepCtx, cancel := context.WithDeadline(ctx, c.deadline)
	defer cancel()

	if _, err := client.UpdateRunner(stepCtx, o.id, upd); err != nil {
		if errors.Is(err, gitlabapi.ErrNotFound) {
			c.journal(ctx, journalEvent{Ev: "handed", ID: o.id}) // nothing left to hand
			c.r.journal().settle(ctx, o.entry, o.id)
			tflog.Info(ctx, "the runner to adopt is gone; creating a new one", map[string]any{"runner_id": o.id})
			return false
		}
		resp.Diagnostics.AddError("Unable to Adopt Runner", c.adoptionFailed(o, "PUT /runners/%d", err))
		return true
	}
	c.r.journal().settle(ctx, o.entry, o.id)
	tok, err := c.r.resetToken(stepCtx, o.id)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Adopt Runner", c.adoptionFailed(o, "POST /runners/%d/reset_authentication_token", err))
		return true
	}
	c.save(ctx, plan, o.id, tok, resp)
	resp.Diagnostics.AddWarning("Adopted a Runner Left by an Unfinished Create", fmt.Sprintf(
		"Runner %d in %s was left by an earlier create of this configuration that never finished (%s). This create adopted "+
			"it instead of creating another runner. Its token was rotated (POST /runners/%d/reset_authentication_token), "+
			"because the original token was lost with the create that made it: no host can have been using it.",
		o.id, c.scope, o.proof, o.id))
	finishCtx, stop := c.recoveryContext()
	defer stop()
	c.finish(ctx, finishCtx, plan, o.id, resp)
	return true
}

// adoptionFailed explains a failed step of an adoption; step holds the
// request with %d for the runner id.
func (c *creation) adoptionFailed(o *orphan, step string, err error) string {
	return diagnostics.APIError(
		fmt.Sprintf("Adopting runner %d in %s, left by an earlier create of this configuration that never finished (%s): "+
			step, o.id, c.scope, o.proof, o.id), c.explain(err), manageErrorHint(o.id, err),
		"Nothing was saved in state. The runner keeps a creation marker of this configuration: the next apply adopts it.")
}
