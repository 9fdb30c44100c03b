package userrunner

// The first plan after a `moved` from GitLab's gitlab_user_runner. There an
// attribute left out of the configuration keeps GitLab's value (Optional +
// Computed); here it means GitLab's default. A configuration that leaves out
// an attribute whose moved value is not the default therefore plans to reset
// it (un-pause the runner, strip its tags), which the user did not ask for.
// The move marks the state in private state; the refresh of the same plan
// passes the mark on to ModifyPlan, which warns per attribute with the HCL
// that keeps the value; the next refresh, or the update, drops the mark.
// (When the apply has nothing to do for the runner, Terraform keeps the
// refresh's private state, mark included: a plan with -refresh=false before
// the next refresh warns once more.)

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// privateKeyMoved is the private-state key of the move's mark.
const privateKeyMoved = "moved_from_gitlab_user_runner"

// The stages of the mark: written by the move, then by the refresh that
// follows it in the same plan (a plan with -refresh=false sees the first).
const (
	movedStageMoved     = "moved"
	movedStageRefreshed = "refreshed"
)

type movedMark struct {
	Stage string `json:"stage"`
}

func loadMovedMark(ctx context.Context, p privateState) string {
	b, diags := p.GetKey(ctx, privateKeyMoved)
	var m movedMark
	if diags.HasError() || len(b) == 0 || json.Unmarshal(b, &m) != nil {
		return ""
	}
	return m.Stage
}

func saveMovedMark(ctx context.Context, p privateState, stage string) diag.Diagnostics {
	if stage == "" {
		return p.SetKey(ctx, privateKeyMoved, nil)
	}
	b, _ := json.Marshal(movedMark{Stage: stage}) // a struct of one string always encodes
	return p.SetKey(ctx, privateKeyMoved, b)
}

// carryMovedMark is Read's part: the refresh right after the move passes the
// mark on to the plan; any later refresh drops it, so that a plan after the
// move was applied (even as a no-op) does not warn again.
func carryMovedMark(ctx context.Context, p privateState) diag.Diagnostics {
	switch loadMovedMark(ctx, p) {
	case movedStageMoved:
		return saveMovedMark(ctx, p, movedStageRefreshed)
	case movedStageRefreshed:
		return saveMovedMark(ctx, p, "")
	}
	return nil
}

// firstPlanAfterMove reports whether the plan is the first after the move.
func firstPlanAfterMove(ctx context.Context, p privateState) bool {
	return loadMovedMark(ctx, p) != ""
}

// warnMovedResets adds one warning per runner attribute the configuration
// leaves out while the plan changes it from the moved (and refreshed) value
// to this provider's default.
func warnMovedResets(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var config, plan, state types.Object
	d := &resp.Diagnostics
	d.Append(req.Config.Get(ctx, &config)...)
	d.Append(req.Plan.Get(ctx, &plan)...)
	d.Append(req.State.Get(ctx, &state)...)
	if d.HasError() {
		return
	}
	cfg, planned, moved := runnerattrs.From(config.Attributes()), runnerattrs.From(plan.Attributes()), runnerattrs.From(state.Attributes())
	names := make([]string, 0, len(moved))
	for name := range moved {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c, p, s := cfg[name], planned[name], moved[name]
		if c == nil || p == nil || s == nil || !c.IsNull() || p.IsUnknown() || s.IsNull() || s.IsUnknown() || p.Equal(s) {
			continue
		}
		keep, err := tfvalue.HCLLiteral(ctx, s)
		if err != nil {
			continue // not a value a user could write; nothing to suggest
		}
		d.AddAttributeWarning(path.Root(name), "Moved Runner: "+name+" Would Change", movedResetWarning(ctx, name, keep, p))
	}
}

// movedResetWarning explains one attribute the first plan after the move
// changes, and gives the line that keeps it.
func movedResetWarning(ctx context.Context, name, keep string, planned attr.Value) string {
	to := "GitLab's default"
	switch lit, err := tfvalue.HCLLiteral(ctx, planned); {
	case planned.IsNull():
		to += " (none: null)"
	case err == nil:
		to += " " + lit
	}
	return fmt.Sprintf("This runner was moved from gitlab_user_runner of GitLab's provider, and this is the first plan "+
		"after the move. Its configuration leaves out %s, which GitLab's provider leaves as GitLab has it but this "+
		"provider sets back to %s: the plan changes it from %s. To keep the runner as it is, add this line to the "+
		"resource block:\n\n  %s = %s\n\nTo apply the default instead, keep the configuration as it is; this warning "+
		"appears until the move is applied.", name, to, keep, name, keep)
}
