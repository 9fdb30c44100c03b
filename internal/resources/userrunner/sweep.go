package userrunner

// The sweep: runners left behind by creates that never finished.
//
// A create whose provider was killed (or whose runner GitLab created after
// the provider had given up looking) leaves a runner nobody knows, carrying
// the create's marker. The marker says until when a create may still be
// working on it (its expiry, in GitLab's time: create.go). Before its first
// create in a scope, each provider process lists that scope once and, for
// every runner whose marker has expired, deletes it (unfinished_runners =
// "delete", the default) or reports it ("report"). A marker that has not
// expired may belong to an apply still running: it is never touched. A
// marker without expiry (written by an older provider version) is only
// reported: its age is unknown.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

const unfinishedReport = providerdata.UnfinishedReport

// sweepUnfinished deletes (or reports) the runners of the scope whose
// creation marker has expired. Its findings are warnings: the create that
// triggered it goes on whatever happens here.
func (r *userRunnerResource) sweepUnfinished(ctx context.Context, scope diagnostics.RunnerScope) diag.Diagnostics {
	var diags diag.Diagnostics
	runners, err := r.listScope(ctx, scope)
	if err != nil && diagnostics.Status(err) == 0 {
		// No answer: the create that follows fails the same way and says so.
		tflog.Warn(ctx, "could not list the scope to look for unfinished runners", map[string]any{
			"scope": scope.String(), "error": gitlabapi.RedactSecrets(err.Error())})
		return diags
	}
	if err != nil {
		diags.AddWarning("Could Not Look for Unfinished Runners", fmt.Sprintf(
			"Before creating runners in %s the provider lists its runners once, to delete the ones left by creates that never "+
				"finished (their description carries an expired [terraform-create:…] marker). The list failed: %s. The create "+
				"goes on; look for such runners in GitLab.", scope, gitlabapi.RedactSecrets(err.Error())))
		return diags
	}
	now, fromServer := r.Data.Client.ServerNow()
	report := r.Data.UnfinishedRunners == unfinishedReport
	var deleted, reported, failed, undated, young []string
	for _, run := range runners {
		if run.Description == nil {
			continue
		}
		marker, expires, ok := findMarker(*run.Description)
		if !ok {
			continue
		}
		item := fmt.Sprintf("runner %d (%s)", run.ID, marker)
		switch {
		case expires.IsZero():
			undated = append(undated, item)
		case now.Before(expires):
			young = append(young, fmt.Sprintf("%s, expires %s", item, expires.Format(time.RFC3339)))
		case report:
			reported = append(reported, item)
		default:
			err := r.Data.Client.DeleteRunner(ctx, run.ID)
			switch {
			case err == nil, errors.Is(err, gitlabapi.ErrNotFound):
				tflog.Warn(ctx, "deleted a runner left by a create that never finished",
					map[string]any{"runner_id": run.ID, "marker": marker, "scope": scope.String()})
				deleted = append(deleted, item)
			default:
				failed = append(failed, fmt.Sprintf("%s: %s", item, gitlabapi.RedactSecrets(diagnostics.Answer(err))))
			}
		}
	}
	clock := "GitLab's clock"
	if !fromServer {
		clock = "this machine's clock (GitLab's answers carried no Date header)"
	}
	list := func(items []string) string {
		sort.Strings(items)
		return "\n  - " + strings.Join(items, "\n  - ")
	}
	if len(deleted) > 0 {
		diags.AddWarning("Deleted Unfinished Runners", fmt.Sprintf(
			"%d runner(s) in %s were left by creates that never finished (a killed provider, or a create GitLab applied after "+
				"the provider had given up on it): their creation marker expired before %s by %s. No Terraform state can hold "+
				"them, so they were deleted (unfinished_runners = \"delete\"):%s",
			len(deleted), scope, now.Format(time.RFC3339), clock, list(deleted)))
	}
	if len(reported) > 0 {
		diags.AddWarning("Unfinished Runners Found", fmt.Sprintf(
			"%d runner(s) in %s were left by creates that never finished: their creation marker expired before %s by %s. "+
				"With unfinished_runners = \"report\" they are kept; delete them in GitLab (no Terraform state can hold them), "+
				"or import them:%s", len(reported), scope, now.Format(time.RFC3339), clock, list(reported)))
	}
	if len(failed) > 0 {
		diags.AddWarning("Could Not Delete Unfinished Runners", fmt.Sprintf(
			"%d runner(s) in %s were left by creates that never finished, but deleting them failed; delete them in GitLab:%s",
			len(failed), scope, list(failed)))
	}
	if len(young) > 0 {
		action := "deletes"
		if report {
			action = "reports"
		}
		diags.AddWarning("Runners With a Recent Creation Marker", fmt.Sprintf(
			"%d runner(s) in %s carry a creation marker that has not expired: another apply may be creating them right now, "+
				"so they are left alone. If no other apply is running, they were left by a create that was interrupted or "+
				"killed: the first apply that creates a runner in %s after their marker expires %s them:%s",
			len(young), scope, scope, action, list(young)))
	}
	if len(undated) > 0 {
		diags.AddWarning("Runners With an Old Creation Marker", fmt.Sprintf(
			"%d runner(s) in %s carry a creation marker without an expiry, written by an older version of the provider: "+
				"they may have been left by creates that never finished, but their age is unknown, so they are not deleted. "+
				"If no apply is creating them, delete them in GitLab:%s", len(undated), scope, list(undated)))
	}
	return diags
}
