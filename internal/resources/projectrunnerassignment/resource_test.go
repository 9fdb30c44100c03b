package projectrunnerassignment

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
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
