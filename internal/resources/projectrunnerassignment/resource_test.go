package projectrunnerassignment

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

func TestParseID(t *testing.T) {
	if p, r, err := parseID(" 12:42 "); err != nil || p != 12 || r != 42 {
		t.Fatalf("12:42 = %d %d %v", p, r, err)
	}
	for in, want := range map[string]string{
		"42":    "no ':'",
		"x:42":  `project id "x"`,
		"0:42":  `project id "0"`,
		"12:":   "runner id: it is empty",
		"12:-1": "runner id: runner ids are positive",
	} {
		if _, _, err := parseID(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// newResource is the resource with a client for the mock as the user of token.
func newResource(t *testing.T, m *acctest.Mock, token string) *assignmentResource {
	t.Helper()
	c, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: token, RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &assignmentResource{Resource: providerdata.Resource{Data: &providerdata.Data{Client: c}}}
}

func stateOf(t *testing.T, projectID, runnerID int64) tfsdk.State {
	t.Helper()
	var sr resource.SchemaResponse
	(&assignmentResource{}).Schema(context.Background(), resource.SchemaRequest{}, &sr)
	st := tfsdk.State{Schema: sr.Schema}
	if d := st.Set(context.Background(), &assignmentModel{ID: types.StringValue(formatID(projectID, runnerID)),
		ProjectID: types.Int64Value(projectID), RunnerID: types.Int64Value(runnerID)}); d.HasError() {
		t.Fatal(d)
	}
	return st
}

// Destroy of an assignment GitLab refuses to remove (the owner project)
// succeeds with a warning that says what happened and what to do, whether
// GitLab names the owner project (administrators, and everyone before ≈18.2)
// or answers a non-administrator "No access granted" (its runner-project
// policy, ≈18.2+).
func TestDeleteOwnerProjectWarns(t *testing.T) {
	m := acctest.StartMock(t)
	app := m.Seed.Projects[0].ID
	admin, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
	tok, err := admin.CreateRunner(store.RunnerCreation{RunnerType: store.RunnerTypeProject, ProjectID: &app})
	if err != nil {
		t.Fatal(err)
	}
	for token, answer := range map[string]string{
		m.Seed.Group.MaintainerToken: "403 Forbidden: No access granted",
		m.Seed.AdminToken:            "403 Forbidden: You cannot unassign",
	} {
		resp := &resource.DeleteResponse{}
		newResource(t, m, token).Delete(context.Background(), resource.DeleteRequest{State: stateOf(t, app, tok.RunnerID)}, resp)
		text := acctest.DiagText(resp.Diagnostics)
		if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 ||
			!strings.Contains(text, "Runner Stays Assigned to Its Owner Project") || !strings.Contains(text, answer) ||
			!strings.Contains(text, "delete the runner") {
			t.Fatalf("diagnostics:\n%s", text)
		}
	}
	r := newResource(t, m, m.Seed.Group.MaintainerToken)
	// Unassigned already (404): done, silently.
	resp := &resource.DeleteResponse{}
	r.Delete(context.Background(), resource.DeleteRequest{State: stateOf(t, m.Seed.Projects[1].ID, tok.RunnerID)}, resp)
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("unassigning what is not assigned: %s", acctest.DiagText(resp.Diagnostics))
	}
}

// Create adopts an assignment that exists and says so.
func TestCreateAdoptsWithWarning(t *testing.T) {
	m := acctest.StartMock(t)
	app, web := m.Seed.Projects[0].ID, m.Seed.Projects[1].ID
	admin, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
	tok, _ := admin.CreateRunner(store.RunnerCreation{RunnerType: store.RunnerTypeProject, ProjectID: &app})
	if _, err := admin.AssignRunner(store.NamespaceID{ID: web}, tok.RunnerID); err != nil {
		t.Fatal(err)
	}
	r := newResource(t, m, m.Seed.Group.MaintainerToken)
	plan := stateOf(t, web, tok.RunnerID)
	resp := &resource.CreateResponse{State: tfsdk.State{Schema: plan.Schema}}
	r.Create(context.Background(), resource.CreateRequest{Plan: tfsdk.Plan(plan)}, resp)
	text := acctest.DiagText(resp.Diagnostics)
	if resp.Diagnostics.HasError() || !strings.Contains(text, "Runner Already Assigned") || resp.State.Raw.IsNull() {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// createWith runs Create for (project, runner) on ctx and returns its
// diagnostics and whether it saved the assignment in state.
func createWith(ctx context.Context, t *testing.T, r *assignmentResource, projectID, runnerID int64) (string, bool, bool) {
	t.Helper()
	plan := stateOf(t, projectID, runnerID)
	resp := &resource.CreateResponse{State: tfsdk.State{Schema: plan.Schema}}
	r.Create(ctx, resource.CreateRequest{Plan: tfsdk.Plan(plan)}, resp)
	return acctest.DiagText(resp.Diagnostics), resp.Diagnostics.HasError(), !resp.State.Raw.IsNull()
}

// An assignment whose answer is lost is read back: GitLab made it, so it is
// saved (with a warning); when the read-back cannot confirm it, it is saved
// with an error (Terraform keeps it tainted and the next refresh settles
// it); when Terraform was interrupted, the read-back still runs.
func TestCreateSettlesUnknownOutcome(t *testing.T) {
	m := acctest.StartMock(t)
	app, web := m.Seed.Projects[0].ID, m.Seed.Projects[1].ID
	admin, _ := m.Store().Authenticate(m.Seed.AdminToken, store.ScopeAPI)
	newRunner := func() int64 {
		tok, err := admin.CreateRunner(store.RunnerCreation{RunnerType: store.RunnerTypeProject, ProjectID: &app})
		if err != nil {
			t.Fatal(err)
		}
		return tok.RunnerID
	}
	assigned := func(id int64) bool {
		rec, _ := m.Store().Runner(id)
		return slices.Contains(rec.ProjectIDs, web)
	}
	r := newResource(t, m, m.Seed.Group.MaintainerToken)

	// Applied, then 502 on every attempt: confirmed by reading back.
	m.Faults().Add(mockcoordinator.Fault{Route: "POST /projects/:id/runners", Kind: mockcoordinator.FaultApplyThenStatus})
	id := newRunner()
	text, failed, saved := createWith(context.Background(), t, r, web, id)
	if failed || !saved || !assigned(id) || !strings.Contains(text, "Runner Assignment Confirmed After a Lost Answer") {
		t.Errorf("applied then 502: error %v, saved %v, assigned %v:\n%s", failed, saved, assigned(id), text)
	}

	// 500s that did nothing, and the read-back fails too: saved with an error.
	m.Faults().Clear()
	m.Faults().Add(mockcoordinator.Fault{Route: "POST /projects/:id/runners", Kind: mockcoordinator.FaultStatus})
	m.Faults().Add(mockcoordinator.Fault{Route: "GET /runners/:id", Kind: mockcoordinator.FaultStatus, Status: 503})
	id = newRunner()
	text, failed, saved = createWith(context.Background(), t, r, web, id)
	if !failed || !saved || !strings.Contains(text, "Unable to Confirm Runner Assignment") || !strings.Contains(text, "tainted") {
		t.Errorf("500 and a failed read-back: error %v, saved %v:\n%s", failed, saved, text)
	}

	// Interrupted before an answer: read back all the same.
	m.Faults().Clear()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	id = newRunner()
	text, failed, saved = createWith(ctx, t, r, web, id)
	if !failed || !saved || !strings.Contains(text, "Runner Assignment Interrupted") || strings.Contains(text, "context canceled") {
		t.Errorf("interrupted: error %v, saved %v:\n%s", failed, saved, text)
	}

	// GitLab's 500 to an administrator assigning an instance runner: the
	// read-back shows an instance runner, which nothing can assign; the
	// refusal is explained and nothing is saved.
	inst, err := admin.CreateRunner(store.RunnerCreation{RunnerType: store.RunnerTypeInstance})
	if err != nil {
		t.Fatal(err)
	}
	text, failed, saved = createWith(context.Background(), t, newResource(t, m, m.Seed.AdminToken), web, inst.RunnerID)
	if !failed || saved || !strings.Contains(text, "Unable to Assign Runner") || !strings.Contains(text, "is an instance runner") {
		t.Errorf("an instance runner: error %v, saved %v:\n%s", failed, saved, text)
	}
}
