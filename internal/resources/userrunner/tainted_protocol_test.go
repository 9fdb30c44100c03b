package userrunner_test

// The runner of a create that failed after GitLab made it is saved tainted,
// with its creation marker in private state (tainted.go). Through the plugin
// protocol as Terraform calls it: the private state reaches the Delete of
// the tainted resource, which deletes the runner only while it is still
// this create's.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// createTainted applies a create whose last PUT GitLab refuses: the runner
// exists with its marker, the state holds it with an error.
func (p *protocolRunner) createTainted(m *acctest.Mock) (tftypes.Value, []byte, int64) {
	p.t.Helper()
	ctx := context.Background()
	null := tftypes.NewValue(p.typ, nil)
	plan, err := p.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, null), ProposedNewState: dynamic(p.t, p.typ, p.config), Config: dynamic(p.t, p.typ, p.config)})
	if err != nil || hasError(plan.Diagnostics) {
		p.t.Fatalf("plan create: %v %s", err, diagText(plan.Diagnostics))
	}
	m.Faults().Add(mockcoordinator.Fault{Route: "PUT /runners/:id", Kind: mockcoordinator.FaultStatus, Status: 403, Times: 1})
	applied, err := p.srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, null), PlannedState: plan.PlannedState, Config: dynamic(p.t, p.typ, p.config),
		PlannedPrivate: plan.PlannedPrivate})
	if err != nil || !strings.Contains(diagText(applied.Diagnostics), "Unable to Configure Created Runner") {
		p.t.Fatalf("apply create: %v, want the PUT's error: %s", err, diagText(applied.Diagnostics))
	}
	state := p.value(applied.NewState)
	var id string
	_ = attr(p.t, state, "id").As(&id)
	var n int64
	if _, err := fmt.Sscan(id, &n); err != nil {
		p.t.Fatalf("state id %q", id)
	}
	return state, applied.Private, n
}

// destroy is ApplyResourceChange of a destroy.
func (p *protocolRunner) destroy(state tftypes.Value, private []byte) []*tfprotov6.Diagnostic {
	p.t.Helper()
	null := tftypes.NewValue(p.typ, nil)
	resp, err := p.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, state), PlannedState: dynamic(p.t, p.typ, null), Config: dynamic(p.t, p.typ, null),
		PlannedPrivate: private})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("destroy: %v %s", err, diagText(resp.Diagnostics))
	}
	return resp.Diagnostics
}

func TestTaintedRunnerDeletedOnlyWhileItIsTheCreates(t *testing.T) {
	for name, tc := range map[string]struct {
		change  func(desc string) string // what happens to the description meanwhile
		deleted bool
	}{
		"unchanged": {func(d string) string { return d }, true},
		"adopted by another create": {func(d string) string {
			return "fleet [terraform-create:v2-1767225600-660-0123456789abcdef-0123456789abcdef0123456789abcdef]"
		}, false},
		"changed by a person": {func(string) string { return "mine now" }, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t)
			p := newProtocolRunner(t, m, m.Seed.Group.OwnerToken, map[string]tftypes.Value{
				"runner_type": tftypes.NewValue(tftypes.String, "group_type"),
				"group_id":    tftypes.NewValue(tftypes.Number, m.Seed.Group.ID),
				"description": tftypes.NewValue(tftypes.String, "fleet"),
			})
			state, private, id := p.createTainted(m)
			if !strings.Contains(string(private), "creation_marker") {
				t.Fatalf("the private state does not keep the marker: %s", private)
			}
			rec, _ := m.Store().Runner(id)
			if err := m.Store().UpdateRunner(id, func(r *store.RunnerRecord) { r.Description = tc.change(rec.Description) }); err != nil {
				t.Fatal(err)
			}
			diags := p.destroy(state, private)
			if _, exists := m.Store().Runner(id); exists == tc.deleted {
				t.Fatalf("runner %d exists = %v after the destroy, want %v: %s", id, exists, !tc.deleted, diagText(diags))
			}
			if !tc.deleted && !strings.Contains(diagText(diags), "Runner Not Deleted") {
				t.Errorf("want a warning that says why: %s", diagText(diags))
			}
		})
	}
}
