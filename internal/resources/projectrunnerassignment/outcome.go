package projectrunnerassignment

// Assignments whose outcome is unknown.
//
// A POST /projects/:id/runners may have been applied by GitLab although its
// answer never arrived: a 5xx or a dropped connection after GitLab did the
// work (the client's retries then meet "already been taken", unless they
// are used up first), an answer held past request_timeout, Terraform
// interrupted while the request was in flight. The client reports those as
// gitlabapi.ErrMaybeApplied. Forgetting such an assignment would leave it in
// GitLab with nothing in state, and destroy would never remove it. So:
//
//  1. settle reads the runner back (GET /runners/:id) on a context that
//     outlasts Terraform's interruption for providerdata.InterruptGrace.
//  2. The runner lists the project: the assignment is saved, clean, with a
//     warning that says what happened.
//  3. Otherwise (not listed, or the read failed): the assignment is saved
//     all the same, with an error, so that Terraform keeps it as tainted.
//     GitLab may still apply a request it holds. The next refresh reads the
//     runner: not assigned, the assignment leaves the state and the next
//     apply assigns the runner; assigned, the next apply replaces the
//     tainted assignment (unassign, assign), and destroy unassigns it.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

// settle finds out whether an assignment whose outcome is unknown was made,
// as described above; assignErr is the assignment's error. Create saves the
// assignment when save is true (an error makes it tainted); save is false
// only when the read-back proves that nothing can have been assigned: an
// instance runner, which GitLab refuses with a 500 to administrators.
func (r *assignmentResource) settle(ctx context.Context, projectID, runnerID int64, assignErr error) (diags diag.Diagnostics, save bool) {
	interrupted := providerdata.Interrupted(ctx)
	tflog.Warn(ctx, "the assignment may have been applied; reading the runner back",
		map[string]any{"runner_id": runnerID, "project_id": projectID, "interrupted": interrupted})
	readCtx, stop := providerdata.OutlastInterrupt(ctx, providerdata.InterruptGrace, time.Time{})
	defer stop()
	details, readErr := r.Data.Client.GetRunner(readCtx, runnerID)
	what := lostAnswer(projectID, runnerID, interrupted, assignErr)
	switch {
	case readErr == nil && details.RunnerType == gitlabapi.RunnerTypeInstance:
		diags.AddError("Unable to Assign Runner", diagnostics.APIError(assigning(projectID, runnerID), assignErr,
			instanceRunnerRefusal(runnerID)+" (GitLab answers 500 when an administrator tries.)"))
		return diags, false
	case readErr == nil && isAssigned(details, projectID):
		diags.AddWarning("Runner Assignment Confirmed After a Lost Answer", fmt.Sprintf(
			"%s Reading runner %d back shows it assigned to project %d: Terraform has saved the assignment and manages it "+
				"(destroy unassigns it).", what, runnerID, projectID))
	case readErr == nil:
		diags.AddError(unconfirmedSummary(interrupted), fmt.Sprintf(
			"%s Runner %d does not list project %d now, but GitLab may still apply the request. %s",
			what, runnerID, projectID, taintedNote))
	default:
		diags.AddError(unconfirmedSummary(interrupted), diagnostics.APIError(
			fmt.Sprintf("%s Reading runner %d back (GET /runners/%d) to find out whether GitLab assigned it",
				what, runnerID, runnerID), readErr, taintedNote))
	}
	return diags, true
}

// taintedNote says what becomes of an assignment saved with an error.
const taintedNote = "Terraform has saved the assignment in state as tainted: the next plan reads the runner back. If " +
	"GitLab did not assign it, the assignment leaves the state and the next apply assigns the runner; if it did, the next " +
	"apply replaces the assignment (unassign, assign again). Destroy unassigns it either way."

func unconfirmedSummary(interrupted bool) string {
	if interrupted {
		return "Runner Assignment Interrupted"
	}
	return "Unable to Confirm Runner Assignment"
}

// lostAnswer says what happened to the assignment request.
func lostAnswer(projectID, runnerID int64, interrupted bool, assignErr error) string {
	if interrupted {
		return fmt.Sprintf("Terraform was interrupted while assigning runner %d to project %d (POST /projects/%d/runners): "+
			"the request may have reached GitLab, but its answer had not arrived.", runnerID, projectID, projectID)
	}
	return fmt.Sprintf("%s got no clear answer (%s).",
		assigning(projectID, runnerID), gitlabapi.RedactSecrets(assignErr.Error()))
}
