package userrunner

// A runner a create saved in state as tainted may still carry its creation
// marker: its create failed after GitLab made it (the token could not be
// minted, the PUT failed, Terraform was interrupted). Private state keeps the
// marker and whether it was removed, so that Delete (the replacement of the
// tainted resource, or a destroy) deletes the runner only while it is still
// this create's: not once another create has adopted it, nor after a person
// changed it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// privateKeyCreation is the private-state key of a tainted create's marker.
const privateKeyCreation = "creation_marker"

// Whether the PUT that removes the marker was applied.
const (
	removalYes     = "yes"
	removalNo      = "no"
	removalUnknown = "unknown" // its answer was lost
)

// taintedMarker is what private state keeps of a tainted create.
type taintedMarker struct {
	Marker  string `json:"marker"`
	Removed string `json:"removed"`
}

// markerRemoval says what a PUT that removes the marker achieved.
func markerRemoval(err error) string {
	switch {
	case err == nil:
		return removalYes
	case errors.Is(err, gitlabapi.ErrMaybeApplied):
		return removalUnknown
	}
	return removalNo
}

// keepMarker writes the create's marker to private state.
func (c *creation) keepMarker(ctx context.Context, resp *resource.CreateResponse, removed string) {
	if resp.Private == nil {
		return
	}
	b, err := json.Marshal(taintedMarker{Marker: c.marker.String(), Removed: removed})
	if err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyCreation, b)...)
	}
}

// stillOurs decides, for Delete, whether the runner of a tainted create is
// still this create's: true when private state holds no marker (a runner
// created whole), when the runner still ends with the marker, or when it
// carries no marker and the create removed (or may have removed) it. Else
// another create has taken it over, or a person changed it: a warning says
// so and the runner is kept.
func stillOurs(ctx context.Context, p privateState, id int64, details *gitlabapi.RunnerDetails) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	b, d := p.GetKey(ctx, privateKeyCreation)
	var tm taintedMarker
	if d.HasError() || len(b) == 0 || json.Unmarshal(b, &tm) != nil || tm.Marker == "" {
		return true, diags
	}
	desc := ""
	if details.Description != nil {
		desc = *details.Description
	}
	_, now, marked := parseMarkedDescription(desc)
	switch {
	case marked && now.String() == tm.Marker:
		return true, diags
	case !marked && tm.Removed != removalNo:
		return true, diags
	}
	why := "its description no longer carries the creation marker, which the create had not removed: a person changed it"
	if marked {
		why = "it now carries the creation marker of another create, which has adopted it"
	}
	tflog.Warn(ctx, "a tainted runner is no longer this create's; not deleting it", map[string]any{"runner_id": id})
	diags.AddWarning("Runner Not Deleted", fmt.Sprintf(
		"Runner %d was saved in state as tainted by a create that did not finish (%s). It is not deleted, because %s. "+
			"Terraform forgets it; delete it in GitLab if nobody uses it.", id, tm.Marker, why))
	return false, diags
}

// settleRemoval decides, at a refresh, whether the lost-answer PUT of a
// tainted create removed its marker: the runner's description tells. Done at
// the first refresh, long before any other create could adopt the runner.
func settleRemoval(ctx context.Context, p privateState, details *gitlabapi.RunnerDetails) diag.Diagnostics {
	b, d := p.GetKey(ctx, privateKeyCreation)
	var tm taintedMarker
	if d.HasError() || len(b) == 0 || json.Unmarshal(b, &tm) != nil || tm.Removed != removalUnknown {
		return nil
	}
	desc := ""
	if details.Description != nil {
		desc = *details.Description
	}
	_, m, marked := parseMarkedDescription(desc)
	switch {
	case marked && m.String() == tm.Marker:
		tm.Removed = removalNo
	case !marked:
		tm.Removed = removalYes
	default:
		return nil
	}
	if b, err := json.Marshal(tm); err == nil {
		return p.SetKey(ctx, privateKeyCreation, b)
	}
	return nil
}
